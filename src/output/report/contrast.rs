//! One option against another non-baseline option on one population, which `summary.json` does not hold: per
//! replication, the difference of their paired reductions against the baseline (each over its matched episodes),
//! then the mean over replications with a Student-t 95% interval. Common random numbers make the per-replication
//! differences paired, so the interval is the paired one. Read from `replications.json`.

use crate::experiment::ReplicationResult;
use crate::metrics::{MeanCi, Population, mean_ci95};

/// Mean over replications of (reduction of option `a` − reduction of option `b`) on `population`, working days;
/// positive = `a` is faster. `a` and `b` are option indices (> 0); replications where either has no matched episode
/// are left out. None when the population or an option is unknown.
pub fn reduction_difference(reps: &[ReplicationResult], population: &str, a: usize, b: usize) -> Option<MeanCi> {
    let p = Population::ALL.iter().position(|x| x.name() == population)?;
    if reps.iter().any(|r| r.paired.len() <= a.max(b)) {
        return None;
    }
    let reduction = |r: &ReplicationResult, o: usize| -> Option<f64> {
        let pair = r.paired.get(o)?.populations.get(p)?;
        (pair.matched > 0).then(|| pair.wd_saved as f64 / pair.matched as f64)
    };
    let mut values = Vec::with_capacity(reps.len());
    for r in reps {
        if let (Some(x), Some(y)) = (reduction(r, a), reduction(r, b)) {
            values.push(x - y);
        }
    }
    Some(mean_ci95(&values))
}
