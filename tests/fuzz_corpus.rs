//! Replays the fuzzer's seeds (`fuzz/seeds/`), minimised corpus (`fuzz/corpus-min/`) and every input that once
//! crashed it (`tests/fuzz_regressions/`) through the same calls as the fuzz targets, on stable, in plain
//! `cargo test --release`: a scenario input must give a `Scenario` or a `ScenarioError`, merge inputs must
//! deserialise or fail, be refused by `check_results` or summarise, never a panic. What each fuzz target does with
//! an input is mirrored here (`fuzz/fuzz_targets/*.rs`); how the corpus was made: `docs/reliability.md`.

use dormsim::experiment::{self, Execution, ReplicationResult, Summary};
use dormsim::output::Manifest;
use dormsim::scenario::{EMBEDDED_BASELINE, Scenario};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

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

/// The scenario `merge_inputs` checks results against: the seed shard's (`--sites 50 --replications 2`).
static MERGE_SCENARIO: LazyLock<Scenario> = LazyLock::new(|| {
    Scenario::baseline(&["fleet.installations=50".into(), "run.replications=2".into()]).expect("baseline loads")
});

/// What the `merge_inputs` fuzz target does with one input: three NUL-separated sections (manifest,
/// replications, summary) deserialised as `merge`/`report` do; results that fit the scenario are summarised. True
/// if the replication results reached `summarise`.
fn merge_inputs(data: &[u8]) -> bool {
    let mut sections = data.splitn(3, |&b| b == 0).map(|b| std::str::from_utf8(b).ok());
    let (manifest, replications, summary) =
        (sections.next().flatten(), sections.next().flatten(), sections.next().flatten());
    if let Some(Ok(m)) = manifest.map(serde_json::from_str::<Manifest>) {
        let _ = serde_json::to_string(&m);
    }
    let mut summarised = false;
    if let Some(Ok(reps)) = replications.map(serde_json::from_str::<Vec<ReplicationResult>>)
        && experiment::check_results(&MERGE_SCENARIO, &reps).is_ok()
    {
        let _ = serde_json::to_string(&experiment::summarise(&MERGE_SCENARIO, &reps));
        summarised = true;
    }
    if let Some(Ok(s)) = summary.map(serde_json::from_str::<Summary>) {
        let _ = serde_json::to_string(&s);
    }
    summarised
}

/// Every scalar leaf of the baseline document with its dotted `--set` path, in document order (as the
/// `set_every_key` target enumerates them).
static KEYS: LazyLock<Vec<String>> = LazyLock::new(|| {
    let doc: toml::Table = EMBEDDED_BASELINE.parse().expect("baseline parses");
    let mut out = Vec::new();
    doc.iter().for_each(|(k, v)| leaves(k, v, &mut out));
    out
});

fn leaves(path: &str, v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => t.iter().for_each(|(k, v)| leaves(&format!("{path}.{k}"), v, out)),
        toml::Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| leaves(&format!("{path}.{i}"), v, out)),
        _ => out.push(path.to_string()),
    }
}

/// The key and value a `set_every_key` input stands for: the first two bytes (little-endian) index the keys.
fn key_and_value(data: &[u8]) -> Option<(&'static str, &str)> {
    let [a, b, rest @ ..] = data else { return None };
    let value = std::str::from_utf8(rest).ok()?;
    Some((&KEYS[usize::from(u16::from_le_bytes([*a, *b])) % KEYS.len()], value))
}

/// What the `set_every_key` fuzz target does with one input: the override on the baseline, then one replication
/// of 20 installations over at most 120 days, whose results must pass `check_results`. True if it simulated.
fn set_every_key(data: &[u8]) -> bool {
    let Some((key, value)) = key_and_value(data) else { return false };
    let set = format!("{key}={value}");
    let s = match Scenario::baseline(std::slice::from_ref(&set)) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.to_string();
            return false;
        }
    };
    let _ = s.hash();
    let _ = experiment::calendar_for(&s);
    let horizon = s.run.horizon_days.min(120);
    let tiny =
        [set, "fleet.installations=20".into(), "run.replications=1".into(), format!("run.horizon_days={horizon}")];
    let Ok(t) = Scenario::baseline(&tiny) else { return false };
    let Ok(reps) = experiment::run(&t, &[0], Execution { threads: 1 }, &|| {}) else { return false };
    if let Err(e) = experiment::check_results(&t, &reps) {
        panic!("a real run's results are refused by check_results: {e}");
    }
    let _ = experiment::summarise(&t, &reps);
    true
}

#[test]
fn every_merge_input_of_the_fuzzer_is_read_checked_and_summarised_or_refused_without_panicking() {
    let dirs = ["fuzz/seeds/merge_inputs", "fuzz/corpus-min/merge_inputs", "tests/fuzz_regressions/merge_inputs"];
    let summarised = replay(&dirs, merge_inputs, 1);
    // The seed is a real shard's files: its results fit the scenario and reach the summary.
    assert!(summarised >= 1, "no input reaches summarise: the seed no longer fits the scenario");
}

#[test]
fn every_set_on_a_baseline_key_of_the_fuzzer_applies_and_runs_or_fails_without_panicking() {
    let dirs = ["fuzz/seeds/set_every_key", "fuzz/corpus-min/set_every_key", "tests/fuzz_regressions/set_every_key"];
    let simulated = replay(&dirs, set_every_key, 10);
    assert!(simulated >= 5, "only {simulated} inputs reach the simulation");
}

#[test]
fn each_set_every_key_seed_sets_the_key_its_name_says() {
    // Seeds are named `INDEX-KEY-N`: the key list is the baseline's leaves in document order, so a reordered or
    // edited baseline shows up here rather than as seeds that silently set other keys.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = files_in(&root.join("fuzz/seeds/set_every_key"));
    assert!(!seeds.is_empty());
    for f in seeds {
        let name = f.file_name().unwrap().to_str().unwrap();
        let (_, rest) = name.split_once('-').unwrap();
        let (named, _) = rest.rsplit_once('-').unwrap();
        let data = std::fs::read(&f).unwrap();
        assert_eq!(key_and_value(&data).map(|(k, _)| k), Some(named), "{name}");
    }
}

#[test]
fn every_key_of_the_baseline_with_edge_values_applies_and_runs_or_fails_without_panicking() {
    // A deterministic sweep of what `set_every_key` explores at random: each of the baseline's scalar keys with
    // values at the edges of every type (zero, negative, huge, fractional, out of range for i32/u32/i64, non-finite
    // floats, empty, text, dates, a table). Each input goes through the target's calls; none may panic.
    let values = [
        "0",
        "-1",
        "1",
        "0.5",
        "1e300",
        "-1e300",
        "nan",
        "inf",
        "2147483648",
        "4294967296",
        "9223372036854775807",
        "-9223372036854775808",
        "",
        "x",
        "\"\"",
        "2020-02-29",
        "0001-01-01",
        "9999-12-31",
        "{}",
        "[]",
        "true",
    ];
    let mut panicked = Vec::new();
    let mut simulated = 0;
    for (i, key) in KEYS.iter().enumerate() {
        for v in values {
            let mut data = (i as u16).to_le_bytes().to_vec();
            data.extend_from_slice(v.as_bytes());
            match catch_unwind(AssertUnwindSafe(|| set_every_key(&data))) {
                Ok(ran) => simulated += usize::from(ran),
                Err(_) => panicked.push(format!("{key}={v}")),
            }
        }
    }
    println!("{} overrides, {simulated} simulated", KEYS.len() * values.len());
    assert!(panicked.is_empty(), "{} overrides panicked: {panicked:#?}", panicked.len());
    // Many keys accept 0, 1 or 0.5 and the tiny run follows.
    assert!(simulated >= KEYS.len(), "only {simulated} overrides reached the simulation");
}
