//! Switches and dormancy episodes: R1 (SSD starts dormancy), R2 (EPCL wait), R4 (all fuels dormant), R9 and R19
//! (switches during a migration), R10 (removal requests), R11 (prepayment credit mode), R16 (split supply).

use super::{Event, ManualCase, NOTICE_MINUTE, Phase, REMOVAL_MINUTE, Sim};
use crate::arrivals::Cos;
use crate::engine::at;
use crate::fleet::{ELEC, GAS};
use crate::rng::Purpose;
use rand::RngExt;

impl Sim<'_> {
    /// Fuel bits whose current supplier cannot operate the installation's SMSO.
    pub(super) fn dormant_fuels(&self, site: u32) -> u8 {
        let inst = self.installation(site);
        let st = &self.sites[site as usize];
        let cannot = |sup: u8| !self.s.suppliers[sup as usize].can_operate(inst.smso as usize);
        let mut bits = 0;
        if cannot(st.elec_supplier) {
            bits |= ELEC;
        }
        if inst.fuels & GAS != 0 && cannot(st.gas_supplier) {
            bits |= GAS;
        }
        bits
    }

    /// Move the dormant-stock integral forward to `day` and add or remove one installation.
    fn stock_change(&mut self, day: i32, up: bool) {
        let day = day.clamp(0, self.horizon());
        self.metrics.stock_site_days += self.stock * (day - self.stock_day).max(0) as u64;
        self.stock_day = self.stock_day.max(day);
        if up { self.stock += 1 } else { self.stock -= 1 }
    }

    /// The installation becomes dormant on `day` (R1; all fuels dormant, R4).
    pub(super) fn begin_dormancy(&mut self, site: u32, day: i32) {
        let st = &mut self.sites[site as usize];
        st.dormant_since = day;
        st.episode = st.episode.wrapping_add(1);
        st.removed = false;
        st.migration_failures = 0;
        st.phase = Phase::AwaitingEpcl;
        self.ever_dormant[site as usize] = true;
        if day >= 0 {
            self.metrics.record_new_dormant(day);
        }
        self.stock_change(day, true);
        self.after_epcl_or_wait(site);
    }

    /// Route now if the DMC is on the EPCL, otherwise wait for it (R2).
    pub(super) fn after_epcl_or_wait(&mut self, site: u32) {
        let dmc = self.installation(site).dmc as usize;
        match self.s.dmcs[dmc].epcl_day {
            Some(d) if d <= self.today() => self.route(site),
            _ => {
                self.sites[site as usize].phase = Phase::AwaitingEpcl;
                self.epcl_waiting[dmc].push(site);
            }
        }
    }

    /// Close the current episode on `day`: by migration, or by a switch to a supplier that can operate the SMSO.
    pub(super) fn end_dormancy(&mut self, site: u32, day: i32, by_migration: bool) {
        let since = self.sites[site as usize].dormant_since;
        let (a, b) = self.clip(since, day);
        self.sites[site as usize].dormant_wd_total += self.cal.count_wd(a, b).max(0) as u32;
        self.metrics.episode_site_days += (b - a).max(0) as u64;
        if by_migration && since >= 0 {
            let wd = self.cal.count_wd(since, day).max(0) as u32;
            self.metrics.migrated_new += 1;
            self.metrics.record_migrated_by_start(since, wd);
            if since >= self.s.run.warmup_days() {
                self.metrics.dormancy_wd.add(wd);
                self.metrics.dormancy_days.add((day - since).max(0) as u32);
            }
        }
        self.metrics.record_end(day, by_migration);
        self.stock_change(day, false);
        let st = &mut self.sites[site as usize];
        st.reset_episode();
        st.phase = if by_migration { Phase::Migrated } else { Phase::Active };
    }

    pub(super) fn exclude(&mut self, site: u32, case: ManualCase) {
        self.manual(case, self.today());
        let st = &mut self.sites[site as usize];
        st.cancel_plan();
        st.phase = Phase::Excluded;
    }

    pub(super) fn on_switch(&mut self, cos: &Cos) {
        let site = cos.site;
        let day = cos.ssd_day;
        let st = &mut self.sites[site as usize];
        // The losing supplier of the fuel(s) that switched (gas alone on a split-supply site).
        let losing = if cos.fuels & ELEC != 0 { st.elec_supplier } else { st.gas_supplier };
        if cos.fuels & ELEC != 0 {
            st.elec_supplier = cos.to;
        }
        if cos.fuels & GAS != 0 {
            st.gas_supplier = cos.to;
        }
        let phase = st.phase;
        if phase == Phase::Migrated {
            self.service_after_switch(site);
            return;
        }
        let fuels = self.installation(site).fuels;
        let dormant = self.dormant_fuels(site);
        self.sites[site as usize].dormant_fuels = dormant;
        match (phase.is_dormant(), dormant == fuels) {
            (false, true) => {
                self.begin_dormancy(site, day);
                self.on_dormancy_gain(site, day, losing, cos.to);
            }
            (true, false) => self.end_dormancy(site, day, false),
            (true, true) if phase == Phase::Halted => {
                self.sites[site as usize].cancel_plan();
                self.route(site);
            }
            (true, true) if phase.is_in_flight() => self.in_flight_switch(site, day),
            _ => {}
        }
    }

    /// R9 / R19: a switch after notice to another supplier that cannot operate the SMSO. Between the Migration
    /// Authorisation and the Migration Common File it is an exception report to the gaining supplier (R9);
    /// otherwise DCC notifies the new supplier (R19). Either way the migration continues.
    fn in_flight_switch(&mut self, site: u32, day: i32) {
        let t = self.timeline(site);
        let m = self.sites[site as usize].migration_day;
        let authorisation = self.cal.sub_wd(m, t.authorisation_wd);
        let common_file = self.cal.sub_wd(m, t.common_file_wd);
        let case = if day >= authorisation && day < common_file {
            ManualCase::CommonFileException
        } else {
            ManualCase::InFlightCosNotification
        };
        self.manual(case, day);
    }

    /// Side effects of a switch that made the installation dormant: the gaining supplier may ask for removal within
    /// the window (R10); a prepayment meter the losing supplier failed to switch to credit mode is chased, and
    /// perhaps escalated (R11). Draws are keyed by installation and episode (common to all options).
    fn on_dormancy_gain(&mut self, site: u32, day: i32, losing: u8, gaining: u8) {
        let episode = self.sites[site as usize].episode;
        let streams = &self.ctx.streams;
        let p_removal = self.s.suppliers[gaining as usize].removal_probability;
        if p_removal > 0.0 {
            let mut rng = streams.rng(Purpose::Removal, u64::from(site), u32::from(episode));
            if rng.random_bool(p_removal) {
                let offset = rng.random_range(0..=self.s.dcc.removal_window_days);
                self.q.schedule(at(day + offset, REMOVAL_MINUTE), Event::Removal { site, episode });
            }
        }
        let p_credit = self.s.suppliers[losing as usize].credit_mode_failure_probability;
        if self.installation(site).prepayment && p_credit > 0.0 {
            let mut rng = streams.rng(Purpose::CreditMode, u64::from(site), u32::from(episode));
            if rng.random_bool(p_credit) {
                self.manual(ManualCase::CreditModeChase, day);
                if rng.random_bool(self.s.prepayment.escalation_probability) {
                    self.manual(ManualCase::CreditModeEscalation, day + self.s.prepayment.escalation_delay_days);
                }
            }
        }
    }

    /// R10: the gaining supplier asks DCC to remove the site from its migration. The plan is cancelled and the site
    /// is planned again after `dcc.removal_hold_days`, on the fallback (standard) route; if it is still waiting
    /// for the EPCL it simply takes the fallback route when listed.
    pub(super) fn on_removal(&mut self, site: u32, episode: u16) {
        let st = &mut self.sites[site as usize];
        if st.episode != episode || !st.phase.is_dormant() || st.phase == Phase::Excluded {
            return;
        }
        st.removed = true;
        let phase = st.phase;
        let day = self.today();
        self.manual(ManualCase::RemovalRequest, day);
        if phase == Phase::AwaitingEpcl || phase == Phase::Halted {
            return;
        }
        let st = &mut self.sites[site as usize];
        st.cancel_plan();
        st.phase = Phase::Removed;
        let epoch = st.epoch;
        let replan = day + self.s.dcc.removal_hold_days;
        self.q.schedule(at(replan, NOTICE_MINUTE - 1), Event::Replan { site, epoch });
    }

    pub(super) fn on_replan(&mut self, site: u32, epoch: u16) {
        if self.is_live(site, epoch) && self.sites[site as usize].phase == Phase::Removed {
            self.route(site);
        }
    }

    pub(super) fn on_epcl(&mut self, dmc: u16) {
        for site in std::mem::take(&mut self.epcl_waiting[dmc as usize]) {
            if self.sites[site as usize].phase == Phase::AwaitingEpcl {
                self.route(site);
            }
        }
    }
}
