//! `manifest.json`: what produced a run (version, resolved scenario and its hash, seed, replications, threads,
//! wall time), so any figure can be traced back and reproduced.

use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub dormsim_version: String,
    pub scenario_name: String,
    /// Where the scenario came from: a file path or `<embedded baseline>`.
    pub scenario_source: String,
    /// `--set` overrides applied on top of the file, in order.
    pub overrides: Vec<String>,
    pub scenario_hash: String,
    pub seed: u64,
    pub replications: u32,
    /// `[index, count]` when this run is one shard of a split study (`--shard I/N`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<[u32; 2]>,
    pub threads: usize,
    /// Set when replications were added until a precision target was met (`--precision`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<crate::experiment::PrecisionRecord>,
    /// What a multi-run study (`sweep`, `plan`, `sensitivity`) did: its command, keys and settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub study: Option<serde_json::Value>,
    /// SHA-256 of `replications.json` as written, so `dormsim merge` can tell an edited or damaged shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications_sha256: Option<String>,
    pub wall_time_seconds: f64,
    /// Where `wall_time_seconds` went, summed over replications (`dormsim run` only; see docs/performance.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_seconds: Option<crate::experiment::PhaseSeconds>,
    pub events_processed: u64,
    pub events_per_second: f64,
    /// The scenario exactly as simulated (defaults filled, counts and capacities scaled to the sample).
    pub resolved_scenario: serde_json::Value,
}

impl Manifest {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        s: &Scenario,
        source: &str,
        overrides: &[String],
        replications: u32,
        threads: usize,
        wall_time_seconds: f64,
        events_processed: u64,
    ) -> Self {
        Self {
            dormsim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_name: s.name.clone(),
            scenario_source: source.to_string(),
            overrides: overrides.to_vec(),
            scenario_hash: s.hash(),
            seed: s.run.seed,
            replications,
            shard: None,
            threads,
            precision: None,
            study: None,
            replications_sha256: None,
            wall_time_seconds,
            phase_seconds: None,
            events_processed,
            events_per_second: if wall_time_seconds > 0.0 { events_processed as f64 / wall_time_seconds } else { 0.0 },
            resolved_scenario: serde_json::to_value(s).expect("scenario serialises"),
        }
    }
}

/// SHA-256 of `text`, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
