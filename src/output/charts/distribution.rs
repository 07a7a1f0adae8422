//! `dormancy_distribution`: per option, the share of migrated episodes by dormancy (working days, binned, bars side
//! by side) and the cumulative share, with each option's mean from `summary.json` as a dashed line. The x axis ends
//! at the pooled 99th percentile so the long tail does not squash the bulk.

use super::data::{Table, option_names};
use super::legend::{self, Key};
use super::{DrawResult, OutputError, Plot, RunDir, style};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

/// One option's distribution: (dormancy WD, share, cumulative share), shares in per cent.
struct Series {
    name: String,
    colour: RGBColor,
    values: Vec<(f64, f64, f64)>,
    mean: f64,
}

pub struct Distribution {
    series: Vec<Series>,
    /// Bin width (WD) and the end of the x axis (a whole number of bins past the pooled p99).
    bin: f64,
    x_max: f64,
    p99: f64,
}

/// Smallest value whose cumulative share of the pooled episodes reaches 99%.
fn pooled_p99(mut pooled: Vec<(f64, f64)>) -> f64 {
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pooled.iter().map(|p| p.1).sum();
    let mut cum = 0.0;
    for (v, n) in &pooled {
        cum += n;
        if cum >= 0.99 * total {
            return *v;
        }
    }
    pooled.last().map_or(0.0, |p| p.0)
}

impl Distribution {
    pub fn from_run(run: &RunDir) -> Result<Self, OutputError> {
        let t = Table::new(run, &run.distribution, "dormancy_distribution.parquet");
        let (option, unit) = (t.strs("option")?, t.strs("unit")?);
        let (value, episodes) = (t.f64s("dormancy")?, t.f64s("episodes")?);
        let (share, cumulative) = (t.f64s("share")?, t.f64s("cumulative_share")?);
        let names = option_names(run);
        let rows: Vec<usize> = (0..t.height())
            .filter(|&i| unit[i] == "working_days" && value[i].is_finite() && names.contains(&option[i]))
            .collect();
        let mut series = Vec::new();
        for (o, name) in names.into_iter().enumerate() {
            let values: Vec<(f64, f64, f64)> = rows
                .iter()
                .filter(|&&i| option[i] == name)
                .map(|&i| (value[i], 100.0 * share[i], 100.0 * cumulative[i]))
                .collect();
            if !values.is_empty() {
                let mean = run.summary.options[&name].dormancy_wd.mean;
                series.push(Series { name, colour: style::option_colour(o), values, mean });
            }
        }
        let p99 = pooled_p99(rows.iter().map(|&i| (value[i], episodes[i])).collect());
        let bin = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0]
            .into_iter()
            .find(|w| ((p99 + 1.0) / w).ceil() <= 30.0)
            .unwrap_or(((p99 + 1.0) / 30.0).ceil());
        let x_max = ((p99 + 1.0) / bin).ceil().max(1.0) * bin;
        Ok(Distribution { series, bin, x_max, p99 })
    }

    /// Share (per cent) of each bin below `x_max`, per option.
    fn binned(&self, s: &Series) -> Vec<f64> {
        let mut bins = vec![0.0; (self.x_max / self.bin) as usize];
        for &(v, share, _) in s.values.iter().filter(|v| v.0 < self.x_max) {
            bins[(v / self.bin) as usize] += share;
        }
        bins
    }

    fn histogram<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let binned: Vec<Vec<f64>> = self.series.iter().map(|s| self.binned(s)).collect();
        let y_max = style::headroom(super::data::finite_max(binned.iter().flatten().copied()), 1.12);
        let mut chart = ChartBuilder::on(area)
            .caption(format!("Share of episodes per {}-working-day bin", self.bin), style::caption())
            .margin(8)
            .margin_right(style::RIGHT_MARGIN)
            .x_label_area_size(28)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..self.x_max, 0.0..y_max)?;
        self.mesh(&mut chart, "", "Share of episodes (%)")?;
        let (n, pad) = (self.series.len() as f64, self.bin * 0.08);
        let width = (self.bin - 2.0 * pad) / n;
        for (i, (s, bins)) in self.series.iter().zip(&binned).enumerate() {
            let bars = bins.iter().enumerate().map(|(k, &share)| {
                let x0 = k as f64 * self.bin + pad + i as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width, share)], s.colour.filled())
            });
            chart.draw_series(bars)?;
        }
        self.mean_lines(&mut chart, y_max)
    }

    fn cumulative<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let caption = format!(
            "Cumulative share (x axis ends past the 99th percentile of all options' episodes, {} WD)",
            self.p99
        );
        let mut chart = ChartBuilder::on(area)
            .caption(caption, style::caption())
            .margin(8)
            .margin_right(style::RIGHT_MARGIN)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..self.x_max, 0.0..100.0)?;
        self.mesh(&mut chart, "Dormancy, SSD to migration (working days)", "Cumulative share (%)")?;
        for s in &self.series {
            chart.draw_series(LineSeries::new(self.steps(s), s.colour.stroke_width(2)))?;
        }
        self.mean_lines(&mut chart, 100.0)?;
        self.mean_labels(&mut chart, area)
    }

    /// The cumulative share as a step function from 0 to `x_max`.
    fn steps(&self, s: &Series) -> Vec<(f64, f64)> {
        let mut points = vec![(0.0, 0.0)];
        let mut last = 0.0;
        for &(v, _, cum) in s.values.iter().filter(|v| v.0 <= self.x_max) {
            points.extend([(v, last), (v, cum)]);
            last = cum;
        }
        points.push((self.x_max, last));
        points
    }

    fn mesh<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        x_desc: &str,
        y_desc: &str,
    ) -> DrawResult<DB> {
        chart
            .configure_mesh()
            .bold_line_style(style::GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(style::AXIS)
            .x_labels(12)
            .y_labels(6)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}%"))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(style::axis_title())
            .label_style(style::tick())
            .draw()
    }

    fn mean_lines<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        y_max: f64,
    ) -> DrawResult<DB> {
        for s in self.series.iter().filter(|s| s.mean.is_finite() && s.mean <= self.x_max) {
            let line = [(s.mean, 0.0), (s.mean, y_max)];
            chart.draw_series(DashedLineSeries::new(line, 6, 4, s.colour.stroke_width(2)))?;
        }
        Ok(())
    }

    /// "standard mean 45.2 WD" beside each dashed line, one row per option from the bottom, on a white box.
    fn mean_labels<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        area: &DrawingArea<DB, Shift>,
    ) -> DrawResult<DB> {
        let shown = self.series.iter().filter(|s| s.mean.is_finite() && s.mean <= self.x_max);
        for (row, s) in shown.enumerate() {
            let label = format!("{} mean {:.1} WD", s.name, s.mean);
            let font = style::text(14.0, s.colour);
            let (w, h) = area.estimate_text_size(&label, &font)?;
            let (w, h) = (w as i32, h as i32);
            let y = 8.0 + 11.0 * row as f64;
            let boxed = EmptyElement::at((s.mean, y))
                + Rectangle::new([(4, -h / 2 - 3), (w + 12, h / 2 + 3)], style::label_background())
                + Text::new(label, (8, -h / 2), font);
            chart.draw_series(std::iter::once(boxed))?;
        }
        Ok(())
    }
}

impl Plot for Distribution {
    const STEM: &'static str = "dormancy_distribution";

    fn title(&self) -> String {
        "Dormancy until migration, by option".to_string()
    }

    fn alt(&self) -> String {
        // Per option: the mean, and the share of episodes migrated within 10 working days (from the cumulative share).
        let within = |s: &Series, wd: f64| s.values.iter().take_while(|v| v.0 <= wd).last().map_or(0.0, |v| v.2);
        let means: Vec<String> = self
            .series
            .iter()
            .map(|s| format!("{} mean {:.1} WD, {:.0}% within 10 WD", s.name, s.mean, within(s, 10.0)))
            .collect();
        let fastest = self.series.iter().filter(|s| s.mean.is_finite()).min_by(|a, b| a.mean.total_cmp(&b.mean));
        let lead =
            fastest.map_or(String::new(), |s| format!("{} has the shortest mean dormancy until migration. ", s.name));
        format!(
            "{lead}Share of migrated episodes per {}-working-day bin of dormancy until migration (bars) and the \
             cumulative share (lines), one colour per option, x axis to {} working days (past the 99th percentile): {}.",
            self.bin,
            self.x_max,
            means.join("; ")
        )
    }

    fn size(&self) -> (u32, u32) {
        (style::SIZE.0, 680)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.series.is_empty() {
            return style::empty(area, "No episode began and ended in migration during the run: nothing to show.");
        }
        let mut keys: Vec<(Key, String)> =
            self.series.iter().map(|s| (Key::Fill(s.colour.into()), s.name.clone())).collect();
        keys.push((Key::Dashed(style::MUTED), "mean of each option".to_string()));
        let area = legend::row(area, &keys)?;
        let (_, h) = area.dim_in_pixel();
        let (top, bottom) = area.split_vertically(h * 50 / 100);
        self.histogram(&top)?;
        self.cumulative(&bottom)
    }
}
