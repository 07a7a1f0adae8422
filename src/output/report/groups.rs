//! The report's "Who gains, group by group" section (issue 14): `summary.json` `breakdowns` as a table (a heading
//! row per dimension: population, cohort, SMSO, supplier group, payment type) with the breakdown chart, and a
//! sentence on the groups distributional questions ask about first (payment type, supplier group).

use super::findings::Para;
use super::fmt::{ci, lower_first, pct, signed, wd};
use super::grid::{Cell, Row, Table, ci_sub};
use super::sections::{Block, Section};
use crate::experiment::Summary;
use crate::experiment::groups::{Dimension, GroupSummary};

/// File stem of the chart shown in the section.
pub const BREAKDOWN_CHART: &str = "breakdown_reduction";

/// One row of `summary.breakdowns`.
fn find<'a>(s: &'a Summary, dimension: &str, group: &str, option: &str) -> Option<&'a GroupSummary> {
    s.breakdowns.iter().find(|r| r.dimension == dimension && r.group == group && r.option == option)
}

/// The groups of a dimension in `summary.json` order.
fn groups<'a>(s: &'a Summary, dimension: &str) -> Vec<&'a GroupSummary> {
    let mut out: Vec<&GroupSummary> = Vec::new();
    for r in s.breakdowns.iter().filter(|r| r.dimension == dimension) {
        if !out.iter().any(|x| x.group == r.group) {
            out.push(r);
        }
    }
    out
}

/// Per dimension (a heading row each) and group: share of episodes, the baseline's mean dormancy, and per compared
/// option the paired reduction with its CI and the share of episodes made slower.
pub fn table(s: &Summary) -> Table {
    let options: Vec<&String> = s.options.keys().collect();
    let Some(baseline) = options.first() else { return Table { head: Vec::new(), rows: Vec::new() } };
    let mut head = vec![
        "Group".to_string(),
        "Share of tracked episodes".to_string(),
        format!("{baseline}: mean WD dormant per episode"),
    ];
    for o in &options[1..] {
        head.push(format!("{o}: reduction, WD (> 0 = shorter)"));
        head.push(format!("{o}: episodes slower"));
    }
    let mut rows = Vec::new();
    for d in Dimension::ALL {
        let of_dim = groups(s, d.name());
        if of_dim.is_empty() {
            continue;
        }
        rows.push(Row::Section(d.label().to_string()));
        for g in of_dim {
            let base = find(s, d.name(), &g.group, baseline);
            let mut cells = vec![
                Cell::new(g.label.clone()),
                Cell::new(base.map_or("n/a".into(), |b| pct(b.episode_share))),
                base.map_or(Cell::new("n/a"), |b| Cell::with(wd(b.dormant_wd.mean), ci_sub(b.dormant_wd.ci95))),
            ];
            for o in &options[1..] {
                let r = find(s, d.name(), &g.group, o);
                let red = r.and_then(|r| r.reduction_wd.as_ref());
                cells.push(red.map_or(Cell::new("n/a"), |x| Cell::with(signed(x.mean), ci_sub(x.ci95))));
                cells.push(Cell::new(r.and_then(|r| r.share_slower).map_or("n/a".into(), pct)));
            }
            rows.push(Row::Cells(cells));
        }
    }
    Table { head, rows }
}

/// "prepayment +7.97 WD (95% CI …) against credit +8.14 WD (…)" for the first compared option, or `None`.
fn contrast(s: &Summary, dimension: Dimension, option: &str) -> Option<String> {
    let parts: Vec<String> = groups(s, dimension.name())
        .iter()
        .filter_map(|g| {
            let red = find(s, dimension.name(), &g.group, option)?.reduction_wd.as_ref()?;
            Some(format!("{} {} WD (95% CI {})", lower_first(&g.label), signed(red.mean), ci(red.ci95)))
        })
        .collect();
    (parts.len() > 1).then(|| parts.join(", "))
}

pub fn section(s: &Summary) -> Option<Section> {
    if s.breakdowns.is_empty() {
        return None;
    }
    let mut blocks = vec![Block::Para(Para::default().t(
        "The same tracked episodes as above, grouped by who they happen to: the installation's cohort and SMSO \
         (from its device model), the supplier group of the supplier holding the electricity supply when the \
         episode began (a challenger operates no SMETS1 platform itself, a legacy supplier operates at least one; \
         derived from the scenario's operates lists, not an input), and payment type. Each dimension partitions the \
         episodes. Reductions are paired: the same episodes under both options, per replication, mean (baseline − \
         option) working days inside the horizon, with 95% CIs over replications (simulation noise only). A group \
         mixes populations in its own proportions, so compare groups with the population rows in mind. Region is \
         not a dimension: a run uses one calendar (run.calendar); compare calendars by running \
         scenarios/scotland.toml and dormsim compare.",
    ))];
    if let Some(option) = s.options.keys().nth(1) {
        let sentences: Vec<String> = [Dimension::Payment, Dimension::SupplierGroup]
            .iter()
            .filter_map(|&d| contrast(s, d, option).map(|c| format!("by {}: {c}", lower_first(d.label()))))
            .collect();
        if !sentences.is_empty() {
            blocks.push(Block::Para(Para::default().t(format!("Under {option}, {}.", sentences.join("; ")))));
        }
    }
    blocks.push(Block::Figure {
        stem: BREAKDOWN_CHART,
        alt: "Dot-and-interval chart of each option's paired reduction in dormancy against the baseline, one row per \
              group of each dimension (values in the table below)"
            .into(),
    });
    blocks.push(Block::Table {
        caption: "Dormancy and paired reduction by group (tracked episodes; shares of the option's episodes)".into(),
        table: table(s),
    });
    Some(Section {
        id: "groups",
        title: "Who gains, group by group: cohort, SMSO, supplier and payment".into(),
        blocks,
    })
}
