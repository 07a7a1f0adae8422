//! Outputs of `dormsim sweep`: the result `sweep.json` ([`SweepStudy`]), the tidy table `sweep.{csv,parquet}` and
//! `tables.xlsx` (one row per point × option × metric, typed key columns and a unit), the chart
//! `charts/sweep.{svg,png}` of one metric against the first varied key, `report.html` and `summary.md` (the report
//! framework's study page), `manifest.json` and a copy of the scenario, written atomically like a run. The chart
//! is shared with `dormsim plan` (with its target as a reference line).

use super::charts::Chart;
use super::charts::style::{AXIS, GRID, INK, MUTED, SIZE, bold, option_colour, register_fonts, text};
use super::{Manifest, OutputError, in_staging};
use crate::experiment::sweep::{Grid, SweepRow, SweepStudy};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use polars::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

/// What a sweep or plan chart draws: the grid, its rows, the metric and a reference line.
pub struct SweepArtifacts<'a> {
    /// File stem of the table and chart (`sweep`, `plan`).
    pub stem: &'a str,
    pub scenario: &'a str,
    pub grid: &'a Grid,
    pub rows: &'a [SweepRow],
    /// Metric drawn in the chart.
    pub metric: &'a str,
    /// Options in scenario order (their colours).
    pub options: &'a [String],
    /// A horizontal reference line (a target) and its label.
    pub reference: Option<(f64, String)>,
}

impl<'a> SweepArtifacts<'a> {
    pub fn of(study: &'a SweepStudy) -> Self {
        SweepArtifacts {
            stem: "sweep",
            scenario: &study.scenario,
            grid: &study.grid,
            rows: &study.rows,
            metric: &study.metric,
            options: &study.options,
            reference: None,
        }
    }
}

/// The result file of a sweep.
pub const SWEEP_FILE: &str = "sweep.json";

/// The sweep table: `point`, one column per varied key (numeric when every value is a number, else text),
/// `option`, `metric`, `unit`, `mean`, `ci95_low`, `ci95_high`, `replications`.
pub fn sweep_frame(grid: &Grid, rows: &[SweepRow]) -> DataFrame {
    let mut columns = vec![Column::new("point".into(), rows.iter().map(|r| r.point as u32).collect::<Vec<_>>())];
    for (k, key) in grid.keys.iter().enumerate() {
        let values: Vec<&str> = rows.iter().map(|r| grid.points[r.point][k].as_str()).collect();
        // A numeric key is a numeric column (so 10 sorts after 4), anything else text.
        let integers: Option<Vec<i64>> = values.iter().map(|v| v.parse::<i64>().ok()).collect();
        let numbers: Option<Vec<f64>> = values.iter().map(|v| v.parse::<f64>().ok()).collect();
        columns.push(match (integers, numbers) {
            (Some(i), _) => Column::new(key.as_str().into(), i),
            (None, Some(n)) => Column::new(key.as_str().into(), n),
            _ => Column::new(key.as_str().into(), values),
        });
    }
    columns.extend([
        Column::new("option".into(), rows.iter().map(|r| r.option.as_str()).collect::<Vec<_>>()),
        Column::new("metric".into(), rows.iter().map(|r| r.metric.as_str()).collect::<Vec<_>>()),
        Column::new("unit".into(), rows.iter().map(|r| crate::experiment::sweep::unit(&r.metric)).collect::<Vec<_>>()),
        Column::new("mean".into(), rows.iter().map(|r| r.mean).collect::<Vec<_>>()),
        Column::new("ci95_low".into(), rows.iter().map(|r| r.ci95.map(|c| c[0])).collect::<Vec<_>>()),
        Column::new("ci95_high".into(), rows.iter().map(|r| r.ci95.map(|c| c[1])).collect::<Vec<_>>()),
        Column::new("replications".into(), rows.iter().map(|r| r.replications).collect::<Vec<_>>()),
    ]);
    DataFrame::new_infer_height(super::tables::nan_to_null(columns)).expect("columns of equal length")
}

/// Write the sweep into `out_dir` atomically: `sweep.json` (the result), `sweep.{csv,parquet}`, `tables.xlsx`,
/// `charts/sweep.{svg,png}`, `report.html`, `summary.md`, `manifest.json` and `scenario.toml`; return the files.
pub fn write_sweep(
    study: &SweepStudy,
    manifest: &Manifest,
    scenario_text: &str,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    in_staging(out_dir, |dir| {
        let mut df = sweep_frame(&study.grid, &study.rows);
        let mut files = super::studies::write_study(dir, "sweep", &mut df, SWEEP_FILE, study, manifest, scenario_text)?;
        files.extend(report(study, manifest, dir)?);
        Ok(files)
    })
}

/// The chart and the report of a sweep, from its result and manifest (what `dormsim report` rebuilds).
pub fn report(study: &SweepStudy, manifest: &Manifest, dir: &Path) -> Result<Vec<String>, OutputError> {
    let chart = draw_chart(&SweepArtifacts::of(study), dir)?;
    let page = super::report::sweep::page(study, manifest);
    super::report::study::write(dir, &page, &[chart])
}

/// Draw the chart as `charts/<stem>.{svg,png}` under `dir`.
pub fn draw_chart(sweep: &SweepArtifacts, dir: &Path) -> Result<Chart, OutputError> {
    let chart = SweepChart::new(sweep);
    let folder = dir.join("charts");
    fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
    let svg_path = folder.join(format!("{}.svg", sweep.stem));
    let chart_error = |path: &Path, e: &dyn std::fmt::Display| OutputError::Chart {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    register_fonts();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        chart.draw_on(&root).map_err(|e| chart_error(&svg_path, &e))?;
    }
    fs::write(&svg_path, &svg).map_err(|e| OutputError::io(&svg_path, e))?;
    let png_path = folder.join(format!("{}.png", sweep.stem));
    let root = BitMapBackend::new(&png_path, SIZE).into_drawing_area();
    chart.draw_on(&root).map_err(|e| chart_error(&png_path, &e))?;
    Ok(Chart { stem: sweep.stem.to_string(), title: chart.title.clone(), alt: chart.alt(), svg })
}

// --- chart -------------------------------------------------------------------------------------------------------
// The look follows `charts::style` (same size, font, option colours, grid and axis colours); that module is private
// to `charts`, so the few constants are repeated here and the same embedded fonts are registered under the same
// family name (registration is idempotent).

/// A point of a line: x, mean, and the 95% CI (low, high) when known.
type LinePoint = (f64, f64, Option<(f64, f64)>);

/// One line per option.
struct Line {
    label: String,
    colour: RGBColor,
    points: Vec<LinePoint>,
}

struct SweepChart {
    title: String,
    subtitle: String,
    x_desc: String,
    y_desc: String,
    /// Labels of the x ticks when the first key is not numeric (the values at point positions).
    categories: Option<Vec<String>>,
    lines: Vec<Line>,
    reference: Option<(f64, String)>,
}

impl SweepChart {
    fn new(s: &SweepArtifacts) -> Self {
        let grid = s.grid;
        let first = &grid.keys[0];
        // Points where every other key takes its first value (the first key's values in order).
        let firsts: Vec<&String> = grid.points.first().map(|p| p.iter().collect()).unwrap_or_default();
        let shown: Vec<usize> = (0..grid.points.len())
            .filter(|&i| grid.points[i].iter().enumerate().skip(1).all(|(k, v)| v == firsts[k]))
            .collect();
        let numeric: Option<Vec<f64>> =
            shown.iter().map(|&i| grid.points[i][0].parse::<f64>().ok().filter(|v| v.is_finite())).collect();
        let (xs, categories) = match numeric {
            Some(xs) => (xs, None),
            None => (
                (0..shown.len()).map(|i| i as f64).collect(),
                Some(shown.iter().map(|&i| grid.points[i][0].clone()).collect()),
            ),
        };
        let mut lines = Vec::new();
        for (o, name) in s.options.iter().enumerate() {
            let points: Vec<_> = shown
                .iter()
                .zip(&xs)
                .filter_map(|(&p, &x)| {
                    s.rows.iter().find(|r| r.point == p && &r.option == name && r.metric == s.metric).map(|r| {
                        (x, r.mean, r.ci95.map(|c| (c[0], c[1])).filter(|c| c.0.is_finite() && c.1.is_finite()))
                    })
                })
                .filter(|p| p.1.is_finite())
                .collect();
            if !points.is_empty() {
                lines.push(Line { label: name.clone(), colour: option_colour(o), points });
            }
        }
        // The chart is 1000 px wide: about 80 characters of title; ", by option" goes first (the legend says it).
        let mut title = format!("{} against {first}", metric_label(s.metric));
        if title.chars().count() <= 68 {
            title.push_str(", by option");
        }
        if grid.keys.len() > 1 {
            let others: Vec<String> = grid.keys.iter().zip(&firsts).skip(1).map(|(k, v)| format!("{k}={v}")).collect();
            title.push_str(&format!(" (at {})", others.join(", ")));
        }
        let replications = s.rows.first().map_or(0, |r| r.replications);
        SweepChart {
            title,
            subtitle: format!(
                "{} · {} of {} point{} · {} replication{} per point · shaded: 95% CI, simulation noise only",
                s.scenario,
                s.stem,
                grid.points.len(),
                if grid.points.len() == 1 { "" } else { "s" },
                replications,
                if replications == 1 { "" } else { "s" },
            ),
            x_desc: first.clone(),
            y_desc: metric_label(s.metric),
            categories,
            lines,
            reference: s.reference.clone(),
        }
    }

    /// The text alternative: what is drawn, with the values.
    fn alt(&self) -> String {
        let lines: Vec<String> = self
            .lines
            .iter()
            .map(|l| {
                let values: Vec<String> = l.points.iter().map(|p| format!("{}: {:.3}", p.0, p.1)).collect();
                format!("{} {}", l.label, values.join(", "))
            })
            .collect();
        format!(
            "{} against {}, one line per option with its 95% CI band. {}.",
            self.y_desc,
            self.x_desc,
            lines.join("; ")
        )
    }

    fn draw_on<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
        root.fill(&WHITE)?;
        root.draw(&Text::new(self.title.clone(), (16, 12), bold(22.0, INK)))?;
        root.draw(&Text::new(self.subtitle.clone(), (16, 42), text(14.0, MUTED)))?;
        let area = root.split_vertically(66).1;
        if self.lines.is_empty() {
            let (w, h) = area.dim_in_pixel();
            area.draw(&Text::new(
                "No finite values to show.".to_string(),
                (w as i32 / 2 - 90, h as i32 / 2),
                text(16.0, MUTED),
            ))?;
            return root.present();
        }
        // Legend row.
        let (mut x, y) = (16, 14);
        for l in &self.lines {
            area.draw(&PathElement::new([(x, y), (x + 24, y)], l.colour.stroke_width(3)))?;
            let (w, h) = area.estimate_text_size(&l.label, &text(14.0, INK))?;
            area.draw(&Text::new(l.label.clone(), (x + 30, y - h as i32 / 2), text(14.0, INK)))?;
            x += 30 + w as i32 + 26;
        }
        let area = area.split_vertically(32).1;
        let all = || self.lines.iter().flat_map(|l| l.points.iter());
        let (mut x_lo, mut x_hi) = all().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| (a.min(p.0), b.max(p.0)));
        if x_hi <= x_lo {
            // One value: a window of ±10% around it (±1 at 0), not ±1 around 276 000.
            let half = if x_lo == 0.0 { 1.0 } else { x_lo.abs() * 0.1 };
            (x_lo, x_hi) = (x_lo - half, x_hi + half);
        }
        let pad = (x_hi - x_lo) * 0.03;
        let ys = || all().flat_map(|p| [Some(p.1), p.2.map(|c| c.0), p.2.map(|c| c.1)]).flatten();
        let reference = self.reference.as_ref().map(|r| r.0).filter(|v| v.is_finite());
        let (mut y_lo, mut y_hi) =
            ys().chain(reference).fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
        y_lo = y_lo.min(0.0);
        if y_hi <= y_lo {
            y_hi = y_lo + 1.0;
        }
        y_hi += (y_hi - y_lo) * 0.1;
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .margin_right(44)
            .x_label_area_size(50)
            .y_label_area_size(72)
            .build_cartesian_2d(x_lo - pad..x_hi + pad, y_lo..y_hi)?;
        let categories = self.categories.clone();
        let x_label = move |v: &f64| match &categories {
            Some(c) => {
                let i = v.round();
                if (v - i).abs() < 1e-6 && i >= 0.0 {
                    c.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            }
            None if v.abs() >= 1e4 => super::charts::style::thousands(*v),
            None => format!("{}", (v * 1e6).round() / 1e6),
        };
        let mut mesh = chart.configure_mesh();
        mesh.bold_line_style(GRID)
            .light_line_style(GRID.mix(0.45))
            .axis_style(AXIS)
            .y_labels(8)
            .x_label_formatter(&x_label)
            .x_desc(self.x_desc.as_str())
            .y_desc(self.y_desc.as_str())
            .axis_desc_style(text(14.0, INK))
            .label_style(text(12.0, MUTED));
        if let Some(c) = &self.categories {
            mesh.x_labels(c.len().max(2) * 2 - 1);
        }
        mesh.draw()?;
        for l in &self.lines {
            let known: Vec<_> = l.points.iter().filter_map(|p| p.2.map(|c| (p.0, c))).collect();
            if known.len() > 1 {
                let band: Vec<(f64, f64)> =
                    known.iter().map(|(x, c)| (*x, c.1)).chain(known.iter().rev().map(|(x, c)| (*x, c.0))).collect();
                chart.draw_series(std::iter::once(Polygon::new(band, l.colour.mix(0.14).filled())))?;
            } else if let Some((x, c)) = known.first() {
                chart.draw_series(std::iter::once(PathElement::new(
                    [(*x, c.0), (*x, c.1)],
                    l.colour.mix(0.5).stroke_width(6),
                )))?;
            }
        }
        if let (Some(y), Some((_, label))) = (reference, &self.reference) {
            let (a, b) = (x_lo - pad, x_hi + pad);
            let dashes = (0..60).map(|k| {
                let (u, v) = (a + (b - a) * k as f64 / 60.0, a + (b - a) * (k as f64 + 0.5) / 60.0);
                PathElement::new([(u, y), (v, y)], INK.stroke_width(2))
            });
            chart.draw_series(dashes)?;
            let above = text(13.0, INK).pos(Pos::new(HPos::Left, VPos::Bottom));
            chart.draw_series(std::iter::once(Text::new(format!(" {label}"), (a, y), above)))?;
        }
        for l in &self.lines {
            chart.draw_series(LineSeries::new(l.points.iter().map(|p| (p.0, p.1)), l.colour.stroke_width(2)))?;
            chart.draw_series(l.points.iter().map(|p| Circle::new((p.0, p.1), 3, l.colour.filled())))?;
        }
        root.present()
    }
}

/// A readable axis label with units for a metric, e.g. "Per-installation saving (WD)".
fn metric_label(metric: &str) -> String {
    let label = crate::experiment::metric::label(metric);
    let mut chars = label.chars();
    let first = chars.next().map(|c| c.to_uppercase().collect::<String>()).unwrap_or_default();
    format!("{first}{} ({})", chars.as_str(), crate::experiment::metric::unit(metric))
}
