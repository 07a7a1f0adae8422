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
        .args(["sensitivity", file.to_str().unwrap(), "--only", "options", "--only", "smsos", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    let first = &json["metrics"][0];
    assert_eq!(first["metric"], "expedited.reduction_wd");
    assert_eq!(first["base"], 7.0);
    let ranking = first["ranking"].as_array().unwrap();
    assert_eq!(ranking[0]["parameter"], "options.standard.notice_wd");
    assert_eq!((ranking[0]["low_value"].as_str(), ranking[0]["high_value"].as_str()), (Some("12"), Some("18")));
    assert_eq!(ranking[0]["swing"], 6.0);
    assert_eq!(ranking[1]["parameter"], "options.expedited.notice_wd");
    assert_eq!(ranking[1]["swing"], -4.0);
    assert!(ranking[2]["swing"].as_f64().unwrap().abs() < 4.0);
    for f in ["sensitivity.csv", "sensitivity.parquet", "tornado.svg", "tornado.png", "manifest.json", "scenario.toml"]
    {
        assert!(out.join(f).is_file(), "{f}");
    }
    let svg = std::fs::read_to_string(out.join("tornado.svg")).unwrap();
    assert!(svg.contains("options.standard.notice_wd (12 / 18)"));
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
        .args(["sensitivity", file.to_str().unwrap(), "--only", "options.expedited.notice_wd", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    // Expedited notice 6 / 12 → reduction 9 / 3: swing −6 (below 6 WD the 5 WD firmware, requested when the
    // notice starts, would delay migration).
    assert_eq!(json["metrics"][0]["ranking"][0]["swing"], -6.0);
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
