#!/bin/bash
# Reruns every calibration run with the pinned binary. Usage: bash runall.sh
set -e
B=${DORMSIM:-./target/release/dormsim}   # build first: cargo build --release
cd /work/main
/usr/bin/time -v $B run --sites 13000000 --replications 2 --out /tmp/gb > /tmp/gb_stdout.txt 2> /tmp/gb_time.txt
/usr/bin/time -v $B run --out /tmp/base > /tmp/base_stdout.txt 2> /tmp/base_time.txt
S=""; for s in ioc mds secure foc-1 foc-2 foc-3; do S="$S --set smsos.$s.lead_time_wd=1 --set smsos.$s.failure_probability=0 --set smsos.$s.servers="; done
E=""; for d in IOC.dmcs.ioc-main MOC-MDS.dmcs.honeywell-elster-1 MOC-MDS.dmcs.honeywell-elster-2 MOC-Secure.dmcs.secure-liberty MOC-Secure.dmcs.secure-other FOC.dmcs.foc-trilliant FOC.dmcs.foc-landis-gyr FOC.dmcs.foc-edmi; do E="$E --set fleet.cohorts.$d.epcl_date=2019-01-01"; done
NOSEC=""; for d in MOC-Secure.dmcs.secure-liberty MOC-Secure.dmcs.secure-other FOC.dmcs.foc-trilliant FOC.dmcs.foc-landis-gyr; do NOSEC="$NOSEC --set fleet.cohorts.$d.epcl_date="; done
C="--set options.standard.schedule_cycle_wd=0"
r(){ n=$1; shift; $B run --quiet --out /tmp/calib/$n "$@" 2>/dev/null; }
r d1 $C
r d2 $C --set dcc.daily_capacity=
r d3 $C --set dcc.daily_capacity= $S
r d4 $C --set dcc.daily_capacity= $S --set dcc.failure_probability=0
r d7 $C --set dcc.daily_capacity= $S --set dcc.failure_probability=0 $E
r d8 $C --set dcc.daily_capacity= $S --set dcc.failure_probability=0 $E --set run.calendar=none
r p1 $NOSEC
r b1 --set fleet.backlog.count=1000000
r b2 --set fleet.backlog.count=2000000
r s1 --set fleet.backlog.count=2500000
r r1 --set switching.annual_rate=0.135
r rb --set switching.annual_rate=0.135 --set fleet.backlog.count=2000000
r s0h --set run.horizon_days=914
r s2 --set run.horizon_days=914 --set 'fleet.cohorts.MOC-Secure.active_migration={start = 2021-03-01, end = 2022-06-30, share = 0.90}' --set 'fleet.cohorts.FOC.active_migration={start = 2021-10-01, end = 2023-06-30, share = 0.90}'
