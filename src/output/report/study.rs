//! The report page of a multi-run study (`dormsim uncertainty`): the same page, sections, tables, figures and
//! styles as a run's report ([`super::html`], [`super::markdown`]), with the study's own sections.

use super::fmt::{count, esc, gb, md_esc, num, pct};
use super::grid::Cell;
use super::html::{CSS, Outline, analysis_section, contents, section_start};
use super::sections::Section;
use crate::output::OutputError;
use crate::output::charts::Chart;
use crate::output::report::figures::Figures;
use std::fmt::Write;
use std::path::Path;

/// A study's page as data.
pub struct StudyPage<'a> {
    pub kicker: &'a str,
    pub title: String,
    pub lede: Option<String>,
    /// One line: version, scenario, hash, seed, design, overrides.
    pub runline: String,
    pub version: &'a str,
    pub sections: Vec<Section>,
    /// The command that rebuilds or reproduces the page.
    pub footer: String,
}

fn outline(page: &StudyPage) -> Outline {
    let mut out: Outline = page.sections.iter().map(|s| (s.id.to_string(), s.title.clone())).collect();
    out.push(("charts".to_string(), "All charts".to_string()));
    out
}

/// `report.html` of the study, with `charts` inlined.
pub fn html(page: &StudyPage, charts: &[Chart]) -> String {
    let mut h = String::with_capacity(128 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"dormsim {}\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(page.version),
        esc(&page.title)
    );
    let _ = write!(h, "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n", esc(page.kicker), esc(&page.title));
    if let Some(l) = &page.lede {
        let _ = writeln!(h, "<p class=\"lede\">{}</p>", esc(l));
    }
    let _ = write!(h, "<p class=\"runline\">{}</p>\n</header>\n", esc(&page.runline));
    let outline = outline(page);
    contents(&mut h, &outline);
    let mut figures = Figures::new(charts);
    for section in &page.sections {
        analysis_section(&mut h, &outline, section, &mut figures);
    }
    section_start(&mut h, &outline, "charts");
    figures.rest(&mut h);
    h.push_str("</section>\n");
    let _ = write!(h, "<footer>{}</footer>\n</main>\n</body>\n</html>\n", esc(&page.footer));
    h
}

/// `summary.md` of the study; every chart linked as PNG with its text alternative.
pub fn markdown(page: &StudyPage, charts: &[Chart]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md_esc(&page.title));
    if let Some(l) = &page.lede {
        let _ = writeln!(out, "{}\n", md_esc(l));
    }
    let _ = writeln!(out, "{}", md_esc(&page.runline));
    for section in &page.sections {
        super::markdown::analysis_section(&mut out, section);
    }
    out.push_str("\n## All charts\n\n");
    for c in charts {
        let _ = writeln!(out, "![{}](charts/{}.png)\n", md_esc(&c.alt), c.stem);
    }
    let _ = writeln!(out, "---\n{}", md_esc(&page.footer));
    out
}

/// Write the study's `report.html` and `summary.md` into `dir`; return the files (relative names).
pub fn write(dir: &Path, page: &StudyPage, charts: &[Chart]) -> Result<Vec<String>, OutputError> {
    let mut files = Vec::new();
    for (name, text) in [("report.html", html(page, charts)), ("summary.md", markdown(page, charts))] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| OutputError::io(&path, e))?;
        files.push(name.to_string());
    }
    Ok(files)
}

/// A value in its unit: shares as percentages, GB installation-days in three figures, counts grouped, the rest
/// (WD, FTE) with 2 decimals.
pub(super) fn value(x: f64, unit: &str) -> String {
    match unit {
        "share" => pct(x),
        u if u.starts_with("installation-days") => gb(x),
        u if u.starts_with("installations") => count(x),
        _ => num(x, 2),
    }
}

/// A mean with its 95% CI on a second line ("95% CI a to b"), in its unit.
pub(super) fn value_cell(mean: f64, ci95: Option<[f64; 2]>, unit: &str) -> Cell {
    let sub = ci95.map(|[lo, hi]| format!("95% CI {} to {}", value(lo, unit), value(hi, unit)));
    Cell::with(value(mean, unit), sub)
}

/// "dormsim V · scenario S (hash H) · seed N · … · overrides: …" for a study's run line.
pub(super) fn runline(
    version: &str,
    scenario: &str,
    hash: &str,
    seed: u64,
    design: &str,
    overrides: &[String],
) -> String {
    let changed = if overrides.is_empty() { String::new() } else { format!(" · overrides: {}", overrides.join(", ")) };
    format!(
        "dormsim {version} · scenario {scenario} (hash {}) · seed {seed} · {design}{changed}",
        hash.get(..12).unwrap_or(hash)
    )
}

/// The footer of a study page: how to rebuild and reproduce it.
pub(super) fn footer(version: &str, command: &str) -> String {
    format!(
        "Generated by dormsim {version} from this folder's {command} results; `dormsim report` on the folder rebuilds \
         this page, and rerunning the manifest's command (scenario, overrides, seed, version) reproduces every number."
    )
}
