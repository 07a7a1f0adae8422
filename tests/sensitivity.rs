//! `dormsim sensitivity`: one-at-a-time effects that can be worked out by hand, in the right order, with outputs.

mod common;

use assert_cmd::Command;
use common::verification_toml;

#[test]
fn sensitivity_ranks_the_notice_periods_by_their_hand_computed_swings() {
    // Verification world (tests/common): every installation goes dormant on one day, calendar none, no failures,
    // unlimited capacity, fixed 5 WD firmware: standard dormancy = its 15 WD notice, expedited = its 8 WD notice,
    // so the expedited reduction is 7 WD. ±20%: standard notice 12 / 18 → reduction 4 / 10 (swing +6 exactly);
    // expedited notice 6 / 10 (8 ± 1.6 rounded) → reduction 9 / 5 (swing −4 exactly). No other option key moves
    // the reduction by as much (firmware finishes inside either notice; there is no background switching for the
    // check windows to catch), so these two rank first and second.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.toml");
    std::fs::write(&file, verification_toml("none", "2021-03-01", "2021-03-10", 300)).unwrap();
    let out = dir.path().join("sens");
    let output = Command::cargo_bin("dormsim")
        .unwrap()
        .args(["sensitivity", file.to_str().unwrap(), "--only", "options", "--only", "smsos"])
        .args(["--metric", "expedited.reduction_wd", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    assert_eq!(json["metrics"][0]["spec"], "expedited.reduction_wd");
    assert_eq!(json["metrics"][0]["base"], 7.0);
    // The notice periods are policy levers: ranked among the levers.
    let ranking = ranked(&json, "lever", 0);
    assert_eq!(ranking[0]["parameter"]["key"], "options.standard.notice_wd");
    assert_eq!(
        (ranking[0]["parameter"]["low"].as_str(), ranking[0]["parameter"]["high"].as_str()),
        (Some("12"), Some("18"))
    );
    assert_eq!(ranking[0]["effects"][0]["swing"], 6.0);
    assert_eq!(ranking[1]["parameter"]["key"], "options.expedited.notice_wd");
    assert_eq!(ranking[1]["effects"][0]["swing"], -4.0);
    assert!(ranking[2]["effects"][0]["swing"].as_f64().unwrap().abs() < 4.0);
    for f in ["sensitivity.csv", "sensitivity.parquet", "charts/tornado_levers.svg", "charts/tornado_assumptions.png"]
        .into_iter()
        .chain(["tables.xlsx", "report.html", "summary.md", "manifest.json", "scenario.toml"])
    {
        assert!(out.join(f).is_file(), "{f}");
    }
    let svg = std::fs::read_to_string(out.join("charts/tornado_levers.svg")).unwrap();
    assert!(svg.contains("options.standard.notice_wd") && svg.contains("12 → 18"));
}

/// The parameters of `group` ranked for metric `m`, as written in sensitivity.json.
fn ranked(json: &serde_json::Value, group: &str, m: usize) -> Vec<serde_json::Value> {
    let spec = &json["metrics"][m]["spec"];
    let r = json["rankings"].as_array().unwrap().iter().find(|r| r["group"] == group && &r["metric"] == spec).unwrap();
    r["order"].as_array().unwrap().iter().map(|i| json["parameters"][i.as_u64().unwrap() as usize].clone()).collect()
}

#[test]
fn sensitivity_bounds_in_the_scenario_are_used_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.toml");
    let text = verification_toml("none", "2021-03-01", "2021-03-10", 100)
        + "[sensitivity]\npercent = 10\nbounds = { \"options.expedited.notice_wd\" = [6, 12] }\n";
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("s");
    let output = Command::cargo_bin("dormsim")
        .unwrap()
        .args(["sensitivity", file.to_str().unwrap(), "--only", "options.expedited.notice_wd"])
        .args(["--metric", "expedited.reduction_wd", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    // Expedited notice 6 / 12 → reduction 9 / 3: swing −6 (below 6 WD the 5 WD firmware, requested when the
    // notice starts, would delay migration).
    assert_eq!(ranked(&json, "lever", 0)[0]["effects"][0]["swing"], -6.0);
    assert_eq!(json["percent"], 10.0);
    // Reversed bounds are refused with the key named, before anything runs.
    std::fs::write(&file, text.replace("[6, 12]", "[12, 6]")).unwrap();
    let output = Command::cargo_bin("dormsim")
        .unwrap()
        .args(["sensitivity", file.to_str().unwrap(), "--out"])
        .arg(dir.path().join("bad"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("sensitivity.bounds.options.expedited.notice_wd"));
    assert!(!dir.path().join("bad").exists());
}

#[test]
fn issue14_sensitivity_ranks_levers_and_assumptions_apart_and_uses_the_register_range() {
    // The verification world with a register range for the SMSO's failure probability (0 in the file, an assumption
    // about the world): its low/high are the register's 0 and 0.2, where ± 20% of 0 would have left it out. The
    // notice periods are under options.: levers.
    // The default metrics are the paired trade-off of the compared option: its per-installation saving and its
    // extra staff effort. `dormsim report` rebuilds the study's pages byte for byte.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.toml");
    let text = verification_toml("none", "2021-03-01", "2021-03-10", 100)
        + "[assumptions.\"smsos.s1.failure_probability\"]\nbasis = \"assumption\"\nquality = \"low\"\nsource = \"test\"\nvary = { min = 0.0, max = 0.2 }\nrationale = \"test\"\n";
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("s");
    let output = Command::cargo_bin("dormsim")
        .unwrap()
        .args(["sensitivity", file.to_str().unwrap(), "--only", "options.expedited.notice_wd"])
        .args(["--only", "smsos.s1.failure_probability", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    let specs: Vec<&str> = json["metrics"].as_array().unwrap().iter().map(|m| m["spec"].as_str().unwrap()).collect();
    assert_eq!(specs, ["expedited.site_reduction_wd", "expedited.extra_manual_fte"]);
    assert_eq!(json["metrics"][1]["unit"], "FTE (GB scale)");
    let assumptions = ranked(&json, "assumption", 0);
    assert_eq!(assumptions.len(), 1);
    let p = &assumptions[0]["parameter"];
    assert_eq!((p["key"].as_str(), p["source"].as_str()), (Some("smsos.s1.failure_probability"), Some("register")));
    assert_eq!((p["low_value"].as_f64(), p["high_value"].as_f64()), (Some(0.0), Some(0.2)));
    let levers = ranked(&json, "lever", 0);
    assert_eq!(levers.len(), 1);
    assert_eq!(levers[0]["parameter"]["key"], "options.expedited.notice_wd");
    assert_eq!(levers[0]["parameter"]["source"], "percent");
    // The console and the report keep the two apart.
    let (a, l) =
        (stdout.find("Which assumptions move the answer?").unwrap(), stdout.find("What do the levers do?").unwrap());
    assert!(
        stdout[a..l].contains("smsos.s1.failure_probability") && !stdout[a..l].contains("options.expedited.notice_wd")
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Which assumptions move the answer?") && html.contains("What do the levers do?"));
    assert!(html.contains("register: smsos.s1.failure_probability: 0 to 0.2"));
    common::assert_report_rebuilds(
        &out,
        &["report.html", "summary.md", "charts/tornado_levers.svg", "charts/tornado_assumptions.svg"],
    );
}
