//! `compare.{csv,parquet}`: the comparison as one tidy table, one row per figure (metric × population × option)
//! × run: the run's mean with its 95% CI and, for every run but the reference, its difference from the reference
//! with its 95% CI and how it was computed (`pairing`, `pairing_note`). Also the provenance rows of `tables.xlsx`.

use super::{CompareSummary, REFERENCE};
use crate::output::tables::nan_to_null;
use polars::prelude::*;

/// The table of the comparison.
pub fn frame(s: &CompareSummary) -> DataFrame {
    let mut text: [Vec<Option<String>>; 9] = Default::default();
    let mut num: [Vec<Option<f64>>; 6] = Default::default();
    let mut replications: Vec<u32> = Vec::new();
    for f in &s.figures {
        for v in &f.values {
            let Some(run) = s.runs.iter().find(|r| r.id == v.run) else { continue };
            let d = f.difference(&v.run);
            let row = [
                Some(f.metric.clone()),
                f.population.clone(),
                Some(f.option.clone()),
                f.baseline.clone(),
                Some(f.unit.clone()),
                Some(run.id.clone()),
                Some(run.label.clone()),
                Some(d.map_or(REFERENCE.to_string(), |d| d.pairing.clone())),
                Some(if d.is_some() { run.pairing_note.clone() } else { String::new() }).filter(|n| !n.is_empty()),
            ];
            for (c, x) in text.iter_mut().zip(row) {
                c.push(x);
            }
            let lo_hi = |ci: Option<[f64; 2]>, i: usize| ci.map(|c| c[i]);
            let values = [
                Some(v.mean),
                lo_hi(v.ci95, 0),
                lo_hi(v.ci95, 1),
                d.map(|d| d.difference),
                d.and_then(|d| lo_hi(d.ci95, 0)),
                d.and_then(|d| lo_hi(d.ci95, 1)),
            ];
            for (c, x) in num.iter_mut().zip(values) {
                c.push(x);
            }
            replications.push(v.replications as u32);
        }
    }
    let [metric, population, option, baseline, unit, run, label, pairing, note] = text;
    let [value, value_lo, value_hi, difference, lo, hi] = num;
    let columns = vec![
        Column::new("metric".into(), metric),
        Column::new("population".into(), population),
        Column::new("option".into(), option),
        Column::new("baseline".into(), baseline),
        Column::new("unit".into(), unit),
        Column::new("run".into(), run),
        Column::new("run_label".into(), label),
        Column::new("value".into(), value),
        Column::new("value_ci95_low".into(), value_lo),
        Column::new("value_ci95_high".into(), value_hi),
        Column::new("replications".into(), replications),
        Column::new("difference".into(), difference),
        Column::new("ci95_low".into(), lo),
        Column::new("ci95_high".into(), hi),
        Column::new("pairing".into(), pairing),
        Column::new("pairing_note".into(), note),
    ];
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}

/// The README rows of the comparison's workbook: what it is and every run with its provenance.
pub fn provenance(s: &CompareSummary) -> Vec<(String, String)> {
    let mut rows: Vec<(String, String)> = vec![(
        "What".into(),
        "dormsim compare: every figure of the runs' per_replication tables per run, and each run minus run A with a \
         95% CI (paired per replication where the runs share seed, replications and fleet; Welch otherwise)"
            .into(),
    )];
    for r in &s.runs {
        rows.push((
            format!("Run {}", r.id),
            format!(
                "{} · folder {} · scenario hash {} · seed {} · {} replications · {} installations · dormsim {} · {}{}",
                r.label,
                r.folder,
                r.scenario_hash,
                r.seed,
                r.replications,
                r.installations,
                r.dormsim_version,
                r.pairing,
                if r.pairing == REFERENCE { String::new() } else { format!(": {}", r.pairing_note) }
            ),
        ));
    }
    rows.push(("Intervals".into(), "95% CI over replications: simulation noise only (see dormsim uncertainty)".into()));
    rows.push(("Units".into(), "every column and its unit: docs/outputs.md, \"Outputs of dormsim compare\"".into()));
    rows
}
