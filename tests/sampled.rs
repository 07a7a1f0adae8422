//! Sampled mode (`fleet.sample`, `--sample`): a share of the represented fleet is simulated with every capacity
//! scaled to it, and its headline figures agree with the full run of the same scenario within sampling error.

mod common;
use common::*;
use dormsim::experiment::Summary;

/// The baseline's represented-scale counts and capacities shrunk from 13 million to `represents` installations
/// (backlog, DCC capacity, SMSO servers × represents / 13 m); `size` chooses what is simulated
/// (`fleet.sample=…` or `fleet.installations=…`).
fn shrunk(represents: u32, replications: u32, size: &str) -> dormsim::scenario::Scenario {
    let k = f64::from(represents) / 13e6;
    let mut o = vec![
        format!("fleet.represents={represents}"),
        format!("run.replications={replications}"),
        size.to_string(),
        format!("fleet.backlog.count={}", (2e6 * k).round()),
        format!("dcc.daily_capacity={}", 34_500.0 * k),
    ];
    for (smso, servers) in
        [("ioc", 60_000.0), ("mds", 20_000.0), ("secure", 100_000.0), ("foc-1", 80_000.0), ("foc-2", 80_000.0)]
    {
        o.push(format!("smsos.{smso}.servers={}", servers * k));
    }
    o.push(format!("smsos.foc-3.servers={}", 20_000.0 * k));
    let o: Vec<&str> = o.iter().map(String::as_str).collect();
    baseline(&o)
}

/// The baseline standing for 200 000 installations, 5 replications, simulated at `sample` of that.
fn moderate(sample: &str) -> dormsim::scenario::Scenario {
    shrunk(200_000, 5, &format!("fleet.sample={sample}"))
}

/// Half-width of a 95% interval, 0 when there is none.
fn half_width(ci: Option<[f64; 2]>) -> f64 {
    ci.map_or(0.0, |[lo, hi]| (hi - lo) / 2.0)
}

/// Two independent estimates agree when their difference is within 2 × the combined half-width (each half-width is
/// ≈ 2.8 standard errors with 5 replications, so this is a lenient two-sample bound of ≈ 4 standard errors of the
/// difference: the test catches a biased scaling, not noise).
fn agree(a: f64, a_ci: Option<[f64; 2]>, b: f64, b_ci: Option<[f64; 2]>) -> bool {
    (a - b).abs() <= 2.0 * half_width(a_ci).hypot(half_width(b_ci))
}

#[test]
fn a_sample_scales_every_capacity_and_count_by_its_fraction() {
    let full = moderate("1.0");
    let tenth = moderate("0.1");
    assert_eq!(full.fleet.installations, 200_000);
    assert_eq!(tenth.fleet.installations, 20_000);
    // round(30 769 × 0.1) = 3 077: each count is rounded once, so ten times the sample is within 10 of the full.
    assert!((i64::from(tenth.fleet.backlog_sites) * 10 - i64::from(full.fleet.backlog_sites)).abs() <= 10);
    let (c_full, c_tenth) = (full.dcc.daily_capacity.unwrap(), tenth.dcc.daily_capacity.unwrap());
    assert!((c_full - 10.0 * c_tenth).abs() < 1e-9, "{c_full} vs {c_tenth}");
    for (a, b) in full.smsos.iter().zip(&tenth.smsos) {
        // Servers are whole numbers: round(servers × fraction), so a tenth is within one server of a tenth.
        let (a, b) = (f64::from(a.servers.unwrap()), f64::from(b.servers.unwrap()));
        assert!((a / 10.0 - b).abs() <= 1.0, "{}: {a} vs {b}", full.smsos[0].name);
    }
    // Bulk transfers, the active programme and switching are shares and rates: nothing to scale.
    assert_eq!(full.switching.annual_rate, tenth.switching.annual_rate);
}

#[test]
fn a_full_sample_is_the_same_run_as_simulating_every_installation() {
    let by_sample = run_summary(&shrunk(30_000, 2, "fleet.sample=1"), 2);
    let by_count = run_summary(&shrunk(30_000, 2, "fleet.installations=30000"), 2);
    let json = |s: &Summary| serde_json::to_string(s).unwrap();
    assert_eq!(json(&by_sample), json(&by_count));
}

#[test]
fn a_ten_percent_sample_reproduces_the_full_runs_headline_figures() {
    let full = run_summary(&moderate("1.0"), 2);
    let tenth = run_summary(&moderate("0.1"), 2);
    for (name, f) in &full.options {
        let t = &tenth.options[name];
        assert!(
            agree(f.dormancy_wd.mean, f.dormancy_wd.ci95, t.dormancy_wd.mean, t.dormancy_wd.ci95),
            "{name} dormancy: full {} {:?}, sample {} {:?}",
            f.dormancy_wd.mean,
            f.dormancy_wd.ci95,
            t.dormancy_wd.mean,
            t.dormancy_wd.ci95
        );
        // Counts scaled back up: within 5% of the full run's (a 20 000-installation sample has a few thousand
        // migrated episodes per replication, so its relative standard error is ≈ 1%).
        let scaled = t.migrated_sites * tenth.scale_to_represented;
        let rel = (scaled - f.migrated_sites).abs() / f.migrated_sites;
        assert!(rel < 0.05, "{name} migrated: full {}, sample scaled {scaled}", f.migrated_sites);
        let (ff, tf) = (&f.manual_fte["total"], &t.manual_fte["total"]);
        assert!(
            agree(ff.mean_weekly, ff.ci95, tf.mean_weekly, tf.ci95),
            "{name} manual FTE: full {} {:?}, sample {} {:?}",
            ff.mean_weekly,
            ff.ci95,
            tf.mean_weekly,
            tf.ci95
        );
    }
    for (f, t) in full.comparisons.iter().zip(&tenth.comparisons) {
        assert!(
            agree(f.mean_reduction_wd, f.ci95, t.mean_reduction_wd, t.ci95),
            "{} reduction: full {} {:?}, sample {} {:?}",
            f.option,
            f.mean_reduction_wd,
            f.ci95,
            t.mean_reduction_wd,
            t.ci95
        );
    }
}
