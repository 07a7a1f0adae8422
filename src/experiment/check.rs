//! Replication results checked against their scenario before anything indexes them: `dormsim merge` reads
//! `replications.json` files written elsewhere, and a digest only proves a file is the one its manifest recorded,
//! not that its shape fits the scenario. [`check_results`] verifies every length and index that
//! [`summarise`](super::summarise), the warm-up series, the breakdowns and the output tables rely on, so a
//! hand-made or foreign file is an input error naming what is wrong instead of an index-out-of-bounds panic.
//!
//! Fixed-size arrays (`manual_cases`, `populations`, stage vectors) need no check here: serde refuses an array of
//! another length when the file is read.

use super::ReplicationResult;
use crate::cases::ManualCase;
use crate::metrics::{Histogram, OptionMetrics, Weekly};
use crate::scenario::Scenario;

/// Largest sum of the absolute values of all integers in the results: keeps every sum the summary and the tables
/// take (over replications, weeks, case types, histogram bins) inside `u64` and `i64`. Real runs are far below it
/// (≈ 10¹¹ for a thousand replications of millions of installations).
const MAX_TOTAL: u128 = i64::MAX as u128;

/// Check that `reps` can be the results of `s`: one entry per option and per paired comparison, weekly series
/// as long as the horizon in weeks, one weekly series per manual case type, histograms consistent and within the
/// horizon, replication numbers unique and below `run.replications`, and numbers small enough to be summed.
/// The error names the replication (and option) and what is wrong.
pub fn check_results(s: &Scenario, reps: &[ReplicationResult]) -> Result<(), String> {
    check_numbers(s, reps)?;
    for r in reps {
        check_replication(s, r).map_err(|e| format!("replication {}: {e}", r.replication))?;
    }
    check_total(reps)
}

/// Replication numbers: each below `run.replications`, none twice.
fn check_numbers(s: &Scenario, reps: &[ReplicationResult]) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for r in reps {
        if r.replication >= s.run.replications {
            return Err(format!(
                "replication {} is out of range: the scenario has {} replications (0..{})",
                r.replication, s.run.replications, s.run.replications
            ));
        }
        if !seen.insert(r.replication) {
            return Err(format!("replication {} appears more than once", r.replication));
        }
    }
    Ok(())
}

fn check_replication(s: &Scenario, r: &ReplicationResult) -> Result<(), String> {
    let n = s.options.len();
    if r.options.len() != n {
        return Err(format!("{} options, the scenario has {n}", r.options.len()));
    }
    if r.paired.len() != n {
        return Err(format!("{} paired comparisons, the scenario has {n} options", r.paired.len()));
    }
    for (spec, m) in s.options.iter().zip(&r.options) {
        check_option(s, m).map_err(|e| format!("option `{}`: {e}", spec.name))?;
    }
    super::groups::check(s, r)
}

fn check_option(s: &Scenario, m: &OptionMetrics) -> Result<(), String> {
    check_weekly(s, &m.weekly)?;
    let histograms = [
        ("dormancy_wd", &m.dormancy_wd),
        ("dormancy_days", &m.dormancy_days),
        ("restored_wd", &m.restored_wd),
        ("restored_days", &m.restored_days),
    ];
    for (name, h) in histograms {
        check_histogram(s, h).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// Weeks of a run's weekly series: the horizon in 7-day weeks, the last one partial.
pub fn weeks_of(s: &Scenario) -> usize {
    (s.run.horizon_days.max(0) as usize).div_ceil(7)
}

fn check_weekly(s: &Scenario, w: &Weekly) -> Result<(), String> {
    if w.horizon_days != s.run.horizon_days {
        return Err(format!(
            "weekly.horizon_days is {}, the scenario's horizon is {}",
            w.horizon_days, s.run.horizon_days
        ));
    }
    let weeks = weeks_of(s);
    let series = [
        ("new_dormant", &w.new_dormant),
        ("ended", &w.ended),
        ("migrations", &w.migrations),
        ("active_migrations", &w.active_migrations),
        ("dcc_attempts", &w.dcc_attempts),
        ("smso_requests", &w.smso_requests),
        ("smso_waiting_peak", &w.smso_waiting_peak),
        ("migrated_by_start", &w.migrated_by_start),
        ("migrated_by_start_wd", &w.migrated_by_start_wd),
    ];
    for (name, v) in series {
        check_len(&format!("weekly.{name}"), v.len(), weeks)?;
    }
    if w.manual.len() != ManualCase::COUNT {
        return Err(format!(
            "weekly.manual has {} series, one per case type ({}) expected",
            w.manual.len(),
            ManualCase::COUNT
        ));
    }
    for (case, v) in ManualCase::ALL.iter().zip(&w.manual) {
        check_len(&format!("weekly.manual.{}", case.name()), v.len(), weeks)?;
    }
    Ok(())
}

fn check_len(name: &str, len: usize, weeks: usize) -> Result<(), String> {
    if len == weeks { Ok(()) } else { Err(format!("{name} has {len} weeks, the horizon has {weeks}")) }
}

/// A histogram's count is the sum of its bins, and no value exceeds the horizon (an episode counted here begins
/// and ends inside it).
fn check_histogram(s: &Scenario, h: &Histogram) -> Result<(), String> {
    let bins = h.counts().len();
    if bins > s.run.horizon_days.max(0) as usize + 1 {
        return Err(format!("has values up to {}, beyond the horizon of {} days", bins - 1, s.run.horizon_days));
    }
    let binned: u128 = h.counts().iter().map(|&c| u128::from(c)).sum();
    if binned != u128::from(h.count()) {
        return Err(format!("counts {} observations but its bins hold {binned}", h.count()));
    }
    Ok(())
}

/// The sum of the absolute values of every integer in the results is at most [`MAX_TOTAL`], so no sum the summary
/// takes can overflow.
fn check_total(reps: &[ReplicationResult]) -> Result<(), String> {
    let mut total: u128 = 0;
    for r in reps {
        let value = serde_json::to_value(r)
            .map_err(|e| format!("replication {}: a number is out of range ({e})", r.replication))?;
        add_integers(&value, &mut total);
        if total > MAX_TOTAL {
            return Err(format!(
                "replication {}: the counts are implausibly large (their sum over the results exceeds {MAX_TOTAL})",
                r.replication
            ));
        }
    }
    Ok(())
}

fn add_integers(v: &serde_json::Value, total: &mut u128) {
    match v {
        serde_json::Value::Number(n) => {
            let magnitude = n.as_u64().map(u128::from).or_else(|| n.as_i64().map(|i| u128::from(i.unsigned_abs())));
            *total = total.saturating_add(magnitude.unwrap_or(0));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| add_integers(x, total)),
        serde_json::Value::Object(o) => o.values().for_each(|x| add_integers(x, total)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{Execution, run, summarise};

    /// The embedded baseline on a small fleet, and its two replications as a run computes them.
    fn good_run() -> (Scenario, Vec<ReplicationResult>) {
        let s = Scenario::baseline(&["fleet.installations=50".into(), "run.replications=2".into()]).unwrap();
        let reps = run(&s, &[0, 1], Execution { threads: 1 }, &|| {}).unwrap();
        (s, reps)
    }

    /// The error for the good run after `damage`, which must be refused.
    fn refused(damage: impl FnOnce(&Scenario, &mut Vec<ReplicationResult>)) -> String {
        let (s, mut reps) = good_run();
        damage(&s, &mut reps);
        check_results(&s, &reps).expect_err("damaged results were accepted")
    }

    #[test]
    fn the_results_of_a_real_run_pass_and_summarise() {
        let (s, reps) = good_run();
        assert_eq!(check_results(&s, &reps), Ok(()));
        let _ = summarise(&s, &reps);
    }

    #[test]
    fn a_replication_with_fewer_options_than_the_scenario_is_refused() {
        let e = refused(|_, r| {
            r[1].options.pop();
        });
        // The baseline has 3 options; replication 1 now holds 2.
        assert!(e.starts_with("replication 1: 2 options, the scenario has 3"), "{e}");
    }

    #[test]
    fn paired_comparisons_of_another_length_are_refused() {
        let e = refused(|_, r| r[0].paired.push(Default::default()));
        assert!(e.contains("replication 0: 4 paired comparisons, the scenario has 3 options"), "{e}");
    }

    #[test]
    fn a_weekly_series_of_the_wrong_length_is_refused_naming_it_and_its_option() {
        let e = refused(|s, r| {
            r[0].options[2].weekly.ended.truncate(3);
            assert_eq!(weeks_of(s), 105, "the baseline's horizon of 730 days is 105 weeks, the last one partial");
        });
        let option = good_run().0.options[2].name.clone();
        assert!(e.contains(&format!("option `{option}`: weekly.ended has 3 weeks, the horizon has 105")), "{e}");
    }

    #[test]
    fn a_missing_manual_case_series_or_a_short_one_is_refused() {
        let e = refused(|_, r| {
            r[0].options[0].weekly.manual.pop();
        });
        assert!(e.contains("weekly.manual has 13 series, one per case type (14) expected"), "{e}");
        let e = refused(|_, r| r[0].options[0].weekly.manual[0].push(1));
        assert!(e.contains("weekly.manual.") && e.contains("has 106 weeks, the horizon has 105"), "{e}");
    }

    #[test]
    fn a_weekly_horizon_other_than_the_scenarios_is_refused() {
        let e = refused(|_, r| r[0].options[0].weekly.horizon_days = 729);
        assert!(e.contains("weekly.horizon_days is 729, the scenario's horizon is 730"), "{e}");
    }

    #[test]
    fn replication_numbers_out_of_range_or_repeated_are_refused() {
        // run.replications = 2, so 0 and 1 are the only numbers.
        let e = refused(|_, r| r[1].replication = 2);
        assert!(e.contains("replication 2 is out of range: the scenario has 2 replications"), "{e}");
        let e = refused(|_, r| r[1].replication = 0);
        assert_eq!(e, "replication 0 appears more than once");
    }

    #[test]
    fn a_histogram_whose_count_disagrees_with_its_bins_or_beyond_the_horizon_is_refused() {
        let e = refused(|_, r| {
            let mut h = Histogram::new();
            h.add(3);
            let mut json = serde_json::to_value(&h).unwrap();
            json["n"] = 2.into();
            r[0].options[0].dormancy_wd = serde_json::from_value(json).unwrap();
        });
        assert!(e.contains("dormancy_wd: counts 2 observations but its bins hold 1"), "{e}");
        let e = refused(|_, r| r[0].options[0].restored_days.add(731));
        assert!(e.contains("restored_days: has values up to 731, beyond the horizon of 730 days"), "{e}");
    }

    #[test]
    fn counts_too_large_to_sum_are_refused() {
        // Each value fits a u64, but two replications' firmware_configs summed would overflow it.
        let e = refused(|_, r| {
            r[0].options[0].firmware_configs = u64::MAX / 2 + 1;
            r[1].options[0].firmware_configs = u64::MAX / 2 + 1;
        });
        assert!(e.contains("implausibly large"), "{e}");
    }
}
