//! Outputs of `dormsim uncertainty`: `summary.json` (the study's [`StudySummary`]), tidy tables
//! `uncertainty_metrics` (one row per headline), `uncertainty_indices` (headline × factor) and
//! `uncertainty_points` (design point × headline, with every factor's value) as CSV and Parquet, the raw results
//! `uncertainty_points.json` (what `merge` reads), charts ([`super::charts::uncertainty`]), `report.html` and
//! `summary.md` (the report framework's study page), `manifest.json` and a copy of the scenario; written atomically.
//! A shard writes only its raw results, manifest and scenario.

use super::charts::uncertainty as charts;
use super::report::study;
use super::tables::{nan_to_null, write_csv, write_parquet};
use super::{Manifest, OutputError, in_staging, sha256_hex, write_json};
use crate::experiment::uncertainty::{StudyResults, StudySummary};
use polars::prelude::*;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// The raw results file of a study or shard.
pub const POINTS_FILE: &str = "uncertainty_points.json";

/// A finished study.
pub struct UncertaintyArtifacts<'a> {
    pub summary: &'a StudySummary,
    pub results: &'a StudyResults,
    pub manifest: &'a Manifest,
    pub scenario_text: &'a str,
}

/// One row per headline: its spread across inputs, the chance the option does better, simulation noise, and the
/// value at the scenario's own inputs with its noise-only interval.
pub fn metrics_frame(s: &StudySummary) -> DataFrame {
    let m = &s.metrics;
    let text = |f: &dyn Fn(usize) -> String| (0..m.len()).map(f).collect::<Vec<String>>();
    let num = |f: &dyn Fn(usize) -> f64| (0..m.len()).map(f).collect::<Vec<f64>>();
    let opt = |f: &dyn Fn(usize) -> Option<f64>| (0..m.len()).map(f).collect::<Vec<Option<f64>>>();
    let nominal = |i: usize| s.nominal.iter().find(|n| n.name == m[i].name);
    let columns = vec![
        Column::new("option".into(), text(&|i| m[i].option.clone())),
        Column::new("metric".into(), text(&|i| m[i].metric.clone())),
        Column::new("label".into(), text(&|i| m[i].label.clone())),
        Column::new("unit".into(), text(&|i| m[i].unit.clone())),
        Column::new(
            "better".into(),
            text(&|i| {
                m[i].better
                    .map_or(
                        "",
                        |b| if b == crate::experiment::uncertainty::Better::Higher { "higher" } else { "lower" },
                    )
                    .to_string()
            }),
        ),
        Column::new("median".into(), num(&|i| m[i].median)),
        Column::new("p05".into(), num(&|i| m[i].p05)),
        Column::new("p95".into(), num(&|i| m[i].p95)),
        Column::new("mean".into(), num(&|i| m[i].mean)),
        Column::new("sd".into(), num(&|i| m[i].sd)),
        Column::new("probability_better".into(), opt(&|i| m[i].probability_better)),
        Column::new("noise_sd".into(), opt(&|i| m[i].noise_sd)),
        Column::new("noise_share".into(), opt(&|i| m[i].noise_share)),
        Column::new("at_scenario_values".into(), opt(&|i| nominal(i).map(|n| n.mean))),
        Column::new("at_scenario_values_ci95_low".into(), opt(&|i| nominal(i).and_then(|n| n.ci95).map(|c| c[0]))),
        Column::new("at_scenario_values_ci95_high".into(), opt(&|i| nominal(i).and_then(|n| n.ci95).map(|c| c[1]))),
        Column::new("points".into(), (0..m.len()).map(|i| m[i].points as u32).collect::<Vec<u32>>()),
        Column::new(
            "undefined_points".into(),
            (0..m.len()).map(|i| m[i].undefined_points as u32).collect::<Vec<u32>>(),
        ),
    ];
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}

/// One row per headline × factor, ranked by total index within each headline.
pub fn indices_frame(s: &StudySummary) -> DataFrame {
    let mut rows: Vec<(usize, usize, u32)> = Vec::new();
    for (m, ms) in s.metrics.iter().enumerate() {
        for (rank, f) in ranked(ms).into_iter().enumerate() {
            rows.push((m, f, rank as u32 + 1));
        }
    }
    let idx = |r: &(usize, usize, u32)| s.metrics[r.0].indices[r.1];
    let est = |first: bool, part: usize| {
        rows.iter()
            .map(|r| {
                idx(r).and_then(|x| {
                    let e = if first { x.first_order } else { x.total };
                    match part {
                        0 => Some(e.value),
                        1 => e.ci95.map(|c| c[0]),
                        _ => e.ci95.map(|c| c[1]),
                    }
                })
            })
            .collect::<Vec<Option<f64>>>()
    };
    let columns = vec![
        Column::new("option".into(), rows.iter().map(|r| s.metrics[r.0].option.clone()).collect::<Vec<_>>()),
        Column::new("metric".into(), rows.iter().map(|r| s.metrics[r.0].metric.clone()).collect::<Vec<_>>()),
        Column::new("factor".into(), rows.iter().map(|r| s.factors[r.1].key.clone()).collect::<Vec<_>>()),
        Column::new("rank".into(), rows.iter().map(|r| r.2).collect::<Vec<u32>>()),
        Column::new("first_order".into(), est(true, 0)),
        Column::new("first_order_ci95_low".into(), est(true, 1)),
        Column::new("first_order_ci95_high".into(), est(true, 2)),
        Column::new("total".into(), est(false, 0)),
        Column::new("total_ci95_low".into(), est(false, 1)),
        Column::new("total_ci95_high".into(), est(false, 2)),
    ];
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}

/// Factor indices of a headline by descending total index (factors without an index last, in design order).
pub fn ranked(m: &crate::experiment::uncertainty::MetricSummary) -> Vec<usize> {
    let mut order: Vec<usize> = (0..m.indices.len()).collect();
    let total = |f: usize| m.indices[f].map_or(f64::NEG_INFINITY, |x| x.total.value);
    order.sort_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
    order
}

/// One row per design point × headline: the point's role, every factor's value (one column each), the mean over
/// replications and its simulation-noise standard error.
pub fn points_frame(s: &StudySummary, r: &StudyResults) -> DataFrame {
    let heads = s.metrics.len();
    let rows: Vec<(usize, usize)> = (0..r.points.len()).flat_map(|p| (0..heads).map(move |m| (p, m))).collect();
    let mut columns = vec![
        Column::new("point".into(), rows.iter().map(|&(p, _)| r.points[p].point as u32).collect::<Vec<u32>>()),
        Column::new("row".into(), rows.iter().map(|&(p, _)| r.points[p].row as u32).collect::<Vec<u32>>()),
        Column::new("matrix".into(), rows.iter().map(|&(p, _)| r.points[p].role.label()).collect::<Vec<String>>()),
    ];
    for (f, factor) in s.factors.iter().enumerate() {
        columns.push(Column::new(
            factor.key.as_str().into(),
            rows.iter().map(|&(p, _)| r.points[p].factor_values[f]).collect::<Vec<f64>>(),
        ));
    }
    columns
        .push(Column::new("option".into(), rows.iter().map(|&(_, m)| s.metrics[m].option.clone()).collect::<Vec<_>>()));
    columns
        .push(Column::new("metric".into(), rows.iter().map(|&(_, m)| s.metrics[m].metric.clone()).collect::<Vec<_>>()));
    columns.push(Column::new("value".into(), rows.iter().map(|&(p, m)| r.points[p].mean(m)).collect::<Vec<f64>>()));
    columns.push(Column::new(
        "noise_se".into(),
        rows.iter().map(|&(p, m)| r.points[p].noise_variance(m).map(f64::sqrt)).collect::<Vec<Option<f64>>>(),
    ));
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}

/// Write the whole study into `out_dir` atomically; return the files.
pub fn write_uncertainty(a: &UncertaintyArtifacts, out_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    in_staging(out_dir, |dir| {
        let mut files: Vec<String> = Vec::new();
        for (stem, mut df) in [
            ("uncertainty_metrics", metrics_frame(a.summary)),
            ("uncertainty_indices", indices_frame(a.summary)),
            ("uncertainty_points", points_frame(a.summary, a.results)),
        ] {
            files.push(write_csv(&mut df, &dir.join(format!("{stem}.csv")))?);
            files.push(write_parquet(&mut df, &dir.join(format!("{stem}.parquet")))?);
        }
        write_json(&dir.join("summary.json"), a.summary)?;
        write_json(&dir.join(POINTS_FILE), a.results)?;
        write_json(&dir.join("manifest.json"), a.manifest)?;
        let scenario = dir.join("scenario.toml");
        fs::write(&scenario, a.scenario_text).map_err(|e| OutputError::io(&scenario, e))?;
        files.extend(["summary.json", POINTS_FILE, "manifest.json", "scenario.toml"].map(String::from));
        files.extend(report(a.summary, a.results, a.manifest, dir)?);
        Ok(files)
    })
}

/// The charts and the report of a study, from its summary, raw results and manifest (what `dormsim report`
/// rebuilds); returns the files written.
pub fn report(
    summary: &StudySummary,
    results: &StudyResults,
    manifest: &Manifest,
    dir: &Path,
) -> Result<Vec<String>, OutputError> {
    let drawn = charts::render_all(summary, results, dir)?;
    let mut files: Vec<String> =
        drawn.iter().flat_map(|c| [format!("charts/{}.svg", c.stem), format!("charts/{}.png", c.stem)]).collect();
    let page = super::report::uncertainty::page(summary, manifest);
    files.extend(study::write(dir, &page, &drawn)?);
    Ok(files)
}

/// Write one shard's raw results, its manifest (with the results' digest) and the scenario.
pub fn write_uncertainty_shard(
    manifest: &mut Manifest,
    results: &StudyResults,
    scenario_text: &str,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    let text = serde_json::to_string_pretty(results).expect("results serialise") + "\n";
    if let Some(serde_json::Value::Object(study)) = manifest.study.as_mut() {
        study.insert("points_sha256".into(), serde_json::Value::String(sha256_hex(&text)));
    }
    in_staging(out_dir, |dir| {
        let raw = dir.join(POINTS_FILE);
        fs::write(&raw, &text).map_err(|e| OutputError::io(&raw, e))?;
        write_json(&dir.join("manifest.json"), manifest)?;
        let scenario = dir.join("scenario.toml");
        fs::write(&scenario, scenario_text).map_err(|e| OutputError::io(&scenario, e))?;
        Ok([POINTS_FILE, "manifest.json", "scenario.toml"].map(String::from).to_vec())
    })
}

/// Number with `digits` decimals, or "n/a".
fn num(x: f64, digits: usize) -> String {
    if x.is_finite() { format!("{x:.digits$}") } else { "n/a".to_string() }
}

/// Decimals that suit a unit.
pub fn digits(unit: &str) -> usize {
    match unit {
        "share" => 3,
        "installation-days" => 0,
        _ => 2,
    }
}

/// The console table: per headline, the value at the scenario's inputs (noise-only CI), the 5–95% range across
/// inputs, the chance of doing better, the noise share, and the largest total index.
pub fn render_console(s: &StudySummary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} factors, {} design points × {} replications; ranges are 5–95% across the register's input ranges",
        s.scenario, s.design.factors, s.design.points, s.replications_per_point
    );
    let _ = writeln!(
        out,
        "{:<50} {:>22} {:>24} {:>7} {:>6}  largest total index",
        "headline (option − baseline)", "at scenario values*", "across inputs 5–95%", "P(better)", "noise"
    );
    for m in &s.metrics {
        let d = digits(&m.unit);
        let nominal = s.nominal.iter().find(|n| n.name == m.name);
        let at = nominal.map_or("n/a".to_string(), |n| match n.ci95 {
            Some([lo, hi]) => format!("{} [{}, {}]", num(n.mean, d), num(lo, d), num(hi, d)),
            None => num(n.mean, d),
        });
        let top =
            ranked(m).first().and_then(|&f| m.indices[f].map(|x| format!("{} {:.2}", s.factors[f].key, x.total.value)));
        let _ = writeln!(
            out,
            "{:<50} {:>22} {:>24} {:>7} {:>6}  {}",
            format!("{}.{}", m.option, m.metric),
            at,
            format!("{} ({} – {})", num(m.median, d), num(m.p05, d), num(m.p95, d)),
            m.probability_better.map_or("—".to_string(), |p| format!("{:.0}%", 100.0 * p)),
            m.noise_share.map_or("n/a".to_string(), |x| format!("{:.0}%", 100.0 * x)),
            top.unwrap_or_else(|| "—".to_string())
        );
    }
    out.push_str(
        "* mean at the scenario's own values with its 95% CI over replications: simulation noise only. Ranges: median \
         (5%–95%) over the design's input draws; noise = share of that spread due to simulation noise.\n",
    );
    out
}
