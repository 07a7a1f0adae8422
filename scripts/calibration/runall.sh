#!/bin/bash
# Reruns every calibration run of docs/calibration.md with a pinned binary. Usage:
#   cp target/release/dormsim /tmp/cal-dormsim && DORMSIM=/tmp/cal-dormsim OUT=/tmp/calib bash runall.sh
# then: DORMSIM=... python3 scripts/calibration/calib.py $OUT/gb $OUT/base ...   (--brief for one line per run)
set -e
B=${DORMSIM:-./target/release/dormsim}   # build first: cargo build --release (copy it so a rebuild cannot change it)
O=${OUT:-/tmp/calib}
cd /work/main
mkdir -p $O
t(){ n=$1; shift; /usr/bin/time -v $B run --out $O/$n "$@" > $O/${n}_stdout.txt 2> $O/${n}_time.txt; }
t gb --sites 13000000 --replications 2          # GB scale
t base                                          # embedded baseline, 100 000 × 10
t h914 --set run.horizon_days=914               # to end 2022: the FOC window runs to 2023-03-31
# The baseline before the first calibration (commit fb304bc), same binary: the "before" figures
git show fb304bc:scenarios/baseline.toml > $O/pre-calibration.toml
t old $O/pre-calibration.toml
t oldh $O/pre-calibration.toml --set run.horizon_days=914
S=""; for s in ioc mds secure foc-1 foc-2 foc-3; do S="$S --set smsos.$s.lead_time_wd=1 --set smsos.$s.failure_probability=0 --set smsos.$s.servers="; done
E=""; for d in IOC.dmcs.ioc-main MOC-MDS.dmcs.honeywell-elster-1 MOC-MDS.dmcs.honeywell-elster-2 MOC-Secure.dmcs.secure-liberty MOC-Secure.dmcs.secure-other FOC.dmcs.foc-trilliant FOC.dmcs.foc-landis-gyr FOC.dmcs.foc-edmi; do E="$E --set fleet.cohorts.$d.epcl_date=2019-01-01"; done
NOSEC=""; for d in MOC-Secure.dmcs.secure-liberty MOC-Secure.dmcs.secure-other FOC.dmcs.foc-trilliant FOC.dmcs.foc-landis-gyr; do NOSEC="$NOSEC --set fleet.cohorts.$d.epcl_date="; done
C="--set options.standard.schedule_cycle_wd=0"
r(){ n=$1; shift; $B run --quiet --out $O/$n "$@" 2>/dev/null; }
# §4 decomposition of the headline (cumulative overrides)
r d1 $C
r d2 $C --set dcc.daily_capacity=
r d3 $C --set dcc.daily_capacity= $S
r d4 $C --set dcc.daily_capacity= $S --set dcc.failure_probability=0
r d7 $C --set dcc.daily_capacity= $S --set dcc.failure_probability=0 $E
r d8 $C --set dcc.daily_capacity= $S --set dcc.failure_probability=0 $E --set run.calendar=none
# §4 why some installations are slower: DCC capacity contention
r c1 --set dcc.daily_capacity=
r c2 --set dcc.dormant_share=1.0
r n0 --set fleet.backlog.count=0
# §5 EPCL coverage of early 2020
r p1 $NOSEC
# §7 sensitivities: backlog (the old 0.4 m, 1 m, 2.5 m), the 2021-22 mean switching rate
r b04 --set fleet.backlog.count=400000
r b1 --set fleet.backlog.count=1000000
r b25 --set fleet.backlog.count=2500000
r r1 --set switching.annual_rate=0.135
