//! Tables (polars DataFrames) written as CSV and Parquet: the dormancy distribution per option, the weekly time
//! series per option, the manual cases per week and type, and the per-population figures
//! ([`super::population_table`]). Tidy layout (one row per option × value, option × week, …) so they load into any
//! dataframe tool or spreadsheet.

use super::{Exporter, OutputError, RunArtifacts};
use crate::calendar::WorkCalendar;
use crate::cases::{ManualCase, Party};
use crate::experiment::{ReplicationResult, calendar_for, days_in_week, weekly_fte};
use crate::metrics::{Histogram, OptionMetrics};
use crate::scenario::Scenario;
use polars::prelude::*;
use statrs::statistics::{Data, OrderStatistics};
use std::fs::File;
use std::path::Path;

pub(super) struct Tables;

/// Selects one histogram of an option's metrics.
type HistogramOf = fn(&OptionMetrics) -> &Histogram;

/// A run's tables by file stem, in file order (also the workbook's sheets).
pub(crate) fn frames(run: &RunArtifacts) -> Vec<(&'static str, DataFrame)> {
    vec![
        ("dormancy_distribution", distribution_frame(run.scenario, run.replications)),
        ("weekly", weekly_frame(run.scenario, run.replications)),
        ("manual_weekly", manual_weekly_frame(run.scenario, run.replications)),
        ("populations", super::population_table::populations_frame(run.summary)),
        ("breakdowns", super::breakdown_table::breakdowns_frame(run.summary)),
        (PER_REPLICATION, per_replication_frame(run.scenario, run.replications)),
    ]
}

/// File stem of the per-replication table.
pub const PER_REPLICATION: &str = "per_replication";

/// Every headline figure per replication (`experiment::per_replication`): replication, option, baseline (paired
/// figures only), metric, population (per-population figures only), unit, value (empty where undefined).
pub fn per_replication_frame(s: &Scenario, reps: &[ReplicationResult]) -> DataFrame {
    let v = crate::experiment::per_replication::values(s, reps);
    frame(vec![
        Column::new("replication".into(), v.iter().map(|x| x.replication).collect::<Vec<u32>>()),
        Column::new("option".into(), v.iter().map(|x| x.option.as_str()).collect::<Vec<_>>()),
        Column::new("baseline".into(), v.iter().map(|x| x.baseline.as_deref()).collect::<Vec<_>>()),
        Column::new("metric".into(), v.iter().map(|x| x.metric).collect::<Vec<_>>()),
        Column::new("population".into(), v.iter().map(|x| x.population).collect::<Vec<_>>()),
        Column::new("unit".into(), v.iter().map(|x| x.unit).collect::<Vec<_>>()),
        Column::new("value".into(), v.iter().map(|x| x.value).collect::<Vec<f64>>()),
    ])
}

impl Exporter for Tables {
    fn export(&self, run: &RunArtifacts, dir: &Path) -> Result<Vec<String>, OutputError> {
        let mut files = Vec::new();
        for (stem, mut df) in frames(run) {
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

pub(crate) fn write_csv(df: &mut DataFrame, path: &Path) -> Result<String, OutputError> {
    let mut f = File::create(path).map_err(|e| OutputError::io(path, e))?;
    CsvWriter::new(&mut f).include_header(true).finish(df).map_err(|e| table_error(path, e))?;
    Ok(file_name(path))
}

pub(crate) fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<String, OutputError> {
    let f = File::create(path).map_err(|e| OutputError::io(path, e))?;
    ParquetWriter::new(f).finish(df).map_err(|e| table_error(path, e))?;
    Ok(file_name(path))
}

fn frame(columns: Vec<Column>) -> DataFrame {
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}

/// Non-finite floats (an empty statistic: nothing migrated, no configuration) become nulls, so CSV cells are blank
/// and Parquet values missing rather than `NaN`.
pub(crate) fn nan_to_null(columns: Vec<Column>) -> Vec<Column> {
    columns
        .into_iter()
        .map(|c| match c.dtype() {
            DataType::Float64 => {
                let values: Vec<Option<f64>> =
                    c.f64().expect("a Float64 column").iter().map(|v| v.filter(|x| x.is_finite())).collect();
                Column::new(c.name().clone(), values)
            }
            _ => c,
        })
        .collect()
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

fn days_since_epoch(s: &Scenario, week: usize) -> i32 {
    let start = s.run.start_date + chrono::Days::new(7 * week as u64);
    (start - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")).num_days() as i32
}

fn date_column(name: &str, days: Vec<i32>) -> Column {
    Column::new(name.into(), days).cast(&DataType::Date).expect("days since 1970 cast to Date")
}

/// The value columns of the weekly table: flows, manual cases, one staff-effort column per party
/// (`manual_fte_<party>_mean`, `Party::ALL` order), the dormant stock and the capacity series.
pub fn weekly_columns() -> Vec<String> {
    let mut names: Vec<String> =
        ["new_dormant_mean", "ended_mean", "migrations_mean", "active_migrations_mean", "manual_cases_mean"]
            .map(String::from)
            .to_vec();
    names.extend(Party::ALL.iter().map(|p| format!("manual_fte_{}_mean", p.name())));
    names.extend(
        [
            "dormant_stock_mean",
            "dormant_stock_p05",
            "dormant_stock_p95",
            "dcc_attempts_mean",
            "dcc_capacity",
            "smso_requests_mean",
            "smso_waiting_peak_mean",
        ]
        .map(String::from),
    );
    names
}

/// Weekly series per option: the week's days inside the horizon and whether it is a partial (last) week, means over
/// replications of new dormant installations, episodes ended, dormant and active migrations, manual cases and staff
/// effort (FTE at represented scale) by party per week, and the dormant stock at the week's end with its 5th and
/// 95th percentiles across replications.
pub fn weekly_frame(s: &Scenario, reps: &[ReplicationResult]) -> DataFrame {
    let weeks = (s.run.horizon_days as usize).div_ceil(7);
    let n = reps.len().max(1) as f64;
    let names = weekly_columns();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let calendar = calendar_for(s);
    let (mut option, mut week, mut week_start) = (Vec::new(), Vec::<u32>::new(), Vec::<i32>::new());
    let mut days = Vec::<i32>::new();
    for (o, spec) in s.options.iter().enumerate() {
        let stocks: Vec<Vec<u64>> =
            reps.iter().map(|r| r.options[o].weekly.stock(r.options[o].initial_stock)).collect();
        let fte: Vec<Vec<Vec<f64>>> = reps.iter().map(|r| weekly_fte(s, &r.options[o])).collect();
        for w in 0..weeks {
            option.push(spec.name.clone());
            week.push(w as u32);
            week_start.push(days_since_epoch(s, w));
            days.push(days_in_week(s.run.horizon_days, w));
            let mean = |f: &dyn Fn(&OptionMetrics) -> f64| reps.iter().map(|r| f(&r.options[o])).sum::<f64>() / n;
            let stock: Vec<f64> = stocks.iter().map(|st| st[w] as f64).collect();
            let mut values = vec![
                mean(&|m| m.weekly.new_dormant[w] as f64),
                mean(&|m| m.weekly.ended[w] as f64),
                mean(&|m| m.weekly.migrations[w] as f64),
                mean(&|m| m.weekly.active_migrations[w] as f64),
                mean(&|m| m.weekly.manual_total(w) as f64),
            ];
            values.extend((0..Party::COUNT).map(|p| fte.iter().map(|f| f[p][w]).sum::<f64>() / n));
            values.extend([
                stock.iter().sum::<f64>() / n,
                quantile(&stock, 0.05),
                quantile(&stock, 0.95),
                mean(&|m| m.weekly.dcc_attempts[w] as f64),
                week_capacity(s, &calendar, w),
                mean(&|m| m.weekly.smso_requests[w] as f64),
                mean(&|m| m.weekly.smso_waiting_peak[w] as f64),
            ]);
            for (c, v) in cols.iter_mut().zip(values) {
                c.push(v);
            }
        }
    }
    let mut columns = vec![
        Column::new("option".into(), option),
        Column::new("week".into(), week),
        date_column("week_start", week_start),
        Column::new("partial".into(), days.iter().map(|&d| d < 7).collect::<Vec<bool>>()),
        Column::new("days_in_week".into(), days),
    ];
    columns.extend(names.iter().zip(cols).map(|(n, c)| Column::new(n.as_str().into(), c)));
    frame(columns)
}

/// DCC's migration capacity in week `w` (simulated scale): daily capacity × working days of the week inside the
/// horizon; NaN when unlimited.
fn week_capacity(s: &Scenario, calendar: &WorkCalendar, w: usize) -> f64 {
    let from = 7 * w as i32;
    let to = (from + 7).min(s.run.horizon_days);
    s.dcc.daily_capacity.map_or(f64::NAN, |c| c * f64::from(calendar.count_wd(from, to)))
}

/// Quantile across replications (statrs, Hyndman & Fan type 8); NaN when there are none.
fn quantile(values: &[f64], p: f64) -> f64 {
    if values.is_empty() { f64::NAN } else { Data::new(values.to_vec()).quantile(p) }
}

/// Manual cases per week by type, in long form: option, week, week_start, case_type, party, cases_mean (simulated
/// sample, mean over replications), cases_represented (at represented scale: cases about one installation scaled
/// up, per-supplier and per-file cases as counted) and fte_mean (represented scale).
pub fn manual_weekly_frame(s: &Scenario, reps: &[ReplicationResult]) -> DataFrame {
    let weeks = (s.run.horizon_days as usize).div_ceil(7);
    let n = reps.len().max(1) as f64;
    let scale = 1.0 / s.fleet.sample_fraction;
    let (mut option, mut week, mut week_start, mut case_type, mut party, mut cases, mut fte) =
        (Vec::new(), Vec::<u32>::new(), Vec::<i32>::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut represented = Vec::new();
    for (o, spec) in s.options.iter().enumerate() {
        for w in 0..weeks {
            for case in ManualCase::ALL {
                let h = s.manual.handling(case);
                let mean = reps.iter().map(|r| r.options[o].weekly.manual[case as usize][w] as f64).sum::<f64>() / n;
                option.push(spec.name.clone());
                week.push(w as u32);
                week_start.push(days_since_epoch(s, w));
                case_type.push(case.name());
                party.push(h.party.name());
                cases.push(mean);
                represented.push(mean * case.represented(scale));
                fte.push(mean * h.minutes / 60.0 / s.manual.hours_per_fte_week * case.represented(scale));
            }
        }
    }
    frame(vec![
        Column::new("option".into(), option),
        Column::new("week".into(), week),
        date_column("week_start", week_start),
        Column::new("case_type".into(), case_type),
        Column::new("party".into(), party),
        Column::new("cases_mean".into(), cases),
        Column::new("cases_represented".into(), represented),
        Column::new("fte_mean".into(), fte),
    ])
}
