//! `report.html` (self-contained: inline CSS and SVG, no scripts, no external requests) and `summary.md`, from a
//! finished run's files ([`RunDir`]) only, so `dormsim report RUN_DIR` rebuilds them byte for byte. Nothing in
//! them depends on the clock or the folder's path.
//!
//! - [`findings`] (led by [`headline`]): the headline findings in words; [`grid`]: the result tables;
//!   [`sections`]: the analysis sections (who gains, what dormancy is spent on, notified dates, fast-track share,
//!   partial dormancy) with their tables ([`breakdown`]) and a contrast the summary lacks ([`contrast`]); all
//!   rendered by [`html`] (figures by [`figures`]) and [`markdown`];
//! - [`validation`]: the scenario's public figures against the model, and the model's known limitations (a section);
//! - [`assumptions`]: every key of the scenario file with its `#` source note;
//! - [`study`]: the page of a multi-run study ([`sweep`], [`plan`], [`sensitivity`], [`uncertainty`]) from the
//!   same sections, tables and figures;
//! - [`methods`]: the static methods text (rules R1–R21); [`fmt`]: number formatting and escaping.

mod assumptions;
mod breakdown;
pub mod compare;
mod contrast;
mod figures;
mod findings;
pub(crate) mod fmt;
mod grid;
mod groups;
mod headline;
mod html;
mod markdown;
mod methods;
pub mod plan;
mod sections;
pub mod sensitivity;
pub mod study;
pub mod sweep;
pub mod uncertainty;
pub mod validation;

use super::charts::{self, Chart};
use super::{OutputError, RunDir};
use std::fs;
use std::path::Path;

/// Build charts, `report.html` and `summary.md` for `run` into `dir`; return the files written (relative paths).
pub fn build(run: &RunDir, dir: &Path) -> Result<Vec<String>, OutputError> {
    let (charts, mut files) = charts::render_all(run, dir)?;
    for (name, text) in [("report.html", html(run, &charts)), ("summary.md", markdown(run, &charts))] {
        let path = dir.join(name);
        fs::write(&path, text).map_err(|e| OutputError::io(&path, e))?;
        files.push(name.to_string());
    }
    Ok(files)
}

/// The text of `report.html` for `run` with `charts` inlined in order (none is fine).
pub fn html(run: &RunDir, charts: &[Chart]) -> String {
    html::page(run, charts)
}

/// A value in its unit as the study reports write it (for the study charts).
pub fn study_value(x: f64, unit: &str) -> String {
    study::value(x, unit)
}

/// The text of `summary.md` for `run`, linking `charts` (PNG) with their text alternatives.
pub fn markdown(run: &RunDir, charts: &[Chart]) -> String {
    markdown::summary(run, charts)
}
