//! From replication results to the figures an analyst reads: means with 95% t-intervals over replications,
//! pooled quantiles, paired comparisons. Pure functions of the results; serialised as `summary.json`.

use super::ReplicationResult;
use crate::metrics::{Histogram, MeanCi, OptionMetrics, mean_ci95};
use crate::process::ManualCase;
use crate::scenario::Scenario;
use indexmap::IndexMap;
use serde::Serialize;

/// The whole `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub scenario: String,
    pub scenario_hash: String,
    pub dormsim_version: String,
    pub seed: u64,
    pub replications: u32,
    pub start_date: String,
    pub horizon_days: i32,
    pub calendar: String,
    /// Simulated installations and the fleet they represent; multiply counts by `scale_to_represented`.
    pub installations: u32,
    pub represents: u64,
    pub scale_to_represented: f64,
    pub options: IndexMap<String, OptionSummary>,
    pub comparisons: Vec<Comparison>,
}

/// Per option. Counts are means per replication in simulated installations.
#[derive(Debug, Clone, Serialize)]
pub struct OptionSummary {
    pub description: String,
    pub dormant_sites: f64,
    pub backlog_sites: f64,
    pub new_dormant_episodes: f64,
    pub migrated_sites: f64,
    /// Episodes ended by a switch to a supplier that can operate the SMSO (an installation may have several).
    pub reactivated_episodes: f64,
    pub still_dormant_at_end: f64,
    pub excluded_sites: f64,
    /// Dormancy of episodes that began during the run and ended in migration.
    pub dormancy_wd: DistributionSummary,
    pub dormancy_days: DistributionSummary,
    pub firmware_wait_wd: MeanCi,
    /// Share of configurations finished later than the SMSO's SLA.
    pub firmware_late_share: f64,
    /// Mean per replication: `total` and one entry per case type.
    pub manual_cases: IndexMap<String, f64>,
    /// Mean dormant stock (installations) over the horizon, from the stock integral.
    pub mean_dormant_stock: f64,
    pub events_per_replication: f64,
}

/// Mean with its 95% CI over replication means; quantiles and max of all episodes pooled over replications.
#[derive(Debug, Clone, Serialize)]
pub struct DistributionSummary {
    pub mean: f64,
    pub ci95: Option<[f64; 2]>,
    pub p50: Option<u32>,
    pub p90: Option<u32>,
    pub p95: Option<u32>,
    pub max: Option<u32>,
    /// Episodes pooled over all replications (the quantiles' sample size; not a mean per replication).
    pub episodes_pooled: u64,
}

/// `option` against `baseline` (the first option), paired by replication (common random numbers).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub baseline: String,
    pub option: String,
    /// Mean over replications of (baseline mean dormancy − option mean dormancy), working days, each mean over that
    /// option's migrated episodes (paired by replication through common random numbers); > 0 = option faster.
    pub mean_reduction_wd: f64,
    pub ci95: Option<[f64; 2]>,
    pub mean_reduction_days: f64,
    pub ci95_days: Option<[f64; 2]>,
    /// Paired per installation: mean over installations dormant under either option of (baseline − option) dormant
    /// working days within the horizon (all episodes, backlog included, censored at the end); 95% CI over
    /// replications.
    pub mean_site_reduction_wd: f64,
    pub ci95_site: Option<[f64; 2]>,
    /// Of installations dormant under either option, the share with fewer dormant working days under `option`.
    pub share_sites_faster: f64,
    pub share_sites_slower: f64,
}

fn mean_of(reps: &[ReplicationResult], o: usize, f: impl Fn(&OptionMetrics) -> f64) -> f64 {
    reps.iter().map(|r| f(&r.options[o])).sum::<f64>() / reps.len().max(1) as f64
}

fn distribution(reps: &[ReplicationResult], o: usize, h: impl Fn(&OptionMetrics) -> &Histogram) -> DistributionSummary {
    let per_rep: Vec<f64> = reps.iter().map(|r| h(&r.options[o]).mean()).collect();
    let mut pooled = Histogram::new();
    for r in reps {
        pooled.merge(h(&r.options[o]));
    }
    let ci = mean_ci95(&per_rep);
    DistributionSummary {
        mean: ci.mean,
        ci95: ci.ci95,
        p50: pooled.quantile(0.5),
        p90: pooled.quantile(0.9),
        p95: pooled.quantile(0.95),
        max: pooled.max(),
        episodes_pooled: pooled.count(),
    }
}

fn option_summary(s: &Scenario, reps: &[ReplicationResult], o: usize) -> OptionSummary {
    let m = |f: &dyn Fn(&OptionMetrics) -> u64| mean_of(reps, o, |x| f(x) as f64);
    let mut manual = IndexMap::new();
    manual.insert("total".to_string(), m(&|x| x.manual_total()));
    for case in ManualCase::ALL {
        manual.insert(case.name().to_string(), m(&|x| x.manual_cases[case as usize]));
    }
    let configs: u64 = reps.iter().map(|r| r.options[o].firmware_configs).sum();
    let late: u64 = reps.iter().map(|r| r.options[o].firmware_late).sum();
    OptionSummary {
        description: s.options[o].description.clone(),
        dormant_sites: m(&|x| x.dormant_sites),
        backlog_sites: m(&|x| x.backlog_sites),
        new_dormant_episodes: m(&|x| x.new_episodes),
        migrated_sites: m(&|x| x.migrated),
        reactivated_episodes: m(&|x| x.reactivated),
        still_dormant_at_end: m(&|x| x.still_dormant_at_end),
        excluded_sites: m(&|x| x.excluded_at_end),
        dormancy_wd: distribution(reps, o, |x| &x.dormancy_wd),
        dormancy_days: distribution(reps, o, |x| &x.dormancy_days),
        firmware_wait_wd: mean_ci95(&reps.iter().map(|r| r.options[o].firmware_wait_mean()).collect::<Vec<_>>()),
        firmware_late_share: if configs == 0 { 0.0 } else { late as f64 / configs as f64 },
        manual_cases: manual,
        mean_dormant_stock: m(&|x| x.stock_site_days) / f64::from(s.run.horizon_days),
        events_per_replication: m(&|x| x.events),
    }
}

fn comparison(s: &Scenario, reps: &[ReplicationResult], o: usize) -> Comparison {
    let diff = |h: &dyn Fn(&OptionMetrics) -> &Histogram| -> MeanCi {
        mean_ci95(&reps.iter().map(|r| h(&r.options[0]).mean() - h(&r.options[o]).mean()).collect::<Vec<_>>())
    };
    let wd = diff(&|x| &x.dormancy_wd);
    let days = diff(&|x| &x.dormancy_days);
    let site = mean_ci95(
        &reps
            .iter()
            .map(|r| r.paired[o].dormant_wd_saved as f64 / r.paired[o].sites_dormant_in_either as f64)
            .collect::<Vec<_>>(),
    );
    let either: u64 = reps.iter().map(|r| r.paired[o].sites_dormant_in_either).sum();
    let share = |f: &dyn Fn(&ReplicationResult) -> u64| -> f64 {
        if either == 0 { 0.0 } else { reps.iter().map(f).sum::<u64>() as f64 / either as f64 }
    };
    Comparison {
        baseline: s.options[0].name.clone(),
        option: s.options[o].name.clone(),
        mean_reduction_wd: wd.mean,
        ci95: wd.ci95,
        mean_reduction_days: days.mean,
        ci95_days: days.ci95,
        mean_site_reduction_wd: site.mean,
        ci95_site: site.ci95,
        share_sites_faster: share(&|r| r.paired[o].sites_faster),
        share_sites_slower: share(&|r| r.paired[o].sites_slower),
    }
}

/// Summarise replication results (in replication order) for the scenario.
pub fn summarise(s: &Scenario, reps: &[ReplicationResult]) -> Summary {
    Summary {
        scenario: s.name.clone(),
        scenario_hash: s.hash(),
        dormsim_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: s.run.seed,
        replications: reps.len() as u32,
        start_date: s.run.start_date.to_string(),
        horizon_days: s.run.horizon_days,
        calendar: s.run.calendar.name().to_string(),
        installations: s.fleet.installations,
        represents: s.fleet.represents,
        scale_to_represented: 1.0 / s.fleet.sample_fraction,
        options: (0..s.options.len()).map(|o| (s.options[o].name.clone(), option_summary(s, reps, o))).collect(),
        comparisons: (1..s.options.len()).map(|o| comparison(s, reps, o)).collect(),
    }
}
