//! A numeric axis whose tick marks (bold) and grid lines (light) may be chosen by the caller: plotters'
//! `WithKeyPoints` cannot be used with `configure_mesh` on `f64`, so this small [`Ranged`] does the same. With
//! [`Keyed::auto`] the ticks are plotters' own and there are no light grid lines (they would otherwise crowd an axis
//! whose partner axis has light lines on chosen dates).

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use std::ops::Range;

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
