//! Routing and the migration plan: which timeline (R3), the notice (scheduling cycle and delay, R5), and SMSO
//! firmware configuration with its queue, lead time, failures and retries (R6, R7).

use super::{Event, Job, ManualCase, NOTICE_MINUTE, Phase, Sim};
use crate::calendar::MINUTES_PER_DAY;
use crate::engine::{at, day_of};
use crate::rng::Purpose;
use crate::scenario::{Eligibility, Timeline};
use rand::RngExt;

impl<'a> Sim<'a> {
    /// Which option's timeline this installation follows (R3): newly dormant ones take the option's own route,
    /// the others (and sites removed at their supplier's request, R10) its fallback.
    fn route_option(&self, site: u32) -> usize {
        let spec = &self.s.options[self.option];
        if spec.eligibility == Eligibility::All {
            return self.option;
        }
        let st = &self.sites[site as usize];
        let epcl = self.s.dmcs[self.installation(site).dmc as usize].epcl_day.unwrap_or(i32::MAX);
        let newly = st.dormant_since >= epcl.max(spec.effective_from_day) && !st.removed;
        if newly { self.option } else { spec.fallback.unwrap_or(self.option) }
    }

    /// Plan the notice: scheduling delay, then the next scheduling-cycle day (R5).
    pub(super) fn route(&mut self, site: u32) {
        let route = self.route_option(site);
        let timeline = &self.s.options[route].timeline;
        let now = self.q.now();
        let mut ready = day_of(now);
        if now > at(ready, NOTICE_MINUTE) {
            ready += 1;
        }
        if !timeline.schedule_delay_wd.is_fixed() || timeline.schedule_delay_wd.mean() > 0.0 {
            let k = self.plans[site as usize];
            self.plans[site as usize] = k.wrapping_add(1);
            let mut rng = self.ctx.streams.rng(Purpose::SchedulingDelay, u64::from(site), u32::from(k));
            let delay = timeline.schedule_delay_wd.sample(&mut rng).round() as i32;
            ready = self.cal.add_wd(ready, delay);
        }
        let notice = self.notice_day(ready, timeline.schedule_cycle_wd);
        let st = &mut self.sites[site as usize];
        st.route = route as u8;
        st.phase = Phase::AwaitingNotice;
        let epoch = st.epoch;
        self.q.schedule(at(notice, NOTICE_MINUTE), Event::Notice { site, epoch });
    }

    /// First working day on or after `ready` that is a scheduling-cycle day: cycle days are every `cycle_wd`-th
    /// working day counted from the first working day of the run.
    fn notice_day(&self, ready: i32, cycle_wd: i32) -> i32 {
        let d = self.cal.next_wd_on_or_after(ready);
        if cycle_wd <= 1 {
            return d;
        }
        let first = self.cal.next_wd_on_or_after(0);
        let k = self.cal.wd_index(d) - self.cal.wd_index(first);
        let rem = k.rem_euclid(cycle_wd as i64) as i32;
        if rem == 0 { d } else { self.cal.add_wd(d, cycle_wd - rem) }
    }

    pub(super) fn timeline(&self, site: u32) -> &'a Timeline {
        &self.s.options[self.sites[site as usize].route as usize].timeline
    }

    pub(super) fn on_notice(&mut self, site: u32, epoch: u16) {
        if !self.is_live(site, epoch) {
            return;
        }
        let day = self.today();
        let t = self.timeline(site);
        let migration_day = self.cal.add_wd(day, t.notice_wd);
        let st = &mut self.sites[site as usize];
        st.phase = Phase::Notified;
        st.migration_day = migration_day;
        if !st.configured {
            let request_day = self.cal.add_wd(day, t.config_request_wd);
            self.q.schedule(at(request_day, NOTICE_MINUTE), Event::SmsoRequest { site, epoch, retry: false });
        }
        let check_day = self.cal.sub_wd(migration_day, 1);
        self.q.schedule(at(check_day, super::CHECK_MINUTE), Event::MigrationDue { site, epoch });
    }

    pub(super) fn on_smso_request(&mut self, site: u32, epoch: u16, retry: bool) {
        if !self.is_live(site, epoch) || self.sites[site as usize].configured {
            return;
        }
        if !retry {
            self.sites[site as usize].firmware_requested_at = self.q.now();
        }
        let smso = self.installation(site).smso as usize;
        let started = self.smsos[smso].arrive(Job { site, epoch });
        let waiting = self.smsos.iter().map(|q| q.waiting() as u64).sum();
        self.metrics.record_smso_request(self.today(), waiting);
        if let Some(job) = started {
            self.start_configuration(job);
        }
    }

    /// A server starts on `job`: draw the lead time and outcome of this attempt from the site's streams.
    fn start_configuration(&mut self, job: Job) {
        let st = &mut self.sites[job.site as usize];
        let draw = u32::from(st.firmware_draws);
        st.firmware_draws = st.firmware_draws.wrapping_add(1);
        let smso = &self.s.smsos[self.ctx.fleet[job.site as usize].smso as usize];
        let streams = &self.ctx.streams;
        let lead_wd = smso.lead_time_wd.sample(&mut streams.rng(Purpose::FirmwareLeadTime, u64::from(job.site), draw));
        let ok =
            !streams.rng(Purpose::FirmwareOutcome, u64::from(job.site), draw).random_bool(smso.failure_probability);
        let done = self.cal.add_working_minutes(self.q.now(), (lead_wd * MINUTES_PER_DAY as f64).round() as i64);
        self.q.schedule(done, Event::ConfigDone { site: job.site, epoch: job.epoch, ok });
    }

    pub(super) fn on_config_done(&mut self, site: u32, epoch: u16, ok: bool) {
        let smso = self.installation(site).smso as usize;
        let sites = &self.sites;
        if let Some(next) = self.smsos[smso].depart(|j| sites[j.site as usize].epoch == j.epoch) {
            self.start_configuration(next);
        }
        if !self.is_live(site, epoch) {
            return;
        }
        if ok {
            self.configuration_succeeded(site, epoch);
            return;
        }
        let spec = &self.s.smsos[smso];
        let st = &mut self.sites[site as usize];
        st.firmware_failures = st.firmware_failures.saturating_add(1);
        if u32::from(st.firmware_failures) >= spec.max_attempts {
            self.exclude(site, ManualCase::FirmwareExclusion);
        } else {
            let retry_day = self.cal.add_wd(self.today(), spec.retry_delay_wd);
            self.q.schedule(at(retry_day, NOTICE_MINUTE), Event::SmsoRequest { site, epoch, retry: true });
        }
    }

    fn configuration_succeeded(&mut self, site: u32, epoch: u16) {
        let now = self.q.now();
        let smso = &self.s.smsos[self.installation(site).smso as usize];
        let st = &mut self.sites[site as usize];
        st.configured = true;
        let wait_wd = (self.cal.working_minutes_at(now) - self.cal.working_minutes_at(st.firmware_requested_at)) as f64
            / MINUTES_PER_DAY as f64;
        self.metrics.firmware_wait_wd_sum += wait_wd;
        self.metrics.firmware_configs += 1;
        if wait_wd > smso.sla_wd + 1e-9 {
            self.metrics.firmware_late += 1;
        }
        if st.phase == Phase::AwaitingConfig {
            // R6: migrate as soon as possible after the planned date: the next check slot, then the next WD.
            let today = day_of(now);
            let check_day = if self.cal.is_working(today) && now <= at(today, super::CHECK_MINUTE) {
                today
            } else {
                self.cal.add_wd(today, 1)
            };
            st.phase = Phase::Notified;
            st.migration_day = self.cal.add_wd(check_day, 1);
            self.q.schedule(at(check_day, super::CHECK_MINUTE), Event::MigrationDue { site, epoch });
        }
    }
}
