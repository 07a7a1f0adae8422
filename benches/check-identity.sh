#!/usr/bin/env bash
# Byte-identity check for performance work (issue 15): a change that only makes dormsim faster must leave every
# result unchanged. Runs a reference binary and a candidate on the embedded baseline, on gb-full.toml at 1 000 000
# installations x 2 replications and on one replication of gb-full.toml (14 M installations, ~3 GB, ~20 s), and
# compares their summary.json byte for byte. Exit code 1 if any differs.
#
#   benches/check-identity.sh REF_BINARY [NEW_BINARY] [--no-gb]
#
# REF_BINARY is typically the release binary of the commit before the change (git worktree, cargo build --release,
# copy target/release/dormsim aside); NEW_BINARY defaults to target/release/dormsim. --no-gb skips the 14 M run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:?usage: check-identity.sh REF_BINARY [NEW_BINARY] [--no-gb]}
new=$root/target/release/dormsim
gb=1
for a in "${@:2}"; do
    case "$a" in
        --no-gb) gb=0 ;;
        *) new=$a ;;
    esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
checks=("baseline::" "1m:$root/scenarios/gb-full.toml:--sites 1000000 --replications 2")
[ "$gb" = 1 ] && checks+=("gb-full:$root/scenarios/gb-full.toml:--replications 1")
status=0
for check in "${checks[@]}"; do
    IFS=: read -r name scenario extra <<<"$check"
    for side in ref new; do
        bin=$ref; [ "$side" = new ] && bin=$new
        # shellcheck disable=SC2086
        /usr/bin/time -f "$name $side: %e s wall, %M KB peak" "$bin" run $scenario $extra -q --out "$work/$name-$side" 2>&1 |
            grep -v '^wrote '
    done
    if cmp -s "$work/$name-ref/summary.json" "$work/$name-new/summary.json"; then
        echo "$name: summary.json identical"
    else
        echo "$name: summary.json DIFFERS"; status=1
    fi
done
exit $status
