#!/usr/bin/env python3
"""Pick at most N inputs of a libFuzzer corpus that cover the most coverage edges, greedily, and copy them to OUT.

Usage (from fuzz/, after `cargo +nightly fuzz build -s none -a --codegen-units 16`):
    mkdir -p /tmp/empty && fuzz/target/x86_64-unknown-linux-gnu/release/TARGET -merge=1 \
        -merge_control_file=/tmp/ctl.txt /tmp/empty corpus/TARGET
    python3 min_corpus.py /tmp/ctl.txt corpus-min/TARGET 300

The merge control file lists every input and, per input, the edges it covers (`COV i e1 e2 …`). The input adding
the most uncovered edges is taken first (the smaller one on ties) until N inputs are taken or nothing is left.
"""
import os
import shutil
import sys


def main(control, out, limit):
    lines = open(control).read().split("\n")
    n = int(lines[0])
    files = lines[2 : 2 + n]
    cov = {}
    for line in lines[2 + n :]:
        parts = line.split()
        if parts and parts[0] == "COV":
            cov[int(parts[1])] = set(parts[2:])
    sizes = {i: os.path.getsize(files[i]) for i in cov}
    every = set().union(*cov.values())
    chosen, covered = [], set()
    while len(chosen) < limit:
        best = max(cov, key=lambda i: (len(cov[i] - covered), -sizes[i]))
        if not cov[best] - covered:
            break
        chosen.append(best)
        covered |= cov[best]
    os.makedirs(out, exist_ok=True)
    for i in chosen:
        shutil.copy(files[i], os.path.join(out, os.path.basename(files[i])))
    print(f"{len(chosen)} inputs, {sum(sizes[i] for i in chosen)} bytes, {len(covered)} of {len(every)} edges")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 300)
