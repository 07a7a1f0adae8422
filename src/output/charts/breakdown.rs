//! `breakdown_reduction`: who gains, group by group (issue 14): for every group of every dimension of
//! `summary.json` `breakdowns` (population, cohort, SMSO, supplier group, payment type), each option's paired mean
//! reduction in dormancy against the baseline option on the same episodes, with its 95% CI, in working days. One row
//! per group, a heading row per dimension, one colour per option.

use super::keyed::{self, Keyed};
use super::legend::{self, Key};
use super::{DrawResult, Plot, RunDir, style};
use crate::experiment::groups::{Dimension, GroupSummary};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Pixels per row.
const ROW_PX: u32 = 30;

/// One option's point on a group row.
struct Point {
    option: usize,
    mean: f64,
    ci: Option<[f64; 2]>,
}

/// A row: a dimension heading, or a group with its label, share of episodes and the options' points.
enum Row {
    Heading(String),
    Group { label: String, points: Vec<Point> },
}

pub struct Breakdown {
    baseline: String,
    options: Vec<String>,
    rows: Vec<Row>,
}

/// The compared options' points of one group.
fn points(rows: &[&GroupSummary], options: &[String]) -> Vec<Point> {
    rows.iter()
        .filter_map(|r| {
            let red = r.reduction_wd.as_ref()?;
            let option = options.iter().position(|o| o == &r.option)?;
            Some(Point { option, mean: red.mean, ci: red.ci95 })
        })
        .collect()
}

impl Breakdown {
    pub fn from_run(run: &RunDir) -> Self {
        let s = &run.summary;
        let options: Vec<String> = s.options.keys().cloned().collect();
        let mut rows = Vec::new();
        for d in Dimension::ALL {
            let of_dim: Vec<&GroupSummary> = s.breakdowns.iter().filter(|r| r.dimension == d.name()).collect();
            let mut groups: Vec<&str> = Vec::new();
            for r in &of_dim {
                if !groups.contains(&r.group.as_str()) {
                    groups.push(&r.group);
                }
            }
            if groups.is_empty() {
                continue;
            }
            rows.push(Row::Heading(d.label().to_uppercase()));
            for g in groups {
                let of_group: Vec<&GroupSummary> = of_dim.iter().copied().filter(|r| r.group == g).collect();
                let share = of_group.first().map_or(f64::NAN, |r| r.episode_share);
                let label = format!("{} ({:.0}%)", of_group[0].label, 100.0 * share);
                rows.push(Row::Group { label, points: points(&of_group, &options) });
            }
        }
        Breakdown { baseline: options.first().cloned().unwrap_or_default(), options, rows }
    }

    fn all_points(&self) -> impl Iterator<Item = &Point> {
        self.rows.iter().flat_map(|r| match r {
            Row::Group { points, .. } => points.as_slice(),
            Row::Heading(_) => &[],
        })
    }

    /// x range: zero and every finite mean and CI end, with a little room either side.
    fn x_range(&self) -> (f64, f64) {
        let values = self.all_points().flat_map(|p| {
            let [lo, hi] = p.ci.unwrap_or([p.mean, p.mean]);
            [p.mean, lo, hi]
        });
        let (lo, hi) = values.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let span = if hi > lo { hi - lo } else { 1.0 };
        (lo - 0.05 * span, hi + 0.05 * span)
    }

    /// y of row `i` (first at the top) and the vertical offset of option slot `k` of `n` compared options.
    fn y(&self, i: usize, k: usize, n: usize) -> f64 {
        let offset = if n <= 1 { 0.0 } else { 0.25 - 0.5 * k as f64 / (n - 1) as f64 };
        (self.rows.len() - 1 - i) as f64 + offset
    }

    fn label(&self, i: usize) -> &str {
        match &self.rows[i] {
            Row::Heading(h) => h,
            Row::Group { label, .. } => label,
        }
    }

    fn compared(&self) -> usize {
        self.options.len().saturating_sub(1)
    }

    fn draw_point<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, keyed::OptionRows>,
        p: &Point,
        y: f64,
    ) -> DrawResult<DB> {
        let colour = style::option_colour(p.option);
        if !p.mean.is_finite() {
            return Ok(());
        }
        if let Some([lo, hi]) = p.ci {
            chart.draw_series(std::iter::once(PathElement::new([(lo, y), (hi, y)], colour.stroke_width(2))))?;
        }
        let at = EmptyElement::at((p.mean, y));
        let dot = at + Circle::new((0, 0), 6, WHITE.filled()) + Circle::new((0, 0), 4, colour.filled());
        chart.draw_series(std::iter::once(dot)).map(|_| ())
    }

    fn widest_label<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
        let font = style::text(14.0, style::INK);
        (0..self.rows.len()).try_fold(0, |w, i| area.estimate_text_size(self.label(i), &font).map(|(x, _)| w.max(x)))
    }

    /// The group with the largest and the smallest reduction under the first compared option, for the alt text.
    fn extremes(&self) -> Option<(String, f64, String, f64)> {
        let first: Vec<(&str, f64)> = self
            .rows
            .iter()
            .filter_map(|r| match r {
                Row::Group { label, points } => points
                    .iter()
                    .find(|p| p.option == 1)
                    .filter(|p| p.mean.is_finite())
                    .map(|p| (label.as_str(), p.mean)),
                Row::Heading(_) => None,
            })
            .collect();
        let max = first.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))?;
        let min = first.iter().copied().min_by(|a, b| a.1.total_cmp(&b.1))?;
        Some((max.0.to_string(), max.1, min.0.to_string(), min.1))
    }
}

impl Plot for Breakdown {
    const STEM: &'static str = "breakdown_reduction";

    fn title(&self) -> String {
        format!("Who gains, by group: paired reduction against {} (95% CI, noise only)", self.baseline)
    }

    fn alt(&self) -> String {
        let compared = self.options.get(1).cloned().unwrap_or_default();
        let extremes = match self.extremes() {
            Some((hi, h, lo, l)) => {
                format!(
                    " Under {compared} the largest reduction is {h:.1} WD ({hi}) and the smallest {l:.1} WD ({lo})."
                )
            }
            None => String::new(),
        };
        format!(
            "Dot-and-interval chart: for each group of each dimension (population, cohort, SMSO, supplier group, \
             payment type; the group's share of tracked episodes in brackets), each option's mean reduction in \
             dormancy against {} on the same episodes, in working days inside the horizon, with 95% confidence \
             intervals over replications (simulation noise only); above zero = the option is faster.{extremes}",
            self.baseline
        )
    }

    fn size(&self) -> (u32, u32) {
        (style::SIZE.0, 190 + ROW_PX * self.rows.len() as u32)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.compared() == 0 || self.all_points().next().is_none() {
            return style::empty(area, "No option to compare with the baseline, or no tracked episodes.");
        }
        let keys: Vec<(Key, String)> =
            (1..self.options.len()).map(|o| (Key::Dot(style::option_colour(o)), self.options[o].clone())).collect();
        let area = &legend::row(area, &keys)?;
        let n = self.rows.len();
        let (lo, hi) = self.x_range();
        let ticks: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(style::RIGHT_MARGIN)
            .x_label_area_size(56)
            .y_label_area_size(self.widest_label(area)? + 24)
            .build_cartesian_2d(lo..hi, Keyed::new(-0.6..n as f64 - 0.4, ticks, Vec::new()))?;
        let label_of = |y: &f64| {
            let i = n as i64 - 1 - y.round() as i64;
            if (0..n as i64).contains(&i) { self.label(i as usize).to_string() } else { String::new() }
        };
        let x_desc = format!(
            "Reduction in mean dormancy vs {} on the same episodes (WD inside the horizon; > 0 = faster)",
            self.baseline
        );
        keyed::option_rows_mesh(&mut chart, &|v| format!("{v:.0}"), &label_of, &x_desc)?;
        let zero = [(0.0, -0.6), (0.0, n as f64 - 0.4)];
        chart.draw_series(std::iter::once(PathElement::new(zero, style::INK.stroke_width(1))))?;
        for (i, row) in self.rows.iter().enumerate() {
            match row {
                Row::Heading(_) if i > 0 => {
                    let y = (n - 1 - i) as f64 + 0.5;
                    chart.draw_series(std::iter::once(PathElement::new(
                        [(lo, y), (hi, y)],
                        style::AXIS.stroke_width(1),
                    )))?;
                }
                Row::Heading(_) => {}
                Row::Group { points, .. } => {
                    for p in points {
                        self.draw_point(&mut chart, p, self.y(i, p.option - 1, self.compared()))?;
                    }
                }
            }
        }
        Ok(())
    }
}
