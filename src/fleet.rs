//! The synthetic SMETS1 fleet of one replication: each installation's DMC (hence cohort and SMSO), fuels,
//! prepayment flag, suppliers, and for the initial backlog how long it has already been dormant.
//!
//! Installations are exchangeable (attributes are drawn independently from the same distributions), so the first
//! `backlog_sites` indices form the backlog. Each installation draws from its own stream (`Purpose::Fleet`), so the
//! fleet does not depend on thread count or generation order.

use crate::rng::{Purpose, Streams};
use crate::scenario::Scenario;
use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rayon::prelude::*;

/// Fuel bit for electricity.
pub const ELEC: u8 = 1;
/// Fuel bit for gas.
pub const GAS: u8 = 2;
/// Marker for "no gas supply" in `gas_supplier`.
pub const NO_SUPPLIER: u8 = u8::MAX;

/// One installation's fixed attributes and its state at the start of the run (8 bytes + backlog age).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installation {
    pub dmc: u16,
    pub smso: u8,
    /// Fuel bits present (ELEC, ELEC|GAS).
    pub fuels: u8,
    /// Electricity and gas have different suppliers that switch independently (R16).
    pub split_supply: bool,
    pub prepayment: bool,
    pub elec_supplier: u8,
    pub gas_supplier: u8,
    /// Days dormant before the run started (backlog only); 0 = active at the start.
    pub backlog_age_days: u32,
    /// Devices hold the Null supplier certificate: the R8 CoS check is skipped.
    pub null_certificate: bool,
    /// Day the cohort's active migration programme schedules this installation; `NOT_SCHEDULED` = never.
    pub active_day: i32,
}

/// `active_day` of an installation outside any active migration programme.
pub const NOT_SCHEDULED: i32 = i32::MAX;

impl Installation {
    pub fn is_backlog(&self) -> bool {
        self.backlog_age_days > 0
    }
}

/// Longest backlog age accepted (ten years); longer draws are capped.
pub const MAX_BACKLOG_AGE_DAYS: u32 = 3650;

struct Samplers {
    dmc: WeightedIndex<f64>,
    /// Per SMSO: supplier choice among those who can operate it (active sites).
    operators: Vec<Option<(Vec<u8>, WeightedIndex<f64>)>>,
    /// Per SMSO: supplier choice among those who cannot (dormant backlog sites).
    non_operators: Vec<Option<(Vec<u8>, WeightedIndex<f64>)>>,
}

fn supplier_choice(s: &Scenario, smso: usize, can: bool) -> Option<(Vec<u8>, WeightedIndex<f64>)> {
    let ids: Vec<u8> = (0..s.suppliers.len())
        .filter(|&i| s.suppliers[i].can_operate(smso) == can && s.suppliers[i].market_share > 0.0)
        .map(|i| i as u8)
        .collect();
    let weights: Vec<f64> = ids.iter().map(|&i| s.suppliers[i as usize].market_share).collect();
    WeightedIndex::new(&weights).ok().map(|w| (ids, w))
}

impl Samplers {
    fn new(s: &Scenario) -> Self {
        let dmc = WeightedIndex::new(s.dmcs.iter().map(|d| d.fleet_share)).expect("validated DMC shares");
        Self {
            dmc,
            operators: (0..s.smsos.len()).map(|m| supplier_choice(s, m, true)).collect(),
            non_operators: (0..s.smsos.len()).map(|m| supplier_choice(s, m, false)).collect(),
        }
    }
}

/// Generate installation `index` of replication `streams`.
fn installation(s: &Scenario, samplers: &Samplers, streams: &Streams, index: u32) -> Installation {
    let mut rng = streams.rng(Purpose::Fleet, u64::from(index), 0);
    let dmc = samplers.dmc.sample(&mut rng);
    let smso = s.dmcs[dmc].smso;
    let dual = rng.random_bool(s.fleet.dual_fuel_share);
    let split = dual && rng.random_bool(s.fleet.split_supply_share);
    let prepayment = rng.random_bool(s.fleet.prepayment_share);
    let backlog = index < s.fleet.backlog_sites && samplers.non_operators[smso].is_some();
    let table = if backlog { &samplers.non_operators[smso] } else { &samplers.operators[smso] };
    let (ids, w) = table.as_ref().expect("validated: every SMSO has an operating supplier");
    let elec_supplier = ids[w.sample(&mut rng)];
    let gas_supplier = match (dual, split) {
        (false, _) => NO_SUPPLIER,
        (true, false) => elec_supplier,
        (true, true) => ids[w.sample(&mut rng)],
    };
    let backlog_age_days = if backlog {
        let mut age_rng = streams.rng(Purpose::Backlog, u64::from(index), 0);
        (s.fleet.backlog_age_days.sample(&mut age_rng).round() as u32).clamp(1, MAX_BACKLOG_AGE_DAYS)
    } else {
        0
    };
    let null_certificate = rng.random_bool(s.fleet.null_certificate_share);
    Installation {
        null_certificate,
        active_day: active_day(s, streams, index, dmc),
        dmc: dmc as u16,
        smso: smso as u8,
        fuels: if dual { ELEC | GAS } else { ELEC },
        split_supply: split,
        prepayment,
        elec_supplier,
        gas_supplier,
        backlog_age_days,
    }
}

/// The installation's day in its cohort's active migration programme: with probability `share`, uniform over the
/// programme's days (its own stream, so adding a programme changes no other draw).
fn active_day(s: &Scenario, streams: &Streams, index: u32, dmc: usize) -> i32 {
    let Some(p) = &s.fleet.cohorts[s.dmcs[dmc].cohort].active_migration else { return NOT_SCHEDULED };
    let mut rng = streams.rng(Purpose::ActiveSchedule, u64::from(index), 0);
    if !rng.random_bool(p.share) {
        return NOT_SCHEDULED;
    }
    rng.random_range(p.start_day..=p.end_day)
}

/// Generate the whole fleet for one replication, in parallel on the current rayon pool: each installation has its
/// own streams and the collected order is the index order, so the fleet is the same on any number of threads.
pub fn generate(s: &Scenario, streams: &Streams) -> Vec<Installation> {
    let samplers = Samplers::new(s);
    (0..s.fleet.installations).into_par_iter().map(|i| installation(s, &samplers, streams, i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backlog_sites_start_with_a_supplier_that_cannot_operate_their_smso() {
        let s = Scenario::baseline(&["fleet.installations=20000".into()]).unwrap();
        let fleet = generate(&s, &Streams::new(1, 0));
        let backlog = fleet.iter().filter(|i| i.is_backlog()).count();
        assert_eq!(backlog as u32, s.fleet.backlog_sites);
        for i in &fleet {
            let can = s.suppliers[i.elec_supplier as usize].can_operate(i.smso as usize);
            assert_eq!(can, !i.is_backlog());
        }
    }

    #[test]
    fn dmc_shares_match_the_scenario() {
        // 200 000 draws: the standard error of a share near 0.2 is 0.0009; 0.005 is > 5 SE.
        let s = Scenario::baseline(&["fleet.installations=200000".into(), "fleet.backlog.count=0".into()]).unwrap();
        let fleet = generate(&s, &Streams::new(2, 0));
        for (d, dmc) in s.dmcs.iter().enumerate() {
            let share = fleet.iter().filter(|i| i.dmc as usize == d).count() as f64 / fleet.len() as f64;
            assert!((share - dmc.fleet_share).abs() < 0.005, "{}: {share} vs {}", dmc.name, dmc.fleet_share);
        }
    }
}
