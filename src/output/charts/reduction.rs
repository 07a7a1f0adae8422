//! `dormancy_reduction`: each option against the first (`summary.comparisons`), the paired mean reduction in
//! dormancy with its 95% CI, on both clocks (SSD to migration, SSD to restored smart service), in working days, with
//! a zero line. The x axis spans zero and every CI end with a little room ([`x_range`]); the values are written in
//! a column to the right of the plot, so they need no room on the axis. The interval is drawn over the marker, with
//! caps taller than it, so a CI narrower than the marker still shows. One replication gives no interval: the point
//! is drawn alone.

use super::keyed::{self, Keyed};
use super::legend::{self, Key};
use super::{DrawResult, Plot, RunDir, style};
use crate::experiment::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The two clocks' legend texts: a filled circle for the first, a hollow square for the second.
const CLOCKS: [&str; 2] = ["to migration (SSD to migration)", "to restored service (SSD to DCC-ready supplier)"];

/// Room on each side of the data, as a share of its span.
const PAD: f64 = 0.06;

/// One compared option: its colour and, per clock, the mean reduction and its CI.
struct Row {
    option: String,
    colour: RGBColor,
    clocks: [(f64, Option<[f64; 2]>); 2],
}

pub struct Reduction {
    baseline: String,
    rows: Vec<Row>,
    x_range: (f64, f64),
}

type Coords = keyed::OptionRows;

/// Value label beside a point: "7.75 WD [7.66, 7.84]".
pub fn value_label(mean: f64, ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("{mean:.2} WD [{lo:.2}, {hi:.2}]"),
        None => format!("{mean:.2} WD (one replication: no CI)"),
    }
}

/// The x axis of the chart for `s`: zero and every finite mean and CI end of the comparisons, with [`PAD`] of their
/// span on each side.
pub fn x_range(s: &Summary) -> (f64, f64) {
    let values = s.comparisons.iter().flat_map(|c| {
        let ends = |m: f64, ci: Option<[f64; 2]>| {
            let [lo, hi] = ci.unwrap_or([m, m]);
            [m, lo, hi]
        };
        ends(c.mean_reduction_wd, c.ci95).into_iter().chain(ends(c.mean_reduction_restored_wd, c.ci95_restored))
    });
    let (lo, hi) = values.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let span = if hi > lo { hi - lo } else { 1.0 };
    (lo - PAD * span, hi + PAD * span)
}

impl Reduction {
    pub fn from_run(run: &RunDir) -> Self {
        let s = &run.summary;
        let colour = |name: &str| style::option_colour(s.options.get_index_of(name).unwrap_or(0));
        let rows = s
            .comparisons
            .iter()
            .map(|c| Row {
                option: c.option.clone(),
                colour: colour(&c.option),
                clocks: [(c.mean_reduction_wd, c.ci95), (c.mean_reduction_restored_wd, c.ci95_restored)],
            })
            .collect();
        let baseline = s.comparisons.first().map(|c| c.baseline.clone());
        let baseline = baseline.or_else(|| s.options.keys().next().cloned()).unwrap_or_default();
        Reduction { baseline, rows, x_range: x_range(s) }
    }

    /// y of row `i` (first row at the top) and clock `k`.
    fn y(&self, i: usize, k: usize) -> f64 {
        (self.rows.len() - 1 - i) as f64 + if k == 0 { 0.15 } else { -0.15 }
    }

    /// One point with its CI bar (if any) over it, and its value label in the column right of the plot (`label_x`:
    /// that column's left edge in backend pixels).
    fn point<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, Coords>,
        (i, k): (usize, usize),
        label_x: i32,
    ) -> DrawResult<DB> {
        let (row, (mean, ci)) = (&self.rows[i], self.rows[i].clocks[k]);
        let y = self.y(i, k);
        let font = style::text(14.0, style::INK).pos(Pos::new(HPos::Left, VPos::Center));
        let px = chart.backend_coord(&(self.x_range.1, y)).0;
        let label =
            |text: String| EmptyElement::at((self.x_range.1, y)) + Text::new(text, (label_x - px, 0), font.clone());
        if !mean.is_finite() {
            let note = label("n/a: no episode in some replication".to_string());
            return chart.draw_series(std::iter::once(note)).map(|_| ());
        }
        let at = EmptyElement::at((mean, y));
        if k == 0 {
            chart.draw_series(std::iter::once(at + Circle::new((0, 0), 6, row.colour.filled())))?;
        } else {
            let square = PathElement::new([(-6, -6), (6, -6), (6, 6), (-6, 6), (-6, -6)], row.colour.stroke_width(3));
            chart.draw_series(std::iter::once(at + square))?;
        }
        if let Some([lo, hi]) = ci {
            let bar = style::INK.stroke_width(1);
            chart.draw_series(std::iter::once(PathElement::new([(lo, y), (hi, y)], bar)))?;
            let caps = [lo, hi].map(|x| EmptyElement::at((x, y)) + PathElement::new([(0, -13), (0, 13)], bar));
            chart.draw_series(caps)?;
        }
        chart.draw_series(std::iter::once(label(value_label(mean, ci)))).map(|_| ())
    }

    /// Width in pixels of the widest value label.
    fn widest_label<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
        let font = style::text(14.0, style::INK);
        let labels = self.rows.iter().flat_map(|r| r.clocks.iter().map(|(m, ci)| value_label(*m, *ci)));
        labels
            .chain(std::iter::once("n/a: no episode in some replication".to_string()))
            .try_fold(0, |w, l| area.estimate_text_size(&l, &font).map(|(x, _)| w.max(x)))
    }

    /// Width in pixels of the longest option name.
    fn widest_name<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
        let font = style::text(14.0, style::INK);
        self.rows.iter().try_fold(0, |w, r| area.estimate_text_size(&r.option, &font).map(|(x, _)| w.max(x)))
    }
}

impl Plot for Reduction {
    const STEM: &'static str = "dormancy_reduction";

    fn title(&self) -> String {
        format!("Reduction in mean dormancy against {} (paired, 95% CI: simulation noise only)", self.baseline)
    }

    fn alt(&self) -> String {
        let rows: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                let [(m, m_ci), (s, s_ci)] = r.clocks;
                format!(
                    "{} {} to migration and {} to restored service",
                    r.option,
                    value_label(m, m_ci),
                    value_label(s, s_ci)
                )
            })
            .collect();
        let best = self
            .rows
            .iter()
            .filter(|r| r.clocks[0].0.is_finite())
            .max_by(|a, b| a.clocks[0].0.total_cmp(&b.clocks[0].0));
        let lead = best.map_or(String::new(), |r| {
            let verb = if r.clocks[0].0 >= 0.0 { "shortens" } else { "lengthens" };
            format!("{} {verb} mean dormancy to migration most, by {:.2} working days. ", r.option, r.clocks[0].0.abs())
        });
        format!(
            "{lead}Reduction in mean dormancy against {} over all migrated episodes begun in the run (paired, 95% \
             confidence intervals: simulation noise only; above zero = the option is faster): {}.",
            self.baseline,
            if rows.is_empty() { "no other option".to_string() } else { rows.join("; ") }
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.rows.is_empty() {
            return style::empty(area, "Only one option: there is nothing to compare with the baseline.");
        }
        let keys = [
            (Key::Dot(style::MUTED), CLOCKS[0].to_string()),
            (Key::Square(style::MUTED), CLOCKS[1].to_string()),
            (Key::Interval(style::INK), "95% CI (paired, over replications)".to_string()),
        ];
        let area = &legend::row(area, &keys)?;
        let n = self.rows.len();
        let (lo, hi) = self.x_range;
        let rows: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let label_width = self.widest_label(area)? + 24;
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(label_width + 8)
            .x_label_area_size(56)
            .y_label_area_size(self.widest_name(area)? + 24)
            .build_cartesian_2d(lo..hi, Keyed::new(-0.6..n as f64 - 0.4, rows, Vec::new()))?;
        let label_of = |y: &f64| {
            let i = n as i64 - 1 - y.round() as i64;
            if (0..n as i64).contains(&i) { self.rows[i as usize].option.clone() } else { String::new() }
        };
        let x_desc = format!(
            "Reduction in mean dormancy vs {}, all migrated episodes begun in the run (mixes populations; WD; > 0 = \
             faster)",
            self.baseline
        );
        keyed::option_rows_mesh(&mut chart, &|v| format!("{v:.1}"), &label_of, &x_desc)?;
        let zero = [(0.0, -0.6), (0.0, n as f64 - 0.4)];
        chart.draw_series(std::iter::once(PathElement::new(zero, style::INK.stroke_width(1))))?;
        let label_x = chart.backend_coord(&(hi, 0.0)).0 + 16;
        for i in 0..n {
            for k in 0..2 {
                self.point(&mut chart, (i, k), label_x)?;
            }
        }
        Ok(())
    }
}
