//! `manual_extra`: the manual work each option adds (or saves) against the baseline, by case type. Per replication
//! and case type, the option's mean weekly staff effort (FTE at GB scale, over the weeks after the warm-up) minus the
//! baseline's, paired by replication (common random numbers); then the mean over replications with its Student-t
//! 95% CI. One row per case type raised under any option, largest change first, one dot-and-interval per compared
//! option on one x axis through zero, so a case type with a few extra cases is a row of its own rather than a
//! sliver of a stack; the value and the extra cases over the run (GB scale) are written beside each row. Drawn from
//! the raw replications with the run's scenario (minutes per case), the same computation as `summary.json`.

use super::keyed::{self, Keyed};
use super::legend::{self, Key};
use super::{DrawResult, Plot, RunDir, style};
use crate::cases::ManualCase;
use crate::experiment::mean_weekly;
use crate::metrics::{MeanCi, mean_ci95};
use crate::scenario::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One compared option on one case type: the paired extra FTE per week and extra cases over the run.
struct Point {
    option: usize,
    fte: MeanCi,
    cases: MeanCi,
}

/// One case type with a point per compared option.
struct Row {
    case: ManualCase,
    points: Vec<Point>,
}

pub struct ManualExtra {
    baseline: String,
    /// Compared options' names, by option index (index 0, the baseline, unused).
    options: Vec<String>,
    rows: Vec<Row>,
    /// Case types raised under no option.
    none: Vec<ManualCase>,
    /// The comparisons' total extra FTE from `summary.json` (option, mean, CI), for the text alternative.
    totals: Vec<(String, f64, Option<[f64; 2]>)>,
}

/// Pixels per compared option within a row, and between rows.
const POINT_PX: u32 = 24;
const ROW_GAP_PX: u32 = 14;
/// Room on each side of the data, as a share of its span.
const PAD: f64 = 0.06;

/// "in_flight_cos_notification" → "In flight CoS notification".
pub fn pretty(case_type: &str) -> String {
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

/// "+0.70 FTE [0.65, 0.75] · +4,321 cases".
fn value_label(p: &Point) -> String {
    let ci = p.fte.ci95.map_or(" (one replication: no CI)".to_string(), |[lo, hi]| format!(" [{lo:.2}, {hi:.2}]"));
    let cases = style::thousands(p.cases.mean);
    let sign = |v: f64| if v > 0.0 { "+" } else { "" };
    format!("{}{:.2} FTE{ci} · {}{cases} cases", sign(p.fte.mean), p.fte.mean, sign(p.cases.mean))
}

impl ManualExtra {
    pub fn from_run(run: &RunDir, s: &Scenario) -> Self {
        let reps = &run.replications;
        let names = super::data::option_names(run);
        let scale = run.summary.scale_to_represented;
        let first = s.run.warmup_weeks as usize;
        let counted = |r: &crate::experiment::ReplicationResult, o: usize, c: ManualCase| -> Option<Vec<f64>> {
            Some(r.options.get(o)?.weekly.manual[c as usize].iter().map(|&v| v as f64).collect())
        };
        let per_case_fte = |c: ManualCase| s.manual.handling(c).minutes / 60.0 / s.manual.hours_per_fte_week;
        let compared: Vec<usize> = (1..names.len()).filter(|&o| reps.iter().all(|r| r.options.len() > o)).collect();
        let (mut rows, mut none) = (Vec::new(), Vec::new());
        for case in ManualCase::ALL {
            let raised = reps
                .iter()
                .any(|r| r.options.iter().any(|m| m.weekly.manual[case as usize].iter().skip(first).any(|&v| v > 0)));
            if !raised {
                none.push(case);
                continue;
            }
            let points = compared
                .iter()
                .filter_map(|&o| {
                    let mut fte = Vec::new();
                    let mut cases = Vec::new();
                    for r in reps {
                        let (a, b) = (counted(r, o, case)?, counted(r, 0, case)?);
                        let diff: Vec<f64> = a.iter().zip(&b).map(|(x, y)| (x - y) * case.represented(scale)).collect();
                        cases.push(diff.iter().skip(first).sum::<f64>());
                        let weekly: Vec<f64> = diff.iter().map(|d| d * per_case_fte(case)).collect();
                        fte.push(mean_weekly(s, &weekly));
                    }
                    Some(Point { option: o, fte: mean_ci95(&fte), cases: mean_ci95(&cases) })
                })
                .collect();
            rows.push(Row { case, points });
        }
        let size = |r: &Row| r.points.iter().map(|p| p.fte.mean.abs()).filter(|v| v.is_finite()).fold(0.0, f64::max);
        rows.sort_by(|a, b| size(b).total_cmp(&size(a)));
        let totals = run
            .summary
            .comparisons
            .iter()
            .map(|c| (c.option.clone(), c.extra_manual_fte, c.ci95_extra_manual_fte))
            .collect();
        ManualExtra { baseline: names.first().cloned().unwrap_or_default(), options: names, rows, none, totals }
    }

    /// Every (case type, compared option) point.
    fn values(&self) -> impl Iterator<Item = (&Row, &Point)> {
        self.rows.iter().flat_map(|r| r.points.iter().map(move |p| (r, p)))
    }

    /// x axis: zero and every mean and CI end, with [`PAD`] of their span on each side.
    fn x_range(&self) -> (f64, f64) {
        let ends = self.values().flat_map(|(_, p)| {
            let [lo, hi] = p.fte.ci95.unwrap_or([p.fte.mean, p.fte.mean]);
            [p.fte.mean, lo, hi]
        });
        let (lo, hi) = ends.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let span = if hi > lo { hi - lo } else { 1.0 };
        (lo - PAD * span, hi + PAD * span)
    }

    fn compared(&self) -> usize {
        self.rows.first().map_or(0, |r| r.points.len())
    }

    /// y of point `k` of row `i` (first row at the top): rows one unit apart, points spread within ±0.3.
    fn y(&self, i: usize, k: usize) -> f64 {
        let n = self.compared().max(1);
        let offset = if n == 1 { 0.0 } else { 0.3 - 0.6 * k as f64 / (n - 1) as f64 };
        (self.rows.len() - 1 - i) as f64 + offset
    }

    fn widest<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        texts: impl Iterator<Item = String>,
    ) -> Result<u32, DrawingAreaErrorKind<DB::ErrorType>> {
        let font = style::text(14.0, style::INK);
        texts.into_iter().try_fold(0, |w, t| Ok(w.max(area.estimate_text_size(&t, &font)?.0)))
    }

    fn point<DB: DrawingBackend>(
        &self,
        chart: &mut ChartContext<DB, keyed::OptionRows>,
        (i, k): (usize, usize),
        label_x: i32,
    ) -> DrawResult<DB> {
        let p = &self.rows[i].points[k];
        let (y, colour) = (self.y(i, k), style::option_colour(p.option));
        let (x_hi, font) = (self.x_range().1, style::text(13.0, style::INK).pos(Pos::new(HPos::Left, VPos::Center)));
        let px = chart.backend_coord(&(x_hi, y)).0;
        let label = EmptyElement::at((x_hi, y)) + Text::new(value_label(p), (label_x - px, 0), font);
        chart.draw_series(std::iter::once(label))?;
        if !p.fte.mean.is_finite() {
            return Ok(());
        }
        chart.draw_series(std::iter::once(
            EmptyElement::at((p.fte.mean, y)) + Circle::new((0, 0), 5, colour.filled()),
        ))?;
        if let Some([lo, hi]) = p.fte.ci95 {
            let bar = style::INK.stroke_width(2);
            chart.draw_series(std::iter::once(PathElement::new([(lo, y), (hi, y)], bar)))?;
            chart.draw_series([lo, hi].map(|x| EmptyElement::at((x, y)) + PathElement::new([(0, -8), (0, 8)], bar)))?;
        }
        Ok(())
    }

    /// "expedited adds 1.53 FTE per week in total (95% CI 1.41–1.64), most from firmware failure (+0.80 FTE …)".
    fn option_alt(&self, (name, total, ci): &(String, f64, Option<[f64; 2]>)) -> String {
        let o = self.options.iter().position(|n| n == name);
        let mut top: Vec<(&Row, &Point)> = self.values().filter(|(_, p)| Some(p.option) == o).collect();
        top.sort_by(|a, b| b.1.fte.mean.abs().total_cmp(&a.1.fte.mean.abs()));
        let parts: Vec<String> =
            top.iter().take(3).map(|(r, p)| format!("{} {}", pretty(r.case.name()), value_label(p))).collect();
        let ci = ci.map_or(String::new(), |[lo, hi]| format!(" (95% CI {lo:.2} to {hi:.2})"));
        let verb = if *total >= 0.0 { "adds" } else { "saves" };
        format!("{name} {verb} {:.2} FTE per week in total{ci}; largest changes: {}", total.abs(), parts.join(", "))
    }
}

impl Plot for ManualExtra {
    const STEM: &'static str = "manual_extra";

    fn title(&self) -> String {
        format!("Extra manual work by case type against {} (paired, 95% CI: simulation noise only)", self.baseline)
    }

    fn alt(&self) -> String {
        if self.totals.is_empty() {
            return "Only one option: there is no extra manual work to compare with the baseline (0 options compared)."
                .to_string();
        }
        let options: Vec<String> = self.totals.iter().map(|t| self.option_alt(t)).collect();
        let none = if self.none.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = self.none.iter().map(|c| pretty(c.name())).collect();
            format!(" No case under any option: {}.", names.join(", "))
        };
        format!(
            "Extra staff effort each option creates against {} by case type, mean FTE per week at GB scale, paired by \
             replication with 95% confidence intervals (simulation noise only), and the extra cases over the run. {}.{none}",
            self.baseline,
            options.join(". ")
        )
    }

    fn size(&self) -> (u32, u32) {
        let row = POINT_PX * self.compared().max(1) as u32 + ROW_GAP_PX;
        (style::SIZE.0 + 100, (190 + row * self.rows.len() as u32).max(style::SIZE.1))
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.compared() == 0 {
            return style::empty(area, "Only one option, or no manual case: there is nothing to compare.");
        }
        let mut keys: Vec<(Key, String)> = self.rows[0]
            .points
            .iter()
            .map(|p| {
                (Key::Dot(style::option_colour(p.option)), format!("{} − {}", self.options[p.option], self.baseline))
            })
            .collect();
        keys.push((Key::Interval(style::INK), "95% CI (paired, over replications)".to_string()));
        keys.push((
            Key::Heading,
            "beside each point: extra FTE per week [95% CI] · extra cases over the run".to_string(),
        ));
        let area = &legend::row(area, &keys)?;
        let n = self.rows.len();
        let (lo, hi) = self.x_range();
        let label_width = Self::widest(area, self.values().map(|(_, p)| value_label(p)))? + 20;
        let name_width = Self::widest(area, self.rows.iter().map(|r| pretty(r.case.name())))? + 20;
        let ticks: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let mut chart = ChartBuilder::on(area)
            .margin(10)
            .margin_right(label_width + 8)
            .x_label_area_size(56)
            .y_label_area_size(name_width)
            .build_cartesian_2d(lo..hi, Keyed::new(-0.5..n as f64 - 0.5, ticks, Vec::new()))?;
        let label_of = |y: &f64| {
            let i = n as i64 - 1 - y.round() as i64;
            if (0..n as i64).contains(&i) { pretty(self.rows[i as usize].case.name()) } else { String::new() }
        };
        let x_desc =
            format!("Extra staff effort, mean FTE per week at GB scale (option − {}; > 0 = more work)", self.baseline);
        keyed::option_rows_mesh(&mut chart, &|v| format!("{v:.2}"), &label_of, &x_desc)?;
        // Rules between case types, then the zero line.
        let rules =
            (1..n).map(|i| PathElement::new([(lo, i as f64 - 0.5), (hi, i as f64 - 0.5)], style::AXIS.mix(0.6)));
        chart.draw_series(rules)?;
        chart.draw_series(std::iter::once(PathElement::new(
            [(0.0, -0.5), (0.0, n as f64 - 0.5)],
            style::INK.stroke_width(1),
        )))?;
        let label_x = chart.backend_coord(&(hi, 0.0)).0 + 14;
        for i in 0..n {
            for k in 0..self.rows[i].points.len() {
                self.point(&mut chart, (i, k), label_x)?;
            }
        }
        Ok(())
    }
}
