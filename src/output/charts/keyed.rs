//! A numeric axis whose tick marks (bold) and grid lines (light) may be chosen by the caller: plotters'
//! `WithKeyPoints` cannot be used with `configure_mesh` on `f64`, so this small [`Ranged`] does the same. With
//! [`Keyed::auto`] the ticks are plotters' own and there are no light grid lines (they would otherwise crowd an axis
//! whose partner axis has light lines on chosen dates).

use super::{DrawResult, style};
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use std::ops::Range;

/// A chart with a numeric x axis and one row per option on a keyed y axis (reduction, decomposition).
pub type OptionRows = Cartesian2d<RangedCoordf64, Keyed>;

/// The mesh those charts share: grid on x only, x ticks by `x_fmt`, one y label per row from `row_label`, and an x
/// axis title (empty for none).
pub fn option_rows_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<DB, OptionRows>,
    x_fmt: &dyn Fn(&f64) -> String,
    row_label: &dyn Fn(&f64) -> String,
    x_desc: &str,
) -> DrawResult<DB> {
    chart
        .configure_mesh()
        .bold_line_style(style::GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(style::AXIS)
        .x_labels(10)
        .x_label_formatter(x_fmt)
        .y_label_formatter(row_label)
        .x_desc(x_desc)
        .axis_desc_style(style::axis_title())
        .label_style(style::tick())
        .y_label_style(style::text(14.0, style::INK))
        .draw()
}

#[derive(Clone)]
pub struct Keyed {
    range: Range<f64>,
    /// Labelled ticks; `None` = plotters' automatic ones.
    bold: Option<Vec<f64>>,
    light: Vec<f64>,
}

impl Keyed {
    /// `range` with labelled ticks at `bold` and light grid lines at `light`.
    pub fn new(range: Range<f64>, bold: Vec<f64>, light: Vec<f64>) -> Self {
        Keyed { range, bold: Some(bold), light }
    }

    /// `range` with automatic ticks and no light grid lines.
    pub fn auto(range: Range<f64>) -> Self {
        Keyed { range, bold: None, light: Vec::new() }
    }

    fn inner(&self) -> RangedCoordf64 {
        self.range.clone().into()
    }
}

impl Ranged for Keyed {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner().map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            return self.light.clone();
        }
        self.bold.clone().unwrap_or_else(|| self.inner().key_points(hint))
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

impl ValueFormatter<f64> for Keyed {
    fn format(value: &f64) -> String {
        format!("{value}")
    }
}
