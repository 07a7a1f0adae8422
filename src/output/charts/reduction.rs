//! `dormancy_reduction`: each option against the first (`summary.comparisons`), the paired mean reduction in
//! dormancy with its 95% CI, on both clocks (SSD to migration, SSD to restored smart service), in working days, with
//! a zero line. One replication gives no interval: the point is drawn alone.

use super::keyed::{self, Keyed};
use super::legend::{self, Key};
use super::{DrawResult, Plot, RunDir, style};
use plotters::coord::Shift;
use plotters::prelude::*;

/// The two clocks' legend texts: a filled circle for the first, a hollow square for the second.
const CLOCKS: [&str; 2] = ["to migration (SSD to migration)", "to restored service (SSD to DCC-ready supplier)"];

/// One compared option: its colour and, per clock, the mean reduction and its CI.
struct Row {
    option: String,
    colour: RGBColor,
    clocks: [(f64, Option<[f64; 2]>); 2],
}

pub struct Reduction {
    baseline: String,
    rows: Vec<Row>,
}

type Coords = keyed::OptionRows;

/// Value label beside a point: "7.75 WD [7.66, 7.84]".
pub fn value_label(mean: f64, ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("{mean:.2} WD [{lo:.2}, {hi:.2}]"),
        None => format!("{mean:.2} WD (one replication: no CI)"),
    }
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
        Reduction { baseline: baseline.or_else(|| s.options.keys().next().cloned()).unwrap_or_default(), rows }
    }

    /// x range: zero, every finite mean and CI end, plus room on the right for the value labels.
    fn x_range(&self) -> (f64, f64) {
        let values = self.rows.iter().flat_map(|r| r.clocks.iter()).flat_map(|(m, ci)| {
            let [lo, hi] = ci.unwrap_or([*m, *m]);
            [*m, lo, hi]
        });
        let (lo, hi) = values.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let span = if hi > lo { hi - lo } else { 1.0 };
        (lo - 0.1 * span, hi + 0.65 * span)
    }

    /// y of row `i` (first row at the top) and clock `k`.
    fn y(&self, i: usize, k: usize) -> f64 {
        (self.rows.len() - 1 - i) as f64 + if k == 0 { 0.15 } else { -0.15 }
    }

    /// One point with its CI bar (if any) and its value label.
    fn point<DB: DrawingBackend>(&self, chart: &mut ChartContext<DB, Coords>, i: usize, k: usize) -> DrawResult<DB> {
        let (row, (mean, ci)) = (&self.rows[i], self.rows[i].clocks[k]);
        let y = self.y(i, k);
        if !mean.is_finite() {
            let text = Text::new("n/a: no episode in some replication", (10, -8), style::text(14.0, style::MUTED));
            let note = EmptyElement::at((0.0, y)) + text;
            return chart.draw_series(std::iter::once(note)).map(|_| ());
        }
        let bar = row.colour.stroke_width(2);
        if let Some([lo, hi]) = ci {
            chart.draw_series(std::iter::once(PathElement::new([(lo, y), (hi, y)], bar)))?;
            let caps = [lo, hi].map(|x| EmptyElement::at((x, y)) + PathElement::new([(0, -11), (0, 11)], bar));
            chart.draw_series(caps)?;
        }
        let at = EmptyElement::at((mean, y));
        // A white halo keeps the marker readable over a CI narrower than itself.
        if k == 0 {
            let halo = Circle::new((0, 0), 8, WHITE.filled());
            chart.draw_series(std::iter::once(at + halo + Circle::new((0, 0), 6, row.colour.filled())))?;
        } else {
            let halo = Rectangle::new([(-8, -8), (8, 8)], WHITE.filled());
            chart.draw_series(std::iter::once(at + halo + legend::square(row.colour)))?;
        }
        let x = ci.map_or(mean, |c| c[1]);
        let label =
            EmptyElement::at((x, y)) + Text::new(value_label(mean, ci), (14, -8), style::text(14.0, style::INK));
        chart.draw_series(std::iter::once(label)).map(|_| ())
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
                    "{} {} to migration, {} to restored service",
                    r.option,
                    value_label(m, m_ci),
                    value_label(s, s_ci)
                )
            })
            .collect();
        format!(
            "Points with 95% confidence intervals (simulation noise only, not input uncertainty): each option's reduction in mean dormancy against {} in working \
             days (above zero = the option is faster), on two clocks: {}.",
            self.baseline,
            if rows.is_empty() { "no other option".to_string() } else { rows.join("; ") }
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.rows.is_empty() {
            return style::empty(area, "Only one option: there is nothing to compare with the baseline.");
        }
        let keys =
            [(Key::Dot(style::MUTED), CLOCKS[0].to_string()), (Key::Square(style::MUTED), CLOCKS[1].to_string())];
        let area = &legend::row(area, &keys)?;
        let n = self.rows.len();
        let (lo, hi) = self.x_range();
        let rows: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(style::RIGHT_MARGIN)
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
        for i in 0..n {
            for k in 0..2 {
                self.point(&mut chart, i, k)?;
            }
        }
        Ok(())
    }
}
