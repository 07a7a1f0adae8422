"""Calibration figures for docs/calibration.md (standard library only).
Usage: python3 calib.py [--brief] RUN_DIR [RUN_DIR ...]   (DORMSIM = the binary that made the runs)
--brief: one line per run and compared option (the sensitivity table of docs/calibration.md §7)."""
import csv, json, sys, datetime as dt, subprocess, collections, math

import os
BIN = os.environ.get("DORMSIM", "./target/release/dormsim")
D = dt.date.fromisoformat

def holidays(a, b):
    out = subprocess.run([BIN, "calendar", "--from", a, "--to", b], capture_output=True, text=True).stdout
    return {D(l.split("\t")[0]) for l in out.splitlines() if l.strip()}

HOL = holidays("2020-01-01", "2023-12-31")
def is_wd(d): return d.weekday() < 5 and d not in HOL

def load(run):
    s = json.load(open(f"{run}/summary.json"))
    m = json.load(open(f"{run}/manifest.json"))
    w = list(csv.DictReader(open(f"{run}/weekly.csv")))
    mw = list(csv.DictReader(open(f"{run}/manual_weekly.csv")))
    return s, m, w, mw

def f(x): return float(x)

def report(run):
    s, m, weekly, mweekly = load(run)
    k = s["scale_to_represented"]
    start = D(s["start_date"]); end = start + dt.timedelta(days=s["horizon_days"])
    print(f"== {run}: version {m['dormsim_version']} hash {m['scenario_hash']} overrides {m['overrides']} "
          f"reps {m['replications']} threads {m['threads']} sim wall {m['wall_time_seconds']:.1f}s scale {k}")
    opts = list(s["options"])
    for opt in opts:
        rows = [r for r in weekly if r["option"] == opt]
        # --- migrations: spread each week's count over its working days, then sum by month
        month = collections.defaultdict(lambda: [0.0, 0.0, 0])  # dormant, active, WDs
        cum = []  # (date, cumulative dormant, cumulative active)
        cd = ca = 0.0
        for r in rows:
            ws = D(r["week_start"])
            days = [ws + dt.timedelta(i) for i in range(7) if ws + dt.timedelta(i) < end]
            wds = [d for d in days if is_wd(d)] or days
            dm, am = f(r["migrations_mean"]) * k, f(r["active_migrations_mean"]) * k
            for d in wds:
                month[(d.year, d.month)][0] += dm / len(wds)
                month[(d.year, d.month)][1] += am / len(wds)
            for d in days:
                if is_wd(d): month[(d.year, d.month)][2] += 1
            cd += dm; ca += am
            cum.append((ws + dt.timedelta(6), cd, ca))
        def cum_at(date):  # cumulative through date, interpolating over the month table (WD-spread)
            tot_d = sum(v[0] for (y, mo), v in month.items() if dt.date(y, mo, 1) <= date)
            tot_a = sum(v[1] for (y, mo), v in month.items() if dt.date(y, mo, 1) <= date)
            return tot_d, tot_a
        print(f"\n-- {opt}: migrations (represented)")
        for label, y, mo in [("end 2020", 2020, 12), ("end Nov 2021", 2021, 11), ("end Jun 2022", 2022, 6),
                             ("end Nov 2022", 2022, 11), ("end Dec 2022", 2022, 12)]:
            if dt.date(y, mo, 28) > end: continue
            dd = sum(v[0] for (yy, mm), v in month.items() if (yy, mm) <= (y, mo))
            aa = sum(v[1] for (yy, mm), v in month.items() if (yy, mm) <= (y, mo))
            print(f"  cumulative to {label}: dormant {dd/1e6:.3f} m + active {aa/1e6:.3f} m = {(dd+aa)/1e6:.3f} m")
        peak = max(month.items(), key=lambda kv: kv[1][0] + kv[1][1])
        print("  month, dormant k, active k, total k, WDs, per WD k")
        for (y, mo), (dm, am, n) in sorted(month.items()):
            print(f"  {y}-{mo:02d} {dm/1e3:8.1f} {am/1e3:8.1f} {(dm+am)/1e3:8.1f} {n:3d} {(dm+am)/max(n,1)/1e3:6.2f}")
        (py, pm), (pd_, pa, pn) = peak
        print(f"  peak month {py}-{pm:02d}: {(pd_+pa)/1e3:.1f} k ({(pd_+pa)/pn/1e3:.2f} k/WD)")
        wk = max(rows, key=lambda r: f(r["migrations_mean"]) + f(r["active_migrations_mean"]))
        ws = D(wk["week_start"]); nwd = sum(is_wd(ws + dt.timedelta(i)) for i in range(7))
        tot = (f(wk["migrations_mean"]) + f(wk["active_migrations_mean"])) * k
        print(f"  peak week {wk['week_start']}: {tot/1e3:.1f} k over {nwd} WD = {tot/nwd/1e3:.2f} k/WD")
        # --- switching / new dormancy
        nd = [f(r["new_dormant_mean"]) * k for r in rows]
        print(f"\n-- {opt}: new dormant episodes: year 1 (wk 0-51) {sum(nd[:52])/1e6:.3f} m, year 2 (wk 52-103) {sum(nd[52:104])/1e6:.3f} m; "
              f"first 4 weeks {sum(nd[:4])/4/1e3:.1f} k/week (annualised {sum(nd[:4])/4*365.25/7/1e6:.2f} m)")
        # --- dormant stock
        print(f"\n-- {opt}: dormant stock (represented): date, mean, p05, p95")
        for target in ["2020-07-01", "2020-09-30", "2020-12-31", "2021-03-31", "2021-06-30", "2021-09-30",
                       "2021-12-31", "2022-03-31", "2022-06-30", "2022-09-30", "2022-12-31"]:
            t = D(target)
            if t > end: continue
            r = min(rows, key=lambda r: abs((D(r["week_start"]) + dt.timedelta(6) - t).days))
            print(f"  {target} (week ending {D(r['week_start'])+dt.timedelta(6)}): {f(r['dormant_stock_mean'])*k/1e3:8.1f} k "
                  f"[{f(r['dormant_stock_p05'])*k/1e3:.1f}, {f(r['dormant_stock_p95'])*k/1e3:.1f}]")
        mx = max(rows, key=lambda r: f(r["dormant_stock_mean"]))
        print(f"  max {f(mx['dormant_stock_mean'])*k/1e3:.1f} k in week from {mx['week_start']}; "
              f"mean stock {s['options'][opt]['mean_dormant_stock']*k/1e3:.1f} k")
        # --- manual work
        o = s["options"][opt]
        fte = o["manual_fte"]
        print(f"\n-- {opt}: manual FTE")
        for p in fte:
            x = fte[p]
            ws = start + dt.timedelta(7 * x["peak_week"])
            print(f"  {p:8s} mean {x['mean_weekly']:.2f} {['%.2f'%v for v in x['ci95']] if x['ci95'] else ''} "
                  f"peak {x['peak_weekly']:.1f} week {x['peak_week']} ({ws})")
        bytype = collections.defaultdict(lambda: [0.0, 0.0, ""])
        for r in mweekly:
            if r["option"] != opt: continue
            bytype[r["case_type"]][0] += f(r["cases_mean"]); bytype[r["case_type"]][1] += f(r["fte_mean"]); bytype[r["case_type"]][2] = r["party"]
        nweeks = len(rows)
        tot_fte = sum(v[1] for v in bytype.values())
        print("  case type, party, cases (represented, whole run), mean FTE, share of FTE")
        for ct, (c, fw, p) in sorted(bytype.items(), key=lambda kv: -kv[1][1]):
            print(f"  {ct:28s} {p:8s} {c*k/1e3:9.1f} k {fw/nweeks:6.2f} {fw/tot_fte:6.1%}  (summary cases {o['manual_cases'][ct]*k/1e3:.1f} k)")
        # peak-week composition
        for p in [q for q in fte if q != "total"]:
            pw = fte[p]["peak_week"]
            comp = [(r["case_type"], f(r["fte_mean"])) for r in mweekly if r["option"] == opt and int(r["week"]) == pw and r["party"] == p]
            print(f"  peak week {pw} {p}: " + ", ".join(f"{c} {v:.1f}" for c, v in sorted(comp, key=lambda t: -t[1]) if v > 0.05))
        print(f"  dormant_sites {o['dormant_sites']*k/1e6:.3f} m backlog {o['backlog_sites']*k/1e3:.0f} k new episodes {o['new_dormant_episodes']*k/1e6:.3f} m "
              f"migrated {o['migrated_sites']*k/1e6:.3f} m active migrated {o['active_migrated_sites']*k/1e6:.3f} m reactivated {o['reactivated_episodes']*k/1e3:.1f} k "
              f"at end {o['still_dormant_at_end']*k/1e3:.1f} k excluded {o['excluded_sites']*k/1e3:.2f} k fw late {o['firmware_late_share']:.3f} fw wait {o['firmware_wait_wd']['mean']:.2f}")
        print(f"  dormancy_wd {o['dormancy_wd']['mean']:.2f} {o['dormancy_wd']['ci95']} p50 {o['dormancy_wd']['p50']} p90 {o['dormancy_wd']['p90']} p95 {o['dormancy_wd']['p95']}; "
              f"restored_wd {o['restored_wd']['mean']:.2f} {o['restored_wd']['ci95']}")
    dormancy_share(s, m, weekly)
    # --- comparisons
    print("\n-- comparisons")
    years = s["horizon_days"] / 365.25
    rate = m["resolved_scenario"]["switching"]["annual_rate"]
    n = s["installations"]
    for c in s["comparisons"]:
        o = s["options"][c["baseline"]]
        print(f"  {c['option']}: migr {c['mean_reduction_wd']:.2f} {['%.2f'%v for v in c['ci95']]}; "
              f"restored {c['mean_reduction_restored_wd']:.2f} {['%.2f'%v for v in c['ci95_restored']]}; "
              f"days {c['mean_reduction_days']:.2f}; site {c['mean_site_reduction_wd']:.2f} {['%.3f'%v for v in c['ci95_site']]}; "
              f"faster {c['share_sites_faster']:.4f} slower {c['share_sites_slower']:.4f}; extra FTE {c['extra_manual_fte']:.2f} {['%.2f'%v for v in c['ci95_extra_manual_fte']]}")
        faster_sites = c["share_sites_faster"] * o["dormant_sites"]
        switches = rate * n * years
        switchers = n * (1 - math.exp(-rate * years))
        print(f"     faster sites {faster_sites*k/1e6:.3f} m = {faster_sites/switches:.1%} of {switches*k/1e6:.2f} m switches, "
              f"{faster_sites/switchers:.1%} of {switchers*k/1e6:.2f} m installations switching at least once, "
              f"{faster_sites/n:.1%} of all installations; {faster_sites/(o['new_dormant_episodes']):.1%} of new dormant episodes")

def dormancy_share(s, m, weekly):
    """Share of switches of an active (operable, unmigrated) installation that make it dormant: analytic from the
    supplier table (current supplier drawn among operators by market share, gaining supplier any other by market
    share, as in src/fleet.rs and src/arrivals.rs), and empirical from the first 4 weeks of the baseline option."""
    r = m["resolved_scenario"]
    sup = r["suppliers"]; smsos = [x["name"] for x in r["smsos"]]
    by_smso = {}
    for i, name in enumerate(smsos):
        ops = [x for x in sup if x["operates_mask"] >> i & 1 and x["market_share"] > 0]
        tot = sum(x["market_share"] for x in ops)
        sh = sum(o["market_share"] / tot * sum(g["market_share"] for g in sup if g is not o and not g["operates_mask"] >> i & 1)
                 / (1 - o["market_share"]) for o in ops)
        by_smso[name] = sh
    w = collections.defaultdict(float)
    for d in r["dmcs"]: w[smsos[d["smso"]] if isinstance(d["smso"], int) else d["smso"]] += d["fleet_share"]
    fleet = sum(w[k] * by_smso[k] for k in by_smso)
    print("\n-- share of switches of an active installation causing dormancy (analytic): fleet-weighted "
          f"{fleet:.3f}; " + ", ".join(f"{k} {v:.3f}" for k, v in by_smso.items()))
    k = s["scale_to_represented"]; opt = list(s["options"])[0]
    rows = [x for x in weekly if x["option"] == opt][:4]
    n_act = s["installations"] - s["options"][opt]["backlog_sites"]
    # switches taking effect in weeks 0-3 were registered ≈ mean(registration_to_ssd_days) earlier: seasonal weight
    # of the registration days (the June weight for most of them)
    lag = r["switching"]["registration_to_ssd_days"]
    lag = (lag["min"] + lag["mode"] + lag["max"]) / 3 if lag.get("kind") == "triangular" else 16
    st = D(s["start_date"])
    seas = sum(r["switching"]["seasonality"][(st + dt.timedelta(days=d - round(lag))).month - 1] for d in range(28)) / 28
    sw = n_act * r["switching"]["annual_rate"] * seas * 7 / 365.25
    nd = sum(f(x["new_dormant_mean"]) for x in rows) / 4
    print(f"   empirical, first 4 weeks: {nd*k/1e3:.1f} k new dormant a week / {sw*k/1e3:.1f} k switches of active "
          f"installations a week = {nd/sw:.3f} (pending registrations and the first active migrations lower it by ≈ 2–3%)")

def brief(run):
    s, m, weekly, _ = load(run)
    k = s["scale_to_represented"]; opt = list(s["options"])[0]
    start = D(s["start_date"]); end = start + dt.timedelta(days=s["horizon_days"])
    rows = [r for r in weekly if r["option"] == opt]
    def stock(t):
        r = min(rows, key=lambda r: abs((D(r["week_start"]) + dt.timedelta(6) - D(t)).days))
        return f(r["dormant_stock_mean"]) * k / 1e6
    def cum(y, mo):
        tot = 0.0
        for r in rows:
            ws = D(r["week_start"])
            days = [ws + dt.timedelta(i) for i in range(7) if ws + dt.timedelta(i) < end]
            wds = [d for d in days if is_wd(d)] or days
            x = (f(r["migrations_mean"]) + f(r["active_migrations_mean"])) * k / len(wds)
            tot += x * sum((d.year, d.month) <= (y, mo) for d in wds)
        return tot / 1e6
    fte = s["options"][opt]["manual_fte"]
    head = (f"{run}: {m['overrides']} stock {stock('2020-07-01'):.2f}/{stock('2021-06-30'):.2f} m cum "
            f"{cum(2020, 12):.2f}/{cum(2021, 11):.2f}" + (f"/{cum(2022, 11):.2f}" if end > dt.date(2022, 11, 30) else "")
            + f" m; {opt} FTE " + " ".join(f"{p} {x['mean_weekly']:.2f}" for p, x in fte.items()))
    print(head)
    for name, o in s["options"].items():
        pops = "; ".join(f"{p} {v['dormant_wd']['mean']:.1f} WD ({v['episodes']*k/1e3:.0f} k)" for p, v in o["populations"].items())
        ft = o["fast_track"]
        print(f"   {name}: {pops}; kept {o['notified_dates']['kept_share']:.1%}; fast-track share {ft['fast_track_share']:.1%}")
    for c in s["comparisons"]:
        print(f"   {c['option']}: migr {c['mean_reduction_wd']:.2f} [{c['ci95'][0]:.2f}, {c['ci95'][1]:.2f}] restored "
              f"{c['mean_reduction_restored_wd']:.2f} site {c['mean_site_reduction_wd']:.2f} "
              f"[{c['ci95_site'][0]:.2f}, {c['ci95_site'][1]:.2f}] faster {c['share_sites_faster']:.1%} slower "
              f"{c['share_sites_slower']:.1%} extra FTE {c['extra_manual_fte']:+.2f} "
              f"[{c['ci95_extra_manual_fte'][0]:.2f}, {c['ci95_extra_manual_fte'][1]:.2f}]")
        for p, v in c["populations"].items():
            ci = v["reduction_wd"]["ci95"] or [float("nan")] * 2
            mech = max(v["slower_by_stage"].items(), key=lambda kv: kv[1] or 0, default=("-", 0))[0]
            print(f"      {p}: {v['reduction_wd']['mean']:+.2f} [{ci[0]:.2f}, {ci[1]:.2f}] faster {v['share_faster']:.1%} "
                  f"slower {v['share_slower']:.1%} ({mech})")

args = sys.argv[1:]
if args and args[0] == "--brief":
    for run in args[1:]: brief(run)
else:
    for run in args: report(run)
