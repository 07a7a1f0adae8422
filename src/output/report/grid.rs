//! The report's result tables as plain data (rendered to HTML and Markdown alike): the headline per option, the
//! paired comparisons, and the detailed per-option summary. A cell holds a value and an optional second line (its
//! 95% CI, or the count at GB scale).

use super::fmt::{ci, count, gb, int, lower_first, num, opt, pct, signed, wd};
use super::methods::{case_label, party_label};
use crate::experiment::{DistributionSummary, FteSummary, OptionSummary, Summary};

pub struct Cell {
    pub main: String,
    pub sub: Option<String>,
}

impl Cell {
    pub(super) fn new(main: impl Into<String>) -> Self {
        Cell { main: main.into(), sub: None }
    }
    pub(super) fn with(main: impl Into<String>, sub: impl Into<Option<String>>) -> Self {
        Cell { main: main.into(), sub: sub.into() }
    }
}

pub enum Row {
    /// A heading row spanning the table.
    Section(String),
    Cells(Vec<Cell>),
}

pub struct Table {
    pub head: Vec<String>,
    pub rows: Vec<Row>,
}

/// "95% CI 7.55–7.73"; nothing without an interval (one replication).
pub(super) fn ci_sub(c: Option<[f64; 2]>) -> Option<String> {
    c.map(|_| format!("95% CI {}", ci(c)))
}

fn mean_ci(d: &DistributionSummary) -> Cell {
    Cell::with(wd(d.mean), ci_sub(d.ci95))
}

fn quantiles(d: &DistributionSummary) -> String {
    format!("{} / {} / {}", opt(d.p50), opt(d.p90), opt(d.p95))
}

fn fte_total(o: &OptionSummary) -> Option<&FteSummary> {
    o.manual_fte.get("total")
}

/// Per option: both clocks with CIs, quantiles, migrated, still dormant, manual effort.
pub fn headline(s: &Summary) -> Table {
    let head = [
        "Option",
        "Dormancy until migration, mean WD",
        "p50 / p90 / p95, WD",
        "Until restored service, mean WD",
        "Migrated after dormancy",
        "Still dormant at end",
        "Manual effort, FTE per week",
    ];
    let rows = s
        .options
        .iter()
        .map(|(name, o)| {
            let fte = fte_total(o);
            Row::Cells(vec![
                Cell::new(name.clone()),
                mean_ci(&o.dormancy_wd),
                Cell::new(quantiles(&o.dormancy_wd)),
                mean_ci(&o.restored_wd),
                Cell::with(count(o.migrated_sites), format!("≈ {} GB", gb(o.migrated_sites * s.scale_to_represented))),
                Cell::with(
                    count(o.still_dormant_at_end),
                    format!("≈ {} GB", gb(o.still_dormant_at_end * s.scale_to_represented)),
                ),
                Cell::with(wd(fte.map_or(f64::NAN, |f| f.mean_weekly)), ci_sub(fte.and_then(|f| f.ci95))),
            ])
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

/// Each option against the first, paired by replication: positive = shorter / fewer.
pub fn comparisons(s: &Summary) -> Table {
    let head = [
        "Option (against the first)",
        "Shorter until migration, WD",
        "Shorter until restored service, WD",
        "Shorter until migration, calendar days",
        "Dormant WD saved per installation",
        "Installations faster",
        "Installations slower",
        "Change in manual effort, FTE per week",
    ];
    let rows = s
        .comparisons
        .iter()
        .map(|c| {
            Row::Cells(vec![
                Cell::with(c.option.clone(), format!("vs {}", c.baseline)),
                Cell::with(wd(c.mean_reduction_wd), ci_sub(c.ci95)),
                Cell::with(wd(c.mean_reduction_restored_wd), ci_sub(c.ci95_restored)),
                Cell::with(wd(c.mean_reduction_days), ci_sub(c.ci95_days)),
                Cell::with(wd(c.mean_site_reduction_wd), ci_sub(c.ci95_site)),
                Cell::new(pct(c.share_sites_faster)),
                Cell::new(pct(c.share_sites_slower)),
                Cell::with(signed(c.extra_manual_fte), ci_sub(c.ci95_extra_manual_fte)),
            ])
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

/// One row of the detailed table: a label and one cell per option.
fn row(s: &Summary, label: &str, f: impl Fn(&OptionSummary) -> Cell) -> Row {
    let mut cells = vec![Cell::new(label)];
    cells.extend(s.options.values().map(f));
    Row::Cells(cells)
}

fn installations(s: &Summary, label: &str, f: impl Fn(&OptionSummary) -> f64) -> Row {
    let scale = s.scale_to_represented;
    row(s, label, |o| Cell::with(count(f(o)), format!("≈ {} GB", gb(f(o) * scale))))
}

fn clock_rows(
    s: &Summary,
    rows: &mut Vec<Row>,
    wd_of: fn(&OptionSummary) -> &DistributionSummary,
    days_of: fn(&OptionSummary) -> &DistributionSummary,
) {
    rows.push(row(s, "Mean, working days", |o| mean_ci(wd_of(o))));
    rows.push(row(s, "p50 / p90 / p95, working days", |o| Cell::new(quantiles(wd_of(o)))));
    rows.push(row(s, "Longest, working days", |o| Cell::new(opt(wd_of(o).max))));
    rows.push(row(s, "Mean, calendar days", |o| mean_ci(days_of(o))));
    rows.push(row(s, "Episodes pooled over replications", |o| Cell::new(int(wd_of(o).episodes_pooled))));
}

fn fte_cell(f: Option<&FteSummary>) -> Cell {
    match f {
        Some(f) => Cell::with(wd(f.mean_weekly), ci_sub(f.ci95)),
        None => Cell::new("n/a"),
    }
}

fn peak_cell(f: Option<&FteSummary>) -> Cell {
    match f {
        Some(f) => Cell::with(
            format!("{} (week starting {})", num(f.peak_weekly, 1), f.peak_week_start),
            f.peak_ci95.map(|[lo, hi]| format!("95% CI {}–{}", num(lo, 1), num(hi, 1))),
        ),
        None => Cell::new("n/a"),
    }
}

/// Keys of an option map in first-option order (every option has the same keys in summary.json).
fn keys<V>(s: &Summary, f: impl Fn(&OptionSummary) -> &indexmap::IndexMap<String, V>) -> Vec<String> {
    s.options.values().next().map(|o| f(o).keys().cloned().collect()).unwrap_or_default()
}

/// The detailed summary: metrics down, options across.
pub fn per_option(s: &Summary) -> Table {
    let mut head = vec!["".to_string()];
    head.extend(s.options.keys().cloned());
    let mut rows = vec![Row::Section("Dormancy until migration (episodes begun in the run and migrated in it)".into())];
    clock_rows(s, &mut rows, |o| &o.dormancy_wd, |o| &o.dormancy_days);
    rows.push(Row::Section("Dormancy until restored smart service (R12: supplier DCC-ready)".into()));
    clock_rows(s, &mut rows, |o| &o.restored_wd, |o| &o.restored_days);
    rows.push(Row::Section("Installations (mean per replication, simulated; ≈ GB scale below)".into()));
    rows.push(installations(s, "Dormant at some time in the run", |o| o.dormant_sites));
    rows.push(installations(s, "Dormant at the start (backlog)", |o| o.backlog_sites));
    rows.push(installations(s, "New dormant episodes", |o| o.new_dormant_episodes));
    rows.push(installations(s, "Migrated after dormancy", |o| o.migrated_sites));
    rows.push(installations(s, "Migrated while active (programme)", |o| o.active_migrated_sites));
    rows.push(installations(s, "Episodes ended by a switch to an operating supplier", |o| o.reactivated_episodes));
    rows.push(installations(s, "Still dormant at the end", |o| o.still_dormant_at_end));
    rows.push(installations(s, "of which excluded after failures", |o| o.excluded_sites));
    rows.push(installations(s, "Migrated, smart service still pending at the end", |o| o.service_pending_at_end));
    rows.push(installations(s, "Mean dormant stock over the run", |o| o.mean_dormant_stock));
    rows.push(installations(s, "Episodes with some but not all fuels dormant (R4)", |o| o.partial_dormant_episodes));
    rows.push(installations(s, "Mean partly dormant stock over the run (R4)", |o| o.mean_partial_dormant_stock));
    rows.push(installations(s, "Migrated, then lost smart service by a switch (R12)", |o| o.service_lost));
    rows.push(Row::Section("SMSO firmware configuration (R6)".into()));
    rows.push(row(s, "Mean wait, working days", |o| {
        Cell::with(wd(o.firmware_wait_wd.mean), ci_sub(o.firmware_wait_wd.ci95))
    }));
    rows.push(row(s, "Later than the SMSO's SLA", |o| Cell::new(pct(o.firmware_late_share))));
    rows.push(Row::Section(
        "Manual cases (mean per replication, simulated installations; SECAS escalations and fast-track files as \
         counted at GB scale)"
            .into(),
    ));
    for key in keys(s, |o| &o.manual_cases_by_party) {
        let label = format!("Handled by {}", lower_first(&party_label(&key)));
        rows.push(row(s, &label, |o| Cell::new(count(o.manual_cases_by_party.get(&key).copied().unwrap_or(f64::NAN)))));
    }
    for key in keys(s, |o| &o.manual_cases) {
        let label = if key == "total" { "All cases".to_string() } else { case_label(&key) };
        rows.push(row(s, &label, |o| Cell::new(count(o.manual_cases.get(&key).copied().unwrap_or(f64::NAN)))));
    }
    rows.push(Row::Section("Staff effort, FTE at GB scale".into()));
    for key in keys(s, |o| &o.manual_fte) {
        let party = party_label(&key);
        rows.push(row(s, &format!("{party}: mean week"), |o| fte_cell(o.manual_fte.get(&key))));
        rows.push(row(s, &format!("{party}: peak week"), |o| peak_cell(o.manual_fte.get(&key))));
    }
    Table { head, rows }
}
