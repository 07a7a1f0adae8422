//! `dormsim plan`: the search finds a threshold that can be computed by hand, and reports its evidence.

mod common;

use assert_cmd::Command;
use common::verification_toml;

fn dormsim() -> Command {
    Command::cargo_bin("dormsim").expect("binary built")
}

#[test]
fn plan_finds_the_hand_computed_dcc_capacity_for_a_mean_dormancy_target() {
    // Verification world (tests/common): 1000 installations go dormant on the same day, calendar none, no failures,
    // fixed lead times, every expedited site due for migration 8 WD later. With C migrations per day (first come,
    // first served) site i (0-based) migrates floor(i / C) days late, so expedited mean dormancy =
    // 8 + mean_i floor(i / C). C = 200: 8 + (0+1+2+3+4)/5 = 10.0 exactly. C = 199: five full days (0..4) of 199
    // sites plus 5 sites on day 5 → (199·10 + 5·5)/1000 = 2.015 → 10.015 > 10. Both replications are identical
    // (no randomness reaches the dormancy), so the bound equals the mean and the smallest capacity is exactly 200.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.toml");
    std::fs::write(&file, verification_toml("none", "2021-03-01", "2021-03-10", 1000)).unwrap();
    let out = dir.path().join("plan");
    let output = dormsim()
        .args(["plan", file.to_str().unwrap(), "--target", "expedited.dormancy_wd<=10", "--adjust"])
        .args(["dcc.daily_capacity", "--range", "50..1000", "--out", out.to_str().unwrap(), "--threads", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("dcc.daily_capacity = 200 is the smallest value"), "{stdout}");
    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["answer"], "200");
    assert_eq!(plan["outcome"], "found");
    // The evidence brackets the answer: 199 fails with mean 10.015, 200 meets with 10.0, 201 and 202 meet.
    let at = |v: &str| plan["evaluations"].as_array().unwrap().iter().find(|e| e["value"] == v).cloned().unwrap();
    assert_eq!(at("199")["meets"], false);
    assert!((at("199")["checks"][0]["mean"].as_f64().unwrap() - 10.015).abs() < 1e-9);
    assert_eq!(at("200")["checks"][0]["mean"].as_f64().unwrap(), 10.0);
    assert_eq!(at("201")["meets"], true);
    assert_eq!(at("202")["meets"], true);
    for f in ["plan.csv", "plan.parquet", "charts/plan.svg", "charts/plan.png", "manifest.json", "scenario.toml"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The report states the answer and `dormsim report` rebuilds it byte for byte.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("dcc.daily_capacity = 200 is the smallest value searched"));
    common::assert_report_rebuilds(&out, &["report.html", "summary.md", "charts/plan.svg"]);
}

#[test]
fn issue14_a_failing_plan_says_which_target_fails_and_that_the_key_is_not_the_constraint() {
    // Verification world, 200 installations: from 1000 migrations a day up, capacity never binds, so expedited
    // dormancy is its 8 WD notice at every value (identical replications: a paired change of exactly 0). A target of
    // 7 WD cannot be met by more capacity: the plan must say the target does not depend on the key, not "widen
    // --range", and print no NaN.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.toml");
    std::fs::write(&file, verification_toml("none", "2021-03-01", "2021-03-10", 200)).unwrap();
    let out = dir.path().join("p");
    let output = dormsim()
        .args(["plan", file.to_str().unwrap(), "--target", "expedited.dormancy_wd<=7", "--adjust"])
        .args(["dcc.daily_capacity", "--range", "1000..2000 step 500", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("no value of dcc.daily_capacity from 1000 to 2000 meets"), "{stdout}");
    assert!(
        stdout.contains("expedited.dormancy_wd<=7 fails: the target does not depend on dcc.daily_capacity"),
        "{stdout}"
    );
    assert!(!stdout.contains("NaN") && !stdout.contains("widen"), "{stdout}");
    let plan: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("plan.json")).unwrap()).unwrap();
    let d = &plan["diagnosis"][0];
    assert_eq!(
        (d["verdict"].as_str(), d["at_lowest"].as_f64(), d["at_highest"].as_f64()),
        (Some("not_dependent"), Some(8.0), Some(8.0))
    );
    // Both ends were run: the chart's axis spans 1000..2000, not a ±1 window around one value.
    assert_eq!(plan["evaluations"].as_array().unwrap().len(), 2);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("the target does not depend on dcc.daily_capacity") && !html.contains("NaN"));
    common::assert_report_rebuilds(&out, &["report.html", "summary.md", "charts/plan.svg", "charts/plan.png"]);
}

#[test]
fn plan_says_when_the_target_is_out_of_reach_and_refuses_bad_targets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.toml");
    std::fs::write(&file, verification_toml("none", "2021-03-01", "2021-03-10", 200)).unwrap();
    // Expedited dormancy can never be below its 8 WD notice, whatever the capacity.
    let output = dormsim()
        .args(["plan", file.to_str().unwrap(), "--target", "expedited.dormancy_wd<=7", "--adjust"])
        .args(["dcc.daily_capacity", "--range", "10..100 step 10", "--out"])
        .arg(dir.path().join("p"))
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("no answer"));
    for (target, expected) in [
        ("expedited.nonsense<=3", "unknown metric `nonsense`"),
        ("nosuch.dormancy_wd<=3", "unknown option `nosuch`"),
        ("standard.reduction_wd>=1", "compares with the baseline option"),
        ("dormancy_wd<3", "expected METRIC<=VALUE"),
    ] {
        let output = dormsim()
            .args(["plan", file.to_str().unwrap(), "--target", target, "--adjust", "dcc.daily_capacity"])
            .args(["--range", "10..20", "--out"])
            .arg(dir.path().join("bad"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{target}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(expected), "{target}");
        assert!(!dir.path().join("bad").exists());
    }
}
