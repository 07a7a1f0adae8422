//! `summary.md`: the headline tables, the findings and the analysis sections ([`super::sections`]) in Markdown, for
//! pasting into documents. Figures are linked as `charts/<stem>.png` with a text alternative.

use super::findings::{self, Span};
use super::fmt::md_esc;
use super::grid::{self, Cell, Row, Table};
use super::html::{TITLE, run_line};
use super::sections::{self, Block, Section};
use crate::output::charts::Chart;
use crate::output::{RunDir, labels};
use std::fmt::Write;

/// A cell as "value (second line)"; an interval's "95% CI" prefix is dropped (the text above says so).
fn cell(c: &Cell) -> String {
    match c.sub.as_deref().map(|s| s.strip_prefix("95% CI ").unwrap_or(s)) {
        Some(s) => format!("{} ({})", md_esc(&c.main), md_esc(s)),
        None => md_esc(&c.main),
    }
}

fn table(out: &mut String, t: &Table) {
    let head: Vec<String> = t.head.iter().map(|h| md_esc(h)).collect();
    let _ = writeln!(out, "| {} |", head.join(" | "));
    let align: Vec<&str> = (0..t.head.len()).map(|i| if i == 0 { "---" } else { "---:" }).collect();
    let _ = writeln!(out, "| {} |", align.join(" | "));
    for row in &t.rows {
        match row {
            Row::Section(title) => {
                let _ = writeln!(out, "| **{}** |{}", md_esc(title), " |".repeat(t.head.len() - 1));
            }
            Row::Cells(cells) => {
                let cells: Vec<String> = cells.iter().map(cell).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
        }
    }
    out.push('\n');
}

fn spans(out: &mut String, items: &[Span]) {
    for span in items {
        match span {
            Span::Text(t) => out.push_str(&md_esc(t)),
            Span::Strong(t) => {
                let _ = write!(out, "**{}**", md_esc(t));
            }
        }
    }
}

/// The whole file: a figure placed in an analysis section takes its chart's text alternative, and the other
/// charts follow under "Charts".
pub fn summary(run: &RunDir, charts: &[Chart]) -> String {
    let s = &run.summary;
    let mut out = String::new();
    let modified = if labels::scenario_changes(&run.manifest.overrides).is_empty() { "" } else { " (modified)" };
    let _ = writeln!(out, "# {TITLE}: {}{modified}\n", md_esc(&s.scenario));
    let _ = writeln!(out, "{}\n", md_esc(&run_line(run)));
    let changes = labels::scenario_changes(&run.manifest.overrides);
    if !changes.is_empty() {
        let _ = writeln!(out, "**Changed from the scenario file for this run:** `{}`\n", changes.join("`, `"));
    }
    out.push_str("## Options\n\n");
    let timelines = labels::timelines(&run.manifest.resolved_scenario);
    for (i, (name, o)) in s.options.iter().enumerate() {
        let role = if i == 0 { " (baseline for comparisons)" } else { "" };
        let changed = labels::option_changes(&run.manifest.overrides, name);
        let note = if changed.is_empty() {
            String::new()
        } else {
            format!(" (changed for this run: `{}`; the description is the file's)", changed.join("`, `"))
        };
        let _ = writeln!(out, "- **{}**{role}: {}{note}", md_esc(name), md_esc(&o.description));
        if let Some((_, t)) = timelines.iter().find(|(n, _)| n == name) {
            let _ = writeln!(out, "  - as run: {}", md_esc(t));
        }
    }
    let _ = writeln!(
        out,
        "\n## Headline per option\n\nMeans per replication; in brackets the 95% confidence interval (Student t over {}) \
         or the count at GB scale. Every interval here is **simulation noise only**, not input uncertainty (see \
         `dormsim uncertainty`, and \u{201c}Validation and limitations\u{201d} below). WD = working days ({} calendar). Dormancy columns: installations that went dormant \
         in the run and were migrated in it, all populations together (see \u{201c}Who gains\u{201d} for each \
         population).\n",
        super::fmt::replications(s.replications),
        md_esc(&s.calendar)
    );
    table(&mut out, &grid::headline(s));
    if !s.comparisons.is_empty() {
        out.push_str(
            "## Paired comparisons (positive = the option is faster; the dormancy columns are over all \
             migrated episodes begun in the run and mix populations)\n\n",
        );
        table(&mut out, &grid::comparisons(s));
    }
    out.push_str("## Findings\n");
    for g in findings::findings(run) {
        let _ = writeln!(out, "\n### {}\n", md_esc(&g.heading));
        for p in &g.items {
            out.push_str("- ");
            spans(&mut out, &p.0);
            out.push('\n');
        }
    }
    let mut placed = Vec::new();
    for mut section in sections::analysis(run) {
        for block in &mut section.blocks {
            if let Block::Figure { stem, alt } = block
                && let Some(c) = charts.iter().find(|c| c.stem == *stem)
            {
                *alt = c.alt.clone();
                placed.push(c.stem.clone());
            }
        }
        analysis_section(&mut out, &section);
    }
    let rest: Vec<&Chart> = charts.iter().filter(|c| !placed.contains(&c.stem)).collect();
    if !rest.is_empty() {
        out.push_str("\n## Charts\n\n");
        for c in rest {
            let _ = writeln!(out, "**{}**\n\n![{}](charts/{}.png)\n", md_esc(&c.title), md_esc(&c.alt), c.stem);
        }
    }
    out
}

/// One analysis section: paragraphs, captioned tables and linked figures.
pub(super) fn analysis_section(out: &mut String, section: &Section) {
    let _ = writeln!(out, "\n## {}\n", md_esc(&section.title));
    for block in &section.blocks {
        match block {
            Block::Para(p) => {
                spans(out, &p.0);
                out.push_str("\n\n");
            }
            Block::Table { caption, table: t } => {
                let _ = writeln!(out, "**{}**\n", md_esc(caption));
                table(out, t);
            }
            Block::Figure { stem, alt } => {
                let _ = writeln!(out, "![{}](charts/{stem}.png)\n", md_esc(alt));
            }
            Block::List(items) => {
                for p in items {
                    out.push_str("- ");
                    spans(out, &p.0);
                    out.push('\n');
                }
                out.push('\n');
            }
        }
    }
}
