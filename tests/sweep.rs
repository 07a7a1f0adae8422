//! `dormsim sweep`: range expansion, known monotone effects in the deterministic verification world, the grid size
//! limit and validation of every point before running.

mod common;

use assert_cmd::Command;
use common::verification_toml;
use std::path::{Path, PathBuf};

/// The verification scenario (calendar none, SSD on the transfer date, no failures) written to `dir`.
fn scenario_file(dir: &Path, sites: u32) -> PathBuf {
    let path = dir.join("verification.toml");
    std::fs::write(&path, verification_toml("none", "2021-03-01", "2021-03-10", sites)).unwrap();
    path
}

fn sweep(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("dormsim").unwrap().arg("sweep").args(args).assert()
}

/// `sweep.csv` as (header, rows of fields); values contain no commas in these tests.
fn read_csv(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    let mut lines = text.lines().map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    (lines.next().unwrap(), lines.collect())
}

/// Mean of `metric` for `option` per point, in point order.
fn means(dir: &Path, option: &str, metric: &str) -> Vec<f64> {
    let (h, rows) = read_csv(dir);
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    rows.iter()
        .filter(|r| r[col("option")] == option && r[col("metric")] == metric)
        .map(|r| r[col("mean")].parse().unwrap())
        .collect()
}

#[test]
fn decimal_range_gives_exact_values() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), 200);
    let out = tmp.path().join("out");
    sweep(&[
        file.to_str().unwrap(),
        "--vary",
        "fleet.prepayment_share=0.1..0.5 step 0.1",
        "--out",
        out.to_str().unwrap(),
        "--threads",
        "2",
    ])
    .success();
    let (h, rows) = read_csv(&out);
    let (pc, kc) = (0, h.iter().position(|c| c == "fleet.prepayment_share").unwrap());
    let mut points: Vec<(String, String)> = rows.iter().map(|r| (r[pc].clone(), r[kc].clone())).collect();
    points.dedup();
    let expected: Vec<(String, String)> =
        ["0.1", "0.2", "0.3", "0.4", "0.5"].iter().enumerate().map(|(i, v)| (i.to_string(), v.to_string())).collect();
    assert_eq!(points, expected);
    for f in ["sweep.csv", "sweep.parquet", "charts/sweep.svg", "charts/sweep.png", "sweep.json", "tables.xlsx"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert_eq!(
        h,
        [
            "point",
            "fleet.prepayment_share",
            "option",
            "metric",
            "unit",
            "mean",
            "ci95_low",
            "ci95_high",
            "replications"
        ]
    );
}

#[test]
fn issue14_a_sweep_keeps_numeric_keys_numeric_and_reports_paired_extra_effort() {
    // A swept integer key is an integer column (so 12 sorts after 4 in any dataframe tool), and the paired
    // extra_manual_fte metric (was "unknown metric") is a row per non-baseline option with its unit.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    Command::cargo_bin("dormsim")
        .unwrap()
        .args(["sweep", "--vary", "options.expedited.notice_wd=4,12", "--sites", "300", "--replications", "2"])
        .args(["--metric", "extra_manual_fte", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let (h, rows) = read_csv(&out);
    let (kc, mc, uc) = (
        h.iter().position(|c| c == "options.expedited.notice_wd").unwrap(),
        h.iter().position(|c| c == "metric").unwrap(),
        h.iter().position(|c| c == "unit").unwrap(),
    );
    let keys: Vec<&str> = rows.iter().map(|r| r[kc].as_str()).collect();
    assert!(keys.iter().all(|k| *k == "4" || *k == "12"), "{keys:?}");
    let extra: Vec<&Vec<String>> = rows.iter().filter(|r| r[mc] == "extra_manual_fte").collect();
    assert_eq!(extra.len(), 4, "two points × two non-baseline options");
    assert!(extra.iter().all(|r| r[uc] == "FTE (GB scale)"));
}

#[test]
fn expedited_dormancy_equals_its_notice_in_the_deterministic_world() {
    // Verification world, calendar none: every installation goes dormant on the transfer date (its SSD, a working
    // day) and expedited migrates exactly notice_wd working days later, provided the firmware is ready before the
    // check (cos_check_wd = 2 before the end). A 1 WD firmware lead time is ready before any of these checks, so
    // expedited dormancy is exactly 4, 6 and 8 WD — as 8 WD is in tests/deterministic.rs. The authorisation step
    // (default 5 WD before migration) must fit inside a 4 WD notice, so it is set to 3 WD at every point.
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), 300);
    let out = tmp.path().join("out");
    sweep(&[
        file.to_str().unwrap(),
        "--vary",
        "options.expedited.notice_wd=4,6,8",
        "--set",
        "smsos.s1.lead_time_wd=1",
        "--set",
        "options.expedited.authorisation_wd=3",
        "--out",
        out.to_str().unwrap(),
    ])
    .success();
    assert_eq!(means(&out, "expedited", "dormancy_wd"), [4.0, 6.0, 8.0]);
    // The standard option does not depend on the expedited notice: 15 WD at every point.
    assert_eq!(means(&out, "standard", "dormancy_wd"), [15.0, 15.0, 15.0]);
    assert_eq!(means(&out, "expedited", "reduction_wd"), [11.0, 9.0, 7.0]);
}

#[test]
fn more_smso_capacity_never_lengthens_the_firmware_wait() {
    // 1000 requests at once, fixed 5 WD lead time: with c servers the wave is configured in ceil(1000 / c) rounds
    // of 5 WD, so the mean wait is 5 × (rounds + 1) / 2: 27.5 WD with 100 servers (as in tests/deterministic.rs),
    // 15 with 200, 7.5 with 500, 5 with 1000.
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), 1000);
    let out = tmp.path().join("out");
    sweep(&[file.to_str().unwrap(), "--vary", "smsos.s1.servers=100,200,500,1000", "--out", out.to_str().unwrap()])
        .success();
    for option in ["standard", "expedited"] {
        let w = means(&out, option, "firmware_wait_wd");
        assert_eq!(w, [27.5, 15.0, 7.5, 5.0], "{option}");
        assert!(w.windows(2).all(|p| p[1] <= p[0]), "{option}: {w:?}");
    }
}

#[test]
fn a_grid_larger_than_max_points_is_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), 100);
    let out = tmp.path().join("out");
    let assert = sweep(&[
        file.to_str().unwrap(),
        "--vary",
        "options.expedited.notice_wd=1..40",
        "--vary",
        "options.standard.notice_wd=1..40",
        "--max-points",
        "1000",
        "--out",
        out.to_str().unwrap(),
    ])
    .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("1600"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_bad_value_at_one_point_is_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), 100);
    let out = tmp.path().join("out");
    let assert =
        sweep(&[file.to_str().unwrap(), "--vary", "dcc.failure_probability=0.1,1.5", "--out", out.to_str().unwrap()])
            .code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("dcc.failure_probability"), "{stderr}");
    assert!(stderr.contains("point 1"), "{stderr}");
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn a_bad_spec_is_an_input_error() {
    let assert = sweep(&["--vary", "dcc.failure_probability=0.1..x step 0.1"]).code(2);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(stderr.contains("dcc.failure_probability"), "{stderr}");
}

#[test]
fn sweep_with_precision_adds_replications_per_point_and_records_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let output = assert_cmd::Command::cargo_bin("dormsim")
        .unwrap()
        .args(["sweep", "--vary", "options.expedited.notice_wd=6,10", "--sites", "3000", "--replications", "2"])
        .args(["--precision", "0.5", "--max-replications", "12", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let per_point = manifest["study"]["precision_per_point"].as_array().unwrap();
    assert_eq!(per_point.len(), 2);
    for p in per_point {
        let r = &p["record"];
        // Either the target was met or the maximum was reached; never more than the maximum.
        let n = r["replications"].as_u64().unwrap();
        assert!((2..=12).contains(&n));
        assert!(r["reached"].as_bool().unwrap() == (r["achieved_half_width"].as_f64().unwrap() <= 0.5));
    }
    assert!(out.join("scenario.toml").is_file());
}

#[test]
fn issue14_paired_metrics_equal_the_summary_of_the_same_run() {
    // The baseline at 20 000 installations, 3 replications: each paired metric computed per replication by
    // experiment::metric (what sweep, plan and sensitivity use) against summary.json's figure for the same
    // replications. Pooled shares and means of per-replication values are computed the same way, so they are equal
    // exactly; differences of means (per-party FTE, dormant stock) agree to rounding.
    use dormsim::experiment::metric::resolve;
    let s = common::baseline(&["fleet.installations=20000", "run.replications=3"]);
    let reps = common::run(&s, 2);
    let summary = dormsim::experiment::summarise(&s, &reps);
    let c = &summary.comparisons[0];
    let est = |name: &str| resolve(&format!("expedited.{name}"), &s).unwrap()[0].estimate(&s, &reps);
    assert_eq!(est("reduction_wd").mean, c.mean_reduction_wd);
    assert_eq!(est("reduction_wd").ci95, c.ci95);
    assert_eq!(est("site_reduction_wd").mean, c.mean_site_reduction_wd);
    assert_eq!(est("site_reduction_wd").ci95, c.ci95_site);
    assert_eq!(est("share_slower").mean, c.share_sites_slower);
    assert_eq!(est("share_faster").mean, c.share_sites_faster);
    assert_eq!(est("extra_manual_fte").mean, c.extra_manual_fte);
    assert_eq!(est("extra_manual_fte").ci95, c.ci95_extra_manual_fte);
    let ft = &c.populations["fast_track_eligible"].reduction_wd;
    assert_eq!(
        (est("reduction_wd_fast_track_eligible").mean, est("reduction_wd_fast_track_eligible").ci95),
        (ft.mean, ft.ci95)
    );
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let (base, exp) = (&summary.options["standard"], &summary.options["expedited"]);
    for p in dormsim::cases::Party::ALL {
        let expected = exp.manual_fte[p.name()].mean_weekly - base.manual_fte[p.name()].mean_weekly;
        assert!(close(est(&format!("extra_manual_fte_{}", p.name())).mean, expected), "{}", p.name());
    }
    let avoided = (base.mean_dormant_stock - exp.mean_dormant_stock) * summary.scale_to_represented * 365.0;
    assert!(close(est("dormant_days_avoided_gb_per_year").mean, avoided));
    // The share's interval is the ratio estimator's: it contains the pooled share and is a real interval.
    let [lo, hi] = est("share_slower").ci95.unwrap();
    assert!(lo < c.share_sites_slower && c.share_sites_slower < hi);
}

#[test]
fn issue14_the_sweep_tabulates_paired_metrics_and_its_report_rebuilds_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let file = scenario_file(tmp.path(), 200);
    let out2 = tmp.path().join("out2");
    sweep(&[
        file.to_str().unwrap(),
        "--vary",
        "options.expedited.notice_wd=6,10",
        "--metric",
        "site_reduction_wd",
        "--out",
        out2.to_str().unwrap(),
    ])
    .success();
    // Verification world: every installation dormant from the same day, standard 15 WD notice, expedited 6 / 10:
    // each installation saves 9 / 5 WD, so the per-installation saving is exactly that and none is slower.
    assert_eq!(means(&out2, "expedited", "site_reduction_wd"), [9.0, 5.0]);
    assert_eq!(means(&out2, "expedited", "share_slower"), [0.0, 0.0]);
    let html = std::fs::read_to_string(out2.join("report.html")).unwrap();
    assert!(html.contains("The trade-off against standard, paired"));
    common::assert_report_rebuilds(&out2, &["report.html", "summary.md", "charts/sweep.svg"]);
}
