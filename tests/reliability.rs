//! Issue 7: every bad input gets a clear error (file, key, line, column, what was expected, a suggestion), nothing
//! is written on failure, an interrupted run leaves the previous output untouched, foreign folders are never
//! overwritten without --force, oversized runs are refused, and degenerate scenarios report without NaN.

mod common;

use assert_cmd::Command;
use std::path::Path;

fn dormsim() -> Command {
    Command::cargo_bin("dormsim").expect("binary built")
}

fn baseline_text() -> String {
    dormsim::scenario::EMBEDDED_BASELINE.to_string()
}

/// Run `dormsim ARGS`, expect exit code 2, return stderr.
fn input_error(args: &[&str]) -> String {
    let out = dormsim().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    stderr
}

#[test]
fn validate_reports_every_problem_of_a_file_with_line_column_and_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    // Four independent mistakes: a typo in a key, a probability above 1, a capacity of zero and a reference to an
    // SMSO that does not exist (a typo too).
    let text = baseline_text()
        .replacen("notice_wd = 8 ", "notce_wd = 8 ", 1)
        .replacen("failure_probability = 0.05       #", "failure_probability = 1.5       #", 1)
        .replacen("daily_capacity = 34500 ", "daily_capacity = 0 ", 1)
        .replacen("smso = \"foc-1\"", "smso = \"foc-l\"", 1);
    std::fs::write(&file, &text).unwrap();
    let stderr = input_error(&["validate", file.to_str().unwrap()]);
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    // Line and column (1-based, the key's first character) for each, and the closest valid name for typos.
    assert!(
        stderr.contains(&format!(
            "bad.toml:{}:1: key `options.expedited.notce_wd`: unknown field `notce_wd`",
            line_of("notce_wd")
        )),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `notice_wd`?"), "{stderr}");
    assert!(stderr.contains("key `dcc.failure_probability`: must be in [0, 1], got 1.5"), "{stderr}");
    assert!(stderr.contains("key `dcc.daily_capacity`"), "{stderr}");
    assert!(stderr.contains("unknown SMSO `foc-l`") && stderr.contains("did you mean `foc-1`?"), "{stderr}");
    assert!(stderr.contains("4 problems"), "{stderr}");
}

#[test]
fn each_kind_of_bad_input_names_its_key_and_exits_2_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let out_s = out.to_str().unwrap();
    let cases: Vec<(&str, String, &str)> = vec![
        ("malformed TOML", "name = \"x\"\n[run\n".into(), "bad.toml:2"),
        (
            "wrong type",
            baseline_text().replacen("horizon_days = 730", "horizon_days = \"two years\"", 1),
            "expected i64",
        ),
        ("shares not adding up", baseline_text().replacen("share = 0.42", "share = 0.52", 1), "they add up to"),
        ("zero horizon", baseline_text().replacen("horizon_days = 730", "horizon_days = 0", 1), "run.horizon_days"),
        (
            "p95 below median",
            baseline_text().replacen("median = 2.0, p95 = 4.5", "median = 2.0, p95 = 1.0", 1),
            "need 0 < median < p95",
        ),
        (
            "warm-up past the horizon",
            baseline_text().replacen("warmup_weeks = 0", "warmup_weeks = 200", 1),
            "run.warmup_weeks",
        ),
    ];
    for (what, text, expected) in cases {
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, &text).unwrap();
        let stderr = input_error(&["run", file.to_str().unwrap(), "--out", out_s, "--sites", "100"]);
        assert!(stderr.contains(expected), "{what}: {stderr}");
        assert!(!out.exists(), "{what}: output written");
    }
    let stderr = input_error(&["run", "--set", "dcc.daily_capasity=5", "--out", out_s]);
    assert!(stderr.contains("--set") && stderr.contains("did you mean `daily_capacity`?"), "{stderr}");
    let stderr = input_error(&["run", "/nonexistent/scenario.toml", "--out", out_s]);
    assert!(stderr.contains("cannot read scenario file /nonexistent/scenario.toml"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn an_output_path_that_cannot_be_written_is_refused_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = file.join("run");
    let stderr = input_error(&["run", "--sites", "100", "--replications", "2", "--out", out.to_str().unwrap()]);
    assert!(stderr.contains("cannot be created"), "{stderr}");
}

#[test]
fn a_folder_dormsim_did_not_write_is_never_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("thesis.docx"), "precious").unwrap();
    let args = ["run", "--sites", "200", "--replications", "2", "-q", "--out", out.to_str().unwrap()];
    let stderr = input_error(&args);
    assert!(stderr.contains("was not written by dormsim"), "{stderr}");
    assert_eq!(std::fs::read_to_string(out.join("thesis.docx")).unwrap(), "precious");
    // With --force the folder is replaced as a whole; a second run over dormsim's own output needs no --force.
    dormsim().args(args).arg("--force").assert().success();
    assert!(!out.join("thesis.docx").exists());
    dormsim().args(args).assert().success();
}

#[test]
fn a_run_too_large_for_the_memory_is_refused_with_the_estimate() {
    let stderr = input_error(&[
        "run",
        "--sites",
        "2000000000",
        "--set",
        "fleet.represents=2000000000",
        "--out",
        "/tmp/dormsim-never-written",
    ]);
    assert!(stderr.contains("GiB of memory") && stderr.contains("--force"), "{stderr}");
    assert!(!Path::new("/tmp/dormsim-never-written").exists());
}

#[test]
fn an_interrupted_run_leaves_the_previous_output_untouched_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let small = ["run", "--sites", "500", "--replications", "2", "-q", "--out", out.to_str().unwrap()];
    dormsim().args(small).assert().success();
    let before = std::fs::read(out.join("summary.json")).unwrap();
    // A run long enough to be interrupted while simulating (several seconds), stopped with SIGTERM.
    let bin = assert_cmd::cargo::cargo_bin("dormsim");
    let child = std::process::Command::new(bin)
        .args(["run", "--sites", "3000000", "--replications", "4", "-q", "--force", "--out", out.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    // SAFETY: kill(2) on the pid of a child we spawned and have not yet waited for.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) }, 0);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers, ["run"], "no staging folder left behind");
}

#[test]
fn a_single_installation_that_never_switches_reports_nulls_not_nan() {
    // One installation, no Change of Supplier, one migration a day: nothing goes dormant, so every dormancy
    // statistic is empty: null in summary.json, blank in the CSV tables, never the text NaN.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiny.toml");
    let text = common::verification_toml("none", "2021-03-01", "2021-03-10", 1)
        .replace("bulk_transfers = [{ date = 2021-03-10, from = \"a\", to = \"b\" }]", "bulk_transfers = []")
        + "";
    let text = text.replacen("[dcc]\n", "[dcc]\ndaily_capacity = 1\n", 1);
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("out");
    dormsim().args(["run", file.to_str().unwrap(), "-q", "--out", out.to_str().unwrap()]).assert().success();
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(!summary.contains("NaN"));
    let json: serde_json::Value = serde_json::from_str(&summary).unwrap();
    assert_eq!(json["options"]["expedited"]["dormant_sites"], 0.0);
    assert!(json["options"]["expedited"]["dormancy_wd"]["mean"].is_null());
    for table in ["weekly.csv", "dormancy_distribution.csv", "manual_weekly.csv"] {
        let csv = std::fs::read_to_string(out.join(table)).unwrap();
        assert!(!csv.contains("NaN"), "{table}");
    }
}

#[test]
fn issue12_a_duration_too_long_for_the_model_is_refused_by_validate_and_run_alike() {
    // Each of these validated and then panicked in the run (index out of bounds, a date outside chrono's range).
    // Now every duration key has a cap (250 working days, 365 days, or ten years for the backlog's age): validate and
    // run both refuse them with exit 2, naming the key and the field.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (set, key) in [
        ("switching.registration_to_ssd_days=1e300", "switching.registration_to_ssd_days"),
        ("options.standard.schedule_delay_wd=1e9", "options.standard.schedule_delay_wd"),
        ("suppliers.legacy-a.certificate_update_lag_wd=1e9", "suppliers.legacy-a.certificate_update_lag_wd"),
        ("smsos.ioc.lead_time_wd={kind = \"gamma\", shape = 1e308, scale = 1e308}", "smsos.ioc.lead_time_wd"),
        ("smsos.ioc.lead_time_wd={kind = \"exponential\", mean = 1e12}", "smsos.ioc.lead_time_wd"),
    ] {
        let validate = dormsim().args(["validate", "scenarios/baseline.toml", "--set", set]).output().unwrap();
        assert_eq!(validate.status.code(), Some(2), "{set}");
        let stderr = input_error(&[
            "run",
            "--sites",
            "200",
            "--replications",
            "1",
            "--set",
            set,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(stderr.contains(key) && stderr.contains("exceeds the longest duration"), "{set}: {stderr}");
        assert!(!out.exists());
    }
    // A sensible median with an absurd tail validates, and runs: draws are cut to the cap.
    let set = "smsos.ioc.lead_time_wd={kind = \"lognormal\", median = 2, p95 = 1e300}";
    dormsim().args(["validate", "scenarios/baseline.toml", "--set", set]).assert().success();
    dormsim()
        .args(["run", "-q", "--sites", "200", "--replications", "1", "--set", set, "--out"])
        .arg(&out)
        .assert()
        .success();
}

#[test]
fn issue12_a_scenario_name_that_is_not_a_plain_folder_name_is_refused_before_anything_is_written() {
    // The name became `output/<name>` unchecked: "" wrote into output/ itself and a later run deleted another run's
    // folder, "../escaped" and absolute names wrote outside output/. Now each is an input error (exit 2) naming the
    // key, and nothing is written.
    let dir = tempfile::tempdir().unwrap();
    let long = "a".repeat(1 << 20);
    for name in ["", "../escaped", "/tmp/absolute", ".", "..", ".hidden", "a/b", "nul\u{0}", long.as_str()] {
        let text = baseline_text().replacen(
            "name = \"baseline-2020\"",
            &format!("name = {}", toml::Value::String(name.into())),
            1,
        );
        let file = dir.path().join("named.toml");
        std::fs::write(&file, text).unwrap();
        let out = dormsim().current_dir(dir.path()).args(["run", "named.toml", "--sites", "100"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{:.60}: {stderr}", name);
        assert!(stderr.contains("key `name`") && stderr.contains("plain folder name"), "{stderr:.300}");
        assert!(!dir.path().join("output").exists(), "{name:.60}: something was written");
        assert!(stderr.len() < 2000, "the message quotes at most the start of the name");
    }
}

/// `dormsim validate` on `text` (a scenario file): its stderr.
fn validate_text(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.toml");
    std::fs::write(&file, text).unwrap();
    let out = dormsim().arg("validate").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn issue12_validate_reports_every_problem_behind_a_share_error_or_a_missing_field() {
    // Cohort shares adding up to 1.1 hid an unknown SMSO: the shares are now rescaled and checking goes on.
    let text = baseline_text()
        .replacen("share = 0.22                     # IOC", "share = 0.32                     # IOC", 1)
        .replacen("smso = \"foc-3\" }", "smso = \"foc-9\" }", 1);
    let e = validate_text(&text);
    assert!(e.contains("they add up to 1.1") && e.contains("unknown SMSO `foc-9`") && e.contains("2 problems"), "{e}");
    // A file with only [run]: every missing table, not only the first.
    let e = validate_text("[run]\nstart_date = 2020-07-01\n");
    for table in ["fleet", "suppliers", "switching", "smsos", "dcc", "options"] {
        assert!(e.contains(&format!("missing field `{table}`")), "{table}: {e}");
    }
    // Removing options.standard.notice_wd no longer adds a false "unknown option `standard`".
    let e = validate_text(&baseline_text().replacen("notice_wd = 15                   # 15 WD notice (seed)\n", "", 1));
    assert!(e.contains("missing field `notice_wd`") && e.contains("1 problem") && !e.contains("unknown option"), "{e}");
    // A reversed window and DMC shares adding up to 7.55: both.
    let text = baseline_text()
        .replacen("start = 2020-07-01, end = 2020-12-31", "start = 2020-12-31, end = 2020-07-01", 1)
        .replacen("dmcs.honeywell-elster-1 = { share = 0.5,", "dmcs.honeywell-elster-1 = { share = 7.05,", 1);
    let e = validate_text(&text);
    assert!(e.contains("is before start") && e.contains("they add up to 7.55") && e.contains("2 problems"), "{e}");
}

#[test]
fn issue12_the_memory_estimate_counts_the_results_every_replication_keeps() {
    // One installation, but 100 000 replications of a 76-year horizon: each keeps its weekly series and
    // histograms (≈ 5 MB with three options), ≈ 500 GB in all. It was estimated at 64 MiB and grew until killed;
    // now it is refused at once with the estimate, and nothing is written.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let args = ["run", "--sites", "1", "--replications", "100000", "--threads", "1", "--set", "run.horizon_days=28000"];
    let stderr = input_error(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    assert!(stderr.contains("GiB of memory"), "{stderr}");
    assert!(!out.exists());
    let s = dormsim::scenario::Scenario::baseline(&["run.horizon_days=28000".to_string()]).unwrap();
    assert!(dormsim::experiment::result_bytes(&s) > 4_000_000);
}

#[test]
fn issue12_more_options_than_the_outputs_can_show_are_refused() {
    // 2003 options were accepted and chart drawing ran away (12 GB); at most 20 are compared in one run.
    let extra: String = (0..20).map(|i| format!("\n[options.o{i}]\nnotice_wd = 8\ncos_check_wd = 2\n")).collect();
    let e = validate_text(&(baseline_text() + &extra));
    assert!(e.contains("key `options`") && e.contains("at most 20 options") && e.contains("got 23"), "{e}");
}

#[test]
fn issue12_the_calendar_refuses_years_its_rules_do_not_describe() {
    // Year 0, `+99999` and `-0001` were accepted and given invented holidays (`-0001` got clap's tip about a flag).
    for from in ["0000-01-01", "+99999-01-01", "-0001-01-01", "1977-12-31"] {
        let stderr = input_error(&["calendar", "--from", from, "--to", "2024-12-31"]);
        assert!(
            stderr.contains("outside the years the calendar describes") || stderr.contains("expected YYYY-MM-DD"),
            "{from}: {stderr}"
        );
    }
    dormsim().args(["calendar", "--from", "1978-01-01", "--to", "2099-12-31", "--count"]).assert().success();
    // A scenario must lie in those years too.
    let stderr = input_error(&["validate", "scenarios/baseline.toml", "--set", "run.start_date=1950-01-01"]);
    assert!(stderr.contains("run.start_date") && stderr.contains("1978–2099"), "{stderr}");
}

#[test]
fn issue12_a_typo_in_the_sensitivity_settings_is_caught_by_validate() {
    // `[sensitivity] exclude` with a misspelt key validated, and the study silently varied the key.
    let stderr =
        input_error(&["validate", "scenarios/baseline.toml", "--set", "sensitivity.exclude=[\"dcc.daily_capasity\"]"]);
    assert!(
        stderr.contains("sensitivity.exclude.0") && stderr.contains("did you mean `dcc.daily_capacity`?"),
        "{stderr}"
    );
    let stderr = input_error(&[
        "validate",
        "scenarios/baseline.toml",
        "--set",
        "sensitivity.bounds={\"dcc.dormant_shar\" = [0.1, 0.5]}",
    ]);
    assert!(stderr.contains("sensitivity.bounds.dcc.dormant_shar"), "{stderr}");
    dormsim()
        .args([
            "validate",
            "scenarios/baseline.toml",
            "--set",
            "sensitivity.exclude=[\"dcc\", \"smsos.ioc.lead_time_wd\"]",
        ])
        .assert()
        .success();
}

#[test]
fn issue12_plan_refuses_to_search_a_setting_of_the_simulation() {
    // `plan --adjust run.seed` searched seeds for one that met the target.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    for key in ["run.seed", "run.replications", "fleet.installations"] {
        let stderr = input_error(&[
            "plan",
            "--target",
            "expedited.dormancy_wd_p50<=10",
            "--adjust",
            key,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(stderr.contains("a setting of the simulation"), "{key}: {stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn issue12_syntax_errors_name_their_key_and_say_what_is_wrong() {
    // "duplicate key" named no key; a seed of 2^63 said "u64 value was too large" with no key; a NaN month of the
    // seasonality was reported as "needs 12 non-negative monthly weights".
    let e = validate_text(&baseline_text().replacen("[run]\n", "[run]\nseed = 5\n", 1));
    assert!(e.contains("key `run.seed`") && e.contains("set twice"), "{e}");
    let e = validate_text(&baseline_text().replacen("seed = 20200507", "seed = 9223372036854775808", 1));
    assert!(e.contains("key `run.seed`") && e.contains("integer too large"), "{e}");
    let e = validate_text(&baseline_text().replacen("seasonality = [0.80,", "seasonality = [nan,", 1));
    assert!(e.contains("key `switching.seasonality.0`") && e.contains("month 1") && e.contains("1 problem"), "{e}");
}

#[test]
fn issue12_merge_checks_its_shards_and_never_writes_over_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    for i in 0..2 {
        let shard = format!("{i}/2");
        dormsim()
            .args([
                "run",
                "-q",
                "--sites",
                "300",
                "--replications",
                "4",
                "--shard",
                &shard,
                "--out",
                &path(&format!("s{i}")),
            ])
            .assert()
            .success();
    }
    // `merge s0 s1 --out s0` overwrote an input.
    let stderr = input_error(&["merge", &path("s0"), &path("s1"), "--out", &path("s0")]);
    assert!(stderr.contains("is one of the shards"), "{stderr}");
    assert!(dir.path().join("s0/replications.json").exists());
    // An edited count was merged as if real.
    let file = dir.path().join("s1/replications.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replacen("\"migrated\":", "\"migrated\":9999", 1)).unwrap();
    let stderr = input_error(&["merge", &path("s0"), &path("s1"), "--out", &path("all")]);
    assert!(stderr.contains("does not match the digest"), "{stderr}");
    std::fs::write(&file, &text).unwrap();
    // A shard claiming another dormsim version was merged.
    let manifest = dir.path().join("s1/manifest.json");
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, m.replacen(&format!("\"{}\"", env!("CARGO_PKG_VERSION")), "\"0.0.9\"", 1)).unwrap();
    let stderr = input_error(&["merge", &path("s0"), &path("s1"), "--out", &path("all")]);
    assert!(stderr.contains("written by dormsim 0.0.9"), "{stderr}");
    std::fs::write(&manifest, &m).unwrap();
    dormsim().args(["merge", &path("s0"), &path("s1"), "--out", &path("all")]).assert().success();
    assert!(dir.path().join("all/summary.json").exists());
}

#[test]
fn issue12_flags_out_of_range_are_input_errors_before_anything_runs() {
    // --threads had no upper bound (100 000 threads took over a minute), --threads 0 was silently the default,
    // --sites 0 was blamed on --set, a shard with no replication exited 1 after simulating, `--out .` failed after
    // the whole simulation.
    let dir = tempfile::tempdir().unwrap();
    for (args, expected) in [
        (vec!["run", "--threads", "0"], "0 is not in 1..=256"),
        (vec!["run", "--threads", "100000"], "not in 1..=256"),
        (vec!["run", "--sites", "0"], "'--sites <N>'"),
        (vec!["run", "--sites", "-1"], "'--sites <N>'"),
        (vec!["run", "--precision", "0.2", "--max-replications", "0"], "'--max-replications <N>'"),
        (vec!["sensitivity", "--top", "0"], "'--top <N>'"),
        (vec!["run", "--shard", "3/5", "--replications", "2"], "no replication falls to this shard"),
        (vec!["run", "--sites", "100", "--replications", "1", "--out", "."], "must name a folder"),
    ] {
        let out = dormsim().current_dir(dir.path()).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
}

#[test]
fn issue12_an_interrupt_leaves_no_parent_folders_behind() {
    // `--out i/j/k` created `i/j` before simulating and left it after SIGINT (and after the memory refusal).
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("i/j/k");
    let bin = assert_cmd::cargo::cargo_bin("dormsim");
    let child = std::process::Command::new(bin)
        .args(["run", "--sites", "3000000", "--replications", "4", "-q", "--out", out.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1000));
    // SAFETY: kill(2) on the pid of a child we spawned and have not yet waited for.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "debris left");
    // The memory refusal: nothing created either.
    let args = ["run", "--sites", "1", "--replications", "100000", "--set", "run.horizon_days=28000"];
    input_error(&[&args[..], &["--out", out.to_str().unwrap()]].concat());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "debris left");
}

#[test]
fn issue12_the_next_run_restores_an_output_a_killed_run_left_aside() {
    // A run killed between its two renames leaves the previous output only in `.NAME.previous-PID` (and perhaps a
    // staging folder). The next write to that folder puts it back (or `dormsim report` on it), and says so.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    dormsim()
        .args(["run", "-q", "--sites", "200", "--replications", "1", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let dead = u32::MAX - 11;
    std::fs::rename(&out, dir.path().join(format!(".run.previous-{dead}"))).unwrap();
    std::fs::create_dir(dir.path().join(format!(".run.staging-{dead}"))).unwrap();
    let out_report = dormsim().args(["report"]).arg(&out).output().unwrap();
    // `report` on the missing folder first recovers it, then rebuilds its report.
    let stderr = String::from_utf8_lossy(&out_report.stderr);
    assert!(out_report.status.success(), "{stderr}");
    assert!(stderr.contains("restored") && stderr.contains("removed"), "{stderr}");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, ["run"]);
}

#[test]
fn issue12_report_on_a_damaged_run_folder_is_an_input_error() {
    // A corrupted summary or Parquet table exited 1 (a missing summary exited 2).
    let dir = tempfile::tempdir().unwrap();
    for (file, damage) in
        [("summary.json", Some("{\"broken\":")), ("populations.parquet", Some("garbage")), ("weekly.parquet", None)]
    {
        let out = dir.path().join(file.replace('.', "_"));
        dormsim()
            .args(["run", "-q", "--sites", "200", "--replications", "1", "--out", out.to_str().unwrap()])
            .assert()
            .success();
        match damage {
            Some(text) => std::fs::write(out.join(file), text).unwrap(),
            None => std::fs::remove_file(out.join(file)).unwrap(),
        }
        let stderr = input_error(&["report", out.to_str().unwrap()]);
        assert!(stderr.contains(file), "{file}: {stderr}");
    }
}

#[test]
fn issue12_an_unknown_plan_metric_is_reported_once() {
    // The message was printed twice (once as the error, once as its source).
    let stderr = input_error(&["plan", "--target", "expedited.bogus<=3", "--adjust", "dcc.daily_capacity"]);
    assert_eq!(stderr.matches("unknown metric `bogus`").count(), 1, "{stderr}");
}

#[test]
fn issue12_a_run_folder_of_another_scenario_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let small = |name: &str| {
        vec![
            "run".to_string(),
            "-q".into(),
            "--sites".into(),
            "200".into(),
            "--replications".into(),
            "1".into(),
            "--set".into(),
            format!("name=\"{name}\""),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    dormsim().args(small("first")).assert().success();
    let args = small("second");
    let stderr = input_error(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(stderr.contains("holds a run of scenario `first`"), "{stderr}");
    dormsim().args(small("second")).arg("--force").assert().success();
}

#[test]
fn issue12_merge_refuses_replication_results_that_do_not_fit_their_scenario() {
    use dormsim::experiment::ReplicationResult;
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    for i in 0..2 {
        let shard = format!("{i}/2");
        let out = path(&format!("s{i}"));
        let args = ["run", "-q", "--sites", "50", "--replications", "2", "--shard", &shard, "--out", &out];
        dormsim().args(args).assert().success();
    }
    let file = dir.path().join("s1/replications.json");
    let good = std::fs::read_to_string(&file).unwrap();
    // Damage s1's results, then record the digest of the damaged file, as a hand-made shard would: the digest
    // check passes, and before issue 12 the summary indexed out of bounds (a panic, exit 101).
    let damage = |f: &dyn Fn(&mut Vec<ReplicationResult>)| {
        let mut reps: Vec<ReplicationResult> = serde_json::from_str(&good).unwrap();
        f(&mut reps);
        let text = dormsim::output::replications_text(&reps);
        std::fs::write(&file, &text).unwrap();
        let manifest = dir.path().join("s1/manifest.json");
        let mut m: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
        m["replications_sha256"] = dormsim::output::sha256_hex(&text).into();
        std::fs::write(&manifest, serde_json::to_string_pretty(&m).unwrap()).unwrap();
    };
    let merge = || dormsim().args(["merge", &path("s0"), &path("s1"), "--out", &path("all")]).output().unwrap();
    let refused = |f: &dyn Fn(&mut Vec<ReplicationResult>)| {
        damage(f);
        let out = merge();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        stderr
    };
    let stderr = refused(&|r| {
        r[0].options.pop();
    });
    // s1 holds replication 1 of 2; the baseline has 3 options.
    assert!(stderr.contains("s1: replications.json does not fit the scenario: replication 1: 2 options"), "{stderr}");
    let stderr = refused(&|r| r[0].options[0].weekly.new_dormant.truncate(10));
    // The baseline's horizon of 730 days is 105 weeks.
    assert!(stderr.contains("weekly.new_dormant has 10 weeks, the horizon has 105"), "{stderr}");
    let stderr = refused(&|r| r[0].paired.truncate(1));
    assert!(stderr.contains("1 paired comparisons, the scenario has 3 options"), "{stderr}");
    assert!(!dir.path().join("all").exists(), "nothing is written on an input error");
    // The same results re-serialised undamaged (with their digest) merge.
    damage(&|_| {});
    assert!(merge().status.success());
    assert!(dir.path().join("all/summary.json").exists());
}

#[test]
fn issue12_report_refuses_replication_results_that_do_not_fit_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("r");
    let status = Command::cargo_bin("dormsim")
        .unwrap()
        .args(["run", "--sites", "500", "--replications", "2", "-q", "--out"])
        .arg(&run)
        .output()
        .unwrap();
    assert!(status.status.success());
    // Drop an option from replication 0: the charts would index past the end of its results.
    let path = run.join("replications.json");
    let mut reps: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    reps[0]["options"].as_array_mut().unwrap().pop();
    std::fs::write(&path, serde_json::to_string(&reps).unwrap()).unwrap();
    let out = Command::cargo_bin("dormsim").unwrap().arg("report").arg(&run).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("replications.json: replication 0: 2 options, the scenario has 3"), "{stderr}");
}
