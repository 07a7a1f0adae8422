//! Breakdowns by who the dormancy happens to (issue 14): every tracked episode (an installation's backlog episode,
//! or its first that began in the run) is counted in one group of each dimension — population, cohort, SMSO,
//! supplier group, payment type — per option, and paired with the same episode under the baseline option. Each
//! dimension partitions the tracked episodes, so its groups add up to the option's total.
//!
//! Supplier group is derived, not an input: a supplier that operates no SMETS1 service operator's platform itself
//! (`operates = []`, the challengers of the library scenarios) is a *challenger*, any other a *legacy* supplier;
//! the supplier is the one holding the electricity supply when the episode began (the gaining supplier that made it
//! dormant, or the backlog's supplier at the start). Region is not a dimension: every installation of a run follows
//! the run's calendar (`run.calendar`); regions are compared by running each calendar and `dormsim compare`.

use super::ReplicationResult;
use crate::fleet::Installation;
use crate::metrics::{GroupCounts, MeanCi, Population, Tracked, mean_ci95, nan_from_null};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// What a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Population,
    Cohort,
    Smso,
    SupplierGroup,
    Payment,
}

pub const DIMENSIONS: usize = 5;

impl Dimension {
    pub const ALL: [Dimension; DIMENSIONS] =
        [Dimension::Population, Dimension::Cohort, Dimension::Smso, Dimension::SupplierGroup, Dimension::Payment];

    pub fn name(self) -> &'static str {
        match self {
            Dimension::Population => "population",
            Dimension::Cohort => "cohort",
            Dimension::Smso => "smso",
            Dimension::SupplierGroup => "supplier_group",
            Dimension::Payment => "payment",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Dimension::Population => "Population",
            Dimension::Cohort => "Cohort",
            Dimension::Smso => "SMSO",
            Dimension::SupplierGroup => "Supplier group (at the start of the episode)",
            Dimension::Payment => "Payment type",
        }
    }
}

/// One group of one dimension: `name` is a stable key (a scenario name or a fixed word), `label` reads in a table.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupKey {
    pub dimension: Dimension,
    pub name: String,
    pub label: String,
}

const SUPPLIER_GROUPS: [(&str, &str); 2] =
    [("legacy", "Legacy (operates a SMETS1 platform)"), ("challenger", "Challenger (operates none)")];
const PAYMENT: [(&str, &str); 2] = [("credit", "Credit"), ("prepayment", "Prepayment")];

/// Every group of the scenario, dimension by dimension (the order of the counts and of the tables).
pub fn keys(s: &Scenario) -> Vec<GroupKey> {
    let key =
        |dimension, name: &str, label: &str| GroupKey { dimension, name: name.to_string(), label: label.to_string() };
    let mut out: Vec<GroupKey> =
        Population::ALL.iter().map(|p| key(Dimension::Population, p.name(), p.label())).collect();
    out.extend(s.fleet.cohorts.iter().map(|c| key(Dimension::Cohort, &c.name, &c.name)));
    out.extend(s.smsos.iter().map(|m| key(Dimension::Smso, &m.name, &m.name)));
    out.extend(SUPPLIER_GROUPS.iter().map(|(n, l)| key(Dimension::SupplierGroup, n, l)));
    out.extend(PAYMENT.iter().map(|(n, l)| key(Dimension::Payment, n, l)));
    out
}

/// Where each dimension's groups start in [`keys`].
struct Layout {
    cohort: usize,
    smso: usize,
    supplier_group: usize,
    payment: usize,
}

impl Layout {
    fn of(s: &Scenario) -> Layout {
        let cohort = Population::ALL.len();
        let smso = cohort + s.fleet.cohorts.len();
        let supplier_group = smso + s.smsos.len();
        Layout { cohort, smso, supplier_group, payment: supplier_group + SUPPLIER_GROUPS.len() }
    }

    /// The episode's group in every dimension.
    fn groups(&self, s: &Scenario, inst: &Installation, t: &Tracked) -> [usize; DIMENSIONS] {
        let challenger = s.suppliers.get(t.supplier as usize).is_some_and(|x| x.operates_mask == 0);
        [
            t.population() as usize,
            self.cohort + s.dmcs[inst.dmc as usize].cohort,
            self.smso + inst.smso as usize,
            self.supplier_group + usize::from(challenger),
            self.payment + usize::from(inst.prepayment),
        ]
    }
}

/// Count one option's tracked episodes by group, and pair them with the baseline's (grouped by the baseline's
/// episode, as the population pairing does).
pub fn count(s: &Scenario, fleet: &[Installation], base: &[Tracked], option: &[Tracked]) -> Vec<GroupCounts> {
    let layout = Layout::of(s);
    let mut out = vec![GroupCounts::default(); layout.payment + PAYMENT.len()];
    for ((inst, b), o) in fleet.iter().zip(base).zip(option) {
        if o.exists() {
            for g in layout.groups(s, inst, o) {
                out[g].add_episode(o);
            }
        }
        match (b.exists(), o.exists()) {
            (true, true) if b.since == o.since => layout.groups(s, inst, b).map(|g| out[g].add_pair(b, o)),
            (true, _) => layout.groups(s, inst, b).map(|g| out[g].unmatched += 1),
            (false, true) => layout.groups(s, inst, o).map(|g| out[g].unmatched += 1),
            (false, false) => [(); DIMENSIONS],
        };
    }
    out
}

/// One group under one option, over replications (`summary.json` `breakdowns`). Counts are means per replication
/// in simulated installations; working days are restricted means inside the horizon.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupSummary {
    pub dimension: String,
    pub group: String,
    pub label: String,
    pub option: String,
    pub episodes: f64,
    /// The group's share of the option's tracked episodes (the groups of a dimension add up to 1).
    #[serde(deserialize_with = "nan_from_null")]
    pub episode_share: f64,
    #[serde(deserialize_with = "nan_from_null")]
    pub migrated_share: f64,
    #[serde(deserialize_with = "nan_from_null")]
    pub censored_share: f64,
    /// Mean working days dormant per episode, 95% t-interval over replications (simulation noise only).
    pub dormant_wd: MeanCi,
    /// Against the baseline option on the same episodes (absent for the baseline itself): mean (baseline −
    /// option) working days, > 0 = the option is faster, with its paired 95% t-interval over replications.
    pub reduction_wd: Option<MeanCi>,
    pub matched_episodes: Option<f64>,
    pub share_faster: Option<f64>,
    pub share_slower: Option<f64>,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { f64::NAN } else { a as f64 / b as f64 }
}

/// Every group of every option that has tracked episodes, dimension by dimension, options in scenario order.
pub fn summarise(s: &Scenario, reps: &[ReplicationResult]) -> Vec<GroupSummary> {
    let keys = keys(s);
    let n = reps.len().max(1) as f64;
    let mut out = Vec::new();
    for (g, key) in keys.iter().enumerate() {
        for (o, option) in s.options.iter().enumerate() {
            let counts: Vec<GroupCounts> = reps.iter().map(|r| r.groups[o][g]).collect();
            let total = counts.iter().fold(GroupCounts::default(), |mut a, c| {
                a.merge(c);
                a
            });
            if total.episodes == 0 {
                continue;
            }
            let dimension_episodes: u64 = keys
                .iter()
                .enumerate()
                .filter(|(_, k)| k.dimension == key.dimension)
                .map(|(i, _)| reps.iter().map(|r| r.groups[o][i].episodes).sum::<u64>())
                .sum();
            let paired = (o > 0).then(|| mean_ci95(&counts.iter().map(GroupCounts::reduction_wd).collect::<Vec<_>>()));
            out.push(GroupSummary {
                dimension: key.dimension.name().to_string(),
                group: key.name.clone(),
                label: key.label.clone(),
                option: option.name.clone(),
                episodes: total.episodes as f64 / n,
                episode_share: ratio(total.episodes, dimension_episodes),
                migrated_share: ratio(total.migrated, total.episodes),
                censored_share: ratio(total.censored, total.episodes),
                dormant_wd: mean_ci95(&counts.iter().map(GroupCounts::mean_wd).collect::<Vec<_>>()),
                reduction_wd: paired,
                matched_episodes: (o > 0).then(|| total.matched as f64 / n),
                share_faster: (o > 0).then(|| ratio(total.faster, total.matched)),
                share_slower: (o > 0).then(|| ratio(total.slower, total.matched)),
            });
        }
    }
    out
}

/// The replication's counts have one row per option and one entry per group of the scenario.
pub fn check(s: &Scenario, r: &ReplicationResult) -> Result<(), String> {
    let groups = keys(s).len();
    if r.groups.len() != s.options.len() {
        return Err(format!("{} breakdown rows, one per option ({}) expected", r.groups.len(), s.options.len()));
    }
    match r.groups.iter().position(|g| g.len() != groups) {
        Some(o) => Err(format!("option {o} has {} breakdown groups, the scenario has {groups}", r.groups[o].len())),
        None => Ok(()),
    }
}
