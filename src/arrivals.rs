//! The Change-of-Supplier history of one replication: every registration with its Supply Start Date (SSD),
//! installation, fuels and gaining supplier, plus Supplier of Last Resort (SoLR) bulk transfers.
//!
//! The history depends only on the fleet and the replication's `Switching` stream, never on the option being
//! simulated, so every option replays exactly the same switches (common random numbers by construction).
//!
//! Model: each *supply group* (an installation's electricity-and-gas supply, or each fuel separately for a split
//! supply site) registers switches as a Poisson process with rate `annual_rate` per year, modulated by the monthly
//! `seasonality`; the SSD follows after `registration_to_ssd_days`. A group with a registered but not yet effective
//! switch does not register another one. The gaining supplier is drawn by market share among the other suppliers.
//! A bulk transfer moves (a share of) the failing supplier's groups to the gaining supplier with SSD on its date.

use crate::fleet::{ELEC, GAS, Installation};
use crate::rng::{Purpose, Streams};
use crate::scenario::Scenario;
use chrono::{Datelike, Days};
use rand::RngExt;
use rand::distr::Distribution;
use rand::distr::weighted::WeightedIndex;
use rand_distr::Poisson;

/// Registrations are generated from this many days before the start so switches are already in flight on day 0.
pub const LEAD_IN_DAYS: i32 = 60;
/// Average days per year, for converting annual rates to daily ones.
const DAYS_PER_YEAR: f64 = 365.25;

/// One switch of one supply group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cos {
    pub registration_day: i32,
    pub ssd_day: i32,
    pub site: u32,
    /// Fuel bits that switch (ELEC, GAS or both).
    pub fuels: u8,
    pub to: u8,
    /// Part of a Supplier of Last Resort transfer.
    pub bulk: bool,
}

/// Registration and SSD day of one switch, as the R8 check reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwitchDays {
    pub registration_day: i32,
    pub ssd_day: i32,
}

/// The replication's switches sorted by SSD (ties in registration order), with a per-installation index.
#[derive(Debug, Clone, Default)]
pub struct CosHistory {
    pub events: Vec<Cos>,
    /// `site_days[site_start[i]..site_start[i + 1]]`: the days of installation i's switches in SSD order. Stored
    /// by installation (not as indices into `events`) so the R8 check reads one contiguous run of memory.
    site_start: Vec<u32>,
    site_days: Vec<SwitchDays>,
}

impl CosHistory {
    /// A history from explicit switches (for verification and tests): sorted by SSD and indexed by installation.
    pub fn from_events(events: Vec<Cos>, sites: usize) -> Self {
        let mut history = CosHistory { events: sort_by_ssd(events), ..Default::default() };
        history.index_by_site(sites);
        history
    }

    /// Registration and SSD days of one installation's switches, in SSD order.
    pub fn of_site(&self, site: u32) -> &[SwitchDays] {
        let (a, b) = (self.site_start[site as usize] as usize, self.site_start[site as usize + 1] as usize);
        &self.site_days[a..b]
    }

    /// R8 check: is there a switch registered on or before `as_of_day` whose SSD is in `[from_day, to_day]`?
    pub fn registered_ssd_within(&self, site: u32, as_of_day: i32, from_day: i32, to_day: i32) -> bool {
        self.of_site(site)
            .iter()
            .any(|c| c.registration_day <= as_of_day && c.ssd_day >= from_day && c.ssd_day <= to_day)
    }

    fn index_by_site(&mut self, sites: usize) {
        let mut start = vec![0u32; sites + 1];
        for c in &self.events {
            start[c.site as usize + 1] += 1;
        }
        for i in 0..sites {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut site_days = vec![SwitchDays { registration_day: 0, ssd_day: 0 }; self.events.len()];
        for c in &self.events {
            site_days[fill[c.site as usize] as usize] =
                SwitchDays { registration_day: c.registration_day, ssd_day: c.ssd_day };
            fill[c.site as usize] += 1;
        }
        self.site_start = start;
        self.site_days = site_days;
    }
}

/// Switches in SSD order, ties in their given order: a stable counting sort over SSD days (the days span a few
/// years, the switches millions), the same order as a stable comparison sort in linear time.
fn sort_by_ssd(events: Vec<Cos>) -> Vec<Cos> {
    let (Some(first), Some(last)) = (events.iter().map(|c| c.ssd_day).min(), events.iter().map(|c| c.ssd_day).max())
    else {
        return events;
    };
    let span = (i64::from(last) - i64::from(first) + 1) as usize;
    if span > 4 * events.len() + 1024 {
        let mut events = events;
        events.sort_by_key(|c| c.ssd_day);
        return events;
    }
    let mut start = vec![0usize; span + 1];
    for c in &events {
        start[(c.ssd_day - first) as usize + 1] += 1;
    }
    for d in 0..span {
        start[d + 1] += start[d];
    }
    let mut sorted = events.clone();
    for c in events {
        let slot = &mut start[(c.ssd_day - first) as usize];
        sorted[*slot] = c;
        *slot += 1;
    }
    sorted
}

/// Mutable state of the generator: current supplier and pending flag per supply group.
struct Groups {
    /// Group g < n: installation g (its electricity, plus gas unless split). Group n + k: gas of the k-th split site.
    supplier: Vec<u8>,
    pending: Vec<bool>,
    site: Vec<u32>,
    fuels: Vec<u8>,
}

impl Groups {
    fn new(fleet: &[Installation]) -> Self {
        let mut g = Groups { supplier: Vec::new(), pending: Vec::new(), site: Vec::new(), fuels: Vec::new() };
        for (i, inst) in fleet.iter().enumerate() {
            let fuels = if inst.split_supply { ELEC } else { inst.fuels };
            g.push(i as u32, fuels, inst.elec_supplier);
        }
        for (i, inst) in fleet.iter().enumerate().filter(|(_, x)| x.split_supply) {
            g.push(i as u32, GAS, inst.gas_supplier);
        }
        g
    }

    fn push(&mut self, site: u32, fuels: u8, supplier: u8) {
        self.site.push(site);
        self.fuels.push(fuels);
        self.supplier.push(supplier);
        self.pending.push(false);
    }

    fn len(&self) -> usize {
        self.site.len()
    }

    /// The switch of group `g` to supplier `to`, registered on `registration_day`, effective on `ssd_day`.
    fn switch(&self, g: usize, registration_day: i32, ssd_day: i32, to: u8, bulk: bool) -> Cos {
        Cos { registration_day, ssd_day, site: self.site[g], fuels: self.fuels[g], to, bulk }
    }
}

/// Generate the replication's switching history.
pub fn generate(s: &Scenario, fleet: &[Installation], streams: &Streams) -> CosHistory {
    let mut groups = Groups::new(fleet);
    let mut rng = streams.rng(Purpose::Switching, 0, 0);
    let share = WeightedIndex::new(s.suppliers.iter().map(|x| x.market_share)).expect("validated market shares");
    let horizon = s.run.horizon_days;
    // pending[day + LEAD_IN_DAYS] = groups whose switch takes effect that day (ssd within the generated span).
    let mut due: Vec<Vec<(u32, u8)>> = vec![Vec::new(); (horizon + LEAD_IN_DAYS) as usize];
    let mut events = Vec::new();
    for day in -LEAD_IN_DAYS..horizon {
        for (g, to) in std::mem::take(&mut due[(day + LEAD_IN_DAYS) as usize]) {
            // Switches effective before day 0 are already reflected in the fleet, which is a snapshot of day 0.
            if day >= 0 {
                groups.supplier[g as usize] = to;
            }
            groups.pending[g as usize] = false;
        }
        for (b, bulk) in s.switching.bulk_transfers.iter().enumerate().filter(|(_, b)| b.day == day) {
            bulk_transfer(&mut groups, &mut events, streams, b, day, bulk.from as u8, bulk.to as u8, bulk.share);
        }
        let rate = groups.len() as f64 * s.switching.annual_rate / DAYS_PER_YEAR * seasonal(s, day);
        let count = if rate > 0.0 { Poisson::new(rate).expect("finite rate").sample(&mut rng) as u64 } else { 0 };
        for _ in 0..count {
            let g = rng.random_range(0..groups.len());
            if groups.pending[g] || s.suppliers.len() < 2 {
                continue;
            }
            let to = gaining_supplier(&share, &mut rng, groups.supplier[g]);
            let delay = s.switching.registration_to_ssd_days.sample(&mut rng).round() as i32;
            let ssd = day + delay.max(0);
            if ssd >= 0 {
                events.push(groups.switch(g, day, ssd, to, false));
            }
            if ssd == day {
                // Effective today: today's due list has already been applied, so apply it now (queued, it would
                // never be applied and the group would stay pending: no second switch ever; issue 15's peer work).
                if day >= 0 {
                    groups.supplier[g] = to;
                }
            } else {
                groups.pending[g] = true;
                if ssd < horizon {
                    due[(ssd + LEAD_IN_DAYS) as usize].push((g as u32, to));
                }
            }
        }
    }
    CosHistory::from_events(events, fleet.len())
}

/// Seasonal multiplier for the month that `day` falls in.
fn seasonal(s: &Scenario, day: i32) -> f64 {
    let date = if day >= 0 {
        s.run.start_date.checked_add_days(Days::new(day as u64))
    } else {
        s.run.start_date.checked_sub_days(Days::new((-day) as u64))
    };
    date.map(|d| s.switching.seasonality[d.month0() as usize]).unwrap_or(1.0)
}

/// A supplier other than `from`, by market share (rejection sampling; the scenario has at least two suppliers).
fn gaining_supplier<R: rand::Rng>(share: &WeightedIndex<f64>, rng: &mut R, from: u8) -> u8 {
    for _ in 0..1000 {
        let to = share.sample(rng) as u8;
        if to != from {
            return to;
        }
    }
    from
}

#[allow(clippy::too_many_arguments)]
fn bulk_transfer(
    groups: &mut Groups,
    events: &mut Vec<Cos>,
    streams: &Streams,
    index: usize,
    day: i32,
    from: u8,
    to: u8,
    share: f64,
) {
    let mut rng = streams.rng(Purpose::Switching, index as u64 + 1, 0);
    for g in 0..groups.len() {
        if groups.supplier[g] != from || groups.pending[g] {
            continue;
        }
        if share < 1.0 && !rng.random_bool(share) {
            continue;
        }
        groups.supplier[g] = to;
        if day >= 0 {
            events.push(groups.switch(g, day, day, to, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet;

    fn history(overrides: &[&str]) -> (Scenario, Vec<Installation>, CosHistory) {
        let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        let s = Scenario::baseline(&o).unwrap();
        let streams = Streams::new(s.run.seed, 0);
        let f = fleet::generate(&s, &streams);
        let h = generate(&s, &f, &streams);
        (s, f, h)
    }

    #[test]
    fn the_yearly_switch_count_matches_the_annual_rate() {
        // 50 000 installations at 20%/year over 365 days, minus the small share blocked while a switch is pending
        // (a group is pending for ≈ 16 days of 365, so ≈ 0.9% of its registrations are suppressed):
        // expected ≈ 50 000 × 0.2 × 365/365.25 × 0.991 ≈ 9 900; Poisson SD ≈ 100.
        let (_, _, h) = history(&["fleet.installations=50000", "fleet.split_supply_share=0"]);
        let n = h.events.iter().filter(|c| (0..365).contains(&c.registration_day)).count() as f64;
        assert!((n - 9_900.0).abs() < 400.0, "{n}");
    }

    #[test]
    fn issue15_a_switch_effective_on_its_registration_day_leaves_the_installation_free_to_switch_again() {
        // With no registration-to-SSD delay a switch is effective the day it is registered. Before the fix it was
        // queued on a due list already applied that day, so its group stayed pending for ever and never switched
        // again. Now switches per group over the two-year horizon are ≈ Poisson(0.2 × 2 = 0.4), so
        // P(two or more) = 1 − e^−0.4 × 1.4 ≈ 6%: ≈ 1 200 of 20 000 (before the fix: 0). The bound leaves a wide margin.
        let (_, _, h) = history(&[
            "fleet.installations=20000",
            "fleet.split_supply_share=0",
            "switching.registration_to_ssd_days=0",
        ]);
        let twice = (0..20000).filter(|&s| h.of_site(s).len() >= 2).count();
        assert!(twice > 800, "{twice} installations switched more than once");
        for c in &h.events {
            assert_eq!(c.ssd_day, c.registration_day);
        }
    }

    #[test]
    fn every_switch_changes_supplier_and_follows_its_registration() {
        let (_, _, h) = history(&["fleet.installations=20000"]);
        for c in &h.events {
            assert!(c.ssd_day >= c.registration_day);
            assert!(c.ssd_day >= 0);
        }
        // The per-site index holds every event exactly once.
        let total: usize = (0..20000).map(|s| h.of_site(s).len()).sum();
        assert_eq!(total, h.events.len());
    }

    #[test]
    fn a_bulk_transfer_moves_every_customer_of_the_failing_supplier() {
        let (s, f, h) = history(&[
            "fleet.installations=5000",
            "fleet.split_supply_share=0",
            "switching.annual_rate=0",
            "switching.bulk_transfers=[{date = 2020-08-03, from = \"challengers\", to = \"legacy-a\"}]",
        ]);
        let from = s.suppliers.iter().position(|x| x.name == "challengers").unwrap() as u8;
        let expected = f.iter().filter(|i| i.elec_supplier == from).count();
        assert!(expected > 0);
        assert_eq!(h.events.len(), expected);
        assert!(h.events.iter().all(|c| c.bulk && c.ssd_day == 33 && c.registration_day == 33));
    }
}
