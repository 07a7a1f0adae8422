//! Writing a finished run: one exporter per artefact behind the small [`Exporter`] trait, and a console table.
//! Then the presentation layer: charts and the report are built from the *written* files only ([`RunDir`]), so
//! `dormsim report RUN_DIR` rebuilds exactly what `dormsim run` wrote.
//!
//! Outputs are written into a staging folder next to the destination and moved into place only when every
//! exporter has succeeded, so a failed run leaves no partial output.

mod breakdown_table;
pub mod charts;
pub mod compare;
mod console;
pub mod labels;
mod manifest;
pub mod plan;
mod population_table;
pub mod report;
mod rundir;
pub mod sensitivity;
pub mod staging;
pub mod studies;
pub mod sweep;
mod tables;
pub mod uncertainty;
pub mod workbook;

pub use breakdown_table::breakdowns_frame;
pub use console::render_summary;
pub use manifest::{Manifest, sha256_hex};
pub use population_table::populations_frame;
pub use rundir::{RunDir, UNCERTAINTY_FILE};
pub use staging::{Staging, abandon_all, check_destination, check_same_scenario, recover};
pub use tables::{
    PER_REPLICATION, distribution_frame, manual_weekly_frame, per_replication_frame, weekly_columns, weekly_frame,
};

use crate::experiment::{ReplicationResult, Summary};
use crate::scenario::Scenario;
use std::fs;
use std::path::{Path, PathBuf};

/// Everything an exporter may read.
pub struct RunArtifacts<'a> {
    pub scenario: &'a Scenario,
    pub summary: &'a Summary,
    pub replications: &'a [ReplicationResult],
    pub manifest: &'a Manifest,
    /// The scenario file's text as read (written as `scenario.toml`; its comments document the assumptions).
    pub scenario_text: &'a str,
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{path}: {cause}")]
    Io { path: PathBuf, cause: std::io::Error },
    #[error("output folder {path} {message}")]
    Destination { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Table { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}: chart: {message}")]
    Chart { path: PathBuf, message: String },
}

impl OutputError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), cause: source }
    }
}

/// One output format.
pub trait Exporter {
    /// Write into `dir`; return the files written (relative names).
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError>;
}

struct SummaryJson;
struct ManifestJson;
struct ScenarioToml;
struct ReplicationsJson;

/// File holding every replication's raw results: what `dormsim merge` combines across shards.
pub const REPLICATIONS_FILE: &str = "replications.json";

/// `replications.json` exactly as written (its digest goes into the manifest).
pub fn replications_text(reps: &[crate::experiment::ReplicationResult]) -> String {
    serde_json::to_string(reps).expect("serialisable")
}

impl Exporter for ReplicationsJson {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        let path = dir.join(REPLICATIONS_FILE);
        fs::write(&path, replications_text(run.replications)).map_err(|e| OutputError::io(&path, e))?;
        Ok(vec![REPLICATIONS_FILE.into()])
    }
}

impl Exporter for ScenarioToml {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        let path = dir.join("scenario.toml");
        fs::write(&path, run.scenario_text).map_err(|e| OutputError::io(&path, e))?;
        Ok(vec!["scenario.toml".into()])
    }
}

pub(crate) fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), OutputError> {
    let mut text = serde_json::to_string_pretty(value).expect("serialisable");
    text.push('\n');
    fs::write(path, text).map_err(|e| OutputError::io(path, e))
}

impl Exporter for SummaryJson {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        write_json(&dir.join("summary.json"), run.summary)?;
        Ok(vec!["summary.json".into()])
    }
}

impl Exporter for ManifestJson {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        let mut manifest = run.manifest.clone();
        manifest.replications_sha256 = Some(manifest::sha256_hex(&replications_text(run.replications)));
        write_json(&dir.join("manifest.json"), &manifest)?;
        Ok(vec!["manifest.json".into()])
    }
}

/// The exporters every run uses, in order.
pub fn default_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(SummaryJson),
        Box::new(tables::Tables),
        Box::new(workbook::Workbook),
        Box::new(ScenarioToml),
        Box::new(ReplicationsJson),
        Box::new(ManifestJson),
    ]
}

/// Write all outputs to `out_dir` atomically (staging folder, then one swap): the data files, then the charts and
/// report built from them. The whole folder is replaced. Returns the files written.
pub fn write_run(run: &RunArtifacts, out_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    in_staging(out_dir, |staging| {
        let mut files = Vec::new();
        for e in default_exporters() {
            files.extend(e.export(run, staging)?);
        }
        files.extend(report::build(&RunDir::load(staging)?, staging)?);
        Ok(files)
    })
}

/// Rebuild the charts and the report of a finished run in `run_dir` from its written files (the other files are
/// kept; the folder is replaced in one swap like a run).
/// The raw results of a run folder must fit its scenario (as `merge` checks shards), so a damaged or hand-edited
/// `replications.json` is refused with its path instead of reaching the charts.
fn check_run_results(run: &RunDir) -> Result<(), OutputError> {
    let path = run.dir.join(REPLICATIONS_FILE);
    let m = &run.manifest;
    let scenario = crate::scenario::Scenario::load(&run.scenario_text, &m.scenario_source, &m.overrides)
        .map_err(|e| OutputError::Read { path: run.dir.join("scenario.toml"), message: e.to_string() })?;
    crate::experiment::check_results(&scenario, &run.replications)
        .map_err(|message| OutputError::Read { path, message })
}

pub fn rebuild_report(run_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let run = RunDir::load(run_dir)?;
    check_run_results(&run)?;
    let staging = Staging::new(run_dir)?;
    staging.copy_destination()?;
    let files = report::build(&run, staging.path())?;
    staging.commit()?;
    Ok(files.iter().map(|f| run_dir.join(f)).collect())
}

/// Run `produce` on a fresh staging folder for `out_dir`; on success the staging folder replaces `out_dir` (one
/// swap); on failure or panic it is removed and `out_dir` is left as it was. Returns the files `produce` reports,
/// under `out_dir`.
pub(crate) fn in_staging(
    out_dir: &Path,
    produce: impl FnOnce(&Path) -> Result<Vec<String>, OutputError>,
) -> Result<Vec<PathBuf>, OutputError> {
    let staging = Staging::new(out_dir)?;
    let files = produce(staging.path())?;
    staging.commit()?;
    Ok(files.iter().map(|f| out_dir.join(f)).collect())
}
