//! A run folder read back for `dormsim compare`: its `manifest.json`, `summary.json` and `per_replication.parquet`,
//! checked so that a folder that is not a finished run (a study, a shard, another program's folder) or whose files
//! are damaged or do not agree with each other is refused with its path and what is wrong.

use super::CompareError;
use crate::experiment::Summary;
use crate::output::{Manifest, PER_REPLICATION};
use polars::prelude::*;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

/// One row of `per_replication.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub replication: u32,
    pub option: String,
    pub baseline: Option<String>,
    pub metric: String,
    pub population: Option<String>,
    pub unit: String,
    pub value: f64,
}

/// A finished run as `compare` needs it.
pub struct RunFolder {
    /// As given on the command line.
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub summary: Summary,
    pub rows: Vec<Row>,
}

fn refuse(dir: &Path, message: impl std::fmt::Display) -> CompareError {
    CompareError::Input(format!("{}: {message}", dir.display()))
}

fn read_json<T: serde::de::DeserializeOwned>(dir: &Path, name: &str) -> Result<T, CompareError> {
    let text = fs::read_to_string(dir.join(name)).map_err(|e| refuse(dir, format!("cannot read {name} ({e})")))?;
    serde_json::from_str(&text).map_err(|e| refuse(dir, format!("{name} is damaged ({e}); run the scenario again")))
}

impl RunFolder {
    /// Read and check the run folder `dir`.
    pub fn read(dir: &Path) -> Result<RunFolder, CompareError> {
        if !dir.is_dir() {
            return Err(refuse(dir, "no such folder"));
        }
        if !dir.join("manifest.json").is_file() {
            return Err(refuse(
                dir,
                "not a dormsim run folder (no manifest.json): give folders written by `dormsim run`",
            ));
        }
        let manifest: Manifest = read_json(dir, "manifest.json")?;
        if let Some(command) = manifest.study.as_ref().and_then(|s| s["command"].as_str()) {
            return Err(refuse(
                dir,
                format!("a `dormsim {command}` folder, not a run folder: give folders written by `dormsim run`"),
            ));
        }
        if let Some([i, n]) = manifest.shard {
            return Err(refuse(
                dir,
                format!("shard {i}/{n} of a split run, not a whole run: `dormsim merge` the shards first"),
            ));
        }
        let summary: Summary = read_json(dir, "summary.json")?;
        let file = format!("{PER_REPLICATION}.parquet");
        if !dir.join(&file).is_file() {
            return Err(refuse(
                dir,
                format!("no {file} (written by every run since it was added): run the scenario again"),
            ));
        }
        let rows = read_rows(&dir.join(&file))
            .map_err(|e| refuse(dir, format!("{file} is damaged ({e}); run the scenario again")))?;
        let run = RunFolder { dir: dir.to_path_buf(), manifest, summary, rows };
        run.check().map_err(|e| refuse(dir, format!("{e}; run the scenario again")))?;
        Ok(run)
    }

    /// The files agree: one set of rows per replication 0..n of the manifest, and each option's mean dormancy in
    /// the table is `summary.json`'s.
    fn check(&self) -> Result<(), String> {
        let (m, s) = (&self.manifest, &self.summary);
        if m.scenario_hash != s.scenario_hash || m.replications != s.replications {
            return Err("manifest.json and summary.json describe different runs".into());
        }
        let reps: BTreeSet<u32> = self.rows.iter().map(|r| r.replication).collect();
        if !reps.iter().copied().eq(0..s.replications) {
            return Err(format!(
                "{PER_REPLICATION}.parquet does not hold replications 0..{} of summary.json",
                s.replications
            ));
        }
        for (name, o) in &s.options {
            let values: Vec<f64> = self.values(name, "dormancy_wd", None, None).into_iter().map(|(_, v)| v).collect();
            let mean = crate::metrics::mean_ci95(&values).mean;
            let expected = o.dormancy_wd.mean;
            let agree =
                (mean.is_nan() && expected.is_nan()) || (mean - expected).abs() <= 1e-9 * expected.abs().max(1.0);
            if values.len() != s.replications as usize || !agree {
                return Err(format!(
                    "{PER_REPLICATION}.parquet does not agree with summary.json (option {name}: mean dormancy {mean} vs {expected})"
                ));
            }
        }
        Ok(())
    }

    /// (replication, value) of one figure, in table order.
    pub fn values(
        &self,
        option: &str,
        metric: &str,
        population: Option<&str>,
        baseline: Option<&str>,
    ) -> Vec<(u32, f64)> {
        self.rows
            .iter()
            .filter(|r| {
                r.option == option
                    && r.metric == metric
                    && r.population.as_deref() == population
                    && r.baseline.as_deref() == baseline
            })
            .map(|r| (r.replication, r.value))
            .collect()
    }

    /// Option names in scenario order.
    pub fn options(&self) -> Vec<String> {
        self.summary.options.keys().cloned().collect()
    }
}

/// The rows of a `per_replication.parquet`.
fn read_rows(path: &Path) -> Result<Vec<Row>, String> {
    let file = File::open(path).map_err(|e| e.to_string())?;
    let df = ParquetReader::new(file).finish().map_err(|e| e.to_string())?;
    let text = |name: &str| -> Result<Vec<Option<String>>, String> {
        let c = df.column(name).map_err(|e| e.to_string())?;
        let c = c.str().map_err(|_| format!("column {name} is not text"))?;
        Ok(c.iter().map(|v| v.map(str::to_string)).collect())
    };
    let required = |name: &str, v: Vec<Option<String>>| -> Result<Vec<String>, String> {
        v.into_iter().map(|x| x.ok_or_else(|| format!("column {name} has an empty cell"))).collect()
    };
    let replication: Vec<Option<u32>> = df
        .column("replication")
        .map_err(|e| e.to_string())?
        .u32()
        .map_err(|_| "column replication is not a whole number".to_string())?
        .iter()
        .collect();
    let value: Vec<Option<f64>> = df
        .column("value")
        .map_err(|e| e.to_string())?
        .f64()
        .map_err(|_| "column value is not a number".to_string())?
        .iter()
        .collect();
    let (option, metric, unit) =
        (required("option", text("option")?)?, required("metric", text("metric")?)?, required("unit", text("unit")?)?);
    let (baseline, population) = (text("baseline")?, text("population")?);
    (0..df.height())
        .map(|i| {
            Ok(Row {
                replication: replication[i].ok_or("column replication has an empty cell")?,
                option: option[i].clone(),
                baseline: baseline[i].clone(),
                metric: metric[i].clone(),
                population: population[i].clone(),
                unit: unit[i].clone(),
                value: value[i].unwrap_or(f64::NAN),
            })
        })
        .collect()
}
