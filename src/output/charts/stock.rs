//! `dormant_stock`: installations dormant at the end of each week, per option, at represented (GB) scale: the mean
//! over replications as a line and the 5th–95th percentile across replications as a shaded band.

use super::data::{Table, finite_max, option_names, rows_by_option};
use super::legend::{self, Key};
use super::{DrawResult, OutputError, Plot, RunDir, style, time};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One option's weekly series: (week end, mean, p05, p95), installations at GB scale.
struct Series {
    name: String,
    colour: RGBColor,
    points: Vec<(f64, f64, f64, f64)>,
}

pub struct Stock {
    series: Vec<Series>,
    replications: u32,
}

impl Stock {
    pub fn from_run(run: &RunDir) -> Result<Self, OutputError> {
        let t = Table::new(run, &run.weekly, "weekly.parquet");
        let s = &run.summary;
        let horizon_end = s.start_date.parse().ok().map(|d| time::days(d) + f64::from(s.horizon_days));
        let week_end: Vec<f64> =
            t.days("week_start")?.iter().map(|w| horizon_end.map_or(w + 7.0, |e| e.min(w + 7.0))).collect();
        let scaled = |name: &str| -> Result<Vec<f64>, OutputError> {
            Ok(t.f64s(name)?.iter().map(|v| v * s.scale_to_represented).collect())
        };
        let (mean, p05, p95) =
            (scaled("dormant_stock_mean")?, scaled("dormant_stock_p05")?, scaled("dormant_stock_p95")?);
        let names = option_names(run);
        let mut series = Vec::new();
        for (o, rows) in rows_by_option(&t.strs("option")?, &names).into_iter().enumerate() {
            let points: Vec<(f64, f64, f64, f64)> = rows
                .iter()
                .map(|&i| (week_end[i], mean[i], p05[i], p95[i]))
                .filter(|p| p.0.is_finite() && p.1.is_finite())
                .collect();
            if !points.is_empty() {
                series.push(Series { name: names[o].clone(), colour: style::option_colour(o), points });
            }
        }
        Ok(Stock { series, replications: s.replications })
    }

    /// The 5–95% band as a closed outline (weeks where both ends are known).
    fn band(s: &Series) -> Vec<(f64, f64)> {
        let known: Vec<_> = s.points.iter().filter(|p| p.2.is_finite() && p.3.is_finite()).collect();
        known.iter().map(|p| (p.0, p.3)).chain(known.iter().rev().map(|p| (p.0, p.2))).collect()
    }
}

impl Plot for Stock {
    const STEM: &'static str = "dormant_stock";

    fn title(&self) -> String {
        "Dormant installations over time, by option".to_string()
    }

    fn alt(&self) -> String {
        let lines: Vec<String> = self
            .series
            .iter()
            .map(|s| {
                let first = s.points.first().map_or(f64::NAN, |p| p.1);
                let last = s.points.last().map_or(f64::NAN, |p| p.1);
                let peak = finite_max(s.points.iter().map(|p| p.1));
                format!(
                    "{} from {} to {} at the end, highest {}",
                    s.name,
                    style::thousands(first),
                    style::thousands(last),
                    style::thousands(peak)
                )
            })
            .collect();
        format!(
            "Lines of the dormant installations at the end of each week at GB scale, one per option{}: {}.",
            if self.replications > 1 {
                ", with a shaded 5–95% band across replications (simulation noise only)"
            } else {
                ""
            },
            lines.join("; ")
        )
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.series.is_empty() {
            return style::empty(area, "The weekly table is empty: nothing to show.");
        }
        let mut keys: Vec<(Key, String)> = self.series.iter().map(|s| (Key::Line(s.colour), s.name.clone())).collect();
        if self.replications > 1 {
            keys.push((
                Key::Fill(style::MUTED.mix(0.25)),
                "shaded: 5–95% across replications (simulation noise only)".to_string(),
            ));
        }
        let area = &legend::row(area, &keys)?;
        let xs = || self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        let lo = xs().fold(f64::INFINITY, f64::min);
        let hi = finite_max(xs());
        let y_max =
            style::headroom(finite_max(self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1.max(p.3)))), 1.1);
        let panel = time::WeeklyPanel {
            caption: None,
            margin: 10,
            x_range: (lo, hi),
            y_max,
            y_labels: 8,
            x_desc: "Week ending",
            y_desc: "Dormant installations (GB scale)",
        };
        let mut chart = time::weekly_chart(area, &panel)?;
        for s in &self.series {
            chart.draw_series(std::iter::once(Polygon::new(Self::band(s), s.colour.mix(0.14).filled())))?;
        }
        for s in &self.series {
            chart.draw_series(LineSeries::new(s.points.iter().map(|p| (p.0, p.1)), s.colour.stroke_width(2)))?;
        }
        Ok(())
    }
}
