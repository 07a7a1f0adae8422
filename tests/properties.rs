//! Property tests (proptest) over random *valid* scenarios built from the verification world of `tests/common`
//! (one SMSO `s1` operated only by supplier `a`; a bulk transfer `a → b` makes every installation dormant on one
//! date) with `--set` overrides that vary the fleet, background switching, timelines, firmware, failures,
//! capacities, calendar and horizon. Each property holds for every scenario, not just on average:
//!
//! - conservation: every dormancy episode ends in exactly one way (migration, reactivation, or still open at the
//!   horizon), every installation is migrated at most once, and the counts of installations are bounded by the fleet;
//! - dormancy is never negative (nor longer than the horizon), in working and in calendar days;
//! - with unlimited capacity and no failures, an expedited route that is at least as fast at every step as the
//!   standard one never leaves an installation dormant for more working days (`PairedCounts.sites_slower == 0`).
//!
//! Few cases (24 per property, `PROPTEST_CASES` to change) keep `cargo test --release` fast; proptest prints the
//! failing case's overrides, shrunk, if a property breaks.

mod common;
use common::*;
use dormsim::experiment::ReplicationResult;
use dormsim::scenario::Scenario;
use proptest::prelude::*;

/// A generated scenario: the verification world's parameters plus `--set` overrides, kept as text so a failure
/// prints something that can be pasted into `dormsim run --set …`.
#[derive(Debug, Clone)]
struct Case {
    calendar: &'static str,
    start: String,
    transfer: String,
    sites: u32,
    overrides: Vec<String>,
}

impl Case {
    fn scenario(&self) -> Scenario {
        let set: Vec<&str> = self.overrides.iter().map(String::as_str).collect();
        load(&verification_toml(self.calendar, &self.start, &self.transfer, self.sites), &set)
    }
}

/// `base` (`YYYY-MM-DD`) plus `days`, as `YYYY-MM-DD`.
fn date_after(base: &str, days: i64) -> String {
    let d = chrono::NaiveDate::parse_from_str(base, "%Y-%m-%d").unwrap() + chrono::Duration::days(days);
    d.format("%Y-%m-%d").to_string()
}

/// The parts every case varies: fleet, switching, calendar, horizon, dates, firmware lead time, notice lengths.
/// `expedited_notice` is drawn as a fraction of the standard notice so the dominance property can keep it shorter.
#[allow(clippy::type_complexity)]
fn common_parts()
-> impl Strategy<Value = ((u32, f64, f64, f64, f64), (f64, f64, u32, bool, u32, i64, i64), (u32, u32, f64, u32, u32))> {
    (
        // installations, dual-fuel, prepayment, split-supply and Null-certificate shares
        (1u32..=300, 0.0..=1.0f64, 0.0..=1.0f64, 0.0..=0.5f64, 0.0..=0.2f64),
        // switching annual_rate, market share of `b` (the supplier that cannot operate `s1`: background switches
        // to it start dormancy, switches back to `a` end it), registration → SSD days, England & Wales calendar?,
        // horizon, start offset, transfer offset (days after the start; may fall after the horizon)
        (0.0..=3.0f64, 0.0..=0.6f64, 0u32..=28, any::<bool>(), 30u32..=400, 0i64..=1500, 0i64..=420),
        // standard notice 1..=30 WD, standard scheduling cycle 0..=10 WD, expedited notice as a share of standard,
        // firmware lead time 0..=20 WD (fixed), DMC EPCL listing offset (days from the start; ≤ 0 = already listed)
        (1u32..=30, 0u32..=10, 0.0..=1.0f64, 0u32..=20, 0u32..=60),
    )
}

fn build_case(
    (sites, dual, prepay, split, null_cert): (u32, f64, f64, f64, f64),
    (rate, b_share, reg_days, england_wales, horizon, start_off, transfer_off): (f64, f64, u32, bool, u32, i64, i64),
    (std_notice, cycle, exp_share, lead, epcl_off): (u32, u32, f64, u32, u32),
) -> Case {
    let start = date_after("2019-01-01", start_off);
    // Expedited notice between 1 WD and the standard notice.
    let exp_notice = 1 + ((std_notice - 1) as f64 * exp_share).round() as u32;
    let overrides = vec![
        format!("fleet.dual_fuel_share={dual}"),
        format!("fleet.prepayment_share={prepay}"),
        format!("fleet.split_supply_share={split}"),
        format!("fleet.null_certificate_share={null_cert}"),
        format!("switching.annual_rate={rate}"),
        format!("suppliers.b.market_share={b_share}"),
        format!("switching.registration_to_ssd_days={reg_days}"),
        format!("run.horizon_days={horizon}"),
        format!("options.standard.notice_wd={std_notice}"),
        format!("options.standard.schedule_cycle_wd={cycle}"),
        format!("options.expedited.notice_wd={exp_notice}"),
        format!("smsos.s1.lead_time_wd={lead}"),
        format!("fleet.cohorts.only.dmcs.d1.epcl_date={}", date_after(&start, i64::from(epcl_off) - 30)),
        // Authorisation and Common File must fit inside the shortest notice.
        format!("options.standard.authorisation_wd={}", std_notice.min(5)),
        format!("options.standard.common_file_wd={}", std_notice.min(2)),
        format!("options.expedited.authorisation_wd={}", exp_notice.min(5)),
        format!("options.expedited.common_file_wd={}", exp_notice.min(2)),
    ];
    Case {
        calendar: if england_wales { "england-wales" } else { "none" },
        transfer: date_after(&start, transfer_off),
        start,
        sites,
        overrides,
    }
}

/// Any valid case: the common parts plus failures, retries, capacities, removals and a backlog.
fn any_case() -> impl Strategy<Value = Case> {
    (
        common_parts(),
        // SMSO and DCC failure probabilities, SMSO max attempts, DCC max attempts
        (0.0..=0.6f64, 0.0..=0.6f64, 1u32..=4, 1u32..=6),
        // SMSO servers and DCC daily capacity at represented scale (= simulated here: represents = installations),
        // 0 = unlimited; removal probability of supplier `b`; backlog as a share of the fleet (only with `b` in the market: backlog
        // installations are given a supplier that cannot operate their SMSO) and age
        (0u32..=20, 0u32..=40, 0.0..=0.5f64, 0.0..=0.5f64, 1u32..=700),
        // Issue 11: registration lag, fast-track priority and reserve, certificate grace, service-flag lag,
        // prepayment mode-switch lag and SECAS threshold
        (0u32..=3, any::<bool>(), 0.0..=2.0f64, 0u32..=6, 0u32..=6, 0u32..=10, 1u32..=5),
    )
        .prop_map(
            |(
                (a, b, c),
                (smso_fail, dcc_fail, smso_max, dcc_max),
                (servers, capacity, removal, backlog, age),
                extra,
            )| {
                let mut case = build_case(a, b, c);
                let o = &mut case.overrides;
                let (lag, fifo, margin, grace, flag, mode_lag, secas) = extra;
                o.push(format!("dcc.registration_lag_wd={lag}"));
                o.push(format!("dcc.fast_track_priority={}", if fifo { "\"fifo\"" } else { "\"fast-track-first\"" }));
                o.push(format!("dcc.fast_track_reserve_margin={margin}"));
                o.push(format!("dcc.certificate_grace_wd={grace}"));
                o.push(format!("dcc.service_flag_lag_wd={flag}"));
                o.push(format!("prepayment.mode_switch_lag_wd={mode_lag}"));
                o.push(format!("prepayment.secas_threshold_per_month={secas}"));
                o.push(format!("smsos.s1.failure_probability={smso_fail}"));
                o.push(format!("smsos.s1.max_attempts={smso_max}"));
                o.push(format!("dcc.failure_probability={dcc_fail}"));
                o.push(format!("dcc.max_attempts={dcc_max}"));
                o.push(format!("suppliers.b.removal_probability={removal}"));
                if servers > 0 {
                    o.push(format!("smsos.s1.servers={servers}"));
                }
                if capacity > 0 {
                    o.push(format!("dcc.daily_capacity={}", f64::from(capacity) / 4.0));
                }
                // The backlog is given at represented scale, here the fleet itself (represents = installations).
                let backlog = (f64::from(case.sites) * backlog).round() as u32;
                if backlog > 0 {
                    o.push(format!("fleet.backlog.count={backlog}"));
                    o.push(format!("fleet.backlog.age_days={age}"));
                }
                case
            },
        )
}

/// A case where the expedited route is at least as fast at every step: unlimited capacity (the defaults), no
/// failures (the verification world's), expedited notice ≤ standard notice, notices sent at once (cycle ≤ the
/// standard's), both SMSO requests on the notice day, and a CoS check window no longer than the standard's 7 days.
/// The firmware lead time stays fixed on purpose: with random lead times and repeated episodes the property fails
/// through the pairing of draws, not the rules (the n-th SMSO attempt's draw is shared across options, and an
/// episode ended early under one option uses a draw the other does not; docs/reliability.md).
fn dominated_case() -> impl Strategy<Value = Case> {
    (common_parts(), 0u32..=2).prop_map(|((a, b, c), exp_check_wd)| {
        let mut case = build_case(a, b, c);
        case.overrides.push(format!("options.expedited.cos_check_wd={exp_check_wd}"));
        case
    })
}

fn run_case(case: &Case) -> (Scenario, Vec<ReplicationResult>) {
    let s = case.scenario();
    let reps = run(&s, 1);
    (s, reps)
}

/// 24 cases per property keep the suite fast; `PROPTEST_CASES=2000` searches longer.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_dormancy_episode_ends_in_exactly_one_way_and_no_installation_is_counted_twice(case in any_case()) {
        let (s, reps) = run_case(&case);
        let fleet = u64::from(s.fleet.installations);
        for r in &reps {
            for (o, m) in r.options.iter().enumerate() {
                let name = &s.options[o].name;
                // Episodes: each starts (in the backlog at day 0, or at an SSD in the run) and ends by migration,
                // ends by a switch back to an operating supplier, or is still open at the horizon.
                prop_assert_eq!(
                    m.backlog_sites + m.new_episodes,
                    m.migrated + m.reactivated + m.still_dormant_at_end,
                    "episodes not conserved for {}", name
                );
                // Installations: an installation can be dormant several times (reactivated in between), so the
                // installations ever dormant are at most the episodes, at least those dormant at the end, and at
                // most the fleet.
                prop_assert!(m.dormant_sites <= m.backlog_sites + m.new_episodes, "{}", name);
                prop_assert!(m.still_dormant_at_end <= m.dormant_sites, "{}", name);
                prop_assert!(m.dormant_sites <= fleet, "{}", name);
                // A migrated installation never goes dormant again and the active programme skips migrated ones:
                // every installation is migrated at most once, by one route.
                prop_assert!(m.migrated + m.active_migrated <= fleet, "{}: migrated more than the fleet", name);
                prop_assert!(m.excluded_at_end <= m.still_dormant_at_end, "{}", name);
                prop_assert!(m.migrated_new <= m.migrated, "{}", name);
                // Little's law as a sample-path identity: the stock integral equals the summed clipped durations.
                prop_assert_eq!(m.stock_site_days, m.episode_site_days, "{}", name);
                // The weekly flows rebuild the stock at the end without ever going below zero: no episode ends
                // before it began. (Every start and end of an episode inside the horizon is counted in a week.)
                let mut stock = m.initial_stock as i64;
                for (new, ended) in m.weekly.new_dormant.iter().zip(&m.weekly.ended) {
                    stock += *new as i64 - *ended as i64;
                    prop_assert!(stock >= 0, "{}: dormant stock went negative", name);
                }
                prop_assert_eq!(stock as u64, m.still_dormant_at_end, "{}: weekly flows do not close", name);
            }
        }
    }

    #[test]
    fn dormancy_is_never_negative_nor_longer_than_the_horizon(case in any_case()) {
        let (s, reps) = run_case(&case);
        let horizon = s.run.horizon_days as u32;
        for r in &reps {
            for m in &r.options {
                // Histograms hold u32 values, so a negative duration would show up as a huge one (wrapped): an
                // episode that began in the run and ended in it lasts at most the horizon, in either unit.
                for h in [&m.dormancy_wd, &m.dormancy_days, &m.restored_wd, &m.restored_days] {
                    prop_assert!(h.max().unwrap_or(0) <= horizon, "max {:?} > horizon {}", h.max(), horizon);
                }
                // [SSD, migration) has no more working days than calendar days: for the same episodes, the mean
                // and the maximum in working days are at most those in calendar days.
                prop_assert_eq!(m.dormancy_wd.count(), m.dormancy_days.count());
                prop_assert!(m.dormancy_wd.mean() <= m.dormancy_days.mean() + 1e-9 || m.dormancy_wd.count() == 0);
                prop_assert!(m.dormancy_wd.max() <= m.dormancy_days.max());
                // The censored days of episodes still open are part of all episode days.
                prop_assert!(m.episode_site_days >= m.open_site_days);
            }
            // Per-installation dormant working days within the horizon: the paired totals stay within the
            // horizon's working days per installation.
            for p in &r.paired {
                prop_assert!(p.sites_faster + p.sites_slower <= p.sites_dormant_in_either);
                prop_assert!(p.dormant_wd_saved.unsigned_abs() <= p.sites_dormant_in_either * u64::from(horizon));
            }
        }
    }

    #[test]
    fn with_unlimited_capacity_and_no_failures_the_expedited_route_is_never_slower(case in dominated_case()) {
        let (s, reps) = run_case(&case);
        prop_assert!(s.dcc.daily_capacity.is_none() && s.smsos[0].servers.is_none());
        prop_assert!(s.dcc.failure_probability == 0.0 && s.smsos[0].failure_probability == 0.0);
        for r in &reps {
            // paired[1]: expedited against standard, installation by installation, dormant working days in the
            // horizon (all episodes). Slower = more dormant working days under expedited.
            let p = &r.paired[1];
            prop_assert_eq!(
                p.sites_slower, 0,
                "replication {}: {} of {} installations slower under expedited (saved {} WD in total)",
                r.replication, p.sites_slower, p.sites_dormant_in_either, p.dormant_wd_saved
            );
            prop_assert!(p.dormant_wd_saved >= 0);
        }
    }
}
