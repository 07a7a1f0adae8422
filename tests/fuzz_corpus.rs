//! Replays the fuzzer's minimised corpus (`fuzz/corpus-min/`) and every input that once crashed it
//! (`tests/fuzz_regressions/`) through the scenario loader, on stable, in plain `cargo test --release`: each input
//! must give a `Scenario` or a `ScenarioError`, never a panic. What each fuzz target does with an input is
//! mirrored here (`fuzz/fuzz_targets/*.rs`); how the corpus was made: `docs/reliability-testing.md`.

use dormsim::scenario::Scenario;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// What the `scenario` fuzz target does with one input; true if the scenario loaded.
fn load_text(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else { return false };
    check(Scenario::load(text, "fuzz", &[]))
}

/// What the `set_override` fuzz target does with one input: one `--set` per line (at most 8) on the baseline; true
/// if the scenario loaded.
fn set_overrides(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else { return false };
    let overrides: Vec<String> = text.lines().take(8).map(str::to_string).collect();
    check(Scenario::baseline(&overrides))
}

/// For a scenario that loads, the cheap steps every command takes next (hash, calendar); for an error, its text.
fn check(result: Result<Scenario, dormsim::scenario::ScenarioError>) -> bool {
    match result {
        Ok(s) => {
            let _ = s.hash();
            let _ = dormsim::experiment::calendar_for(&s);
            true
        }
        Err(e) => {
            let _ = e.to_string();
            false
        }
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// Feed every file of `dirs` to `target`; fail listing every file that panicked. Returns how many inputs loaded
/// into a valid scenario.
fn replay(dirs: &[&str], target: fn(&[u8]) -> bool, at_least: usize) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<PathBuf> = dirs.iter().flat_map(|d| files_in(&root.join(d))).collect();
    // An empty or missing corpus would make this test pass vacuously.
    assert!(files.len() >= at_least, "expected at least {at_least} inputs in {dirs:?}, found {}", files.len());
    let mut panicked = Vec::new();
    let mut loaded = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        match catch_unwind(AssertUnwindSafe(|| target(&data))) {
            Ok(ok) => loaded += usize::from(ok),
            Err(_) => panicked.push(f.strip_prefix(root).unwrap_or(f).display().to_string()),
        }
    }
    assert!(panicked.is_empty(), "{} of {} inputs panicked: {panicked:#?}", panicked.len(), files.len());
    loaded
}

#[test]
fn every_scenario_in_the_fuzz_corpus_and_every_past_crash_loads_or_fails_without_panicking() {
    let loaded = replay(&["fuzz/corpus-min/scenario", "tests/fuzz_regressions/scenario"], load_text, 100);
    // The corpus also reaches the end of the resolver: some inputs are valid scenarios (the fuzzer kept them for
    // the validation paths they cover).
    assert!(loaded >= 1, "only {loaded} corpus inputs load: the corpus no longer reaches valid scenarios");
}

#[test]
fn every_set_override_in_the_fuzz_corpus_and_every_past_crash_applies_or_fails_without_panicking() {
    let loaded = replay(&["fuzz/corpus-min/set_override", "tests/fuzz_regressions/set_override"], set_overrides, 50);
    assert!(loaded >= 1, "only {loaded} corpus inputs load: the corpus no longer reaches valid scenarios");
}

#[test]
fn the_seed_scenarios_of_the_fuzzer_are_valid() {
    // The seeds are meant to start the fuzzer from deep inside the resolver: each must load. (Every file in
    // `scenarios/` is checked by `tests/scenarios.rs`.)
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in files_in(&root.join("fuzz/seeds/scenario")) {
        let text = std::fs::read_to_string(&f).unwrap();
        Scenario::load(&text, &f.display().to_string(), &[]).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn a_date_with_a_year_beyond_9999_is_an_error_naming_its_key_not_a_panic() {
    // Found by probing the `scenario` target's binary after reading the calendar code (docs/reliability-testing.md):
    // chrono parses signed years up to ±262143, the resolver accepted them, and building the run's working-day
    // calendar (the start date minus the longest backlog age, plus the horizon) panicked outside chrono's range.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("tests/fuzz_regressions/scenario/start-date-year-262142-calendar-out-of-range.toml");
    let text = std::fs::read_to_string(path).unwrap();
    let e = Scenario::load(&text, "regression.toml", &[]).unwrap_err();
    // The first date deserialised is run.start_date, on line 3 of the file.
    assert_eq!((e.key.as_str(), e.line), ("run.start_date", Some(3)), "{e}");
    assert!(e.message.contains("year from 1 to 9999"), "{e}");
    // The same value given with --set is blamed on --set.
    let e = Scenario::baseline(&["run.start_date=+262142-06-01".to_string()]).unwrap_err();
    assert_eq!((e.source.as_str(), e.key.as_str()), ("--set", "run.start_date"), "{e}");
}
