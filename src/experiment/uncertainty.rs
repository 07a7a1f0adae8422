//! Input uncertainty: the assumptions register's ranges propagated through the model (`dormsim uncertainty`).
//!
//! Each register entry with a `vary` range is one factor; every key it names moves with it. The design is
//! Saltelli's ([`super::sobol`]): N base rows, N (k + 2) design points. Every point is an ordinary experiment of
//! the scenario with the factors' values set (`--set`-style overrides) and the scenario's seed, so every option at a
//! point shares its random numbers (paired differences) and so do all points (common random numbers across the
//! design, which keeps simulation noise out of the differences the indices measure).
//!
//! Each headline metric ([`headlines`]) is a paired option-minus-baseline difference read from a one-replication
//! summary, averaged over the point's replications. Across the A and B points (2N independent draws from the input
//! distribution) it is described by its median, 5% and 95% quantiles and the share of points where the option does
//! better than the baseline; simulation noise is the mean over those points of the variance of the point's mean
//! over its replications (needs ≥ 2 replications), reported separately and as a share of the spread.

use super::sobol::{self, Design, Indices, Outputs, Role};
use super::{Summary, summarise};
use crate::cases::Party;
use crate::scenario::Scenario;
use crate::scenario::register::{self, Assumption, Change, Shape};
use serde::{Deserialize, Serialize};
use statrs::statistics::{Data, OrderStatistics};

/// Bootstrap resamples for the indices' intervals.
pub const RESAMPLES: usize = 1000;

/// One uncertain input: a register entry with a range and the keys it moves.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Factor {
    pub key: String,
    pub change: Change,
    pub shape: Shape,
    /// Triangular mode (the scenario's value, × 1 or no shift).
    pub centre: f64,
    /// Every key moved is an integer and the range is a uniform value range: draws are whole numbers, each equally
    /// likely.
    pub whole: bool,
    pub basis: String,
    pub quality: Option<String>,
    pub source: String,
    pub rationale: String,
    /// The keys moved with their scenario values.
    #[serde(skip)]
    pub targets: Vec<(String, toml::Value)>,
    pub keys: Vec<String>,
    /// Keys whose scenario value lies outside a value range (set by a what-if or `--set`): the study moves them into
    /// the range.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outside_range: Vec<String>,
}

impl Factor {
    fn new(a: &Assumption, s: &Scenario, doc: &toml::Table) -> Option<Factor> {
        let vary = a.vary?;
        let targets = s.register.targets(a, doc);
        let whole = matches!(vary.change, Change::Value { .. })
            && vary.shape == Shape::Uniform
            && targets.iter().all(|(_, v)| v.is_integer());
        Some(Factor {
            key: a.pattern.clone(),
            change: vary.change,
            shape: vary.shape,
            centre: register::centre(a, doc),
            whole,
            basis: a.basis.label().to_string(),
            quality: a.quality.map(|q| q.label().to_string()),
            source: a.source.clone(),
            rationale: a.rationale.clone(),
            keys: targets.iter().map(|(k, _)| k.clone()).collect(),
            outside_range: match vary.change {
                Change::Value { min, max } => targets
                    .iter()
                    .filter(|(_, v)| register::number(v).is_some_and(|x| !(min..=max).contains(&x)))
                    .map(|(k, _)| k.clone())
                    .collect(),
                _ => Vec::new(),
            },
            targets,
        })
    }

    /// The factor's value (a key value, a scale factor or days) at unit draw `u`.
    pub fn value(&self, u: f64) -> f64 {
        let (lo, hi) = self.change.bounds();
        if self.whole {
            return (lo.ceil() + (u * (hi.floor() - lo.ceil() + 1.0)).floor()).min(hi.floor());
        }
        register::draw(&register::Vary { change: self.change, shape: self.shape }, self.centre, u)
    }

    /// `KEY=VALUE` overrides setting every key the factor moves for value `x`.
    pub fn overrides(&self, x: f64) -> Vec<String> {
        self.targets
            .iter()
            .filter_map(|(k, v)| register::changed(v, &self.change, x).map(|nv| format!("{k}={nv}")))
            .collect()
    }
}

/// The scenario's factors (register entries with a range), less those in `fixed`.
pub fn factors(s: &Scenario, doc: &toml::Table, fixed: &[String]) -> Vec<Factor> {
    s.register.factors().filter(|a| !fixed.contains(&a.pattern)).filter_map(|a| Factor::new(a, s, doc)).collect()
}

/// Which way is better for a headline metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Better {
    Higher,
    Lower,
}

/// What a headline measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quantity {
    PopulationReduction(&'static str),
    SiteSaving,
    ShareSlower,
    ExtraFte(Option<Party>),
    DormantDaysAvoided,
    NotifiedKept,
}

/// One headline metric of one option.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// `OPTION.metric`.
    pub name: String,
    pub option: String,
    pub metric: String,
    pub label: String,
    pub unit: &'static str,
    pub better: Option<Better>,
    #[serde(skip)]
    quantity: Quantity,
    #[serde(skip)]
    option_index: usize,
}

const POPULATIONS: [(&str, &str); 3] = [
    ("fast_track_eligible", "fast-track eligible (newly dormant, DMC listed)"),
    ("awaited_epcl", "waited for EPCL listing"),
    ("backlog", "backlog (dormant at the start)"),
];

/// The headline metrics of every option but the baseline, in report order.
pub fn headlines(s: &Scenario) -> Vec<Headline> {
    use Quantity::*;
    let mut out = Vec::new();
    for (o, opt) in s.options.iter().enumerate().skip(1) {
        let mut add = |metric: String, label: String, unit, better, quantity| {
            out.push(Headline {
                name: format!("{}.{metric}", opt.name),
                option: opt.name.clone(),
                metric,
                label,
                unit,
                better,
                quantity,
                option_index: o,
            })
        };
        for (p, label) in POPULATIONS {
            add(
                format!("reduction_wd.{p}"),
                format!("Paired reduction, {label}"),
                "WD",
                Some(Better::Higher),
                PopulationReduction(p),
            );
        }
        add(
            "site_saving_wd".into(),
            "Per-installation saving (all dormant installations)".into(),
            "WD",
            Some(Better::Higher),
            SiteSaving,
        );
        add("share_slower".into(), "Share of installations made slower".into(), "share", None, ShareSlower);
        add(
            "extra_fte.total".into(),
            "Extra manual effort, all parties".into(),
            "FTE",
            Some(Better::Lower),
            ExtraFte(None),
        );
        for p in Party::ALL {
            add(
                format!("extra_fte.{}", p.name()),
                format!("Extra manual effort, {}", p.name().replace('_', " ")),
                "FTE",
                Some(Better::Lower),
                ExtraFte(Some(p)),
            );
        }
        add(
            "dormant_days_avoided_gb_per_year".into(),
            "GB dormant installation-days avoided per year".into(),
            "installation-days",
            Some(Better::Higher),
            DormantDaysAvoided,
        );
        add(
            "notified_kept_change_pp".into(),
            "Change in notified migration dates kept".into(),
            "percentage points",
            Some(Better::Higher),
            NotifiedKept,
        );
    }
    out
}

impl Headline {
    /// The metric in a (one-replication) summary; NaN where the run has no such population.
    pub fn value(&self, s: &Summary) -> f64 {
        let (Some((_, base)), Some((_, opt))) = (s.options.get_index(0), s.options.get_index(self.option_index)) else {
            return f64::NAN;
        };
        let Some(c) = s.comparisons.iter().find(|c| c.option == self.option) else { return f64::NAN };
        let fte = |o: &super::OptionSummary, p: Party| o.manual_fte.get(p.name()).map_or(f64::NAN, |f| f.mean_weekly);
        match self.quantity {
            Quantity::PopulationReduction(p) => c.populations.get(p).map_or(f64::NAN, |x| x.reduction_wd.mean),
            Quantity::SiteSaving => c.mean_site_reduction_wd,
            Quantity::ShareSlower => c.share_sites_slower,
            Quantity::ExtraFte(None) => c.extra_manual_fte,
            Quantity::ExtraFte(Some(p)) => fte(opt, p) - fte(base, p),
            Quantity::DormantDaysAvoided => {
                (base.mean_dormant_stock - opt.mean_dormant_stock) * s.scale_to_represented * 365.0
            }
            Quantity::NotifiedKept => 100.0 * (opt.notified_dates.kept_share - base.notified_dates.kept_share),
        }
    }
}

/// One design point's results: the factors' values and each headline's value per replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointResult {
    pub point: usize,
    pub row: usize,
    pub role: Role,
    pub factor_values: Vec<f64>,
    /// `[headline][replication]`.
    #[serde(deserialize_with = "crate::metrics::nan_rows_from_null")]
    pub outputs: Vec<Vec<f64>>,
}

impl PointResult {
    /// Mean over replications of headline `m`.
    pub fn mean(&self, m: usize) -> f64 {
        let v = &self.outputs[m];
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// Variance of that mean over replications (s² / R); `None` with one replication.
    pub fn noise_variance(&self, m: usize) -> Option<f64> {
        let v = &self.outputs[m];
        let n = v.len();
        if n < 2 {
            return None;
        }
        let mean = self.mean(m);
        Some(v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64 / n as f64)
    }
}

/// The headline values of every replication of one experiment (`summaries[r]` = replication r alone).
pub fn outputs(heads: &[Headline], summaries: &[Summary]) -> Vec<Vec<f64>> {
    heads.iter().map(|h| summaries.iter().map(|s| h.value(s)).collect()).collect()
}

/// The overrides of design point `p`, and the factors' values there.
pub fn point_overrides(design: &Design, factors: &[Factor], p: usize) -> (Vec<String>, Vec<f64>) {
    let values: Vec<f64> = design.unit(p).iter().zip(factors).map(|(&u, f)| f.value(u)).collect();
    let overrides = factors.iter().zip(&values).flat_map(|(f, &x)| f.overrides(x)).collect();
    (overrides, values)
}

/// Each replication of `reps` summarised alone.
pub fn one_replication_summaries(s: &Scenario, reps: &[super::ReplicationResult]) -> Vec<Summary> {
    reps.iter().map(|r| summarise(s, std::slice::from_ref(r))).collect()
}

/// The spread of one headline over the input distribution, with its attribution to factors.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MetricSummary {
    pub name: String,
    pub option: String,
    pub metric: String,
    pub label: String,
    pub unit: String,
    pub better: Option<Better>,
    /// Points (A and B) the statistics use, and how many of them had no value (population absent).
    pub points: usize,
    pub undefined_points: usize,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub median: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub p05: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub p95: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub mean: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub sd: f64,
    /// Share of points where the option does better than the baseline (difference > 0 or < 0 as `better` says).
    pub probability_better: Option<f64>,
    /// Simulation noise: standard deviation of a point's mean over its replications (root mean variance).
    pub noise_sd: Option<f64>,
    /// That noise's share of the spread across points (noise variance / total variance, at most 1).
    pub noise_share: Option<f64>,
    /// Per factor (in design order): first-order and total Sobol' indices with bootstrap intervals.
    pub indices: Vec<Option<Indices>>,
}

/// Quantile by statrs' `OrderStatistics::quantile` (R type 8, median-unbiased; Hyndman & Fan 1996).
fn quantile(values: &[f64], q: f64) -> f64 {
    Data::new(values.to_vec()).quantile(q)
}

/// Summarise headline `m` over `points` (in design order, all of them) of `design`.
pub fn summarise_metric(h: &Headline, m: usize, design: &Design, points: &[PointResult]) -> MetricSummary {
    let draws: Vec<&PointResult> = points.iter().filter(|p| matches!(p.role, Role::A | Role::B)).collect();
    let all: Vec<f64> = draws.iter().map(|p| p.mean(m)).collect();
    let values: Vec<f64> = all.iter().copied().filter(|v| v.is_finite()).collect();
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n.max(1) as f64;
    let var = if n > 1 { values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
    let noise: Option<Vec<f64>> =
        draws.iter().map(|p| p.noise_variance(m)).filter(|v| v.is_none_or(f64::is_finite)).collect();
    let noise_var = noise.filter(|v| !v.is_empty()).map(|v| v.iter().sum::<f64>() / v.len() as f64);
    let better = h.better.map(|b| {
        values.iter().filter(|&&v| if b == Better::Higher { v > 0.0 } else { v < 0.0 }).count() as f64 / n.max(1) as f64
    });
    let y: Vec<f64> = points.iter().map(|p| p.mean(m)).collect();
    let indices = if y.iter().all(|v| v.is_finite()) {
        let (a, b, ab) = Outputs::arrange(design, &y);
        sobol::indices(&Outputs { a: &a, b: &b, ab: &ab }, RESAMPLES, u64::from(design.seed) ^ m as u64)
    } else {
        vec![None; design.factors]
    };
    let nan_if_empty = |q: f64| if n == 0 { f64::NAN } else { quantile(&values, q) };
    MetricSummary {
        name: h.name.clone(),
        option: h.option.clone(),
        metric: h.metric.clone(),
        label: h.label.clone(),
        unit: h.unit.to_string(),
        better: h.better,
        points: all.len(),
        undefined_points: all.len() - n,
        median: nan_if_empty(0.5),
        p05: nan_if_empty(0.05),
        p95: nan_if_empty(0.95),
        mean,
        sd: var.sqrt(),
        probability_better: if n == 0 { None } else { better },
        noise_sd: noise_var.map(f64::sqrt),
        noise_share: noise_var.map(|nv| if var > 0.0 { (nv / var).min(1.0) } else { 1.0 }),
        indices,
    }
}

/// The headline at the scenario's own values: mean over replications and its 95% CI (simulation noise only).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Nominal {
    pub name: String,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub mean: f64,
    pub ci95: Option<[f64; 2]>,
}

pub fn nominal(heads: &[Headline], outputs: &[Vec<f64>]) -> Vec<Nominal> {
    heads
        .iter()
        .zip(outputs)
        .map(|(h, v)| {
            let m = crate::metrics::mean_ci95(v);
            Nominal { name: h.name.clone(), mean: m.mean, ci95: m.ci95 }
        })
        .collect()
}

/// The raw results of a study or of one shard of it: what `merge` reads back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StudyResults {
    /// Headline values per replication at the scenario's own values (shard 0 and unsplit studies only).
    #[serde(default, deserialize_with = "nominal_from_null")]
    pub nominal: Option<Vec<Vec<f64>>>,
    /// The design points run, in point order.
    pub points: Vec<PointResult>,
}

fn nominal_from_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<Vec<f64>>>, D::Error> {
    Ok(Option::<Vec<Vec<Option<f64>>>>::deserialize(d)?.map(crate::metrics::nan_rows))
}

/// The design as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesignInfo {
    pub method: String,
    pub base_rows: usize,
    pub factors: usize,
    pub points: usize,
    pub sequence_seed: u32,
    pub bootstrap_resamples: usize,
}

/// Everything the study's `summary.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StudySummary {
    pub scenario: String,
    /// The option every headline compares with (the scenario's first).
    pub baseline: String,
    pub scenario_hash: String,
    pub dormsim_version: String,
    pub seed: u64,
    pub replications_per_point: u32,
    pub installations: u32,
    pub represents: u64,
    pub design: DesignInfo,
    pub factors: Vec<Factor>,
    pub nominal: Vec<Nominal>,
    pub metrics: Vec<MetricSummary>,
}

/// The sequence seed of a study with master seed `seed` (the Sobol' scrambling; fixed by the seed).
pub fn sequence_seed(seed: u64) -> u32 {
    (seed ^ (seed >> 32)) as u32
}

/// Check that `results` hold every point of `design` exactly once, with a value per factor and per headline, and
/// the nominal values; `Err` says what is wrong.
pub fn check_complete(design: &Design, heads: usize, results: &StudyResults) -> Result<(), String> {
    let numbers: Vec<usize> = results.points.iter().map(|p| p.point).collect();
    if numbers != (0..design.points()).collect::<Vec<_>>() {
        let missing: Vec<usize> = (0..design.points()).filter(|p| !numbers.contains(p)).take(10).collect();
        return Err(format!(
            "the results do not hold design points 0..{} exactly once, in order (first missing: {missing:?})",
            design.points()
        ));
    }
    for p in &results.points {
        if p.factor_values.len() != design.factors || p.outputs.len() != heads || p.role != design.role(p.point).1 {
            return Err(format!(
                "design point {} does not fit the design ({} factors, {heads} metrics)",
                p.point, design.factors
            ));
        }
    }
    match &results.nominal {
        Some(n) if n.len() == heads => Ok(()),
        _ => Err("the results lack the run at the scenario's own values (shard 0)".to_string()),
    }
}

/// The study's summary from complete results (the same bytes however the points were split into shards).
pub fn summarise_study(
    s: &Scenario,
    factors: &[Factor],
    design: &Design,
    heads: &[Headline],
    results: &StudyResults,
) -> StudySummary {
    StudySummary {
        scenario: s.name.clone(),
        baseline: s.options.first().map(|o| o.name.clone()).unwrap_or_default(),
        scenario_hash: s.hash(),
        dormsim_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: s.run.seed,
        replications_per_point: s.run.replications,
        installations: s.fleet.installations,
        represents: s.fleet.represents,
        design: DesignInfo {
            method: "Saltelli (2010) design on an Owen-scrambled Sobol' sequence; first-order indices by Saltelli \
                     (2010), total by Jansen (1999); percentile bootstrap over base rows"
                .to_string(),
            base_rows: design.rows,
            factors: design.factors,
            points: design.points(),
            sequence_seed: design.seed,
            bootstrap_resamples: RESAMPLES,
        },
        factors: factors.to_vec(),
        nominal: nominal(heads, results.nominal.as_deref().unwrap_or(&[])),
        metrics: heads.iter().enumerate().map(|(m, h)| summarise_metric(h, m, design, &results.points)).collect(),
    }
}
