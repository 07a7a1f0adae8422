//! Mergeable accumulators filled as a simulation runs (no per-event storage), and the statistics over
//! replications computed from them.

mod episodes;
mod groups;
mod histogram;
mod stats;

pub use episodes::{
    EpisodeEnd, FastTrackFunnel, NotifiedDates, POPULATIONS, Population, PopulationMetrics, PopulationPair, STAGES,
    Stage, Tracked, pair_populations,
};
pub use groups::GroupCounts;
pub use histogram::Histogram;
pub use stats::{MeanCi, mean_ci95, nan_from_null, nan_map_from_null, nan_rows, nan_rows_from_null};

use crate::cases::ManualCase;
use serde::{Deserialize, Serialize};

/// Weekly counts from the run's start (week w covers days 7w..7w+6); days outside [0, horizon) are not counted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Weekly {
    pub horizon_days: i32,
    pub new_dormant: Vec<u64>,
    pub ended: Vec<u64>,
    pub migrations: Vec<u64>,
    pub active_migrations: Vec<u64>,
    /// DCC migration attempts (dormant and active) per week, against the daily capacity.
    pub dcc_attempts: Vec<u64>,
    /// SMSO configuration requests per week, and the most requests waiting for a free server (all SMSOs) at once.
    pub smso_requests: Vec<u64>,
    pub smso_waiting_peak: Vec<u64>,
    /// Manual cases per week, one series per case type (`ManualCase as usize`).
    pub manual: Vec<Vec<u64>>,
    /// Episodes begun in the run and ended by migration, by the week they *began*, and their summed working days
    /// of dormancy (the series the warm-up is chosen from).
    pub migrated_by_start: Vec<u64>,
    pub migrated_by_start_wd: Vec<u64>,
}

impl Weekly {
    pub fn new(horizon_days: i32) -> Self {
        let z = vec![0; (horizon_days.max(0) as usize).div_ceil(7)];
        Self {
            horizon_days,
            new_dormant: z.clone(),
            ended: z.clone(),
            migrations: z.clone(),
            active_migrations: z.clone(),
            dcc_attempts: z.clone(),
            smso_requests: z.clone(),
            smso_waiting_peak: z.clone(),
            manual: vec![z.clone(); ManualCase::COUNT],
            migrated_by_start: z.clone(),
            migrated_by_start_wd: z,
        }
    }

    pub fn weeks(&self) -> usize {
        self.new_dormant.len()
    }

    /// Does `day` fall inside the horizon?
    #[inline]
    fn inside(&self, day: i32) -> bool {
        day >= 0 && day < self.horizon_days
    }

    #[inline]
    fn bump(series: &mut [u64], day: i32) {
        series[day as usize / 7] += 1;
    }

    /// All manual cases in week `w`.
    pub fn manual_total(&self, w: usize) -> u64 {
        self.manual.iter().map(|s| s[w]).sum()
    }

    /// Dormant stock at the end of each week, from the initial stock and the weekly inflow and outflow.
    pub fn stock(&self, initial: u64) -> Vec<u64> {
        let mut s = initial as i64;
        self.new_dormant
            .iter()
            .zip(&self.ended)
            .map(|(i, o)| {
                s += *i as i64 - *o as i64;
                s.max(0) as u64
            })
            .collect()
    }
}

/// Everything measured for one option in one replication.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OptionMetrics {
    /// Installations dormant at some time during the run (backlog included).
    pub dormant_sites: u64,
    /// Installations dormant at the start.
    pub backlog_sites: u64,
    /// Dormancy episodes that started during the run.
    pub new_episodes: u64,
    /// Episodes ended by a successful migration (backlog included), and those of them that started in the run.
    pub migrated: u64,
    pub migrated_new: u64,
    /// Episodes ended by a switch to a supplier that can operate the SMSO.
    pub reactivated: u64,
    /// Installations dormant at the end of the horizon (excluded ones included), and excluded ones.
    pub still_dormant_at_end: u64,
    pub excluded_at_end: u64,
    /// Episodes that started in the run and ended in migration: working days and calendar days of dormancy.
    pub dormancy_wd: Histogram,
    pub dormancy_days: Histogram,
    /// Working days from the first SMSO configuration request to a successful configuration.
    pub firmware_wait_wd_sum: f64,
    pub firmware_configs: u64,
    /// Configurations that finished later than the SMSO's SLA after the request.
    pub firmware_late: u64,
    pub manual_cases: [u64; ManualCase::COUNT],
    pub weekly: Weekly,
    /// Installations migrated by the active programme (never dormant at the time).
    pub active_migrated: u64,
    /// Dormant migrations after which smart service resumed within the horizon (R12), and the second clock for
    /// episodes that began in the run: SSD to restored service.
    pub restored: u64,
    pub restored_wd: Histogram,
    pub restored_days: Histogram,
    /// Migrated installations still waiting for a DCC-ready supplier at the end.
    pub service_pending_at_end: u64,
    /// Dormant installations at day 0, and the integral of the dormant stock over the horizon (site-days).
    pub initial_stock: u64,
    pub stock_site_days: u64,
    /// Sum over episodes of their days inside the horizon; equals `stock_site_days` (Little's law identity).
    pub episode_site_days: u64,
    /// Of those, the days of episodes still open at the horizon (censored).
    pub open_site_days: u64,
    /// Events the engine processed (exogenous switches included).
    pub events: u64,
    /// Tracked episodes (each installation's backlog or first in-run episode) by population (`Population as
    /// usize`): dormancy inside the horizon and its decomposition by stage.
    pub populations: [PopulationMetrics; POPULATIONS],
    /// Dormant migrations in the horizon that followed a notice: notified date kept, or why not.
    pub notified: NotifiedDates,
    /// Switches → dormancy → DMC listed → fast-tracked (R17).
    pub funnel: FastTrackFunnel,
    /// R4: episodes in which some but not all fuels of an installation were dormant (split supply), and their
    /// installation-days inside the horizon.
    pub partial_episodes: u64,
    pub partial_site_days: u64,
    /// R12: migrated installations that lost smart service again by switching to a supplier not yet DCC-ready.
    pub service_lost: u64,
}

impl OptionMetrics {
    pub fn new(horizon_days: i32) -> Self {
        Self { weekly: Weekly::new(horizon_days), ..Default::default() }
    }

    /// A manual case on `day`; cases dated outside the horizon (e.g. an escalation due after it) are not counted.
    pub fn record_manual(&mut self, case: ManualCase, day: i32) {
        if self.weekly.inside(day) {
            self.manual_cases[case as usize] += 1;
            Weekly::bump(&mut self.weekly.manual[case as usize], day);
        }
    }

    pub fn record_new_dormant(&mut self, day: i32) {
        self.new_episodes += 1;
        if self.weekly.inside(day) {
            Weekly::bump(&mut self.weekly.new_dormant, day);
        }
    }

    pub fn record_end(&mut self, day: i32, by_migration: bool) {
        if by_migration {
            self.migrated += 1;
        } else {
            self.reactivated += 1;
        }
        if self.weekly.inside(day) {
            Weekly::bump(&mut self.weekly.ended, day);
            if by_migration {
                Weekly::bump(&mut self.weekly.migrations, day);
            }
        }
    }

    /// An episode that began on `since` (inside the horizon) ended by migration after `wd` working days.
    pub fn record_migrated_by_start(&mut self, since: i32, wd: u32) {
        if self.weekly.inside(since) {
            let w = since as usize / 7;
            self.weekly.migrated_by_start[w] += 1;
            self.weekly.migrated_by_start_wd[w] += u64::from(wd);
        }
    }

    pub fn record_dcc_attempt(&mut self, day: i32) {
        if self.weekly.inside(day) {
            Weekly::bump(&mut self.weekly.dcc_attempts, day);
        }
    }

    /// An SMSO request on `day`, with `waiting` requests queued for a server across all SMSOs afterwards.
    pub fn record_smso_request(&mut self, day: i32, waiting: u64) {
        if self.weekly.inside(day) {
            let w = day as usize / 7;
            self.weekly.smso_requests[w] += 1;
            self.weekly.smso_waiting_peak[w] = self.weekly.smso_waiting_peak[w].max(waiting);
        }
    }

    pub fn record_active_migration(&mut self, day: i32) {
        self.active_migrated += 1;
        if self.weekly.inside(day) {
            Weekly::bump(&mut self.weekly.active_migrations, day);
        }
    }

    pub fn manual_total(&self) -> u64 {
        self.manual_cases.iter().sum()
    }

    /// Mean firmware wait in working days (NaN when nothing was configured).
    pub fn firmware_wait_mean(&self) -> f64 {
        if self.firmware_configs == 0 { f64::NAN } else { self.firmware_wait_wd_sum / self.firmware_configs as f64 }
    }
}

/// Paired per-installation comparison of an option against the baseline option in one replication.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PairedCounts {
    /// Installations dormant at some time under either option.
    pub sites_dormant_in_either: u64,
    /// Of those, installations with fewer dormant working days under the option than under the baseline.
    pub sites_faster: u64,
    pub sites_slower: u64,
    /// Sum over those installations of (baseline − option) dormant working days within the horizon.
    pub dormant_wd_saved: i64,
    /// The same tracked episodes under both options, per population (`Population as usize`).
    pub populations: [PopulationPair; POPULATIONS],
}
