//! `capacity`: two panels at represented (GB) scale, per week and option. Top: DCC migration attempts (dormant and
//! active programme) against DCC's migration capacity (shaded grey up to it; left out where unlimited). Bottom:
//! SMSO configuration requests (solid) and the peak SMSO queue within the week (dashed). Each option keeps its
//! colour in both panels; a partial last week is left out (it holds fewer days, so it would fall at the edge).

use super::data::{Table, finite_max, option_names, pick, rows_by_option};
use super::legend::{self, Key};
use super::{DrawResult, OutputError, Plot, RunDir, style, time};
use plotters::coord::Shift;
use plotters::prelude::*;

/// One option's weekly series at GB scale, on the weeks' start days.
struct Series {
    name: String,
    colour: RGBColor,
    weeks: Vec<f64>,
    attempts: Vec<f64>,
    requests: Vec<f64>,
    queue: Vec<f64>,
}

pub struct Capacity {
    series: Vec<Series>,
    /// DCC capacity per week (the same for every option); NaN where unlimited.
    capacity: Vec<(f64, f64)>,
}

type Coords = time::WeeklyCoords;

/// Fill of the area under DCC's capacity.
const CAPACITY: RGBColor = RGBColor(236, 236, 236);

/// Runs of consecutive finite points (a line is broken where the value is NaN).
fn finite_runs(points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    points.split(|p| !(p.0.is_finite() && p.1.is_finite())).filter(|r| !r.is_empty()).map(<[_]>::to_vec).collect()
}

impl Capacity {
    pub fn from_run(run: &RunDir) -> Result<Self, OutputError> {
        let t = Table::new(run, &run.weekly, "weekly.parquet");
        let scale = run.summary.scale_to_represented;
        let scaled =
            |name: &str| -> Result<Vec<f64>, OutputError> { Ok(t.f64s(name)?.iter().map(|v| v * scale).collect()) };
        let calendar = time::Weeks::of(&run.summary);
        // Whole weeks only: a partial last week's flows and capacity are for fewer days.
        let week: Vec<f64> =
            t.days("week_start")?.into_iter().map(|d| if calendar.is_full_at(d) { d } else { f64::NAN }).collect();
        let (attempts, cap) = (scaled("dcc_attempts_mean")?, scaled("dcc_capacity")?);
        let (requests, queue) = (scaled("smso_requests_mean")?, scaled("smso_waiting_peak_mean")?);
        let names = option_names(run);
        let mut series = Vec::new();
        let mut capacity = Vec::new();
        for (o, rows) in rows_by_option(&t.strs("option")?, &names).into_iter().enumerate() {
            if rows.is_empty() {
                continue;
            }
            if capacity.is_empty() {
                capacity = rows.iter().map(|&i| (week[i], cap[i])).collect();
            }
            series.push(Series {
                name: names[o].clone(),
                colour: style::option_colour(o),
                weeks: pick(&week, &rows),
                attempts: pick(&attempts, &rows),
                requests: pick(&requests, &rows),
                queue: pick(&queue, &rows),
            });
        }
        Ok(Capacity { series, capacity })
    }

    fn x_range(&self) -> (f64, f64) {
        let xs = || self.series.iter().flat_map(|s| s.weeks.iter().copied()).filter(|x| x.is_finite());
        (xs().fold(f64::INFINITY, f64::min), finite_max(xs()))
    }

    fn panel<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        caption: &str,
        y_max: f64,
        (x_desc, y_desc): (&str, &str),
    ) -> Result<ChartContext<'a, DB, Coords>, DrawingAreaErrorKind<DB::ErrorType>> {
        let panel = time::WeeklyPanel {
            caption: Some(caption),
            margin: 8,
            x_range: self.x_range(),
            y_range: (0.0, y_max),
            y_labels: 6,
            x_desc,
            y_desc,
        };
        time::weekly_chart(area, &panel)
    }

    fn dcc<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let values = self.series.iter().flat_map(|s| s.attempts.iter()).chain(self.capacity.iter().map(|c| &c.1));
        let y_max = style::headroom(finite_max(values.copied()), 1.15);
        let caption = "DCC migration attempts per week (dormant and active programme); shaded: DCC capacity";
        let mut chart = self.panel(area, caption, y_max, ("", "Attempts per week (GB)"))?;
        for run in finite_runs(&self.capacity) {
            let outline: Vec<(f64, f64)> =
                run.iter().copied().chain(run.iter().rev().map(|(x, _)| (*x, 0.0))).collect();
            chart.draw_series(std::iter::once(Polygon::new(outline, CAPACITY.filled())))?;
            chart.draw_series(std::iter::once(PathElement::new(run, style::AXIS.stroke_width(1))))?;
        }
        for s in &self.series {
            let points: Vec<(f64, f64)> = s.weeks.iter().copied().zip(s.attempts.iter().copied()).collect();
            for run in finite_runs(&points) {
                chart.draw_series(LineSeries::new(run, s.colour.stroke_width(2)))?;
            }
        }
        Ok(())
    }

    fn smso<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let values = self.series.iter().flat_map(|s| s.requests.iter().chain(&s.queue));
        let y_max = style::headroom(finite_max(values.copied()), 1.15);
        let caption = "SMSO configuration requests per week (solid) and peak SMSO queue in the week (dashed)";
        let mut chart = self.panel(area, caption, y_max, ("Week starting", "Installations (GB)"))?;
        for s in &self.series {
            let line = |v: &[f64]| finite_runs(&s.weeks.iter().copied().zip(v.iter().copied()).collect::<Vec<_>>());
            for run in line(&s.requests) {
                chart.draw_series(LineSeries::new(run, s.colour.stroke_width(2)))?;
            }
            for run in line(&s.queue) {
                chart.draw_series(DashedLineSeries::new(run, 6, 4, s.colour.stroke_width(2)))?;
            }
        }
        Ok(())
    }

    /// Options by colour (the same in both panels; each panel's caption says which line is which), then the
    /// capacity area.
    fn keys(&self) -> Vec<(Key, String)> {
        let mut keys: Vec<(Key, String)> = self.series.iter().map(|s| (Key::Line(s.colour), s.name.clone())).collect();
        if self.capacity.iter().any(|c| c.1.is_finite()) {
            keys.push((Key::Fill(CAPACITY.into()), "DCC capacity per week (top)".to_string()));
        }
        keys
    }
}

impl Plot for Capacity {
    const STEM: &'static str = "capacity";

    fn title(&self) -> String {
        "DCC migration capacity and SMSO load, per week".to_string()
    }

    fn alt(&self) -> String {
        let capacity = finite_max(self.capacity.iter().map(|c| c.1));
        let whole = self.capacity.iter().filter(|c| c.0.is_finite()).count();
        let per_option: Vec<String> = self
            .series
            .iter()
            .map(|s| {
                let at_capacity = s.attempts.iter().zip(&self.capacity).filter(|(a, c)| **a >= 0.99 * c.1).count();
                let bound = if capacity.is_finite() {
                    format!("attempts at DCC capacity (99% or more) in {at_capacity} of {whole} weeks, ")
                } else {
                    String::new()
                };
                format!(
                    "{} {bound}at most {} attempts and {} SMSO requests in a week, SMSO queue at most {}",
                    s.name,
                    style::thousands(finite_max(s.attempts.iter().copied())),
                    style::thousands(finite_max(s.requests.iter().copied())),
                    style::thousands(finite_max(s.queue.iter().copied()))
                )
            })
            .collect();
        let cap = if capacity.is_finite() {
            format!("DCC capacity is up to {} migration attempts per week", style::thousands(capacity))
        } else {
            "DCC capacity is unlimited".to_string()
        };
        format!(
            "Weekly DCC migration attempts (dormant and active programme) against DCC's capacity, and SMSO \
             configuration requests with the peak SMSO queue, GB scale, whole weeks only. {cap}; {}.",
            per_option.join("; ")
        )
    }

    fn size(&self) -> (u32, u32) {
        (style::SIZE.0, 680)
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        if self.series.is_empty() {
            return style::empty(area, "The weekly table is empty: nothing to show.");
        }
        let area = legend::row(area, &self.keys())?;
        let (_, h) = area.dim_in_pixel();
        let (top, bottom) = area.split_vertically(h / 2);
        self.dcc(&top)?;
        self.smso(&bottom)
    }
}
