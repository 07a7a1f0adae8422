//! The written tables agree with `summary.json` and load back with their types (a dataframe round trip), and the
//! console summary fits its width and defines its abbreviations.

mod common;
use common::*;

use dormsim::cases::Party;
use dormsim::metrics::Stage;
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

    // Manual load: the long table's FTE per option and week adds up to the weekly table's party columns (one per
    // party, in `Party::ALL` order), and its total over the horizon ÷ (horizon_days / 7) to the summary's
    // `manual_fte.total.mean_weekly`.
    let manual = read_parquet(&out.join("manual_weekly.parquet"));
    let fte = manual.column("fte_mean").unwrap().f64().unwrap().clone();
    let party_columns: Vec<String> = Party::ALL.iter().map(|p| format!("manual_fte_{}_mean", p.name())).collect();
    let names: Vec<String> = weekly.get_column_names().iter().map(|n| n.to_string()).collect();
    let first = names.iter().position(|n| n == &party_columns[0]).unwrap();
    assert_eq!(names[first..first + Party::COUNT], party_columns[..], "one column per party, in Party::ALL order");
    assert!(!names.iter().any(|n| n == "manual_fte_supplier_mean"), "the old supplier column is gone");
    let parties: Vec<Float64Chunked> =
        party_columns.iter().map(|c| weekly.column(c).unwrap().f64().unwrap().clone()).collect();
    let cases = dormsim::cases::ManualCase::COUNT;
    for (o, (name, summary_o)) in summary.options.iter().enumerate() {
        let mut total = 0.0;
        for w in 0..weeks {
            let row = o * weeks + w;
            let long: f64 = (0..cases).map(|c| fte.get(row * cases + c).unwrap()).sum();
            let wide: f64 = parties.iter().map(|p| p.get(row).unwrap()).sum();
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

#[test]
fn the_populations_table_round_trips_and_its_stages_add_up_to_the_mean_of_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let WrittenRun { dir: out, summary, files, .. } =
        write_baseline_run(dir.path(), &["fleet.installations=5000", "run.replications=3"]);
    assert!(files.iter().any(|f| f.ends_with("populations.parquet")), "{files:?}");
    let pq = read_parquet(&out.join("populations.parquet"));
    let csv = CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(out.join("populations.csv")))
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(pq.shape(), csv.shape());
    assert!(pq.column("option").unwrap().equals(csv.column("option").unwrap()));
    assert_eq!(pq.column("stage_wd_mean").unwrap().dtype(), &DataType::Float64);

    // One row per option × population × stage, in Stage::ALL order.
    let n_populations: usize = summary.options.values().map(|o| o.populations.len()).sum();
    assert_eq!(pq.height(), n_populations * Stage::ALL.len());
    let text = |c: &str| pq.column(c).unwrap().str().unwrap().clone();
    let num = |c: &str| pq.column(c).unwrap().f64().unwrap().clone();
    let (option, population, stage) = (text("option"), text("population"), text("stage"));
    let (stage_wd, mean, lo) = (num("stage_wd_mean"), num("dormant_wd_mean"), num("dormant_wd_ci_low"));
    let (episodes, reduction) = (num("episodes_mean"), num("reduction_wd_mean"));
    let mut row = 0;
    for (name, o) in &summary.options {
        let comparison = summary.comparisons.iter().find(|c| &c.option == name);
        for (pop, p) in &o.populations {
            let mut sum = 0.0;
            for s in Stage::ALL {
                assert_eq!((option.get(row), population.get(row)), (Some(name.as_str()), Some(pop.as_str())));
                assert_eq!(stage.get(row), Some(s.name()));
                assert_eq!(stage_wd.get(row), Some(p.stages_wd[s.name()]), "{name} {pop} {}", s.name());
                assert_eq!(mean.get(row), Some(p.dormant_wd.mean));
                assert_eq!(lo.get(row), p.dormant_wd.ci95.map(|c| c[0]));
                assert_eq!(episodes.get(row), Some(p.episodes));
                // The baseline has no reduction (null); the others carry their paired reduction.
                let expected = comparison.and_then(|c| c.populations.get(pop)).map(|c| c.reduction_wd.mean);
                assert_eq!(reduction.get(row), expected, "{name} {pop}");
                sum += p.stages_wd[s.name()];
                row += 1;
            }
            // The stages add up to the mean dormancy of the population (rounding only).
            assert!((sum - p.dormant_wd.mean).abs() < 1e-9 * p.dormant_wd.mean.max(1.0), "{name} {pop}: {sum}");
        }
    }
}

#[test]
fn the_console_summary_fits_118_columns_and_defines_its_abbreviations() {
    let dir = tempfile::tempdir().unwrap();
    let run = write_baseline_run(dir.path(), &["fleet.installations=5000", "run.replications=3"]);
    let text = dormsim::output::render_summary(&run.summary);
    for line in text.lines() {
        assert!(line.chars().count() <= 118, "{} columns: {line}", line.chars().count());
    }
    // Every party has a column, the old supplier one is gone, and the new tables are there.
    for p in Party::ALL {
        assert!(text.contains(p.label()), "{}", p.label());
    }
    assert!(!text.contains("supplier FTE"));
    for table in ["Dormancy by population", "Notified migration dates kept", "Fast track (R17)"] {
        assert!(text.contains(table), "{table}");
    }
    // Each abbreviation used in a header is defined in a footnote ("term: meaning").
    for term in ["to migr.", "to service", "fw wait", "migr. WD", "per-site WD", "faster", "extra FTE", "cases GB"] {
        assert!(text.contains(&format!("{term}:")) || text.contains(&format!("{term} /")), "{term} undefined");
    }
    for term in ["mean WD", "reduction", "slower mainly", "kept", "listed at SSD", "fast-track share"] {
        assert!(text.contains(&format!("{term}:")), "{term} undefined");
    }
}

#[test]
fn issue14_the_workbook_opens_and_matches_the_tables() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let WrittenRun { dir: out, .. } =
        write_baseline_run(dir.path(), &["fleet.installations=2000", "run.replications=2"]);
    let mut book: Xlsx<_> = open_workbook(out.join("tables.xlsx")).expect("tables.xlsx opens");
    assert_eq!(
        book.sheet_names(),
        ["README", "dormancy_distribution", "weekly", "manual_weekly", "populations", "breakdowns", "per_replication"]
    );
    let readme = book.worksheet_range("README").unwrap();
    assert!(readme.rows().any(|r| r.iter().any(|c| c.to_string().contains("simulation noise only"))));
    for stem in ["dormancy_distribution", "weekly", "manual_weekly", "populations", "breakdowns", "per_replication"] {
        let df = read_parquet(&out.join(format!("{stem}.parquet")));
        let sheet = book.worksheet_range(stem).unwrap();
        let rows: Vec<&[Data]> = sheet.rows().collect();
        // A header row, then one row per table row, with the table's column names in order.
        assert_eq!(rows.len(), df.height() + 1, "{stem}");
        let head: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        let names: Vec<String> = df.columns().iter().map(|c| c.name().to_string()).collect();
        assert_eq!(head, names, "{stem}");
        // Every numeric cell equals the Parquet value (missing values are empty cells).
        for (c, column) in df.columns().iter().enumerate() {
            if !column.dtype().is_primitive_numeric() {
                continue;
            }
            let values = column.cast(&DataType::Float64).unwrap();
            for (r, v) in values.f64().unwrap().iter().enumerate() {
                match (v.filter(|x| x.is_finite()), &rows[r + 1][c]) {
                    (Some(x), Data::Float(y)) => assert_eq!(x, *y, "{stem} row {r} column {}", column.name()),
                    (None, Data::Empty) => {}
                    (x, y) => panic!("{stem} row {r} column {}: {x:?} vs {y:?}", column.name()),
                }
            }
        }
    }
}

/// The weekly table of `csv` as rows of (header → cell).
fn csv_rows(csv: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut lines = csv.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines.map(|l| head.iter().cloned().zip(l.split(',').map(String::from)).collect()).collect()
}

#[test]
fn issue14_the_weekly_table_marks_the_partial_last_week() {
    let dir = tempfile::tempdir().unwrap();
    let WrittenRun { dir: out, .. } =
        write_baseline_run(dir.path(), &["fleet.installations=2000", "run.replications=2"]);
    // The baseline runs 730 days = 104 whole weeks and 2 days: 105 weeks per option, the last with 2 days.
    let rows = csv_rows(&std::fs::read_to_string(out.join("weekly.csv")).unwrap());
    assert_eq!(rows.len(), 3 * 105);
    for r in &rows {
        let last = r["week"] == "104";
        assert_eq!(r["days_in_week"], if last { "2" } else { "7" }, "week {}", r["week"]);
        assert_eq!(r["partial"], if last { "true" } else { "false" }, "week {}", r["week"]);
    }
    let weekly = read_parquet(&out.join("weekly.parquet"));
    assert_eq!(weekly.column("partial").unwrap().dtype(), &DataType::Boolean);
    assert_eq!(weekly.column("partial").unwrap().bool().unwrap().sum(), Some(3));
}

#[test]
fn issue14_the_peak_in_summary_json_is_the_highest_whole_week_of_the_weekly_mean_series_and_lies_in_its_ci() {
    let dir = tempfile::tempdir().unwrap();
    let WrittenRun { dir: out, summary, .. } =
        write_baseline_run(dir.path(), &["fleet.installations=5000", "run.replications=3"]);
    let rows = csv_rows(&std::fs::read_to_string(out.join("weekly.csv")).unwrap());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    for name in summary.options.keys() {
        // The weekly mean total effort is the sum of the party columns; the peak is their largest whole week.
        let total = |r: &std::collections::HashMap<String, String>| -> f64 {
            Party::ALL.iter().map(|p| r[&format!("manual_fte_{}_mean", p.name())].parse::<f64>().unwrap()).sum()
        };
        let (week_start, peak) = rows
            .iter()
            .filter(|r| &r["option"] == name && r["partial"] == "false")
            .map(|r| (r["week_start"].clone(), total(r)))
            .fold((String::new(), f64::NEG_INFINITY), |best, x| if x.1 > best.1 { x } else { best });
        let f = &json["options"][name]["manual_fte"]["total"];
        let reported = f["peak_weekly"].as_f64().unwrap();
        assert!((reported - peak).abs() <= 1e-9 * peak, "{name}: summary peak {reported}, weekly.csv {peak}");
        assert_eq!(f["peak_week_start"].as_str().unwrap(), week_start, "{name}");
        let (lo, hi) = (f["peak_ci95"][0].as_f64().unwrap(), f["peak_ci95"][1].as_f64().unwrap());
        assert!(lo < reported && reported < hi, "{name}: {reported} outside [{lo}, {hi}]");
    }
}

#[test]
fn issue14_the_peak_does_not_grow_when_fewer_installations_stand_for_the_fleet() {
    // The same fleet simulated with 100 000 and 20 000 installations (each case then counts 130 or 650 times):
    // the mean of each replication's own busiest week grew with the noise (DCC 8.3 [6.5, 10.1] against 14.7
    // [11.2, 18.3] FTE before the fix); the peak of the mean weekly series is the same quantity at both sizes, so
    // its intervals overlap for every option and party.
    let peaks = |sites: &str| run_summary(&baseline(&[sites, "run.replications=10"]), 2);
    let (large, small) = (peaks("fleet.installations=100000"), peaks("fleet.installations=20000"));
    for (name, o) in &large.options {
        for party in ["dcc", "gaining_supplier", "total"] {
            let (a, b) = (&o.manual_fte[party], &small.options[name].manual_fte[party]);
            let ([a_lo, a_hi], [b_lo, b_hi]) = (a.peak_ci95.unwrap(), b.peak_ci95.unwrap());
            assert!(a_lo <= b_hi && b_lo <= a_hi, "{name} {party}: [{a_lo}, {a_hi}] vs [{b_lo}, {b_hi}]");
        }
    }
}

/// The `value`s of `per_replication.parquet` for one option, metric and population (None = over all episodes).
fn per_replication(df: &DataFrame, option: &str, metric: &str, population: Option<&str>) -> Vec<f64> {
    let text = |c: &str| df.column(c).unwrap().str().unwrap().iter().collect::<Vec<_>>();
    let (o, m, p) = (text("option"), text("metric"), text("population"));
    let v: Vec<Option<f64>> = df.column("value").unwrap().f64().unwrap().iter().collect();
    (0..df.height())
        .filter(|&i| o[i] == Some(option) && m[i] == Some(metric) && p[i] == population)
        .map(|i| v[i].unwrap_or(f64::NAN))
        .collect()
}

#[test]
fn issue14_the_per_replication_table_gives_back_the_summarys_means_and_intervals() {
    // summary.json's figures are means over replications with a Student-t 95% CI; the table holds each
    // replication's figure, so mean_ci95 over its rows must give the same numbers (docs/outputs.md shows the same
    // computation in pandas and polars).
    use dormsim::metrics::mean_ci95;
    let dir = tempfile::tempdir().unwrap();
    let WrittenRun { dir: out, summary, .. } =
        write_baseline_run(dir.path(), &["fleet.installations=3000", "run.replications=4"]);
    let df = read_parquet(&out.join("per_replication.parquet"));
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
    let check = |values: Vec<f64>, mean: f64, ci: Option<[f64; 2]>, what: &str| {
        assert_eq!(values.len(), 4, "{what}: one row per replication");
        let m = mean_ci95(&values);
        assert!(close(m.mean, mean), "{what}: {} vs {mean}", m.mean);
        let (a, b) = (m.ci95.unwrap(), ci.unwrap());
        assert!(close(a[0], b[0]) && close(a[1], b[1]), "{what}: {a:?} vs {b:?}");
    };
    let fte = &summary.options["expedited"].populations["fast_track_eligible"].dormant_wd;
    check(per_replication(&df, "expedited", "dormant_wd", Some("fast_track_eligible")), fte.mean, fte.ci95, "fte");
    let r = &summary.options["standard"].restored_wd;
    check(per_replication(&df, "standard", "restored_wd", None), r.mean, r.ci95, "restored");
    let c = &summary.comparisons[1];
    check(per_replication(&df, "prioritised", "reduction_wd", None), c.mean_reduction_wd, c.ci95, "reduction");
    check(
        per_replication(&df, "expedited", "extra_manual_fte", None),
        summary.comparisons[0].extra_manual_fte,
        summary.comparisons[0].ci95_extra_manual_fte,
        "extra FTE",
    );
    let total = &summary.options["standard"].manual_fte["total"];
    check(per_replication(&df, "standard", "manual_fte_total", None), total.mean_weekly, total.ci95, "FTE");
    // A count per replication: its mean is summary.json's (no CI there).
    let at_end = per_replication(&df, "expedited", "still_dormant_at_end", None);
    assert!(close(at_end.iter().sum::<f64>() / 4.0, summary.options["expedited"].still_dormant_at_end));
}
