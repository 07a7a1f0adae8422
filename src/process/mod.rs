//! One option, one replication: every installation's life through the dormant-migration process and the active
//! migration programme, driven by the discrete-event engine. The same code runs every option (R14); options differ
//! only in their `Timeline`.
//!
//! Within a day, events happen at fixed minutes so that their order is part of the model, not an accident:
//! 00:00 Supply Start Dates take effect (R1) · 00:01 DMCs join the EPCL (R2), suppliers become DCC-ready (R12) ·
//! 07:59 removal requests (R10) · 08:00 notices and SMSO requests (R5) · 09:00 the active programme releases the
//! day's installations · 10:00 DCC's migration batch (capacity, R7) · 20:00 pre-migration CoS check for the next
//! working day (R8, "24 hours before migration"). SMSO configurations finish at any minute of working time (R6).
//!
//! The handlers live in `dormancy.rs` (switches, episodes, R1–R4, R10, R11, R19, R9), `plan.rs` (routing, notice,
//! SMSO configuration, R3, R5, R6), `dcc.rs` (CoS check, capacity, dormant and active migrations, R7, R8) and
//! `service.rs` (readiness and certificates after migration, R12, R13). States: `Phase`, and `docs/model.md`.

mod dcc;
mod dormancy;
mod plan;
mod service;
mod site;

pub use crate::cases::ManualCase;
pub use site::{Phase, SiteState};

use crate::arrivals::CosHistory;
use crate::calendar::WorkCalendar;
use crate::engine::{DailyBudget, EventQueue, ServerQueue, SimTime, at, day_of, prefetch};
use crate::fleet::Installation;
use crate::metrics::OptionMetrics;
use crate::rng::Streams;
use crate::scenario::Scenario;
use std::collections::VecDeque;

/// How many entries ahead of the one being handled an installation's state is prefetched: far enough for the load
/// to arrive before its turn, near enough that it is still in cache then.
const PREFETCH_AHEAD: usize = 8;

/// Minute of the day at which each kind of event happens.
pub const SSD_MINUTE: SimTime = 0;
pub const EPCL_MINUTE: SimTime = 1;
pub const READY_MINUTE: SimTime = 1;
pub const REMOVAL_MINUTE: SimTime = 8 * 60 - 1;
pub const NOTICE_MINUTE: SimTime = 8 * 60;
pub const ACTIVE_MINUTE: SimTime = 9 * 60;
pub const BATCH_MINUTE: SimTime = 10 * 60;
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
    Ready {
        supplier: u8,
    },
    Removal {
        site: u32,
        episode: u16,
    },
    Replan {
        site: u32,
        epoch: u16,
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
    ActiveRelease,
    ActiveRetry {
        site: u32,
    },
    DccBatch,
}

impl Event {
    /// The installation the event is about, if any.
    #[inline]
    fn site(&self) -> Option<u32> {
        match *self {
            Event::Removal { site, .. }
            | Event::Replan { site, .. }
            | Event::Notice { site, .. }
            | Event::SmsoRequest { site, .. }
            | Event::ConfigDone { site, .. }
            | Event::MigrationDue { site, .. }
            | Event::ActiveRetry { site } => Some(site),
            Event::Epcl { .. } | Event::Ready { .. } | Event::ActiveRelease | Event::DccBatch => None,
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
    active_queue: VecDeque<u32>,
    /// Next index into `ctx.active_order` to release.
    active_next: usize,
    dcc_budget: DailyBudget,
    budget_day: i32,
    budget_left: u64,
    dormant_left: u64,
    batch_day: Option<i32>,
    epcl_waiting: Vec<Vec<u32>>,
    /// Migrated installations waiting for a supplier to become DCC-ready (R12), per supplier.
    ready_waiting: Vec<Vec<u32>>,
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
            active_queue: VecDeque::new(),
            active_next: 0,
            dcc_budget: DailyBudget::new(s.dcc.daily_capacity),
            budget_day: i32::MIN,
            budget_left: 0,
            dormant_left: 0,
            batch_day: None,
            epcl_waiting: vec![Vec::new(); s.dmcs.len()],
            ready_waiting: vec![Vec::new(); s.suppliers.len()],
            metrics: OptionMetrics::new(s.run.horizon_days),
            stock: 0,
            stock_day: 0,
            switches_processed: 0,
            plans: vec![0; n],
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

    /// Day-0 state: backlog installations are dormant; EPCL listings, readiness dates and the active programme
    /// inside the horizon are scheduled.
    fn start(&mut self) {
        let inside = |d: i32| d > 0 && d < self.s.run.horizon_days;
        for (d, dmc) in self.s.dmcs.iter().enumerate() {
            if let Some(day) = dmc.epcl_day.filter(|&x| inside(x)) {
                self.q.schedule(at(day, EPCL_MINUTE), Event::Epcl { dmc: d as u16 });
            }
        }
        for (i, sup) in self.s.suppliers.iter().enumerate() {
            if inside(sup.dcc_ready_day) {
                self.q.schedule(at(sup.dcc_ready_day, READY_MINUTE), Event::Ready { supplier: i as u8 });
            }
        }
        if !self.ctx.active_order.sites.is_empty() {
            let day = self.cal.next_wd_on_or_after(self.ctx.active_order.day_at(0).max(0));
            self.q.schedule(at(day, ACTIVE_MINUTE), Event::ActiveRelease);
        }
        for site in 0..self.ctx.fleet.len() as u32 {
            let inst = self.installation(site);
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
        prefetch(&self.sites, site as usize);
        prefetch(self.ctx.fleet, site as usize);
    }

    fn dispatch(&mut self, ev: Event) {
        match ev {
            Event::Epcl { dmc } => self.on_epcl(dmc),
            Event::Ready { supplier } => self.on_ready(supplier),
            Event::Removal { site, episode } => self.on_removal(site, episode),
            Event::Replan { site, epoch } => self.on_replan(site, epoch),
            Event::Notice { site, epoch } => self.on_notice(site, epoch),
            Event::SmsoRequest { site, epoch, retry } => self.on_smso_request(site, epoch, retry),
            Event::ConfigDone { site, epoch, ok } => self.on_config_done(site, epoch, ok),
            Event::MigrationDue { site, epoch } => self.on_migration_due(site, epoch),
            Event::ActiveRelease => self.on_active_release(),
            Event::ActiveRetry { site } => self.on_active_retry(site),
            Event::DccBatch => self.on_dcc_batch(),
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
            } else if st.service_pending {
                self.metrics.service_pending_at_end += 1;
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

    /// Days of `[from, to)` inside the horizon.
    fn clip(&self, from: i32, to: i32) -> (i32, i32) {
        (from.max(0), to.min(self.horizon()))
    }
}
