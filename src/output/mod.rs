//! Writing a finished run: one exporter per artefact behind the small [`Exporter`] trait, and a console table.
//! Then the presentation layer: charts and the report are built from the *written* files only ([`RunDir`]), so
//! `dormsim report RUN_DIR` rebuilds exactly what `dormsim run` wrote.
//!
//! Outputs are written into a staging folder next to the destination and moved into place only when every
//! exporter has succeeded, so a failed run leaves no partial output.

pub mod charts;
mod console;
mod manifest;
pub mod report;
mod rundir;
pub mod sensitivity;
pub mod sweep;
mod tables;

pub use console::render_summary;
pub use manifest::Manifest;
pub use rundir::RunDir;
pub use tables::{distribution_frame, manual_weekly_frame, weekly_frame};

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
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: {message}")]
    Table { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Read { path: PathBuf, message: String },
    #[error("{path}: chart: {message}")]
    Chart { path: PathBuf, message: String },
}

impl OutputError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
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

impl Exporter for ReplicationsJson {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        let path = dir.join(REPLICATIONS_FILE);
        let text = serde_json::to_string(run.replications).expect("serialisable");
        fs::write(&path, text).map_err(|e| OutputError::io(&path, e))?;
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
        write_json(&dir.join("manifest.json"), run.manifest)?;
        Ok(vec!["manifest.json".into()])
    }
}

/// The exporters every run uses, in order.
pub fn default_exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(SummaryJson),
        Box::new(tables::Tables),
        Box::new(ScenarioToml),
        Box::new(ReplicationsJson),
        Box::new(ManifestJson),
    ]
}

/// Write all outputs to `out_dir` atomically (staging folder, then rename): the data files, then the charts and
/// report built from them. Existing files of the same names in `out_dir` are replaced; other files there are left
/// alone. Returns the files written.
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

/// Rebuild the charts and the report of a finished run in `run_dir` from its written files.
pub fn rebuild_report(run_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    let run = RunDir::load(run_dir)?;
    in_staging(run_dir, |staging| report::build(&run, staging))
}

/// Run `produce` on a fresh staging folder next to `out_dir`; on success move every file it reports (relative
/// paths, sub-folders allowed) into `out_dir`; on failure remove the staging folder and leave `out_dir` alone.
pub(crate) fn in_staging(
    out_dir: &Path,
    produce: impl FnOnce(&Path) -> Result<Vec<String>, OutputError>,
) -> Result<Vec<PathBuf>, OutputError> {
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| OutputError::io(parent, e))?;
    let staging = parent.join(format!(
        ".{}.staging-{}",
        out_dir.file_name().and_then(|n| n.to_str()).unwrap_or("run"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir_all(&staging).map_err(|e| OutputError::io(&staging, e))?;
    let files = match produce(&staging) {
        Ok(f) => f,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let mut written = Vec::new();
    for name in files {
        let to = out_dir.join(&name);
        if let Some(dir) = to.parent() {
            fs::create_dir_all(dir).map_err(|e| OutputError::io(dir, e))?;
        }
        fs::rename(staging.join(&name), &to).map_err(|e| OutputError::io(&to, e))?;
        written.push(to);
    }
    let _ = fs::remove_dir_all(&staging);
    Ok(written)
}
