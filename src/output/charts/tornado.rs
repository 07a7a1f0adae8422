//! The sensitivity study's tornado charts, one per group: `tornado_assumptions` ("Which assumptions move the
//! answer?") and `tornado_levers` ("What do the levers do?"). One panel per metric; per parameter (largest swing on
//! top) the change from the scenario value at the low value (blue) and at the high value (orange), each with its
//! paired 95% CI as a whisker, on an axis in the metric's unit; labels give the key (months by name) and its
//! low → high values.

use super::style::{AXIS, GRID, INK, MUTED, bold, option_colour, text};
use super::{Chart, DrawResult, Plot, render, style};
use crate::experiment::sensitivity::{Group, ParameterResult, SensitivityStudy};
use crate::output::OutputError;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::fs;
use std::path::Path;

const WIDTH: u32 = 1200;
const ROW_PX: u32 = 28;
const PANEL_EXTRA_PX: u32 = 96;
const LABEL_PX: u32 = 440;

/// Chart stems.
pub const ASSUMPTIONS_CHART: &str = "tornado_assumptions";
pub const LEVERS_CHART: &str = "tornado_levers";

/// Draw both tornado charts into `dir/charts/`, `top` parameters per panel.
pub fn render_all(s: &SensitivityStudy, top: usize, dir: &Path) -> Result<Vec<Chart>, OutputError> {
    style::register_fonts();
    let folder = dir.join("charts");
    fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
    let subtitle = format!(
        "{} · {} replications per setting, common random numbers · blue: at the low value, orange: at the high \
         value · whiskers: paired 95% CI (simulation noise)",
        s.scenario, s.replications
    );
    let mut files = Vec::new();
    Ok(vec![
        render(&Tornado::<false> { s, top }, &subtitle, dir, &mut files)?,
        render(&Tornado::<true> { s, top }, &subtitle, dir, &mut files)?,
    ])
}

struct Tornado<'a, const LEVERS: bool> {
    s: &'a SensitivityStudy,
    top: usize,
}

/// A bar row: label, change at low and at high, and their CIs.
struct Bar {
    label: String,
    low: f64,
    high: f64,
    low_ci: Option<[f64; 2]>,
    high_ci: Option<[f64; 2]>,
}

fn short(x: &str) -> String {
    if x.chars().count() > 12 { format!("{}…", x.chars().take(11).collect::<String>()) } else { x.to_string() }
}

impl<const LEVERS: bool> Tornado<'_, LEVERS> {
    fn group(&self) -> Group {
        if LEVERS { Group::Lever } else { Group::Assumption }
    }

    fn panels(&self) -> Vec<(usize, Vec<Bar>)> {
        (0..self.s.metrics.len())
            .map(|m| {
                let bars = self
                    .s
                    .ranked(self.group(), m)
                    .filter(|r| r.effects[m].swing.is_finite())
                    .take(self.top)
                    .map(|r: &ParameterResult| {
                        let e = &r.effects[m];
                        let p = &r.parameter;
                        let values = if p.kind == "scale" {
                            p.values_text()
                        } else {
                            format!("{} → {}", short(&p.low), short(&p.high))
                        };
                        let shift = |c: Option<[f64; 2]>| c;
                        Bar {
                            label: format!("{}  ({values})", p.label()),
                            low: e.low - e.base,
                            high: e.high - e.base,
                            low_ci: shift(e.low_change_ci95),
                            high_ci: shift(e.high_change_ci95),
                        }
                    })
                    .collect();
                (m, bars)
            })
            .collect()
    }
}

fn panel_height(bars: usize) -> u32 {
    PANEL_EXTRA_PX + ROW_PX * bars.max(1) as u32
}

impl<const LEVERS: bool> Plot for Tornado<'_, LEVERS> {
    const STEM: &'static str = if LEVERS { LEVERS_CHART } else { ASSUMPTIONS_CHART };

    fn title(&self) -> String {
        if LEVERS {
            format!("What do the levers do? {} policy levers, one at a time", self.s.count(Group::Lever))
        } else {
            format!("Which assumptions move the answer? {} assumptions, one at a time", self.s.count(Group::Assumption))
        }
    }

    fn alt(&self) -> String {
        let parts: Vec<String> = self
            .panels()
            .iter()
            .map(|(m, bars)| {
                let metric = &self.s.metrics[*m];
                let top: Vec<String> =
                    bars.iter().take(5).map(|b| format!("{} {:+.3} / {:+.3}", b.label, b.low, b.high)).collect();
                format!(
                    "{} ({}): {}",
                    metric.label,
                    metric.unit,
                    if top.is_empty() { "none".into() } else { top.join("; ") }
                )
            })
            .collect();
        format!(
            "Tornado chart, change from the scenario value at the low and high value of each parameter. {}.",
            parts.join(". ")
        )
    }

    fn size(&self) -> (u32, u32) {
        (WIDTH, 80 + self.panels().iter().map(|(_, b)| panel_height(b.len())).sum::<u32>())
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let mut area = area.clone();
        for (m, bars) in self.panels() {
            let (panel, rest) = area.split_vertically(panel_height(bars.len()));
            draw_panel(&panel, self.s, m, &bars)?;
            area = rest;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &SensitivityStudy,
    m: usize,
    bars: &[Bar],
) -> DrawResult<DB> {
    let metric = &s.metrics[m];
    let base = crate::output::report::study_value(metric.base, &metric.unit);
    let heading = format!("{} — scenario value {base} {}", capitalise(&metric.label), metric.unit);
    area.draw(&Text::new(heading, (16, 4), bold(15.0, INK)))?;
    let area = area.split_vertically(26).1;
    if bars.is_empty() {
        return area.draw(&Text::new(
            "No parameter in this group.".to_string(),
            (LABEL_PX as i32, 16),
            text(14.0, MUTED),
        ));
    }
    let ends = bars.iter().flat_map(|b| {
        [
            Some(b.low),
            Some(b.high),
            b.low_ci.map(|c| c[0]),
            b.low_ci.map(|c| c[1]),
            b.high_ci.map(|c| c[0]),
            b.high_ci.map(|c| c[1]),
        ]
    });
    let extent = ends.flatten().filter(|x| x.is_finite()).fold(0.0, |a: f64, x| a.max(x.abs()));
    let extent = if extent > 0.0 { extent * 1.1 } else { 1.0 };
    let n = bars.len() as f64;
    let mut chart = ChartBuilder::on(&area)
        .margin_left(10)
        .margin_right(30)
        .x_label_area_size(44)
        .y_label_area_size(LABEL_PX)
        .build_cartesian_2d(-extent..extent, -n..0.0)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .bold_line_style(GRID)
        .light_line_style(GRID.mix(0.4))
        .axis_style(AXIS)
        .y_labels(0)
        .x_desc(format!("change from the scenario value ({})", metric.unit))
        .axis_desc_style(text(13.0, INK))
        .label_style(text(12.0, MUTED))
        .draw()?;
    let (low_colour, high_colour) = (option_colour(0), option_colour(1));
    let label_style = text(13.0, INK).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, b) in bars.iter().enumerate() {
        // Row i spans y in [−i−1, −i]: the low bar in its upper half, the high bar in its lower half.
        let top = -(i as f64);
        for (value, ci, colour, (y0, y1)) in [
            (b.low, b.low_ci, low_colour, (top - 0.48, top - 0.14)),
            (b.high, b.high_ci, high_colour, (top - 0.86, top - 0.52)),
        ] {
            if value.is_finite() {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y0), (value, y1)],
                    colour.mix(0.85).filled(),
                )))?;
            }
            if let Some([lo, hi]) = ci.filter(|c| c[0].is_finite() && c[1].is_finite()) {
                let y = (y0 + y1) / 2.0;
                let cap = (y1 - y0) * 0.35;
                chart.draw_series([
                    PathElement::new([(lo, y), (hi, y)], INK.stroke_width(1)),
                    PathElement::new([(lo, y - cap), (lo, y + cap)], INK.stroke_width(1)),
                    PathElement::new([(hi, y - cap), (hi, y + cap)], INK.stroke_width(1)),
                ])?;
            }
        }
        let (x, y) = chart.backend_coord(&(-extent, top - 0.5));
        area.draw(&Text::new(
            b.label.clone(),
            (x - 8 - area.get_base_pixel().0, y - area.get_base_pixel().1),
            label_style.clone(),
        ))?;
    }
    chart.draw_series(std::iter::once(PathElement::new([(0.0, -n), (0.0, 0.0)], INK.stroke_width(1))))?;
    Ok(())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}
