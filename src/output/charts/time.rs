//! Date axes without plotters' `datetime` feature: x is days since 1970-01-01 (f64), with tick marks on the first
//! of the month (every 1, 2, 3, 6 or 12·k months so the labels fit) and light grid lines on every month.

use super::keyed::Keyed;
use super::style;
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
    pub y_max: f64,
    pub y_labels: usize,
    pub x_desc: &'s str,
    pub y_desc: &'s str,
}

/// A chart with monthly date ticks on x, compact numbers on y from 0, and the shared grid and text styles; the
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
        .build_cartesian_2d(axis(p.x_range.0, p.x_range.1, 12), Keyed::auto(0.0..p.y_max))?;
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
