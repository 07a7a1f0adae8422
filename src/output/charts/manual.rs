//! `manual_load`: weekly manual cases at represented (GB) scale stacked by case type, one panel per option (same
//! scales in every panel), with the total staff effort (FTE) as a line on a right-hand axis. Case types with no
//! case in any option are left out.

use super::data::{Table, finite_max, option_names};
use super::keyed::Keyed;
use super::legend::{self, Key};
use super::{DrawResult, OutputError, Plot, RunDir, style, time};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;

/// One option: weekly cases per case type (`Manual::types` order) and total FTE, on the weeks' start days.
struct Panel {
    caption: String,
    weeks: Vec<f64>,
    layers: Vec<Vec<f64>>,
    fte: Vec<f64>,
}

pub struct Manual {
    types: Vec<String>,
    /// Each shown type's share of all manual cases (all options, whole run).
    shares: Vec<f64>,
    panels: Vec<Panel>,
}

/// "in_flight_cos_notification" → "In flight CoS notification".
fn pretty(case_type: &str) -> String {
    let words: Vec<String> = case_type
        .split('_')
        .map(|w| match w {
            "cos" => "CoS".to_string(),
            "dcc" | "smso" | "ssd" | "secas" | "epcl" => w.to_uppercase(),
            _ => w.to_string(),
        })
        .collect();
    let text = words.join(" ");
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |c| c.to_uppercase().collect::<String>() + chars.as_str())
}

/// The columns of `manual_weekly` that the chart reads.
struct Columns {
    option: Vec<String>,
    case_type: Vec<String>,
    week: Vec<f64>,
    cases: Vec<f64>,
    fte: Vec<f64>,
}

impl Columns {
    fn read(t: &Table) -> Result<Self, OutputError> {
        Ok(Columns {
            option: t.strs("option")?,
            case_type: t.strs("case_type")?,
            week: t.days("week_start")?,
            cases: t.f64s("cases_represented")?,
            fte: t.f64s("fte_mean")?,
        })
    }

    /// Case types in order of first appearance.
    fn types(&self) -> Vec<String> {
        let mut types: Vec<String> = Vec::new();
        for c in &self.case_type {
            if !types.contains(c) {
                types.push(c.clone());
            }
        }
        types
    }

    /// One option's weeks, cases per type (at represented scale) and total FTE; NaN counts as zero.
    fn panel(&self, name: &str, types: &[String], caption: String) -> Panel {
        let rows: Vec<usize> =
            (0..self.option.len()).filter(|&i| self.option[i] == name && self.week[i].is_finite()).collect();
        let mut weeks: Vec<i64> = rows.iter().map(|&i| self.week[i] as i64).collect();
        weeks.sort_unstable();
        weeks.dedup();
        let index: BTreeMap<i64, usize> = weeks.iter().enumerate().map(|(k, &d)| (d, k)).collect();
        let mut layers = vec![vec![0.0; weeks.len()]; types.len()];
        let mut fte = vec![0.0; weeks.len()];
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        for &i in &rows {
            let (k, c) = (index[&(self.week[i] as i64)], types.iter().position(|x| *x == self.case_type[i]));
            layers[c.expect("every type is listed")][k] += finite(self.cases[i]);
            fte[k] += finite(self.fte[i]);
        }
        Panel { caption, weeks: weeks.into_iter().map(|d| d as f64).collect(), layers, fte }
    }
}

/// "standard: mean 52.4 FTE per week, peak week 172.2 FTE" from `summary.json`.
fn caption(run: &RunDir, name: &str) -> String {
    match run.summary.options.get(name).and_then(|o| o.manual_fte.get("total")) {
        Some(f) => format!("{name}: mean {:.1} FTE per week, peak week {:.1} FTE", f.mean_weekly, f.peak_weekly),
        None => name.to_string(),
    }
}

impl Manual {
    pub fn from_run(run: &RunDir) -> Result<Self, OutputError> {
        let columns = Columns::read(&Table::new(run, &run.manual_weekly, "manual_weekly.parquet"))?;
        let types = columns.types();
        let mut panels: Vec<Panel> =
            option_names(run).iter().map(|n| columns.panel(n, &types, caption(run, n))).collect();
        panels.retain(|p| !p.weeks.is_empty());
        let shown: Vec<usize> =
            (0..types.len()).filter(|&c| panels.iter().any(|p| p.layers[c].iter().any(|v| *v > 0.0))).collect();
        for p in &mut panels {
            p.layers = shown.iter().map(|&c| p.layers[c].clone()).collect();
        }
        let totals: Vec<f64> = (0..shown.len()).map(|c| panels.iter().flat_map(|p| &p.layers[c]).sum()).collect();
        let all: f64 = totals.iter().sum();
        let shares = totals.iter().map(|t| if all > 0.0 { t / all } else { 0.0 }).collect();
        Ok(Manual { types: shown.iter().map(|&c| types[c].clone()).collect(), shares, panels })
    }

    /// First and last week over all panels (the same x axis in each).
    fn x_range(&self) -> (f64, f64) {
        let weeks = || self.panels.iter().flat_map(|p| p.weeks.iter().copied());
        (weeks().fold(f64::INFINITY, f64::min), finite_max(weeks()))
    }

    /// Upper ends of the case and FTE axes, shared by all panels.
    fn y_max(&self) -> (f64, f64) {
        let stacked = self.panels.iter().flat_map(|p| (0..p.weeks.len()).map(|k| p.layers.iter().map(|l| l[k]).sum()));
        let fte = self.panels.iter().flat_map(|p| p.fte.iter().copied());
        (style::headroom(finite_max(stacked), 1.1), style::headroom(finite_max(fte), 1.1))
    }

    fn panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, p: &Panel, last: bool) -> DrawResult<DB> {
        let ((lo, hi), (y_max, fte_max)) = (self.x_range(), self.y_max());
        let mut chart = ChartBuilder::on(area)
            .caption(&p.caption, style::caption())
            .margin(8)
            .margin_right(style::RIGHT_MARGIN)
            .x_label_area_size(if last { 50 } else { 28 })
            .y_label_area_size(64)
            .right_y_label_area_size(52)
            .build_cartesian_2d(time::axis(lo, hi, 12), Keyed::auto(0.0..y_max))?
            .set_secondary_coord(time::axis(lo, hi, 12), Keyed::auto(0.0..fte_max));
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(style::GRID.mix(0.45))
            .axis_style(style::AXIS)
            .y_labels(5)
            .x_label_formatter(&time::label)
            .y_label_formatter(&|v| style::compact(*v))
            .x_desc(if last { "Week starting" } else { "" })
            .y_desc("Cases per week (GB)")
            .axis_desc_style(style::axis_title())
            .label_style(style::tick())
            .draw()?;
        chart
            .configure_secondary_axes()
            .axis_style(style::AXIS)
            .y_labels(5)
            .y_label_formatter(&|v| style::compact(*v))
            .y_desc("Total FTE")
            .axis_desc_style(style::axis_title())
            .label_style(style::tick())
            .draw()?;
        let mut lower = vec![0.0; p.weeks.len()];
        for (c, layer) in p.layers.iter().enumerate() {
            let upper: Vec<f64> = lower.iter().zip(layer).map(|(a, b)| a + b).collect();
            let outline = p.weeks.iter().zip(&upper).chain(p.weeks.iter().zip(&lower).rev()).map(|(x, y)| (*x, *y));
            chart.draw_series(std::iter::once(Polygon::new(
                outline.collect::<Vec<_>>(),
                style::case_colour(c).filled(),
            )))?;
            lower = upper;
        }
        let line = p.weeks.iter().zip(&p.fte).map(|(x, y)| (*x, *y));
        chart.draw_secondary_series(LineSeries::new(line, style::INK.stroke_width(2))).map(|_| ())
    }
}

impl Plot for Manual {
    const STEM: &'static str = "manual_load";

    fn title(&self) -> String {
        "Manual cases per week by type, and staff effort".to_string()
    }

    fn alt(&self) -> String {
        let captions: Vec<&str> = self.panels.iter().map(|p| p.caption.as_str()).collect();
        let top = self.types.iter().zip(&self.shares).max_by(|a, b| a.1.total_cmp(b.1));
        let main = top.map_or(String::new(), |(t, s)| {
            format!(" The largest case type is {} ({:.1}% of all cases).", pretty(t).to_lowercase(), 100.0 * s)
        });
        format!(
            "One panel per option: weekly manual cases at GB scale stacked by case type, with the total staff effort \
             in FTE as a line on the right axis. {}.{main}",
            captions.join("; ")
        )
    }

    fn size(&self) -> (u32, u32) {
        (style::SIZE.0, (110 + 230 * self.panels.len() as u32).max(style::SIZE.1))
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.panels.is_empty() || self.types.is_empty() {
            return style::empty(area, "No manual case was raised during the run: nothing to show.");
        }
        let mut keys = vec![(Key::Heading, "Case type (share of all cases):".to_string())];
        for (c, (t, share)) in self.types.iter().zip(&self.shares).enumerate() {
            let share = if *share < 0.001 { "<0.1%".to_string() } else { format!("{:.1}%", 100.0 * share) };
            keys.push((Key::Fill(style::case_colour(c).into()), format!("{} {share}", pretty(t))));
        }
        keys.push((Key::Line(style::INK), "total FTE (right axis)".to_string()));
        let area = legend::row(area, &keys)?;
        let n = self.panels.len();
        for (i, (cell, p)) in area.split_evenly((n, 1)).iter().zip(&self.panels).enumerate() {
            self.panel(cell, p, i + 1 == n)?;
        }
        Ok(())
    }
}
