//! After a dormant migration: smart service returns once every supplier of the installation is SMETS1 ready (R12)
//! *and* the gaining supplier has updated the devices' security certificates (R13), the second clock. DCC's weekly
//! file chases certificates not updated; a later switch to a supplier that is not DCC-ready loses service again
//! (R12); a switch before the DCC Service Flag reached the gaining supplier leaves it not knowing that the site is
//! enrolled (R15).

use super::site::flag;
use super::{Event, ManualCase, SERVICE_MINUTE, Sim};
use crate::engine::at;
use crate::fleet::GAS;
use crate::rng::Purpose;
use chrono::Datelike;

impl Sim<'_> {
    /// Latest readiness day among the suppliers of the installation's fuels.
    fn ready_day(&self, site: u32) -> i32 {
        let st = &self.sites[site as usize];
        let mut day = self.s.suppliers[st.elec_supplier as usize].dcc_ready_day;
        if self.installation(site).fuels & GAS != 0 {
            day = day.max(self.s.suppliers[st.gas_supplier as usize].dcc_ready_day);
        }
        day
    }

    pub(super) fn after_dormant_migration(&mut self, site: u32, day: i32) {
        self.mode_switch_at_migration(site, day);
        let st = &mut self.sites[site as usize];
        st.set_migration_day(day);
        st.set(flag::DORMANT_MIGRATED, true);
        st.set(flag::RESTORED_ONCE, false);
        st.set(flag::SERVICE_PENDING, true);
        let updated = self.plan_restoration(site, day);
        self.certificate_chase(day, updated);
    }

    /// The day the electricity supplier will have updated the certificates, starting from `from_day` (the
    /// migration, or a later switch): `certificate_update_lag_wd` after it can operate the device (its readiness,
    /// if later). Service comes back that day (12:00).
    fn plan_restoration(&mut self, site: u32, from_day: i32) -> i32 {
        let st = &mut self.sites[site as usize];
        let draw = (u32::from(st.episode) << 8) | u32::from(st.service_draws);
        st.service_draws = st.service_draws.wrapping_add(1);
        let token = st.service_draws;
        let supplier = &self.s.suppliers[st.elec_supplier as usize];
        let mut rng = self.ctx.streams.rng(Purpose::CertificateLag, u64::from(site), draw);
        let lag_wd = supplier.certificate_update_lag_wd.sample(&mut rng).round() as i32;
        let operable = from_day.max(self.ready_day(site));
        let updated = if lag_wd > 0 { self.cal.add_wd(operable, lag_wd) } else { operable };
        self.q.schedule(at(updated, SERVICE_MINUTE), Event::ServiceRestored { site, token });
        updated
    }

    pub(super) fn on_service_restored(&mut self, site: u32, token: u8) {
        let st = &mut self.sites[site as usize];
        if !st.has(flag::SERVICE_PENDING) || st.service_draws != token {
            return;
        }
        st.set(flag::SERVICE_PENDING, false);
        let restored_before = st.has(flag::RESTORED_ONCE);
        st.set(flag::RESTORED_ONCE, true);
        if restored_before {
            return;
        }
        let (since, day) = (st.dormant_since, self.today());
        self.metrics.restored += 1;
        if since >= self.s.run.warmup_days() {
            self.metrics.restored_wd.add(self.cal.count_wd(since, day).max(0) as u32);
            self.metrics.restored_days.add((day - since).max(0) as u32);
        }
    }

    /// A migrated installation switches supplier on `day`. Installations migrated by the active programme are left
    /// alone (their supplier kept the meter working throughout; see docs/model.md).
    pub(super) fn service_after_switch(&mut self, site: u32, day: i32) {
        let st = self.sites[site as usize];
        if !st.has(flag::DORMANT_MIGRATED) {
            return;
        }
        if self.s.dcc.service_flag_lag_wd > 0 {
            let flag_day = self.cal.add_wd(st.migration_day(), self.s.dcc.service_flag_lag_wd);
            if day < flag_day {
                self.manual(ManualCase::ServiceFlagMissed, day);
            }
        }
        let unready = self.ready_day(site) > day;
        if !st.has(flag::SERVICE_PENDING) && !unready {
            return;
        }
        if !st.has(flag::SERVICE_PENDING) {
            self.metrics.service_lost += 1;
        }
        self.sites[site as usize].set(flag::SERVICE_PENDING, true);
        self.plan_restoration(site, day);
    }

    /// R13: DCC's weekly file (on `certificate_file_weekday`) lists devices whose certificates are still not
    /// updated `certificate_grace_wd` after migration. If the first file that can list the device comes before
    /// the update, the supplier has a chase case (one per installation: later listings are reminders).
    fn certificate_chase(&mut self, migration_day: i32, updated_day: i32) {
        let grace = self.s.dcc.certificate_grace_wd;
        let listable = if grace > 0 { self.cal.add_wd(migration_day, grace) } else { migration_day + 1 };
        let weekday = self.cal.date(listable).weekday().num_days_from_monday() as i32;
        let first_file = listable + (self.s.dcc.certificate_file_weekday as i32 - weekday).rem_euclid(7);
        if first_file < updated_day {
            self.manual(ManualCase::CertificateChase, first_file);
        }
    }
}
