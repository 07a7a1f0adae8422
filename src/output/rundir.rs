//! A finished run read back from its folder: `summary.json`, `manifest.json`, `scenario.toml`, the Parquet
//! tables and the raw replications (`replications.json`, for paired contrasts the summary does not hold). Charts
//! and the report are built from this alone.

use super::{Manifest, OutputError};
use crate::experiment::{ReplicationResult, Summary};
use polars::prelude::*;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

pub struct RunDir {
    pub dir: PathBuf,
    pub summary: Summary,
    pub manifest: Manifest,
    /// The scenario file as it was read (its comments carry the source of each assumption).
    pub scenario_text: String,
    pub distribution: DataFrame,
    pub weekly: DataFrame,
    pub manual_weekly: DataFrame,
    /// Per option × population × stage (`populations.parquet`).
    pub populations: DataFrame,
    /// Every replication's raw results (`replications.json`).
    pub replications: Vec<ReplicationResult>,
    /// An uncertainty study of this scenario attached with `dormsim report RUN --uncertainty STUDY`
    /// (`uncertainty_summary.json`, a copy of the study's `summary.json`).
    pub uncertainty: Option<crate::experiment::uncertainty::StudySummary>,
}

/// The attached study's summary in a run folder.
pub const UNCERTAINTY_FILE: &str = "uncertainty_summary.json";

fn read_error(path: &Path, message: impl ToString) -> OutputError {
    OutputError::Read { path: path.to_path_buf(), message: message.to_string() }
}

pub(crate) fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, OutputError> {
    let text = fs::read_to_string(path).map_err(|e| OutputError::io(path, e))?;
    serde_json::from_str(&text).map_err(|e| read_error(path, e))
}

fn read_parquet(path: &Path) -> Result<DataFrame, OutputError> {
    let file = File::open(path).map_err(|e| OutputError::io(path, e))?;
    ParquetReader::new(file).finish().map_err(|e| read_error(path, e))
}

impl RunDir {
    pub fn load(dir: &Path) -> Result<RunDir, OutputError> {
        let scenario_path = dir.join("scenario.toml");
        Ok(RunDir {
            dir: dir.to_path_buf(),
            summary: read_json(&dir.join("summary.json"))?,
            manifest: read_json(&dir.join("manifest.json"))?,
            scenario_text: fs::read_to_string(&scenario_path).map_err(|e| OutputError::io(&scenario_path, e))?,
            distribution: read_parquet(&dir.join("dormancy_distribution.parquet"))?,
            weekly: read_parquet(&dir.join("weekly.parquet"))?,
            manual_weekly: read_parquet(&dir.join("manual_weekly.parquet"))?,
            populations: read_parquet(&dir.join("populations.parquet"))?,
            replications: read_json(&dir.join(super::REPLICATIONS_FILE))?,
            uncertainty: match dir.join(UNCERTAINTY_FILE) {
                p if p.is_file() => Some(read_json(&p)?),
                _ => None,
            },
        })
    }
}
