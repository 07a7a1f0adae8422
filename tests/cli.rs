//! The `dormsim` command end to end: outputs, exit codes, error messages that say where, no partial output.

use assert_cmd::Command;
use std::fs;

fn dormsim() -> Command {
    Command::cargo_bin("dormsim").unwrap()
}

/// Write `text` to `name` in a fresh temporary folder; the folder lives as long as the returned guard.
fn scenario_file(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, text).unwrap();
    (dir, path)
}

/// `dormsim validate FILE` is expected to fail with exit code 2; its standard error.
fn validate_error(path: &std::path::Path) -> String {
    String::from_utf8(dormsim().arg("validate").arg(path).assert().code(2).get_output().stderr.clone()).unwrap()
}

fn baseline_text() -> String {
    stdout_of(dormsim().args(["scenario", "show"]))
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn calendar_lists_the_2020_england_and_wales_bank_holidays_one_per_line() {
    // gov.uk: 8 bank holidays in 2020, VE Day moved the early May holiday to Friday 8 May, Boxing Day (Saturday)
    // was substituted on Monday 28 December.
    let out = stdout_of(dormsim().args(["calendar", "--from", "2020-01-01", "--to", "2020-12-31"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 8, "{out}");
    assert!(lines.iter().all(|l| l.len() > 11 && &l[10..11] == "\t"));
    assert!(lines.contains(&"2020-05-08\tEarly May bank holiday (VE day)"));
    assert!(lines[7].starts_with("2020-12-28\t"));
}

#[test]
fn calendar_count_prints_only_the_number_of_working_days() {
    // 6–19 April 2020: 10 weekdays minus Good Friday (10th) and Easter Monday (13th) = 8.
    let out = stdout_of(dormsim().args(["calendar", "--from", "2020-04-06", "--to", "2020-04-19", "--count"]));
    assert_eq!(out, "8\n");
    // Scotland has no Easter Monday: 9.
    let out = stdout_of(dormsim().args([
        "calendar",
        "--region",
        "scotland",
        "--from",
        "2020-04-06",
        "--to",
        "2020-04-19",
        "--count",
    ]));
    assert_eq!(out, "9\n");
}

#[test]
fn calendar_rejects_a_reversed_range_with_exit_code_2() {
    dormsim().args(["calendar", "--from", "2020-02-01", "--to", "2020-01-01"]).assert().code(2);
    dormsim().args(["calendar", "--from", "2020-13-01", "--to", "2020-01-01"]).assert().code(2);
}

#[test]
fn the_embedded_baseline_shown_is_a_valid_scenario_file() {
    let (_dir, path) = scenario_file("b.toml", &baseline_text());
    let out = stdout_of(dormsim().arg("validate").arg(&path));
    assert!(out.contains("ok: scenario `baseline-2020`"), "{out}");
}

#[test]
fn an_invalid_value_is_reported_with_file_line_and_key() {
    let bad = baseline_text().replace(
        "failure_probability = 0.05       # ASSUMPTION (no public failure rate",
        "failure_probability = 1.5       # (",
    );
    let (_dir, path) = scenario_file("bad.toml", &bad);
    let line = bad.lines().position(|l| l.contains("failure_probability = 1.5")).unwrap() + 1;
    let err = validate_error(&path);
    assert!(err.contains(&format!("bad.toml:{line}:1: key `dcc.failure_probability`")), "{err}");
    assert!(err.contains("must be in [0, 1]"), "{err}");
}

#[test]
fn an_unknown_key_is_reported_with_its_path() {
    let (_dir, path) = scenario_file("typo.toml", &baseline_text().replace("notice_wd = 8 ", "notice_days = 8 "));
    let err = validate_error(&path);
    assert!(err.contains("options.expedited"), "{err}");
    assert!(err.contains("notice_days"), "{err}");
}

#[test]
fn a_toml_syntax_error_names_the_line() {
    let (_dir, path) = scenario_file("syntax.toml", "name = \"x\"\n[run\nstart_date = 2020-01-01\n");
    let err = validate_error(&path);
    assert!(err.contains("syntax.toml:2"), "{err}");
}

#[test]
fn a_bad_set_override_fails_before_running_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let err = dormsim()
        .args(["run", "--set", "run.calendar=mars", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("--set: key `run.calendar`"), "{err}");
    assert!(!out.exists());
    // A typed value of the wrong type is caught the same way.
    dormsim().args(["run", "--set", "run.replications=many", "--out"]).arg(&out).assert().code(2);
    assert!(!out.exists());
}

#[test]
fn a_missing_scenario_file_is_an_input_error() {
    let err = dormsim().args(["run", "/nonexistent/scenario.toml"]).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8(err).unwrap().contains("/nonexistent/scenario.toml"));
}

#[test]
fn run_writes_every_output_and_summary_json_is_identical_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let mut summaries = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("t{threads}"));
        let stdout = stdout_of(
            dormsim().args(["run", "--sites", "5000", "--replications", "3", "--threads", threads, "--out"]).arg(&out),
        );
        assert!(stdout.contains("expedited"), "{stdout}");
        for f in [
            "summary.json",
            "manifest.json",
            "dormancy_distribution.csv",
            "dormancy_distribution.parquet",
            "weekly.csv",
            "weekly.parquet",
        ] {
            assert!(out.join(f).is_file(), "missing {f}");
        }
        summaries.push(fs::read(out.join("summary.json")).unwrap());
    }
    assert_eq!(summaries[0], summaries[1], "summary.json differs between 1 and 2 threads");
    let summary: serde_json::Value = serde_json::from_slice(&summaries[0]).unwrap();
    for key in [
        "dormant_sites",
        "migrated_sites",
        "still_dormant_at_end",
        "excluded_sites",
        "dormancy_wd",
        "dormancy_days",
        "firmware_wait_wd",
        "manual_cases",
    ] {
        assert!(summary["options"]["standard"].get(key).is_some(), "missing options.standard.{key}");
    }
    for key in ["mean", "ci95", "p50", "p90", "p95", "max"] {
        assert!(summary["options"]["expedited"]["dormancy_wd"].get(key).is_some(), "missing dormancy_wd.{key}");
    }
    let c = &summary["comparisons"][0];
    assert_eq!(c["baseline"], "standard");
    assert_eq!(c["option"], "expedited");
    assert!(c["mean_reduction_wd"].as_f64().unwrap() > 0.0);
}

#[test]
fn issue15_the_manifest_says_where_the_time_went_and_the_results_do_not() {
    // Phase timings go to manifest.json (how the run went) and never into replications.json (what it found), so
    // shards and merges stay byte-identical: three options give three option timings, two replications are summed.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    stdout_of(dormsim().args(["run", "--sites", "3000", "--replications", "2", "-q", "--out"]).arg(&out));
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let phases = &manifest["phase_seconds"];
    let options = phases["options"].as_array().expect("one timing per option");
    assert_eq!(options.len(), 3, "{phases}");
    for t in options.iter().chain([&phases["world"], &phases["pairing"]]) {
        assert!(t.as_f64().is_some_and(|s| s > 0.0 && s < 60.0), "{phases}");
    }
    let replications = fs::read_to_string(out.join("replications.json")).unwrap();
    assert!(!replications.contains("seconds"), "timings leaked into the results");
}

#[test]
fn the_help_text_has_examples() {
    let out = stdout_of(dormsim().args(["run", "--help"]));
    assert!(out.contains("Examples:"));
    assert!(out.contains("--set"));
}

#[test]
fn an_empty_set_value_removes_the_key_and_restores_its_default() {
    // Switching the standard option's check from calendar days to working days needs the old key removed first;
    // without the removal both keys are set, which is an error naming the option.
    let out = stdout_of(dormsim().args([
        "validate",
        "scenarios/baseline.toml",
        "--set",
        "options.standard.cos_check_days=",
        "--set",
        "options.standard.cos_check_wd=2",
    ]));
    assert!(out.contains("ok"), "{out}");
    dormsim()
        .args(["validate", "scenarios/baseline.toml", "--set", "options.standard.cos_check_wd=2"])
        .assert()
        .code(2);
}

#[test]
fn a_rule_spanning_several_keys_broken_by_an_override_is_blamed_on_the_override() {
    // Raising one cohort's share breaks "cohort shares add up to 1", an error on the parent key `fleet.cohorts`.
    let err = dormsim()
        .args(["validate", "scenarios/baseline.toml", "--set", "fleet.cohorts.IOC.share=0.3"])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("--set: key `fleet.cohorts`"), "{err}");
}

#[test]
fn shards_merged_give_the_same_summary_as_one_unsplit_run() {
    // Replications are independent and keyed by their number, so running 0,2,4 and 1,3 on two "machines" and
    // merging must reproduce the unsplit run's summary.json byte for byte.
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let base = ["run", "--sites", "4000", "--replications", "5", "--quiet", "--out"];
    dormsim().args(base).arg(p("all")).assert().success();
    for shard in ["0/2", "1/2"] {
        let out = p(&format!("s{}", &shard[..1]));
        dormsim().args(base).arg(&out).args(["--shard", shard]).assert().success();
    }
    dormsim().arg("merge").arg(p("s0")).arg(p("s1")).arg("--out").arg(p("merged")).assert().success();
    assert_eq!(fs::read(p("all").join("summary.json")).unwrap(), fs::read(p("merged").join("summary.json")).unwrap());
    // An incomplete set of shards is refused, naming the missing replications, and writes nothing.
    let err =
        dormsim().arg("merge").arg(p("s0")).arg("--out").arg(p("partial")).assert().code(2).get_output().stderr.clone();
    assert!(String::from_utf8(err).unwrap().contains("missing [1, 3]"));
    assert!(!p("partial").exists());
    // A malformed shard specification is an input error.
    dormsim().args(["run", "--shard", "2/2"]).assert().code(2);
}
