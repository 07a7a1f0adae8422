//! `dormsim uncertainty` (issue 13): ranges and Sobol' indices that can be worked out by hand in the verification
//! world, shards that merge into exactly the unsplit study, and clear errors.

mod common;

use assert_cmd::Command;
use common::verification_toml;
use std::path::Path;

/// The verification world (tests/common: every installation goes dormant on one day, no failures, unlimited
/// capacity, so standard dormancy is its notice and expedited its notice) with two register ranges on the notices.
fn two_notices() -> String {
    verification_toml("none", "2021-03-01", "2021-03-10", 200)
        + r#"
[assumptions."options.standard.notice_wd"]
basis = "assumption"
quality = "low"
source = "test"
vary = { min = 10, max = 20 }
rationale = "whole numbers 10..=20, each equally likely"
[assumptions."options.expedited.notice_wd"]
basis = "assumption"
quality = "low"
source = "test"
vary = { min = 6, max = 10 }
rationale = "whole numbers 6..=10"
"#
}

fn dormsim(args: &[&str], dir: &Path) -> std::process::Output {
    Command::cargo_bin("dormsim").unwrap().current_dir(dir).args(args).output().unwrap()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn metric<'a>(summary: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    summary["metrics"].as_array().unwrap().iter().find(|m| m["name"] == name).unwrap()
}

#[test]
fn the_indices_of_two_notice_periods_match_their_variances() {
    // The expedited saving is exactly standard notice − expedited notice at every design point (no noise): the sum
    // of two independent discrete uniforms, on 10..=20 (variance (11² − 1)/12 = 10) and 6..=10 (variance
    // (5² − 1)/12 = 2). It is additive, so first-order = total indices: 10/12 = 0.833 for the standard notice and
    // 2/12 = 0.167 for the expedited one; the median saving is 15 − 8 = 7, the range 0 to 14.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("v.toml"), two_notices()).unwrap();
    let out = dormsim(&["uncertainty", "v.toml", "--samples", "256", "--out", "u", "-q"], dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = json(&dir.path().join("u/summary.json"));
    assert_eq!(s["design"]["points"], 256 * 4);
    let m = metric(&s, "expedited.site_saving_wd");
    assert_eq!(m["median"], 7.0);
    assert!(m["p05"].as_f64().unwrap() >= 0.0 && m["p95"].as_f64().unwrap() <= 14.0, "{m}");
    // Better unless both notices are 10 WD (probability 1/11 × 1/5 = 1/55): P(better) ≈ 0.98.
    let p = m["probability_better"].as_f64().unwrap();
    assert!((0.95..1.0).contains(&p), "{p}");
    // No simulation noise: both replications of a point give the same saving.
    assert_eq!(m["noise_sd"], 0.0);
    for (f, truth) in [(0, 10.0 / 12.0), (1, 2.0 / 12.0)] {
        for kind in ["first_order", "total"] {
            let e = &m["indices"][f][kind];
            let (v, lo, hi) =
                (e["value"].as_f64().unwrap(), e["ci95"][0].as_f64().unwrap(), e["ci95"][1].as_f64().unwrap());
            assert!(lo <= truth && truth <= hi, "factor {f} {kind}: {v:.3} [{lo:.3}, {hi:.3}] vs {truth:.3}");
            assert!(hi - lo < 0.3, "factor {f} {kind}: interval [{lo:.3}, {hi:.3}]");
        }
    }
    for f in [
        "uncertainty_metrics.csv",
        "uncertainty_indices.parquet",
        "uncertainty_points.csv",
        "report.html",
        "summary.md",
        "charts/uncertainty_ranges.svg",
        "charts/uncertainty_attribution.png",
        "charts/uncertainty_drivers.svg",
        "manifest.json",
        "scenario.toml",
    ] {
        assert!(dir.path().join("u").join(f).is_file(), "{f}");
    }
    let html = std::fs::read_to_string(dir.path().join("u/report.html")).unwrap();
    assert!(html.contains("simulation noise only") && html.contains("options.standard.notice_wd"));
}

#[test]
fn shards_of_a_study_merge_into_exactly_the_unsplit_study() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = ["--samples", "4", "--sites", "3000", "-q"];
    let run = |extra: &[&str]| {
        let mut a = vec!["uncertainty"];
        a.extend(extra);
        a.extend(args);
        let out = dormsim(&a, d);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    run(&["--out", "full"]);
    run(&["--shard", "0/3", "--out", "s0"]);
    run(&["--shard", "1/3", "--out", "s1"]);
    run(&["--shard", "2/3", "--out", "s2"]);
    let out = dormsim(&["merge", "s2", "s0", "s1", "--out", "all"], d);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in
        ["summary.json", "uncertainty_metrics.csv", "uncertainty_indices.csv", "uncertainty_points.json", "report.html"]
    {
        assert_eq!(
            std::fs::read(d.join("full").join(f)).unwrap(),
            std::fs::read(d.join("all").join(f)).unwrap(),
            "{f}"
        );
    }
    // A missing shard or an edited one is refused.
    let out = dormsim(&["merge", "s0", "s1", "--out", "part"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exactly once"), "{}", String::from_utf8_lossy(&out.stderr));
    let raw = d.join("s1/uncertainty_points.json");
    let text = std::fs::read_to_string(&raw).unwrap().replacen("\"point\": 1,", "\"point\": 2,", 1);
    std::fs::write(&raw, text).unwrap();
    let out = dormsim(&["merge", "s0", "s1", "s2", "--out", "bad"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match the digest"));
}

#[test]
fn a_study_without_ranges_or_with_an_unknown_fix_is_refused_before_running() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("v.toml"), verification_toml("none", "2021-03-01", "2021-03-10", 50)).unwrap();
    let out = dormsim(&["uncertainty", "v.toml", "--out", "u"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no entry of the assumptions register has a `vary` range"));
    let out = dormsim(&["uncertainty", "--fix", "dcc.dormant_shar", "--out", "u"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fix dcc.dormant_shar: not a register entry with a range"));
    assert!(!dir.path().join("u").exists());
}

#[test]
fn a_run_report_takes_the_ranges_of_an_uncertainty_study_of_its_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("v.toml"), two_notices()).unwrap();
    for args in
        [&["uncertainty", "v.toml", "--samples", "4", "--out", "u", "-q"][..], &["run", "v.toml", "--out", "r", "-q"]]
    {
        let out = dormsim(args, d);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let before = std::fs::read_to_string(d.join("r/report.html")).unwrap();
    assert!(!before.contains("Uncertainty from the inputs"));
    let out = dormsim(&["report", "r", "--uncertainty", "u"], d);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(d.join("r/report.html")).unwrap();
    assert!(html.contains("Uncertainty from the inputs") && html.contains("5–95% across inputs"));
    // The study's median expedited saving (7 WD by construction) is in the section.
    let s = json(&d.join("u/summary.json"));
    let median = metric(&s, "expedited.site_saving_wd")["median"].as_f64().unwrap();
    assert!(html.contains(&format!(">{median:.2}<")), "median {median}");
    // A folder that is not a study is refused, naming it.
    let out = dormsim(&["report", "r", "--uncertainty", "r"], d);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not the summary of a `dormsim uncertainty` study"));
}
