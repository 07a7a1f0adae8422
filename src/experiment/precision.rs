//! Precision-driven replications: keep adding replications until the 95% CI half-width of the headline metric is
//! at most a target (sequential procedure with a fixed batch size; Law, *Simulation Modeling and Analysis*, §9.4.1,
//! "obtaining a specified precision"). Replications are numbered 0, 1, 2, … and batches have a fixed size, so the
//! stopping point and every figure depend only on the scenario, seed and target, never on the thread count.

use super::{Execution, ExperimentError, ReplicationResult, run, summarise};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// Replications added per step once the initial ones are done.
pub const BATCH: u32 = 5;

/// The headline metric whose precision is controlled: the first comparison's mean reduction (working days), or,
/// with a single option, that option's mean dormancy.
pub fn headline_half_width(s: &Scenario, reps: &[ReplicationResult]) -> (String, f64) {
    let summary = summarise(s, reps);
    let half = |ci: Option<[f64; 2]>| ci.map_or(f64::INFINITY, |[lo, hi]| (hi - lo) / 2.0);
    match summary.comparisons.first() {
        Some(c) => (format!("comparisons[{} vs {}].mean_reduction_wd", c.option, c.baseline), half(c.ci95)),
        None => {
            let (name, o) = summary.options.first().expect("at least one option");
            (format!("options.{name}.dormancy_wd.mean"), half(o.dormancy_wd.ci95))
        }
    }
}

/// What the precision search did (recorded in the manifest).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrecisionRecord {
    pub metric: String,
    pub target_half_width: f64,
    pub achieved_half_width: f64,
    pub replications: u32,
    pub max_replications: u32,
    /// False when `max_replications` ran out first.
    pub reached: bool,
}

/// Run `run.replications` replications (at least 2), then batches of [`BATCH`] until the headline half-width is at
/// most `target` or `max_replications` are done.
pub fn run_to_precision(
    s: &Scenario,
    target: f64,
    max_replications: u32,
    exec: Execution,
    on_done: &(dyn Fn() + Sync),
) -> Result<(Vec<ReplicationResult>, PrecisionRecord), ExperimentError> {
    let max = max_replications.max(2);
    let mut n = s.run.replications.clamp(2, max);
    let mut reps = run(s, &(0..n).collect::<Vec<_>>(), exec, on_done)?;
    loop {
        let (metric, half) = headline_half_width(s, &reps);
        if half <= target || n >= max {
            let record = PrecisionRecord {
                metric,
                target_half_width: target,
                achieved_half_width: half,
                replications: n,
                max_replications: max,
                reached: half <= target,
            };
            return Ok((reps, record));
        }
        let next = (n + BATCH).min(max);
        reps.extend(run(s, &(n..next).collect::<Vec<_>>(), exec, on_done)?);
        n = next;
    }
}
