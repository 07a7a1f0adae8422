//! From replication results to the figures an analyst reads: means with 95% t-intervals over replications,
//! pooled quantiles, paired comparisons. Pure functions of the results; serialised as `summary.json`.

use super::ReplicationResult;
use super::breakdown::{self, FastTrackSummary, NotifiedDateSummary, PopulationComparison, PopulationSummary};
use crate::cases::{ManualCase, Party};
use crate::metrics::{Histogram, MeanCi, OptionMetrics, mean_ci95, nan_from_null};
use crate::scenario::Scenario;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// The whole `summary.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Summary {
    pub scenario: String,
    pub scenario_hash: String,
    pub dormsim_version: String,
    pub seed: u64,
    pub replications: u32,
    pub start_date: String,
    pub horizon_days: i32,
    pub calendar: String,
    /// Weeks discarded at the start, and what MSER-5 suggests on this run.
    pub warmup: super::warmup::WarmupSummary,
    /// Simulated installations and the fleet they represent; multiply counts by `scale_to_represented`.
    pub installations: u32,
    pub represents: u64,
    pub scale_to_represented: f64,
    pub options: IndexMap<String, OptionSummary>,
    pub comparisons: Vec<Comparison>,
    /// The scenario's public figures against the model (`[[validation]]`); empty when it lists none.
    #[serde(default)]
    pub validation: Vec<super::validation::ValidationRow>,
    /// Tracked episodes by cohort, SMSO, supplier group, payment type and population, per option, with the paired
    /// reduction against the baseline option (`experiment::groups`).
    #[serde(default)]
    pub breakdowns: Vec<super::groups::GroupSummary>,
}

/// Per option. Counts are means per replication in simulated installations.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
    #[serde(deserialize_with = "nan_from_null")]
    pub firmware_late_share: f64,
    /// Mean per replication: `total` and one entry per case type.
    pub manual_cases: IndexMap<String, f64>,
    /// Manual cases by handling party, mean per replication.
    pub manual_cases_by_party: IndexMap<String, f64>,
    /// Staff effort in full-time equivalents at represented (GB) scale: per party and `total`.
    pub manual_fte: IndexMap<String, FteSummary>,
    /// Installations migrated while active by the programme, mean per replication.
    pub active_migrated_sites: f64,
    /// Second clock (R12): SSD to restored smart service, for episodes begun in the run and restored in it.
    pub restored_wd: DistributionSummary,
    pub restored_days: DistributionSummary,
    /// Migrated installations still waiting for a DCC-ready supplier at the end, mean per replication.
    pub service_pending_at_end: f64,
    /// Mean dormant stock (installations) over the horizon, from the stock integral.
    pub mean_dormant_stock: f64,
    pub events_per_replication: f64,
    /// The main counts above scaled up to the represented fleet (× `scale_to_represented`), for sampled runs.
    pub at_represented_scale: IndexMap<String, f64>,
    /// Tracked episodes (each installation's backlog or first in-run episode) by population, with the
    /// decomposition of their mean dormancy into stages.
    pub populations: IndexMap<String, PopulationSummary>,
    /// Dormant migrations on their first notified date, and why the others were not.
    pub notified_dates: NotifiedDateSummary,
    /// Switches → dormancy → DMC listed → fast-tracked (R17).
    pub fast_track: FastTrackSummary,
    /// R4: episodes with some but not all fuels dormant (split supply), mean per replication, and the mean number
    /// of installations in that state over the horizon.
    pub partial_dormant_episodes: f64,
    pub mean_partial_dormant_stock: f64,
    /// R12: migrated installations that lost smart service again by switching to a supplier not DCC-ready.
    pub service_lost: f64,
}

/// Weekly staff effort (FTE) over replications: the mean week with its 95% CI, and the peak of the mean weekly
/// series: the full week after the warm-up whose mean effort over replications is highest, that mean, its 95% CI
/// over replications (the t-interval of that week's effort) and the week's first day. The peak is of the mean
/// series, not a mean of each replication's own peak week, which grows with the noise of a smaller sample.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FteSummary {
    pub mean_weekly: f64,
    pub ci95: Option<[f64; 2]>,
    #[serde(deserialize_with = "nan_from_null")]
    pub peak_weekly: f64,
    pub peak_ci95: Option<[f64; 2]>,
    /// Week (0-based from the start) with the largest mean effort over replications.
    pub peak_week: usize,
    /// First day of that week (`YYYY-MM-DD`).
    #[serde(default)]
    pub peak_week_start: String,
}

/// Mean with its 95% CI over replication means; quantiles and max of all episodes pooled over replications.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DistributionSummary {
    #[serde(deserialize_with = "nan_from_null")]
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Comparison {
    pub baseline: String,
    pub option: String,
    /// Mean over replications of (baseline mean dormancy − option mean dormancy), working days, each mean over that
    /// option's migrated episodes (paired by replication through common random numbers); > 0 = option faster.
    #[serde(deserialize_with = "nan_from_null")]
    pub mean_reduction_wd: f64,
    pub ci95: Option<[f64; 2]>,
    #[serde(deserialize_with = "nan_from_null")]
    pub mean_reduction_days: f64,
    pub ci95_days: Option<[f64; 2]>,
    /// The same on the second clock (SSD to restored smart service, R12), working days.
    #[serde(deserialize_with = "nan_from_null")]
    pub mean_reduction_restored_wd: f64,
    pub ci95_restored: Option<[f64; 2]>,
    /// Difference in mean weekly manual effort (option − baseline), FTE at represented scale; > 0 = more work.
    #[serde(deserialize_with = "nan_from_null")]
    pub extra_manual_fte: f64,
    pub ci95_extra_manual_fte: Option<[f64; 2]>,
    /// Paired per installation: mean over installations dormant under either option of (baseline − option) dormant
    /// working days within the horizon (all episodes, backlog included, censored at the end); 95% CI over
    /// replications.
    #[serde(deserialize_with = "nan_from_null")]
    pub mean_site_reduction_wd: f64,
    pub ci95_site: Option<[f64; 2]>,
    /// Of installations dormant under either option, the share with fewer dormant working days under `option`.
    pub share_sites_faster: f64,
    pub share_sites_slower: f64,
    /// The same tracked episodes under both options, per population.
    pub populations: IndexMap<String, PopulationComparison>,
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

/// Weekly FTE of one replication and option at represented scale: one series per party (`Party::ALL` order),
/// each week Σ cases × minutes / 60 / hours per FTE-week × (represents / installations).
pub fn weekly_fte(s: &Scenario, m: &OptionMetrics) -> Vec<Vec<f64>> {
    let scale = 1.0 / s.fleet.sample_fraction;
    let per_case_fte =
        |c: ManualCase| s.manual.handling(c).minutes / 60.0 / s.manual.hours_per_fte_week * c.represented(scale);
    Party::ALL
        .iter()
        .map(|&party| {
            (0..m.weekly.weeks())
                .map(|w| {
                    ManualCase::ALL
                        .iter()
                        .filter(|&&c| s.manual.handling(c).party == party)
                        .map(|&c| m.weekly.manual[c as usize][w] as f64 * per_case_fte(c))
                        .sum()
                })
                .collect()
        })
        .collect()
}

/// The weeks whose statistics count: the first week after the warm-up, and their number in 7-day units
/// ((horizon − warm-up) days / 7; a partial last week counts for its share, so a mean is per 7 days).
pub fn counted_weeks(s: &Scenario) -> (usize, f64) {
    (s.run.warmup_weeks as usize, f64::from(s.run.horizon_days - s.run.warmup_days()) / 7.0)
}

/// Mean weekly value of a weekly series over the counted weeks.
pub fn mean_weekly(s: &Scenario, series: &[f64]) -> f64 {
    let (first, weeks) = counted_weeks(s);
    series.iter().skip(first).sum::<f64>() / weeks
}

/// Days of week `w` inside a horizon of `horizon_days`: 7, or fewer for a last week cut short by the horizon.
pub fn days_in_week(horizon_days: i32, w: usize) -> i32 {
    (horizon_days - 7 * w as i32).clamp(0, 7)
}

/// The weeks a peak is looked for in: the counted weeks (after the warm-up) that are whole weeks. A partial last
/// week holds fewer days' work and is never a peak.
fn peak_weeks(s: &Scenario, weeks: usize) -> impl Iterator<Item = usize> + '_ {
    (counted_weeks(s).0..weeks).filter(|&w| days_in_week(s.run.horizon_days, w) == 7)
}

/// Largest value of a weekly series over the whole counted weeks.
pub fn peak_weekly(s: &Scenario, series: &[f64]) -> f64 {
    peak_weeks(s, series.len()).map(|w| series[w]).fold(0.0, f64::max)
}

/// Weekly FTE of all parties together.
pub fn total_weekly_fte(s: &Scenario, m: &OptionMetrics) -> Vec<f64> {
    let series = weekly_fte(s, m);
    (0..m.weekly.weeks()).map(|w| series.iter().map(|p| p[w]).sum()).collect()
}

/// `series`: one weekly series per replication. The peak week is the first week with the highest mean over
/// replications among [`peak_weeks`]; its effort per replication gives the peak's mean and t-interval.
fn fte_summary(s: &Scenario, series: &[Vec<f64>]) -> FteSummary {
    let mean = mean_ci95(&series.iter().map(|x| mean_weekly(s, x)).collect::<Vec<_>>());
    let n_weeks = series.iter().map(Vec::len).min().unwrap_or(0);
    let week_mean = |w: usize| series.iter().map(|x| x[w]).sum::<f64>() / series.len() as f64;
    let peak_week = peak_weeks(s, n_weeks).fold(None, |best: Option<usize>, w| match best {
        Some(b) if week_mean(b) >= week_mean(w) => Some(b),
        _ => Some(w),
    });
    let peak = mean_ci95(&peak_week.map_or(Vec::new(), |w| series.iter().map(|x| x[w]).collect()));
    let peak_week = peak_week.unwrap_or(0);
    FteSummary {
        mean_weekly: mean.mean,
        ci95: mean.ci95,
        peak_weekly: peak.mean,
        peak_ci95: peak.ci95,
        peak_week,
        peak_week_start: (s.run.start_date + chrono::Days::new(7 * peak_week as u64)).to_string(),
    }
}

/// Per party and in total: FTE summaries over replications.
fn manual_fte(s: &Scenario, reps: &[ReplicationResult], o: usize) -> IndexMap<String, FteSummary> {
    let per_rep: Vec<Vec<Vec<f64>>> = reps.iter().map(|r| weekly_fte(s, &r.options[o])).collect();
    let mut out = IndexMap::new();
    for (p, party) in Party::ALL.iter().enumerate() {
        let series: Vec<Vec<f64>> = per_rep.iter().map(|r| r[p].clone()).collect();
        out.insert(party.name().to_string(), fte_summary(s, &series));
    }
    let totals: Vec<Vec<f64>> =
        per_rep.iter().map(|r| (0..r[0].len()).map(|w| r.iter().map(|p| p[w]).sum()).collect()).collect();
    out.insert("total".to_string(), fte_summary(s, &totals));
    out
}

fn option_summary(s: &Scenario, reps: &[ReplicationResult], o: usize) -> OptionSummary {
    let m = |f: &dyn Fn(&OptionMetrics) -> u64| mean_of(reps, o, |x| f(x) as f64);
    // Manual cases after the warm-up, from the weekly series.
    let first = counted_weeks(s).0;
    let cases = |x: &OptionMetrics, c: ManualCase| -> u64 { x.weekly.manual[c as usize].iter().skip(first).sum() };
    let mut manual = IndexMap::new();
    manual.insert("total".to_string(), m(&|x| ManualCase::ALL.iter().map(|&c| cases(x, c)).sum()));
    for case in ManualCase::ALL {
        manual.insert(case.name().to_string(), m(&|x| cases(x, case)));
    }
    let mut by_party = IndexMap::new();
    for party in Party::ALL {
        let cases = |x: &OptionMetrics| -> u64 {
            ManualCase::ALL.iter().filter(|&&c| s.manual.handling(c).party == party).map(|&c| cases(x, c)).sum()
        };
        by_party.insert(party.name().to_string(), m(&cases));
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
        manual_cases_by_party: by_party,
        manual_fte: manual_fte(s, reps, o),
        active_migrated_sites: m(&|x| x.active_migrated),
        restored_wd: distribution(reps, o, |x| &x.restored_wd),
        restored_days: distribution(reps, o, |x| &x.restored_days),
        service_pending_at_end: m(&|x| x.service_pending_at_end),
        mean_dormant_stock: m(&|x| x.stock_site_days) / f64::from(s.run.horizon_days),
        events_per_replication: m(&|x| x.events),
        at_represented_scale: IndexMap::new(),
        populations: breakdown::populations(reps, o),
        notified_dates: breakdown::notified_dates(reps, o),
        fast_track: breakdown::fast_track(reps, o),
        partial_dormant_episodes: m(&|x| x.partial_episodes),
        mean_partial_dormant_stock: m(&|x| x.partial_site_days) / f64::from(s.run.horizon_days),
        service_lost: m(&|x| x.service_lost),
    }
    .with_represented_counts(1.0 / s.fleet.sample_fraction)
}

impl OptionSummary {
    /// Fill `at_represented_scale` from the simulated counts.
    fn with_represented_counts(mut self, scale: f64) -> Self {
        let counts = [
            ("dormant_sites", self.dormant_sites),
            ("backlog_sites", self.backlog_sites),
            ("new_dormant_episodes", self.new_dormant_episodes),
            ("migrated_sites", self.migrated_sites),
            ("reactivated_episodes", self.reactivated_episodes),
            ("still_dormant_at_end", self.still_dormant_at_end),
            ("active_migrated_sites", self.active_migrated_sites),
            ("service_pending_at_end", self.service_pending_at_end),
            ("mean_dormant_stock", self.mean_dormant_stock),
        ];
        self.at_represented_scale = counts.into_iter().map(|(k, v)| (k.to_string(), v * scale)).collect();
        // Cases about one installation scale up; per-supplier and per-file cases are already at represented scale.
        let manual: f64 = ManualCase::ALL
            .iter()
            .map(|&c| self.manual_cases.get(c.name()).copied().unwrap_or(0.0) * c.represented(scale))
            .sum();
        self.at_represented_scale.insert("manual_cases".to_string(), manual);
        self
    }
}

fn comparison(s: &Scenario, reps: &[ReplicationResult], o: usize) -> Comparison {
    let diff = |h: &dyn Fn(&OptionMetrics) -> &Histogram| -> MeanCi {
        mean_ci95(&reps.iter().map(|r| h(&r.options[0]).mean() - h(&r.options[o]).mean()).collect::<Vec<_>>())
    };
    let wd = diff(&|x| &x.dormancy_wd);
    let days = diff(&|x| &x.dormancy_days);
    let restored = diff(&|x| &x.restored_wd);
    let mean_fte = |r: &ReplicationResult, o: usize| -> f64 { mean_weekly(s, &total_weekly_fte(s, &r.options[o])) };
    let extra = mean_ci95(&reps.iter().map(|r| mean_fte(r, o) - mean_fte(r, 0)).collect::<Vec<_>>());
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
        mean_reduction_restored_wd: restored.mean,
        ci95_restored: restored.ci95,
        extra_manual_fte: extra.mean,
        ci95_extra_manual_fte: extra.ci95,
        mean_site_reduction_wd: site.mean,
        ci95_site: site.ci95,
        share_sites_faster: share(&|r| r.paired[o].sites_faster),
        share_sites_slower: share(&|r| r.paired[o].sites_slower),
        populations: breakdown::population_comparisons(reps, o),
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
        warmup: super::warmup::summarise(s, reps),
        installations: s.fleet.installations,
        represents: s.fleet.represents,
        scale_to_represented: 1.0 / s.fleet.sample_fraction,
        options: (0..s.options.len()).map(|o| (s.options[o].name.clone(), option_summary(s, reps, o))).collect(),
        comparisons: (1..s.options.len()).map(|o| comparison(s, reps, o)).collect(),
        validation: super::validation::evaluate(s, reps),
        breakdowns: super::groups::summarise(s, reps),
    }
}
