//! `compare_differences`: each compared run minus the reference for the headline figures of `dormsim compare`,
//! one small panel per figure (each on its own scale, with zero marked), one row per option in its colour, a
//! marker per compared run (dot, square, triangle, …) with its 95% CI bar and value. Shares are drawn in percentage
//! points; counts at GB scale. Figures identical in every replication of every run (a difference of exactly 0 with
//! a zero-width interval, for every option) get no panel: a note under the panels names them.

use super::keyed::{self, Keyed};
use super::legend::{self, Key};
use super::{Chart, DrawResult, Plot, render, style};
use crate::output::OutputError;
use crate::output::compare::{CompareSummary, HEADLINES, figure_label, is_share, shown_ci, shown_difference};
use crate::output::report::compare::CHART;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fs;
use std::path::Path;

const WIDTH: u32 = 1000;
/// Pixels per line of the note naming the identical figures.
const NOTE_LINE_PX: u32 = 20;
/// Pixels per marker row, above and below each panel's rows (title, x axis).
const ROW_PX: u32 = 26;
const PANEL_EXTRA_PX: u32 = 78;

/// Draw the comparison's chart into `dir/charts/`.
pub fn render_all(s: &CompareSummary, dir: &Path) -> Result<Vec<Chart>, OutputError> {
    style::register_fonts();
    let folder = dir.join("charts");
    fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
    let runs: Vec<String> = s
        .others()
        .iter()
        .map(|r| format!("{} = {} ({}, {} replications)", r.id, r.label, r.pairing, r.replications))
        .collect();
    let a = s.reference();
    let subtitle = format!("A = {} ({} replications) · {}", a.label, a.replications, runs.join(" · "));
    let mut files = Vec::new();
    Ok(vec![render(&Differences::new(s), &subtitle, dir, &mut files)?])
}

/// One marker: the compared run's index (0 = B), the difference and its CI, as drawn (shares in pp).
struct Point {
    run: usize,
    mean: f64,
    ci: Option<[f64; 2]>,
    label: String,
}

struct Line {
    option: String,
    colour: RGBColor,
    points: Vec<Point>,
}

struct Panel {
    title: String,
    lines: Vec<Line>,
}

pub struct Differences {
    reference: String,
    runs: Vec<String>,
    panels: Vec<Panel>,
    /// Titles of the figures identical in every replication (no panel).
    identical: Vec<String>,
}

impl Differences {
    fn new(s: &CompareSummary) -> Self {
        let colour = |o: &str| style::option_colour(s.reference().options.iter().position(|x| x == o).unwrap_or(0));
        let others = s.others();
        let (mut panels, mut identical) = (Vec::new(), Vec::new());
        for (metric, population) in HEADLINES {
            let mut panel: Option<Panel> = None;
            let mut all_identical = true;
            for option in &s.options {
                let Some(f) = s.figure(metric, population, option) else { continue };
                let share = is_share(&f.unit);
                let k = if share { 100.0 } else { 1.0 };
                let differences = others.iter().enumerate().filter_map(|(i, r)| f.difference(&r.id).map(|d| (i, d)));
                all_identical &= differences.clone().all(|(_, d)| d.identical());
                let points: Vec<Point> = differences
                    .map(|(run, d)| Point {
                        run,
                        mean: k * d.difference,
                        ci: d.ci95.map(|c| c.map(|x| k * x)),
                        label: format!(
                            "{} {}",
                            shown_difference(d.difference, &f.unit),
                            shown_ci(d.ci95, &f.unit, true)
                        ),
                    })
                    .collect();
                let p = panel.get_or_insert_with(|| Panel {
                    title: format!("{} · {}", figure_label(f), title_unit(&f.unit)),
                    lines: Vec::new(),
                });
                p.lines.push(Line { option: option.clone(), colour: colour(option), points });
            }
            match panel {
                Some(p) if all_identical => identical.push(p.title),
                Some(p) => panels.push(p),
                None => {}
            }
        }
        Differences {
            reference: s.reference().label.clone(),
            runs: others.iter().map(|r| format!("{} − A: {} ({})", r.id, r.label, r.pairing)).collect(),
            panels,
            identical,
        }
    }

    /// Panels side by side: two when there are more than three, else one per row.
    fn columns(&self) -> usize {
        if self.panels.len() > 3 { 2 } else { 1 }
    }

    /// The note naming the identical figures, wrapped into lines.
    fn note_lines(&self) -> Vec<String> {
        if self.identical.is_empty() {
            return Vec::new();
        }
        let text = format!(
            "Identical in every replication for every option (difference 0, no spread), so not drawn: {}.",
            self.identical.join("; ")
        );
        crate::output::console::wrap(&text, 118).lines().map(str::to_string).collect()
    }

    fn rows_per_line(&self) -> u32 {
        self.runs.len().max(1) as u32
    }

    fn panel_height(&self, p: &Panel) -> u32 {
        PANEL_EXTRA_PX + ROW_PX * self.rows_per_line() * p.lines.len() as u32
    }

    /// Height of each row of panels (the tallest panel of the row).
    fn row_heights(&self) -> Vec<u32> {
        self.panels.chunks(self.columns()).map(|c| c.iter().map(|p| self.panel_height(p)).max().unwrap_or(0)).collect()
    }
}

/// A unit short enough for a half-width panel title.
fn title_unit(unit: &str) -> &str {
    match unit {
        u if is_share(u) => "percentage points",
        "installation-days per year (GB scale)" => "GB installation-days a year",
        "installations (GB scale)" => "GB installations",
        "episodes (GB scale)" => "GB episodes",
        u => u,
    }
}

/// The marker of compared run `i`: dot, square, triangle, cross.
fn marker<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, keyed::OptionRows>,
    i: usize,
    at: (f64, f64),
    colour: RGBColor,
) -> DrawResult<DB> {
    let e = EmptyElement::at(at);
    let halo = Circle::new((0, 0), 8, WHITE.filled());
    match i % 4 {
        0 => chart.draw_series(std::iter::once(e + halo + Circle::new((0, 0), 6, colour.filled()))).map(|_| ()),
        1 => chart.draw_series(std::iter::once(e + halo + legend::square(colour))).map(|_| ()),
        2 => {
            let t = Polygon::new(vec![(0, -7), (6, 5), (-6, 5)], colour.filled());
            chart.draw_series(std::iter::once(e + halo + t)).map(|_| ())
        }
        _ => {
            let x = PathElement::new(vec![(-6, -6), (6, 6)], colour.stroke_width(2));
            let y = PathElement::new(vec![(-6, 6), (6, -6)], colour.stroke_width(2));
            chart.draw_series(std::iter::once(e + halo + x + y)).map(|_| ())
        }
    }
}

impl Differences {
    /// x range of a panel: zero and every finite mean and CI end, with room on the right for the labels.
    fn x_range(p: &Panel) -> (f64, f64) {
        let values = p.lines.iter().flat_map(|l| &l.points).flat_map(|pt| {
            let [lo, hi] = pt.ci.unwrap_or([pt.mean, pt.mean]);
            [pt.mean, lo, hi]
        });
        let (lo, hi) = values.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        if hi <= lo {
            return (-0.5, 1.5);
        }
        let span = hi - lo;
        (lo - 0.08 * span, hi + 0.9 * span)
    }

    fn panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, p: &Panel) -> DrawResult<DB> {
        area.draw(&Text::new(p.title.clone(), (8, 4), style::caption()))?;
        let body = area.split_vertically(26).1;
        let per = self.rows_per_line() as usize;
        let n = p.lines.len() * per;
        let (lo, hi) = Self::x_range(p);
        let font = style::text(14.0, style::INK);
        let widest =
            p.lines.iter().try_fold(0, |w, l| body.estimate_text_size(&l.option, &font).map(|(x, _)| w.max(x)))?;
        // Row of line i, run k: lines from the top, each line's runs together.
        let y = |i: usize, k: usize| (n - 1 - (i * per + k)) as f64;
        let centres: Vec<f64> = (0..p.lines.len()).map(|i| y(i, 0) - (per as f64 - 1.0) / 2.0).collect();
        let mut chart = ChartBuilder::on(&body)
            .margin_left(8)
            .margin_right(16)
            .x_label_area_size(24)
            .y_label_area_size(widest + 16)
            .build_cartesian_2d(lo..hi, Keyed::new(-0.6..n as f64 - 0.4, centres.clone(), Vec::new()))?;
        let label_of = |v: &f64| {
            centres.iter().position(|c| (c - v).abs() < 1e-9).map_or(String::new(), |i| p.lines[i].option.clone())
        };
        let decimals = if hi - lo >= 20.0 {
            0
        } else if hi - lo >= 2.0 {
            1
        } else {
            2
        };
        let large = lo.abs().max(hi.abs()) >= 1e4;
        let fmt = |v: &f64| if large { style::compact(*v) } else { crate::output::report::fmt::num(*v, decimals) };
        keyed::option_rows_mesh(&mut chart, &fmt, &label_of, "")?;
        let zero = [(0.0, -0.6), (0.0, n as f64 - 0.4)];
        chart.draw_series(std::iter::once(PathElement::new(zero, style::INK.stroke_width(1))))?;
        for (i, line) in p.lines.iter().enumerate() {
            for pt in &line.points {
                let yy = y(i, pt.run);
                if !pt.mean.is_finite() {
                    let note = EmptyElement::at((0.0, yy)) + Text::new("n/a", (8, -7), style::text(12.0, style::MUTED));
                    chart.draw_series(std::iter::once(note))?;
                    continue;
                }
                let bar = line.colour.stroke_width(2);
                if let Some([a, b]) = pt.ci {
                    chart.draw_series(std::iter::once(PathElement::new([(a, yy), (b, yy)], bar)))?;
                    let caps = [a, b].map(|x| EmptyElement::at((x, yy)) + PathElement::new([(0, -7), (0, 7)], bar));
                    chart.draw_series(caps)?;
                }
                marker(&mut chart, pt.run, (pt.mean, yy), line.colour)?;
                let right = pt.ci.map_or(pt.mean, |c| c[1].max(pt.mean));
                let text = Text::new(pt.label.clone(), (12, -7), style::text(12.0, style::INK));
                chart.draw_series(std::iter::once(EmptyElement::at((right, yy)) + text))?;
            }
        }
        Ok(())
    }
}

impl Plot for Differences {
    const STEM: &'static str = CHART;

    fn title(&self) -> String {
        format!("Differences from A ({}) with 95% CI (simulation noise only)", self.reference)
    }

    fn alt(&self) -> String {
        let panels: Vec<String> = self
            .panels
            .iter()
            .map(|p| {
                let lines: Vec<String> = p
                    .lines
                    .iter()
                    .map(|l| {
                        let pts: Vec<String> =
                            l.points.iter().map(|pt| format!("{} {}", self.run_id(pt.run), pt.label)).collect();
                        format!("{} {}", l.option, pts.join(", "))
                    })
                    .collect();
                format!("{}: {}", p.title, lines.join("; "))
            })
            .collect();
        let identical = match self.identical.is_empty() {
            true => String::new(),
            false => format!(" Identical in every replication, not drawn: {}.", self.identical.join("; ")),
        };
        format!(
            "One panel per headline figure, each on its own scale with zero marked; each compared run minus A per \
             option with its 95% confidence interval (simulation noise only). {}.{identical}",
            panels.join(". ")
        )
    }

    fn size(&self) -> (u32, u32) {
        let note = NOTE_LINE_PX * self.note_lines().len() as u32;
        (WIDTH, 66 + 40 + 24 * self.runs.len() as u32 + self.row_heights().iter().sum::<u32>() + note)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.panels.is_empty() && self.identical.is_empty() {
            return style::empty(area, "No headline figure is in every run.");
        }
        let mut keys: Vec<(Key, String)> = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, r)| match i % 4 {
                0 => (Key::Dot(style::MUTED), r.clone()),
                1 => (Key::Square(style::MUTED), r.clone()),
                2 => (Key::Heading, format!("▲ {r}")),
                _ => (Key::Heading, format!("✕ {r}")),
            })
            .collect();
        keys.push((Key::Heading, "bars: 95% CI · colours: options · > 0 = more under the run".into()));
        let area = legend::row(area, &keys)?;
        let (w, _) = area.dim_in_pixel();
        let mut top = 0;
        for (row, height) in self.panels.chunks(self.columns()).zip(self.row_heights()) {
            let band = area.clone().shrink((0, top), (w, height));
            let cells = band.split_evenly((1, self.columns()));
            for (p, cell) in row.iter().zip(cells) {
                self.panel(&cell, p)?;
            }
            top += height;
        }
        for (i, line) in self.note_lines().into_iter().enumerate() {
            let y = top as i32 + 8 + NOTE_LINE_PX as i32 * i as i32;
            area.draw(&Text::new(line, (8, y), style::text(14.0, style::MUTED)))?;
        }
        Ok(())
    }
}

impl Differences {
    fn run_id(&self, i: usize) -> String {
        self.runs.get(i).and_then(|r| r.split(' ').next()).unwrap_or("?").to_string()
    }
}
