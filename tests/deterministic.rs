//! Deterministic scenarios: no failures, unlimited capacity, fixed lead times, so every dormant installation's
//! dormancy is known by hand (R1, R5, R14, R18).

mod common;
use common::*;

/// The single dormancy value of every episode, asserting there is only one.
fn only_value(h: &dormsim::metrics::Histogram) -> u32 {
    let values: Vec<usize> = h.counts().iter().enumerate().filter(|(_, c)| **c > 0).map(|(v, _)| v).collect();
    assert_eq!(values.len(), 1, "expected one dormancy value, got {values:?}");
    values[0] as u32
}

#[test]
fn with_no_calendar_standard_takes_15_days_and_expedited_8() {
    // Calendar `none`: every day is a working day. All 500 sites go dormant at the SSD of the bulk transfer,
    // 2021-03-10 (day 9). Notice the same day (cycle 1, no delay) at 08:00; migration on notice + notice_wd.
    // Firmware (5 WD) finishes on day 14, before the check on day 9 + 8 - 1 = 16 for expedited. So dormancy is
    // exactly 15 (standard) and 8 (expedited) days = working days.
    let s = load(&verification_toml("none", "2021-03-01", "2021-03-10", 500), &[]);
    let reps = run(&s, 1);
    for r in &reps {
        let (std, exp) = (&r.options[0], &r.options[1]);
        assert_eq!(std.migrated_new, 500);
        assert_eq!(exp.migrated_new, 500);
        assert_eq!(only_value(&std.dormancy_wd), 15);
        assert_eq!(only_value(&std.dormancy_days), 15);
        assert_eq!(only_value(&exp.dormancy_wd), 8);
        assert_eq!(only_value(&exp.dormancy_days), 8);
        assert_eq!(std.manual_total() + exp.manual_total(), 0);
    }
    let summary = dormsim::experiment::summarise(&s, &reps);
    let c = &summary.comparisons[0];
    // R18: the headline 7 WD saving (15 − 8), identical in every replication, so the CI has zero width.
    assert_eq!(c.mean_reduction_wd, 7.0);
    assert_eq!(c.ci95, Some([7.0, 7.0]));
    assert_eq!(c.share_sites_faster, 1.0);
}

#[test]
fn the_expedited_saving_is_the_notice_difference_plus_the_standard_scheduling_delay() {
    // Same world, standard route with a fixed 3 WD scheduling delay before a notice on any working day:
    // standard = 3 + 15 = 18, expedited = 8, difference = (15 − 8) + 3 = 10.
    let s =
        load(&verification_toml("none", "2021-03-01", "2021-03-10", 200), &["options.standard.schedule_delay_wd=3"]);
    let summary = run_summary(&s, 2);
    assert_eq!(summary.options["standard"].dormancy_wd.mean, 18.0);
    assert_eq!(summary.options["expedited"].dormancy_wd.mean, 8.0);
    assert_eq!(summary.comparisons[0].mean_reduction_wd, 10.0);
}

#[test]
fn a_scheduling_cycle_delays_the_notice_to_the_next_cycle_day() {
    // Calendar none, run starts 2021-03-01 (day 0 = first working day = cycle day). Cycle 10: cycle days are
    // days 0, 10, 20... The transfer on 2021-03-04 (day 3) waits until day 10 for its notice, then 15 days:
    // migration on day 25, dormancy 25 − 3 = 22 days.
    let s =
        load(&verification_toml("none", "2021-03-01", "2021-03-04", 100), &["options.standard.schedule_cycle_wd=10"]);
    let summary = run_summary(&s, 1);
    assert_eq!(summary.options["standard"].dormancy_wd.mean, 22.0);
    assert_eq!(summary.comparisons[0].mean_reduction_wd, 14.0);
}

#[test]
fn across_easter_2020_standard_takes_15_working_days_and_expedited_8_in_england_and_wales() {
    // SSD Wednesday 8 April 2020 (a working day): notice the same day.
    // Expedited: 8 WD after 8 Apr, skipping Good Friday 10 Apr, the weekend and Easter Monday 13 Apr:
    //   9(1) 14(2) 15(3) 16(4) 17(5) 20(6) 21(7) 22(8) → migration Wed 22 April: 8 WD, 14 calendar days.
    // Standard: continue 23(9) 24(10) 27(11) 28(12) 29(13) 30(14) May 1(15) → Fri 1 May: 15 WD, 23 calendar days.
    // Firmware: 5 WD from 8 Apr 08:00 = 17 Apr 08:00, before the expedited check on 21 Apr 20:00.
    let s = load(&verification_toml("england-wales", "2020-04-01", "2020-04-08", 300), &[]);
    let summary = run_summary(&s, 2);
    let (std, exp) = (&summary.options["standard"], &summary.options["expedited"]);
    assert_eq!((std.dormancy_wd.mean, std.dormancy_days.mean), (15.0, 23.0));
    assert_eq!((exp.dormancy_wd.mean, exp.dormancy_days.mean), (8.0, 14.0));
    assert_eq!(summary.comparisons[0].mean_reduction_wd, 7.0);
    assert_eq!(summary.comparisons[0].mean_reduction_days, 9.0);
}

#[test]
fn a_switch_on_a_saturday_starts_dormancy_on_saturday_and_the_notice_on_monday() {
    // SSD Saturday 11 July 2020. Notice Monday 13 July; expedited migration 8 WD later = Thursday 23 July.
    // Dormancy counts working days in [11 Jul, 23 Jul) = 13..17 and 20..22 = 8 WD; calendar days = 12.
    let s = load(&verification_toml("england-wales", "2020-07-01", "2020-07-11", 50), &[]);
    let summary = run_summary(&s, 1);
    let exp = &summary.options["expedited"];
    assert_eq!((exp.dormancy_wd.mean, exp.dormancy_days.mean), (8.0, 12.0));
}

#[test]
fn late_firmware_moves_migration_to_the_first_feasible_day() {
    // R6: lead time 10 WD > the 8 WD expedited notice. Calendar none, SSD and notice on day 9 at 08:00; firmware
    // done day 19 08:00; the planned check (day 16) found it unconfigured, so the next check is day 19 20:00 and
    // migration day 20: dormancy 11 days. Standard (15 WD) is unaffected: 15.
    let s = load(&verification_toml("none", "2021-03-01", "2021-03-10", 100), &["smsos.s1.lead_time_wd=10"]);
    let summary = run_summary(&s, 1);
    assert_eq!(summary.options["expedited"].dormancy_wd.mean, 11.0);
    assert_eq!(summary.options["standard"].dormancy_wd.mean, 15.0);
    // Every configuration took 10 WD against the 5 WD SLA.
    assert_eq!(summary.options["expedited"].firmware_wait_wd.mean, 10.0);
    assert_eq!(summary.options["expedited"].firmware_late_share, 1.0);
}

#[test]
fn newly_dormant_eligibility_sends_sites_dormant_before_their_epcl_date_to_the_fallback() {
    // R3: the DMC joins the EPCL on 2021-03-15 (day 14), after the transfer on day 9: the sites were dormant before
    // the listing, so `expedited` (newly-dormant, fallback standard) routes them like standard. Calendar none:
    // the EPCL event on day 14 sends the notice that day; migration day 29; dormancy 29 − 9 = 20 under both.
    let s = load(
        &verification_toml("none", "2021-03-01", "2021-03-10", 100),
        &[
            "fleet.cohorts.only.dmcs.d1.epcl_date=2021-03-15",
            "options.expedited.eligibility=newly-dormant",
            "options.expedited.fallback=standard",
        ],
    );
    let summary = run_summary(&s, 1);
    assert_eq!(summary.options["standard"].dormancy_wd.mean, 20.0);
    assert_eq!(summary.options["expedited"].dormancy_wd.mean, 20.0);
    assert_eq!(summary.comparisons[0].share_sites_faster, 0.0);
}

#[test]
fn dcc_capacity_spreads_a_wave_over_days_first_come_first_served() {
    // 1000 sites due on the same day, 100 migrations per working day (represented = simulated here), calendar
    // none: the k-th hundred migrates k days late (k = 0..9), so expedited dormancy = 8 + k, mean 8 + 4.5 = 12.5.
    let s = load(&verification_toml("none", "2021-03-01", "2021-03-10", 1000), &["dcc.daily_capacity=100"]);
    let summary = run_summary(&s, 1);
    assert_eq!(summary.options["expedited"].dormancy_wd.mean, 12.5);
    assert_eq!(summary.options["expedited"].dormancy_wd.max, Some(17));
    assert_eq!(summary.options["standard"].dormancy_wd.mean, 19.5);
}

#[test]
fn smso_servers_configure_a_wave_in_rounds_of_fixed_lead_time() {
    // 1000 requests at the same minute, 100 servers, fixed 5 WD lead time, calendar none: round k (k = 0..9)
    // finishes after 5(k + 1) WD, so the mean firmware wait is 5 × 5.5 = 27.5 WD.
    let s = load(&verification_toml("none", "2021-03-01", "2021-03-10", 1000), &["smsos.s1.servers=100"]);
    let summary = run_summary(&s, 1);
    assert_eq!(summary.options["standard"].firmware_wait_wd.mean, 27.5);
    assert_eq!(summary.options["expedited"].firmware_wait_wd.mean, 27.5);
}

#[test]
fn the_warm_up_discards_episodes_that_began_in_it_and_only_those() {
    // All installations go dormant on 2021-03-10, day 9 of a run starting 2021-03-01 (week 1). A one-week warm-up
    // (days 0–6) keeps them: expedited dormancy is still exactly 8 WD; a two-week warm-up (days 0–13) discards them.
    let text = verification_toml("none", "2021-03-01", "2021-03-10", 100);
    let kept = run_summary(&load(&text, &["run.warmup_weeks=1"]), 1);
    assert_eq!(kept.options["expedited"].dormancy_wd.mean, 8.0);
    assert_eq!(kept.warmup.weeks, 1);
    let dropped = run_summary(&load(&text, &["run.warmup_weeks=2"]), 1);
    assert_eq!(dropped.options["expedited"].dormancy_wd.episodes_pooled, 0);
    assert!(dropped.options["expedited"].dormancy_wd.mean.is_nan());
    // The migrations themselves still happen; only the statistics are discarded.
    assert_eq!(dropped.options["expedited"].migrated_sites, kept.options["expedited"].migrated_sites);
    let too_long = dormsim::scenario::Scenario::load(&text, "test", &["run.warmup_weeks=18".to_string()]);
    assert!(too_long.unwrap_err().to_string().contains("run.warmup_weeks"));
}
