//! Rules of the consultation checked on hand-made switching histories, where every date is chosen by the test:
//! R4 (both fuels dormant), R8 (CoS check halts and re-plans), R19 (in-flight switch), R1 (SSD starts dormancy).
//!
//! World (calendar `none`, so days = working days): one SMSO `s1`; supplier `a` operates it, `b` and `c` do not.
//! Every installation starts with `a`. Standard: 15 WD notice on any day, 7-day check. Expedited: 8 WD, 2 WD check.
//! Firmware takes a fixed 5 WD, nothing fails, capacity is unlimited.

mod common;
use common::*;
use dormsim::arrivals::{Cos, CosHistory};
use dormsim::experiment::calendar_for;
use dormsim::fleet::{ELEC, GAS, Installation};
use dormsim::process::{self, Context, ManualCase};
use dormsim::rng::Streams;
use dormsim::scenario::Scenario;

fn world() -> Scenario {
    let text = verification_toml("none", "2021-03-01", "2021-03-10", 10)
        .replace("bulk_transfers = [{ date = 2021-03-10, from = \"a\", to = \"b\" }]", "")
        .replace("[suppliers.b]", "[suppliers.c]\nmarket_share = 0.0\noperates = []\n[suppliers.b]");
    load(&text, &[])
}

const A: u8 = 0;
const C: u8 = 1;
const B: u8 = 2;

fn site(split: bool) -> Installation {
    assert_eq!(A, 0, "dual_fuel_site is supplied by supplier 0");
    dual_fuel_site(split)
}

fn cos(registration_day: i32, ssd_day: i32, fuels: u8, to: u8) -> Cos {
    Cos { registration_day, ssd_day, site: 0, fuels, to, bulk: false }
}

/// Simulate one installation with the given switches under option `option`; return (dormancy WD values, manual
/// cases by type).
fn simulate(
    s: &Scenario,
    inst: Installation,
    switches: Vec<Cos>,
    option: usize,
) -> (Vec<u32>, [u64; ManualCase::COUNT]) {
    let fleet = vec![inst];
    let history = CosHistory::from_events(switches, 1);
    let calendar = calendar_for(s);
    let ctx = Context {
        scenario: s,
        calendar: &calendar,
        fleet: &fleet,
        history: &history,
        streams: Streams::new(1, 0),
        active_order: &process::ActiveOrder::default(),
    };
    let out = process::simulate(&ctx, option);
    let values =
        out.metrics.dormancy_wd.counts().iter().enumerate().filter(|(_, c)| **c > 0).map(|(v, _)| v as u32).collect();
    (values, out.metrics.manual_cases)
}

fn assert_names() {
    let s = world();
    assert_eq!(s.suppliers[A as usize].name, "a");
    assert_eq!(s.suppliers[C as usize].name, "c");
    assert_eq!(s.suppliers[B as usize].name, "b");
}

#[test]
fn a_switch_to_a_supplier_that_cannot_operate_the_smso_starts_dormancy_at_the_ssd() {
    assert_names();
    // R1: registered day 2, SSD day 9. Expedited: notice day 9, migration day 17 → 8 WD; standard: 15.
    let s = world();
    assert_eq!(simulate(&s, site(false), vec![cos(2, 9, ELEC | GAS, B)], 1).0, vec![8]);
    assert_eq!(simulate(&s, site(false), vec![cos(2, 9, ELEC | GAS, B)], 0).0, vec![15]);
}

#[test]
fn a_split_supply_site_is_migrated_only_once_both_fuels_are_dormant() {
    // R4 with split supply (R16): electricity moves to `b` on day 9 (only one fuel dormant: no dormant route),
    // gas moves to `b` on day 15: the site is dormant from 15, expedited migration on day 23 → 8 WD.
    let s = world();
    let switches = vec![cos(2, 9, ELEC, B), cos(8, 15, GAS, B)];
    assert_eq!(simulate(&s, site(true), switches, 1).0, vec![8]);
}

#[test]
fn a_switch_inside_the_check_window_halts_migration_and_replans_at_the_new_ssd() {
    // R8, standard: dormant from day 9, notice day 9, migration planned day 24, check on day 23 looks for SSDs in
    // [24, 24 + 7] = [24, 31]. A second switch (to `c`, also unable to operate the SMSO) registered on day 20 with
    // SSD day 26 is inside: halt, one exception case. At the new SSD (day 26) the site is re-planned: notice 26,
    // migration 41. Firmware stays configured. Dormancy 41 − 9 = 32 WD.
    let s = world();
    let switches = vec![cos(2, 9, ELEC | GAS, B), cos(20, 26, ELEC | GAS, C)];
    let (values, cases) = simulate(&s, site(false), switches.clone(), 0);
    assert_eq!(values, vec![32]);
    assert_eq!(cases[ManualCase::CosCheckException as usize], 1);
    // Expedited: migration day 17, check on day 16 sees only registrations up to day 16 (this one is registered on
    // day 20): no halt, migrated at 8 WD.
    let (values, cases) = simulate(&s, site(false), switches, 1);
    assert_eq!(values, vec![8]);
    assert_eq!(cases.iter().sum::<u64>(), 0);
}

#[test]
fn the_expedited_two_working_day_window_lets_a_switch_three_days_out_through() {
    // R8, expedited: migration day 17, check on day 16 for SSDs in [17, 19]. A switch registered on day 12 with SSD
    // day 20 is outside the 2 WD window: migration goes ahead on day 17 (8 WD). Under standard (window 7 days) the
    // same switch, SSD day 20, lands before its migration day 24, so it is not in [24, 31] either; it is an
    // in-flight switch instead: its SSD falls between the Migration Authorisation (24 − 5 = day 19) and the
    // Migration Common File (24 − 2 = day 22), so it is an R9 exception report; migration continues on day 24.
    let s = world();
    let switches = vec![cos(2, 9, ELEC | GAS, B), cos(12, 20, ELEC | GAS, C)];
    let (values, cases) = simulate(&s, site(false), switches.clone(), 1);
    assert_eq!(values, vec![8]);
    assert_eq!(cases.iter().sum::<u64>(), 0);
    let (values, cases) = simulate(&s, site(false), switches, 0);
    assert_eq!(values, vec![15]);
    assert_eq!(cases[ManualCase::CommonFileException as usize], 1);
    assert_eq!(cases[ManualCase::CosCheckException as usize], 0);
    // SSD day 23, after the common file and before migration: an R19 notification instead.
    let switches = vec![cos(2, 9, ELEC | GAS, B), cos(12, 23, ELEC | GAS, C)];
    let (values, cases) = simulate(&s, site(false), switches, 0);
    assert_eq!(values, vec![15]);
    assert_eq!(cases[ManualCase::InFlightCosNotification as usize], 1);
    assert_eq!(cases.iter().sum::<u64>(), 1);
}

#[test]
fn a_switch_back_to_an_operating_supplier_ends_dormancy_without_migration() {
    // Dormant from day 9; on day 12 the site switches to `a`, which operates the SMSO: the episode ends (reactivated),
    // nothing is migrated, so no dormancy-until-migration value is recorded.
    let s = world();
    let (values, _) = simulate(&s, site(false), vec![cos(2, 9, ELEC | GAS, B), cos(5, 12, ELEC | GAS, A)], 1);
    assert!(values.is_empty());
}
