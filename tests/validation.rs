//! `[[validation]]` (issue 13): faulty entries are reported with their key and line, all at once; every run's
//! `summary.json` holds one row per public figure of the scenario, set against the model.

mod common;
use common::*;

use dormsim::experiment::Summary;
use dormsim::experiment::validation::{Status, Value};
use dormsim::scenario::{EMBEDDED_BASELINE, Scenario};

/// The embedded baseline with `from` replaced by `to` (once; the text must be there).
fn edited(from: &str, to: &str) -> String {
    assert_eq!(EMBEDDED_BASELINE.matches(from).count(), 1, "`{from}` is not once in the baseline");
    EMBEDDED_BASELINE.replacen(from, to, 1)
}

/// 1-based line of the first occurrence of `text` in `doc`.
fn line_of(doc: &str, text: &str) -> usize {
    doc[..doc.find(text).expect("text present")].matches('\n').count() + 1
}

#[test]
fn an_unknown_quantity_is_an_error_naming_the_key_the_line_and_the_likely_quantity() {
    let text = edited("quantity = \"peak_migration_month\"", "quantity = \"peak_migraton_month\"");
    let e = Scenario::load(&text, "base.toml", &[]).unwrap_err();
    assert_eq!(e.line, Some(line_of(&text, "peak_migraton_month")));
    assert_eq!(e.key, "validation.4.quantity");
    assert!(e.message.contains("unknown quantity `peak_migraton_month`"), "{e}");
    assert!(e.message.contains("did you mean `peak_migration_month`?"), "{e}");
}

#[test]
fn every_faulty_entry_is_reported_at_once_with_its_line() {
    let text = edited("quantity = \"peak_migration_month\"", "quantity = \"busiest_month\"")
        .replacen("against = \"prioritised\"", "against = \"prioritized\"", 1)
        .replacen("source = \"313 k SMETS1 migrated in May 2022 (domain §3)\"", "source = \"  \"", 1)
        .replacen("value = 155_000", "value = \"many\"", 1);
    let problems = Scenario::check_all(&text, "base.toml", &[]);
    let found: Vec<(String, Option<usize>)> = problems.iter().map(|p| (p.key.clone(), p.line)).collect();
    assert_eq!(
        found,
        vec![
            ("validation.4.quantity".into(), Some(line_of(&text, "busiest_month"))),
            ("validation.6.source".into(), Some(line_of(&text, "source = \"  \""))),
            ("validation.7.value".into(), Some(line_of(&text, "\"many\""))),
            ("validation.9.against".into(), Some(line_of(&text, "prioritized"))),
        ],
        "{problems:#?}"
    );
    assert!(problems[3].message.contains("did you mean `prioritised`?"), "{}", problems[3]);
}

#[test]
fn a_misspelt_key_of_an_entry_is_refused_with_a_suggestion() {
    let text = edited("tolerance_abs = 1                # months", "tolerence_abs = 1");
    let e = Scenario::load(&text, "base.toml", &[]).unwrap_err();
    assert_eq!((e.key.as_str(), e.line), ("validation.4.tolerence_abs", Some(line_of(&text, "tolerence_abs"))));
    assert!(e.message.contains("did you mean `tolerance_abs`?"), "{e}");
}

#[test]
fn each_quantity_asks_for_what_it_needs_and_refuses_what_it_does_not_use() {
    let cases = [
        // A month has no relative tolerance.
        ("tolerance_abs = 1                # months", "tolerance = 0.1", "validation.4.tolerance", "no relative"),
        // The cumulative count needs its date; the peak month uses none.
        ("date = 2020-12-31\n", "", "validation.0", "missing `date`"),
        ("value = \"2021-08\"", "value = \"2021-08\"\ndate = 2021-08-31", "validation.4.date", "does not use `date`"),
        // A share is in [0, 1]; a month is "YYYY-MM"; both tolerances at once are one too many.
        ("value = 0.07", "value = 7", "validation.10.value", "a share must be in [0, 1]"),
        ("month = \"2022-05\"", "month = \"May 2022\"", "validation.6.month", "expected a month \"YYYY-MM\""),
        (
            "tolerance = 0.25\nsource = \"313 k",
            "tolerance = 0.25\ntolerance_abs = 1\nsource = \"313 k",
            "validation.6.tolerance_abs",
            "give one of",
        ),
        ("compare = \"at-most\"", "compare = \"below\"", "validation.8.compare", "approx, at-least or at-most"),
    ];
    for (from, to, key, says) in cases {
        let e = Scenario::load(&edited(from, to), "base.toml", &[]).unwrap_err();
        assert_eq!(e.key, key, "{from} → {to}: {e}");
        assert!(e.message.contains(says), "{from} → {to}: {e}");
        assert!(e.line.is_some(), "{e}");
    }
}

#[test]
fn a_figure_can_be_overridden_with_set_like_any_key() {
    let s = Scenario::baseline(&["validation.1.value=6000000".into()]).unwrap();
    assert_eq!(s.validation[1].expected, dormsim::scenario::validation::Expected::Number(6e6));
    let e = Scenario::baseline(&["validation.1.option=fast".into()]).unwrap_err();
    assert_eq!((e.source.as_str(), e.key.as_str()), ("--set", "validation.1.option"));
}

#[test]
fn a_runs_summary_json_holds_one_row_per_public_figure_against_the_model() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_baseline_run(tmp.path(), &["fleet.installations=3000", "run.replications=2"]);
    let text = std::fs::read_to_string(run.dir.join("summary.json")).unwrap();
    let summary: Summary = serde_json::from_str(&text).unwrap();
    let rows = &summary.validation;
    let statuses =
        |v: &[dormsim::experiment::validation::ValidationRow]| v.iter().map(|r| r.status).collect::<Vec<_>>();
    assert_eq!(statuses(rows), statuses(&run.summary.validation), "the rows read back as written");
    assert_eq!(rows.len(), run.scenario.validation.len());
    assert_eq!(rows.len(), 11, "the baseline carries 11 public figures");
    for r in rows {
        assert!(!r.source.is_empty() && !r.label.is_empty() && !r.basis.is_empty(), "{r:?}");
        match r.status {
            Status::OutsideRun => assert_eq!((&r.model, r.difference), (&None, None), "{}", r.label),
            Status::Within | Status::Outside => {
                let d = r.difference.expect("a compared row has a difference");
                if let (Some(Value::Number(m)), Value::Number(f)) = (&r.model, &r.figure) {
                    assert!((m - f - d).abs() < 1e-6 * f.abs().max(1.0), "{}: difference is model − figure", r.label);
                }
            }
            Status::NoValue => panic!("{}: the baseline has a value for every figure inside the run", r.label),
        }
    }
    // November 2022 is after the two-year horizon (to 30 June 2022).
    let nov = rows.iter().find(|r| r.when.as_deref() == Some("2022-11-30")).unwrap();
    assert_eq!(nov.status, Status::OutsideRun);
    // The "7 WD" row measures expedited against prioritised; the peak month is a month.
    assert!(rows.iter().any(|r| r.quantity == "fast_track_saving_wd" && r.against.as_deref() == Some("prioritised")));
    let peak = rows.iter().find(|r| r.quantity == "peak_migration_month").unwrap();
    assert!(matches!(&peak.model, Some(Value::Month(m)) if m.len() == 7), "{peak:?}");
}

#[test]
fn the_console_summary_md_and_report_show_the_validation_tally_and_call_every_interval_simulation_noise() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_baseline_run(tmp.path(), &["fleet.installations=3000", "run.replications=2"]);
    let rows = &run.summary.validation;
    let within = rows.iter().filter(|r| r.within()).count();
    let compared = rows.iter().filter(|r| matches!(r.status, Status::Within | Status::Outside)).count();
    let outside_run = rows.iter().filter(|r| r.status == Status::OutsideRun).count();

    let console = dormsim::output::render_summary(&run.summary);
    let line = format!(
        "validation: {within} of {compared} public figures within tolerance, {outside_run} dated outside the run \
         (see report.html)"
    );
    assert_eq!(console.lines().filter(|l| l.starts_with("validation:")).collect::<Vec<_>>(), vec![line.as_str()]);
    assert!(console.contains("simulation noise only, not input uncertainty; see `dormsim uncertainty`"));

    let md = std::fs::read_to_string(run.dir.join("summary.md")).unwrap();
    let html = std::fs::read_to_string(run.dir.join("report.html")).unwrap();
    for (name, text) in [("summary.md", &md), ("report.html", &html)] {
        assert!(text.contains("Validation and limitations"), "{name}");
        assert!(text.contains(&format!("{within} of {compared} are within their tolerance")), "{name}");
        assert!(text.contains("simulation noise only"), "{name}: intervals not labelled");
        assert!(text.contains("dormsim uncertainty"), "{name}: no pointer to the uncertainty study");
        assert!(text.contains("Uniform active-programme windows"), "{name}: limitations missing");
    }
}

#[test]
fn a_scenario_without_figures_still_reports_its_limitations_and_says_it_has_no_figures() {
    use dormsim::output::{Manifest, RunArtifacts, write_run};
    let tmp = tempfile::tempdir().unwrap();
    let text = verification_toml("england-wales", "2021-03-01", "2021-03-15", 50);
    let s = load(&text, &[]);
    assert!(s.validation.is_empty());
    let reps = run(&s, 1);
    let summary = dormsim::experiment::summarise(&s, &reps);
    assert!(summary.validation.is_empty());
    let console = dormsim::output::render_summary(&summary);
    assert!(console.contains("validation: the scenario lists no public figures"), "{console}");
    let manifest = Manifest::new(&s, "test", &[], s.run.replications, 1, 0.1, 10);
    let artifacts = RunArtifacts {
        scenario: &s,
        summary: &summary,
        replications: &reps,
        manifest: &manifest,
        scenario_text: &text,
    };
    write_run(&artifacts, &tmp.path().join("run")).unwrap();
    let md = std::fs::read_to_string(tmp.path().join("run/summary.md")).unwrap();
    assert!(md.contains("## Validation and limitations"), "{md}");
    assert!(md.contains("This scenario lists no public figures"));
    assert!(md.contains("Intervals are simulation noise only"));
}
