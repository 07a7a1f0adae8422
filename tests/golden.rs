//! Golden test: the embedded baseline with a small fleet and its fixed seed must give, byte for byte, the pinned
//! `summary.json` in `tests/golden/`. Any change to a result — intended (a model change, a new field, a new
//! version) or not (an accidental drift) — fails here first. The pinned file contains `dormsim_version` and
//! `scenario_hash` on purpose: it is the result of *this* version on *this* scenario.
//!
//! To accept a deliberate change, regenerate the file and review its diff before committing it:
//!
//! ```sh
//! DORMSIM_BLESS=1 cargo test --release --test golden
//! git diff tests/golden/
//! ```
//!
//! Without `DORMSIM_BLESS=1` the test never writes the file: a mismatch (or a missing file) is a failure.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// The overrides the pinned summary was made with (also in the file name).
const OVERRIDES: [&str; 2] = ["fleet.installations=2000", "run.replications=3"];

fn golden_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/baseline-2000x3.summary.json")
}

/// `summary.json` exactly as `dormsim run` writes it (`output::write_json`: serde_json pretty + newline).
fn summary_json(threads: usize) -> String {
    let s = baseline(&OVERRIDES);
    let mut text = serde_json::to_string_pretty(&run_summary(&s, threads)).unwrap();
    text.push('\n');
    text
}

/// The first line where `a` and `b` differ (1-based), with both versions of it.
fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    for n in 1.. {
        match (la.next(), lb.next()) {
            (None, None) => return "no line differs (trailing whitespace?)".into(),
            (x, y) if x == y => continue,
            (x, y) => {
                return format!("line {n}:\n  pinned: {}\n  now:    {}", x.unwrap_or("<end>"), y.unwrap_or("<end>"));
            }
        }
    }
    unreachable!()
}

#[test]
fn the_baseline_summary_for_2000_installations_and_3_replications_matches_the_pinned_file() {
    let now = summary_json(1);
    let path = golden_path();
    if std::env::var_os("DORMSIM_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &now).unwrap();
        eprintln!("DORMSIM_BLESS=1: rewrote {}; review `git diff tests/golden/` before committing", path.display());
        return;
    }
    let pinned = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the pinned summary {} ({e}); create it deliberately with \
             `DORMSIM_BLESS=1 cargo test --release --test golden`",
            path.display()
        )
    });
    assert!(
        pinned == now,
        "the baseline summary (--set {}) differs from the pinned {} at {}\n\n\
         If the change is intended (model change, new output field, new version), regenerate the file with \
         `DORMSIM_BLESS=1 cargo test --release --test golden`, review `git diff tests/golden/` and commit it with \
         the change that caused it. Otherwise a result has drifted: find out why before blessing.",
        OVERRIDES.join(" --set "),
        path.display(),
        first_difference(&pinned, &now),
    );
}

#[test]
fn the_pinned_summary_does_not_depend_on_the_number_of_threads() {
    // Replications run on a rayon pool and are collected in replication order, so 3 worker threads (more than the
    // replications' natural split on 2 cores) give the same text as the single-threaded golden run.
    assert_eq!(summary_json(1), summary_json(3), "summary.json differs between 1 and 3 threads");
}
