//! The headline broken down so that it can be explained (issue 11): each option's tracked episodes by population
//! (fast-track eligible, waited for EPCL listing, backlog) with their dormancy decomposed into stages that add up
//! to it; the option against the baseline on the same episodes; notified dates kept; and the funnel from switches
//! to fast-tracked episodes (the consultation's "7%", R17).
//!
//! Dormancy here is the restricted mean inside the horizon: an episode still open at the end counts its working
//! days up to it (the censored share is reported with it); backlog episodes count from the start of the run.

use super::ReplicationResult;
use crate::metrics::{
    MeanCi, POPULATIONS, Population, PopulationMetrics, STAGES, Stage, mean_ci95, nan_from_null, nan_map_from_null,
};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// One population under one option (counts are means per replication, simulated installations).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PopulationSummary {
    pub label: String,
    pub episodes: f64,
    #[serde(deserialize_with = "nan_from_null")]
    pub migrated_share: f64,
    #[serde(deserialize_with = "nan_from_null")]
    pub censored_share: f64,
    /// Mean working days dormant per episode inside the horizon, 95% CI over replications.
    pub dormant_wd: MeanCi,
    /// Mean working days per episode in each stage (`Stage::name`); they add up to `dormant_wd.mean`.
    #[serde(deserialize_with = "nan_map_from_null")]
    pub stages_wd: IndexMap<String, f64>,
}

/// One population, option against the baseline on the same episodes (matched by installation and start day).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PopulationComparison {
    pub matched_episodes: f64,
    pub unmatched_episodes: f64,
    /// Mean over matched episodes of (baseline − option) working days dormant; > 0 = option faster.
    pub reduction_wd: MeanCi,
    #[serde(deserialize_with = "nan_from_null")]
    pub share_faster: f64,
    #[serde(deserialize_with = "nan_from_null")]
    pub share_slower: f64,
    /// Of the slower episodes, the share whose largest increase is in each stage (the mechanism).
    #[serde(deserialize_with = "nan_map_from_null")]
    pub slower_by_stage: IndexMap<String, f64>,
}

/// Dormant migrations after a notice: the share on their first notified date, and the shares that were not, by
/// reason (`capacity_wait` is 0 by construction: notices are only issued against booked capacity).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotifiedDateSummary {
    pub migrations: f64,
    #[serde(deserialize_with = "nan_from_null")]
    pub kept_share: f64,
    #[serde(deserialize_with = "nan_map_from_null")]
    pub missed_share: IndexMap<String, f64>,
}

/// R17: switches of unmigrated SMETS1 installations → dormancy → DMC listed at the SSD → fast-tracked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FastTrackSummary {
    pub switches: f64,
    pub dormancy_causing: f64,
    pub listed_at_ssd: f64,
    pub fast_tracked: f64,
    /// fast_tracked / switches: the share of switching SMETS1 installations whose episode takes the fast track.
    #[serde(deserialize_with = "nan_from_null")]
    pub fast_track_share: f64,
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { f64::NAN } else { a as f64 / b as f64 }
}

fn per_rep(reps: &[ReplicationResult], f: impl Fn(&ReplicationResult) -> u64) -> f64 {
    reps.iter().map(|r| f(r) as f64).sum::<f64>() / reps.len().max(1) as f64
}

/// Populations of option `o` that have episodes, in `Population::ALL` order.
pub fn populations(reps: &[ReplicationResult], o: usize) -> IndexMap<String, PopulationSummary> {
    let mut out = IndexMap::new();
    for p in Population::ALL {
        let mut total = PopulationMetrics::default();
        for r in reps {
            let m = &r.options[o].populations[p as usize];
            total.episodes += m.episodes;
            total.migrated += m.migrated;
            total.censored += m.censored;
            total.dormant_wd += m.dormant_wd;
            for i in 0..STAGES {
                total.stage_wd[i] += m.stage_wd[i];
            }
        }
        if total.episodes == 0 {
            continue;
        }
        // Per-replication means, averaged (replications without episodes left out), so the stages add up exactly.
        let with: Vec<&PopulationMetrics> =
            reps.iter().map(|r| &r.options[o].populations[p as usize]).filter(|m| m.episodes > 0).collect();
        let means: Vec<f64> = with.iter().map(|m| m.mean_wd()).collect();
        let stage_mean =
            |i: usize| with.iter().map(|m| ratio(m.stage_wd[i], m.episodes)).sum::<f64>() / with.len() as f64;
        let stages = Stage::ALL.iter().map(|s| (s.name().to_string(), stage_mean(*s as usize)));
        out.insert(
            p.name().to_string(),
            PopulationSummary {
                label: p.label().to_string(),
                episodes: total.episodes as f64 / reps.len().max(1) as f64,
                migrated_share: ratio(total.migrated, total.episodes),
                censored_share: ratio(total.censored, total.episodes),
                dormant_wd: mean_ci95(&means),
                stages_wd: stages.collect(),
            },
        );
    }
    out
}

/// Option `o` against option 0 per population, on matched episodes.
pub fn population_comparisons(reps: &[ReplicationResult], o: usize) -> IndexMap<String, PopulationComparison> {
    let mut out = IndexMap::new();
    for p in Population::ALL {
        let pairs: Vec<_> = reps.iter().map(|r| r.paired[o].populations[p as usize]).collect();
        let matched: u64 = pairs.iter().map(|x| x.matched).sum();
        if matched == 0 {
            continue;
        }
        let slower: u64 = pairs.iter().map(|x| x.slower).sum();
        let means: Vec<f64> =
            pairs.iter().filter(|x| x.matched > 0).map(|x| x.wd_saved as f64 / x.matched as f64).collect();
        let by_stage = Stage::ALL
            .iter()
            .map(|s| (s.name().to_string(), ratio(pairs.iter().map(|x| x.slower_by_stage[*s as usize]).sum(), slower)));
        out.insert(
            p.name().to_string(),
            PopulationComparison {
                matched_episodes: matched as f64 / reps.len().max(1) as f64,
                unmatched_episodes: pairs.iter().map(|x| x.unmatched).sum::<u64>() as f64 / reps.len().max(1) as f64,
                reduction_wd: mean_ci95(&means),
                share_faster: ratio(pairs.iter().map(|x| x.faster).sum(), matched),
                share_slower: ratio(slower, matched),
                slower_by_stage: if slower == 0 { IndexMap::new() } else { by_stage.collect() },
            },
        );
    }
    out
}

/// Notified dates of option `o`.
pub fn notified_dates(reps: &[ReplicationResult], o: usize) -> NotifiedDateSummary {
    let migrations: u64 = reps.iter().map(|r| r.options[o].notified.migrations).sum();
    let kept: u64 = reps.iter().map(|r| r.options[o].notified.kept).sum();
    let reasons = [Stage::FirmwareLate, Stage::Retry, Stage::Halt, Stage::Capacity];
    NotifiedDateSummary {
        migrations: migrations as f64 / reps.len().max(1) as f64,
        kept_share: ratio(kept, migrations),
        missed_share: reasons
            .iter()
            .map(|s| {
                let n: u64 = reps.iter().map(|r| r.options[o].notified.missed[*s as usize]).sum();
                (s.name().to_string(), ratio(n, migrations))
            })
            .collect(),
    }
}

/// The fast-track funnel of option `o`.
pub fn fast_track(reps: &[ReplicationResult], o: usize) -> FastTrackSummary {
    let f = |g: fn(&crate::metrics::FastTrackFunnel) -> u64| per_rep(reps, |r| g(&r.options[o].funnel));
    let switches: u64 = reps.iter().map(|r| r.options[o].funnel.switches).sum();
    let fast: u64 = reps.iter().map(|r| r.options[o].funnel.fast_tracked).sum();
    FastTrackSummary {
        switches: f(|x| x.switches),
        dormancy_causing: f(|x| x.dormancy_causing),
        listed_at_ssd: f(|x| x.listed_at_ssd),
        fast_tracked: f(|x| x.fast_tracked),
        fast_track_share: ratio(fast, switches),
    }
}

/// Sanity: populations are indexed densely.
const _: () = assert!(POPULATIONS == Population::ALL.len());
