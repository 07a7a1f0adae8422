//! `dormant_stock`: installations dormant at the end of each week, at represented (GB) scale, from the raw
//! replications (`replications.json`). Top panel: each option's mean over replications, one colour and dash pattern
//! per option, with the 95% confidence interval of the mean (Student t over replications) shaded. Bottom panel (with
//! more than one option): each option minus the baseline, paired by replication (common random numbers), with its
//! paired 95% CI — where the options' lines overlap at fleet scale, their difference is what separates them.

use super::data::finite_max;
use super::legend::{self, Key};
use super::time::{self, Weeks};
use super::{DrawResult, Plot, RunDir, style};
use crate::metrics::mean_ci95;
use plotters::coord::Shift;
use plotters::prelude::*;

/// One weekly series over replications: per week the mean and its 95% CI (None with one replication).
struct Series {
    name: String,
    /// The option's position in the scenario (its colour and dash pattern).
    index: usize,
    mean: Vec<f64>,
    ci: Vec<Option<[f64; 2]>>,
}

impl Series {
    /// Mean and t-interval per week of `per_rep` (one weekly series per replication, equal lengths).
    fn of(name: &str, index: usize, per_rep: &[Vec<f64>], weeks: usize) -> Self {
        let stats: Vec<_> = (0..weeks).map(|w| mean_ci95(&per_rep.iter().map(|r| r[w]).collect::<Vec<_>>())).collect();
        Series {
            name: name.to_string(),
            index,
            mean: stats.iter().map(|m| m.mean).collect(),
            ci: stats.iter().map(|m| m.ci95).collect(),
        }
    }
}

pub struct Stock {
    /// End of each week (days since 1970): where each week's stock is drawn.
    x: Vec<f64>,
    /// The mean stock per option.
    levels: Vec<Series>,
    /// Option − baseline, per non-baseline option.
    differences: Vec<Series>,
    baseline: String,
    replications: usize,
}

impl Stock {
    pub fn from_run(run: &RunDir) -> Self {
        let s = &run.summary;
        let names = super::data::option_names(run);
        let reps = &run.replications;
        // Per option (as long as every replication has it): the weekly stock of each replication at GB scale.
        let stocks: Vec<Vec<Vec<f64>>> = (0..names.len())
            .map_while(|o| {
                reps.iter()
                    .map(|r| {
                        let m = r.options.get(o)?;
                        Some(
                            m.weekly
                                .stock(m.initial_stock)
                                .iter()
                                .map(|&v| v as f64 * s.scale_to_represented)
                                .collect(),
                        )
                    })
                    .collect::<Option<Vec<Vec<f64>>>>()
            })
            .collect();
        let weeks = stocks.iter().flatten().map(Vec::len).min().unwrap_or(0);
        let calendar = Weeks::of(s);
        let x: Vec<f64> = (0..weeks).map(|w| calendar.end(w)).collect();
        let levels = if reps.is_empty() {
            Vec::new()
        } else {
            stocks.iter().enumerate().map(|(o, st)| Series::of(&names[o], o, st, weeks)).collect()
        };
        let differences = levels
            .iter()
            .skip(1)
            .map(|l| {
                let paired: Vec<Vec<f64>> = (0..reps.len())
                    .map(|r| (0..weeks).map(|w| stocks[l.index][r][w] - stocks[0][r][w]).collect())
                    .collect();
                Series::of(&l.name, l.index, &paired, weeks)
            })
            .collect();
        Stock { x, levels, differences, baseline: names.first().cloned().unwrap_or_default(), replications: reps.len() }
    }

    fn x_range(&self) -> (f64, f64) {
        (self.x.iter().copied().fold(f64::INFINITY, f64::min), finite_max(self.x.iter().copied()))
    }

    /// The 95% CI band of `s` as a closed outline (weeks with an interval).
    fn band(&self, s: &Series) -> Vec<(f64, f64)> {
        let known: Vec<(f64, [f64; 2])> =
            self.x.iter().zip(&s.ci).filter_map(|(x, c)| c.filter(|c| c[0].is_finite()).map(|c| (*x, c))).collect();
        known.iter().map(|(x, c)| (*x, c[1])).chain(known.iter().rev().map(|(x, c)| (*x, c[0]))).collect()
    }

    fn line(&self, s: &Series) -> Vec<(f64, f64)> {
        self.x.iter().zip(&s.mean).filter(|(_, m)| m.is_finite()).map(|(x, m)| (*x, *m)).collect()
    }

    fn panel<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        series: &[Series],
        (caption, x_desc, y_desc): (&str, &str, &str),
        zero_line: bool,
    ) -> DrawResult<DB> {
        let values = series
            .iter()
            .flat_map(|s| s.mean.iter().copied().chain(s.ci.iter().flatten().flat_map(|c| c.iter().copied())));
        let (lo, hi) = values.filter(|v| v.is_finite()).fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
        let pad = if hi > lo { 0.08 * (hi - lo) } else { 1.0 };
        let panel = time::WeeklyPanel {
            caption: Some(caption),
            margin: 8,
            x_range: self.x_range(),
            y_range: (if lo < 0.0 { lo - pad } else { 0.0 }, if hi > 0.0 { hi + pad } else { pad }),
            y_labels: 6,
            x_desc,
            y_desc,
        };
        let mut chart = time::weekly_chart(area, &panel)?;
        if zero_line {
            let (a, b) = self.x_range();
            chart.draw_series(std::iter::once(PathElement::new([(a, 0.0), (b, 0.0)], style::INK.stroke_width(1))))?;
        }
        for s in series {
            let band = self.band(s);
            if !band.is_empty() {
                chart.draw_series(std::iter::once(Polygon::new(
                    band,
                    style::option_colour(s.index).mix(0.22).filled(),
                )))?;
            }
        }
        for s in series {
            time::option_line(&mut chart, self.line(s), s.index)?;
        }
        Ok(())
    }

    /// A count for the text alternative: "1,234,567".
    fn gb(v: f64) -> String {
        style::thousands(v)
    }

    /// The first difference's value and CI in the last week, and its largest mean magnitude with the week's date.
    fn difference_alt(&self, d: &Series) -> String {
        let last = d.mean.len().saturating_sub(1);
        let ci =
            d.ci.get(last)
                .copied()
                .flatten()
                .map_or(String::new(), |[lo, hi]| format!(" (95% CI {} to {})", Self::gb(lo), Self::gb(hi)));
        let widest = (0..d.mean.len())
            .filter(|&w| d.mean[w].is_finite())
            .max_by(|&a, &b| d.mean[a].abs().total_cmp(&d.mean[b].abs()));
        let widest = widest.map_or(String::new(), |w| {
            format!(
                ", the widest gap {} on {}",
                Self::gb(d.mean[w]),
                time::date(self.x[w]).map_or(String::new(), |d| d.to_string())
            )
        });
        format!("{} {} at the end{ci}{widest}", d.name, Self::gb(d.mean.get(last).copied().unwrap_or(f64::NAN)))
    }
}

impl Plot for Stock {
    const STEM: &'static str = "dormant_stock";

    fn title(&self) -> String {
        "Dormant installations over time, by option".to_string()
    }

    fn alt(&self) -> String {
        let lines: Vec<String> = self
            .levels
            .iter()
            .map(|s| {
                let first = s.mean.first().copied().unwrap_or(f64::NAN);
                let last = s.mean.last().copied().unwrap_or(f64::NAN);
                format!("{} from {} to {}", s.name, Self::gb(first), Self::gb(last))
            })
            .collect();
        let on = |x: Option<&f64>| x.and_then(|x| time::date(*x)).map_or(String::new(), |d| d.to_string());
        let mut text = format!(
            "Dormant installations at GB scale, mean over {} replication{}, from the end of the first week ({}) to \
             the end of the run ({}): {}.",
            self.replications,
            if self.replications == 1 { "" } else { "s" },
            on(self.x.first()),
            on(self.x.last()),
            lines.join("; ")
        );
        if !self.differences.is_empty() {
            let diffs: Vec<String> = self.differences.iter().map(|d| self.difference_alt(d)).collect();
            text.push_str(&format!(
                " Difference from {} (option minus {}, paired, 95% CI simulation noise only): {}.",
                self.baseline,
                self.baseline,
                diffs.join("; ")
            ));
        }
        text
    }

    fn size(&self) -> (u32, u32) {
        (style::SIZE.0, if self.differences.is_empty() { style::SIZE.1 } else { 760 })
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.levels.is_empty() || self.x.is_empty() {
            return style::empty(area, "The run has no weekly results: nothing to show.");
        }
        let mut keys: Vec<(Key, String)> = self.levels.iter().map(|s| (Key::Option(s.index), s.name.clone())).collect();
        if self.replications > 1 {
            keys.push((
                Key::Fill(style::MUTED.mix(0.25)),
                format!("shaded: 95% CI of the mean over {} replications (simulation noise only)", self.replications),
            ));
        }
        let area = legend::row(area, &keys)?;
        let date = "Date (dormant at the end of each week)";
        if self.differences.is_empty() {
            return self.panel(&area, &self.levels, ("Dormant installations", date, "Installations (GB)"), false);
        }
        let (_, h) = area.dim_in_pixel();
        let (top, bottom) = area.split_vertically(h * 56 / 100);
        self.panel(
            &top,
            &self.levels,
            ("Dormant installations (mean over replications)", "", "Installations (GB)"),
            false,
        )?;
        let caption = format!(
            "Difference from {}: option − {} (paired by replication; below 0 = fewer dormant)",
            self.baseline, self.baseline
        );
        self.panel(&bottom, &self.differences, (&caption, date, "Difference (GB)"), true)
    }
}
