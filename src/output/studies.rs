//! What every study folder (`dormsim sweep`, `plan`, `sensitivity`, `uncertainty`) has in common: its
//! `manifest.json` (whose `study.command` names the study) and `scenario.toml`, and the rebuild of its charts,
//! `report.html` and `summary.md` from the written files only, which `dormsim report DIR` runs. Each study's
//! result file (`sweep.json`, `plan.json`, `sensitivity.json`, `summary.json` with `uncertainty_points.json`)
//! holds the computed result; the report only renders it, so a rebuild is byte-identical to what the study wrote.

use super::rundir::read_json;
use super::{Manifest, OutputError, Staging, write_json};
use std::fs;
use std::path::{Path, PathBuf};

/// The study commands whose folders `dormsim report` rebuilds.
pub const COMMANDS: [&str; 4] = ["sweep", "plan", "sensitivity", "uncertainty"];

/// Write `manifest.json` and `scenario.toml`; return their names.
pub fn write_common(dir: &Path, manifest: &Manifest, scenario_text: &str) -> Result<Vec<String>, OutputError> {
    write_json(&dir.join("manifest.json"), manifest)?;
    let scenario = dir.join("scenario.toml");
    fs::write(&scenario, scenario_text).map_err(|e| OutputError::io(&scenario, e))?;
    Ok(vec!["manifest.json".into(), "scenario.toml".into()])
}

/// A study's own files into `dir`: its table `stem` as CSV, Parquet and `tables.xlsx` (README naming `dormsim
/// {stem}`), its result as `result_file`, `manifest.json` and `scenario.toml`; return their names.
pub fn write_study<T: serde::Serialize>(
    dir: &Path,
    stem: &str,
    df: &mut polars::prelude::DataFrame,
    result_file: &str,
    result: &T,
    manifest: &Manifest,
    scenario_text: &str,
) -> Result<Vec<String>, OutputError> {
    let mut files = vec![
        super::tables::write_csv(df, &dir.join(format!("{stem}.csv")))?,
        super::tables::write_parquet(df, &dir.join(format!("{stem}.parquet")))?,
        super::workbook::write_tables(dir, &format!("dormsim {stem}"), manifest, &[(stem, df)])?,
    ];
    write_json(&dir.join(result_file), result)?;
    files.push(result_file.to_string());
    files.extend(write_common(dir, manifest, scenario_text)?);
    Ok(files)
}

/// The study command recorded in a folder's manifest (`None` for a run).
pub fn command(manifest: &Manifest) -> Option<String> {
    manifest.study.as_ref()?.get("command")?.as_str().map(str::to_string)
}

/// Rebuild the charts, `report.html` and `summary.md` of the study folder `dir` written by `command` from its
/// files (the other files are kept; the folder is replaced in one swap). Returns the files written.
pub fn rebuild(dir: &Path, command: &str) -> Result<Vec<PathBuf>, OutputError> {
    let manifest: Manifest = read_json(&dir.join("manifest.json"))?;
    let staging = Staging::new(dir)?;
    staging.copy_destination()?;
    let out = staging.path();
    let files = match command {
        "sweep" => super::sweep::report(&read_json(&dir.join(super::sweep::SWEEP_FILE))?, &manifest, out)?,
        "plan" => super::plan::report(&read_json(&dir.join(super::plan::PLAN_FILE))?, &manifest, out)?,
        "sensitivity" => {
            super::sensitivity::report(&read_json(&dir.join(super::sensitivity::SENSITIVITY_FILE))?, &manifest, out)?
        }
        "uncertainty" => super::uncertainty::report(
            &read_json(&dir.join("summary.json"))?,
            &read_json(&dir.join(super::uncertainty::POINTS_FILE))?,
            &manifest,
            out,
        )?,
        other => {
            return Err(OutputError::Read {
                path: dir.join("manifest.json"),
                message: format!(
                    "study.command `{other}` is not a study dormsim can rebuild ({})",
                    COMMANDS.join(", ")
                ),
            });
        }
    };
    staging.commit()?;
    Ok(files.iter().map(|f| dir.join(f)).collect())
}
