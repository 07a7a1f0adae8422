#!/usr/bin/env python3
"""The simplified core of SMETS1 dormancy after a change of supplier, written in SimPy as an analyst would.

This is the *peer* of `benches/peers/peer.toml` (the same process in dormsim): see benches/peers/README.md and the
"Peer benchmark" section of docs/performance.md. The process, per migration option:

* Switches: each installation that can still go dormant (smart, not yet dormant or migrated) changes supplier as a
  Poisson process with `--annual-rate` switches a year; one switch in `--dormancy-probability` goes to a supplier
  that cannot operate the meter, which makes it dormant (an installation goes dormant at most once: once migrated it
  is enrolled).
* Notice: `standard` waits for DCC's next scheduling cycle (every `--cycle-days` days) and then gives a
  `--standard-notice-days` notice; `expedited` gives an `--expedited-notice-days` notice at once.
* Firmware: the notice asks the SMSO to configure the meter: a first-come-first-served queue with `c` servers and
  exponential service (M/M/c apart from the batched standard notices), `c` = round(servers x sites / represents).
* Migration at the later of the planned date (notice + notice period) and the end of the configuration.

Time is continuous, in days; every day is a working day. Dormancy = migration time - switch time, over the episodes
that began after `--warmup-days` (the firmware queue starts empty) and were migrated before `--horizon-days`
(`env.run(until=...)` leaves events at exactly the horizon unprocessed). Prints one JSON object: the parameters and,
per option, the episodes, mean dormancy with its 95% confidence interval (normal approximation, episodes taken as
independent), mean firmware wait, the share of migrations that waited for the firmware, and the wall-clock seconds.
"""

import argparse
import json
import math
import random
import sys
import time

try:
    import simpy
except ImportError:
    sys.exit(
        "simpy_core.py: SimPy is not installed for "
        f"{sys.executable}. Install it (`python3 -m pip install simpy`) or use benches/peers/run.sh, "
        "which installs it into a virtual environment under its output folder."
    )


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sites", type=int, default=200_000, help="installations simulated (default 200000)")
    p.add_argument("--represents", type=int, default=2_000_000, help="fleet the server count is written for")
    p.add_argument("--servers", type=float, default=2200, help="SMSO servers at --represents scale (default 2200)")
    p.add_argument("--firmware-mean-days", type=float, default=3.0, help="mean configuration time (exponential)")
    p.add_argument("--annual-rate", type=float, default=0.2, help="switches per installation per year")
    p.add_argument("--dormancy-probability", type=float, default=0.6, help="share of switches that cause dormancy")
    p.add_argument("--cycle-days", type=int, default=10, help="standard route: days between scheduling cycles")
    p.add_argument("--standard-notice-days", type=int, default=15, help="standard route: notice period, days")
    p.add_argument("--expedited-notice-days", type=int, default=8, help="expedited route: notice period, days")
    p.add_argument("--horizon-days", type=float, default=365, help="simulated days")
    p.add_argument("--warmup-days", type=float, default=20, help="episodes whose switch came earlier are not counted")
    p.add_argument("--seed", type=int, default=15, help="random seed (the same switches for every option)")
    p.add_argument("--options", default="standard,expedited", help="comma-separated: standard, expedited")
    return p.parse_args()


def simulate_option(args, name, cycle_days, notice_days):
    """One run of one option; returns its statistics."""
    env = simpy.Environment()
    servers = max(1, round(args.servers * args.sites / args.represents))
    smso = simpy.Resource(env, capacity=servers)
    switch_rng = random.Random(args.seed)  # same switching history for every option (common random numbers)
    firmware_rng = random.Random(args.seed + 1)
    switch_rate_per_day = args.annual_rate / 365.25
    stats = {"dormancy": [], "firmware_wait": [], "waited_for_firmware": 0, "dormant": 0}
    can_go_dormant = args.sites  # smart installations not yet dormant or migrated

    def configure():
        requested = env.now
        with smso.request() as request:
            yield request
            yield env.timeout(firmware_rng.expovariate(1.0 / args.firmware_mean_days))
        return env.now - requested

    def episode(ssd):
        if cycle_days:
            next_cycle = math.ceil(env.now / cycle_days) * cycle_days
            yield env.timeout(next_cycle - env.now)
        planned = env.now + notice_days
        firmware = env.process(configure())
        yield firmware & env.timeout(notice_days)
        if ssd < args.warmup_days:
            return  # warm-up: the firmware queue started empty
        stats["dormancy"].append(env.now - ssd)
        stats["firmware_wait"].append(firmware.value)
        if env.now > planned:
            stats["waited_for_firmware"] += 1

    def switches():
        nonlocal can_go_dormant
        while can_go_dormant > 0:
            yield env.timeout(switch_rng.expovariate(can_go_dormant * switch_rate_per_day))
            if switch_rng.random() < args.dormancy_probability:
                can_go_dormant -= 1
                stats["dormant"] += 1
                env.process(episode(env.now))

    start = time.perf_counter()
    env.process(switches())
    env.run(until=args.horizon_days)
    wall = time.perf_counter() - start
    return summarise(name, stats, servers, wall)


def summarise(name, stats, servers, wall):
    d = stats["dormancy"]
    n = len(d)
    mean = sum(d) / n if n else float("nan")
    sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1)) if n > 1 else float("nan")
    half = 1.959964 * sd / math.sqrt(n) if n > 1 else float("nan")
    return {
        "option": name,
        "servers": servers,
        "dormant_episodes": stats["dormant"],
        "migrated_episodes": n,
        "mean_dormancy_days": mean,
        "sd_dormancy_days": sd,
        "ci95_days": [mean - half, mean + half],
        "mean_firmware_wait_days": sum(stats["firmware_wait"]) / n if n else float("nan"),
        "waited_for_firmware_share": stats["waited_for_firmware"] / n if n else float("nan"),
        "wall_seconds": wall,
    }


def main():
    args = parse_args()
    routes = {
        "standard": (args.cycle_days, args.standard_notice_days),
        "expedited": (0, args.expedited_notice_days),
    }
    names = [o.strip() for o in args.options.split(",") if o.strip()]
    unknown = [o for o in names if o not in routes]
    if unknown or not names:
        sys.exit(f"simpy_core.py: --options: unknown option(s) {unknown}; known: {', '.join(routes)}")
    start = time.perf_counter()
    results = [simulate_option(args, o, *routes[o]) for o in names]
    out = {
        "tool": "simpy",
        "simpy_version": simpy.__version__,
        "python_version": sys.version.split()[0],
        "parameters": vars(args),
        "options": results,
        "wall_seconds": time.perf_counter() - start,
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
