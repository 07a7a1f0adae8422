//! Charts (plotters), each written as SVG and PNG from a finished run's tables ([`RunDir`]).
//!
//! Every chart is a pure function of the run folder: its data is read from the tables and `summary.json` into a
//! small struct implementing [`Plot`], which draws on any plotters backend, so the SVG (inlined in the report) and
//! the PNG are drawn by the same code. Text uses the embedded DejaVu Sans font ([`style::register_fonts`]), so
//! rendering needs no system fonts. Odd data (empty tables, one option, NaN) gives a chart with a note, never a
//! panic.

mod breakdown;
mod capacity;
pub(crate) mod compare;
mod data;
mod decomposition;
mod distribution;
mod keyed;
mod legend;
mod manual;
mod manual_extra;
mod reduction;
mod stock;
pub(crate) mod style;
mod time;
pub(crate) mod tornado;
pub(crate) mod uncertainty;

pub use reduction::x_range as reduction_x_range;

use super::{OutputError, RunDir};
use crate::scenario::Scenario;
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fs;
use std::path::Path;

/// One chart written to disk: its file stem (in `charts/`), title, a text alternative describing what it shows
/// (for screen readers and the Markdown summary), and SVG text for inlining in the report.
pub struct Chart {
    pub stem: String,
    pub title: String,
    pub alt: String,
    pub svg: String,
}

/// What drawing on a backend returns.
type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// A chart's data, ready to draw on any backend.
trait Plot {
    /// File stem in `charts/`.
    const STEM: &'static str;
    fn title(&self) -> String;
    /// What the chart shows, in words and with its main values (the text alternative of the image).
    fn alt(&self) -> String;
    /// Image size in pixels.
    fn size(&self) -> (u32, u32) {
        style::SIZE
    }
    /// Draw into `area` (below the title and subtitle).
    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB>;
}

/// Draw every chart of `run` into `dir/charts/` (PNG and SVG); return the charts and the files written (relative).
pub fn render_all(run: &RunDir, dir: &Path) -> Result<(Vec<Chart>, Vec<String>), OutputError> {
    style::register_fonts();
    let folder = dir.join("charts");
    fs::create_dir_all(&folder).map_err(|e| OutputError::io(&folder, e))?;
    let changes = super::labels::scenario_changes(&run.manifest.overrides);
    let subtitle = match changes.is_empty() {
        true => style::subtitle(&run.summary),
        false => format!("{} · changed: {}", style::subtitle(&run.summary), changes.join(", ")),
    };
    let scenario = scenario_of(run)?;
    let mut files = Vec::new();
    let charts = vec![
        render(&distribution::Distribution::from_run(run)?, &subtitle, dir, &mut files)?,
        render(&reduction::Reduction::from_run(run), &subtitle, dir, &mut files)?,
        render(&stock::Stock::from_run(run), &subtitle, dir, &mut files)?,
        render(&manual::Manual::from_run(run, &scenario), &subtitle, dir, &mut files)?,
        render(&manual_extra::ManualExtra::from_run(run, &scenario), &subtitle, dir, &mut files)?,
        render(&capacity::Capacity::from_run(run)?, &subtitle, dir, &mut files)?,
        render(&decomposition::Decomposition::from_run(run)?, &subtitle, dir, &mut files)?,
        render(&breakdown::Breakdown::from_run(run), &subtitle, dir, &mut files)?,
    ];
    Ok((charts, files))
}

/// The run's scenario as simulated (the file as read with the run's overrides), for the staff effort per case.
fn scenario_of(run: &RunDir) -> Result<Scenario, OutputError> {
    let m = &run.manifest;
    Scenario::load(&run.scenario_text, &m.scenario_source, &m.overrides)
        .map_err(|e| OutputError::Read { path: run.dir.join("scenario.toml"), message: e.to_string() })
}

/// Escape text for SVG/XML content and attribute values.
fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The SVG with its text alternative built in: `role="img"` and `aria-label` on the root element and a `<title>`
/// as its first child (the accessible name, and a tooltip in browsers), so the file alone is accessible.
fn with_alt(svg: &str, alt: &str) -> String {
    let Some(start) = svg.find("<svg") else { return svg.to_string() };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else { return svg.to_string() };
    let alt = xml_escape(alt);
    format!("{} role=\"img\" aria-label=\"{alt}\">\n<title>{alt}</title>{}", &svg[..end], &svg[end + 1..])
}

/// Draw `plot` as `charts/<stem>.svg` and `.png` under `dir`; record both files in `files`.
fn render<P: Plot>(plot: &P, subtitle: &str, dir: &Path, files: &mut Vec<String>) -> Result<Chart, OutputError> {
    let (svg_name, png_name) = (format!("charts/{}.svg", P::STEM), format!("charts/{}.png", P::STEM));
    let (svg_path, png_path) = (dir.join(&svg_name), dir.join(&png_name));
    let chart_error = |path: &Path, e: &dyn std::fmt::Display| OutputError::Chart {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, plot.size()).into_drawing_area();
        draw_on(plot, subtitle, &root).map_err(|e| chart_error(&svg_path, &e))?;
    }
    let svg = with_alt(&svg, &plot.alt());
    fs::write(&svg_path, &svg).map_err(|e| OutputError::io(&svg_path, e))?;
    let root = BitMapBackend::new(&png_path, plot.size()).into_drawing_area();
    draw_on(plot, subtitle, &root).map_err(|e| chart_error(&png_path, &e))?;
    files.extend([svg_name, png_name]);
    Ok(Chart { stem: P::STEM.to_string(), title: plot.title(), alt: plot.alt(), svg })
}

/// White background, title, subtitle, then the plot; flush the backend.
fn draw_on<P: Plot, DB: DrawingBackend>(plot: &P, subtitle: &str, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let body = style::header(root, &plot.title(), subtitle)?;
    plot.draw(&body)?;
    root.present()
}
