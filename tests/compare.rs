//! `dormsim compare` end to end (issue 14, item 1): differences against hand-known answers, pairing decided from
//! the runs' inputs, refusals with exit code 2 and no output, and `dormsim report` on a comparison.

mod common;
use common::*;

use assert_cmd::Command;
use dormsim::output::compare::{CompareSummary, Figure};
use std::fs;
use std::path::{Path, PathBuf};

fn dormsim() -> Command {
    Command::cargo_bin("dormsim").unwrap()
}

/// `dormsim run SCENARIO --out DIR ARGS...`, which must succeed.
fn run_to(scenario: &Path, out: &Path, args: &[&str]) {
    dormsim().arg("run").arg(scenario).arg("--out").arg(out).arg("-q").args(args).assert().success();
}

/// The verification world (every dormancy known by hand) written to `dir/verification.toml`.
fn verification_file(dir: &Path) -> PathBuf {
    let path = dir.join("verification.toml");
    fs::write(&path, verification_toml("none", "2021-03-01", "2021-03-10", 200)).unwrap();
    path
}

/// `dormsim compare RUNS... --out OUT`, which must succeed; its stdout and summary.json.
fn compare(runs: &[&Path], out: &Path) -> (String, CompareSummary) {
    let assert = dormsim().arg("compare").args(runs).arg("--out").arg(out).assert().success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let summary = serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    (stdout, summary)
}

fn figure<'a>(s: &'a CompareSummary, metric: &str, population: Option<&str>, option: &str) -> &'a Figure {
    s.figure(metric, population, option).unwrap_or_else(|| panic!("no {metric} {population:?} {option}"))
}

#[test]
fn issue14_a_run_compared_with_itself_differs_by_exactly_zero_with_zero_width_intervals() {
    // The same folder twice: every replication's figure is equal on both sides, so every paired difference is 0
    // and, having no variance, its interval is [0, 0].
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    run_to(Path::new("scenarios/baseline.toml"), &a, &["--sites", "2000", "--replications", "3"]);
    let (stdout, s) = compare(&[&a, &a], &tmp.path().join("c"));
    assert_eq!(s.runs[1].pairing, "paired", "{}", s.runs[1].pairing_note);
    assert_eq!(s.options, ["standard", "expedited", "prioritised"]);
    let mut checked = 0;
    for f in &s.figures {
        let d = f.difference("B").unwrap();
        if d.difference.is_nan() {
            continue; // a population with no episode in any replication
        }
        assert_eq!(d.difference, 0.0, "{} {:?} {}", f.metric, f.population, f.option);
        assert_eq!(d.ci95, Some([0.0, 0.0]), "{} {:?} {}", f.metric, f.population, f.option);
        checked += 1;
    }
    assert!(checked > 100, "only {checked} figures");
    assert!(stdout.contains("B − A") && stdout.contains("paired"), "{stdout}");
}

#[test]
fn issue14_a_longer_expedited_notice_lengthens_expedited_dormancy_by_exactly_the_added_working_days() {
    // Verification world, calendar `none`: every installation goes dormant on 2021-03-10 and is migrated at the
    // notice + notice_wd (tests/deterministic.rs): expedited 8 WD by default, 10 WD with notice_wd = 10 (firmware is
    // done 5 WD after the notice, before the 2 WD check), standard 15 WD in both. So, paired per replication, B − A
    // is +2 WD for expedited (no variance: [2, 2]), 0 for standard, and the reduction against standard falls from
    // 7 to 5 WD (−2).
    let tmp = tempfile::tempdir().unwrap();
    let scenario = verification_file(tmp.path());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_to(&scenario, &a, &[]);
    run_to(&scenario, &b, &["--set", "options.expedited.notice_wd=10"]);
    let (_, s) = compare(&[&a, &b], &tmp.path().join("c"));
    assert_eq!(s.runs[1].pairing, "paired", "{}", s.runs[1].pairing_note);
    assert_eq!(s.runs[1].label, "verification with options.expedited.notice_wd=10");
    let exp = figure(&s, "dormancy_wd", None, "expedited");
    assert_eq!((exp.value("A").unwrap().mean, exp.value("B").unwrap().mean), (8.0, 10.0));
    assert_eq!(exp.difference("B").unwrap().difference, 2.0);
    assert_eq!(exp.difference("B").unwrap().ci95, Some([2.0, 2.0]));
    let fte = figure(&s, "dormant_wd", Some("fast_track_eligible"), "expedited").difference("B").unwrap();
    assert_eq!((fte.difference, fte.ci95), (2.0, Some([2.0, 2.0])));
    let std = figure(&s, "dormancy_wd", None, "standard").difference("B").unwrap();
    assert_eq!((std.difference, std.ci95), (0.0, Some([0.0, 0.0])));
    let reduction = figure(&s, "reduction_wd", None, "expedited");
    assert_eq!(reduction.value("A").unwrap().mean, 7.0);
    assert_eq!(reduction.difference("B").unwrap().difference, -2.0);
    // The table says the same: the B row of expedited's dormancy.
    let csv = fs::read_to_string(tmp.path().join("c/compare.csv")).unwrap();
    let row = csv.lines().find(|l| l.starts_with("dormancy_wd,,expedited,,WD,B,")).expect("the B row");
    assert!(row.contains(",10.0,10.0,10.0,2,2.0,2.0,2.0,paired,"), "{row}");
}

#[test]
fn issue14_runs_with_different_seeds_are_compared_unpaired_and_every_output_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let base = Path::new("scenarios/baseline.toml");
    run_to(base, &a, &["--sites", "2000", "--replications", "3"]);
    run_to(base, &b, &["--sites", "2000", "--replications", "3", "--seed", "7"]);
    let out = tmp.path().join("c");
    let (stdout, s) = compare(&[&a, &b], &out);
    assert_eq!(s.runs[1].pairing, "unpaired");
    assert_eq!(s.runs[1].pairing_note, "seed differs: run.seed 20200507 vs 7");
    assert!(stdout.contains("UNPAIRED (seed differs: run.seed 20200507 vs 7)"), "{stdout}");
    let d = figure(&s, "restored_wd", None, "expedited").difference("B").unwrap();
    assert_eq!(d.pairing, "unpaired");
    // Welch with 3 + 3 replications: degrees of freedom between min(nₐ, nᵦ) − 1 = 2 and nₐ + nᵦ − 2 = 4.
    let df = d.df.unwrap();
    assert!((2.0..=4.0).contains(&df), "{df}");
    let csv = fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(
        csv.lines().filter(|l| l.contains(",B,")).all(|l| l.contains(",unpaired,seed differs: run.seed 20200507 vs 7"))
    );
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("is NOT paired with A") && html.contains("seed differs: run.seed 20200507 vs 7"));
    // Different numbers of installations: a different fleet, also unpaired, and named.
    let c = tmp.path().join("c3000");
    run_to(base, &c, &["--sites", "3000", "--replications", "3"]);
    let (_, s) = compare(&[&a, &c], &tmp.path().join("d"));
    assert!(
        s.runs[1].pairing_note.starts_with("the fleet or switching inputs differ: fleet."),
        "{}",
        s.runs[1].pairing_note
    );
    assert!(s.runs[1].pairing_note.contains("fleet.installations 2000 vs 3000"), "{}", s.runs[1].pairing_note);
}

/// `dormsim compare ARGS --out OUT` must fail with exit code 2 naming `names` and leave `out` absent.
fn refused(runs: &[&Path], out: &Path, names: &str) {
    let assert = dormsim().arg("compare").args(runs).arg("--out").arg(out).assert().code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains(names), "{stderr}");
    assert!(!out.exists(), "{} was written", out.display());
}

#[test]
fn issue14_compare_refuses_what_is_not_a_whole_intact_run_with_exit_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = verification_file(tmp.path());
    let a = tmp.path().join("a");
    run_to(&scenario, &a, &[]);
    let out = tmp.path().join("out");

    let missing = tmp.path().join("missing");
    refused(&[&a, &missing], &out, &format!("{}: no such folder", missing.display()));

    let other = tmp.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("notes.txt"), "x").unwrap();
    refused(&[&a, &other], &out, "not a dormsim run folder (no manifest.json)");

    // A study folder (its manifest names the command).
    let study = tmp.path().join("study");
    copy(&a, &study);
    let mut m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(study.join("manifest.json")).unwrap()).unwrap();
    m["study"] = serde_json::json!({"command": "sweep"});
    fs::write(study.join("manifest.json"), m.to_string()).unwrap();
    refused(&[&a, &study], &out, "a `dormsim sweep` folder, not a run folder");

    // Damaged: a per-replication table that is not Parquet, then one that disagrees with summary.json.
    let damaged = tmp.path().join("damaged");
    copy(&a, &damaged);
    fs::write(damaged.join("per_replication.parquet"), "garbage").unwrap();
    refused(&[&a, &damaged], &out, &format!("{}: per_replication.parquet is damaged", damaged.display()));
    let edited = tmp.path().join("edited");
    copy(&a, &edited);
    let summary = fs::read_to_string(edited.join("summary.json")).unwrap();
    let changed = summary.replacen("\"mean\": 15.0", "\"mean\": 16.0", 1);
    assert_ne!(changed, summary, "standard's mean dormancy is 15 WD in the verification world");
    fs::write(edited.join("summary.json"), changed).unwrap();
    refused(&[&a, &edited], &out, "per_replication.parquet does not agree with summary.json");

    // No option in common: the same world with its options renamed.
    let renamed = tmp.path().join("renamed.toml");
    let text = fs::read_to_string(&scenario).unwrap();
    fs::write(
        &renamed,
        text.replace("[options.standard]", "[options.slow]").replace("[options.expedited]", "[options.fast]"),
    )
    .unwrap();
    let r = tmp.path().join("r");
    run_to(&renamed, &r, &[]);
    refused(&[&a, &r], &out, "the runs have no option in common");

    // The output folder may not be one of the runs.
    let assert = dormsim().arg("compare").arg(&a).arg(&r).arg("--out").arg(&a).assert().code(2);
    assert!(String::from_utf8_lossy(&assert.get_output().stderr).contains("is one of the runs being compared"));
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_file() {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn issue14_dormsim_report_rebuilds_a_comparisons_report_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = verification_file(tmp.path());
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    run_to(&scenario, &a, &[]);
    run_to(&scenario, &b, &["--set", "options.expedited.notice_wd=10"]);
    compare(&[&a, &b], &c);
    let (html, md) = (fs::read(c.join("report.html")).unwrap(), fs::read(c.join("summary.md")).unwrap());
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(c.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["study"]["command"], "compare");
    assert_eq!(manifest["study"]["runs"].as_array().unwrap().len(), 2);
    fs::remove_file(c.join("report.html")).unwrap();
    fs::remove_file(c.join("charts/compare_differences.png")).unwrap();
    dormsim().arg("report").arg(&c).assert().success();
    assert_eq!(fs::read(c.join("report.html")).unwrap(), html);
    assert_eq!(fs::read(c.join("summary.md")).unwrap(), md);
    assert!(c.join("charts/compare_differences.png").is_file());
}
