//! The warm-up period: statistics of the first `run.warmup_weeks` weeks are discarded (episodes that began in
//! them, manual work done in them), and the outputs say how a warm-up could be chosen from the run itself with
//! MSER-5 (White, "An effective truncation heuristic for bias reduction in simulation output", *Simulation* 69(6),
//! 1997; White, Cobb & Spratt, WSC 2000): batch the output series in means of 5, and truncate the d batches that
//! minimise the squared standard error of the remaining mean, MSER(d) = Σ_{j>d} (Z_j − Z̄_d)² / (b − d)², searching
//! d ≤ b/2 (a truncation in the second half signals a run too short to judge).
//!
//! The series is the mean dormancy (WD) of the first option's migrated episodes by the week they began, pooled
//! over replications. Episodes that began near the horizon are only counted if they migrated in time, which biases
//! the tail of the series down, so the last quarter of the weeks is left out of the series (a fixed share, so the
//! series and the suggestion do not depend on the warm-up chosen).

use super::ReplicationResult;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

/// Observations per batch in MSER-5.
pub const BATCH: usize = 5;
/// Fewest batches MSER-5 is applied to.
const MIN_BATCHES: usize = 4;

/// What summary.json says about the warm-up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WarmupSummary {
    /// Weeks discarded (the scenario's `run.warmup_weeks`).
    pub weeks: u32,
    /// Weeks MSER-5 would discard on this run's series (None: series too short).
    pub mser5_weeks: Option<u32>,
    /// Weeks of the series MSER-5 looked at.
    pub series_weeks: u32,
    pub note: String,
}

/// MSER-5 truncation point, in observations (a multiple of [`BATCH`]); None with fewer than 4 batches.
pub fn mser5(series: &[f64]) -> Option<usize> {
    let batches: Vec<f64> = series.chunks_exact(BATCH).map(|c| c.iter().sum::<f64>() / BATCH as f64).collect();
    let b = batches.len();
    if b < MIN_BATCHES {
        return None;
    }
    let statistic = |d: usize| {
        let rest = &batches[d..];
        let mean = rest.iter().sum::<f64>() / rest.len() as f64;
        rest.iter().map(|z| (z - mean).powi(2)).sum::<f64>() / (rest.len() as f64).powi(2)
    };
    // Smallest d on ties, so a flat series is not truncated.
    let best = (0..=b / 2).fold(0, |best, d| if statistic(d) < statistic(best) { d } else { best });
    Some(best * BATCH)
}

/// Share of the weeks at the end left out of the series (censoring: see the module doc).
const TAIL_SHARE: f64 = 0.25;

/// The series MSER-5 is applied to: pooled mean dormancy by start week over the first three quarters of the
/// weeks, weeks with no migrated episode left out.
pub fn dormancy_by_start_week(reps: &[ReplicationResult]) -> Vec<f64> {
    let Some(first) = reps.first() else { return Vec::new() };
    let weeks = first.options[0].weekly.migrated_by_start.len();
    let usable = (weeks as f64 * (1.0 - TAIL_SHARE)).floor() as usize;
    (0..usable)
        .filter_map(|w| {
            let n: u64 = reps.iter().map(|r| r.options[0].weekly.migrated_by_start[w]).sum();
            let wd: u64 = reps.iter().map(|r| r.options[0].weekly.migrated_by_start_wd[w]).sum();
            (n > 0).then(|| wd as f64 / n as f64)
        })
        .collect()
}

pub fn summarise(s: &Scenario, reps: &[ReplicationResult]) -> WarmupSummary {
    let series = dormancy_by_start_week(reps);
    let suggested = mser5(&series).map(|d| d as u32);
    let weeks = s.run.warmup_weeks;
    let discarded = if weeks == 0 {
        "no warm-up is discarded (run.warmup_weeks = 0)".to_string()
    } else {
        format!("the first {weeks} weeks are discarded (run.warmup_weeks)")
    };
    let note = match suggested {
        None => format!("{discarded}; the series ({} weeks) is too short for MSER-5", series.len()),
        Some(m) => format!(
            "{discarded}; MSER-5 on the mean dormancy by start week finds a transient of {m} weeks. Discard it \
(run.warmup_weeks = {m}) for steady-state questions; keep it when the start date is part of the question (a dated \
period whose early weeks are real, e.g. waits for EPCL listing)"
        ),
    };
    WarmupSummary { weeks, mser5_weeks: suggested, series_weeks: series.len() as u32, note }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mser5_truncates_an_initial_transient_and_leaves_a_flat_series_alone() {
        // 10 weeks at 50 then 40 weeks alternating 10/12: the transient is two batches (10 observations); with it
        // removed the remaining batch means are all 11 (each batch of 5 alternating values averages 11 ± 0.2).
        let mut series = vec![50.0; 10];
        series.extend((0..40).map(|i| if i % 2 == 0 { 10.0 } else { 12.0 }));
        assert_eq!(mser5(&series), Some(10));
        assert_eq!(mser5(&[7.0; 40]), Some(0));
        assert_eq!(mser5(&[1.0; 19]), None);
    }
}
