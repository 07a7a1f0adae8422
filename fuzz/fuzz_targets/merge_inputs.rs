//! Fuzz target `merge_inputs`: the files `dormsim merge` (and `report`) read from a shard or run folder, from
//! arbitrary bytes. The input is three sections separated by a NUL byte: `manifest.json`, `replications.json`,
//! `summary.json` (missing sections are empty). Each is deserialised with the same call `merge`/`report` uses;
//! replication results that deserialise are checked against the embedded baseline on a small fleet
//! (`experiment::check_results`) and, only if they fit it, summarised as `merge` does. Never a panic.
#![no_main]

use dormsim::experiment::{self, ReplicationResult, Summary};
use dormsim::output::Manifest;
use dormsim::scenario::Scenario;
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// The scenario of the seed shard (`dormsim run --shard 0/2 --sites 50 --replications 2`).
static SCENARIO: LazyLock<Scenario> = LazyLock::new(|| {
    Scenario::baseline(&["fleet.installations=50".into(), "run.replications=2".into()]).expect("baseline loads")
});

fuzz_target!(|data: &[u8]| {
    let mut sections = data.splitn(3, |&b| b == 0).map(|b| std::str::from_utf8(b).ok());
    let (manifest, replications, summary) =
        (sections.next().flatten(), sections.next().flatten(), sections.next().flatten());
    if let Some(Ok(m)) = manifest.map(serde_json::from_str::<Manifest>) {
        let _ = serde_json::to_string(&m);
    }
    if let Some(Ok(reps)) = replications.map(serde_json::from_str::<Vec<ReplicationResult>>)
        && experiment::check_results(&SCENARIO, &reps).is_ok()
    {
        let _ = serde_json::to_string(&experiment::summarise(&SCENARIO, &reps));
    }
    if let Some(Ok(s)) = summary.map(serde_json::from_str::<Summary>) {
        let _ = serde_json::to_string(&s);
    }
});
