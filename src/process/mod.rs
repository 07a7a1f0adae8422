//! One option, one replication: every installation's life through the dormant-migration process, driven by the
//! discrete-event engine. The same code runs every option (R14); options differ only in their `Timeline`.
//!
//! Within a day, events happen at fixed minutes so that their order is part of the model, not an accident:
//! 00:00 Supply Start Dates take effect (R1) · 00:01 DMCs join the EPCL (R2) · 08:00 notices and SMSO requests go
//! out (R5) · 10:00 DCC's migration batch runs (capacity, R7) · 20:00 pre-migration CoS check for the next working
//! day (R8, "24 hours before migration"). SMSO configurations finish at any minute of working time (R6).
//!
//! States and transitions are documented in `docs/model.md`; `Phase` lists them.

mod manual;
mod site;

pub use manual::ManualCase;
pub use site::{Phase, SiteState};

use crate::arrivals::{Cos, CosHistory};
use crate::calendar::{MINUTES_PER_DAY, WorkCalendar};
use crate::engine::{DailyBudget, EventQueue, ServerQueue, SimTime, at, day_of};
use crate::fleet::{ELEC, GAS, Installation};
use crate::metrics::OptionMetrics;
use crate::rng::{Purpose, Streams};
use crate::scenario::{CosCheckWindow, Eligibility, Scenario, Timeline};
use rand::RngExt;
use std::collections::VecDeque;

/// Minute of the day at which each kind of event happens.
pub const SSD_MINUTE: SimTime = 0;
pub const EPCL_MINUTE: SimTime = 1;
pub const NOTICE_MINUTE: SimTime = 8 * 60;
pub const BATCH_MINUTE: SimTime = 10 * 60;
pub const CHECK_MINUTE: SimTime = 20 * 60;

/// What one replication shares between its options: read-only.
pub struct Context<'a> {
    pub scenario: &'a Scenario,
    pub calendar: &'a WorkCalendar,
    pub fleet: &'a [Installation],
    pub history: &'a CosHistory,
    pub streams: Streams,
}

/// Result of simulating one option: its metrics and each installation's dormant working days (for pairing).
pub struct OptionOutcome {
    pub metrics: OptionMetrics,
    pub site_dormant_wd: Vec<u32>,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Epcl {
        dmc: u16,
    },
    Notice {
        site: u32,
        epoch: u16,
    },
    /// `retry` = a repeat after a failed attempt (the firmware wait runs from the plan's first request).
    SmsoRequest {
        site: u32,
        epoch: u16,
        retry: bool,
    },
    ConfigDone {
        site: u32,
        epoch: u16,
        ok: bool,
    },
    MigrationDue {
        site: u32,
        epoch: u16,
    },
    DccBatch,
}

#[derive(Debug, Clone, Copy)]
struct Job {
    site: u32,
    epoch: u16,
}

#[derive(Debug, Clone, Copy)]
struct QueuedMigration {
    site: u32,
    epoch: u16,
    /// The migration day the last CoS check was made for.
    checked_for_day: i32,
}

/// Simulate option `option` of the scenario on the replication's fleet and switching history.
pub fn simulate(ctx: &Context, option: usize) -> OptionOutcome {
    let mut sim = Sim::new(ctx, option);
    sim.start();
    sim.run();
    sim.finish()
}

struct Sim<'a> {
    ctx: &'a Context<'a>,
    s: &'a Scenario,
    cal: &'a WorkCalendar,
    option: usize,
    q: EventQueue<Event>,
    sites: Vec<SiteState>,
    ever_dormant: Vec<bool>,
    smsos: Vec<ServerQueue<Job>>,
    dcc_queue: VecDeque<QueuedMigration>,
    dcc_budget: DailyBudget,
    budget_day: i32,
    budget_left: u64,
    batch_day: Option<i32>,
    epcl_waiting: Vec<Vec<u32>>,
    metrics: OptionMetrics,
    stock: u64,
    stock_day: i32,
    switches_processed: u64,
    /// Routings per site so far (stream index for scheduling delays).
    plans: Vec<u16>,
}

impl<'a> Sim<'a> {
    fn new(ctx: &'a Context<'a>, option: usize) -> Self {
        let s = ctx.scenario;
        let n = ctx.fleet.len();
        let weeks = (s.run.horizon_days as usize).div_ceil(7);
        Self {
            ctx,
            s,
            cal: ctx.calendar,
            option,
            q: EventQueue::new(0),
            sites: ctx.fleet.iter().map(|i| SiteState::new(i.elec_supplier, i.gas_supplier)).collect(),
            ever_dormant: vec![false; n],
            smsos: s.smsos.iter().map(|m| ServerQueue::new(m.servers)).collect(),
            dcc_queue: VecDeque::new(),
            dcc_budget: DailyBudget::new(s.dcc.daily_capacity),
            budget_day: i32::MIN,
            budget_left: 0,
            batch_day: None,
            epcl_waiting: vec![Vec::new(); s.dmcs.len()],
            metrics: OptionMetrics::new(weeks),
            stock: 0,
            stock_day: 0,
            switches_processed: 0,
            plans: vec![0; n],
        }
    }

    fn end_time(&self) -> SimTime {
        at(self.s.run.horizon_days, 0)
    }

    fn today(&self) -> i32 {
        day_of(self.q.now())
    }

    fn installation(&self, site: u32) -> &Installation {
        &self.ctx.fleet[site as usize]
    }

    fn is_live(&self, site: u32, epoch: u16) -> bool {
        self.sites[site as usize].epoch == epoch
    }

    /// Day-0 state: backlog installations are dormant; EPCL listings inside the horizon are scheduled.
    fn start(&mut self) {
        for (d, dmc) in self.s.dmcs.iter().enumerate() {
            if let Some(day) = dmc.epcl_day.filter(|&x| x > 0 && x < self.s.run.horizon_days) {
                self.q.schedule(at(day, EPCL_MINUTE), Event::Epcl { dmc: d as u16 });
            }
        }
        for site in 0..self.ctx.fleet.len() as u32 {
            let inst = *self.installation(site);
            self.sites[site as usize].dormant_fuels = self.dormant_fuels(site);
            if inst.is_backlog() {
                self.metrics.backlog_sites += 1;
                self.metrics.initial_stock += 1;
                self.begin_dormancy(site, -(inst.backlog_age_days as i32));
            }
        }
    }

    /// The event loop: merges the pre-generated switching history (SSD events) with the future-event list;
    /// at equal times the switch comes first.
    fn run(&mut self) {
        let end = self.end_time();
        let history = self.ctx.history;
        let mut next = 0;
        loop {
            let cos_time = history.events.get(next).map(|c| at(c.ssd_day, SSD_MINUTE));
            let q_time = self.q.peek_time();
            let take_cos = match (cos_time, q_time) {
                (Some(c), Some(e)) => c <= e,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_cos {
                let cos = history.events[next];
                if at(cos.ssd_day, SSD_MINUTE) >= end {
                    next = history.events.len();
                    continue;
                }
                next += 1;
                self.q.advance_to(at(cos.ssd_day, SSD_MINUTE));
                self.switches_processed += 1;
                self.on_switch(&cos);
            } else {
                match self.q.pop_until(end - 1) {
                    Some((_, ev)) => self.dispatch(ev),
                    None => break,
                }
            }
        }
    }

    fn dispatch(&mut self, ev: Event) {
        match ev {
            Event::Epcl { dmc } => self.on_epcl(dmc),
            Event::Notice { site, epoch } => self.on_notice(site, epoch),
            Event::SmsoRequest { site, epoch, retry } => self.on_smso_request(site, epoch, retry),
            Event::ConfigDone { site, epoch, ok } => self.on_config_done(site, epoch, ok),
            Event::MigrationDue { site, epoch } => self.on_migration_due(site, epoch),
            Event::DccBatch => self.on_dcc_batch(),
        }
    }

    // ----- dormancy episodes ------------------------------------------------------------------------------------

    /// Fuel bits whose current supplier cannot operate the installation's SMSO.
    fn dormant_fuels(&self, site: u32) -> u8 {
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

    /// Move the dormant-stock integral forward to `day` and apply `delta`.
    fn stock_change(&mut self, day: i32, up: bool) {
        let day = day.clamp(0, self.s.run.horizon_days);
        self.metrics.stock_site_days += self.stock * (day - self.stock_day).max(0) as u64;
        self.stock_day = self.stock_day.max(day);
        if up { self.stock += 1 } else { self.stock -= 1 }
    }

    /// The installation becomes dormant on `day` (R1; all fuels dormant, R4).
    fn begin_dormancy(&mut self, site: u32, day: i32) {
        let st = &mut self.sites[site as usize];
        st.dormant_since = day;
        st.phase = Phase::AwaitingEpcl;
        self.ever_dormant[site as usize] = true;
        if day >= 0 {
            self.metrics.record_new_dormant(day);
        }
        self.stock_change(day, true);
        self.after_epcl_or_wait(site);
    }

    /// Route now if the DMC is on the EPCL, otherwise wait for it (R2).
    fn after_epcl_or_wait(&mut self, site: u32) {
        let dmc = self.installation(site).dmc as usize;
        match self.s.dmcs[dmc].epcl_day {
            Some(d) if d <= self.today() => self.route(site),
            _ => {
                self.sites[site as usize].phase = Phase::AwaitingEpcl;
                self.epcl_waiting[dmc].push(site);
            }
        }
    }

    /// Days of `[from, to)` inside the horizon.
    fn clip(&self, from: i32, to: i32) -> (i32, i32) {
        (from.max(0), to.min(self.s.run.horizon_days))
    }

    /// Close the current episode on `day`: by migration, or by a switch to a supplier that can operate the SMSO.
    fn end_dormancy(&mut self, site: u32, day: i32, by_migration: bool) {
        let since = self.sites[site as usize].dormant_since;
        let (a, b) = self.clip(since, day);
        self.sites[site as usize].dormant_wd_total += self.cal.count_wd(a, b).max(0) as u32;
        self.metrics.episode_site_days += (b - a).max(0) as u64;
        if by_migration && since >= 0 {
            self.metrics.migrated_new += 1;
            self.metrics.dormancy_wd.add(self.cal.count_wd(since, day).max(0) as u32);
            self.metrics.dormancy_days.add((day - since).max(0) as u32);
        }
        self.metrics.record_end(day, by_migration);
        self.stock_change(day, false);
        let st = &mut self.sites[site as usize];
        st.reset_episode();
        st.phase = if by_migration { Phase::Migrated } else { Phase::Active };
    }

    fn exclude(&mut self, site: u32, case: ManualCase) {
        let day = self.today();
        self.metrics.record_manual(case, day);
        let st = &mut self.sites[site as usize];
        st.cancel_plan();
        st.phase = Phase::Excluded;
    }

    // ----- switches (R1, R8 re-planning, R19) -------------------------------------------------------------------

    fn on_switch(&mut self, cos: &Cos) {
        let site = cos.site;
        let day = cos.ssd_day;
        let st = &mut self.sites[site as usize];
        if cos.fuels & ELEC != 0 {
            st.elec_supplier = cos.to;
        }
        if cos.fuels & GAS != 0 {
            st.gas_supplier = cos.to;
        }
        let phase = st.phase;
        if phase == Phase::Migrated {
            return;
        }
        let fuels = self.installation(site).fuels;
        let dormant = self.dormant_fuels(site);
        self.sites[site as usize].dormant_fuels = dormant;
        let all_dormant = dormant == fuels;
        match (phase.is_dormant(), all_dormant) {
            (false, true) => self.begin_dormancy(site, day),
            (true, false) => self.end_dormancy(site, day, false),
            (true, true) if phase == Phase::Halted => {
                self.sites[site as usize].cancel_plan();
                self.route(site);
            }
            (true, true) if phase.is_in_flight() => {
                self.metrics.record_manual(ManualCase::InFlightCosNotification, day)
            }
            _ => {}
        }
    }

    fn on_epcl(&mut self, dmc: u16) {
        for site in std::mem::take(&mut self.epcl_waiting[dmc as usize]) {
            if self.sites[site as usize].phase == Phase::AwaitingEpcl {
                self.route(site);
            }
        }
    }

    // ----- routing and notice (R3, R5) --------------------------------------------------------------------------

    /// Which option's timeline this installation follows (R3): newly dormant ones take the option's own route,
    /// the others its fallback.
    fn route_option(&self, site: u32) -> usize {
        let spec = &self.s.options[self.option];
        if spec.eligibility == Eligibility::All {
            return self.option;
        }
        let since = self.sites[site as usize].dormant_since;
        let epcl = self.s.dmcs[self.installation(site).dmc as usize].epcl_day.unwrap_or(i32::MAX);
        let newly = since >= epcl.max(spec.effective_from_day);
        if newly { self.option } else { spec.fallback.unwrap_or(self.option) }
    }

    fn route(&mut self, site: u32) {
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

    fn timeline(&self, site: u32) -> &'a Timeline {
        &self.s.options[self.sites[site as usize].route as usize].timeline
    }

    fn on_notice(&mut self, site: u32, epoch: u16) {
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
        self.q.schedule(at(check_day, CHECK_MINUTE), Event::MigrationDue { site, epoch });
    }

    // ----- SMSO firmware configuration (R6, R7) ---------------------------------------------------------------

    fn on_smso_request(&mut self, site: u32, epoch: u16, retry: bool) {
        if !self.is_live(site, epoch) || self.sites[site as usize].configured {
            return;
        }
        if !retry {
            self.sites[site as usize].firmware_requested_at = self.q.now();
        }
        let smso = self.installation(site).smso as usize;
        if let Some(job) = self.smsos[smso].arrive(Job { site, epoch }) {
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

    fn on_config_done(&mut self, site: u32, epoch: u16, ok: bool) {
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
            let check_day = if self.cal.is_working(today) && now <= at(today, CHECK_MINUTE) {
                today
            } else {
                self.cal.add_wd(today, 1)
            };
            st.phase = Phase::Notified;
            st.migration_day = self.cal.add_wd(check_day, 1);
            self.q.schedule(at(check_day, CHECK_MINUTE), Event::MigrationDue { site, epoch });
        }
    }

    // ----- CoS check (R8) and DCC migration (R7) ---------------------------------------------------------------

    /// R8: a switch registered by `as_of_day` with its SSD from the migration day to the end of the window.
    fn cos_check_fails(&self, site: u32, as_of_day: i32, migration_day: i32) -> bool {
        let end = match self.timeline(site).cos_check {
            CosCheckWindow::CalendarDays(n) => migration_day + n,
            CosCheckWindow::WorkingDays(n) => self.cal.add_wd(migration_day, n),
        };
        self.ctx.history.registered_ssd_within(site, as_of_day, migration_day, end)
    }

    fn halt(&mut self, site: u32) {
        let day = self.today();
        self.metrics.record_manual(ManualCase::CosCheckException, day);
        let st = &mut self.sites[site as usize];
        st.cancel_plan();
        st.phase = Phase::Halted;
    }

    fn on_migration_due(&mut self, site: u32, epoch: u16) {
        if !self.is_live(site, epoch) {
            return;
        }
        let st = &mut self.sites[site as usize];
        if !st.configured {
            st.phase = Phase::AwaitingConfig;
            return;
        }
        let migration_day = st.migration_day;
        if self.cos_check_fails(site, self.today(), migration_day) {
            self.halt(site);
            return;
        }
        self.sites[site as usize].phase = Phase::Queued;
        self.dcc_queue.push_back(QueuedMigration { site, epoch, checked_for_day: migration_day });
        self.ensure_batch(migration_day);
    }

    fn ensure_batch(&mut self, day: i32) {
        if self.batch_day.is_none_or(|d| d > day) {
            self.batch_day = Some(day);
            self.q.schedule(at(day, BATCH_MINUTE), Event::DccBatch);
        }
    }

    /// DCC's daily migration run: up to the day's capacity, first come first served (R7).
    fn on_dcc_batch(&mut self) {
        let day = self.today();
        if self.batch_day == Some(day) {
            self.batch_day = None;
        }
        if self.budget_day != day {
            self.budget_day = day;
            self.budget_left = self.dcc_budget.open_day();
        }
        while self.budget_left > 0 {
            let Some(m) = self.dcc_queue.pop_front() else { break };
            if !self.is_live(m.site, m.epoch) {
                continue;
            }
            // Carried over by capacity: re-check 24 hours before today's attempt.
            if m.checked_for_day < day && self.cos_check_fails(m.site, self.cal.sub_wd(day, 1), day) {
                self.halt(m.site);
                continue;
            }
            self.budget_left -= 1;
            self.attempt_migration(m.site, m.epoch, day);
        }
        if !self.dcc_queue.is_empty() {
            self.ensure_batch(self.cal.add_wd(day, 1));
        }
    }

    fn attempt_migration(&mut self, site: u32, epoch: u16, day: i32) {
        let draw = u32::from(self.sites[site as usize].migration_draws);
        self.sites[site as usize].migration_draws = (draw as u16).wrapping_add(1);
        let dcc = &self.s.dcc;
        let failed =
            self.ctx.streams.rng(Purpose::MigrationOutcome, u64::from(site), draw).random_bool(dcc.failure_probability);
        if !failed {
            self.end_dormancy(site, day, true);
            return;
        }
        let st = &mut self.sites[site as usize];
        st.migration_failures = st.migration_failures.saturating_add(1);
        if u32::from(st.migration_failures) >= dcc.max_attempts {
            self.exclude(site, ManualCase::MigrationExclusion);
            return;
        }
        let retry_day = self.cal.add_wd(day, dcc.retry_delay_wd);
        st.phase = Phase::Notified;
        st.migration_day = retry_day;
        let check_day = self.cal.sub_wd(retry_day, 1);
        self.q.schedule(at(check_day, CHECK_MINUTE), Event::MigrationDue { site, epoch });
    }

    // ----- end of the horizon -----------------------------------------------------------------------------------

    fn finish(mut self) -> OptionOutcome {
        let horizon = self.s.run.horizon_days;
        for site in 0..self.sites.len() {
            let st = self.sites[site];
            if st.phase.is_dormant() {
                self.metrics.still_dormant_at_end += 1;
                if st.phase == Phase::Excluded {
                    self.metrics.excluded_at_end += 1;
                }
                let (a, b) = self.clip(st.dormant_since, horizon);
                self.sites[site].dormant_wd_total += self.cal.count_wd(a, b).max(0) as u32;
                self.metrics.episode_site_days += (b - a).max(0) as u64;
                self.metrics.open_site_days += (b - a).max(0) as u64;
            }
        }
        self.metrics.stock_site_days += self.stock * (horizon - self.stock_day).max(0) as u64;
        self.metrics.dormant_sites = self.ever_dormant.iter().filter(|&&d| d).count() as u64;
        self.metrics.events = self.q.events_processed() + self.switches_processed;
        OptionOutcome {
            metrics: self.metrics,
            site_dormant_wd: self.sites.iter().map(|s| s.dormant_wd_total).collect(),
        }
    }
}
