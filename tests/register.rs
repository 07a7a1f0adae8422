//! The assumptions register (issue 13): every number and date of every library scenario has a source line, the
//! register is checked like the rest of the file (unknown keys and fields named with their line), and ranges are
//! checked against the values they move.

use dormsim::scenario::Scenario;
use dormsim::scenario::register::{Basis, Change};

mod common;

fn library() -> Vec<(String, String)> {
    let files = common::library_files();
    files.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).expect("readable"))).collect()
}

#[test]
fn every_number_and_date_of_every_library_scenario_has_a_register_entry_with_a_source() {
    for (source, text) in library() {
        let s = Scenario::load(&text, &source, &[]).unwrap_or_else(|e| panic!("{e}"));
        let doc: toml::Table = text.parse().unwrap();
        let uncovered = s.register.uncovered(&doc);
        assert!(uncovered.is_empty(), "{source}: no assumptions-register entry covers {uncovered:?}");
        for a in &s.register.entries {
            assert!(!a.source.trim().is_empty(), "{source}: `{}` has no source line", a.pattern);
            assert!(a.quality.is_some() || a.basis == Basis::Choice, "{source}: `{}` has no quality", a.pattern);
        }
    }
}

#[test]
fn the_baseline_register_marks_its_uncertain_values_with_ranges_and_reasons() {
    let s = Scenario::baseline(&[]).unwrap();
    let factors: Vec<_> = s.register.factors().collect();
    // At least the assumptions docs/model.md gives ranges for.
    for key in ["dcc.dormant_share", "dcc.registration_lag_wd", "fleet.backlog.count", "dcc.certificate_grace_wd"] {
        assert!(factors.iter().any(|a| a.pattern == key), "`{key}` has no range in the baseline register");
    }
    assert!(factors.iter().all(|a| !a.rationale.trim().is_empty()));
    // Every assumption-based value the baseline varies is graded low or medium, never high.
    for a in factors.iter().filter(|a| a.basis == Basis::Assumption) {
        assert_ne!(a.quality.map(|q| q.label()), Some("high"), "{}", a.pattern);
    }
}

fn with_entry(entry: &str) -> String {
    format!("{}\n{entry}\n", dormsim::scenario::EMBEDDED_BASELINE)
}

fn error_of(text: &str) -> String {
    Scenario::load(text, "s.toml", &[]).map(|_| String::new()).unwrap_or_else(|e| e.to_string())
}

#[test]
fn an_entry_for_a_key_the_scenario_does_not_have_is_an_error_with_its_line_and_a_suggestion() {
    let text =
        with_entry("[assumptions.\"dcc.daily_capacty\"]\nbasis = \"public\"\nquality = \"high\"\nsource = \"x\"");
    let line = text.lines().position(|l| l.contains("daily_capacty")).unwrap() + 1;
    let e = error_of(&text);
    assert!(e.starts_with(&format!("s.toml:{line}:")), "{e}");
    assert!(e.contains("did you mean `dcc.daily_capacity`?"), "{e}");
}

#[test]
fn an_unknown_field_of_an_entry_is_named_with_its_line() {
    let text = with_entry("[assumptions.\"smsos.ioc.servers\"]\nbasis = \"public\"\nquality = \"high\"\nsorce = \"x\"");
    let line = text.lines().position(|l| l.starts_with("sorce")).unwrap() + 1;
    let e = error_of(&text);
    assert!(e.starts_with(&format!("s.toml:{line}:")), "{e}");
    assert!(e.contains("did you mean `source`?"), "{e}");
}

fn baseline_with(overrides: &[&str]) -> String {
    let overrides: Vec<String> = overrides.iter().map(|o| o.to_string()).collect();
    Scenario::baseline(&overrides).map(|_| String::new()).unwrap_or_else(|e| e.to_string())
}

#[test]
fn a_range_that_does_not_fit_its_keys_is_refused_but_a_what_if_may_leave_it() {
    // A what-if may move a key outside its range (the study then draws from the range and says so).
    assert_eq!(baseline_with(&["fleet.split_supply_share=0"]), "");
    // A scale must contain × 1 (the scenario's value).
    let e = baseline_with(&["assumptions.dcc.dormant_share.vary={ scale = [1.5, 2] }"]);
    assert!(e.contains("the range [1.5, 2] must contain 1"), "{e}");
    // A date cannot be scaled.
    let e = baseline_with(&[
        "assumptions.suppliers.*.dcc_ready_date.vary={ scale = [0.5, 2] }",
        "assumptions.suppliers.*.dcc_ready_date.rationale=r",
    ]);
    assert!(e.contains("`suppliers.legacy-a.dcc_ready_date` is a string, this range needs a number or"), "{e}");
    // A range needs its reasoning.
    let e = baseline_with(&["assumptions.dcc.dormant_share.rationale="]);
    assert!(e.contains("missing `rationale`"), "{e}");
}

#[test]
fn a_more_specific_entry_takes_its_key_out_of_a_wildcard_factor() {
    let text = with_entry("[assumptions.\"smsos.foc-1.lead_time_wd\"]\nbasis = \"choice\"\nsource = \"WHAT-IF\"");
    let s = Scenario::load(&text, "s.toml", &[]).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    let factor = s.register.entries.iter().find(|a| a.pattern == "smsos.*.lead_time_wd").unwrap();
    let moved: Vec<String> = s.register.targets(factor, &doc).into_iter().map(|(k, _)| k).collect();
    // Six SMSOs in the baseline, less foc-1.
    assert_eq!(moved.len(), 5, "{moved:?}");
    assert!(!moved.contains(&"smsos.foc-1.lead_time_wd".to_string()));
    assert!(matches!(factor.vary.unwrap().change, Change::Scale { .. }));
}
