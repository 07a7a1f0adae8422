//! Routing and the migration plan: which timeline (R3), the wait before a notice (DCC learning of the switch from
//! Registration Data, the route's pre-notice wait, an optional scheduling cycle, R5), notices issued only for
//! migration days with capacity booked in DCC's ledger, and SMSO firmware configuration with its queue, lead time,
//! failures and retries (R6, R7).
//!
//! Each working day at 08:00 DCC plans notices route by route: a route with an n WD notice books the migration
//! day n working days ahead, taking installations from its queue in the order they became ready while that day
//! has capacity left. With `fast-track-first` the fast-track route is planned first, and standard notices (booked
//! 15 WD ahead, before the fast-track notices for the same day are planned 8 WD ahead) leave a reserve for them:
//! `fast_track_reserve_margin` × the mean number of installations that became ready for a fast-track notice per
//! working day over the last `fast_track_forecast_wd` working days (DCC's forecast from recent demand). A reserve
//! the fast track does not use goes to the active programme on the day. With `fifo` the queues are served in one
//! order of readiness and nothing is held back.

use super::site::{NO_DAY, flag};
use super::{CHECK_MINUTE, Event, Job, ManualCase, NOTICE_MINUTE, Phase, QUEUE_MINUTE, Sim, Waiting};
use crate::calendar::MINUTES_PER_DAY;
use crate::engine::{at, day_of};
use crate::metrics::Stage;
use crate::rng::Purpose;
use crate::scenario::{Eligibility, FastTrackPriority, Timeline};
use rand::RngExt;

impl<'a> Sim<'a> {
    /// Which option's timeline this installation follows (R3): newly dormant ones take the option's own route,
    /// the others its fallback.
    fn route_option(&self, site: u32) -> usize {
        let spec = &self.s.options[self.option];
        if spec.eligibility == Eligibility::All {
            return self.option;
        }
        let st = &self.sites[site as usize];
        let epcl = self.s.dmcs[self.installation(site).dmc as usize].epcl_day.unwrap_or(i32::MAX);
        let newly = st.dormant_since >= epcl.max(spec.effective_from_day);
        if newly { self.option } else { spec.fallback.unwrap_or(self.option) }
    }

    /// Does this option fast-track some episodes (so that standard notices leave the reserve)?
    fn has_fast_track(&self) -> bool {
        self.s.options[self.option].eligibility == Eligibility::NewlyDormant
    }

    /// Plan the notice of an installation whose process can start from `from_day` (its SSD, or the SSD of the
    /// switch that halted its last plan): DCC learns of the switch `registration_lag_wd` later, the DMC must be
    /// listed, then the route's pre-notice wait and scheduling cycle; then it queues for a notice.
    pub(super) fn route(&mut self, site: u32, from_day: i32) {
        let route = self.route_option(site);
        let timeline = &self.s.options[route].timeline;
        let lag = self.s.dcc.registration_lag_wd;
        let epcl = self.s.dmcs[self.installation(site).dmc as usize].epcl_day.unwrap_or(i32::MIN);
        let known = if lag > 0 { self.cal.add_wd(from_day, lag) } else { from_day };
        let mut ready = known.max(epcl);
        let wait_wd = self.pre_notice_wait_wd(site, timeline);
        if wait_wd > 0 {
            ready = self.cal.add_wd(ready, wait_wd);
        }
        // Not before the next 07:58 queueing slot.
        let now = self.q.now();
        let today = day_of(now);
        ready = ready.max(if now > at(today, QUEUE_MINUTE) { today + 1 } else { today });
        let day = self.notice_day(ready, timeline.schedule_cycle_wd);
        let fast_track = route == self.option && self.has_fast_track();
        let st = &mut self.sites[site as usize];
        st.route = route as u8;
        st.set(flag::FAST_TRACK, fast_track);
        st.phase = Phase::AwaitingNotice;
        let epoch = st.epoch;
        self.set_stage(site, Stage::PreNotice);
        self.q.schedule(at(day, QUEUE_MINUTE), Event::NoticeReady { site, epoch });
    }

    /// One draw of the route's pre-notice wait, whole working days (R5: "more than 15WD" on today's route).
    fn pre_notice_wait_wd(&mut self, site: u32, timeline: &Timeline) -> i32 {
        let wait = &timeline.schedule_delay_wd;
        if wait.is_fixed() {
            return wait.mean().round() as i32;
        }
        let k = self.sites[site as usize].plans;
        self.sites[site as usize].plans = k.wrapping_add(1);
        let mut rng = self.ctx.streams.rng(Purpose::SchedulingDelay, u64::from(site), u32::from(k));
        wait.sample(&mut rng).round() as i32
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

    /// The wait is over: join the route's queue; DCC plans notices at 08:00.
    pub(super) fn on_notice_ready(&mut self, site: u32, epoch: u16) {
        if !self.is_live(site, epoch) {
            return;
        }
        self.set_stage(site, Stage::Capacity);
        let route = self.sites[site as usize].route as usize;
        if self.sites[site as usize].has(flag::FAST_TRACK) {
            let day = self.today().max(0) as usize;
            if self.fast_ready.len() <= day {
                self.fast_ready.resize(day + 1, 0);
            }
            self.fast_ready[day] += 1;
        }
        self.ready_seq += 1;
        self.notice_queues[route].push_back(Waiting { site, epoch, seq: self.ready_seq });
        self.ensure_plan(self.today());
    }

    fn ensure_plan(&mut self, day: i32) {
        if self.plan_day.is_none_or(|d| d > day) {
            self.plan_day = Some(day);
            self.q.schedule(at(day, NOTICE_MINUTE), Event::Plan);
        }
    }

    /// The slots a fresh notice on `route` must leave free on its migration day: with `fast-track-first`, standard
    /// notices keep the forecast fast-track demand free (see the module doc).
    fn reserve_for(&self, route: usize) -> u64 {
        if !self.has_fast_track() || route == self.option {
            return 0;
        }
        match self.s.dcc.fast_track_priority {
            FastTrackPriority::Fifo => 0,
            FastTrackPriority::FastTrackFirst => {
                let window = self.s.dcc.fast_track_forecast_wd;
                let mut day = self.today();
                let mut arrivals = 0u64;
                for _ in 0..window {
                    arrivals += u64::from(self.fast_ready.get(day.max(0) as usize).copied().unwrap_or(0));
                    day = self.cal.sub_wd(day, 1);
                }
                (self.s.dcc.fast_track_reserve_margin * arrivals as f64 / f64::from(window)).ceil() as u64
            }
        }
    }

    /// Drop stale entries at the front of a queue; the front's sequence number if one is left.
    fn live_front(&mut self, route: usize) -> Option<u64> {
        while let Some(w) = self.notice_queues[route].front().copied() {
            if self.is_live(w.site, w.epoch) && self.sites[w.site as usize].phase == Phase::AwaitingNotice {
                return Some(w.seq);
            }
            self.notice_queues[route].pop_front();
        }
        None
    }

    /// Routes in the order their queues are planned under `fast-track-first`: the option's own (fast-track) route,
    /// then the others in scenario order.
    fn planning_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.notice_queues.len()).filter(|&r| r != self.option).collect();
        order.insert(0, self.option);
        order
    }

    /// DCC's daily planning: notices for the migration day each route's notice period ahead, while it has capacity.
    pub(super) fn on_plan(&mut self) {
        let day = self.today();
        if self.plan_day == Some(day) {
            self.plan_day = None;
        }
        if !self.cal.is_working(day) {
            self.ensure_plan(self.cal.next_wd_on_or_after(day));
            return;
        }
        let targets: Vec<i32> = self.s.options.iter().map(|o| self.cal.add_wd(day, o.timeline.notice_wd)).collect();
        let reserves: Vec<u64> = (0..self.s.options.len()).map(|r| self.reserve_for(r)).collect();
        match self.s.dcc.fast_track_priority {
            FastTrackPriority::FastTrackFirst => {
                for route in self.planning_order() {
                    while self.live_front(route).is_some() && self.has_room(targets[route], reserves[route]) {
                        self.notice_front(route, targets[route]);
                    }
                }
            }
            FastTrackPriority::Fifo => loop {
                let fronts: Vec<(u64, usize)> =
                    (0..self.notice_queues.len()).filter_map(|r| self.live_front(r).map(|seq| (seq, r))).collect();
                let next = fronts.into_iter().filter(|&(_, r)| self.has_room(targets[r], reserves[r])).min();
                let Some((_, route)) = next else { break };
                self.notice_front(route, targets[route]);
            },
        }
        if self.fast_notices_today > 0 {
            // R14: the day's fast-track notices travel in a separate migration file (one case per file).
            self.manual(ManualCase::FastTrackFile, day);
            self.fast_notices_today = 0;
        }
        if self.notice_queues.iter().any(|q| !q.is_empty()) {
            self.ensure_plan(self.cal.add_wd(day, 1));
        }
    }

    fn has_room(&self, day: i32, reserve: u64) -> bool {
        self.ledger.free(self.cal, day, reserve) > 0
    }

    fn notice_front(&mut self, route: usize, migration_day: i32) {
        let Some(w) = self.notice_queues[route].pop_front() else { return };
        self.issue_notice(w.site, migration_day);
    }

    /// Book `migration_day` and tell the suppliers; ask the SMSO to configure in time for its SLA (R5, R6).
    fn issue_notice(&mut self, site: u32, migration_day: i32) {
        let day = self.today();
        self.book(site, migration_day);
        let t = self.timeline(site);
        let sla_wd = self.s.smsos[self.installation(site).smso as usize].sla_wd.ceil() as i32;
        let st = &mut self.sites[site as usize];
        st.phase = Phase::Notified;
        st.set_migration_day(migration_day);
        if st.notified_day() == NO_DAY {
            st.set_notified_day(migration_day);
        }
        let (epoch, configured, fast) = (st.epoch, st.has(flag::CONFIGURED), st.has(flag::FAST_TRACK));
        self.set_stage(site, Stage::Notice);
        if fast {
            self.fast_notices_today += 1;
        }
        if !configured {
            // At the timeline's offset, but late enough never: the SLA must fit before the check day.
            let latest = self.cal.sub_wd(migration_day, sla_wd + 1);
            let request_day = self.cal.add_wd(day, t.config_request_wd).min(latest).max(day);
            self.q.schedule(at(request_day, NOTICE_MINUTE), Event::SmsoRequest { site, epoch, retry: false });
        }
        let check_day = self.cal.sub_wd(migration_day, 1);
        self.q.schedule(at(check_day, CHECK_MINUTE), Event::MigrationDue { site, epoch });
    }

    /// Hold a ledger slot on `day` for the site's plan.
    pub(super) fn book(&mut self, site: u32, day: i32) {
        self.ledger.book(day);
        self.sites[site as usize].set_booked_day(day);
    }

    /// Give back the site's slot, if it holds one (plan cancelled before its day).
    pub(super) fn release_booking(&mut self, site: u32) {
        let st = &mut self.sites[site as usize];
        if st.booked_day() != NO_DAY {
            self.ledger.release(st.booked_day());
            st.set_booked_day(NO_DAY);
        }
    }

    pub(super) fn on_smso_request(&mut self, site: u32, epoch: u16, retry: bool) {
        if !self.is_live(site, epoch) || self.sites[site as usize].has(flag::CONFIGURED) {
            return;
        }
        if !retry {
            self.sites[site as usize].firmware_requested_at = minute_i32(self.q.now());
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
        self.manual(ManualCase::FirmwareFailure, self.today());
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
        st.set(flag::CONFIGURED, true);
        let wait_wd = (self.cal.working_minutes_at(now)
            - self.cal.working_minutes_at(i64::from(st.firmware_requested_at))) as f64
            / MINUTES_PER_DAY as f64;
        self.metrics.firmware_wait_wd_sum += wait_wd;
        self.metrics.firmware_configs += 1;
        if wait_wd > smso.sla_wd + 1e-9 {
            self.metrics.firmware_late += 1;
        }
        if st.phase == Phase::AwaitingConfig {
            self.replan_after_configuration(site, epoch);
        }
    }

    /// R6: "migrating as soon after the planned date" once configured: the first day with dormant capacity left
    /// after the next check slot.
    fn replan_after_configuration(&mut self, site: u32, epoch: u16) {
        let now = self.q.now();
        let today = day_of(now);
        let check_day = if self.cal.is_working(today) && now <= at(today, CHECK_MINUTE) {
            today
        } else {
            self.cal.add_wd(today, 1)
        };
        let migration_day = self.ledger.first_free(self.cal, self.cal.add_wd(check_day, 1));
        self.book(site, migration_day);
        let st = &mut self.sites[site as usize];
        st.phase = Phase::Notified;
        st.set_migration_day(migration_day);
        let check_day = self.cal.sub_wd(migration_day, 1);
        self.q.schedule(at(check_day, CHECK_MINUTE), Event::MigrationDue { site, epoch });
    }
}

/// A simulation minute in the 32 bits `SiteState` keeps: the scenario's horizon (at most 36 500 days) and the
/// calendar's year past it stay far below `i32::MAX` minutes (≈ 4 000 years).
fn minute_i32(t: crate::engine::SimTime) -> i32 {
    i32::try_from(t).expect("a validated horizon keeps simulation minutes within 32 bits")
}
