//! Scenarios: the TOML file (`raw`), `--set` overrides and key locations (`locate`), and the validated `Scenario`
//! with every default filled in (`resolve`). Loading is the only entry point: text in, `Scenario` or a
//! `ScenarioError` naming source, key and line out. Nothing here reads files or the environment.

pub mod error;
pub mod locate;
pub mod raw;
pub mod register;
pub mod resolve;
pub mod validation;

pub use error::{KeyError, ScenarioError};

use crate::calendar::Region;
use crate::cases::{ManualCase, Party};
use crate::dist::Duration;
use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The baseline scenario compiled into the binary.
pub const EMBEDDED_BASELINE: &str = include_str!("../../scenarios/baseline.toml");
/// How errors in the embedded baseline name their source.
pub const EMBEDDED_SOURCE: &str = "<embedded baseline>";

/// A validated scenario. Counts and capacities are already scaled to the simulated sample
/// (`fleet.installations / fleet.represents`). Day numbers (`*_day`) count calendar days from `run.start_date`.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub run: RunConfig,
    pub fleet: FleetConfig,
    pub dmcs: Vec<Dmc>,
    pub suppliers: Vec<Supplier>,
    pub switching: Switching,
    pub smsos: Vec<Smso>,
    pub dcc: Dcc,
    pub prepayment: Prepayment,
    pub manual: ManualConfig,
    pub options: Vec<OptionSpec>,
    /// The assumptions register (`[assumptions]`): sources, quality, ranges. Changes no simulated number, so it is
    /// not part of the scenario's hash.
    #[serde(skip)]
    pub register: register::Register,
    /// Public figures every run is held against (`[[validation]]`). Not serialised when empty, so scenarios without
    /// any keep their hash.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub validation: Vec<validation::Figure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunConfig {
    pub start_date: NaiveDate,
    pub horizon_days: i32,
    /// Weeks at the start whose statistics are discarded (episodes begun in them, manual work in them); 0 = none.
    /// Not serialised when 0, so scenarios without a warm-up keep their hash.
    #[serde(skip_serializing_if = "is_zero")]
    pub warmup_weeks: u32,
    pub replications: u32,
    pub seed: u64,
    pub calendar: Region,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

impl RunConfig {
    /// First day (from the start) whose statistics count.
    pub fn warmup_days(&self) -> i32 {
        self.warmup_weeks as i32 * 7
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FleetConfig {
    /// Installations simulated.
    pub installations: u32,
    /// Installations the sample stands for.
    pub represents: u64,
    /// installations / represents: multiplies represented-scale counts and capacities.
    pub sample_fraction: f64,
    pub dual_fuel_share: f64,
    pub split_supply_share: f64,
    pub prepayment_share: f64,
    pub null_certificate_share: f64,
    /// Installations already dormant at the start (simulated scale) and how long they have been.
    pub backlog_sites: u32,
    pub backlog_age_days: Duration,
    pub cohorts: Vec<Cohort>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cohort {
    pub name: String,
    pub share: f64,
    pub active_migration: Option<ActiveMigration>,
}

/// A cohort's active migration programme: installations scheduled uniformly over [start_day, end_day].
#[derive(Debug, Clone, Serialize)]
pub struct ActiveMigration {
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub start_day: i32,
    pub end_day: i32,
    pub share: f64,
}

/// A device model combination: cohort, SMSO and EPCL listing (R2, R20).
#[derive(Debug, Clone, Serialize)]
pub struct Dmc {
    pub name: String,
    pub cohort: usize,
    /// Share of the whole fleet (cohort share × share within cohort).
    pub fleet_share: f64,
    pub smso: usize,
    pub epcl_date: Option<NaiveDate>,
    /// Day the DMC joins the EPCL (may be negative = before the run); `None` = never within the run.
    pub epcl_day: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Supplier {
    pub name: String,
    /// Normalised to sum to 1 over suppliers.
    pub market_share: f64,
    /// Bit i set = can operate SMSO i without DCC.
    pub operates_mask: u64,
    /// First day the supplier is SMETS1 ready (R12); `None` = ready throughout.
    pub dcc_ready_date: Option<NaiveDate>,
    pub dcc_ready_day: i32,
    pub removal_probability: f64,
    pub credit_mode_failure_probability: f64,
    pub certificate_update_lag_wd: Duration,
}

impl Supplier {
    #[inline]
    pub fn can_operate(&self, smso: usize) -> bool {
        self.operates_mask & (1u64 << smso) != 0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Switching {
    /// Expected CoS per installation per year.
    pub annual_rate: f64,
    /// Monthly multipliers Jan..Dec, mean 1.
    pub seasonality: [f64; 12],
    pub registration_to_ssd_days: Duration,
    pub bulk_transfers: Vec<BulkTransfer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BulkTransfer {
    pub date: NaiveDate,
    pub day: i32,
    pub from: usize,
    pub to: usize,
    pub share: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Smso {
    pub name: String,
    pub lead_time_wd: Duration,
    pub sla_wd: f64,
    pub failure_probability: f64,
    pub retry_delay_wd: i32,
    pub max_attempts: u32,
    /// Concurrent configurations (simulated scale, >= 1); `None` = unlimited.
    pub servers: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dcc {
    /// Dormant migrations per working day (simulated scale, may be fractional); `None` = unlimited.
    pub daily_capacity: Option<f64>,
    pub failure_probability: f64,
    pub retry_delay_wd: i32,
    pub max_attempts: u32,
    /// Share of each day's capacity reserved for dormant migrations (the rest goes to the active programme first).
    pub dormant_share: f64,
    /// R10: days after a CoS gain within which a gaining supplier may ask to remove a site from active migration.
    pub removal_window_days: i32,
    /// 0 = Monday … 6 = Sunday.
    pub certificate_file_weekday: u32,
    /// R13: working days after migration before a device not yet updated is listed in the weekly file.
    pub certificate_grace_wd: i32,
    /// Working days from the SSD until DCC learns of the switch (Registration Data) and can start the process.
    pub registration_lag_wd: i32,
    pub fast_track_priority: FastTrackPriority,
    /// With `fast-track-first`, standard notices leave free `margin` × the mean fast-track arrivals per working day
    /// over the last `forecast_wd` working days.
    pub fast_track_reserve_margin: f64,
    pub fast_track_forecast_wd: i32,
    /// R15: working days the DCC Service Flag takes to reach a gaining supplier after a migration.
    pub service_flag_lag_wd: i32,
}

/// How fast-track and standard migration files share DCC's dormant capacity (R14: "separate migration files").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FastTrackPriority {
    /// Fast-track notices are planned first each day, and standard notices leave a reserve for the fast-track
    /// notices to come (a forecast from recent fast-track demand).
    FastTrackFirst,
    /// One queue in order of readiness; no capacity held back.
    Fifo,
}

#[derive(Debug, Clone, Serialize)]
pub struct Prepayment {
    /// R11: working days after the SSD before the losing supplier has switched the meter to credit mode.
    pub mode_switch_lag_wd: Duration,
    /// R11: credit-mode failures per losing supplier and calendar month (simulated scale) that trigger a SECAS
    /// escalation; `None` = never escalated.
    pub secas_threshold_per_month: Option<f64>,
}

/// Handling of one case type.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CaseHandling {
    pub party: Party,
    pub minutes: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManualConfig {
    pub hours_per_fte_week: f64,
    /// Indexed by `ManualCase as usize`.
    pub handling: Vec<CaseHandling>,
}

impl ManualConfig {
    pub fn handling(&self, case: ManualCase) -> CaseHandling {
        self.handling[case as usize]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Eligibility {
    /// Every dormant installation takes this option's timeline.
    All,
    /// Only installations that became dormant on or after both their DMC's EPCL date and `effective_from` (R3);
    /// the others take the `fallback` option's timeline.
    NewlyDormant,
}

/// The CoS check window before migration (R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CosCheckWindow {
    CalendarDays(i32),
    WorkingDays(i32),
}

/// One migration timeline (R5); all options run through the same process code (R14).
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    /// Notices go out only on every n-th working day from the start (0 or 1 = any working day).
    pub schedule_cycle_wd: i32,
    /// Extra delay before the site joins a scheduling cycle.
    pub schedule_delay_wd: Duration,
    pub notice_wd: i32,
    pub config_request_wd: i32,
    pub cos_check: CosCheckWindow,
    /// Migration Authorisation and Migration Common File, working days before the migration day (R9).
    pub authorisation_wd: i32,
    pub common_file_wd: i32,
}

/// Which dormant migrations an option's CoS check window applies to (R8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckScope {
    /// Every dormant migration under the option (the amended Table 5.10 text).
    AllRoutes,
    /// Only migrations on the option's own route; fallback migrations keep the fallback's window.
    OwnRoute,
}

#[derive(Debug, Clone, Serialize)]
pub struct OptionSpec {
    pub name: String,
    pub description: String,
    pub eligibility: Eligibility,
    /// Index of the option whose timeline ineligible installations take.
    pub fallback: Option<usize>,
    pub effective_from: NaiveDate,
    pub effective_from_day: i32,
    pub timeline: Timeline,
    pub cos_check_scope: CheckScope,
}

impl Scenario {
    /// Load from TOML text: parse, apply `overrides` (`KEY=VALUE`, in order), deserialise, validate.
    /// `source` names the text in errors.
    pub fn load(text: &str, source: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        resolve::load(text, source, overrides)
    }

    /// Every problem of the scenario (empty when it is valid), for `dormsim validate`.
    pub fn check_all(text: &str, source: &str, overrides: &[String]) -> Vec<ScenarioError> {
        resolve::check_all(text, source, overrides)
    }

    /// The embedded baseline with overrides.
    pub fn baseline(overrides: &[String]) -> Result<Scenario, ScenarioError> {
        Self::load(EMBEDDED_BASELINE, EMBEDDED_SOURCE, overrides)
    }

    /// SHA-256 of the resolved scenario's canonical JSON: two runs with the same hash used the same inputs.
    pub fn hash(&self) -> String {
        let json = serde_json::to_vec(self).expect("scenario serialises");
        let digest = Sha256::digest(&json);
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }
}
