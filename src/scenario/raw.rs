//! The scenario file as written: serde structs with `deny_unknown_fields`, optional where a default exists.
//!
//! Nothing here is validated; `resolve.rs` turns a `RawScenario` into a checked `Scenario` and is the one place
//! where defaults live. Maps keep file order (`IndexMap`), which matters for options: the first is the baseline.

use crate::dist::RawDuration;
use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize};

/// A date written either as a TOML local date (`2020-07-01`) or as a string (`"2020-07-01"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RawDate(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let text = match toml::Value::deserialize(d)? {
            toml::Value::Datetime(dt) => dt.to_string(),
            toml::Value::String(s) => s,
            other => return Err(D::Error::custom(format!("expected a date YYYY-MM-DD, got {}", other.type_str()))),
        };
        let date = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|e| D::Error::custom(format!("expected a date YYYY-MM-DD, got `{text}` ({e})")))?;
        // chrono also parses signed years beyond 9999 (`"+262142-06-01"`), whose working-day calendar would run
        // past chrono's last date and panic: only four-digit years are dates a scenario can mean.
        if !(1..=9999).contains(&chrono::Datelike::year(&date)) {
            return Err(D::Error::custom(format!(
                "expected a date YYYY-MM-DD with a year from 1 to 9999, got `{text}`"
            )));
        }
        Ok(RawDate(date))
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub run: RawRun,
    pub fleet: RawFleet,
    pub suppliers: IndexMap<String, RawSupplier>,
    pub switching: RawSwitching,
    pub smsos: IndexMap<String, RawSmso>,
    pub dcc: RawDcc,
    pub prepayment: Option<RawPrepayment>,
    pub manual: Option<RawManual>,
    pub options: IndexMap<String, RawOption>,
    /// Settings of `dormsim sensitivity` (not used by a run).
    pub sensitivity: Option<RawSensitivity>,
    /// The assumptions register: source, quality and plausible range per key or key pattern (`register.rs`).
    pub assumptions: Option<IndexMap<String, RawAssumption>>,
    /// `[[validation]]`: public figures every run is held against (`validation.rs`).
    pub validation: Option<Vec<super::validation::RawFigure>>,
}

/// `[assumptions."KEY"]`: one register entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawAssumption {
    pub basis: super::register::Basis,
    pub source: String,
    pub quality: Option<super::register::Quality>,
    pub vary: Option<RawVary>,
    pub rationale: Option<String>,
}

/// `vary = { min = …, max = … }`, `{ scale = [low, high] }` or `{ shift_days = [earliest, latest] }`, with an
/// optional `shape`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawVary {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub scale: Option<[f64; 2]>,
    pub shift_days: Option<[f64; 2]>,
    pub shape: Option<super::register::Shape>,
}

/// `[sensitivity]`: the ± percentage applied to every numeric key, keys left out, and explicit low/high values.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSensitivity {
    pub percent: Option<f64>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub bounds: IndexMap<String, [toml::Value; 2]>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    pub start_date: RawDate,
    pub horizon_days: Option<i64>,
    pub warmup_weeks: Option<i64>,
    pub replications: Option<i64>,
    pub seed: Option<i64>,
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFleet {
    pub installations: i64,
    pub represents: Option<i64>,
    /// Share of `represents` to simulate (sampled mode, `--sample`); replaces `installations` when present.
    pub sample: Option<f64>,
    pub dual_fuel_share: Option<f64>,
    pub split_supply_share: Option<f64>,
    pub prepayment_share: Option<f64>,
    /// Share of installations whose devices hold the Null supplier certificate (R8 check skipped).
    pub null_certificate_share: Option<f64>,
    pub backlog: Option<RawBacklog>,
    pub cohorts: IndexMap<String, RawCohort>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBacklog {
    pub count: i64,
    pub age_days: RawDuration,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCohort {
    pub share: f64,
    pub dmcs: IndexMap<String, RawDmc>,
    pub active_migration: Option<RawActiveMigration>,
}

/// The active migration programme of a cohort: its active installations are scheduled uniformly over the window.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawActiveMigration {
    pub start: RawDate,
    pub end: RawDate,
    /// Share of the cohort's installations in the programme (default 1).
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDmc {
    pub share: f64,
    pub smso: String,
    pub epcl_date: Option<RawDate>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupplier {
    pub market_share: f64,
    #[serde(default)]
    pub operates: Vec<String>,
    /// Date the supplier is "SMETS1 ready" (R12); absent = ready throughout.
    pub dcc_ready_date: Option<RawDate>,
    /// Probability that, as gaining supplier, it asks DCC to remove a newly dormant site from migration (R10).
    pub removal_probability: Option<f64>,
    /// Probability that, as losing supplier, it fails to switch a prepayment meter to credit mode (R11).
    pub credit_mode_failure_probability: Option<f64>,
    /// Working days it takes, once migrated and ready, to update the devices' security certificates (R13).
    pub certificate_update_lag_wd: Option<RawDuration>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSwitching {
    pub annual_rate: f64,
    pub seasonality: Option<Vec<f64>>,
    pub registration_to_ssd_days: RawDuration,
    #[serde(default)]
    pub bulk_transfers: Vec<RawBulkTransfer>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBulkTransfer {
    pub date: RawDate,
    pub from: String,
    pub to: String,
    /// Share of the failing supplier's installations moved (default 1).
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSmso {
    pub lead_time_wd: RawDuration,
    pub sla_wd: Option<f64>,
    pub failure_probability: Option<f64>,
    pub retry_delay_wd: Option<i64>,
    pub max_attempts: Option<i64>,
    /// Configurations in progress at once, at represented scale; absent = unlimited.
    pub servers: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDcc {
    /// Dormant migrations per working day at represented scale; absent = unlimited.
    pub daily_capacity: Option<f64>,
    pub failure_probability: Option<f64>,
    pub retry_delay_wd: Option<i64>,
    pub max_attempts: Option<i64>,
    /// Share of each day's capacity reserved for dormant migrations; the active programme may use the rest.
    pub dormant_share: Option<f64>,
    /// Days after a CoS gain within which the gaining supplier may ask for removal from an active migration (R10).
    pub removal_window_days: Option<i64>,
    /// Weekday of DCC's weekly file of devices whose certificates are not updated (R13).
    pub certificate_file_weekday: Option<String>,
    /// Working days after migration before a device with certificates not updated is listed in the weekly file.
    pub certificate_grace_wd: Option<i64>,
    /// Working days after the SSD before DCC knows of the switch from Registration Data and can start the process.
    pub registration_lag_wd: Option<i64>,
    /// Order in which dormant migrations get DCC's booked capacity: `fast-track-first` or `fifo`.
    pub fast_track_priority: Option<String>,
    /// With `fast-track-first`: standard notices leave free this multiple of the forecast fast-track demand.
    pub fast_track_reserve_margin: Option<f64>,
    /// Working days of fast-track arrivals the forecast averages.
    pub fast_track_forecast_wd: Option<i64>,
    /// Working days for the DCC Service Flag to reach a gaining supplier after a migration (R15).
    pub service_flag_lag_wd: Option<i64>,
}

/// R11: prepayment meters on a dormancy-causing switch.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrepayment {
    /// Working days after the SSD the losing supplier takes to switch the meter to credit mode; a migration before
    /// then leaves it in prepayment mode.
    pub mode_switch_lag_wd: Option<RawDuration>,
    /// Credit-mode failures of one losing supplier in a calendar month (represented scale) that make the problem
    /// "persistent across multiple customers": escalated to SECAS.
    pub secas_threshold_per_month: Option<f64>,
}

/// R15: who handles each manual case and how long it takes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawManual {
    pub hours_per_fte_week: Option<f64>,
    #[serde(default)]
    pub cases: IndexMap<String, RawCaseHandling>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawCaseHandling {
    pub party: Option<String>,
    pub minutes: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub description: Option<String>,
    pub eligibility: Option<String>,
    pub fallback: Option<String>,
    pub effective_from: Option<RawDate>,
    pub schedule_cycle_wd: Option<i64>,
    pub schedule_delay_wd: Option<RawDuration>,
    pub notice_wd: i64,
    pub config_request_wd: Option<i64>,
    pub cos_check_days: Option<i64>,
    pub cos_check_wd: Option<i64>,
    /// Working days before migration of the Migration Authorisation and the Migration Common File (R9).
    pub authorisation_wd: Option<i64>,
    pub common_file_wd: Option<i64>,
    /// Which dormant migrations this option's CoS check window applies to: `all-routes` (the amended Table 5.10
    /// text applies to every dormant migration) or `own-route` (fallback migrations keep the fallback's window).
    pub cos_check_scope: Option<String>,
}
