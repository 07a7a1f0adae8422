#!/usr/bin/env bash
# Peer benchmark (issue 15): the simplified core process in SimPy (simpy_core.py) and in dormsim (peer.toml), timed
# wall-clock at 200 000 and 2 000 000 installations, with their mean dormancy per option and whether they agree.
#
#   benches/peers/run.sh [--sizes 200000,2000000] [--repeat N] [--threads N] [--seed N] [--out DIR]
#
# Needs python3 (3.8 or later) and a Rust toolchain. It builds dormsim (`cargo build --release`, a no-op when up to
# date) and uses SimPy from python3 if it is installed there; otherwise it creates a virtual environment in
# DIR/venv (default output/peer-bench/venv) and installs SimPy from PyPI into it (network needed once; nothing is
# installed system-wide). CI does not run this script. Results: the console table and DIR/results.json.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/output/peer-bench"
args=("$@")
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=${2:?--out needs a folder}; shift 2 ;;
        --out=*) out=${1#--out=}; shift ;;
        -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
        *) shift ;;
    esac
done
fail() { echo "run.sh: error: $*" >&2; exit 2; }

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 ||
    fail "$python not found: the peer benchmark needs Python 3.8 or later (Debian: apt-get install python3 python3-venv)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 8))' ||
    fail "$("$python" --version 2>&1) is too old: the peer benchmark needs Python 3.8 or later"

mkdir -p "$out"
if "$python" -c 'import simpy' 2>/dev/null; then
    peer_python=$python
else
    peer_python="$out/venv/bin/python"
    if ! "$peer_python" -c 'import simpy' 2>/dev/null; then
        echo "run.sh: SimPy is not installed for $python: installing it into the virtual environment $out/venv" >&2
        "$python" -m venv "$out/venv" ||
            fail "could not create a virtual environment with '$python -m venv' (Debian: apt-get install python3-venv)"
        "$peer_python" -m pip install --quiet --disable-pip-version-check 'simpy>=4,<5' ||
            fail "could not install SimPy from PyPI into $out/venv (no network?); install it yourself: pip install simpy"
        "$peer_python" -c 'import simpy' || fail "SimPy still cannot be imported from $out/venv"
    fi
fi

command -v cargo >/dev/null 2>&1 || fail "cargo not found: dormsim needs a Rust toolchain (https://rustup.rs)"
(cd "$root" && cargo build --release --quiet --bin dormsim) || fail "cargo build --release failed"

exec "$peer_python" "$here/compare.py" --dormsim "$root/target/release/dormsim" --out "$out" ${args[@]+"${args[@]}"}
