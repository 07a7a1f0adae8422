//! `manual_load`: staff effort per week, all parties together, in full-time equivalents at represented (GB) scale,
//! one line per option (colour and dash pattern) with the 95% CI of the weekly mean over replications shaded, on one
//! y axis. Each option's peak — the peak of the mean weekly series, as in `summary.json` `manual_fte.total` — is
//! marked with its CI and named with the week's first day. Drawn from the raw replications with the run's scenario
//! (minutes per case), the same computation as `summary.json`. Whole weeks only: a partial last week is left out.
//! Which case types an option adds is the `manual_extra` chart.

use super::data::finite_max;
use super::legend::{self, Key};
use super::time::{self, Weeks};
use super::{DrawResult, Plot, RunDir, style};
use crate::experiment::{FteSummary, weekly_fte};
use crate::metrics::mean_ci95;
use crate::scenario::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One option: per whole week its first day, the mean total FTE and its CI; and its peak from `summary.json`.
struct Series {
    name: String,
    index: usize,
    points: Vec<(f64, f64, Option<[f64; 2]>)>,
    mean_weekly: f64,
    peak: Option<FteSummary>,
}

pub struct Manual {
    series: Vec<Series>,
    replications: usize,
    weeks: Weeks,
}

/// "150.9 FTE (95% CI 147.4–154.4), week starting 2020-11-11".
pub fn peak_text(f: &FteSummary) -> String {
    let ci = f.peak_ci95.map_or(String::new(), |[lo, hi]| format!(" (95% CI {lo:.1}–{hi:.1})"));
    format!("{:.1} FTE{ci}, week starting {}", f.peak_weekly, f.peak_week_start)
}

impl Manual {
    pub fn from_run(run: &RunDir, s: &Scenario) -> Self {
        let weeks = Weeks::of(&run.summary);
        let reps = &run.replications;
        let mut series = Vec::new();
        for (o, name) in super::data::option_names(run).iter().enumerate() {
            let Some(per_rep) = reps
                .iter()
                .map(|r| {
                    let by_party = weekly_fte(s, r.options.get(o)?);
                    Some((0..r.options[o].weekly.weeks()).map(|w| by_party.iter().map(|p| p[w]).sum()).collect())
                })
                .collect::<Option<Vec<Vec<f64>>>>()
            else {
                break;
            };
            let n_weeks = per_rep.iter().map(Vec::len).min().unwrap_or(0);
            let points = (0..n_weeks)
                .filter(|&w| weeks.is_full(w))
                .map(|w| {
                    let m = mean_ci95(&per_rep.iter().map(|r| r[w]).collect::<Vec<_>>());
                    (weeks.start(w), m.mean, m.ci95)
                })
                .collect();
            let total = run.summary.options.get(name).and_then(|x| x.manual_fte.get("total")).cloned();
            series.push(Series {
                name: name.clone(),
                index: o,
                points,
                mean_weekly: total.as_ref().map_or(f64::NAN, |f| f.mean_weekly),
                peak: total,
            });
        }
        series.retain(|s| !s.points.is_empty());
        Manual { series, replications: reps.len(), weeks }
    }

    fn x_range(&self) -> (f64, f64) {
        let xs = || self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        (xs().fold(f64::INFINITY, f64::min), finite_max(xs()))
    }

    fn y_max(&self) -> f64 {
        let ends = self.series.iter().flat_map(|s| s.points.iter().flat_map(|p| [p.1, p.2.map_or(p.1, |c| c[1])]));
        style::headroom(finite_max(ends), 1.08)
    }

    /// The CI band of `s` (weeks with an interval) as a closed outline.
    fn band(s: &Series) -> Vec<(f64, f64)> {
        let known: Vec<(f64, [f64; 2])> = s.points.iter().filter_map(|p| p.2.map(|c| (p.0, c))).collect();
        known.iter().map(|(x, c)| (*x, c[1])).chain(known.iter().rev().map(|(x, c)| (*x, c[0]))).collect()
    }

    /// Each option's peak (from `summary.json`) as a marker with its CI whisker; options peaking in the same week
    /// are set 4 days apart so each stays visible.
    fn peaks<DB: DrawingBackend>(&self, chart: &mut ChartContext<DB, time::WeeklyCoords>) -> DrawResult<DB> {
        let n = self.series.len() as f64;
        for (k, s) in self.series.iter().enumerate() {
            let Some(f) = s.peak.as_ref().filter(|f| f.peak_weekly.is_finite()) else { continue };
            let same_week = self.series.iter().filter(|t| t.peak.as_ref().is_some_and(|g| g.peak_week == f.peak_week));
            let shift = if same_week.count() > 1 { 4.0 * (k as f64 - (n - 1.0) / 2.0) } else { 0.0 };
            let (x, colour) = (self.weeks.start(f.peak_week) + shift, style::option_colour(s.index));
            if let Some([lo, hi]) = f.peak_ci95 {
                let whisker = PathElement::new([(x, lo), (x, hi)], style::INK.stroke_width(1));
                let caps = [lo, hi].map(|y| EmptyElement::at((x, y)) + PathElement::new([(-5, 0), (5, 0)], style::INK));
                chart.draw_series(std::iter::once(whisker))?;
                chart.draw_series(caps)?;
            }
            let marker = EmptyElement::at((x, f.peak_weekly))
                + Circle::new((0, 0), 7, WHITE.filled())
                + Circle::new((0, 0), 5, colour.filled());
            chart.draw_series(std::iter::once(marker))?;
        }
        Ok(())
    }
}

impl Plot for Manual {
    const STEM: &'static str = "manual_load";

    fn title(&self) -> String {
        "Staff effort per week, all parties (FTE at GB scale)".to_string()
    }

    fn alt(&self) -> String {
        let lines: Vec<String> = self
            .series
            .iter()
            .map(|s| {
                let peak = s.peak.as_ref().map_or("no peak".to_string(), |f| format!("peaks at {}", peak_text(f)));
                format!("{} {peak}, mean {:.1} FTE per week", s.name, s.mean_weekly)
            })
            .collect();
        format!(
            "Manual staff effort per week, all parties, full-time equivalents at GB scale, mean over {} \
             replication{} with its 95% CI (simulation noise only), whole weeks only: {}. The peak is the busiest week \
             of the mean weekly series.",
            self.replications,
            if self.replications == 1 { "" } else { "s" },
            lines.join("; ")
        )
    }

    fn size(&self) -> (u32, u32) {
        (style::SIZE.0, 620)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.series.is_empty() {
            return style::empty(area, "No manual case was raised during the run: nothing to show.");
        }
        let mut keys: Vec<(Key, String)> = self.series.iter().map(|s| (Key::Option(s.index), s.name.clone())).collect();
        if self.replications > 1 {
            keys.push((Key::Fill(style::MUTED.mix(0.25)), "shaded: 95% CI of the weekly mean".to_string()));
        }
        let area = legend::row(area, &keys)?;
        let peaks: Vec<(Key, String)> = self
            .series
            .iter()
            .filter_map(|s| {
                let f = s.peak.as_ref().filter(|f| f.peak_weekly.is_finite())?;
                Some((Key::Dot(style::option_colour(s.index)), format!("{} peak {}", s.name, peak_text(f))))
            })
            .collect();
        let area = legend::row(&area, &peaks)?;
        let panel = time::WeeklyPanel {
            caption: None,
            margin: 10,
            x_range: self.x_range(),
            y_range: (0.0, self.y_max()),
            y_labels: 8,
            x_desc: "Week starting",
            y_desc: "Staff effort (FTE, GB scale)",
        };
        let mut chart = time::weekly_chart(&area, &panel)?;
        for s in &self.series {
            let band = Self::band(s);
            if !band.is_empty() {
                chart.draw_series(std::iter::once(Polygon::new(
                    band,
                    style::option_colour(s.index).mix(0.2).filled(),
                )))?;
            }
        }
        for s in &self.series {
            time::option_line(&mut chart, s.points.iter().map(|p| (p.0, p.1)).collect(), s.index)?;
        }
        self.peaks(&mut chart)
    }
}
