//! Issue 12: every numeric key of the baseline, one at a time, set to hostile values (0, −1, 1e−300, 1e300, 2^62,
//! 0.5, 10^6): `validate` (every problem) and loading agree, and whatever validates runs (200 installations, one
//! replication) without a panic and with a bounded memory estimate.

mod common;
use dormsim::experiment::{self, Execution};
use dormsim::scenario::{EMBEDDED_BASELINE, Scenario};

/// Every numeric leaf of a TOML document (inline tables and arrays included), with its value.
fn numeric_leaves(prefix: &str, v: &toml::Value, out: &mut Vec<(String, toml::Value)>) {
    match v {
        toml::Value::Integer(_) | toml::Value::Float(_) => out.push((prefix.to_string(), v.clone())),
        toml::Value::Table(t) => {
            for (k, x) in t {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                numeric_leaves(&key, x, out);
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                numeric_leaves(&format!("{prefix}.{i}"), x, out);
            }
        }
        _ => {}
    }
}

const HOSTILE: [&str; 7] = ["0", "-1", "1e-300", "1e300", "4611686018427387904", "0.5", "1000000"];

#[test]
fn issue12_every_numeric_key_at_a_hostile_value_either_is_refused_by_validate_and_load_alike_or_runs() {
    let doc: toml::Value = EMBEDDED_BASELINE.parse::<toml::Table>().map(toml::Value::Table).unwrap();
    let mut leaves = Vec::new();
    numeric_leaves("", &doc, &mut leaves);
    assert!(leaves.len() > 120, "{} numeric keys", leaves.len());
    let (mut refused, mut ran) = (0, 0);
    for (key, _) in leaves.iter().filter(|(k, _)| k != "fleet.installations" && k != "run.replications") {
        for value in HOSTILE {
            // The key first, then a small run (so a huge fleet or replication count elsewhere cannot make it large).
            let set = vec![format!("{key}={value}"), "fleet.installations=200".into(), "run.replications=1".into()];
            let problems = Scenario::check_all(EMBEDDED_BASELINE, "baseline", &set);
            let loaded = Scenario::load(EMBEDDED_BASELINE, "baseline", &set);
            assert_eq!(
                problems.is_empty(),
                loaded.is_ok(),
                "{key}={value}: validate {problems:?} vs load {:?}",
                loaded.as_ref().err()
            );
            let Ok(s) = loaded else {
                refused += 1;
                continue;
            };
            let estimate = experiment::estimate_peak_bytes(&s, 1);
            assert!(estimate < 1 << 30, "{key}={value}: estimated {estimate} bytes");
            let outcome = std::panic::catch_unwind(|| experiment::run(&s, &[0], Execution { threads: 1 }, &|| {}));
            assert!(outcome.is_ok(), "{key}={value}: the run panicked");
            ran += 1;
        }
    }
    assert!(refused > 100 && ran > 100, "refused {refused}, ran {ran}");
}
