//! Date axes without plotters' `datetime` feature: x is days since 1970-01-01 (f64), with tick marks on the first
//! of the month (every 1, 2, 3, 6 or 12·k months so the labels fit) and light grid lines on every month; the run's
//! weeks ([`Weeks`]: named by their first day, the last one possibly partial); and one line style per option.
//!
//! Weekly flows (cases, effort, attempts, requests) are drawn at their week's first day ("Week starting") and a
//! partial last week is left out of them (it holds fewer days' work, so it would fall at the right edge); levels
//! (the dormant stock) are drawn at the date they are measured, the end of each week.

use super::keyed::Keyed;
use super::style;
use crate::experiment::{Summary, days_in_week};
use chrono::{Datelike, Days, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

/// Coordinates of a weekly time chart: dates (days since 1970) against a value.
pub type WeeklyCoords = Cartesian2d<Keyed, Keyed>;

/// How a weekly time panel is laid out.
pub struct WeeklyPanel<'s> {
    pub caption: Option<&'s str>,
    pub margin: u32,
    /// First and last x (days since 1970).
    pub x_range: (f64, f64),
    /// Lowest and highest y.
    pub y_range: (f64, f64),
    pub y_labels: usize,
    pub x_desc: &'s str,
    pub y_desc: &'s str,
}

/// A chart with monthly date ticks on x, compact numbers on y, and the shared grid and text styles; the
/// mesh is drawn, the caller adds the series.
pub fn weekly_chart<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    p: &WeeklyPanel,
) -> Result<ChartContext<'a, DB, WeeklyCoords>, DrawingAreaErrorKind<DB::ErrorType>> {
    let mut builder = ChartBuilder::on(area);
    if let Some(caption) = p.caption {
        builder.caption(caption, style::caption());
    }
    let mut chart = builder
        .margin(p.margin)
        .margin_right(style::RIGHT_MARGIN)
        .x_label_area_size(if p.x_desc.is_empty() { 28 } else { 50 })
        .y_label_area_size(72)
        .build_cartesian_2d(axis(p.x_range.0, p.x_range.1, 12), Keyed::auto(p.y_range.0..p.y_range.1))?;
    chart
        .configure_mesh()
        .bold_line_style(style::GRID)
        .light_line_style(style::GRID.mix(0.45))
        .axis_style(style::AXIS)
        .y_labels(p.y_labels)
        .x_label_formatter(&label)
        .y_label_formatter(&|v| style::compact(*v))
        .x_desc(p.x_desc)
        .y_desc(p.y_desc)
        .axis_desc_style(style::axis_title())
        .label_style(style::tick())
        .draw()?;
    Ok(chart)
}

/// Draw `points` as option `o`'s line: solid for the first option, then dashed and dotted patterns, so options
/// stay apart where their lines overlap (and in grey print). The legend's [`super::legend::Key::Option`] matches.
pub fn option_line<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, WeeklyCoords>,
    points: Vec<(f64, f64)>,
    o: usize,
) -> super::DrawResult<DB> {
    let stroke = style::option_colour(o).stroke_width(2);
    match style::dash(o) {
        None => chart.draw_series(LineSeries::new(points, stroke)).map(|_| ()),
        Some((size, gap)) => chart.draw_series(DashedLineSeries::new(points, size, gap, stroke)).map(|_| ()),
    }
}

/// The run's weeks: week w covers days 7w .. 7w+6 from the start date; the last is cut short when the horizon is
/// not a whole number of weeks.
pub struct Weeks {
    /// The start date, days since 1970 (NaN when unreadable).
    start: f64,
    horizon_days: i32,
}

impl Weeks {
    pub fn of(s: &Summary) -> Self {
        let start = s.start_date.parse::<NaiveDate>().map_or(f64::NAN, days);
        Weeks { start, horizon_days: s.horizon_days }
    }

    /// First day of week `w`.
    pub fn start(&self, w: usize) -> f64 {
        self.start + 7.0 * w as f64
    }

    /// End of week `w` (the first day of the next week, or the end of the horizon).
    pub fn end(&self, w: usize) -> f64 {
        self.start + f64::from((7 * (w as i32 + 1)).min(self.horizon_days))
    }

    /// Whether week `w` has all 7 days inside the horizon.
    pub fn is_full(&self, w: usize) -> bool {
        days_in_week(self.horizon_days, w) == 7
    }

    /// Whether the week whose first day is `day` (days since 1970) is whole; false for a day that starts no week.
    pub fn is_full_at(&self, day: f64) -> bool {
        let w = (day - self.start) / 7.0;
        w.is_finite() && w >= 0.0 && w.fract() == 0.0 && self.is_full(w as usize)
    }
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");

/// Date of `days` since 1970-01-01.
pub fn date(days: f64) -> Option<NaiveDate> {
    if !days.is_finite() || days < 0.0 {
        return None;
    }
    EPOCH.checked_add_days(Days::new(days.round() as u64))
}

/// Days since 1970-01-01 of `d`.
pub fn days(d: NaiveDate) -> f64 {
    (d - EPOCH).num_days() as f64
}

/// Tick label: "Jul 2020" on the first of a month, "8 Jul 2020" otherwise.
pub fn label(days: &f64) -> String {
    match date(*days) {
        Some(d) if d.day() == 1 => d.format("%b %Y").to_string(),
        Some(d) => d.format("%-d %b %Y").to_string(),
        None => String::new(),
    }
}

/// First days of months in [lo, hi].
fn month_starts(lo: f64, hi: f64) -> Vec<NaiveDate> {
    let (Some(a), Some(b)) = (date(lo.ceil()), date(hi.floor())) else { return Vec::new() };
    let mut m = NaiveDate::from_ymd_opt(a.year(), a.month(), 1).expect("first of month");
    let mut out = Vec::new();
    while m <= b && out.len() < 10_000 {
        if m >= a {
            out.push(m);
        }
        let Some(next) = m.checked_add_months(chrono::Months::new(1)) else { break };
        m = next;
    }
    out
}

/// An x axis over [lo, hi] days with at most `max_labels` labelled ticks.
pub fn axis(lo: f64, hi: f64, max_labels: usize) -> Keyed {
    let lo = if lo.is_finite() { lo } else { 0.0 };
    let (lo, hi) = if hi.is_finite() && hi > lo { (lo, hi) } else { (lo - 7.0, lo + 7.0) };
    let months = month_starts(lo, hi);
    // Light lines on every month unless there are too many to read.
    let light: Vec<f64> = if months.len() <= 60 { months.iter().map(|&m| days(m)).collect() } else { Vec::new() };
    let bold: Vec<f64> = if months.len() >= 2 {
        let fits = |s: &usize| months.len().div_ceil(*s) <= max_labels.max(1);
        let step =
            [1, 2, 3, 6, 12].into_iter().find(fits).unwrap_or(months.len().div_ceil(max_labels.max(1) * 12) * 12);
        let step = step as i64;
        let index = |m: &NaiveDate| m.year() as i64 * 12 + i64::from(m.month0());
        months.iter().filter(|m| index(m) % step == 0).map(|&m| days(m)).collect()
    } else {
        let step = ((hi - lo) / 7.0 / max_labels as f64).ceil().max(1.0) * 7.0;
        (0..=max_labels).map(|k| lo + step * k as f64).take_while(|x| *x <= hi).collect()
    };
    Keyed::new(lo..hi, bold, light)
}
