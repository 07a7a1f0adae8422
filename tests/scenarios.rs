//! The scenario library: every `scenarios/*.toml` loads, validates and has a distinct `name` (the default output
//! folder), so two library runs never write into the same folder.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dormsim::scenario::Scenario;

mod common;

#[test]
fn every_library_scenario_validates_with_a_distinct_name() {
    let files = common::library_files();
    assert!(files.len() >= 8, "expected the baseline and the seven library scenarios, found {files:?}");

    let mut names: BTreeMap<String, PathBuf> = BTreeMap::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable scenario");
        let source = path.display().to_string();
        let scenario =
            Scenario::load(&text, &source, &[]).unwrap_or_else(|e| panic!("{source} does not validate: {e}"));
        assert!(!scenario.name.is_empty() && scenario.name != "scenario", "{source}: give the scenario its own `name`");
        if let Some(other) = names.insert(scenario.name.clone(), path.clone()) {
            panic!("{source} and {} share the name `{}`", other.display(), scenario.name);
        }
    }
}
