//! The console's breakdown tables: dormancy by population with the paired reduction against the baseline option
//! and the main mechanism of the slower episodes; notified migration dates kept; the fast-track funnel (R17).
//! Counts are simulated installations, means per replication (the tables say so).

use super::{ci, footnote, pct};
use crate::experiment::Summary;
use crate::metrics::Population;
use indexmap::IndexMap;
use std::fmt::Write;

/// The stage with the largest share of the slower episodes, with that share: "capacity_wait 99.8%".
fn main_mechanism(by_stage: &IndexMap<String, f64>, share_slower: f64) -> String {
    if share_slower.is_nan() || share_slower <= 0.0 {
        return "-".into();
    }
    by_stage
        .iter()
        .filter(|(_, v)| v.is_finite())
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or_else(|| "-".into(), |(k, v)| format!("{k} {}", pct(*v)))
}

/// Population names in `Population::ALL` order, then any others, as they appear in the options.
fn population_names(summary: &Summary) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for o in summary.options.values() {
        for k in o.populations.keys() {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    let rank = |n: &String| Population::ALL.iter().position(|p| p.name() == n).unwrap_or(usize::MAX);
    names.sort_by_key(rank);
    names
}

pub(super) fn population_table(out: &mut String, summary: &Summary) {
    let baseline = summary.options.keys().next().cloned().unwrap_or_default();
    let _ = writeln!(
        out,
        "\nDormancy by population: each installation's backlog or first in-run episode, WD dormant inside the horizon\n\
         (episodes still open at the end counted up to it); reduction paired with `{baseline}` on the same episodes:\n"
    );
    let _ = writeln!(
        out,
        "  {:<12} {:>8} {:>16} {:>8} {:>9} {:>16} {:>6} {:>6}  slower mainly",
        "option", "mean WD", "95% CI", "episodes", "reduction", "95% CI", "faster", "slower"
    );
    for name in population_names(summary) {
        let label = summary.options.values().find_map(|o| o.populations.get(&name)).map(|p| p.label.clone());
        let _ = writeln!(out, "{name}: {}", label.unwrap_or_default());
        for (option, o) in &summary.options {
            let Some(p) = o.populations.get(&name) else { continue };
            let mut line = format!(
                "  {:<12} {:>8.2} {:>16} {:>8.0}",
                option,
                p.dormant_wd.mean,
                ci(p.dormant_wd.ci95),
                p.episodes
            );
            let pair = summary.comparisons.iter().find(|c| &c.option == option).and_then(|c| c.populations.get(&name));
            if let Some(c) = pair {
                let _ = write!(
                    line,
                    " {:>9.2} {:>16} {:>6} {:>6}  {}",
                    c.reduction_wd.mean,
                    ci(c.reduction_wd.ci95),
                    pct(c.share_faster),
                    pct(c.share_slower),
                    main_mechanism(&c.slower_by_stage, c.share_slower)
                );
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    footnote(
        out,
        "mean WD: mean working days dormant per episode, inside the horizon; episodes: simulated, per replication; \
         reduction: mean over the matched episodes of (baseline - option) dormant WD, > 0 = shorter under the \
         option; faster / slower: share of those episodes with fewer / more dormant WD under the option; slower \
         mainly: the stage (summary.json stage name) whose WD grew most, for the largest share of the slower \
         episodes, with that share; 95% CI: over replications, simulation noise only.",
    );
}

pub(super) fn notified_table(out: &mut String, summary: &Summary) {
    let reasons: Vec<String> = summary
        .options
        .values()
        .next()
        .map(|o| o.notified_dates.missed_share.keys().cloned().collect())
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "\nNotified migration dates kept (dormant migrations after a notice, simulated, per replication; the dates\n\
         missed by reason, as shares of those migrations):\n"
    );
    let mut head = format!("{:<12} {:>10} {:>6}", "option", "migrations", "kept");
    for r in &reasons {
        let _ = write!(head, " {:>w$}", r, w = r.len().max(6));
    }
    let _ = writeln!(out, "{head}");
    for (name, o) in &summary.options {
        let n = &o.notified_dates;
        let mut line = format!("{:<12} {:>10.0} {:>6}", name, n.migrations, pct(n.kept_share));
        for r in &reasons {
            let _ =
                write!(line, " {:>w$}", pct(n.missed_share.get(r).copied().unwrap_or(f64::NAN)), w = r.len().max(6));
        }
        let _ = writeln!(out, "{line}");
    }
    footnote(
        out,
        "kept: migrated on the first notified date; firmware_late: the SMSO configuration was not done by then \
         (R6); failure_retry: a firmware or migration attempt failed and was retried (R7); halt_replan: the CoS \
         check halted the migration, which was re-planned (R8); capacity_wait: 0 by construction (notices are only \
         issued against booked DCC capacity).",
    );
}

/// "14002 (56.6%)": a funnel step with its share of the previous step.
fn step(value: f64, previous: f64) -> String {
    let share = if previous > 0.0 { value / previous } else { f64::NAN };
    format!("{value:.0} ({})", pct(share))
}

pub(super) fn fast_track_table(out: &mut String, summary: &Summary) {
    let _ = writeln!(
        out,
        "\nFast track (R17): switches of unmigrated SMETS1 installations -> made dormant -> DMC on the EPCL at the SSD\n\
         -> fast-tracked (simulated, per replication; in brackets the share of the previous step):\n"
    );
    let _ = writeln!(
        out,
        "{:<12} {:>9} {:>16} {:>16} {:>16} {:>16}",
        "option", "switches", "dormancy-causing", "listed at SSD", "fast-tracked", "fast-track share"
    );
    for (name, o) in &summary.options {
        let f = &o.fast_track;
        let _ = writeln!(
            out,
            "{:<12} {:>9.0} {:>16} {:>16} {:>16} {:>16}",
            name,
            f.switches,
            step(f.dormancy_causing, f.switches),
            step(f.listed_at_ssd, f.dormancy_causing),
            step(f.fast_tracked, f.listed_at_ssd),
            pct(f.fast_track_share)
        );
    }
    footnote(
        out,
        "listed at SSD: the installation's Device Model Combination was on the EPCL on its Supply Start Date; \
         fast-tracked: its episode took the option's fast route; fast-track share: fast-tracked / switches, the \
         share of switching SMETS1 installations that pass faster. The consultation's \"7% of customers\" does not \
         state its denominator: report.html sets the two side by side.",
    );
}
