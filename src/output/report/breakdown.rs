//! The report's breakdown tables as plain data (rendered like [`super::grid`]): dormancy per population and option,
//! the paired reduction per population against the baseline option, the decomposition of dormancy into stages,
//! notified dates kept, the fast-track funnel (R17), and partial dormancy (R4) with lost service (R12).

use super::fmt::{count, gb, lower_first, pct, wd};
use super::grid::{Cell, Row, Table, ci_sub};
use crate::experiment::{OptionSummary, Summary};
use crate::metrics::{Population, Stage};
use indexmap::IndexMap;

/// SMETS1 share of switching customers: an assumption from public figures (shared/domain.md R17), not a model
/// output; used only to read the fast-track share against the consultation's "7% of customers".
pub const SMETS1_SHARE_OF_SWITCHERS: f64 = 0.41;

/// A stage's label from its `summary.json` name (the name itself, spaced, when unknown).
pub fn stage_label(name: &str) -> String {
    Stage::ALL.iter().find(|s| s.name() == name).map_or_else(|| name.replace('_', " "), |s| s.label().to_string())
}

/// Population names in `Population::ALL` order (unknown ones last), as they appear in any option.
pub fn population_names(s: &Summary) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for o in s.options.values() {
        names.extend(o.populations.keys().filter(|k| !names.contains(k)).cloned().collect::<Vec<_>>());
    }
    names.sort_by_key(|n| Population::ALL.iter().position(|p| p.name() == n).unwrap_or(usize::MAX));
    names
}

/// A population's label (from the first option that has it).
pub fn population_label(s: &Summary, name: &str) -> String {
    s.options.values().find_map(|o| o.populations.get(name)).map_or_else(|| name.to_string(), |p| p.label.clone())
}

/// The stage with the largest share of the slower episodes: its label and that share.
pub fn main_stage(by_stage: &IndexMap<String, f64>) -> Option<(String, f64)> {
    let (k, v) = by_stage.iter().filter(|(_, v)| v.is_finite()).max_by(|a, b| a.1.total_cmp(b.1))?;
    Some((stage_label(k), *v))
}

/// The slower episodes' main mechanism in words, "Waiting for DCC capacity (99.8% of them)"; "none slower" without
/// any.
pub fn slower_mechanism(by_stage: &IndexMap<String, f64>, share_slower: f64) -> String {
    if share_slower.is_nan() || share_slower <= 0.0 {
        return "none slower".into();
    }
    main_stage(by_stage).map_or_else(|| "n/a".into(), |(label, v)| format!("{label} ({} of them)", pct(v)))
}

fn with_gb(s: &Summary, x: f64) -> Cell {
    Cell::with(count(x), format!("≈ {} GB", gb(x * s.scale_to_represented)))
}

/// Per population (a section row each) and option: episodes, mean dormancy with CI, how the episodes ended.
pub fn populations(s: &Summary) -> Table {
    let head = [
        "Population / option",
        "Episodes per replication",
        "Mean WD dormant per episode (inside the horizon)",
        "Migrated",
        "Ended by a switch",
        "Still dormant at the end (counted to it)",
    ];
    let mut rows = Vec::new();
    for name in population_names(s) {
        rows.push(Row::Section(population_label(s, &name)));
        for (option, o) in &s.options {
            let Some(p) = o.populations.get(&name) else { continue };
            rows.push(Row::Cells(vec![
                Cell::new(option.clone()),
                with_gb(s, p.episodes),
                Cell::with(wd(p.dormant_wd.mean), ci_sub(p.dormant_wd.ci95)),
                Cell::new(pct(p.migrated_share)),
                Cell::new(pct(1.0 - p.migrated_share - p.censored_share)),
                Cell::new(pct(p.censored_share)),
            ]));
        }
    }
    Table { head: head.map(String::from).to_vec(), rows }
}

/// Per population and compared option: the paired reduction on the same episodes, faster/slower, mechanism.
pub fn reductions(s: &Summary) -> Table {
    let baseline = s.options.keys().next().cloned().unwrap_or_default();
    let head = [
        "Population / option".to_string(),
        "Matched episodes per replication".to_string(),
        format!("Reduction against {baseline}, WD (> 0 = shorter)"),
        "Episodes faster".to_string(),
        "Episodes slower".to_string(),
        "Slower episodes: stage that grew most".to_string(),
    ];
    let mut rows = Vec::new();
    for name in population_names(s) {
        rows.push(Row::Section(population_label(s, &name)));
        for c in &s.comparisons {
            let Some(p) = c.populations.get(&name) else { continue };
            rows.push(Row::Cells(vec![
                Cell::new(c.option.clone()),
                with_gb(s, p.matched_episodes),
                Cell::with(wd(p.reduction_wd.mean), ci_sub(p.reduction_wd.ci95)),
                Cell::new(pct(p.share_faster)),
                Cell::new(pct(p.share_slower)),
                Cell::new(slower_mechanism(&p.slower_by_stage, p.share_slower)),
            ]));
        }
    }
    Table { head: head.to_vec(), rows }
}

/// Stage names in `Stage::ALL` order, then any others found.
fn stage_names(s: &Summary) -> Vec<String> {
    let mut names: Vec<String> = Stage::ALL.iter().map(|x| x.name().to_string()).collect();
    for p in s.options.values().flat_map(|o| o.populations.values()) {
        names.extend(p.stages_wd.keys().filter(|k| !names.contains(k)).cloned().collect::<Vec<_>>());
    }
    names
}

/// Per population (section rows): mean WD per episode in each stage, one column per option, and the total.
pub fn decomposition(s: &Summary) -> Table {
    let mut head = vec!["Population / stage (mean WD per episode)".to_string()];
    head.extend(s.options.keys().cloned());
    let mut rows = Vec::new();
    for name in population_names(s) {
        rows.push(Row::Section(population_label(s, &name)));
        let pop = |o: &OptionSummary| o.populations.get(&name).cloned();
        for stage in stage_names(s) {
            let mut cells = vec![Cell::new(stage_label(&stage))];
            cells.extend(
                s.options
                    .values()
                    .map(|o| Cell::new(pop(o).and_then(|p| p.stages_wd.get(&stage).copied()).map_or("–".into(), wd))),
            );
            rows.push(Row::Cells(cells));
        }
        let mut total = vec![Cell::new("All stages: mean WD dormant")];
        total.extend(s.options.values().map(|o| match pop(o) {
            Some(p) => Cell::with(wd(p.dormant_wd.mean), ci_sub(p.dormant_wd.ci95)),
            None => Cell::new("–"),
        }));
        rows.push(Row::Cells(total));
    }
    Table { head, rows }
}

/// Per option: dormant migrations after a notice, the share on the first notified date, the missed ones by reason.
pub fn notified_dates(s: &Summary) -> Table {
    let reasons: Vec<String> =
        s.options.values().next().map(|o| o.notified_dates.missed_share.keys().cloned().collect()).unwrap_or_default();
    let mut head = vec![
        "Option".to_string(),
        "Dormant migrations after a notice, per replication".to_string(),
        "Migrated on the first notified date".to_string(),
    ];
    head.extend(reasons.iter().map(|r| format!("Missed: {}", lower_first(&stage_label(r)))));
    let rows = s
        .options
        .iter()
        .map(|(name, o)| {
            let n = &o.notified_dates;
            let mut cells = vec![Cell::new(name.clone()), with_gb(s, n.migrations), Cell::new(pct(n.kept_share))];
            cells.extend(reasons.iter().map(|r| Cell::new(pct(n.missed_share.get(r).copied().unwrap_or(f64::NAN)))));
            Row::Cells(cells)
        })
        .collect();
    Table { head, rows }
}

/// "13,992" with "57.2% of the step before" below.
fn step(value: f64, previous: f64) -> Cell {
    let share = if previous > 0.0 { value / previous } else { f64::NAN };
    Cell::with(count(value), format!("{} of the step before", pct(share)))
}

/// Per option: the fast-track funnel, the share, and the share read against all switching customers.
pub fn fast_track(s: &Summary) -> Table {
    let head = [
        "Option",
        "Switches of unmigrated SMETS1 installations, per replication",
        "Made the installation dormant",
        "DMC on the EPCL at the SSD",
        "Fast-tracked",
        "Fast-track share (of the switches)",
        "Read as a share of all switching customers (× 0.41)",
    ];
    let rows = s
        .options
        .iter()
        .map(|(name, o)| {
            let f = &o.fast_track;
            Row::Cells(vec![
                Cell::new(name.clone()),
                with_gb(s, f.switches),
                step(f.dormancy_causing, f.switches),
                step(f.listed_at_ssd, f.dormancy_causing),
                step(f.fast_tracked, f.listed_at_ssd),
                Cell::new(pct(f.fast_track_share)),
                Cell::new(pct(f.fast_track_share * SMETS1_SHARE_OF_SWITCHERS)),
            ])
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}

/// Per option: partial dormancy of split-supply sites (R4) and service lost after migration (R12).
pub fn partial_and_lost(s: &Summary) -> Table {
    let head = [
        "Option",
        "Episodes with some but not all fuels dormant (R4), per replication",
        "Installations partly dormant on a mean day (R4)",
        "Migrated installations that lost smart service again (R12), per replication",
    ];
    let rows = s
        .options
        .iter()
        .map(|(name, o)| {
            Row::Cells(vec![
                Cell::new(name.clone()),
                with_gb(s, o.partial_dormant_episodes),
                with_gb(s, o.mean_partial_dormant_stock),
                with_gb(s, o.service_lost),
            ])
        })
        .collect();
    Table { head: head.map(String::from).to_vec(), rows }
}
