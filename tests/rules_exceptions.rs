//! Exception rules of the consultation on hand-made switching histories, every expected value worked out by hand:
//! R8 (check window, Null certificate), R9/R19 (switches in flight), R10 (removal from an active migration), R11
//! (credit mode: outright failures, migration before the mode switch, SECAS escalation), R12 (supplier readiness,
//! the second clock, service lost again), R13 (certificate chases, restored service after the update), R15 (service
//! flag), the active programme and DCC capacity sharing, manual effort in FTE, and conservation and determinism on the
//! baseline with every mechanism on.
//!
//! World (as in `rules.rs`): calendar `none` unless stated, so days = working days; day 0 = Monday 2021-03-01. One
//! SMSO `s1`, operated only by supplier `a`; `b` and `c` operate nothing and update certificates at once (lag 0) so
//! that no R13 case appears unless a test asks for it. Every installation starts with `a`. Standard (option 0):
//! notice on any day, 15 WD, 7-day check. Expedited (option 1): 8 WD, 2 WD check. Default Migration Authorisation
//! 5 WD and Common File 2 WD before migration. Firmware takes a fixed 5 WD; nothing fails; capacity is unlimited.
//! Event minutes: SSD 00:00, EPCL 00:01, ready for notice 07:58, removal 07:59, notices 08:00, active release 09:00,
//! batch 10:00, service restored 12:00, check 20:00.
//!
//! The date of an event is found from the horizon: nothing at or after the horizon is simulated, and a case dated on
//! or after it is not counted, so a case's date is one less than the shortest horizon that counts it (`day_when`).

mod common;
use ManualCase::*;
use common::*;
use dormsim::arrivals::{Cos, CosHistory};
use dormsim::experiment::{calendar_for, summarise};
use dormsim::fleet::{ELEC, GAS, Installation};
use dormsim::metrics::{Histogram, OptionMetrics};
use dormsim::process::{self, Context, ManualCase};
use dormsim::rng::Streams;
use dormsim::scenario::Scenario;

const A: u8 = 0;
const B: u8 = 1;
const C: u8 = 2;
const STD: usize = 0;
const EXP: usize = 1;

fn world(calendar: &str, overrides: &[&str]) -> Scenario {
    let text = verification_toml(calendar, "2021-03-01", "2021-03-10", 10);
    let mut all = vec![
        "switching.bulk_transfers=[]",
        "suppliers.c.market_share=0",
        "suppliers.b.certificate_update_lag_wd=0",
        "suppliers.c.certificate_update_lag_wd=0",
    ];
    all.extend_from_slice(overrides);
    let s = load(&text, &all);
    let names: Vec<&str> = s.suppliers.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c"]);
    s
}

/// The world with `run.horizon_days = h`.
fn world_until(calendar: &str, overrides: &[&str], h: i32) -> Scenario {
    let horizon = format!("run.horizon_days={h}");
    let mut all = overrides.to_vec();
    all.push(&horizon);
    world(calendar, &all)
}

/// A dual-fuel installation with one supplier, `a`, not in the active programme.
fn site() -> Installation {
    assert_eq!(A, 0, "dual_fuel_site is supplied by supplier 0");
    dual_fuel_site(false)
}

/// Both fuels of installation `site` switch to `to`.
fn cos(site: u32, registration_day: i32, ssd_day: i32, to: u8) -> Cos {
    Cos { registration_day, ssd_day, site, fuels: ELEC | GAS, to, bulk: false }
}

fn simulate(s: &Scenario, fleet: &[Installation], switches: &[Cos], option: usize) -> OptionMetrics {
    let history = CosHistory::from_events(switches.to_vec(), fleet.len());
    let calendar = calendar_for(s);
    let order = process::active_order(fleet);
    let ctx = Context {
        scenario: s,
        calendar: &calendar,
        fleet,
        history: &history,
        streams: Streams::new(1, 0),
        active_order: &order,
    };
    process::simulate(&ctx, option).metrics
}

fn one(s: &Scenario, inst: Installation, switches: &[Cos], option: usize) -> OptionMetrics {
    simulate(s, &[inst], switches, option)
}

/// (value, count) of every value observed.
fn values(h: &Histogram) -> Vec<(u32, u64)> {
    h.counts().iter().enumerate().filter(|(_, c)| **c > 0).map(|(v, c)| (v as u32, *c)).collect()
}

fn count(m: &OptionMetrics, case: ManualCase) -> u64 {
    m.manual_cases[case as usize]
}

/// The day something first shows: one less than the shortest horizon (up to 120) for which `shows` holds.
fn day_when(calendar: &str, overrides: &[&str], shows: impl Fn(&Scenario) -> bool) -> Option<i32> {
    (1..=120).find(|&h| shows(&world_until(calendar, overrides, h))).map(|h| h - 1)
}

/// Day the first case of type `case` is dated, for one installation under `option`.
fn case_day(overrides: &[&str], inst: Installation, switches: &[Cos], option: usize, case: ManualCase) -> Option<i32> {
    day_when("none", overrides, |s| count(&one(s, inst, switches, option), case) > 0)
}

const FIRST: Cos = Cos { registration_day: 2, ssd_day: 9, site: 0, fuels: ELEC | GAS, to: B, bulk: false };

#[test]
fn r8_a_second_switch_inside_the_expedited_2_wd_window_halts_migration_unless_the_null_certificate_is_held() {
    // Expedited: dormant from SSD day 9, notice day 9 → migration day 17; firmware done day 14. The check on day 16
    // at 20:00 looks for switches registered by day 16 with SSD in [17, add_wd(17, 2)] = [17, 19].
    let s = world("none", &[]);
    // Inside: registered day 12, SSD day 19 (to `c`, also unable to operate `s1`): halt, one CosCheckException dated
    // day 16. At SSD 19 the site is re-planned: notice 19, migration 27 (check on 26 sees [27, 29]: clear).
    // Dormancy 27 − 9 = 18 WD.
    let inside = [FIRST, cos(0, 12, 19, C)];
    let m = one(&s, site(), &inside, EXP);
    assert_eq!(values(&m.dormancy_wd), [(18, 1)]);
    assert_eq!((count(&m, CosCheckException), m.manual_total()), (1, 1));
    assert_eq!(case_day(&[], site(), &inside, EXP, CosCheckException), Some(16));
    // One day outside: SSD day 20 > 19. Migration on day 17 (8 WD); the switch on day 20 finds it migrated.
    let m = one(&s, site(), &[FIRST, cos(0, 12, 20, C)], EXP);
    assert_eq!(values(&m.dormancy_wd), [(8, 1)]);
    assert_eq!(m.manual_total(), 0);
    // The same in-window switch on a device holding the Null supplier certificate: no check, migrated day 17.
    let m = one(&s, Installation { null_certificate: true, ..site() }, &inside, EXP);
    assert_eq!(values(&m.dormancy_wd), [(8, 1)]);
    assert_eq!(m.manual_total(), 0);
}

#[test]
fn r8_the_standard_window_runs_seven_calendar_days_from_the_migration_day() {
    // Standard: notice day 9, migration day 24, check day 23 for SSDs in [24, 24 + 7] = [24, 31].
    // SSD 31 (registered 20): halt; re-planned at 31, migration 31 + 15 = 46 → dormancy 46 − 9 = 37 WD.
    let s = world("none", &[]);
    let m = one(&s, site(), &[FIRST, cos(0, 20, 31, C)], STD);
    assert_eq!(values(&m.dormancy_wd), [(37, 1)]);
    assert_eq!((count(&m, CosCheckException), m.manual_total()), (1, 1));
    // SSD 32: outside, migrated day 24 → 15 WD, no case.
    let m = one(&s, site(), &[FIRST, cos(0, 20, 32, C)], STD);
    assert_eq!(values(&m.dormancy_wd), [(15, 1)]);
    assert_eq!(m.manual_total(), 0);
}

#[test]
fn r9_a_switch_between_authorisation_and_common_file_is_an_exception_and_later_ones_a_notification() {
    // Expedited with authorisation_wd = 6, common_file_wd = 3: migration day 17, Migration Authorisation day 11,
    // Migration Common File day 14. A switch to `c` (cannot operate `s1`) with SSD in [11, 14) raises one
    // CommonFileException dated on its SSD; after notice (day 9) but outside that span it is an in-flight
    // notification (R19). None of these SSDs is in the check window [17, 19]: migration stays on day 17 (8 WD).
    let o = ["options.expedited.authorisation_wd=6", "options.expedited.common_file_wd=3"];
    let s = world("none", &o);
    for (ssd, expected) in [
        (10, InFlightCosNotification),
        (11, CommonFileException),
        (13, CommonFileException),
        (14, InFlightCosNotification),
        (16, InFlightCosNotification),
    ] {
        let switches = [FIRST, cos(0, ssd - 3, ssd, C)];
        let m = one(&s, site(), &switches, EXP);
        assert_eq!(values(&m.dormancy_wd), [(8, 1)], "SSD {ssd}");
        assert_eq!((count(&m, expected), m.manual_total()), (1, 1), "SSD {ssd}");
        assert_eq!(case_day(&o, site(), &switches, EXP, expected), Some(ssd));
    }
}

/// Supplier `c` operates the SMSO too (a switch to it does not make the site dormant).
const C_OPERATES: &str = "suppliers.c.operates=[\"s1\"]";

#[test]
fn r10_a_removal_request_takes_a_site_out_of_its_active_migration_but_not_a_dormant_one() {
    // The site is in the active programme on day 12. On day 9 it switches to `c`, which operates the SMSO (no
    // dormancy) and asks for removal of every site it gains, on the SSD (window 0): one RemovalRequest dated 9, and
    // the active migration on day 12 does not happen.
    let o = [C_OPERATES, "suppliers.c.removal_probability=1", "dcc.removal_window_days=0"];
    let inst = Installation { active_day: 12, ..site() };
    let to_c = [cos(0, 2, 9, C)];
    let m = one(&world("none", &o), inst, &to_c, EXP);
    assert_eq!((count(&m, RemovalRequest), m.manual_total(), m.active_migrated), (1, 1, 0));
    assert_eq!(case_day(&o, inst, &to_c, EXP, RemovalRequest), Some(9));
    // Without the request it is migrated on day 12.
    let m = one(&world("none", &[C_OPERATES]), inst, &to_c, EXP);
    assert_eq!((m.active_migrated, m.manual_total()), (1, 0));
    // A request that comes after the active migration (switch on day 13, after day 12) finds nothing to remove.
    let m = one(&world("none", &o), inst, &[cos(0, 6, 13, C)], EXP);
    assert_eq!((count(&m, RemovalRequest), m.active_migrated), (0, 1));
    // A dormancy-causing switch (to `b`, which would ask for every removal) is not an active migration: "Clause 4.23
    // of the TMAD is not applicable to dormant devices" — no request, the dormant route migrates it in 8 WD.
    let m =
        one(&world("none", &["suppliers.b.removal_probability=1", "dcc.removal_window_days=0"]), inst, &[FIRST], EXP);
    assert_eq!((count(&m, RemovalRequest), values(&m.dormancy_wd)), (0, vec![(8, 1)]));
}

#[test]
fn r11_a_prepayment_site_left_in_prepayment_mode_is_chased_by_the_gaining_supplier_with_the_losing_one() {
    // `a` (losing) never switches prepayment meters to credit mode: on the SSD (day 9) one CreditModeChase for the
    // gaining supplier and one CreditModeCorrection for the losing one.
    let o = ["suppliers.a.credit_mode_failure_probability=1"];
    let prepay = Installation { prepayment: true, ..site() };
    let m = one(&world("none", &o), prepay, &[FIRST], EXP);
    assert_eq!((count(&m, CreditModeChase), count(&m, CreditModeCorrection), m.manual_total()), (1, 1, 2));
    assert_eq!(case_day(&o, prepay, &[FIRST], EXP, CreditModeChase), Some(9));
    // A credit-mode site: neither.
    let m = one(&world("none", &o), site(), &[FIRST], EXP);
    assert_eq!(m.manual_total(), 0);
}

#[test]
fn r11_a_migration_before_the_losing_supplier_switched_the_mode_leaves_the_meter_in_prepayment_mode() {
    // `a` switches the mode reliably but 10 WD after the SSD: by day 9 + 10 = 19. Expedited migrates on day 17,
    // before it: the chase is dated 17. Standard migrates on day 24, after it: no case.
    let o = ["prepayment.mode_switch_lag_wd=10"];
    let prepay = Installation { prepayment: true, ..site() };
    let m = one(&world("none", &o), prepay, &[FIRST], EXP);
    assert_eq!((count(&m, CreditModeChase), count(&m, CreditModeCorrection)), (1, 1));
    assert_eq!(case_day(&o, prepay, &[FIRST], EXP, CreditModeChase), Some(17));
    assert_eq!(one(&world("none", &o), prepay, &[FIRST], STD).manual_total(), 0);
    // A lag of 8 WD (done on day 17 itself, before the 10:00 batch) is in time for the expedited migration too.
    let m = one(&world("none", &["prepayment.mode_switch_lag_wd=8"]), prepay, &[FIRST], EXP);
    assert_eq!(m.manual_total(), 0);
}

#[test]
fn r11_failures_persistent_across_customers_of_one_losing_supplier_in_a_month_go_to_secas_once() {
    // Scale 1 (10 installations representing 10). Threshold 3 a month: three prepayment sites left in prepayment
    // mode by `a` in March 2021 → one SecasEscalation (at the third failure); two sites → none.
    let o = [
        "fleet.represents=10",
        "suppliers.a.credit_mode_failure_probability=1",
        "prepayment.secas_threshold_per_month=3",
    ];
    let s = world("none", &o);
    let fleet = vec![Installation { prepayment: true, ..site() }; 4];
    let secas = |n: u32| {
        let switches: Vec<Cos> = (0..n).map(|i| cos(i, 2, 9 + i as i32, B)).collect();
        count(&simulate(&s, &fleet, &switches, EXP), SecasEscalation)
    };
    assert_eq!((secas(2), secas(3), secas(4)), (0, 1, 1));
}

#[test]
fn r11_on_a_split_supply_site_the_losing_supplier_is_the_one_of_the_fuel_that_switched() {
    // Split supply, both fuels with `a`. Electricity moves to `b` on day 9 (only one fuel dormant: no episode, R4);
    // gas moves from `a` to `b` on day 15: that switch makes the site dormant and its losing supplier is `a`, which
    // never switches prepayment meters to credit mode → one CreditModeChase dated 15. (`b` switches them reliably.)
    let o = ["suppliers.a.credit_mode_failure_probability=1"];
    let inst = Installation { prepayment: true, split_supply: true, ..site() };
    let gas_b = Cos { registration_day: 8, ssd_day: 15, site: 0, fuels: GAS, to: B, bulk: false };
    let switches = [Cos { fuels: ELEC, ..FIRST }, gas_b];
    let m = one(&world("none", &o), inst, &switches, EXP);
    assert_eq!(values(&m.dormancy_wd), [(8, 1)]);
    assert_eq!(count(&m, CreditModeChase), 1);
    assert_eq!(case_day(&o, inst, &switches, EXP, CreditModeChase), Some(15));
}

#[test]
fn r12_an_unready_gaining_supplier_delays_restored_service_but_not_migration() {
    // `b` ready on 2021-03-31 = day 30. Expedited migration day 17: dormancy 17 − 9 = 8 WD unchanged; service
    // restored on day 30 (certificates updated at once): restored_wd = 30 − 9 = 21.
    let late = world("none", &["suppliers.b.dcc_ready_date=2021-03-31"]);
    let m = one(&late, site(), &[FIRST], EXP);
    assert_eq!((values(&m.dormancy_wd), values(&m.restored_wd)), (vec![(8, 1)], vec![(21, 1)]));
    // Ready throughout: both clocks 8.
    let m = one(&world("none", &[]), site(), &[FIRST], EXP);
    assert_eq!((values(&m.dormancy_wd), values(&m.restored_wd)), (vec![(8, 1)], vec![(8, 1)]));
    // The migrated, waiting site switches to `c` (ready throughout) on day 22 (registered 15, outside the check
    // window [17, 19]): service restored at that SSD, 22 − 9 = 13, once (not again at `b`'s readiness on day 30).
    let m = one(&late, site(), &[FIRST, cos(0, 15, 22, C)], EXP);
    assert_eq!((values(&m.dormancy_wd), values(&m.restored_wd)), (vec![(8, 1)], vec![(13, 1)]));
    assert_eq!((m.restored, m.new_episodes, m.service_lost), (1, 1, 0));
    // `b` ready only after the horizon: migrated, never restored, pending at the end.
    let never = world("none", &["suppliers.b.dcc_ready_date=2022-01-01"]);
    let m = one(&never, site(), &[FIRST], EXP);
    assert_eq!((m.migrated_new, m.restored, m.service_pending_at_end), (1, 0, 1));
}

#[test]
fn r12_a_migrated_site_that_switches_to_a_supplier_not_yet_ready_loses_service_again() {
    // Restored on day 17 with `b`; on day 40 it switches to `c`, ready only on 2021-05-01 = day 61: service lost
    // (one loss), back on day 61. The second clock is the first restoration's (8 WD), counted once.
    let s = world("none", &["suppliers.c.dcc_ready_date=2021-05-01"]);
    let m = one(&s, site(), &[FIRST, cos(0, 30, 40, C)], EXP);
    assert_eq!((m.service_lost, m.restored, values(&m.restored_wd)), (1, 1, vec![(8, 1)]));
    assert_eq!(m.service_pending_at_end, 0);
    // Horizon 61: still pending at the end (restoration is on day 61 at 12:00).
    let s = world_until("none", &["suppliers.c.dcc_ready_date=2021-05-01"], 61);
    assert_eq!(one(&s, site(), &[FIRST, cos(0, 30, 40, C)], EXP).service_pending_at_end, 1);
}

#[test]
fn r12_an_installation_migrated_by_the_active_programme_has_no_second_clock_when_it_switches_later() {
    // Active migration on day 7; on day 9 it switches to `b`, ready only on day 30. It was never dormant: no
    // restored-service record and no service loss (regression: such switches were counted as restorations).
    let s = world("none", &["suppliers.b.dcc_ready_date=2021-03-31"]);
    let m = one(&s, Installation { active_day: 7, ..site() }, &[FIRST], EXP);
    assert_eq!((m.active_migrated, m.restored, m.service_lost, m.restored_wd.count()), (1, 0, 0, 0));
}

#[test]
fn r13_restored_service_waits_for_the_certificate_update() {
    // `b` updates the certificates 3 WD after it can operate the device: migration day 17, service back on day 20:
    // restored_wd = 20 − 9 = 11, while dormancy stays 8.
    let m = one(&world("none", &["suppliers.b.certificate_update_lag_wd=3"]), site(), &[FIRST], EXP);
    assert_eq!((values(&m.dormancy_wd), values(&m.restored_wd)), (vec![(8, 1)], vec![(11, 1)]));
}

#[test]
fn r13_a_device_listed_in_the_weekly_file_before_its_certificates_are_updated_gives_one_chase() {
    // Expedited migration on day 17, a Thursday (day 0 is a Monday). `b` updates 10 WD later, on day 27.
    // File on Fridays: first file after migration day 18 < 27 → one chase dated 18 (the file on day 25 also lists
    // the device: a reminder, not a new case).
    let cases = |o: &[&str]| {
        let m = one(&world("none", o), site(), &[FIRST], EXP);
        (count(&m, CertificateChase), m.manual_total(), case_day(o, site(), &[FIRST], EXP, CertificateChase))
    };
    let friday = "dcc.certificate_file_weekday=friday";
    assert_eq!(cases(&["suppliers.b.certificate_update_lag_wd=10", friday]), (1, 1, Some(18)));
    // File on Thursdays, the migration's own weekday: the first file is a week later, day 24 < 27 → dated 24.
    assert_eq!(
        cases(&["suppliers.b.certificate_update_lag_wd=10", "dcc.certificate_file_weekday=thursday"]),
        (1, 1, Some(24))
    );
    // Lag 0: updated on day 17, before the file on day 18 → no chase.
    assert_eq!(cases(&[friday]), (0, 0, None));
    // Lag 0 but `b` ready only on 2021-03-21 = day 20: updated on day 20, after the file on day 18 → chase on 18.
    assert_eq!(cases(&[friday, "suppliers.b.dcc_ready_date=2021-03-21"]), (1, 1, Some(18)));
    // A 5 WD grace: listable from day 17 + 5 WD = 22 (calendar none), first Friday file day 25 < 27 → dated 25;
    // with an update lag of 7 WD (day 24) the device is updated before that file → no chase.
    let grace = "dcc.certificate_grace_wd=5";
    assert_eq!(cases(&["suppliers.b.certificate_update_lag_wd=10", friday, grace]), (1, 1, Some(25)));
    assert_eq!(cases(&["suppliers.b.certificate_update_lag_wd=7", friday, grace]), (0, 0, None));
}

#[test]
fn r15_a_switch_before_the_service_flag_reaches_the_gaining_supplier_leaves_it_not_knowing_the_site_is_enrolled() {
    // Service flag lag 5 WD: migration day 17 → flag with the supplier from day 22. A switch to `c` with SSD day 20
    // (registered on day 18, after the 2 WD check on day 16 covered [17, 19]) → one ServiceFlagMissed dated 20; with
    // SSD day 22 → none.
    let o = ["dcc.service_flag_lag_wd=5"];
    let m = one(&world("none", &o), site(), &[FIRST, cos(0, 18, 20, C)], EXP);
    assert_eq!((count(&m, ServiceFlagMissed), m.manual_total()), (1, 1));
    assert_eq!(case_day(&o, site(), &[FIRST, cos(0, 18, 20, C)], EXP, ServiceFlagMissed), Some(20));
    let m = one(&world("none", &o), site(), &[FIRST, cos(0, 18, 22, C)], EXP);
    assert_eq!(m.manual_total(), 0);
}

#[test]
fn active_programme_migrates_on_the_first_working_day_from_its_day_and_the_site_cannot_go_dormant() {
    // England & Wales calendar. active_day 5 = Saturday 6 March 2021 → released Monday 8 March = day 7 at 09:00,
    // migrated in the 10:00 batch. A switch to `b` on Wednesday 10 March (day 9) then starts no episode.
    let cal = "england-wales";
    let inst = Installation { active_day: 5, ..site() };
    let switches = [FIRST];
    let day = day_when(cal, &[], |s| one(s, inst, &switches, EXP).active_migrated > 0);
    assert_eq!(day, Some(7));
    let m = one(&world(cal, &[]), inst, &switches, EXP);
    assert_eq!((m.active_migrated, m.weekly.active_migrations[1]), (1, 1));
    assert_eq!((m.new_episodes, m.dormant_sites, m.migrated), (0, 0, 0));
    // Dormant before its programme day (switch on Sunday 7 March = day 6): the active queue skips it; it takes the
    // dormant route: notice Monday 8 March, migration 8 WD later on Thursday 18 March (day 17); dormancy = working
    // days in [7 Mar, 18 Mar) = 8.
    let m = one(&world(cal, &[]), inst, &[Cos { ssd_day: 6, ..FIRST }], EXP);
    assert_eq!((m.active_migrated, m.migrated_new), (0, 1));
    assert_eq!(values(&m.dormancy_wd), [(8, 1)]);
}

#[test]
fn dcc_books_dormant_notices_against_capacity_the_active_programme_does_not_need() {
    // Capacity 10 per day, dormant_share 0.4: dormant guaranteed 4, the active programme up to 6 as far as its demand
    // needs. Sites 0..20 go dormant on day 12 (expedited: ready for a notice that day); sites 20..40 are released to
    // the active programme on day 20 (demand 20 ≥ 6, so dormant may book 10 − 6 = 4 on day 20 and 10 on later days).
    //   day 12 plans day 20: 4 notices │ day 13 plans day 21: 10 │ day 14 plans day 22: 6.
    // Dormancy = migration day − 12: 8 ×4, 9 ×10, 10 ×6; every notified date kept (nothing fails).
    // Active migrations take what dormant bookings leave: day 20: 6, day 21: 0, day 22: 4, day 23: 10.
    let o = ["dcc.daily_capacity=10", "dcc.dormant_share=0.4"];
    let dormant: Vec<Cos> = (0..20).map(|i| cos(i, 5, 12, B)).collect();
    let mut fleet = vec![site(); 20];
    fleet.extend(vec![Installation { active_day: 20, ..site() }; 20]);
    for (h, expected) in [(21, (4, 6)), (22, (14, 6)), (23, (20, 10)), (24, (20, 20))] {
        let m = simulate(&world_until("none", &o, h), &fleet, &dormant, EXP);
        assert_eq!((m.migrated, m.active_migrated), expected, "horizon {h}");
    }
    let m = simulate(&world("none", &o), &fleet, &dormant, EXP);
    assert_eq!(values(&m.dormancy_wd), [(8, 4), (9, 10), (10, 6)]);
    assert_eq!((m.notified.migrations, m.notified.kept), (20, 20));
    // The 16 that could not have day 20 waited for capacity before their notice: 10 × 1 WD + 6 × 2 WD = 22 WD.
    let pop = &m.populations[dormsim::metrics::Population::FastTrackEligible as usize];
    assert_eq!((pop.episodes, pop.dormant_wd), (20, 4 * 8 + 10 * 9 + 6 * 10));
    assert_eq!(pop.stage_wd[dormsim::metrics::Stage::Capacity as usize], 22);
    assert_eq!(pop.stage_wd[dormsim::metrics::Stage::Notice as usize], 20 * 8);
    // No active demand: dormant may book all 10 a day: 10 on day 20, 10 on day 21.
    let m = simulate(&world("none", &o), &fleet[..20], &dormant, EXP);
    assert_eq!(values(&m.dormancy_wd), [(8, 10), (9, 10)]);
    // No dormant demand: the active programme gets all 10 on day 20.
    let m = simulate(&world_until("none", &o, 21), &fleet[20..], &[], EXP);
    assert_eq!(m.active_migrated, 10);
}

#[test]
fn manual_fte_is_cases_times_minutes_over_hours_per_week_scaled_to_the_represented_fleet() {
    // Verification world, 10 installations representing 1000 (scale 100), horizon 119 days = 17 whole weeks. The
    // SoLR transfer a → b on day 9 (week 1) makes all 10 dormant; all are prepayment and `a` never switches them to
    // credit mode: 10 CreditModeChase (gaining supplier, 60 min) and 10 CreditModeCorrection (losing supplier, 30 min).
    // Nothing else (no switching, lag 0 so no certificate chase). Week 1, per option:
    //   gaining 10 × 60 / 60 / 40 × 100 = 25 FTE, losing 10 × 30 / 60 / 40 × 100 = 12.5 FTE, total 37.5 FTE;
    //   mean over the 17 weeks: 25/17, 12.5/17, 37.5/17; peak week 1. Same in both replications and options.
    let s = load(
        &verification_toml("none", "2021-03-01", "2021-03-10", 10),
        &[
            "run.horizon_days=119",
            "fleet.represents=1000",
            "fleet.prepayment_share=1",
            "suppliers.a.credit_mode_failure_probability=1",
            "suppliers.b.certificate_update_lag_wd=0",
            "manual.hours_per_fte_week=40",
            "manual.cases.credit_mode_chase={ party = \"gaining_supplier\", minutes = 60 }",
            "manual.cases.credit_mode_correction={ party = \"losing_supplier\", minutes = 30 }",
        ],
    );
    let summary = run_summary(&s, 2);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
    for (name, o) in &summary.options {
        assert_eq!(
            (o.manual_cases["credit_mode_chase"], o.manual_cases["credit_mode_correction"]),
            (10.0, 10.0),
            "{name}"
        );
        assert_eq!(o.manual_cases["total"], 20.0, "{name}");
        for (party, peak) in [("gaining_supplier", 25.0), ("losing_supplier", 12.5), ("total", 37.5)] {
            let f = &o.manual_fte[party];
            assert!(close(f.peak_weekly, peak), "{name} {party} peak {}", f.peak_weekly);
            assert!(close(f.mean_weekly, peak / 17.0), "{name} {party} mean {}", f.mean_weekly);
            assert_eq!(f.peak_week, 1, "{name} {party}");
        }
    }
    assert!(close(summary.comparisons[0].extra_manual_fte, 0.0));
}

#[test]
fn with_every_mechanism_on_installations_are_conserved_and_results_do_not_depend_on_threads() {
    let s = baseline(&["fleet.installations=20000", "run.replications=2"]);
    let one_thread = run(&s, 1);
    let two_threads = run(&s, 2);
    let mut fired = [0u64; ManualCase::COUNT];
    let (mut active, mut restored) = (0, 0);
    for r in &two_threads {
        for m in &r.options {
            // Every episode (backlog at day 0 or begun in the run) ends by migration or reactivation, or is open.
            assert_eq!(m.backlog_sites + m.new_episodes, m.migrated + m.reactivated + m.still_dormant_at_end);
            // Little's law identity: the stock integral equals the sum of the episodes' days in the horizon.
            assert_eq!(m.stock_site_days, m.episode_site_days);
            // Notices are only issued against booked capacity: no notified date is missed for capacity.
            let n = &m.notified;
            assert_eq!(n.missed[dormsim::metrics::Stage::Capacity as usize], 0);
            assert_eq!(n.kept + n.missed.iter().sum::<u64>(), n.migrations);
            // Every tracked episode's stages add up to its dormancy.
            for p in &m.populations {
                assert_eq!(p.stage_wd.iter().sum::<u64>(), p.dormant_wd);
                assert_eq!(p.migrated + p.reactivated + p.censored, p.episodes);
            }
            for (f, c) in fired.iter_mut().zip(m.manual_cases) {
                *f += c;
            }
            active += m.active_migrated;
            restored += m.restored;
        }
    }
    // The mechanisms really ran: every exception that is not an exclusion occurred, and both programmes migrated.
    for case in [
        CosCheckException,
        CommonFileException,
        InFlightCosNotification,
        RemovalRequest,
        CreditModeChase,
        CreditModeCorrection,
        SecasEscalation,
        CertificateChase,
        FirmwareFailure,
        FirmwareReplan,
        FastTrackFile,
        ServiceFlagMissed,
    ] {
        assert!(fired[case as usize] > 0, "no {} case", case.name());
    }
    assert!(active > 0 && restored > 0);
    let json = |reps| serde_json::to_string(&summarise(&s, reps)).unwrap();
    assert_eq!(json(&one_thread), json(&two_threads));
}
