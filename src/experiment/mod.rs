//! Replications in parallel and the comparison of options.
//!
//! A replication generates one fleet and one switching history from its own streams, then simulates every option
//! on them (common random numbers: differences between options are paired). Replications run on a rayon pool of
//! the requested size and are collected in replication order, so results do not depend on the thread count.

pub mod breakdown;
mod check;
pub mod compare;
pub mod groups;
pub mod metric;
pub mod per_replication;
pub mod plan;
mod precision;
pub mod sensitivity;
pub mod sobol;
mod summary;
pub mod sweep;
pub mod uncertainty;
pub mod validation;
pub mod warmup;

pub use check::check_results;
pub use precision::{BATCH as PRECISION_BATCH, PrecisionRecord, headline_half_width, run_to_precision};
pub use summary::{
    Comparison, DistributionSummary, FteSummary, OptionSummary, Summary, days_in_week, mean_weekly, summarise,
    weekly_fte,
};

use crate::arrivals;
use crate::calendar::WorkCalendar;
use crate::fleet::{self, MAX_BACKLOG_AGE_DAYS};
use crate::metrics::{GroupCounts, OptionMetrics, PairedCounts, pair_populations};
use crate::process::{self, Context};
use crate::rng::Streams;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::time::Instant;

/// Everything measured in one replication (serialisable: shards write these and `merge` reads them back).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ReplicationResult {
    pub replication: u32,
    /// One per option, in scenario order.
    pub options: Vec<OptionMetrics>,
    /// Option i against option 0 (entry 0 compares the baseline with itself and is all zeros but the total).
    pub paired: Vec<PairedCounts>,
    /// Switches in the replication's history.
    pub switches: u64,
    /// Per option, its tracked episodes by group (`groups::keys` order), paired with the baseline option's.
    #[serde(default)]
    pub groups: Vec<Vec<GroupCounts>>,
    /// Where the replication's wall-clock time went: how it ran, not what it found, so it is never written with
    /// the results (`replications.json`); `manifest.json` carries the totals.
    #[serde(skip)]
    pub seconds: PhaseSeconds,
}

/// Wall-clock seconds spent in each phase of replications (summed over the replications counted).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhaseSeconds {
    /// Generating the fleet, the switching history and the active programme's order.
    pub world: f64,
    /// Each option's simulation, in scenario order. Options run side by side on the worker threads, so these
    /// overlap and add up to more than the wall time.
    pub options: Vec<f64>,
    /// The paired comparison of every option with the baseline, and the breakdowns.
    pub pairing: f64,
}

impl PhaseSeconds {
    /// The sum over `results` (an empty list gives zeros).
    pub fn total(results: &[ReplicationResult]) -> Self {
        let mut t = PhaseSeconds::default();
        for r in results {
            t.world += r.seconds.world;
            t.pairing += r.seconds.pairing;
            t.options.resize(t.options.len().max(r.seconds.options.len()), 0.0);
            for (sum, s) in t.options.iter_mut().zip(&r.seconds.options) {
                *sum += s;
            }
        }
        t
    }
}

/// How to execute an experiment (not part of the scenario: never changes a result).
#[derive(Debug, Clone, Copy)]
pub struct Execution {
    /// Worker threads (0 = rayon's default, one per core).
    pub threads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ExperimentError {
    #[error("cannot start {threads} worker threads: {source}")]
    ThreadPool { threads: usize, source: rayon::ThreadPoolBuildError },
}

/// Fixed memory of a run (calendar, tables, thread stacks, allocator), bytes.
const BASE_BYTES: u64 = 64 << 20;
/// Memory per installation of one replication in flight with all its options (fleet, switching history,
/// per-option state, per-site paired results), bytes: the measured peak RSS of one replication of `gb-full.toml`
/// (3 options, 2 threads) is 196 MiB at 1 M installations, 725 MiB at 4 M and 2 421 MiB at 14 M, i.e. 181–205 bytes
/// per installation including the fixed part, 176–185 without it (docs/performance.md, issue 15); 190 keeps a margin.
const BYTES_PER_INSTALLATION: u64 = 190;
/// Further bytes per installation for each option beyond three.
const BYTES_PER_INSTALLATION_OPTION: u64 = 25;

/// Weekly series kept per option and replication (`metrics::Weekly`: 10 series plus one per case type).
const WEEKLY_SERIES: u64 = 10 + crate::cases::ManualCase::COUNT as u64;
/// Histograms kept per option and replication (dormancy and restored service, in working and calendar days).
const HISTOGRAMS: u64 = 4;

/// Bytes of one replication's kept results (`ReplicationResult`), which every replication keeps until the summary:
/// per option its weekly series (8 bytes a week each) and histograms (8 bytes per day of the horizon, the largest
/// value they can hold), plus a few kilobytes of counters.
pub fn result_bytes(s: &Scenario) -> u64 {
    let weeks = (s.run.horizon_days.max(0) as u64).div_ceil(7);
    let per_option = 8 * (WEEKLY_SERIES * weeks + HISTOGRAMS * s.run.horizon_days.max(0) as u64) + 4096;
    per_option * s.options.len() as u64
}

/// Estimated peak memory of running `s` on `threads` worker threads: replications in flight at once × the
/// per-replication footprint, the results every replication keeps, plus a fixed part. Conservative by design (it
/// refuses rather than swaps).
pub fn estimate_peak_bytes(s: &Scenario, threads: usize) -> u64 {
    let in_flight = (threads.max(1) as u64).min(u64::from(s.run.replications.max(1)));
    let per_site = BYTES_PER_INSTALLATION + BYTES_PER_INSTALLATION_OPTION * (s.options.len() as u64).saturating_sub(3);
    let kept = u64::from(s.run.replications) * result_bytes(s);
    BASE_BYTES + in_flight * u64::from(s.fleet.installations) * per_site + kept
}

/// The calendar a scenario's runs use: covers the longest backlog age before day 0 and a year past the horizon.
pub fn calendar_for(s: &Scenario) -> WorkCalendar {
    WorkCalendar::new(s.run.calendar, s.run.start_date, -(MAX_BACKLOG_AGE_DAYS as i32) - 10, s.run.horizon_days)
}

/// Run replication `replication` of the scenario: all options on one fleet and one switching history.
pub fn run_replication(s: &Scenario, calendar: &WorkCalendar, replication: u32) -> ReplicationResult {
    run_replication_with_progress(s, calendar, replication, &|| {})
}

/// As [`run_replication`], calling `on_option_done` after each option's simulation (progress reporting only).
pub fn run_replication_with_progress(
    s: &Scenario,
    calendar: &WorkCalendar,
    replication: u32,
    on_option_done: &(dyn Fn() + Sync),
) -> ReplicationResult {
    let started = Instant::now();
    let streams = Streams::new(s.run.seed, replication);
    let fleet = fleet::generate(s, &streams);
    let history = arrivals::generate(s, &fleet, &streams);
    let active_order = process::active_order(&fleet);
    let ctx = Context { scenario: s, calendar, fleet: &fleet, history: &history, streams, active_order: &active_order };
    let world = started.elapsed().as_secs_f64();
    let (outcomes, option_seconds): (Vec<_>, Vec<_>) = (0..s.options.len())
        .into_par_iter()
        .map(|o| {
            let option_started = Instant::now();
            let outcome = process::simulate(&ctx, o);
            on_option_done();
            (outcome, option_started.elapsed().as_secs_f64())
        })
        .unzip();
    let pairing_started = Instant::now();
    let base = &outcomes[0];
    let paired = outcomes
        .iter()
        .map(|o| PairedCounts {
            populations: pair_populations(&base.tracked, &o.tracked),
            ..pair(&base.site_dormant_wd, &o.site_dormant_wd)
        })
        .collect();
    let groups = outcomes.par_iter().map(|o| groups::count(s, &fleet, &base.tracked, &o.tracked)).collect();
    ReplicationResult {
        replication,
        options: outcomes.into_iter().map(|o| o.metrics).collect(),
        paired,
        switches: history.events.len() as u64,
        groups,
        seconds: PhaseSeconds { world, options: option_seconds, pairing: pairing_started.elapsed().as_secs_f64() },
    }
}

/// The replications of shard `index` of `count` (0-based): every replication r with r mod count = index, so the
/// shards of a study partition `0..replications` whatever the number of machines.
pub fn shard_replications(replications: u32, index: u32, count: u32) -> Vec<u32> {
    (0..replications).filter(|r| r % count.max(1) == index).collect()
}

/// Per-installation paired comparison of dormant working days (option vs baseline).
fn pair(base: &[u32], option: &[u32]) -> PairedCounts {
    let mut p = PairedCounts::default();
    for (b, o) in base.iter().zip(option) {
        if *b > 0 || *o > 0 {
            p.sites_dormant_in_either += 1;
            p.sites_faster += u64::from(o < b);
            p.sites_slower += u64::from(o > b);
            p.dormant_wd_saved += i64::from(*b) - i64::from(*o);
        }
    }
    p
}

/// Run the replications numbered `replications` in parallel; `on_done` is called once per simulated option of
/// each replication, i.e. `replications.len() × options` times (for progress reporting; it cannot influence results).
pub fn run(
    s: &Scenario,
    replications: &[u32],
    exec: Execution,
    on_done: &(dyn Fn() + Sync),
) -> Result<Vec<ReplicationResult>, ExperimentError> {
    let calendar = calendar_for(s);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(exec.threads)
        .build()
        .map_err(|source| ExperimentError::ThreadPool { threads: exec.threads, source })?;
    Ok(pool.install(|| {
        replications.par_iter().map(|&r| run_replication_with_progress(s, &calendar, r, on_done)).collect()
    }))
}
