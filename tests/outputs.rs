//! The written tables agree with `summary.json` and load back with their types (a dataframe round trip).

mod common;
use common::*;

use polars::prelude::*;
use std::fs::File;

fn read_parquet(path: &std::path::Path) -> DataFrame {
    ParquetReader::new(File::open(path).unwrap()).finish().unwrap()
}

#[test]
fn tables_round_trip_and_agree_with_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let WrittenRun { dir: out, scenario: s, summary, files } =
        write_baseline_run(dir.path(), &["fleet.installations=10000", "run.replications=3"]);
    assert!(files.len() >= 9, "{files:?}");

    // Distribution table: the episodes of each option and unit add up to the summary's pooled episode count, and
    // the cumulative share ends at 1.
    let dist = read_parquet(&out.join("dormancy_distribution.parquet"));
    let option = dist.column("option").unwrap().str().unwrap().clone();
    let unit = dist.column("unit").unwrap().str().unwrap().clone();
    let episodes = dist.column("episodes").unwrap().u64().unwrap().clone();
    for (name, o) in &summary.options {
        let total: u64 = (0..dist.height())
            .filter(|&i| option.get(i) == Some(name.as_str()) && unit.get(i) == Some("working_days"))
            .map(|i| episodes.get(i).unwrap())
            .sum();
        assert_eq!(total, o.dormancy_wd.episodes_pooled, "{name}");
    }

    // Weekly table: `week_start` is a Date, the first week starts on the run's start date, and the last week's
    // mean dormant stock equals the mean number still dormant at the end.
    let weekly = read_parquet(&out.join("weekly.parquet"));
    assert_eq!(weekly.column("week_start").unwrap().dtype(), &DataType::Date);
    let csv = std::fs::read_to_string(out.join("weekly.csv")).unwrap();
    let first_row = csv.lines().nth(1).unwrap();
    assert!(first_row.starts_with(&format!("standard,0,{},", s.run.start_date)), "{first_row}");
    let weeks = (s.run.horizon_days as usize).div_ceil(7);
    let stock = weekly.column("dormant_stock_mean").unwrap().f64().unwrap().clone();
    for (o, (_, summary_o)) in summary.options.iter().enumerate() {
        let last = stock.get(o * weeks + weeks - 1).unwrap();
        assert!((last - summary_o.still_dormant_at_end).abs() < 1e-9, "{last} vs {}", summary_o.still_dormant_at_end);
    }

    // Manual load: the long table's FTE per option and week adds up to the weekly table's DCC + supplier FTE, and
    // its total over the horizon ÷ (horizon_days / 7) to the summary's `manual_fte.total.mean_weekly`.
    let manual = read_parquet(&out.join("manual_weekly.parquet"));
    let fte = manual.column("fte_mean").unwrap().f64().unwrap().clone();
    let dcc = weekly.column("manual_fte_dcc_mean").unwrap().f64().unwrap().clone();
    let supplier = weekly.column("manual_fte_supplier_mean").unwrap().f64().unwrap().clone();
    let cases = dormsim::cases::ManualCase::COUNT;
    for (o, (name, summary_o)) in summary.options.iter().enumerate() {
        let mut total = 0.0;
        for w in 0..weeks {
            let row = o * weeks + w;
            let long: f64 = (0..cases).map(|c| fte.get(row * cases + c).unwrap()).sum();
            let wide = dcc.get(row).unwrap() + supplier.get(row).unwrap();
            assert!((long - wide).abs() < 1e-9, "{name} week {w}: {long} vs {wide}");
            total += wide;
        }
        let mean = summary_o.manual_fte["total"].mean_weekly;
        assert!(
            (total / (s.run.horizon_days as f64 / 7.0) - mean).abs() < 1e-9 * mean.max(1.0),
            "{name}: {total} over the horizon vs mean week {mean}"
        );
    }
}
