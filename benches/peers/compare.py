#!/usr/bin/env python3
"""Run the SimPy peer (simpy_core.py) and dormsim (peer.toml) on the same core process at each size, time both
wall-clock (whole commands: interpreter start-up for the peer, every output file for dormsim), and print their speed,
their mean dormancy per option and whether the means agree. Started by run.sh, which provides SimPy and dormsim.

Agreement: dormsim - peer is expected to be
    -0.5 day on a route with a scheduling cycle   (whole-day Supply Start Dates against a fixed cycle instant)
    + 1 day x dormsim's firmware-late share       (late episodes migrate the day after the next 20:00 check)
    - annual_rate / 365.25 x variance of dormancy (dormsim's second switches end ~1% of episodes early)
within 1.96 x the combined standard error (episodes taken as independent in both) + 0.5 day x the firmware-late
share (a late episode's rounding lies between 0.5 and 1.5 days). benches/peers/peer.toml explains each term.
Exit code 1 when a mean disagrees.
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OPTIONS = ["standard", "expedited"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dormsim", required=True, help="the dormsim binary")
    p.add_argument("--out", required=True, help="folder for dormsim's outputs and results.json")
    p.add_argument("--sizes", default="200000,2000000", help="installations, comma-separated (at most 2000000)")
    p.add_argument("--repeat", type=int, default=1, help="runs per tool and size; the fastest is reported")
    p.add_argument("--threads", type=int, default=2, help="dormsim worker threads (default 2)")
    p.add_argument("--seed", type=int, help="seed for both tools (default: each file's own, 15)")
    return p.parse_args()


def timed(cmd):
    """Run `cmd`, return (stdout, wall seconds); exit with its stderr if it fails."""
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"compare.py: `{' '.join(map(str, cmd))}` failed ({done.returncode}):\n{done.stderr}")
    return done.stdout, wall


def seed_args(seed):
    return [] if seed is None else ["--seed", str(seed)]


def run_peer(n, repeat, seed):
    cmd = [sys.executable, HERE / "simpy_core.py", "--sites", str(n)] + seed_args(seed)
    runs = [timed(cmd) for _ in range(repeat)]
    stdout, wall = min(runs, key=lambda r: r[1])
    peer = json.loads(stdout)
    options = {o["option"]: o for o in peer["options"]}
    stats = {
        name: {
            "mean": o["mean_dormancy_days"],
            "sd": o["sd_dormancy_days"],
            "n": o["migrated_episodes"],
            "firmware_wait": o["mean_firmware_wait_days"],
            "firmware_late": o["waited_for_firmware_share"],
        }
        for name, o in options.items()
    }
    return {"tool": "simpy", "wall": wall, "options": stats, "raw": peer}


def run_dormsim(binary, n, out, threads, repeat, seed):
    folder = Path(out) / f"dormsim-{n}"
    cmd = [binary, "run", HERE / "peer.toml", "--sites", str(n), "--out", folder, "--threads", str(threads), "-q"]
    cmd += seed_args(seed)
    wall = min(timed(cmd)[1] for _ in range(repeat))
    summary = json.loads((folder / "summary.json").read_text())
    moments = distribution_moments(folder / "dormancy_distribution.csv")
    stats = {}
    for name in OPTIONS:
        o = summary["options"][name]
        mean, sd, count = moments[name]
        if count != o["dormancy_wd"]["episodes_pooled"] or abs(mean - o["dormancy_wd"]["mean"]) > 1e-9:
            sys.exit(f"compare.py: {folder}: dormancy_distribution.csv does not match summary.json for {name}")
        stats[name] = {
            "mean": mean,
            "sd": sd,
            "n": count,
            "firmware_wait": o["firmware_wait_wd"]["mean"],
            "firmware_late": o["notified_dates"]["missed_share"]["firmware_late"],
        }
    return {"tool": "dormsim", "wall": wall, "options": stats, "folder": str(folder)}


def distribution_moments(path):
    """Per option: mean, standard deviation and count of the working-day dormancy (one replication)."""
    sums = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["unit"] != "working_days":
                continue
            s = sums.setdefault(row["option"], [0, 0.0, 0.0])
            k, x = int(row["episodes"]), float(row["dormancy"])
            s[0] += k
            s[1] += k * x
            s[2] += k * x * x
    moments = {}
    for name, (k, s1, s2) in sums.items():
        mean = s1 / k
        moments[name] = (mean, math.sqrt(max(0.0, (s2 - k * mean * mean) / (k - 1))), k)
    return moments


def agreement(peer, dormsim, name, params):
    """dormsim - peer for one option: observed, expected, tolerance (days) and whether they agree."""
    p, d = peer["options"][name], dormsim["options"][name]
    cycle = params["cycle_days"] if name == "standard" else 0
    late = d["firmware_late"]
    expected = (-0.5 if cycle > 1 else 0.0) + late - params["annual_rate"] / 365.25 * p["sd"] ** 2
    noise = 1.959964 * math.sqrt(p["sd"] ** 2 / p["n"] + d["sd"] ** 2 / d["n"])
    tolerance = noise + 0.5 * late
    observed = d["mean"] - p["mean"]
    return {
        "observed": observed,
        "expected": expected,
        "tolerance": tolerance,
        "agree": abs(observed - expected) <= tolerance,
    }


def ci(s):
    half = 1.959964 * s["sd"] / math.sqrt(s["n"])
    return f"{s['mean']:7.3f} [{s['mean'] - half:.3f}, {s['mean'] + half:.3f}]"


def rate(n, run):
    return n * len(OPTIONS) / run["wall"]


def print_size(n, peer, dormsim, checks, load):
    print(f"\n{n:,} installations (load average {load:.2f} before the runs)")
    print(f"{'tool':<8} {'wall s':>7} {'inst/s':>11}  {'standard days [95% CI]':<26}  {'expedited days [95% CI]':<26}"
          f"  {'fw wait std / exp':>17}")
    for run in (peer, dormsim):
        o = run["options"]
        fw = f"{o['standard']['firmware_wait']:.2f} / {o['expedited']['firmware_wait']:.2f}"
        print(f"{run['tool']:<8} {run['wall']:7.2f} {rate(n, run):11,.0f}  {ci(o['standard']):<26}  "
              f"{ci(o['expedited']):<26}  {fw:>17}")
    print(f"speed: dormsim {rate(n, dormsim) / rate(n, peer):.1f}x the peer's installations per second (wall-clock)")
    for name in OPTIONS:
        c = checks[name]
        verdict = "agree" if c["agree"] else "DISAGREE"
        print(f"  {name:<9} dormsim - peer {c['observed']:+.3f} days, expected {c['expected']:+.3f} "
              f"± {c['tolerance']:.3f}: {verdict}")


def main():
    args = parse_args()
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(n < 1000 or n > 2_000_000 for n in sizes):
        sys.exit("compare.py: --sizes: installations from 1000 to 2000000 (peer.toml's fleet.represents)")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    version = subprocess.run([args.dormsim, "--version"], capture_output=True, text=True).stdout.strip()
    print("Peer benchmark: the core process in SimPy (benches/peers/simpy_core.py) and in dormsim "
          "(benches/peers/peer.toml)")
    print(f"{os.cpu_count()} cores; Python {sys.version.split()[0]}; {version}, --threads {args.threads}; "
          f"inst/s = installations x {len(OPTIONS)} options / wall s; fastest of {args.repeat} run(s)")
    results = []
    for n in sizes:
        load = os.getloadavg()[0]
        if load > 1.5:
            print(f"warning: load average {load:.2f}: other work is running, wall times will be slower")
        peer = run_peer(n, args.repeat, args.seed)
        dormsim = run_dormsim(args.dormsim, n, args.out, args.threads, args.repeat, args.seed)
        params = peer["raw"]["parameters"]
        checks = {name: agreement(peer, dormsim, name, params) for name in OPTIONS}
        print_size(n, peer, dormsim, checks, load)
        results.append({"installations": n, "load_average": load, "simpy": peer, "dormsim": dormsim,
                        "speed_ratio": rate(n, dormsim) / rate(n, peer), "agreement": checks})
    print("\nexpected = -0.5 day with a scheduling cycle (whole-day SSDs) + dormsim's firmware-late share x 1 day "
          "(migration the day after the next 20:00 check) - rate/365.25 x variance (second switches); tolerance = "
          "1.96 x combined standard error + 0.5 x firmware-late share. Why: benches/peers/peer.toml")
    (Path(args.out) / "results.json").write_text(json.dumps(results, indent=1, default=str))
    print(f"wrote {Path(args.out) / 'results.json'}")
    if not all(c["agree"] for r in results for c in r["agreement"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
