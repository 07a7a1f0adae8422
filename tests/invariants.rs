//! Accounting invariants and reproducibility on the stochastic baseline: conservation of installations,
//! Little's law, determinism across thread counts, and common random numbers across options.

mod common;
use common::*;

fn small_baseline() -> dormsim::scenario::Scenario {
    baseline(&["fleet.installations=20000", "run.replications=3"])
}

#[test]
fn every_installation_that_went_dormant_ends_in_exactly_one_state() {
    // Each episode starts (backlog at day 0, or an SSD during the run) and either ends by migration, ends by a
    // switch to a supplier that can operate it, or is still open at the horizon: starts = ends + open.
    for r in run(&small_baseline(), 2) {
        for m in &r.options {
            assert_eq!(m.backlog_sites + m.new_episodes, m.migrated + m.reactivated + m.still_dormant_at_end);
            assert!(m.excluded_at_end <= m.still_dormant_at_end);
            assert!(m.migrated_new <= m.migrated);
            assert_eq!(m.dormancy_wd.count(), m.migrated_new);
        }
    }
}

#[test]
fn the_dormant_stock_integral_equals_the_sum_of_dormancy_durations() {
    // Little's law as an identity over a finite horizon (Little 1961; El-Taha & Stidham 1999, sample-path form):
    // ∫₀ᵀ N(t) dt = Σ_episodes |episode ∩ [0, T]|. The left side is accumulated from the stock as it changes, the
    // right side from each episode's clipped duration: two independent book-keepings that must agree exactly.
    for r in run(&small_baseline(), 2) {
        for m in &r.options {
            assert_eq!(m.stock_site_days, m.episode_site_days);
        }
    }
}

#[test]
fn littles_law_holds_for_the_dormant_stock_in_a_steady_state() {
    // No backlog, every DMC listed, ample capacity, 3 years: after a short ramp-up the system is stationary, so
    // the mean stock L ≈ λ W with λ = episodes per day and W = mean episode duration (days). The ramp-up (about one
    // W of a 1095-day horizon) biases L low by about W / 2T < 2%; allow 4%.
    let s = baseline(&[
        "fleet.installations=30000",
        "fleet.backlog.count=0",
        "run.horizon_days=1095",
        "run.replications=2",
        "fleet.cohorts.FOC.dmcs.foc-edmi.epcl_date=2019-01-01",
        "fleet.cohorts.FOC.dmcs.foc-trilliant.epcl_date=2019-01-01",
        "fleet.cohorts.FOC.dmcs.foc-landis-gyr.epcl_date=2019-01-01",
        "fleet.cohorts.MOC-Secure.dmcs.secure-liberty.epcl_date=2019-01-01",
        "fleet.cohorts.MOC-Secure.dmcs.secure-other.epcl_date=2019-01-01",
    ]);
    for r in run(&s, 2) {
        let m = &r.options[0];
        let horizon = s.run.horizon_days as f64;
        let mean_stock = m.stock_site_days as f64 / horizon;
        let ended = (m.migrated + m.reactivated) as f64;
        let lambda = m.new_episodes as f64 / horizon;
        // W from the episodes that ended (all began in the run: no backlog); open ones are censored.
        let w = (m.episode_site_days - m.open_site_days) as f64 / ended;
        let rel = (mean_stock - lambda * w).abs() / mean_stock;
        assert!(rel < 0.04, "L = {mean_stock:.1}, λW = {:.1} ({:.1}% off)", lambda * w, 100.0 * rel);
    }
}

#[test]
fn results_are_identical_with_one_and_two_threads() {
    let s = small_baseline();
    let one = serde_json::to_string(&run_summary(&s, 1)).unwrap();
    let two = serde_json::to_string(&run_summary(&s, 2)).unwrap();
    assert_eq!(one, two);
}

#[test]
fn every_option_sees_the_same_fleet_and_switches() {
    // Common random numbers: fleet and switching history are generated once per replication, so the backlog is
    // identical across options, and so is the dormancy inflow until the first migration (an installation that an
    // option has migrated can no longer go dormant, so inflows may differ later).
    for r in run(&small_baseline(), 2) {
        let backlog: Vec<u64> = r.options.iter().map(|m| m.backlog_sites).collect();
        assert!(backlog.windows(2).all(|w| w[0] == w[1]));
        let first_week: Vec<u64> = r.options.iter().map(|m| m.weekly.new_dormant[0]).collect();
        // In week 0 nothing can have migrated yet (the shortest route takes 8 WD), so inflows are identical.
        assert!(first_week.windows(2).all(|w| w[0] == w[1]), "{first_week:?}");
    }
}

#[test]
fn a_different_seed_gives_different_results() {
    let a = run_summary(&small_baseline(), 2);
    let b = run_summary(&baseline(&["fleet.installations=20000", "run.replications=3", "run.seed=99"]), 2);
    assert_ne!(a.options["standard"].dormancy_wd.mean, b.options["standard"].dormancy_wd.mean);
}

#[test]
fn precision_mode_stops_at_the_first_batch_that_meets_the_half_width_target() {
    // Sequential procedure: 3 replications, then batches of 5, until the 95% CI half-width of the first comparison's
    // mean reduction is at most the target. The result must meet the target, and one batch fewer must not have.
    use dormsim::experiment::{Execution, PRECISION_BATCH, headline_half_width, run_to_precision};
    let s = baseline(&["fleet.installations=4000", "run.replications=3"]);
    let target = 0.6;
    let (reps, record) = run_to_precision(&s, target, 200, Execution { threads: 2 }, &|| {}).unwrap();
    assert!(record.reached, "{record:?}");
    assert_eq!(reps.len() as u32, record.replications);
    assert!(record.achieved_half_width <= target);
    assert_eq!(headline_half_width(&s, &reps).1, record.achieved_half_width);
    if record.replications > 3 {
        let fewer = (record.replications - PRECISION_BATCH).max(3) as usize;
        assert!(headline_half_width(&s, &reps[..fewer]).1 > target);
    }
    // The same replications as a fixed-size run: precision mode only decides how many.
    let fixed = run(&baseline(&["fleet.installations=4000", &format!("run.replications={}", record.replications)]), 1);
    let a = serde_json::to_string(&dormsim::experiment::summarise(&s, &reps).comparisons).unwrap();
    let b = serde_json::to_string(&dormsim::experiment::summarise(&s, &fixed).comparisons).unwrap();
    assert_eq!(a, b);
}
