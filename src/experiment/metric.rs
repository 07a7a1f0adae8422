//! Named metrics evaluated per replication, for the experiments that compare or search (`plan`, `sensitivity`):
//! `[OPTION.]NAME`, e.g. `expedited.restored_wd_p95` or `reduction_wd`. Each replication gives one observation, so
//! a metric's mean and confidence bounds come from the t distribution over replications (Law, *Simulation Modeling
//! and Analysis*, §9.4.1), and differences between two configurations run with the same seed are paired.
//!
//! The comparison metrics (`reduction_wd`, `site_reduction_wd`, `extra_manual_fte[_PARTY]`, `share_slower`,
//! `dormant_days_avoided_gb_per_year`, …) are option − baseline differences *within* a replication (common random
//! numbers), so their intervals are paired intervals; each is computed as `summary.json` computes it. Shares pooled
//! over replications (`share_slower`: Σ slower / Σ dormant in either) are ratio estimators: the point estimate is
//! the pooled ratio, and the interval is the ratio estimator's t interval on the linearised per-replication values
//! z_r = R + (y_r − R·x_r)/x̄ (the delta method; Law §9.4.3, ratio of two means), which [`Metric::values`] returns.

use super::summary::{mean_weekly, peak_weekly, total_weekly_fte};
use super::{ReplicationResult, weekly_fte};
use crate::metrics::{Histogram, MeanCi, OptionMetrics, mean_ci95};
use crate::scenario::Scenario;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// What a metric measures in one replication of one option.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// Mean of an episode histogram (working days).
    Mean(Episodes),
    /// A quantile (0–1) of an episode histogram within the replication (working days).
    Quantile(Episodes, f64),
    FirmwareWaitWd,
    FirmwareLateShare,
    /// Mean weekly FTE at represented scale: `None` = total, or one party.
    ManualFte(Option<crate::cases::Party>),
    /// Largest weekly total FTE at represented scale.
    ManualFtePeak,
    StillDormantAtEnd,
    MeanDormantStock,
    /// Baseline option's mean minus this option's (working days; > 0 = faster), on either clock.
    Reduction(Episodes),
    /// This option's mean weekly FTE minus the baseline option's: `None` = all parties, or one party.
    ExtraManualFte(Option<crate::cases::Party>),
    /// Per installation dormant under either option: mean (baseline − option) dormant WD within the horizon.
    SiteReduction,
    /// Share of installations dormant under either option with more (`true`) or fewer dormant WD under the option.
    ShareSites {
        slower: bool,
    },
    /// Mean over the matched tracked episodes of one population of (baseline − option) dormant WD.
    PopulationReduction(crate::metrics::Population),
    /// (Baseline mean dormant stock − option's) × represented scale × 365: GB installation-days avoided per year.
    DormantDaysAvoided,
}

/// Which episode clock a histogram metric reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Episodes {
    /// SSD to migration (`dormancy_wd`).
    Dormancy,
    /// SSD to restored smart service (`restored_wd`, R12).
    Restored,
}

impl Episodes {
    fn of(self, m: &OptionMetrics) -> &Histogram {
        match self {
            Episodes::Dormancy => &m.dormancy_wd,
            Episodes::Restored => &m.restored_wd,
        }
    }
}

/// The metric names and what they mean (for help text and errors).
pub const METRICS: [(&str, &str); 20] = [
    ("dormancy_wd", "mean working days from SSD to migration, episodes begun in the run (after warm-up)"),
    ("dormancy_wd_p50", "median of the same, per replication"),
    ("dormancy_wd_p90", "90th percentile of the same, per replication"),
    ("dormancy_wd_p95", "95th percentile of the same, per replication"),
    ("restored_wd", "mean working days from SSD to restored smart service (R12)"),
    ("restored_wd_p90", "90th percentile of the same, per replication"),
    ("restored_wd_p95", "95th percentile of the same, per replication"),
    ("firmware_wait_wd", "mean working days from SMSO request to configuration"),
    ("firmware_late_share", "share of SMSO configurations later than the SLA"),
    ("manual_fte_total", "mean weekly manual effort, FTE at represented scale"),
    ("manual_fte_dcc", "the DCC's part of it (also _gaining_supplier, _losing_supplier, _smso, _secas)"),
    ("manual_fte_peak", "largest weekly manual effort, FTE at represented scale"),
    ("still_dormant_at_end", "installations dormant at the horizon (simulated installations)"),
    ("reduction_wd", "baseline option's mean dormancy minus this option's (WD; non-baseline options)"),
    ("extra_manual_fte", "this option's mean weekly FTE minus the baseline option's (non-baseline options)"),
    ("extra_manual_fte_dcc", "the same for one party (also _gaining_supplier, _losing_supplier, _smso, _secas)"),
    ("site_reduction_wd", "per installation dormant under either option: mean (baseline − option) dormant WD"),
    ("share_slower", "share of those installations with more dormant WD under the option (also share_faster)"),
    ("reduction_wd_fast_track_eligible", "paired reduction on one population (also _awaited_epcl, _backlog)"),
    ("dormant_days_avoided_gb_per_year", "(baseline − option) mean dormant stock × scale × 365, GB installation-days"),
];

/// Names accepted beyond [`METRICS`] (kept out of the short list to keep help readable).
const MORE: [&str; 15] = [
    "share_faster",
    "reduction_wd_awaited_epcl",
    "reduction_wd_backlog",
    "reduction_wd_pre_policy",
    "extra_manual_fte_gaining_supplier",
    "extra_manual_fte_losing_supplier",
    "extra_manual_fte_smso",
    "extra_manual_fte_secas",
    "reduction_restored_wd",
    "restored_wd_p50",
    "mean_dormant_stock",
    "manual_fte_gaining_supplier",
    "manual_fte_losing_supplier",
    "manual_fte_smso",
    "manual_fte_secas",
];

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum MetricError {
    #[error("unknown metric `{name}`; one of: {}", known())]
    Unknown { name: String },
    #[error("unknown option `{option}` in metric `{spec}`; the scenario's options are {options}")]
    UnknownOption { spec: String, option: String, options: String },
    #[error("metric `{spec}` compares with the baseline option `{baseline}` and needs another option")]
    BaselineComparison { spec: String, baseline: String },
}

fn known() -> String {
    METRICS.iter().map(|(n, _)| *n).chain(MORE).collect::<Vec<_>>().join(", ")
}

fn measure(name: &str) -> Option<Measure> {
    use crate::cases::Party;
    use Episodes::*;
    Some(match name {
        "dormancy_wd" => Measure::Mean(Dormancy),
        "dormancy_wd_p50" => Measure::Quantile(Dormancy, 0.5),
        "dormancy_wd_p90" => Measure::Quantile(Dormancy, 0.9),
        "dormancy_wd_p95" => Measure::Quantile(Dormancy, 0.95),
        "restored_wd" => Measure::Mean(Restored),
        "restored_wd_p50" => Measure::Quantile(Restored, 0.5),
        "restored_wd_p90" => Measure::Quantile(Restored, 0.9),
        "restored_wd_p95" => Measure::Quantile(Restored, 0.95),
        "firmware_wait_wd" => Measure::FirmwareWaitWd,
        "firmware_late_share" => Measure::FirmwareLateShare,
        "manual_fte_total" => Measure::ManualFte(None),
        "manual_fte_peak" => Measure::ManualFtePeak,
        "still_dormant_at_end" => Measure::StillDormantAtEnd,
        "mean_dormant_stock" => Measure::MeanDormantStock,
        "reduction_wd" => Measure::Reduction(Dormancy),
        "reduction_restored_wd" => Measure::Reduction(Restored),
        "extra_manual_fte" => Measure::ExtraManualFte(None),
        "site_reduction_wd" => Measure::SiteReduction,
        "share_slower" => Measure::ShareSites { slower: true },
        "share_faster" => Measure::ShareSites { slower: false },
        "dormant_days_avoided_gb_per_year" => Measure::DormantDaysAvoided,
        other => {
            if let Some(p) = other.strip_prefix("extra_manual_fte_") {
                Measure::ExtraManualFte(Some(Party::parse(p)?))
            } else if let Some(p) = other.strip_prefix("reduction_wd_") {
                Measure::PopulationReduction(*crate::metrics::Population::ALL.iter().find(|x| x.name() == p)?)
            } else {
                Measure::ManualFte(Some(other.strip_prefix("manual_fte_").and_then(Party::parse)?))
            }
        }
    })
}

/// A metric of one option of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Metric {
    /// As written, e.g. `expedited.restored_wd_p95`.
    pub spec: String,
    pub option: usize,
    pub option_name: String,
    pub name: String,
    pub measure: Measure,
}

impl Measure {
    /// Whether the measure compares an option with the baseline option (paired within a replication).
    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            Measure::Reduction(_)
                | Measure::ExtraManualFte(_)
                | Measure::SiteReduction
                | Measure::ShareSites { .. }
                | Measure::PopulationReduction(_)
                | Measure::DormantDaysAvoided
        )
    }

    /// Whether the estimate is a ratio pooled over replications (Σ numerator / Σ denominator), as `summary.json`
    /// pools shares.
    fn is_ratio(self) -> bool {
        matches!(self, Measure::ShareSites { .. } | Measure::FirmwareLateShare)
    }
}

/// Resolve `[OPTION.]NAME` against the scenario's options. Without an option: every option the metric applies to
/// (comparisons: every option but the baseline).
pub fn resolve(spec: &str, s: &Scenario) -> Result<Vec<Metric>, MetricError> {
    let spec = spec.trim();
    let (option, name) = match spec.rsplit_once('.') {
        Some((o, n)) => (Some(o), n),
        None => (None, spec),
    };
    let measure = measure(name).ok_or_else(|| MetricError::Unknown { name: name.to_string() })?;
    let first = usize::from(measure.is_comparison());
    let indices: Vec<usize> = match option {
        None => (first..s.options.len()).collect(),
        Some(o) => {
            let i = s.options.iter().position(|x| x.name == o).ok_or_else(|| MetricError::UnknownOption {
                spec: spec.to_string(),
                option: o.to_string(),
                options: s.options.iter().map(|x| x.name.as_str()).collect::<Vec<_>>().join(", "),
            })?;
            if i < first {
                return Err(MetricError::BaselineComparison {
                    spec: spec.to_string(),
                    baseline: s.options[0].name.clone(),
                });
            }
            vec![i]
        }
    };
    if indices.is_empty() {
        return Err(MetricError::BaselineComparison { spec: spec.to_string(), baseline: s.options[0].name.clone() });
    }
    Ok(indices
        .into_iter()
        .map(|i| Metric {
            spec: format!("{}.{name}", s.options[i].name),
            option: i,
            option_name: s.options[i].name.clone(),
            name: name.to_string(),
            measure,
        })
        .collect())
}

/// Mean weekly FTE after the warm-up, of one party or (None) in total.
fn mean_weekly_fte(s: &Scenario, m: &OptionMetrics, party: Option<usize>) -> f64 {
    match party {
        Some(p) => mean_weekly(s, &weekly_fte(s, m)[p]),
        None => mean_weekly(s, &total_weekly_fte(s, m)),
    }
}

impl Metric {
    /// The metric in one replication as (numerator, denominator): the denominator is 1 except for the shares
    /// pooled over replications. NaN when undefined (e.g. no episode migrated).
    fn observation(&self, s: &Scenario, r: &ReplicationResult) -> (f64, f64) {
        let m = &r.options[self.option];
        let base = &r.options[0];
        let paired = &r.paired[self.option];
        let party_index = |p: crate::cases::Party| crate::cases::Party::ALL.iter().position(|x| *x == p);
        let value = match self.measure {
            Measure::Mean(e) => e.of(m).mean(),
            Measure::Quantile(e, q) => e.of(m).quantile(q).map_or(f64::NAN, f64::from),
            Measure::FirmwareWaitWd => m.firmware_wait_mean(),
            Measure::FirmwareLateShare => return (m.firmware_late as f64, m.firmware_configs as f64),
            Measure::ShareSites { slower } => {
                let n = if slower { paired.sites_slower } else { paired.sites_faster };
                return (n as f64, paired.sites_dormant_in_either as f64);
            }
            Measure::ManualFte(party) => mean_weekly_fte(s, m, party.and_then(party_index)),
            Measure::ManualFtePeak => peak_weekly(s, &total_weekly_fte(s, m)),
            Measure::StillDormantAtEnd => m.still_dormant_at_end as f64,
            Measure::MeanDormantStock => m.stock_site_days as f64 / f64::from(s.run.horizon_days),
            Measure::Reduction(e) => e.of(base).mean() - e.of(m).mean(),
            Measure::ExtraManualFte(party) => {
                let index = party.and_then(party_index);
                mean_weekly_fte(s, m, index) - mean_weekly_fte(s, base, index)
            }
            Measure::SiteReduction => paired.dormant_wd_saved as f64 / paired.sites_dormant_in_either as f64,
            Measure::PopulationReduction(p) => {
                let pair = &paired.populations[p as usize];
                if pair.matched == 0 { f64::NAN } else { pair.wd_saved as f64 / pair.matched as f64 }
            }
            Measure::DormantDaysAvoided => {
                let stock = |x: &OptionMetrics| x.stock_site_days as f64 / f64::from(s.run.horizon_days);
                (stock(base) - stock(m)) / s.fleet.sample_fraction * 365.0
            }
        };
        (value, 1.0)
    }

    /// The metric's value in one replication (NaN when undefined, e.g. no episode migrated).
    pub fn value(&self, s: &Scenario, r: &ReplicationResult) -> f64 {
        let (y, x) = self.observation(s, r);
        y / x
    }

    /// One value per replication, in replication order, whose mean is the metric's estimate and whose t interval
    /// is its interval: the values themselves, or for a pooled share the linearised values
    /// z_r = R + (y_r − R·x_r)/x̄ with R = Σy/Σx (their mean is R up to rounding; [`Metric::estimate`] gives R
    /// exactly). Differences of these between two settings run with common random numbers are paired.
    pub fn values(&self, s: &Scenario, reps: &[ReplicationResult]) -> Vec<f64> {
        if !self.measure.is_ratio() {
            return reps.iter().map(|r| self.value(s, r)).collect();
        }
        let obs: Vec<(f64, f64)> = reps.iter().map(|r| self.observation(s, r)).collect();
        let (sum_y, sum_x) = obs.iter().fold((0.0, 0.0), |(a, b), (y, x)| (a + y, b + x));
        if sum_x == 0.0 {
            return vec![0.0; obs.len()];
        }
        let ratio = sum_y / sum_x;
        let mean_x = sum_x / obs.len() as f64;
        obs.iter().map(|(y, x)| ratio + (y - ratio * x) / mean_x).collect()
    }

    /// The metric's estimate over replications with its 95% CI: the mean of [`Metric::values`], except that a
    /// pooled share is Σ numerator / Σ denominator exactly (0 when the denominator is 0), as in `summary.json`.
    pub fn estimate(&self, s: &Scenario, reps: &[ReplicationResult]) -> MeanCi {
        let mut ci = mean_ci95(&self.values(s, reps));
        if self.measure.is_ratio() {
            let (sum_y, sum_x) = reps
                .iter()
                .map(|r| self.observation(s, r))
                .fold((0u64, 0u64), |(a, b), (y, x)| (a + y as u64, b + x as u64));
            ci.mean = if sum_x == 0 { 0.0 } else { sum_y as f64 / sum_x as f64 };
        }
        ci
    }

    /// The unit of the metric's values.
    pub fn unit(&self) -> &'static str {
        unit(&self.name)
    }

    /// A readable label with the option, e.g. "expedited: per-installation saving".
    pub fn label(&self) -> String {
        format!("{}: {}", self.option_name, label(&self.name))
    }
}

/// The unit of a metric by name (tables' `unit` column and axis titles).
pub fn unit(name: &str) -> &'static str {
    match measure(name) {
        Some(Measure::ManualFte(_) | Measure::ManualFtePeak | Measure::ExtraManualFte(_)) => "FTE (GB scale)",
        Some(Measure::StillDormantAtEnd | Measure::MeanDormantStock) => "installations (simulated)",
        Some(Measure::ShareSites { .. } | Measure::FirmwareLateShare) => "share",
        Some(Measure::DormantDaysAvoided) => "installation-days per year (GB)",
        _ => "WD",
    }
}

/// A readable description of a metric by name, without its unit ("per-installation saving").
pub fn label(name: &str) -> String {
    use crate::cases::Party;
    if let Some(p) = name.strip_prefix("extra_manual_fte_").and_then(Party::parse) {
        return format!("extra manual effort, {}", p.label());
    }
    if let Some(p) = name.strip_prefix("manual_fte_").and_then(Party::parse) {
        return format!("manual effort, {}", p.label());
    }
    if let Some(p) = name.strip_prefix("reduction_wd_") {
        return format!("paired reduction, {}", p.replace('_', " "));
    }
    match name {
        "dormancy_wd" => "dormancy to migration",
        "restored_wd" => "dormancy to restored service",
        "firmware_wait_wd" => "SMSO firmware wait",
        "firmware_late_share" => "share of SMSO configurations late",
        "manual_fte_total" => "manual effort, mean week",
        "manual_fte_peak" => "manual effort, peak week",
        "still_dormant_at_end" => "still dormant at the end",
        "mean_dormant_stock" => "mean dormant stock",
        "reduction_wd" => "reduction in mean dormancy to migration",
        "reduction_restored_wd" => "reduction in mean dormancy to restored service",
        "extra_manual_fte" => "extra manual effort, all parties",
        "site_reduction_wd" => "per-installation saving",
        "share_slower" => "share of installations made slower",
        "share_faster" => "share of installations made faster",
        "dormant_days_avoided_gb_per_year" => "GB dormant installation-days avoided per year",
        other => return other.replace('_', " "),
    }
    .to_string()
}

/// A one-sided confidence bound on a mean over replications: the mean ± t(confidence, n−1)·s/√n, upper when
/// `upper` (Law §9.4.1, one-sided form). Non-finite values are left out. n = 0 → NaN; n = 1 → ±∞ (no variance
/// estimate: nothing can be claimed with confidence); zero variance → the mean itself.
pub fn one_sided_bound(values: &[f64], confidence: f64, upper: bool) -> f64 {
    let xs: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    let sign = if upper { 1.0 } else { -1.0 };
    if n == 1 {
        return sign * f64::INFINITY;
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    if var <= 0.0 {
        return mean;
    }
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64).expect("n >= 2").inverse_cdf(confidence);
    mean + sign * t * (var / n as f64).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_sided_bound_matches_a_hand_computed_t_bound() {
        // 1..=5: mean 3, s/√5 = 0.707107; t(0.95, 4) = 2.131847 → 3 ± 1.507443.
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((one_sided_bound(&xs, 0.95, true) - 4.507443).abs() < 1e-5);
        assert!((one_sided_bound(&xs, 0.95, false) - 1.492557).abs() < 1e-5);
    }

    #[test]
    fn degenerate_samples_give_explicit_bounds() {
        assert!(one_sided_bound(&[], 0.95, true).is_nan());
        assert_eq!(one_sided_bound(&[2.0], 0.95, true), f64::INFINITY);
        assert_eq!(one_sided_bound(&[2.0], 0.95, false), f64::NEG_INFINITY);
        assert_eq!(one_sided_bound(&[2.0, 2.0, f64::NAN], 0.95, true), 2.0);
    }

    #[test]
    fn every_listed_metric_resolves_to_a_measure() {
        for (name, _) in METRICS {
            assert!(measure(name).is_some(), "{name}");
        }
        for name in MORE {
            assert!(measure(name).is_some(), "{name}");
        }
    }
}
