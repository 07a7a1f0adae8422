//! Outputs of `dormsim sensitivity`: the result `sensitivity.json` ([`SensitivityStudy`]: settings, metrics with
//! units, every parameter with its group, values and effects, the rankings per group and metric, skipped keys),
//! the tidy table `sensitivity.{csv,parquet}` and `tables.xlsx` (one row per group × metric × parameter in rank
//! order, values as numbers, with the metric's unit), the tornado charts `charts/tornado_assumptions` and
//! `charts/tornado_levers` (SVG and PNG), `report.html`, `summary.md`, `manifest.json` and `scenario.toml`, written
//! atomically. The study is ranked once; everything here renders it.

use super::charts::tornado;
use super::tables::nan_to_null;
use super::{Manifest, OutputError, in_staging};
use crate::experiment::sensitivity::{Effect, Group, ParameterResult, SensitivityStudy};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The result file of a sensitivity study.
pub const SENSITIVITY_FILE: &str = "sensitivity.json";

/// One row per group × metric × parameter, in rank order.
pub fn sensitivity_frame(s: &SensitivityStudy) -> DataFrame {
    let mut rows: Vec<(Group, usize, u32, &ParameterResult)> = Vec::new();
    for g in Group::ALL {
        for m in 0..s.metrics.len() {
            rows.extend(s.ranked(g, m).enumerate().map(|(k, r)| (g, m, k as u32 + 1, r)));
        }
    }
    let text = |f: &dyn Fn(&ParameterResult) -> String| rows.iter().map(|r| f(r.3)).collect::<Vec<_>>();
    let num = |f: &dyn Fn(&ParameterResult) -> f64| rows.iter().map(|r| f(r.3)).collect::<Vec<_>>();
    let eff = |f: &dyn Fn(&Effect) -> f64| rows.iter().map(|r| f(&r.3.effects[r.1])).collect::<Vec<_>>();
    let ci = |f: &dyn Fn(&Effect) -> Option<[f64; 2]>, i: usize| {
        rows.iter().map(|r| f(&r.3.effects[r.1]).map(|c| c[i])).collect::<Vec<_>>()
    };
    let columns = vec![
        Column::new("group".into(), rows.iter().map(|r| r.0.name()).collect::<Vec<_>>()),
        Column::new("metric".into(), rows.iter().map(|r| s.metrics[r.1].spec.as_str()).collect::<Vec<_>>()),
        Column::new("unit".into(), rows.iter().map(|r| s.metrics[r.1].unit.as_str()).collect::<Vec<_>>()),
        Column::new("rank".into(), rows.iter().map(|r| r.2).collect::<Vec<_>>()),
        Column::new("parameter".into(), text(&|r| r.parameter.key.clone())),
        Column::new("label".into(), text(&|r| r.parameter.label())),
        Column::new("kind".into(), text(&|r| r.parameter.kind.clone())),
        Column::new("base_value".into(), num(&|r| r.parameter.base_value)),
        Column::new("low_value".into(), num(&|r| r.parameter.low_value)),
        Column::new("high_value".into(), num(&|r| r.parameter.high_value)),
        Column::new("range_from".into(), text(&|r| r.parameter.source.clone())),
        Column::new("group_reason".into(), text(&|r| r.parameter.group_reason.clone())),
        Column::new("base".into(), eff(&|e| e.base)),
        Column::new("at_low".into(), eff(&|e| e.low)),
        Column::new("at_high".into(), eff(&|e| e.high)),
        Column::new("swing".into(), eff(&|e| e.swing)),
        Column::new("swing_ci95_low".into(), ci(&|e| e.swing_ci95, 0)),
        Column::new("swing_ci95_high".into(), ci(&|e| e.swing_ci95, 1)),
    ];
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}

/// Write the study into `out_dir` atomically; `top` parameters per tornado panel. Returns the files.
pub fn write_sensitivity(
    s: &SensitivityStudy,
    manifest: &Manifest,
    scenario_text: &str,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    in_staging(out_dir, |dir| {
        let mut df = sensitivity_frame(s);
        let mut files =
            super::studies::write_study(dir, "sensitivity", &mut df, SENSITIVITY_FILE, s, manifest, scenario_text)?;
        files.extend(report(s, manifest, dir)?);
        Ok(files)
    })
}

/// The tornado charts and the report, from the study and the manifest (what `dormsim report` rebuilds).
pub fn report(s: &SensitivityStudy, manifest: &Manifest, dir: &Path) -> Result<Vec<String>, OutputError> {
    let charts = tornado::render_all(s, s.shown, dir)?;
    let mut files: Vec<String> =
        charts.iter().flat_map(|c| [format!("charts/{}.svg", c.stem), format!("charts/{}.png", c.stem)]).collect();
    let page = super::report::sensitivity::page(s, manifest);
    files.extend(super::report::study::write(dir, &page, &charts)?);
    Ok(files)
}
