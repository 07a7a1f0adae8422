//! Shared look of the charts: embedded fonts, sizes, colours (one per option and stage, a dash pattern per option), text styles,
//! number formats, the title block and the "no data" note.

use super::DrawResult;
use crate::experiment::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::sync::Once;

/// Default image size (pixels).
pub const SIZE: (u32, u32) = (1000, 560);
/// The registered font family used by all text.
pub const FONT: &str = "sans-serif";
/// Space to the right of the plotting area, wide enough for the last x tick label.
pub const RIGHT_MARGIN: u32 = 44;

const REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Register DejaVu Sans (regular and bold) as `sans-serif`, once per process.
pub fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Both fonts are embedded and valid; a failure would surface as a font error when drawing text.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, REGULAR);
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, BOLD);
    });
}

/// Option colours (Tableau 10), by the option's position in the scenario; the first is the baseline.
const OPTION_COLOURS: [RGBColor; 8] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(89, 161, 79),
    RGBColor(225, 87, 89),
    RGBColor(176, 122, 161),
    RGBColor(118, 183, 178),
    RGBColor(156, 117, 95),
    RGBColor(237, 201, 72),
];

/// Stage colours (`Stage::ALL` order): the planned stages in purple, blues and green, the time lost after a missed
/// notified date in warm colours (ColorBrewer Paired/Dark2), distinct from the option colours.
const STAGE_COLOURS: [RGBColor; 8] = [
    RGBColor(117, 112, 179),
    RGBColor(166, 206, 227),
    RGBColor(31, 120, 180),
    RGBColor(51, 160, 44),
    RGBColor(230, 171, 2),
    RGBColor(217, 95, 2),
    RGBColor(231, 41, 138),
    RGBColor(150, 150, 150),
];

pub const INK: RGBColor = RGBColor(40, 40, 40);
pub const MUTED: RGBColor = RGBColor(100, 100, 100);
pub const GRID: RGBColor = RGBColor(232, 232, 232);
pub const AXIS: RGBColor = RGBColor(150, 150, 150);

pub fn option_colour(i: usize) -> RGBColor {
    OPTION_COLOURS[i % OPTION_COLOURS.len()]
}

/// Dash pattern (dash, gap in pixels) of option `i`'s line: the first solid (`None`), then dashed, dotted and
/// long-dashed, repeating.
pub fn dash(i: usize) -> Option<(u32, u32)> {
    [None, Some((10, 5)), Some((3, 4)), Some((18, 6))][i % 4]
}

/// Colour of stage `i` (`Stage::ALL` order; any later index gets grey).
pub fn stage_colour(i: usize) -> RGBColor {
    STAGE_COLOURS[i.min(STAGE_COLOURS.len() - 1)]
}

/// Whether white text reads better than ink on `c` (relative luminance below one half).
pub fn is_dark(c: RGBColor) -> bool {
    let RGBColor(r, g, b) = c;
    0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b) < 128.0
}

/// Text in the chart font.
pub fn text(size: f64, colour: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Normal).color(&colour)
}

pub fn bold(size: f64, colour: RGBColor) -> TextStyle<'static> {
    FontDesc::new(FontFamily::Name(FONT), size, FontStyle::Bold).color(&colour)
}

// Font sizes are even: the ab_glyph rasteriser places glyphs half a pixel apart at odd sizes (a full stop then
// sits visibly above the digits in the PNG).

/// Axis titles.
pub fn axis_title() -> TextStyle<'static> {
    text(14.0, INK)
}

/// Tick labels.
pub fn tick() -> TextStyle<'static> {
    text(12.0, MUTED)
}

/// Legend entries.
pub fn legend() -> TextStyle<'static> {
    text(14.0, INK)
}

/// Panel captions.
pub fn caption() -> TextStyle<'static> {
    bold(14.0, INK)
}

/// Background of a label drawn over the plotting area.
pub fn label_background() -> ShapeStyle {
    WHITE.mix(0.9).filled()
}

/// The run's context line under each title.
pub fn subtitle(s: &Summary) -> String {
    format!(
        "{} · {} replication{} · {} installations simulated × {} = {} represented (GB scale)",
        s.scenario,
        s.replications,
        if s.replications == 1 { "" } else { "s" },
        thousands(f64::from(s.installations)),
        if s.scale_to_represented.fract() == 0.0 {
            thousands(s.scale_to_represented)
        } else {
            trim(format!("{:.1}", s.scale_to_represented))
        },
        thousands(s.represents as f64),
    )
}

/// Draw the title and subtitle; return the area below them.
pub fn header<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    root.draw(&Text::new(title.to_string(), (16, 12), bold(22.0, INK)))?;
    root.draw(&Text::new(subtitle.to_string(), (16, 42), text(14.0, MUTED)))?;
    Ok(root.split_vertically(66).1)
}

/// A centred note in place of a chart that has nothing to show.
pub fn empty<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, note: &str) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let style = text(16.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(note.to_string(), (w as i32 / 2, h as i32 / 2), style))
}

/// Drop a trailing ".0" (or ".00").
fn trim(s: String) -> String {
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// Whole number with thousands separators: 13000000 → "13,000,000".
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 && digits != "0" { format!("-{out}") } else { out }
}

/// Compact count for axis ticks: 1500000 → "1.5m", 250000 → "250k", 40 → "40".
pub fn compact(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        trim(format!("{:.2}", v / 1e6)) + "m"
    } else if a >= 1e3 {
        trim(format!("{:.1}", v / 1e3)) + "k"
    } else {
        trim(format!("{v:.1}"))
    }
}

/// Upper end of a value axis: `max` plus headroom, never zero or NaN.
pub fn headroom(max: f64, factor: f64) -> f64 {
    if max.is_finite() && max > 0.0 { max * factor } else { 1.0 }
}
