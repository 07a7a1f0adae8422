//! After a dormant migration: smart service returns only once the installation's suppliers are SMETS1 ready
//! (R12: the second clock), and the gaining supplier updates the security certificates, chased through DCC's
//! weekly file until it does (R13).

use super::{ManualCase, Sim};
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

    /// A supplier of the installation that is not yet ready on `day`, if any.
    fn unready_supplier(&self, site: u32, day: i32) -> Option<u8> {
        let st = &self.sites[site as usize];
        let gas = self.installation(site).fuels & GAS != 0;
        [Some(st.elec_supplier), gas.then_some(st.gas_supplier)]
            .into_iter()
            .flatten()
            .find(|&s| self.s.suppliers[s as usize].dcc_ready_day > day)
    }

    pub(super) fn after_dormant_migration(&mut self, site: u32, day: i32) {
        self.certificate_chases(site, day);
        self.sites[site as usize].service_pending = true;
        self.resume_if_ready(site, day);
    }

    /// The consumer's smart service is back: record the second clock for episodes that began in the run.
    fn restore_service(&mut self, site: u32, day: i32) {
        let st = &mut self.sites[site as usize];
        st.service_pending = false;
        let since = st.dormant_since;
        self.metrics.restored += 1;
        if since >= self.s.run.warmup_days() {
            self.metrics.restored_wd.add(self.cal.count_wd(since, day).max(0) as u32);
            self.metrics.restored_days.add((day - since).max(0) as u32);
        }
    }

    /// A migrated installation waiting for readiness switches supplier: service resumes if every supplier is ready.
    pub(super) fn service_after_switch(&mut self, site: u32) {
        if self.sites[site as usize].service_pending {
            self.resume_if_ready(site, self.today());
        }
    }

    pub(super) fn on_ready(&mut self, supplier: u8) {
        let day = self.today();
        for site in std::mem::take(&mut self.ready_waiting[supplier as usize]) {
            if self.sites[site as usize].service_pending {
                self.resume_if_ready(site, day);
            }
        }
    }

    /// Restore service if every supplier is ready on `day`, otherwise wait for the first that is not.
    fn resume_if_ready(&mut self, site: u32, day: i32) {
        match self.unready_supplier(site, day) {
            None => self.restore_service(site, day),
            Some(s) => self.ready_waiting[s as usize].push(site),
        }
    }

    /// R13: the gaining supplier updates the certificates `certificate_update_lag_wd` after it can operate the
    /// device (migration, or its readiness if later). If the first weekly file after migration comes before the
    /// update, the installation is listed and the supplier has a chase case to work (one per installation: later
    /// listings are reminders of the same case).
    fn certificate_chases(&mut self, site: u32, day: i32) {
        let st = &self.sites[site as usize];
        let supplier = &self.s.suppliers[st.elec_supplier as usize];
        let mut rng = self.ctx.streams.rng(Purpose::CertificateLag, u64::from(site), u32::from(st.episode));
        let lag = supplier.certificate_update_lag_wd.sample(&mut rng).round() as i32;
        let updated = self.cal.add_wd(day.max(self.ready_day(site)), lag);
        let weekday = self.cal.date(day).weekday().num_days_from_monday() as i32;
        let to_file = (self.s.dcc.certificate_file_weekday as i32 - weekday).rem_euclid(7);
        let first_file = day + if to_file == 0 { 7 } else { to_file };
        if first_file < updated {
            self.manual(ManualCase::CertificateChase, first_file);
        }
    }
}
