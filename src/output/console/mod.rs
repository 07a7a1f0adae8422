//! The readable summary printed after a run: dormancy per option on both clocks, the paired comparisons and the
//! manual-intervention load by party (here), then the breakdowns by population, notified dates kept and the
//! fast-track funnel ([`breakdown`]). Every table is followed by a footnote defining its abbreviations; lines stay
//! within [`WIDTH`] columns.

mod breakdown;

use crate::cases::{ManualCase, Party};
use crate::experiment::{OptionSummary, Summary};
use std::fmt::Write;

/// Longest line printed.
pub const WIDTH: usize = 118;

fn ci(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("[{lo:.2}, {hi:.2}]"),
        None => "n/a (n=1)".to_string(),
    }
}

fn opt_u32(v: Option<u32>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// A share as "43.8%" ("<0.1%" when positive but smaller), "-" when undefined.
fn pct(share: f64) -> String {
    match share {
        s if !s.is_finite() => "-".into(),
        s if s > 0.0 && s < 0.0005 => "<0.1%".into(),
        s => format!("{:.1}%", 100.0 * s),
    }
}

/// A footnote: `text` wrapped at [`WIDTH`].
fn footnote(out: &mut String, text: &str) {
    let _ = writeln!(out, "\n{}", wrap(text, WIDTH));
}

fn header(out: &mut String, summary: &Summary) {
    let run = format!(
        "dormsim {} · scenario {} · seed {} · {} replication(s)",
        summary.dormsim_version, summary.scenario, summary.seed, summary.replications
    );
    let scale = format!(
        "{} installations simulated (× {:.1} = {} represented)",
        summary.installations, summary.scale_to_represented, summary.represents
    );
    // One line when it fits, else the scale on a line of its own.
    let sep = if run.chars().count() + 3 + scale.chars().count() <= WIDTH { " · " } else { "\n" };
    let _ = writeln!(out, "{run}{sep}{scale}");
}

fn dormancy_table(out: &mut String, summary: &Summary) {
    let _ = writeln!(
        out,
        "\nDormancy of installations that went dormant during the run and were migrated (WD = working days; counts are\n\
         simulated installations, means per replication):\n"
    );
    let _ = writeln!(
        out,
        "{:<12} {:>8} {:>16} {:>4} {:>4} {:>4} {:>10} {:>16} {:>9} {:>8} {:>7} {:>8}",
        "option",
        "to migr.",
        "95% CI",
        "p50",
        "p90",
        "p95",
        "to service",
        "95% CI",
        "migrated",
        "active",
        "at end",
        "fw wait"
    );
    for (name, o) in &summary.options {
        let _ = writeln!(
            out,
            "{:<12} {:>8.2} {:>16} {:>4} {:>4} {:>4} {:>10.2} {:>16} {:>9.0} {:>8.0} {:>7.0} {:>8.2}",
            name,
            o.dormancy_wd.mean,
            ci(o.dormancy_wd.ci95),
            opt_u32(o.dormancy_wd.p50),
            opt_u32(o.dormancy_wd.p90),
            opt_u32(o.dormancy_wd.p95),
            o.restored_wd.mean,
            ci(o.restored_wd.ci95),
            o.migrated_sites,
            o.active_migrated_sites,
            o.still_dormant_at_end,
            o.firmware_wait_wd.mean,
        );
    }
    footnote(
        out,
        "to migr.: mean WD from the Supply Start Date (SSD) to migration; to service: SSD to restored smart service \
         (supplier DCC-ready, R12); 95% CI: Student-t interval over replications (simulation noise only, not input \
         uncertainty: see `dormsim uncertainty`); p50/p90/p95: percentiles of the \
         episodes pooled over replications; migrated: installations migrated after dormancy (backlog included); \
         active: migrated by the programme while active; at end: still dormant at the end; fw wait: mean WD from \
         the SMSO firmware request to a successful configuration.",
    );
}

fn comparison_table(out: &mut String, summary: &Summary) {
    let Some(first) = summary.comparisons.first() else { return };
    let _ = writeln!(out, "\nPaired comparison with `{}` (common random numbers; > 0 = shorter):\n", first.baseline);
    let _ = writeln!(
        out,
        "{:<12} {:>9} {:>16} {:>10} {:>16} {:>11} {:>8} {:>10} {:>16}",
        "option", "migr. WD", "95% CI", "service WD", "95% CI", "per-site WD", "faster", "extra FTE", "95% CI"
    );
    for c in &summary.comparisons {
        let _ = writeln!(
            out,
            "{:<12} {:>9.2} {:>16} {:>10.2} {:>16} {:>11.2} {:>7.1}% {:>10.2} {:>16}",
            c.option,
            c.mean_reduction_wd,
            ci(c.ci95),
            c.mean_reduction_restored_wd,
            ci(c.ci95_restored),
            c.mean_site_reduction_wd,
            100.0 * c.share_sites_faster,
            c.extra_manual_fte,
            ci(c.ci95_extra_manual_fte),
        );
    }
    footnote(
        out,
        "migr. WD / service WD: reduction in mean dormancy to migration / to restored service over all migrated \
         episodes begun in the run (mixes populations: see the population table below); per-site WD: mean over \
         installations dormant under either option of the difference in dormant WD within the horizon; faster: \
         share of those installations with fewer dormant WD under the option; extra FTE: the option's mean weekly \
         staff effort minus the baseline's (full-time equivalents, GB scale); 95% CI: paired t interval over \
         replications, simulation noise only.",
    );
}

/// Manual cases of one option at represented scale: per-installation cases scaled up, the others as counted.
fn cases_represented(o: &OptionSummary, scale: f64) -> f64 {
    ManualCase::ALL.iter().map(|c| o.manual_cases.get(c.name()).copied().unwrap_or(0.0) * c.represented(scale)).sum()
}

/// Width of a party's column: its label, at least 6.
fn party_width(p: Party) -> usize {
    p.label().chars().count().max(6)
}

fn manual_table(out: &mut String, summary: &Summary) {
    let _ = writeln!(out, "\nManual intervention: staff effort by party, FTE at represented scale (mean week):\n");
    let mut head = format!("{:<12} {:>9}", "option", "cases GB");
    for p in Party::ALL {
        let _ = write!(head, " {:>w$}", p.label(), w = party_width(p));
    }
    let _ = writeln!(out, "{head} {:>7} {:>16}", "total", "95% CI");
    for (name, o) in &summary.options {
        let mut line = format!("{:<12} {:>9.0}", name, cases_represented(o, summary.scale_to_represented));
        for p in Party::ALL {
            let fte = o.manual_fte.get(p.name()).map_or(f64::NAN, |f| f.mean_weekly);
            let _ = write!(line, " {:>w$.2}", fte, w = party_width(p));
        }
        let total = o.manual_fte.get("total");
        let _ = writeln!(
            out,
            "{line} {:>7.2} {:>16}",
            total.map_or(f64::NAN, |f| f.mean_weekly),
            ci(total.and_then(|f| f.ci95)),
        );
    }
    footnote(
        out,
        "cases GB: manual cases per replication at represented (GB) scale; FTE: full-time-equivalent staff, mean \
         over the weeks after the warm-up (a partial last week counts for its share of 7 days); total: all parties, \
         with its 95% CI (simulation noise only).",
    );
    peak_table(out, summary);
}

/// A CI with one decimal: "[165.3, 172.7]".
fn ci1(ci: Option<[f64; 2]>) -> String {
    ci.map_or_else(|| "n/a (n=1)".to_string(), |[lo, hi]| format!("[{lo:.1}, {hi:.1}]"))
}

/// The peak of the mean weekly total effort per option, with its CI and the week's first day.
fn peak_table(out: &mut String, summary: &Summary) {
    let _ = writeln!(out, "\nPeak week of staff effort (all parties, FTE at represented scale):\n");
    let _ = writeln!(out, "{:<12} {:>9} {:>16}  week starting", "option", "peak FTE", "95% CI");
    for (name, o) in &summary.options {
        let Some(f) = o.manual_fte.get("total") else { continue };
        let _ = writeln!(out, "{:<12} {:>9.1} {:>16}  {}", name, f.peak_weekly, ci1(f.peak_ci95), f.peak_week_start);
    }
    footnote(
        out,
        "peak FTE: the highest week of the mean weekly series (mean over replications of each week's effort), whole \
         weeks after the warm-up only; 95% CI: t interval over replications of that week's effort (simulation noise \
         only); week starting: the week's first day (weeks run 7 days from the start date).",
    );
}

/// Render `summary` as plain-text tables (fixed-width columns, at most [`WIDTH`] wide).
pub fn render_summary(summary: &Summary) -> String {
    let mut out = String::new();
    header(&mut out, summary);
    dormancy_table(&mut out, summary);
    comparison_table(&mut out, summary);
    manual_table(&mut out, summary);
    breakdown::population_table(&mut out, summary);
    breakdown::notified_table(&mut out, summary);
    breakdown::fast_track_table(&mut out, summary);
    let _ = writeln!(out, "\n{}", wrap(&format!("warm-up: {}.", summary.warmup.note), WIDTH));
    let _ = writeln!(out, "{}", wrap(super::report::validation::INTERVALS_NOTE, WIDTH));
    let _ = writeln!(out, "{}", validation_line(summary));
    out
}

/// One line: how many of the scenario's public figures the model meets (the report has the table).
fn validation_line(summary: &Summary) -> String {
    let rows = &summary.validation;
    if rows.is_empty() {
        return "validation: the scenario lists no public figures ([[validation]], docs/scenario.md)".into();
    }
    let (within, compared, outside_run) = super::report::validation::tally(rows);
    let beyond = if outside_run > 0 { format!(", {outside_run} dated outside the run") } else { String::new() };
    format!("validation: {within} of {compared} public figures within tolerance{beyond} (see report.html)")
}

/// Greedy word wrap at `width` characters.
pub(crate) fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("at least one line");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}
