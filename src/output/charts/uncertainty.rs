//! Charts of the uncertainty study: each headline's range across inputs against its noise-only interval
//! (`uncertainty_ranges`), the Sobol' indices of the key headlines (`uncertainty_attribution`), and the first
//! option's per-installation saving against its three largest drivers (`uncertainty_drivers`).

use super::style::{AXIS, GRID, INK, MUTED, bold, option_colour, text};
use super::{Chart, DrawResult, Plot, render, style};
use crate::experiment::sobol::Role;
use crate::experiment::uncertainty::{MetricSummary, StudyResults, StudySummary};
use crate::output::OutputError;
use crate::output::report::uncertainty::{ATTRIBUTION_CHART, DRIVERS_CHART, RANGES_CHART, key_metrics};
use crate::output::uncertainty::{digits, ranked};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fs;
use std::path::Path;

const WIDTH: u32 = 1200;
const LABEL_PX: i32 = 430;

/// Draw the study's charts into `dir/charts/`.
pub fn render_all(s: &StudySummary, r: &StudyResults, dir: &Path) -> Result<Vec<Chart>, OutputError> {
    style::register_fonts();
    let folder = dir.join("charts");
    fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
    let subtitle = format!(
        "{} · {} inputs from the assumptions register · {} design points × {} replications · seed {}",
        s.scenario, s.design.factors, s.design.points, s.replications_per_point, s.seed
    );
    let mut files = Vec::new();
    Ok(vec![
        render(&Ranges { s }, &subtitle, dir, &mut files)?,
        render(&Attribution { s }, &subtitle, dir, &mut files)?,
        render(&Drivers { s, r }, &subtitle, dir, &mut files)?,
    ])
}

fn fmt(x: f64, unit: &str) -> String {
    match x {
        x if !x.is_finite() => "n/a".to_string(),
        x if x.abs() >= 1e4 => style::compact(x),
        x => format!("{x:.*}", digits(unit)),
    }
}

// --- ranges ---------------------------------------------------------------------------------------------------

struct Ranges<'a> {
    s: &'a StudySummary,
}

const ROW_PX: i32 = 30;

impl Plot for Ranges<'_> {
    const STEM: &'static str = RANGES_CHART;
    fn title(&self) -> String {
        "How sure are the headlines? Range across inputs (bar, 5–95%) vs simulation noise at the scenario's values"
            .into()
    }
    fn alt(&self) -> String {
        let parts: Vec<String> = self
            .s
            .metrics
            .iter()
            .map(|m| {
                format!(
                    "{} {}: median {} (5–95% {} to {}) {}",
                    m.option,
                    m.metric,
                    fmt(m.median, &m.unit),
                    fmt(m.p05, &m.unit),
                    fmt(m.p95, &m.unit),
                    m.unit
                )
            })
            .collect();
        format!("One row per headline, each on its own scale with zero marked. {}.", parts.join("; "))
    }
    fn size(&self) -> (u32, u32) {
        (WIDTH, 150 + (ROW_PX * (self.s.metrics.len() as i32 + 2)) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let (w, _) = area.dim_in_pixel();
        let (x0, x1) = (LABEL_PX + 20, w as i32 - 150);
        legend(area, x0)?;
        let mut option = String::new();
        let mut y = 46;
        for m in &self.s.metrics {
            if m.option != option {
                option = m.option.clone();
                area.draw(&Text::new(format!("{} − baseline", m.option), (10, y), bold(14.0, INK)))?;
                y += ROW_PX;
            }
            let nominal = self.s.nominal.iter().find(|n| n.name == m.name);
            row(area, m, nominal.map(|n| (n.mean, n.ci95)), y, (x0, x1))?;
            y += ROW_PX;
        }
        Ok(())
    }
}

fn legend<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, x: i32) -> DrawResult<DB> {
    let c = option_colour(1);
    area.draw(&Rectangle::new([(x, 12), (x + 40, 24)], c.mix(0.35).filled()))?;
    area.draw(&Rectangle::new([(x + 19, 8), (x + 21, 28)], c.filled()))?;
    area.draw(&Text::new("range across inputs 5–95%, median", (x + 48, 11), text(12.5, INK)))?;
    let x = x + 300;
    area.draw(&PathElement::new([(x, 18), (x + 40, 18)], INK.stroke_width(2)))?;
    area.draw(&Circle::new((x + 20, 18), 5, INK.filled()))?;
    area.draw(&Text::new("at the scenario's values, 95% CI: simulation noise only", (x + 48, 11), text(12.5, INK)))?;
    area.draw(&Text::new("each row on its own scale; grey tick = 0", (x + 470, 11), text(12.5, MUTED)))
}

fn row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &MetricSummary,
    nominal: Option<(f64, Option<[f64; 2]>)>,
    y: i32,
    (x0, x1): (i32, i32),
) -> DrawResult<DB> {
    let label = format!("{} ({})", m.label, m.unit);
    area.draw(&Text::new(label, (LABEL_PX, y), text(12.5, INK).pos(Pos::new(HPos::Right, VPos::Center))))?;
    let mut values = vec![0.0, m.p05, m.p95];
    if let Some((mean, ci)) = nominal {
        values.push(mean);
        values.extend(ci.into_iter().flatten());
    }
    let values: Vec<f64> = values.into_iter().filter(|v| v.is_finite()).collect();
    let (lo, hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
    let pad = if hi > lo { 0.06 * (hi - lo) } else { 1.0 };
    let (lo, hi) = (lo - pad, hi + pad);
    let px = |v: f64| x0 + ((v - lo) / (hi - lo) * f64::from(x1 - x0)).round() as i32;
    area.draw(&PathElement::new([(x0, y), (x1, y)], GRID.stroke_width(1)))?;
    area.draw(&PathElement::new([(px(0.0), y - 12), (px(0.0), y + 12)], AXIS.stroke_width(1)))?;
    let c = option_colour(1);
    if m.p05.is_finite() && m.p95.is_finite() {
        area.draw(&Rectangle::new([(px(m.p05), y - 8), (px(m.p95).max(px(m.p05) + 1), y + 8)], c.mix(0.35).filled()))?;
        area.draw(&Rectangle::new([(px(m.median) - 1, y - 11), (px(m.median) + 1, y + 11)], c.filled()))?;
    }
    if let Some((mean, ci)) = nominal.filter(|n| n.0.is_finite()) {
        if let Some([a, b]) = ci {
            area.draw(&PathElement::new([(px(a), y), (px(b), y)], INK.stroke_width(2)))?;
        }
        area.draw(&Circle::new((px(mean), y), 4, INK.filled()))?;
    }
    let ends = format!("{} to {}", fmt(m.p05, &m.unit), fmt(m.p95, &m.unit));
    area.draw(&Text::new(ends, (x1 + 10, y), text(11.5, MUTED).pos(Pos::new(HPos::Left, VPos::Center))))
}

// --- attribution ----------------------------------------------------------------------------------------------

struct Attribution<'a> {
    s: &'a StudySummary,
}

const PANEL_FACTORS: usize = 8;
const PANEL_H: i32 = 40 + 22 * PANEL_FACTORS as i32;

impl Plot for Attribution<'_> {
    const STEM: &'static str = ATTRIBUTION_CHART;
    fn title(&self) -> String {
        "What drives the spread? Total Sobol' index (orange bar, 95% interval line) and first-order index (blue line)"
            .into()
    }
    fn alt(&self) -> String {
        let parts: Vec<String> = key_metrics(self.s)
            .into_iter()
            .map(|i| {
                let m = &self.s.metrics[i];
                let top: Vec<String> = ranked(m)
                    .into_iter()
                    .take(3)
                    .filter_map(|f| m.indices[f].map(|x| format!("{} {:.2}", self.s.factors[f].key, x.total.value)))
                    .collect();
                format!("{} {}: {}", m.option, m.metric, top.join(", "))
            })
            .collect();
        format!("Total Sobol' indices per input for the key headlines; largest: {}.", parts.join("; "))
    }
    fn size(&self) -> (u32, u32) {
        let rows = key_metrics(self.s).len().div_ceil(2) as i32;
        (WIDTH, 120 + (PANEL_H * rows.max(1)) as u32)
    }
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let keys = key_metrics(self.s);
        let (w, _) = area.dim_in_pixel();
        let half = w as i32 / 2;
        for (k, &i) in keys.iter().enumerate() {
            let (col, r) = ((k % 2) as i32, (k / 2) as i32);
            // Options take the columns when there are two: keys come option by option, four each.
            let (col, r) = if keys.len() == 8 { ((k / 4) as i32, (k % 4) as i32) } else { (col, r) };
            panel(area, self.s, &self.s.metrics[i], (col * half + 10, 10 + r * PANEL_H), half - 30)?;
        }
        Ok(())
    }
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &StudySummary,
    m: &MetricSummary,
    (x, y): (i32, i32),
    width: i32,
) -> DrawResult<DB> {
    area.draw(&Text::new(format!("{}: {}", m.option, m.label), (x, y), bold(13.5, INK)))?;
    let label_w = 230;
    let (bx0, bx1) = (x + label_w, x + width);
    let px = |v: f64| bx0 + (v.clamp(0.0, 1.0) * f64::from(bx1 - bx0)).round() as i32;
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        area.draw(&PathElement::new([(px(t), y + 22), (px(t), y + PANEL_H - 14)], GRID.stroke_width(1)))?;
        area.draw(&Text::new(
            format!("{t}"),
            (px(t), y + PANEL_H - 12),
            text(10.5, MUTED).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    let c = option_colour(1);
    for (j, f) in ranked(m).into_iter().take(PANEL_FACTORS).enumerate() {
        let yy = y + 32 + 22 * j as i32;
        area.draw(&Text::new(
            short(&s.factors[f].key),
            (bx0 - 8, yy),
            text(11.5, INK).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        let Some(ix) = m.indices[f] else { continue };
        area.draw(&Rectangle::new([(px(0.0), yy - 7), (px(ix.total.value), yy + 7)], c.filled()))?;
        let first = option_colour(0);
        area.draw(&Rectangle::new([(px(0.0), yy - 2), (px(ix.first_order.value), yy + 2)], first.filled()))?;
        if let Some([lo, hi]) = ix.total.ci95 {
            area.draw(&PathElement::new([(px(lo), yy), (px(hi), yy)], INK.stroke_width(1)))?;
        }
    }
    Ok(())
}

/// A register key short enough for a panel label.
fn short(key: &str) -> String {
    if key.chars().count() <= 34 { key.to_string() } else { format!("…{}", &key[key.len() - 32..]) }
}

// --- drivers --------------------------------------------------------------------------------------------------

struct Drivers<'a> {
    s: &'a StudySummary,
    r: &'a StudyResults,
}

impl Drivers<'_> {
    /// The headline shown: the first option's per-installation saving (or its first headline).
    fn metric(&self) -> Option<usize> {
        let m = &self.s.metrics;
        m.iter().position(|x| x.metric == "site_saving_wd").or((!m.is_empty()).then_some(0))
    }
}

impl Plot for Drivers<'_> {
    const STEM: &'static str = DRIVERS_CHART;
    fn title(&self) -> String {
        match self.metric() {
            Some(i) => {
                format!("{}: {} against its three largest drivers", self.s.metrics[i].option, self.s.metrics[i].label)
            }
            None => "No headline to show".into(),
        }
    }
    fn alt(&self) -> String {
        format!("{}; one dot per independent design point (A and B matrices).", self.title())
    }
    fn size(&self) -> (u32, u32) {
        (WIDTH, 440)
    }
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let Some(i) = self.metric() else { return style::empty(area, "No headline metric in this study.") };
        let m = &self.s.metrics[i];
        let panels = area.split_evenly((1, 3));
        for (panel, f) in panels.iter().zip(ranked(m).into_iter().take(3)) {
            scatter(panel, self.s, self.r, i, f)?;
        }
        Ok(())
    }
}

fn scatter<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &StudySummary,
    r: &StudyResults,
    m: usize,
    f: usize,
) -> DrawResult<DB> {
    let pts: Vec<(f64, f64)> = r
        .points
        .iter()
        .filter(|p| matches!(p.role, Role::A | Role::B))
        .map(|p| (p.factor_values[f], p.mean(m)))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect();
    if pts.is_empty() {
        return style::empty(area, "No finite values.");
    }
    let range = |v: &mut dyn Iterator<Item = f64>| {
        let (lo, hi) = v.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| (a.min(x), b.max(x)));
        let pad = if hi > lo { 0.05 * (hi - lo) } else { 1.0 };
        (lo - pad)..(hi + pad)
    };
    let xr = range(&mut pts.iter().map(|p| p.0));
    let yr = range(&mut pts.iter().map(|p| p.1).chain([0.0]));
    let metric = &s.metrics[m];
    let total = metric.indices[f].map_or(String::new(), |x| format!(" (S_T {:.2})", x.total.value));
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(46)
        .y_label_area_size(60)
        .caption(format!("{}{total}", short(&s.factors[f].key)), bold(13.0, INK))
        .build_cartesian_2d(xr, yr)?;
    chart
        .configure_mesh()
        .bold_line_style(GRID)
        .light_line_style(GRID.mix(0.4))
        .axis_style(AXIS)
        .x_desc(factor_axis(&s.factors[f]))
        .x_label_formatter(&|v| style::compact(*v))
        .y_label_formatter(&|v| style::compact(*v))
        .y_desc(format!("{} ({})", metric.metric, metric.unit))
        .axis_desc_style(text(12.0, INK))
        .label_style(text(11.0, MUTED))
        .draw()?;
    let c = option_colour(1);
    chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, c.mix(0.7).filled())))?;
    Ok(())
}

fn factor_axis(f: &crate::experiment::uncertainty::Factor) -> String {
    use crate::scenario::register::Change::*;
    match f.change {
        Value { .. } => "value".into(),
        Scale { .. } => "× scenario value".into(),
        ShiftDays { .. } => "days moved".into(),
    }
}
