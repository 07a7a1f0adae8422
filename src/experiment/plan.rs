//! Capacity planning: the smallest value of one scenario key (a capacity: SMSO servers, DCC daily capacity, …) for
//! which every target `METRIC<=VALUE` / `METRIC>=VALUE` holds *with a stated confidence*.
//!
//! Method (documented in docs/experiments.md):
//! - A value **meets** the targets when, over its replications, the one-sided t bound at the stated confidence of
//!   each metric's mean is on the right side of the target (upper bound ≤ VALUE for `<=`, lower bound ≥ VALUE for
//!   `>=`). A mean that meets the target but whose bound does not is *not* accepted: the noise has to be ruled out.
//! - Every value is run with the same seed and replication numbers (common random numbers), so neighbouring values
//!   see the same switches, failures and lead times and differ only through the key: the comparison between
//!   values is paired and the met/not-met boundary is sharp.
//! - The search assumes the targets become easier as the key grows (more capacity never hurts), brackets the
//!   answer on the grid `LO, LO+STEP, …, HI`, and bisects (⌈log2(n)⌉ evaluations). It then runs the grid values just
//!   above the answer as evidence; one of them failing means the monotone assumption does not hold there, which is
//!   reported rather than hidden.
//! - When the targets fail even at the top of the range, the bottom is run too and each failing target is
//!   diagnosed ([`Diagnosis`]) from the paired change between the two ends: the metric does not depend on the key
//!   within the range (the key is not the constraint), moves the wrong way, improves but not enough (widen the
//!   range), or its mean meets the target while its bound does not (add replications).

use super::metric::{Metric, MetricError, one_sided_bound, resolve};
use super::{Execution, ExperimentError, ReplicationResult, run};
use crate::metrics::mean_ci95;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// Which side of the target value is acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Direction {
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = ">=")]
    AtLeast,
}

/// `METRIC<=VALUE` or `METRIC>=VALUE`, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub metric: String,
    pub direction: Direction,
    pub value: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("--target `{0}`: expected METRIC<=VALUE or METRIC>=VALUE, e.g. expedited.restored_wd_p95<=20")]
    Target(String),
    /// The metric's own message, prefixed (not chained as a source, which printed it twice).
    #[error("--target: {0}")]
    Metric(MetricError),
    #[error(transparent)]
    Experiment(#[from] ExperimentError),
    #[error("at {key}={value}: {message}")]
    Scenario { key: String, value: String, message: String },
}

impl From<MetricError> for PlanError {
    fn from(e: MetricError) -> Self {
        PlanError::Metric(e)
    }
}

impl Target {
    pub fn parse(text: &str) -> Result<Target, PlanError> {
        let bad = || PlanError::Target(text.to_string());
        let (metric, direction, value) = if let Some((m, v)) = text.split_once("<=") {
            (m, Direction::AtMost, v)
        } else if let Some((m, v)) = text.split_once(">=") {
            (m, Direction::AtLeast, v)
        } else {
            return Err(bad());
        };
        let value: f64 = value.trim().parse().map_err(|_| bad())?;
        if metric.trim().is_empty() || !value.is_finite() {
            return Err(bad());
        }
        Ok(Target { metric: metric.trim().to_string(), direction, value })
    }

    /// Whether a confidence bound is on the acceptable side (a NaN bound, e.g. nothing migrated, is not).
    fn accepts(&self, bound: f64) -> bool {
        match self.direction {
            Direction::AtMost => bound <= self.value,
            Direction::AtLeast => bound >= self.value,
        }
    }

    /// `<=` or `>=`.
    pub fn op(&self) -> &'static str {
        match self.direction {
            Direction::AtMost => "<=",
            Direction::AtLeast => ">=",
        }
    }
}

/// One metric of one option at one value of the key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Check {
    /// Resolved `OPTION.METRIC`.
    pub metric: String,
    pub target: String,
    /// The metric's unit.
    #[serde(default)]
    pub unit: String,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub mean: f64,
    pub ci95: Option<[f64; 2]>,
    /// The one-sided bound compared with the target (null when nothing was measured).
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub bound: f64,
    pub meets: bool,
    /// Per-replication values (for the paired diagnosis; not written).
    #[serde(skip)]
    pub values: Vec<f64>,
}

/// The targets checked at one value of the key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    /// Index on the search grid.
    pub index: usize,
    pub value: String,
    pub replications: u32,
    pub checks: Vec<Check>,
    pub meets: bool,
}

/// Check every target on the replications of one value.
pub fn check(
    s: &Scenario,
    targets: &[(Target, Vec<Metric>)],
    reps: &[ReplicationResult],
    confidence: f64,
) -> Vec<Check> {
    let mut checks = Vec::new();
    for (t, metrics) in targets {
        for m in metrics {
            let values = m.values(s, reps);
            let ci = m.estimate(s, reps);
            let bound = one_sided_bound(&values, confidence, t.direction == Direction::AtMost);
            checks.push(Check {
                metric: m.spec.clone(),
                target: format!("{}{}{}", m.spec, t.op(), t.value),
                unit: m.unit().to_string(),
                mean: ci.mean,
                ci95: ci.ci95,
                bound,
                meets: t.accepts(bound),
                values,
            });
        }
    }
    checks
}

/// Resolve each target's metric against the scenario's options.
pub fn resolve_targets(targets: &[Target], s: &Scenario) -> Result<Vec<(Target, Vec<Metric>)>, PlanError> {
    targets.iter().map(|t| Ok((t.clone(), resolve(&t.metric, s)?))).collect()
}

/// How the search ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The smallest grid value that meets the targets (the one below it does not).
    Found,
    /// Already met at the lowest value of the range: the answer may be lower still.
    MetAtLowest,
    /// Not met even at the highest value of the range.
    NotReached,
}

/// The grid indices evaluated by the search, its outcome and the answer's index.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    pub outcome: Outcome,
    pub answer: Option<usize>,
    /// Grid values above the answer that did not meet the targets (the monotone assumption failing).
    pub non_monotone: Vec<usize>,
}

/// Bisection for the smallest index in `0..n` where `meets` holds, assuming it holds from some index on; then
/// `evidence_above` further indices above the answer are evaluated to check that assumption. `meets` is called at
/// most once per index by the caller's memo, so it may be expensive.
pub fn bisect<E>(
    n: usize,
    evidence_above: usize,
    mut meets: impl FnMut(usize) -> Result<bool, E>,
) -> Result<Search, E> {
    assert!(n > 0, "an empty grid");
    if !meets(n - 1)? {
        // The bottom too, so the failure can be diagnosed (does the key move the metric at all?).
        if n > 1 {
            meets(0)?;
        }
        return Ok(Search { outcome: Outcome::NotReached, answer: None, non_monotone: Vec::new() });
    }
    let (outcome, answer) = if meets(0)? {
        (Outcome::MetAtLowest, 0)
    } else {
        // Invariant: fails at `lo`, meets at `hi`.
        let (mut lo, mut hi) = (0, n - 1);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if meets(mid)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        (Outcome::Found, hi)
    };
    let mut non_monotone = Vec::new();
    for i in (answer + 1..n).take(evidence_above) {
        if !meets(i)? {
            non_monotone.push(i);
        }
    }
    Ok(Search { outcome, answer: Some(answer), non_monotone })
}

/// Why a target that fails at the top of the range fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing to measure at the top (e.g. no episode migrated).
    NotMeasured,
    /// The paired change from the bottom to the top of the range is not distinguishable from 0: the key is not
    /// what limits this metric within the range.
    NotDependent,
    /// More of the key makes the metric worse.
    WrongDirection,
    /// The metric improves over the range but not enough: the answer may lie above the range.
    ImprovesShort,
    /// The mean meets the target but its confidence bound does not: more replications may settle it.
    BoundOutside,
}

/// The diagnosis of one failing target from the two ends of the range.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Diagnosis {
    /// The check, `OPTION.METRIC<=VALUE`.
    pub target: String,
    pub metric: String,
    pub unit: String,
    pub lowest: String,
    pub highest: String,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub at_lowest: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub at_highest: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub bound_at_highest: f64,
    /// Mean of the paired per-replication differences (top − bottom) and its 95% CI.
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub change: f64,
    pub change_ci95: Option<[f64; 2]>,
    pub verdict: Verdict,
}

/// Diagnose every check that fails at the top of the range, from the bottom and top evaluations.
pub fn diagnose(targets: &[Target], evaluations: &[Evaluation]) -> Vec<Diagnosis> {
    let (Some(low), Some(high)) = (evaluations.first(), evaluations.last()) else { return Vec::new() };
    let mut out = Vec::new();
    for (i, c) in high.checks.iter().enumerate().filter(|(_, c)| !c.meets) {
        let target = targets.iter().find(|t| c.target.ends_with(&format!("{}{}", t.op(), t.value)));
        let better = |x: f64| match target.map(|t| t.direction) {
            Some(Direction::AtLeast) => x,
            _ => -x,
        };
        let at_low = low.checks.get(i).filter(|l| l.metric == c.metric);
        let diffs: Vec<f64> =
            at_low.map_or(Vec::new(), |l| c.values.iter().zip(&l.values).map(|(h, l)| h - l).collect());
        let change = mean_ci95(&diffs);
        let meets_mean = target.is_some_and(|t| t.accepts(c.mean));
        let verdict = if !c.mean.is_finite() {
            Verdict::NotMeasured
        } else if meets_mean {
            Verdict::BoundOutside
        } else {
            match change.ci95 {
                Some([lo, hi]) if better(lo) > 0.0 && better(hi) > 0.0 => Verdict::ImprovesShort,
                Some([lo, hi]) if better(lo) < 0.0 && better(hi) < 0.0 => Verdict::WrongDirection,
                _ if low.index == high.index => Verdict::ImprovesShort,
                _ => Verdict::NotDependent,
            }
        };
        out.push(Diagnosis {
            target: c.target.clone(),
            metric: c.metric.clone(),
            unit: c.unit.clone(),
            lowest: low.value.clone(),
            highest: high.value.clone(),
            at_lowest: at_low.map_or(f64::NAN, |l| l.mean),
            at_highest: c.mean,
            bound_at_highest: c.bound,
            change: change.mean,
            change_ci95: change.ci95,
            verdict,
        });
    }
    out
}

/// A complete plan: the search grid of the key, the evaluations (by grid order) and the answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub scenario: String,
    pub scenario_hash: String,
    pub dormsim_version: String,
    pub seed: u64,
    pub installations: u32,
    /// Options in scenario order.
    pub options: Vec<String>,
    pub method: String,
    pub key: String,
    pub targets: Vec<Target>,
    pub confidence: f64,
    pub grid: Vec<String>,
    pub outcome: Outcome,
    pub answer: Option<String>,
    pub non_monotone: Vec<String>,
    pub evaluations: Vec<Evaluation>,
    /// Why the targets fail at the top of the range (only when there is no answer).
    pub diagnosis: Vec<Diagnosis>,
}

/// The method in words (written to `plan.json` and the report).
pub const METHOD: &str = "Each value of the key is run with the same seed and replication numbers (common random \
numbers). A value meets a target METRIC<=V when the one-sided upper t bound of the metric's mean over replications, \
at the stated confidence, is at most V (METRIC>=V: the lower bound at least V). Assuming more capacity never makes a \
target harder, the answer is bracketed on the grid and found by bisection; grid values just above it are run as \
evidence of that assumption, and any that fails is listed in non_monotone. When no value meets the targets, the \
bottom of the range is run too and each failing target is diagnosed from the paired change between the two ends.";

/// What to search: the key, its grid of values (ascending), the targets and the confidence, and how many grid
/// values above the answer to run as evidence.
#[derive(Debug, Clone)]
pub struct PlanSpec {
    pub key: String,
    pub grid: Vec<String>,
    pub targets: Vec<Target>,
    pub confidence: f64,
    pub evidence_above: usize,
}

/// Run the search: `scenario_at(value)` builds the scenario with the key set to a grid value.
pub fn plan(
    base: &Scenario,
    spec: PlanSpec,
    exec: Execution,
    scenario_at: impl Fn(&str) -> Result<Scenario, String>,
    on_done: &(dyn Fn() + Sync),
) -> Result<Plan, PlanError> {
    let PlanSpec { key, grid, targets, confidence, evidence_above } = spec;
    let mut evaluations: Vec<Evaluation> = Vec::new();
    let search = bisect(grid.len(), evidence_above, |i| {
        if let Some(e) = evaluations.iter().find(|e| e.index == i) {
            return Ok(e.meets);
        }
        let value = &grid[i];
        let s = scenario_at(value).map_err(|message| PlanError::Scenario {
            key: key.clone(),
            value: value.clone(),
            message,
        })?;
        let resolved = resolve_targets(&targets, &s)?;
        let reps = run(&s, &(0..s.run.replications).collect::<Vec<_>>(), exec, on_done)?;
        let checks = check(&s, &resolved, &reps, confidence);
        let meets = checks.iter().all(|c| c.meets);
        evaluations.push(Evaluation { index: i, value: value.clone(), replications: reps.len() as u32, checks, meets });
        Ok::<bool, PlanError>(meets)
    })?;
    evaluations.sort_by_key(|e| e.index);
    let diagnosis = if search.outcome == Outcome::NotReached { diagnose(&targets, &evaluations) } else { Vec::new() };
    Ok(Plan {
        scenario: base.name.clone(),
        scenario_hash: base.hash(),
        dormsim_version: env!("CARGO_PKG_VERSION").to_string(),
        seed: base.run.seed,
        installations: base.fleet.installations,
        options: base.options.iter().map(|o| o.name.clone()).collect(),
        method: METHOD.to_string(),
        diagnosis,
        key,
        targets,
        confidence,
        outcome: search.outcome,
        answer: search.answer.map(|i| grid[i].clone()),
        non_monotone: search.non_monotone.iter().map(|&i| grid[i].clone()).collect(),
        grid,
        evaluations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_bisect(n: usize, threshold: usize) -> (Search, Vec<usize>) {
        let mut calls = Vec::new();
        let s = bisect::<()>(n, 2, |i| {
            calls.push(i);
            Ok(i >= threshold)
        })
        .unwrap();
        (s, calls)
    }

    #[test]
    fn bisection_finds_the_first_index_that_meets_in_logarithmic_steps() {
        for n in [1, 2, 3, 10, 1000] {
            for threshold in 0..n {
                let (s, calls) = run_bisect(n, threshold);
                assert_eq!(s.answer, Some(threshold), "n={n} t={threshold}");
                assert!(s.non_monotone.is_empty());
                // Two ends, ⌈log2 n⌉ bisection steps, two evidence values.
                assert!(calls.len() <= 2 + (n as f64).log2().ceil() as usize + 2, "{calls:?}");
            }
        }
    }

    #[test]
    fn a_target_out_of_reach_or_met_everywhere_is_reported_as_such() {
        assert_eq!(run_bisect(10, 10).0.outcome, Outcome::NotReached);
        let (s, _) = run_bisect(10, 0);
        assert_eq!((s.outcome, s.answer), (Outcome::MetAtLowest, Some(0)));
    }

    #[test]
    fn a_failure_just_above_the_answer_is_reported_as_non_monotone() {
        // Meets from 4 on except at 6: bisection over 0..10 (9 meets, 0 fails, 4 meets, 2 fails, 3 fails) lands on
        // 4; the evidence runs at 5 and 6 find the failure at 6.
        let s = bisect::<()>(10, 2, |i| Ok(i >= 4 && i != 6)).unwrap();
        assert_eq!(s.answer, Some(4));
        assert_eq!(s.non_monotone, [6]);
    }

    #[test]
    fn targets_parse_both_directions_and_refuse_garbage() {
        let t = Target::parse("expedited.restored_wd_p95<=20").unwrap();
        assert_eq!((t.metric.as_str(), t.direction, t.value), ("expedited.restored_wd_p95", Direction::AtMost, 20.0));
        assert_eq!(Target::parse("reduction_wd >= 7.5").unwrap().direction, Direction::AtLeast);
        for bad in ["x<20", "<=3", "x<=abc", "x<=inf", "x=3"] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_mean_inside_the_target_is_not_accepted_when_its_bound_is_outside() {
        // Mean 9.9 ≤ 10 but the upper 95% bound of (9, 10.8) is 9.9 + 6.314·0.9/√2 ≈ 13.9 > 10.
        let t = Target::parse("x<=10").unwrap();
        assert!(!t.accepts(one_sided_bound(&[9.0, 10.8], 0.95, true)));
        assert!(t.accepts(one_sided_bound(&[9.8, 9.8], 0.95, true)));
    }
}
