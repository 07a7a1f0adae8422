//! Breakdowns by population, cohort, SMSO, supplier group and payment type (issue 14, item 3): exact values in the
//! verification world, each dimension partitioning the tracked episodes, the population rows agreeing with the
//! engine's own population accumulators, and the table and report section written from `summary.json`.

mod common;
use common::*;

use dormsim::experiment::Summary;
use dormsim::experiment::groups::GroupSummary;
use polars::prelude::*;
use std::fs::File;

fn row<'a>(s: &'a Summary, dimension: &str, group: &str, option: &str) -> &'a GroupSummary {
    s.breakdowns
        .iter()
        .find(|r| r.dimension == dimension && r.group == group && r.option == option)
        .unwrap_or_else(|| panic!("no breakdown row {dimension}/{group}/{option}"))
}

#[test]
fn issue14_in_the_verification_world_every_group_gains_exactly_the_notice_difference() {
    // Calendar `none`: all 500 installations go dormant on the bulk transfer a → b and migrate after exactly 15
    // (standard) and 8 (expedited) working days (tests/deterministic.rs). So every group of every dimension has
    // mean dormancy 15 and 8 and a paired reduction of exactly 7 WD with a zero-width interval. Supplier b operates
    // no platform: every episode is a challenger's. Prepayment is drawn with probability 0.2 per installation, so
    // both payment groups exist and their episodes add up to 500.
    let s = load(&verification_toml("none", "2021-03-01", "2021-03-10", 500), &[]);
    let summary = run_summary(&s, 1);
    for (dimension, group) in [
        ("population", "fast_track_eligible"),
        ("cohort", "only"),
        ("smso", "s1"),
        ("supplier_group", "challenger"),
        ("payment", "credit"),
        ("payment", "prepayment"),
    ] {
        let std = row(&summary, dimension, group, "standard");
        let exp = row(&summary, dimension, group, "expedited");
        assert_eq!((std.dormant_wd.mean, exp.dormant_wd.mean), (15.0, 8.0), "{dimension}/{group}");
        let red = exp.reduction_wd.as_ref().expect("a paired reduction for expedited");
        assert_eq!((red.mean, red.ci95), (7.0, Some([7.0, 7.0])), "{dimension}/{group}");
        assert_eq!((exp.share_faster, exp.share_slower), (Some(1.0), Some(0.0)));
        assert!(std.reduction_wd.is_none(), "the baseline is not compared with itself");
    }
    assert_eq!(row(&summary, "supplier_group", "challenger", "standard").episode_share, 1.0);
    assert!(!summary.breakdowns.iter().any(|r| r.group == "legacy"), "no episode began with a legacy supplier");
    let payment = ["credit", "prepayment"].map(|g| row(&summary, "payment", g, "standard").episodes);
    assert_eq!(payment[0] + payment[1], 500.0);
    assert!(payment[1] > 50.0 && payment[1] < 150.0, "≈ 20% prepayment: {}", payment[1]);
}

#[test]
fn issue14_an_episode_begun_with_a_supplier_that_operates_another_platform_is_a_legacy_suppliers() {
    // The bulk transfer goes to `c`, which operates SMSO s2 but not s1: the installations still go dormant (c cannot
    // operate s1), and `c` operates a platform, so every episode is in the legacy group. (`c` needs a market share
    // because a platform must have an operator; installations of s1 still all start with `a`, its only operator.)
    let text = verification_toml("none", "2021-03-01", "2021-03-10", 100).replace("to = \"b\"", "to = \"c\"")
        + "\n[suppliers.c]\nmarket_share = 0.01\noperates = [\"s2\"]\n[smsos.s2]\nlead_time_wd = 5\n";
    let summary = run_summary(&load(&text, &[]), 1);
    let legacy = row(&summary, "supplier_group", "legacy", "expedited");
    assert_eq!((legacy.episodes, legacy.episode_share), (100.0, 1.0));
    assert_eq!(legacy.reduction_wd.as_ref().map(|r| r.mean), Some(7.0));
}

#[test]
fn issue14_each_dimension_partitions_the_tracked_episodes_and_the_population_rows_match_the_engines() {
    // Two independent paths: the engine adds each closed episode to its population's accumulator as it runs;
    // the breakdown classifies the kept episodes after the run. They must agree exactly on the population rows.
    let summary = run_summary(&baseline(&["fleet.installations=20000", "run.replications=3"]), 2);
    let dimensions = ["population", "cohort", "smso", "supplier_group", "payment"];
    for (name, option) in &summary.options {
        let tracked: f64 = option.populations.values().map(|p| p.episodes).sum();
        for d in dimensions {
            let rows: Vec<&GroupSummary> =
                summary.breakdowns.iter().filter(|r| r.dimension == d && &r.option == name).collect();
            let episodes: f64 = rows.iter().map(|r| r.episodes).sum();
            let shares: f64 = rows.iter().map(|r| r.episode_share).sum();
            assert!((episodes - tracked).abs() < 1e-9, "{name}/{d}: {episodes} vs {tracked}");
            assert!((shares - 1.0).abs() < 1e-12, "{name}/{d}: shares add up to {shares}");
        }
        for (population, p) in &option.populations {
            let r = row(&summary, "population", population, name);
            assert_eq!(r.episodes, p.episodes);
            assert_eq!(r.dormant_wd, p.dormant_wd, "{name}/{population}");
        }
    }
    for c in &summary.comparisons {
        for (population, p) in &c.populations {
            let r = row(&summary, "population", population, &c.option);
            assert_eq!(r.reduction_wd.as_ref(), Some(&p.reduction_wd), "{}/{population}", c.option);
            assert_eq!(r.share_slower, Some(p.share_slower));
        }
    }
}

#[test]
fn issue14_the_breakdowns_table_report_section_and_chart_hold_the_summarys_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let run = write_baseline_run(tmp.path(), &["fleet.installations=10000", "run.replications=3"]);
    let df = ParquetReader::new(File::open(run.dir.join("breakdowns.parquet")).unwrap()).finish().unwrap();
    assert_eq!(df.height(), run.summary.breakdowns.len());
    let prepay = run.summary.breakdowns.iter().find(|r| r.group == "prepayment" && r.option == "expedited").unwrap();
    let mask = df.column("group").unwrap().str().unwrap().equal("prepayment")
        & df.column("option").unwrap().str().unwrap().equal("expedited");
    let hit = df.filter(&mask).unwrap();
    let reduction = hit.column("reduction_wd_mean").unwrap().f64().unwrap().get(0).unwrap();
    assert_eq!(reduction, prepay.reduction_wd.as_ref().unwrap().mean);
    let html = std::fs::read_to_string(run.dir.join("report.html")).unwrap();
    assert!(html.contains("<section id=\"groups\""));
    assert!(
        html.contains(&format!("{:+.2}", prepay.reduction_wd.as_ref().unwrap().mean)),
        "prepayment reduction shown"
    );
    assert!(run.dir.join("charts/breakdown_reduction.svg").is_file());
    let md = std::fs::read_to_string(run.dir.join("summary.md")).unwrap();
    assert!(md.contains("Who gains, group by group"));
}
