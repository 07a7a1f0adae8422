//! Switches and dormancy episodes: R1 (SSD starts dormancy), R2 (EPCL wait), R4 (all fuels dormant; one dormant
//! fuel is a partial loss of smart function), R9 and R19 (switches during a migration), R10 (removal from an active
//! migration), R11 (prepayment credit mode), R16 (split supply).

use super::site::{NO_DAY, flag};
use super::{Event, ManualCase, Phase, REMOVAL_MINUTE, Sim};
use crate::arrivals::Cos;
use crate::engine::at;
use crate::fleet::{ELEC, GAS, NOT_SCHEDULED};
use crate::metrics::{EpisodeEnd, Stage};
use crate::rng::Purpose;
use chrono::Datelike;
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

    /// Add or remove one installation from the dormant stock on `day` (integral in `metrics.stock_site_days`).
    fn stock_change(&mut self, day: i32, up: bool) {
        let day = day.clamp(0, self.horizon());
        self.stock.change(day, up, &mut self.metrics.stock_site_days);
    }

    /// R4: the installation starts (`on`) or stops being partly dormant on `day`.
    pub(super) fn partial_change(&mut self, site: u32, day: i32, on: bool) {
        if self.sites[site as usize].has(flag::PARTIAL) == on {
            return;
        }
        self.sites[site as usize].set(flag::PARTIAL, on);
        let day = day.clamp(0, self.horizon());
        self.partial.change(day, on, &mut self.metrics.partial_site_days);
        if on {
            self.metrics.partial_episodes += 1;
        }
    }

    /// The installation becomes dormant on `day` (R1; all fuels dormant, R4).
    pub(super) fn begin_dormancy(&mut self, site: u32, day: i32) {
        let st = &mut self.sites[site as usize];
        st.dormant_since = day;
        st.episode = st.episode.wrapping_add(1);
        st.migration_failures = 0;
        st.set(flag::FAST_TRACK, false);
        st.set_notified_day(NO_DAY);
        st.missed = None;
        st.phase = Phase::AwaitingEpcl;
        self.sites[site as usize].set(flag::EVER_DORMANT, true);
        if day >= 0 {
            self.metrics.record_new_dormant(day);
        }
        self.stock_change(day, true);
        self.start_tracking(site, day, Stage::EpclWait);
        self.after_epcl_or_wait(site);
    }

    /// Route now if the DMC is on the EPCL, otherwise wait for it (R2).
    pub(super) fn after_epcl_or_wait(&mut self, site: u32) {
        let dmc = self.installation(site).dmc as usize;
        match self.s.dmcs[dmc].epcl_day {
            Some(d) if d <= self.today() => self.route(site, self.sites[site as usize].dormant_since),
            _ => {
                self.sites[site as usize].phase = Phase::AwaitingEpcl;
                self.epcl_waiting[dmc].push(site);
            }
        }
    }

    /// Close the current episode on `day`: by migration, or by a switch to a supplier that can operate the SMSO.
    pub(super) fn end_dormancy(&mut self, site: u32, day: i32, by_migration: bool) {
        self.release_booking(site);
        let end = if by_migration { EpisodeEnd::Migrated } else { EpisodeEnd::Reactivated };
        self.close_tracked(site, day, end);
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
        self.release_booking(site);
        let st = &mut self.sites[site as usize];
        st.cancel_plan();
        st.phase = Phase::Excluded;
        self.miss_notified_date(site, Stage::Retry);
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
            self.service_after_switch(site, day);
            return;
        }
        self.metrics.funnel.switches += 1;
        let fuels = self.installation(site).fuels;
        let dormant = self.dormant_fuels(site);
        self.sites[site as usize].dormant_fuels = dormant;
        self.partial_change(site, day, dormant != 0 && dormant != fuels);
        match (phase.is_dormant(), dormant == fuels) {
            (false, true) => self.dormancy_gain(site, day, losing),
            (true, false) => self.end_dormancy(site, day, false),
            (true, true) if phase == Phase::Halted => {
                self.sites[site as usize].cancel_plan();
                self.route(site, day);
            }
            (true, true) if phase.is_in_flight() => self.in_flight_switch(site, day),
            (false, false) => self.maybe_active_removal(site, day, cos.to),
            _ => {}
        }
    }

    /// A switch that makes the installation dormant: the episode, the fast-track funnel (R17) and the losing
    /// supplier's prepayment mode switch (R11).
    fn dormancy_gain(&mut self, site: u32, day: i32, losing: u8) {
        let listed = self.s.dmcs[self.installation(site).dmc as usize].epcl_day.is_some_and(|d| d <= day);
        self.begin_dormancy(site, day);
        let f = &mut self.metrics.funnel;
        f.dormancy_causing += 1;
        f.listed_at_ssd += u64::from(listed);
        f.fast_tracked += u64::from(self.sites[site as usize].has(flag::FAST_TRACK));
        self.prepayment_mode_switch(site, day, losing);
    }

    /// R9 / R19: a switch after notice to another supplier that cannot operate the SMSO. Between the Migration
    /// Authorisation and the Migration Common File it is an exception report to the gaining supplier (R9);
    /// otherwise DCC notifies the new supplier (R19). Either way the migration continues.
    fn in_flight_switch(&mut self, site: u32, day: i32) {
        let t = self.timeline(site);
        let m = self.sites[site as usize].migration_day();
        let authorisation = self.cal.sub_wd(m, t.authorisation_wd);
        let common_file = self.cal.sub_wd(m, t.common_file_wd);
        let case = if day >= authorisation && day < common_file {
            ManualCase::CommonFileException
        } else {
            ManualCase::InFlightCosNotification
        };
        self.manual(case, day);
    }

    /// R10: "Energy Suppliers will only need to respond if they wish to remove a site from an Active migration.
    /// DCC will provide an 8 day window following CoS gain". A switch of an installation still waiting for its
    /// active migration may bring such a request from the gaining supplier, on a day in the window.
    fn maybe_active_removal(&mut self, site: u32, day: i32, gaining: u8) {
        let p = self.s.suppliers[gaining as usize].removal_probability;
        if p <= 0.0
            || self.installation(site).active_day == NOT_SCHEDULED
            || self.sites[site as usize].has(flag::ACTIVE_REMOVED)
        {
            return;
        }
        let mut rng = self.ctx.streams.rng(Purpose::Removal, u64::from(site), day.max(0) as u32);
        if rng.random_bool(p) {
            let offset = rng.random_range(0..=self.s.dcc.removal_window_days);
            self.q.schedule(at(day + offset, REMOVAL_MINUTE), Event::ActiveRemoval { site });
        }
    }

    pub(super) fn on_active_removal(&mut self, site: u32) {
        let st = &mut self.sites[site as usize];
        if st.phase == Phase::Migrated || st.has(flag::ACTIVE_REMOVED) {
            return;
        }
        st.set(flag::ACTIVE_REMOVED, true);
        self.manual(ManualCase::RemovalRequest, self.today());
    }

    /// R11: the losing supplier must switch a prepayment meter to credit mode; it fails outright with its
    /// `credit_mode_failure_probability`, and otherwise does it `mode_switch_lag_wd` after the SSD, which is too
    /// late if DCC migrates the meter first (checked at migration). Keyed by installation and episode.
    fn prepayment_mode_switch(&mut self, site: u32, day: i32, losing: u8) {
        if !self.installation(site).prepayment {
            return;
        }
        let mut rng =
            self.ctx.streams.rng(Purpose::CreditMode, u64::from(site), u32::from(self.sites[site as usize].episode));
        let fails = rng.random_bool(self.s.suppliers[losing as usize].credit_mode_failure_probability);
        let lag_wd = self.s.prepayment.mode_switch_lag_wd.sample(&mut rng).round() as i32;
        if fails {
            self.mode_switches.remove(&site);
            self.credit_mode_failure(day, losing);
        } else {
            let due = if lag_wd > 0 { self.cal.add_wd(day, lag_wd) } else { day };
            self.mode_switches.insert(site, (due, losing));
        }
    }

    /// R11 at a dormant migration: a mode switch not yet done can no longer be (the losing supplier has lost
    /// access), so the gaining supplier finds a smart prepayment meter it did not expect.
    pub(super) fn mode_switch_at_migration(&mut self, site: u32, day: i32) {
        if let Some((due, losing)) = self.mode_switches.remove(&site)
            && day < due
        {
            self.credit_mode_failure(day, losing);
        }
    }

    /// A prepayment meter left in prepayment mode: the gaining supplier takes it up with the losing supplier; if
    /// that supplier's failures reach the monthly threshold (persistent across many customers) SECAS is involved.
    fn credit_mode_failure(&mut self, day: i32, losing: u8) {
        self.manual(ManualCase::CreditModeChase, day);
        self.manual(ManualCase::CreditModeCorrection, day);
        let Some(threshold) = self.s.prepayment.secas_threshold_per_month else { return };
        let date = self.cal.date(day);
        let month = date.year() * 12 + date.month0() as i32;
        let n = self.credit_failures.entry((losing, month)).or_insert(0);
        *n += 1;
        if f64::from(*n) >= threshold && f64::from(*n - 1) < threshold {
            self.manual(ManualCase::SecasEscalation, day);
        }
    }

    pub(super) fn on_epcl(&mut self, dmc: u16) {
        for site in std::mem::take(&mut self.epcl_waiting[dmc as usize]) {
            if self.sites[site as usize].phase == Phase::AwaitingEpcl {
                self.route(site, self.sites[site as usize].dormant_since);
            }
        }
    }
}
