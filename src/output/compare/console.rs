//! The console summary of `dormsim compare`: the runs with their pairing, then per compared run a table of the
//! headline figures per option (the reference's value, the run's, the difference with its 95% CI), each table
//! followed by a footnote; lines stay within the run console's width.

use super::{CompareSummary, Figure, HEADLINES, RunInfo, figure_label, shown, shown_ci, shown_difference};
use crate::output::console::{WIDTH, wrap};
use std::fmt::Write;

/// Short unit for the table's last column.
fn short_unit(unit: &str) -> &str {
    match unit {
        "WD" => "WD",
        "calendar days" => "days",
        "FTE (GB scale)" => "FTE GB",
        u if u.starts_with("share") => "",
        "installations (GB scale)" => "GB",
        "installation-days per year (GB scale)" => "GB",
        _ => "",
    }
}

/// `text` cut to `width` characters with an ellipsis.
fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        text.chars().take(width - 1).collect::<String>() + "…"
    }
}

fn runs(out: &mut String, s: &CompareSummary) {
    let _ = writeln!(out, "dormsim {} · compare {} runs; A is the reference", s.dormsim_version, s.runs.len());
    for r in &s.runs {
        let line = format!(
            "{}: {} ({}) · seed {} · {} replication(s) · {} installations · dormsim {}{}",
            r.id,
            r.label,
            r.folder,
            r.seed,
            r.replications,
            r.installations,
            r.dormsim_version,
            if r.pairing == super::REFERENCE {
                String::new()
            } else {
                format!(" · {} with A: {}", r.pairing, r.pairing_note)
            }
        );
        let _ = writeln!(out, "{}", wrap(&line, WIDTH).replace('\n', "\n   "));
    }
    for o in &s.options_not_in_common {
        let _ = writeln!(out, "not compared: option {o}");
    }
}

fn row(out: &mut String, f: &Figure, reference: &str, run: &str) {
    let (Some(d), a, b) = (f.difference(run), f.value(reference), f.value(run)) else { return };
    let value = |v: Option<&super::RunValue>| v.map_or("-".to_string(), |v| shown(v.mean, &f.unit));
    let line = format!(
        "{:<12} {:<44} {:>9} {:>9} {:>9} {:>21} {}",
        fit(&f.option, 12),
        fit(&figure_label(f), 44),
        value(a),
        value(b),
        shown_difference(d.difference, &f.unit),
        shown_ci(d.ci95, &f.unit, true),
        short_unit(&f.unit)
    );
    let _ = writeln!(out, "{}", line.trim_end());
}

fn table(out: &mut String, s: &CompareSummary, run: &RunInfo) {
    let a = &s.reference().id;
    let how = match run.pairing.as_str() {
        "paired" => "paired: the difference per replication, Student-t interval over them".to_string(),
        _ => format!("UNPAIRED ({}): Welch interval of the two runs' means", run.pairing_note),
    };
    let _ = writeln!(out, "\n{}\n", wrap(&format!("{} − {a} by option (95% CI {how}):", run.id), WIDTH));
    let _ = writeln!(
        out,
        "{:<12} {:<44} {:>9} {:>9} {:>9} {:>21}",
        "option",
        "figure",
        a,
        run.id,
        format!("{} − {a}", run.id),
        "95% CI"
    );
    for option in &s.options {
        for (metric, population) in HEADLINES {
            if let Some(f) = s.figure(metric, population, option) {
                row(out, f, a, &run.id);
            }
        }
    }
}

/// The console summary of a comparison.
pub fn render_console(s: &CompareSummary) -> String {
    let mut out = String::new();
    runs(&mut out, s);
    for run in s.others() {
        table(&mut out, s, run);
    }
    let note = "A and the run: means over their replications; the difference: run − A, > 0 = more under the run; \
                95% CI: simulation noise only, not input uncertainty; WD = working days; shares in %, their \
                differences in percentage points (pp); counts at GB scale; every figure (also per party, population \
                and clock) is in compare.csv.";
    let _ = writeln!(out, "\n{}", wrap(note, WIDTH));
    if s.versions_differ {
        let _ =
            writeln!(out, "warning: the runs were written by different dormsim versions; they are compared unpaired");
    }
    out
}
