//! Outputs of `dormsim sensitivity`: the tidy table `sensitivity.{csv,parquet}` (one row per parameter × metric,
//! with its rank), `sensitivity.json` (settings, ranking, skipped keys), the tornado chart `tornado.{svg,png}` (one
//! panel per metric, the largest swings on top), `manifest.json` and a copy of the scenario, written atomically.

use super::charts::style::{AXIS, GRID, INK, MUTED, bold, option_colour, register_fonts, text};
use super::tables::{write_csv, write_parquet};
use super::{Manifest, OutputError, in_staging, write_json};
use crate::experiment::sensitivity::{ParameterResult, Skipped, ranking};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use polars::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// A finished sensitivity study.
pub struct SensitivityArtifacts<'a> {
    pub scenario: &'a str,
    /// Resolved metric specs, in order.
    pub metrics: &'a [String],
    pub results: &'a [ParameterResult],
    pub skipped: &'a [Skipped],
    pub percent: f64,
    pub replications: u32,
    /// Parameters drawn per panel.
    pub top: usize,
    pub manifest: &'a Manifest,
    pub scenario_text: &'a str,
}

/// One row per parameter × metric: key, values, metric, means, swing with CI, rank by |swing| for that metric.
pub fn sensitivity_frame(a: &SensitivityArtifacts) -> DataFrame {
    let mut rows: Vec<(&ParameterResult, usize, u32)> = Vec::new();
    for m in 0..a.metrics.len() {
        for (rank, r) in ranking(a.results, m).into_iter().enumerate() {
            rows.push((r, m, rank as u32 + 1));
        }
    }
    let text = |f: &dyn Fn(&ParameterResult) -> &str| rows.iter().map(|(r, _, _)| f(r).to_string()).collect::<Vec<_>>();
    let num = |f: &dyn Fn(&crate::experiment::sensitivity::Effect) -> f64| {
        rows.iter().map(|(r, m, _)| f(&r.effects[*m])).collect::<Vec<_>>()
    };
    let columns = vec![
        Column::new("parameter".into(), text(&|r| &r.parameter.key)),
        Column::new("base_value".into(), text(&|r| &r.parameter.base)),
        Column::new("low_value".into(), text(&|r| &r.parameter.low)),
        Column::new("high_value".into(), text(&|r| &r.parameter.high)),
        Column::new("bounds_from".into(), text(&|r| r.parameter.source)),
        Column::new("metric".into(), rows.iter().map(|(r, m, _)| r.effects[*m].metric.clone()).collect::<Vec<_>>()),
        Column::new("base".into(), num(&|e| e.base)),
        Column::new("at_low".into(), num(&|e| e.low)),
        Column::new("at_high".into(), num(&|e| e.high)),
        Column::new("swing".into(), num(&|e| e.swing)),
        Column::new(
            "swing_ci95_low".into(),
            rows.iter().map(|(r, m, _)| r.effects[*m].swing_ci95.map(|c| c[0])).collect::<Vec<_>>(),
        ),
        Column::new(
            "swing_ci95_high".into(),
            rows.iter().map(|(r, m, _)| r.effects[*m].swing_ci95.map(|c| c[1])).collect::<Vec<_>>(),
        ),
        Column::new("rank".into(), rows.iter().map(|(_, _, k)| *k).collect::<Vec<_>>()),
    ];
    DataFrame::new_infer_height(super::tables::nan_to_null(columns)).expect("columns of equal length")
}

/// `sensitivity.json`: settings, per metric the ranking (key, swing, CI), and the skipped keys with reasons.
fn summary_json(a: &SensitivityArtifacts) -> serde_json::Value {
    let rankings: Vec<serde_json::Value> = (0..a.metrics.len())
        .map(|m| {
            let ranked: Vec<serde_json::Value> = ranking(a.results, m)
                .iter()
                .map(|r| {
                    let e = &r.effects[m];
                    serde_json::json!({
                        "parameter": r.parameter.key, "low_value": r.parameter.low, "high_value": r.parameter.high,
                        "at_low": e.low, "at_high": e.high, "swing": e.swing, "swing_ci95": e.swing_ci95,
                    })
                })
                .collect();
            serde_json::json!({ "metric": a.metrics[m], "base": a.results.first().map(|r| r.effects[m].base), "ranking": ranked })
        })
        .collect();
    serde_json::json!({
        "scenario": a.scenario,
        "method": "one-at-a-time: each numeric key set to its low and its high value with every other key at its \
    scenario value; same seed and replication numbers for every setting (common random numbers); swing = mean at high \
    − mean at low, 95% CI from the paired per-replication differences (t interval; simulation noise only)",
        "percent": a.percent,
        "replications": a.replications,
        "parameters": a.results.len(),
        "metrics": rankings,
        "skipped": a.skipped,
    })
}

/// Write every output of the study into `out_dir` atomically; return the files.
pub fn write_sensitivity(a: &SensitivityArtifacts, out_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    in_staging(out_dir, |dir| {
        let mut df = sensitivity_frame(a);
        write_csv(&mut df, &dir.join("sensitivity.csv"))?;
        write_parquet(&mut df, &dir.join("sensitivity.parquet"))?;
        write_json(&dir.join("sensitivity.json"), &summary_json(a))?;
        write_json(&dir.join("manifest.json"), a.manifest)?;
        let scenario = dir.join("scenario.toml");
        fs::write(&scenario, a.scenario_text).map_err(|e| OutputError::io(&scenario, e))?;
        draw(a, dir)?;
        Ok(["sensitivity.csv", "sensitivity.parquet", "sensitivity.json", "manifest.json", "scenario.toml"]
            .into_iter()
            .chain(["tornado.svg", "tornado.png"])
            .map(String::from)
            .collect())
    })
}

// --- tornado chart ------------------------------------------------------------------------------------------------

const WIDTH: u32 = 1100;
const ROW_PX: u32 = 26;
const PANEL_EXTRA_PX: u32 = 110;
const LABEL_PX: u32 = 400;

/// A bar: label, change at the low value and at the high value (from the scenario value).
type Bar = (String, f64, f64);

fn panels(a: &SensitivityArtifacts) -> Vec<(String, Vec<Bar>)> {
    (0..a.metrics.len())
        .map(|m| {
            let bars = ranking(a.results, m)
                .into_iter()
                .filter(|r| r.effects[m].swing.is_finite())
                .take(a.top)
                .map(|r| {
                    let e = &r.effects[m];
                    let p = &r.parameter;
                    (format!("{} ({} / {})", p.key, p.low, p.high), e.low - e.base, e.high - e.base)
                })
                .collect();
            (a.metrics[m].clone(), bars)
        })
        .collect()
}

fn height(panels: &[(String, Vec<Bar>)]) -> u32 {
    70 + panels.iter().map(|(_, b)| PANEL_EXTRA_PX + ROW_PX * b.len().max(1) as u32).sum::<u32>()
}

fn draw(a: &SensitivityArtifacts, dir: &Path) -> Result<(), OutputError> {
    register_fonts();
    let panels = panels(a);
    let size = (WIDTH, height(&panels));
    let chart_error = |path: &Path, e: &dyn std::fmt::Display| OutputError::Chart {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let svg_path = dir.join("tornado.svg");
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw_on(a, &panels, &root).map_err(|e| chart_error(&svg_path, &e))?;
    }
    fs::write(&svg_path, &svg).map_err(|e| OutputError::io(&svg_path, e))?;
    let png_path = dir.join("tornado.png");
    let root = BitMapBackend::new(&png_path, size).into_drawing_area();
    draw_on(a, &panels, &root).map_err(|e| chart_error(&png_path, &e))
}

fn draw_on<DB: DrawingBackend>(
    a: &SensitivityArtifacts,
    panels: &[(String, Vec<Bar>)],
    root: &DrawingArea<DB, Shift>,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    root.fill(&WHITE)?;
    let title = format!("Which assumptions move the answer? One-at-a-time ±{}% (or stated bounds)", a.percent);
    root.draw(&Text::new(title, (16, 12), bold(22.0, INK)))?;
    let subtitle = format!(
        "{} · {} parameters · {} replications per setting, common random numbers · bars: change from the scenario \
value at the low (blue) and high (orange) value",
        a.scenario,
        a.results.len(),
        a.replications
    );
    root.draw(&Text::new(subtitle, (16, 42), text(13.0, MUTED)))?;
    let mut area = root.split_vertically(70).1;
    for (metric, bars) in panels {
        let h = PANEL_EXTRA_PX + ROW_PX * bars.len().max(1) as u32;
        let (panel, rest) = area.split_vertically(h);
        draw_panel(root, &panel, metric, bars)?;
        area = rest;
    }
    root.present()
}

fn draw_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    area: &DrawingArea<DB, Shift>,
    metric: &str,
    bars: &[Bar],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.draw(&Text::new(format!("{metric}: change from the scenario value"), (16, 6), bold(16.0, INK)))?;
    let area = area.split_vertically(28).1;
    if bars.is_empty() {
        return area.draw(&Text::new(
            "No finite effects to show.".to_string(),
            (LABEL_PX as i32, 20),
            text(14.0, MUTED),
        ));
    }
    let extent = bars.iter().flat_map(|b| [b.1.abs(), b.2.abs()]).fold(0.0, f64::max);
    let extent = if extent > 0.0 { extent * 1.12 } else { 1.0 };
    let n = bars.len() as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(10)
        .margin_right(30)
        .x_label_area_size(40)
        .y_label_area_size(LABEL_PX)
        .build_cartesian_2d(-extent..extent, -n..0.0)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID)
        .light_line_style(GRID.mix(0.4))
        .axis_style(AXIS)
        .y_labels(0)
        .x_desc(metric)
        .axis_desc_style(text(13.0, INK))
        .label_style(text(12.0, MUTED))
        .draw()?;
    let (low, high) = (option_colour(0), option_colour(1));
    let label_style = text(12.5, INK).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, (label, at_low, at_high)) in bars.iter().enumerate() {
        // Row i spans y in [−i−1, −i]; the bars fill its middle.
        let (y0, y1) = (-(i as f64) - 0.82, -(i as f64) - 0.18);
        for (value, colour) in [(*at_low, low), (*at_high, high)] {
            if value.is_finite() {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (value, y1)],
                    colour.mix(0.85).filled(),
                )))?;
            }
        }
        let (x, y) = chart.backend_coord(&(-extent, -(i as f64) - 0.5));
        root.draw(&Text::new(label.clone(), (x - 8, y), label_style.clone()))?;
    }
    chart.draw_series(std::iter::once(PathElement::new([(0.0, -n), (0.0, 0.0)], INK.stroke_width(1))))?;
    Ok(())
}
