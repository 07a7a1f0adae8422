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
        chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map(RawDate)
            .map_err(|e| D::Error::custom(format!("expected a date YYYY-MM-DD, got `{text}` ({e})")))
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
    pub options: IndexMap<String, RawOption>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    pub start_date: RawDate,
    pub horizon_days: Option<i64>,
    pub replications: Option<i64>,
    pub seed: Option<i64>,
    pub calendar: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFleet {
    pub installations: i64,
    pub represents: Option<i64>,
    pub dual_fuel_share: Option<f64>,
    pub split_supply_share: Option<f64>,
    pub prepayment_share: Option<f64>,
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
}
