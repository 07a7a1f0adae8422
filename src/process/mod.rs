//! One option, one replication: every installation's life through the dormant-migration process and the active
//! migration programme, driven by the discrete-event engine. The same code runs every option (R14); options differ
//! only in their `Timeline`.
//!
//! Within a day, events happen at fixed minutes so that their order is part of the model, not an accident:
//! 00:00 Supply Start Dates take effect (R1) · 00:01 DMCs join the EPCL (R2) · 07:58 installations become ready for
//! a notice · 07:59 removal requests from the active programme (R10) · 08:00 DCC plans the day's notices against
//! its capacity ledger, and SMSO requests go out (R5, R6) · 09:00 the active programme releases the day's
//! installations · 10:00 DCC's migration batch (R7) · 12:00 smart service restored (R12, R13) · 20:00
//! pre-migration CoS check for the next working day (R8, "24 hours before migration"). SMSO configurations finish
//! at any minute of working time (R6).
//!
//! The handlers live in `dormancy.rs` (switches, episodes, R1–R4, R9–R11, R19), `plan.rs` (routing, notices
//! against the ledger, SMSO configuration, R3, R5, R6), `dcc.rs` (CoS check, batches, dormant and active
//! migrations, R7, R8), `ledger.rs` (DCC's booked capacity) and `service.rs` (after migration, R12, R13, R15).
//! `track.rs` keeps each episode's decomposition. States: `Phase`, and `docs/model.md`.

mod dcc;
mod dormancy;
mod ledger;
mod plan;
mod service;
mod site;
mod track;

pub use crate::cases::ManualCase;
use site::Sites;
pub use site::{Phase, SiteState};

use crate::arrivals::CosHistory;
use crate::calendar::WorkCalendar;
use crate::engine::{EventQueue, ServerQueue, SimTime, at, day_of, prefetch};
use crate::fleet::Installation;
use crate::metrics::{OptionMetrics, Tracked};
use crate::rng::Streams;
use crate::scenario::{Eligibility, Scenario};
use ledger::Ledger;
use std::collections::{HashMap, VecDeque};

/// How many entries ahead of the one being handled an installation's state is prefetched: far enough for the load
/// to arrive before its turn, near enough that it is still in cache then.
const PREFETCH_AHEAD: usize = 8;

/// Minute of the day at which each kind of event happens.
pub const SSD_MINUTE: SimTime = 0;
pub const EPCL_MINUTE: SimTime = 1;
pub const QUEUE_MINUTE: SimTime = 8 * 60 - 2;
pub const REMOVAL_MINUTE: SimTime = 8 * 60 - 1;
pub const NOTICE_MINUTE: SimTime = 8 * 60;
pub const ACTIVE_MINUTE: SimTime = 9 * 60;
pub const BATCH_MINUTE: SimTime = 10 * 60;
pub const SERVICE_MINUTE: SimTime = 12 * 60;
pub const CHECK_MINUTE: SimTime = 20 * 60;

/// What one replication shares between its options: read-only.
pub struct Context<'a> {
    pub scenario: &'a Scenario,
    pub calendar: &'a WorkCalendar,
    pub fleet: &'a [Installation],
    pub history: &'a CosHistory,
    pub streams: Streams,
    /// Installations in the active programme, in release order.
    pub active_order: &'a ActiveOrder,
}

/// The active programme's release order: installations with an active-migration day, sorted by that day (ties by
/// index), and where each day's releases end, so releasing a day reads no installation.
#[derive(Debug, Clone, Default)]
pub struct ActiveOrder {
    /// Installation indices by (active_day, index).
    pub sites: Vec<u32>,
    first_day: i32,
    /// `ends[d - first_day]`: how many entries of `sites` have an active day on or before d.
    ends: Vec<u32>,
}

impl ActiveOrder {
    /// Entries of `sites` released on or before `day`.
    pub fn released_by(&self, day: i32) -> usize {
        let Some(last) = self.ends.last() else { return 0 };
        match usize::try_from(i64::from(day) - i64::from(self.first_day)) {
            Err(_) => 0,
            Ok(k) => self.ends.get(k).copied().unwrap_or(*last) as usize,
        }
    }

    /// Active day of entry `position` of `sites`.
    pub fn day_at(&self, position: usize) -> i32 {
        self.first_day + self.ends.partition_point(|&end| end as usize <= position) as i32
    }
}

/// The programme's release order, by a counting sort over days: O(n) and sequential, where sorting indices by
/// their installation's day would read the fleet in random order.
pub fn active_order(fleet: &[Installation]) -> ActiveOrder {
    let scheduled = || fleet.iter().map(|i| i.active_day).filter(|&d| d != crate::fleet::NOT_SCHEDULED);
    let (Some(first_day), Some(last_day)) = (scheduled().min(), scheduled().max()) else {
        return ActiveOrder::default();
    };
    let mut ends = vec![0u32; (i64::from(last_day) - i64::from(first_day) + 1) as usize];
    for d in scheduled() {
        ends[(d - first_day) as usize] += 1;
    }
    let mut fill = Vec::with_capacity(ends.len());
    let mut total = 0u32;
    for end in ends.iter_mut() {
        fill.push(total);
        total += *end;
        *end = total;
    }
    let mut sites = vec![0u32; total as usize];
    for (i, inst) in fleet.iter().enumerate().filter(|(_, x)| x.active_day != crate::fleet::NOT_SCHEDULED) {
        let slot = &mut fill[(inst.active_day - first_day) as usize];
        sites[*slot as usize] = i as u32;
        *slot += 1;
    }
    ActiveOrder { sites, first_day, ends }
}

/// The active programme's demand per day `0..horizon + 400`: the installations released that day (releases due on
/// a non-working day are released on the next working day).
fn active_demand(ctx: &Context, horizon_days: i32) -> Vec<u32> {
    let order = ctx.active_order;
    let mut demand = vec![0u32; (horizon_days.max(0) + 400) as usize];
    let mut released = order.released_by(-1);
    for (day, slot) in demand.iter_mut().enumerate() {
        if ctx.calendar.is_working(day as i32) {
            let now = order.released_by(day as i32);
            *slot = (now - released) as u32;
            released = now;
        }
    }
    demand
}

/// A count of installations in some state and the day up to which its integral (installation-days) is added.
#[derive(Debug, Default)]
struct Stock {
    level: u64,
    since_day: i32,
}

impl Stock {
    /// Add `level × days` from the last change to `day` into `integral`.
    fn advance(&mut self, day: i32, integral: &mut u64) {
        *integral += self.level * (day - self.since_day).max(0) as u64;
        self.since_day = self.since_day.max(day);
    }

    /// One installation enters (`up`) or leaves the state on `day`.
    fn change(&mut self, day: i32, up: bool, integral: &mut u64) {
        self.advance(day, integral);
        if up { self.level += 1 } else { self.level -= 1 }
    }
}

/// Result of simulating one option: its metrics, each installation's dormant working days and its tracked episode
/// (for pairing options installation by installation).
pub struct OptionOutcome {
    pub metrics: OptionMetrics,
    pub site_dormant_wd: Vec<u32>,
    pub tracked: Vec<Tracked>,
}

#[derive(Debug, Clone, Copy)]
enum Event {
    Epcl {
        dmc: u16,
    },
    /// R10: a gaining supplier's request to remove the site from the active programme.
    ActiveRemoval {
        site: u32,
    },
    /// The installation's pre-notice wait is over: it joins its route's queue for a notice.
    NoticeReady {
        site: u32,
        epoch: u16,
    },
    /// DCC plans the day's notices against its ledger.
    Plan,
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
    ActiveRelease,
    ActiveRetry {
        site: u32,
    },
    DccBatch,
    /// Smart service is back (R12 readiness and R13 certificates), unless `token` is stale.
    ServiceRestored {
        site: u32,
        token: u8,
    },
}

impl Event {
    /// The installation the event is about, if any.
    #[inline]
    fn site(&self) -> Option<u32> {
        match *self {
            Event::ActiveRemoval { site }
            | Event::NoticeReady { site, .. }
            | Event::SmsoRequest { site, .. }
            | Event::ConfigDone { site, .. }
            | Event::MigrationDue { site, .. }
            | Event::ActiveRetry { site }
            | Event::ServiceRestored { site, .. } => Some(site),
            Event::Epcl { .. } | Event::Plan | Event::ActiveRelease | Event::DccBatch => None,
        }
    }
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
    /// The booked migration day.
    day: i32,
}

/// An installation waiting in its route's queue for a notice (FIFO by `seq`, the order they became ready).
#[derive(Debug, Clone, Copy)]
struct Waiting {
    site: u32,
    epoch: u16,
    seq: u64,
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
    sites: Sites,
    smsos: Vec<ServerQueue<Job>>,
    ledger: Ledger,
    /// Per route (option index): installations ready for a notice, in order.
    notice_queues: Vec<VecDeque<Waiting>>,
    ready_seq: u64,
    plan_day: Option<i32>,
    /// Installations that became ready for a fast-track notice, per day (the reserve's forecast).
    fast_ready: Vec<u32>,
    /// Fast-track notices issued at today's planning (one migration file a day, R14).
    fast_notices_today: u32,
    dcc_queue: VecDeque<QueuedMigration>,
    active_queue: VecDeque<u32>,
    /// Next index into `ctx.active_order` to release.
    active_next: usize,
    batch_day: Option<i32>,
    /// The day whose capacity `budget_left` holds (one opening per day, however many batch events it has).
    budget_day: i32,
    budget_left: u64,
    epcl_waiting: Vec<Vec<u32>>,
    /// First day of the fast-track policy (episodes before it are not eligible under any option).
    policy_start_day: i32,
    /// R11: credit-mode failures per (losing supplier, month index) for the SECAS escalation.
    credit_failures: HashMap<(u8, i32), u32>,
    /// R11: installations whose losing supplier has a credit-mode switch pending: the day it will be done and the
    /// supplier (few at a time, so kept here rather than in every installation's state).
    mode_switches: HashMap<u32, (i32, u8)>,
    metrics: OptionMetrics,
    /// Installations dormant, and partly dormant (R4), with their integrals over time.
    stock: Stock,
    partial: Stock,
    switches_processed: u64,
}

impl<'a> Sim<'a> {
    fn new(ctx: &'a Context<'a>, option: usize) -> Self {
        let s = ctx.scenario;
        let policy_start_day = s
            .options
            .iter()
            .filter(|o| o.eligibility == Eligibility::NewlyDormant)
            .map(|o| o.effective_from_day)
            .min()
            .unwrap_or(i32::MIN);
        Self {
            ctx,
            s,
            cal: ctx.calendar,
            option,
            q: EventQueue::new(0),
            sites: Sites::new(ctx.fleet.len(), |i| {
                SiteState::new(ctx.fleet[i].elec_supplier, ctx.fleet[i].gas_supplier)
            }),
            smsos: s.smsos.iter().map(|m| ServerQueue::new(m.servers)).collect(),
            ledger: Ledger::new(
                ctx.calendar,
                s.dcc.daily_capacity,
                s.dcc.dormant_share,
                active_demand(ctx, s.run.horizon_days),
            ),
            notice_queues: vec![VecDeque::new(); s.options.len()],
            ready_seq: 0,
            plan_day: None,
            fast_ready: Vec::new(),
            fast_notices_today: 0,
            dcc_queue: VecDeque::new(),
            active_queue: VecDeque::new(),
            active_next: 0,
            batch_day: None,
            budget_day: i32::MIN,
            budget_left: 0,
            epcl_waiting: vec![Vec::new(); s.dmcs.len()],
            policy_start_day,
            credit_failures: HashMap::new(),
            mode_switches: HashMap::new(),
            metrics: OptionMetrics::new(s.run.horizon_days),
            stock: Stock::default(),
            partial: Stock::default(),
            switches_processed: 0,
        }
    }

    fn horizon(&self) -> i32 {
        self.s.run.horizon_days
    }

    fn today(&self) -> i32 {
        day_of(self.q.now())
    }

    fn installation(&self, site: u32) -> &'a Installation {
        &self.ctx.fleet[site as usize]
    }

    fn is_live(&self, site: u32, epoch: u16) -> bool {
        self.sites[site as usize].epoch == epoch
    }

    /// Day-0 state: backlog installations are dormant, split-supply sites with one dormant fuel partly so (R4);
    /// EPCL listings and the active programme inside the horizon are scheduled.
    fn start(&mut self) {
        let inside = |d: i32| d > 0 && d < self.s.run.horizon_days;
        for (d, dmc) in self.s.dmcs.iter().enumerate() {
            if let Some(day) = dmc.epcl_day.filter(|&x| inside(x)) {
                self.q.schedule(at(day, EPCL_MINUTE), Event::Epcl { dmc: d as u16 });
            }
        }
        if !self.ctx.active_order.sites.is_empty() {
            let day = self.cal.next_wd_on_or_after(self.ctx.active_order.day_at(0).max(0));
            self.q.schedule(at(day, ACTIVE_MINUTE), Event::ActiveRelease);
        }
        for site in 0..self.ctx.fleet.len() as u32 {
            let inst = self.installation(site);
            let dormant = self.dormant_fuels(site);
            self.sites[site as usize].dormant_fuels = dormant;
            if dormant != 0 && dormant != inst.fuels && !inst.is_backlog() {
                self.partial_change(site, 0, true);
            }
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
        let end = at(self.horizon(), 0);
        let history = self.ctx.history;
        let mut next = 0;
        loop {
            let cos_time = history.events.get(next).map(|c| at(c.ssd_day, SSD_MINUTE)).filter(|&t| t < end);
            let take_cos = match (cos_time, self.q.peek_time().filter(|&t| t < end)) {
                (Some(c), Some(e)) => c <= e,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_cos {
                if let Some(ahead) = history.events.get(next + PREFETCH_AHEAD) {
                    self.prefetch_site(ahead.site);
                }
                let cos = history.events[next];
                next += 1;
                self.q.advance_to(at(cos.ssd_day, SSD_MINUTE));
                self.switches_processed += 1;
                self.on_switch(&cos);
            } else if let Some((_, ev)) = self.q.pop() {
                if let Some(site) = self.q.peek_ahead(PREFETCH_AHEAD).and_then(Event::site) {
                    self.prefetch_site(site);
                }
                self.dispatch(ev);
            }
        }
    }

    /// Start loading an installation's state and attributes into cache ahead of its event (see
    /// [`crate::engine::prefetch`]).
    #[inline(always)]
    fn prefetch_site(&self, site: u32) {
        self.sites.prefetch(site as usize);
        prefetch(self.ctx.fleet, site as usize);
    }

    fn dispatch(&mut self, ev: Event) {
        match ev {
            Event::Epcl { dmc } => self.on_epcl(dmc),
            Event::ActiveRemoval { site } => self.on_active_removal(site),
            Event::NoticeReady { site, epoch } => self.on_notice_ready(site, epoch),
            Event::Plan => self.on_plan(),
            Event::SmsoRequest { site, epoch, retry } => self.on_smso_request(site, epoch, retry),
            Event::ConfigDone { site, epoch, ok } => self.on_config_done(site, epoch, ok),
            Event::MigrationDue { site, epoch } => self.on_migration_due(site, epoch),
            Event::ActiveRelease => self.on_active_release(),
            Event::ActiveRetry { site } => self.on_active_retry(site),
            Event::DccBatch => self.on_dcc_batch(),
            Event::ServiceRestored { site, token } => self.on_service_restored(site, token),
        }
    }

    /// Record a manual case on `day` (cases dated after the horizon are not counted).
    fn manual(&mut self, case: ManualCase, day: i32) {
        self.metrics.record_manual(case, day);
    }

    fn finish(mut self) -> OptionOutcome {
        let horizon = self.horizon();
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
                self.close_tracked(site as u32, horizon, crate::metrics::EpisodeEnd::Open);
            } else if st.has(site::flag::SERVICE_PENDING) {
                self.metrics.service_pending_at_end += 1;
            }
            self.metrics.dormant_sites += u64::from(st.has(site::flag::EVER_DORMANT));
        }
        self.stock.advance(horizon, &mut self.metrics.stock_site_days);
        self.partial.advance(horizon, &mut self.metrics.partial_site_days);
        self.metrics.events = self.q.events_processed() + self.switches_processed;
        // One pass takes out both per-installation results, chunk by chunk, each chunk of states freed once read.
        let mut site_dormant_wd = Vec::with_capacity(self.sites.len());
        let tracked = std::mem::take(&mut self.sites).drain_into(|s| {
            site_dormant_wd.push(s.dormant_wd_total);
            s.tracked
        });
        OptionOutcome { metrics: self.metrics, site_dormant_wd, tracked }
    }

    /// Days of `[from, to)` inside the horizon.
    fn clip(&self, from: i32, to: i32) -> (i32, i32) {
        (from.max(0), to.min(self.horizon()))
    }
}
