//! Tables (polars DataFrames) written as CSV and Parquet: the dormancy distribution per option and the weekly
//! time series per option. Tidy layout (one row per option × value or option × week) so they load into any
//! dataframe tool or spreadsheet.

use super::{Exporter, OutputError, RunArtifacts};
use crate::experiment::ReplicationResult;
use crate::metrics::{Histogram, OptionMetrics};
use crate::scenario::Scenario;
use polars::prelude::*;
use statrs::statistics::{Data, OrderStatistics};
use std::fs::File;
use std::path::Path;

pub(super) struct Tables;

/// Selects one histogram of an option's metrics.
type HistogramOf = fn(&OptionMetrics) -> &Histogram;

impl Exporter for Tables {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        let mut files = Vec::new();
        for (stem, mut df) in [
            ("dormancy_distribution", distribution_frame(run.scenario, run.replications)),
            ("weekly", weekly_frame(run.scenario, run.replications)),
        ] {
            files.push(write_csv(&mut df, &dir.join(format!("{stem}.csv")))?);
            files.push(write_parquet(&mut df, &dir.join(format!("{stem}.parquet")))?);
        }
        Ok(files)
    }
}

fn table_error(path: &Path, e: PolarsError) -> OutputError {
    OutputError::Table { path: path.to_path_buf(), message: e.to_string() }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn write_csv(df: &mut DataFrame, path: &Path) -> Result<String, OutputError> {
    let mut f = File::create(path).map_err(|e| OutputError::io(path, e))?;
    CsvWriter::new(&mut f).include_header(true).finish(df).map_err(|e| table_error(path, e))?;
    Ok(file_name(path))
}

fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<String, OutputError> {
    let f = File::create(path).map_err(|e| OutputError::io(path, e))?;
    ParquetWriter::new(f).finish(df).map_err(|e| table_error(path, e))?;
    Ok(file_name(path))
}

fn frame(columns: Vec<Column>) -> DataFrame {
    DataFrame::new_infer_height(columns).expect("columns of equal length")
}

/// Dormancy distribution pooled over replications: option, unit (`working_days` or `calendar_days`), value,
/// episodes, share and cumulative share of episodes.
pub fn distribution_frame(s: &Scenario, reps: &[ReplicationResult]) -> DataFrame {
    let (mut option, mut unit, mut value, mut episodes, mut share, mut cumulative) =
        (Vec::new(), Vec::new(), Vec::<u32>::new(), Vec::<u64>::new(), Vec::new(), Vec::new());
    for (o, spec) in s.options.iter().enumerate() {
        let units: [(&str, HistogramOf); 2] =
            [("working_days", |m| &m.dormancy_wd), ("calendar_days", |m| &m.dormancy_days)];
        for (unit_name, get) in units {
            let mut pooled = Histogram::new();
            for r in reps {
                pooled.merge(get(&r.options[o]));
            }
            let total = pooled.count().max(1) as f64;
            let mut cum = 0;
            for (v, &c) in pooled.counts().iter().enumerate().filter(|(_, c)| **c > 0) {
                cum += c;
                option.push(spec.name.clone());
                unit.push(unit_name);
                value.push(v as u32);
                episodes.push(c);
                share.push(c as f64 / total);
                cumulative.push(cum as f64 / total);
            }
        }
    }
    frame(vec![
        Column::new("option".into(), option),
        Column::new("unit".into(), unit),
        Column::new("dormancy".into(), value),
        Column::new("episodes".into(), episodes),
        Column::new("share".into(), share),
        Column::new("cumulative_share".into(), cumulative),
    ])
}

/// Weekly series per option: means over replications of new dormant installations, episodes ended, migrations and
/// manual cases per week, and the dormant stock at the week's end with its 5th and 95th percentiles across
/// replications.
pub fn weekly_frame(s: &Scenario, reps: &[ReplicationResult]) -> DataFrame {
    let weeks = (s.run.horizon_days as usize).div_ceil(7);
    let n = reps.len().max(1) as f64;
    let mut cols: [Vec<f64>; 7] = Default::default();
    let (mut option, mut week, mut week_start) = (Vec::new(), Vec::<u32>::new(), Vec::<i32>::new());
    for (o, spec) in s.options.iter().enumerate() {
        let stocks: Vec<Vec<u64>> =
            reps.iter().map(|r| r.options[o].weekly.stock(r.options[o].initial_stock)).collect();
        for w in 0..weeks {
            option.push(spec.name.clone());
            week.push(w as u32);
            let start = s.run.start_date + chrono::Days::new(7 * w as u64);
            week_start.push((start - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32);
            let mean =
                |f: fn(&OptionMetrics) -> &Vec<u64>| reps.iter().map(|r| f(&r.options[o])[w] as f64).sum::<f64>() / n;
            cols[0].push(mean(|m| &m.weekly.new_dormant));
            cols[1].push(mean(|m| &m.weekly.ended));
            cols[2].push(mean(|m| &m.weekly.migrations));
            cols[3].push(mean(|m| &m.weekly.manual_cases));
            let mut stock = Data::new(stocks.iter().map(|st| st[w] as f64).collect::<Vec<_>>());
            cols[4].push(stocks.iter().map(|st| st[w] as f64).sum::<f64>() / n);
            cols[5].push(if reps.is_empty() { f64::NAN } else { stock.quantile(0.05) });
            cols[6].push(if reps.is_empty() { f64::NAN } else { stock.quantile(0.95) });
        }
    }
    let names = [
        "new_dormant_mean",
        "ended_mean",
        "migrations_mean",
        "manual_cases_mean",
        "dormant_stock_mean",
        "dormant_stock_p05",
        "dormant_stock_p95",
    ];
    let mut columns = vec![
        Column::new("option".into(), option),
        Column::new("week".into(), week),
        Column::new("week_start".into(), week_start).cast(&DataType::Date).expect("days since 1970 cast to Date"),
    ];
    columns.extend(names.iter().zip(cols).map(|(n, c)| Column::new((*n).into(), c)));
    frame(columns)
}
