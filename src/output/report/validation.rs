//! "Validation and limitations": the scenario's public figures against the model (`summary.json`'s `validation`),
//! how each model value is computed, and the model's known limitations ([`LIMITATIONS`], the one place they are
//! kept). A section of the report framework ([`super::sections`]), so `report.html` and `summary.md` show the same.

use super::findings::Para;
use super::fmt::{count, pct, replications, wd};
use super::grid::{Cell, Row, Table};
use super::sections::{Block, Section};
use crate::experiment::Summary;
use crate::experiment::validation::{Status, ValidationRow, Value};

/// The command that propagates input uncertainty (issue 13); every interval of a run is simulation noise only.
pub const UNCERTAINTY_COMMAND: &str = "dormsim uncertainty";

/// The line that goes with the intervals wherever a run prints them: what they cover and where input uncertainty is
/// studied.
pub const INTERVALS_NOTE: &str =
    "intervals: 95% CI over replications — simulation noise only, not input uncertainty; see `dormsim uncertainty`";

/// A known limitation of the model: what, its effect, where it is documented.
pub struct Limitation {
    pub title: &'static str,
    pub detail: &'static str,
    pub see: &'static str,
}

/// The model's known limitations, from docs/calibration.md (open recommendations, figures not calibrated) and
/// docs/model.md (deliberate simplifications). Shown in every report.
pub const LIMITATIONS: [Limitation; 10] = [
    Limitation {
        title: "Migrations too high by late 2021",
        detail: "the baseline migrates ≈ 7.6 m by November 2021 against ≈ 6.4 m public (≈ 1.2–1.6 m too many): the \
                 active programmes' shares (0.90–0.95) come on top of ≈ 3.1 m dormant migrations",
        see: "docs/calibration.md §1, open recommendation 3",
    },
    Limitation {
        title: "Peak month wrong",
        detail: "the busiest month is September 2020 (IOC and MOC (MDS) programmes and the backlog hold DCC at \
                 capacity), not August 2021; January and June 2022 are off too. The size of the peak agrees",
        see: "docs/calibration.md §1",
    },
    Limitation {
        title: "Uniform active-programme windows",
        detail: "each cohort's active migrations are spread uniformly over one window; no sub-cohort windows or \
                 monthly profile, so the timing of migrations follows the windows, not DCC's plan",
        see: "docs/model.md \u{201c}The active migration programme\u{201d}",
    },
    Limitation {
        title: "One switching rate for every year, no SoLR wave",
        detail: "switching.annual_rate is 0.20 throughout (public ≈ 0.19 / 0.16 / 0.04 for 2020 / 2021 / 2022) and \
                 the baseline has no Supplier-of-Last-Resort wave in late 2021",
        see: "docs/calibration.md, open recommendations 1 and 2",
    },
    Limitation {
        title: "No public failure rate",
        detail: "DCC and SMSO failure probabilities, retries, exclusions and SMSO lead times are assumptions; so are \
                 the registration lag and the standard route's wait beyond 16 WD",
        see: "docs/calibration.md \u{201c}Figures not calibrated\u{201d}",
    },
    Limitation {
        title: "Dormant stock not comparable with the public count",
        detail: "the public count is of meters in traditional mode for any reason (SMETS2 included, two meters per \
                 dual-fuel home); the model counts SMETS1 installations dormant after a switch, and starts with \
                 nothing migrated and no never-migratable installations",
        see: "docs/calibration.md §2; docs/model.md \u{201c}Deliberate simplifications\u{201d}",
    },
    Limitation {
        title: "Capacity rule is an assumption",
        detail: "fast-track files planned first (dcc.fast_track_priority) sets the sign of the change for the backlog \
                 and the installations that waited for their EPCL listing; first-come-first-served reverses it",
        see: "docs/calibration.md §5",
    },
    Limitation {
        title: "The \u{201c}7%\u{201d} has no stated denominator",
        detail: "the model brackets it (2.7% of SMETS1 switches with the EPCL of May 2020, 38.9% once Secure and FOC \
                 are listed) but no single reading reproduces it",
        see: "docs/calibration.md §4",
    },
    Limitation {
        title: "Processes left out",
        detail: "a supplier asking DCC to delay a migration (R6) is not modelled; active migrations need no SMSO \
                 configuration and no CoS check and raise no certificate chases; manual handling times are \
                 assumptions, and staff effort scales with them",
        see: "docs/model.md \u{201c}Deliberate simplifications\u{201d}, R6, R15",
    },
    Limitation {
        title: "Intervals are simulation noise only",
        detail: "every 95% confidence interval of a run is over replications with the inputs fixed; it says nothing \
                 about the uncertainty of the inputs, which dormsim uncertainty propagates",
        see: "docs/model.md \u{201c}Randomness and replications\u{201d}",
    },
];

/// The section, for every run (a scenario without figures gets a sentence saying so, and the limitations).
pub fn section(s: &Summary) -> Section {
    let mut blocks = vec![Block::Para(introduction(s))];
    if !s.validation.is_empty() {
        blocks.push(Block::Table {
            caption: "Public figures against the model (model: mean over replications, 95% CI simulation noise only)"
                .into(),
            table: table(&s.validation),
        });
        blocks.push(Block::Para(Para::default().t("How each model value is computed:")));
        blocks.push(Block::List(bases(&s.validation)));
    }
    blocks.push(Block::Para(
        Para::default()
            .t("Known limitations of the model, which these comparisons and the results above should be read with:"),
    ));
    blocks.push(Block::List(LIMITATIONS.iter().map(limitation).collect()));
    Section { id: "validation", title: "Validation and limitations".into(), blocks }
}

/// (within tolerance, compared, outside the run) over the rows.
pub fn tally(rows: &[ValidationRow]) -> (usize, usize, usize) {
    let within = rows.iter().filter(|r| r.within()).count();
    let compared = rows.iter().filter(|r| matches!(r.status, Status::Within | Status::Outside)).count();
    let outside_run = rows.iter().filter(|r| r.status == Status::OutsideRun).count();
    (within, compared, outside_run)
}

fn introduction(s: &Summary) -> Para {
    if s.validation.is_empty() {
        return Para::default()
            .t("This scenario lists no public figures to hold the model against (a [[validation]] entry per figure, \
             docs/scenario.md); the baseline carries those of domain §3.");
    }
    let (within, compared, outside_run) = tally(&s.validation);
    let beyond = match outside_run {
        0 => String::new(),
        1 => "; 1 is dated outside the run and not compared".into(),
        n => format!("; {n} are dated outside the run and not compared"),
    };
    Para::default()
        .t("The scenario lists public figures to hold the model against ([[validation]] in scenario.toml). ")
        .b(format!("{within} of {compared} are within their tolerance{beyond}."))
        .t(format!(
            " The model's value is the mean over {} (counts at GB scale); its 95% CI covers simulation noise only, \
             not the uncertainty of the inputs ({UNCERTAINTY_COMMAND} propagates that). Within means the mean lies \
             in the allowed range: the figure ± its tolerance, or one side of it when the figure is a bound.",
            replications(s.replications)
        ))
}

fn table(rows: &[ValidationRow]) -> Table {
    let head = ["Public figure (source)", "Figure", "Model", "Model − figure", "Allowed", "Result"];
    Table { head: head.map(String::from).to_vec(), rows: rows.iter().map(row).collect() }
}

fn row(r: &ValidationRow) -> Row {
    let source = if r.note.is_empty() { r.source.clone() } else { format!("{} — {}", r.source, r.note) };
    let bound = |v: &Option<Value>| v.as_ref().map(|v| value(r, v));
    let allowed = match (bound(&r.lower), bound(&r.upper)) {
        (Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (Some(lo), None) => format!("≥ {lo}"),
        (None, Some(hi)) => format!("≤ {hi}"),
        (None, None) => "any".into(),
    };
    // The busiest month's volume says which month the model's is.
    let label = match &r.model_month {
        Some(m) if r.unit != "month" => format!("{} (the model's: {m})", r.label),
        _ => r.label.clone(),
    };
    Row::Cells(vec![
        Cell::with(label, source),
        Cell::new(figure(r)),
        Cell::with(r.model.as_ref().map_or_else(|| "–".into(), |v| value(r, v)), model_ci(r)),
        Cell::with(difference(r), relative(r)),
        Cell::new(allowed),
        Cell::new(r.status.label()),
    ])
}

/// A value in the row's unit: a count with thousands separators, working days with 2 decimals, a share as a
/// percentage, a month as written.
pub fn value(r: &ValidationRow, v: &Value) -> String {
    match v {
        Value::Month(m) => m.clone(),
        Value::Number(x) => number(r, *x),
    }
}

fn number(r: &ValidationRow, x: f64) -> String {
    match r.unit.as_str() {
        "share" => pct(x),
        "working days" => wd(x),
        _ => count(x),
    }
}

/// The figure with how it compares: "≥ 3,700,000", "≈ 6,400,000", "≤ 4,500,000"; a month as it is.
fn figure(r: &ValidationRow) -> String {
    let mark = match (r.compare.as_str(), &r.figure) {
        ("at-least", _) => "≥ ",
        ("at-most", _) => "≤ ",
        (_, Value::Month(_)) => "",
        _ => "≈ ",
    };
    format!("{mark}{}", value(r, &r.figure))
}

fn model_ci(r: &ValidationRow) -> Option<String> {
    r.model_ci95.map(|[lo, hi]| format!("95% CI {} to {}", number(r, lo), number(r, hi)))
}

fn difference(r: &ValidationRow) -> String {
    let Some(d) = r.difference else { return "–".into() };
    let sign = if d > 0.0 { "+" } else { "" };
    match r.unit.as_str() {
        "month" => format!("{sign}{d} month{}", if d.abs() == 1.0 { "" } else { "s" }),
        // A difference of shares in percentage points.
        "share" => format!("{sign}{} points", super::fmt::num(d * 100.0, 1)),
        _ => format!("{sign}{}", number(r, d)),
    }
}

fn relative(r: &ValidationRow) -> Option<String> {
    r.relative_difference.map(|x| format!("{}{} of the figure", if x > 0.0 { "+" } else { "" }, pct(x)))
}

/// Each distinct way a model value is computed, with the figures it applies to.
fn bases(rows: &[ValidationRow]) -> Vec<Para> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(b, _)| *b == r.basis) {
            Some((_, labels)) => labels.push(r.label.clone()),
            None => out.push((r.basis.clone(), vec![r.label.clone()])),
        }
    }
    out.into_iter().map(|(basis, labels)| Para::default().b(labels.join("; ")).t(format!(": {basis}."))).collect()
}

fn limitation(l: &Limitation) -> Para {
    Para::default().b(l.title).t(format!(": {} ({}).", l.detail, l.see))
}
