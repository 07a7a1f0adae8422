#!/bin/bash
# Reruns every calibration run of docs/calibration.md with a pinned binary. Usage:
#   cp target/release/dormsim /tmp/cal-dormsim && DORMSIM=/tmp/cal-dormsim OUT=/tmp/calib bash scripts/calibration/runall.sh
# then: DORMSIM=... python3 scripts/calibration/calib.py $OUT/gb   (full figures)
#       DORMSIM=... python3 scripts/calibration/calib.py --brief $OUT/base $OUT/fifo ...   (one block per run)
set -e
B=${DORMSIM:-./target/release/dormsim}   # build first: cargo build --release (copy it so a rebuild cannot change it)
O=${OUT:-/tmp/calib}
mkdir -p $O
t(){ n=$1; shift; /usr/bin/time -v $B run --out $O/$n --force "$@" > $O/${n}_stdout.txt 2> $O/${n}_time.txt; }
t gb --sites 13000000 --replications 2          # GB scale
t base                                          # embedded baseline, 100 000 × 10
# The baseline before issue 11 (commit d16feea), same binary cannot read it (keys changed): its figures are quoted.
r(){ n=$1; shift; $B run --quiet --out $O/$n --force "$@" 2>/dev/null; }
# §5 sensitivities of the issue-11 assumptions (one at a time)
r fifo --set dcc.fast_track_priority=fifo
r m1 --set dcc.fast_track_reserve_margin=1.0
r ds2 --set dcc.dormant_share=0.2
r ds5 --set dcc.dormant_share=0.5
r w16 --set options.standard.schedule_delay_wd=16
r lag3 --set dcc.registration_lag_wd=3
r cinf --set dcc.daily_capacity=
r b1 --set fleet.backlog.count=1000000
# §4 the "7%" with the EPCL of early 2020 (only IOC and MOC (MDS) listed)
NOSEC=""; for d in MOC-Secure.dmcs.secure-liberty MOC-Secure.dmcs.secure-other FOC.dmcs.foc-trilliant FOC.dmcs.foc-landis-gyr; do NOSEC="$NOSEC --set fleet.cohorts.$d.epcl_date="; done
r p1 $NOSEC
# §6 the weekday of DCC's certificate file
for d in monday tuesday wednesday thursday friday; do r wd-$d --set dcc.certificate_file_weekday=$d; done
