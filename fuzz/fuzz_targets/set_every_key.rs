//! Fuzz target `set_every_key`: one `--set KEY=VALUE` on any key of the embedded baseline, then a tiny run. The
//! first two bytes of the input (little-endian) choose the key among every scalar leaf of the baseline document
//! (numbers, strings, booleans, dates; array elements by index, in document order); the rest, as UTF-8 text, is
//! the value. The override goes through `Scenario::baseline`; a scenario that loads gets its hash and calendar,
//! then one replication on 20 installations (horizon capped at 120 days) is simulated and summarised, and its
//! results must pass `experiment::check_results` (what `merge` would accept). Never a panic.
#![no_main]

use dormsim::experiment::{self, Execution};
use dormsim::scenario::{EMBEDDED_BASELINE, Scenario};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

/// Longest horizon simulated, days (keeps one execution well under a second).
const MAX_HORIZON_DAYS: i32 = 120;

/// Every scalar leaf of the baseline with its dotted `--set` path.
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

fuzz_target!(|data: &[u8]| {
    let [a, b, rest @ ..] = data else { return };
    let Ok(value) = std::str::from_utf8(rest) else { return };
    let key = &KEYS[usize::from(u16::from_le_bytes([*a, *b])) % KEYS.len()];
    let set = format!("{key}={value}");
    let s = match Scenario::baseline(std::slice::from_ref(&set)) {
        Ok(s) => s,
        Err(e) => return drop(e.to_string()),
    };
    let _ = s.hash();
    let _ = experiment::calendar_for(&s);
    let horizon = s.run.horizon_days.min(MAX_HORIZON_DAYS);
    let tiny =
        [set, "fleet.installations=20".into(), "run.replications=1".into(), format!("run.horizon_days={horizon}")];
    let Ok(t) = Scenario::baseline(&tiny) else { return };
    let Ok(reps) = experiment::run(&t, &[0], Execution { threads: 1 }, &|| {}) else { return };
    if let Err(e) = experiment::check_results(&t, &reps) {
        panic!("a real run's results are refused by check_results: {e}");
    }
    let _ = experiment::summarise(&t, &reps);
});
