//! `dormancy_decomposition`: what dormancy is spent on. One panel per population (fast-track eligible, awaited
//! EPCL, backlog, …; empty ones left out), one horizontal bar per option, stacked by stage (one colour per stage in
//! every panel), with the total mean working days at the bar's end. All panels share the x scale, so bar lengths
//! compare across populations. Drawn from `populations.parquet`.

use super::data::{Table, finite_max, option_names};
use super::keyed::{self, Keyed};
use super::legend::{self, Key};
use super::{DrawResult, OutputError, Plot, RunDir, style};
use crate::metrics::Stage;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One option's bar: WD per stage (`Decomposition::stages` order) and the population's mean (their sum).
struct Bar {
    option: String,
    segments: Vec<f64>,
    total: f64,
}

/// One population.
struct Panel {
    caption: String,
    bars: Vec<Bar>,
}

pub struct Decomposition {
    /// Stages shown: (name, label), in table order.
    stages: Vec<(String, String)>,
    panels: Vec<Panel>,
}

type Coords = keyed::OptionRows;

/// Pixels per bar row, and around each panel's bars.
const ROW: u32 = 38;
const PANEL_EXTRA: u32 = 56;
/// Narrowest segment (pixels) that gets its value written inside.
const MIN_LABELLED: i32 = 36;

/// The columns of `populations` that the chart reads.
struct Columns {
    option: Vec<String>,
    population: Vec<String>,
    label: Vec<String>,
    episodes: Vec<f64>,
    mean: Vec<f64>,
    stage: Vec<String>,
    stage_label: Vec<String>,
    stage_wd: Vec<f64>,
}

impl Columns {
    fn read(t: &Table) -> Result<Self, OutputError> {
        Ok(Columns {
            option: t.strs("option")?,
            population: t.strs("population")?,
            label: t.strs("population_label")?,
            episodes: t.f64s("episodes_mean")?,
            mean: t.f64s("dormant_wd_mean")?,
            stage: t.strs("stage")?,
            stage_label: t.strs("stage_label")?,
            stage_wd: t.f64s("stage_wd_mean")?,
        })
    }

    /// Distinct values of `column` in order of first appearance.
    fn distinct(column: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in column {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        out
    }

    /// The bar of `option` in `population` (None without rows or without a finite mean).
    fn bar(&self, option: &str, population: &str, stages: &[String]) -> Option<Bar> {
        let rows: Vec<usize> =
            (0..self.option.len()).filter(|&i| self.option[i] == option && self.population[i] == population).collect();
        let total = rows.first().map(|&i| self.mean[i]).filter(|m| m.is_finite())?;
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let segments = stages
            .iter()
            .map(|s| rows.iter().find(|&&i| &self.stage[i] == s).map_or(0.0, |&i| finite(self.stage_wd[i])))
            .collect();
        Some(Bar { option: option.to_string(), segments, total })
    }

    /// "Backlog (dormant at the start): 15,385 episodes per replication (simulated)".
    fn caption(&self, population: &str) -> String {
        let i = self.population.iter().position(|p| p == population).expect("a listed population");
        format!("{}: {} episodes per replication (simulated)", self.label[i], style::thousands(self.episodes[i]))
    }
}

/// Colour of a stage: its position in `Stage::ALL` (unknown names after them).
fn stage_colour(name: &str) -> RGBColor {
    style::stage_colour(Stage::ALL.iter().position(|s| s.name() == name).unwrap_or(Stage::ALL.len()))
}

impl Decomposition {
    pub fn from_run(run: &RunDir) -> Result<Self, OutputError> {
        let c = Columns::read(&Table::new(run, &run.populations, "populations.parquet"))?;
        let stage_names = Columns::distinct(&c.stage);
        let options = option_names(run);
        let mut panels = Vec::new();
        for population in Columns::distinct(&c.population) {
            let bars: Vec<Bar> = options.iter().filter_map(|o| c.bar(o, &population, &stage_names)).collect();
            if !bars.is_empty() {
                panels.push(Panel { caption: c.caption(&population), bars });
            }
        }
        // Stages with some time in some bar, with their labels.
        let shown: Vec<usize> = (0..stage_names.len())
            .filter(|&k| panels.iter().flat_map(|p| &p.bars).any(|b| b.segments[k] > 0.0))
            .collect();
        for bar in panels.iter_mut().flat_map(|p| p.bars.iter_mut()) {
            bar.segments = shown.iter().map(|&k| bar.segments[k]).collect();
        }
        let label = |name: &String| c.stage_label[c.stage.iter().position(|s| s == name).expect("listed")].clone();
        let stages = shown.iter().map(|&k| (stage_names[k].clone(), label(&stage_names[k]))).collect();
        Ok(Decomposition { stages, panels })
    }

    /// Upper end of the shared x axis, with room for the total labels.
    fn x_max(&self) -> f64 {
        style::headroom(finite_max(self.panels.iter().flat_map(|p| p.bars.iter().map(|b| b.total))), 1.14)
    }

    fn panel<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>, p: &Panel, last: bool) -> DrawResult<DB> {
        let n = p.bars.len();
        let rows: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut chart = ChartBuilder::on(area)
            .caption(&p.caption, style::caption())
            .margin(8)
            .margin_right(style::RIGHT_MARGIN)
            .x_label_area_size(if last { 50 } else { 26 })
            .y_label_area_size(110)
            .build_cartesian_2d(0.0..self.x_max(), Keyed::new(-0.5..n as f64 - 0.5, rows, Vec::new()))?;
        let name_of = |y: &f64| {
            let i = n as i64 - 1 - y.round() as i64;
            if (0..n as i64).contains(&i) { p.bars[i as usize].option.clone() } else { String::new() }
        };
        let x_desc = if last { "Mean working days dormant per episode, inside the horizon" } else { "" };
        keyed::option_rows_mesh(&mut chart, &|v| format!("{v:.0}"), &name_of, x_desc)?;
        for (i, bar) in p.bars.iter().enumerate() {
            self.bar(&mut chart, bar, (n - 1 - i) as f64)?;
        }
        Ok(())
    }

    /// One stacked bar at row `y`, its segment values inside where they fit, and its total at the end.
    fn bar<DB: DrawingBackend>(&self, chart: &mut ChartContext<DB, Coords>, bar: &Bar, y: f64) -> DrawResult<DB> {
        let (lo, hi) = (y - 0.3, y + 0.3);
        let mut x = 0.0;
        for (k, &wd) in bar.segments.iter().enumerate() {
            let colour = stage_colour(&self.stages[k].0);
            chart.draw_series(std::iter::once(Rectangle::new([(x, lo), (x + wd, hi)], colour.filled())))?;
            let width = chart.backend_coord(&(x + wd, y)).0 - chart.backend_coord(&(x, y)).0;
            if width >= MIN_LABELLED {
                let ink = if style::is_dark(colour) { WHITE } else { style::INK };
                let font = style::text(12.0, ink).pos(Pos::new(HPos::Center, VPos::Center));
                chart.draw_series(std::iter::once(Text::new(format!("{wd:.1}"), (x + wd / 2.0, y), font)))?;
            }
            x += wd;
        }
        let font = style::bold(14.0, style::INK).pos(Pos::new(HPos::Left, VPos::Center));
        let label = EmptyElement::at((x, y)) + Text::new(format!("{:.1} WD", bar.total), (8, 0), font);
        chart.draw_series(std::iter::once(label)).map(|_| ())
    }

    /// Height in pixels of the panel of `bars` bars.
    fn panel_height(bars: usize, last: bool) -> u32 {
        PANEL_EXTRA + ROW * bars as u32 + if last { 24 } else { 0 }
    }
}

impl Plot for Decomposition {
    const STEM: &'static str = "dormancy_decomposition";

    fn title(&self) -> String {
        "Mean working days dormant per episode, inside the horizon, by stage".to_string()
    }

    fn size(&self) -> (u32, u32) {
        let n = self.panels.len();
        let panels: u32 =
            self.panels.iter().enumerate().map(|(i, p)| Self::panel_height(p.bars.len(), i + 1 == n)).sum();
        (style::SIZE.0, (120 + panels).max(320))
    }

    fn alt(&self) -> String {
        let mut text = String::from(
            "Stacked horizontal bars: for each population of tracked episodes, one bar per option, the mean working \
             days dormant per episode inside the horizon, split into stages; the longest stage is named.",
        );
        for p in &self.panels {
            let bars: Vec<String> = p.bars.iter().map(|b| self.describe(b)).collect();
            text.push_str(&format!(" {}: {}.", p.caption, bars.join("; ")));
        }
        text
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.panels.is_empty() || self.stages.is_empty() {
            return style::empty(area, "No tracked episode in any population: nothing to show.");
        }
        let mut keys = vec![(Key::Heading, "Stage:".to_string())];
        keys.extend(self.stages.iter().map(|(name, label)| (Key::Fill(stage_colour(name).into()), label.clone())));
        let mut rest = legend::row(area, &keys)?;
        let n = self.panels.len();
        for (i, p) in self.panels.iter().enumerate() {
            let (cell, below) = rest.split_vertically(Self::panel_height(p.bars.len(), i + 1 == n));
            self.panel(&cell, p, i + 1 == n)?;
            rest = below;
        }
        Ok(())
    }
}

impl Decomposition {
    /// "standard 37.1 WD, most of it Waiting before the notice (21.1)".
    fn describe(&self, b: &Bar) -> String {
        let top = b.segments.iter().enumerate().max_by(|x, y| x.1.total_cmp(y.1));
        match top {
            Some((k, wd)) if *wd > 0.0 => {
                format!("{} {:.1} WD, largest stage {} ({:.1})", b.option, b.total, self.stages[k].1, wd)
            }
            _ => format!("{} {:.1} WD", b.option, b.total),
        }
    }
}
