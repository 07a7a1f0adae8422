//! `dormsim sweep`: expand the `--vary` grid, validate every point, run each point (all options, common random
//! numbers across points through the seed), write `sweep.{csv,parquet,svg,png}` and print the chosen metric.

use super::{Failure, SweepArgs};
use anyhow::anyhow;
use dormsim::experiment;
use dormsim::experiment::sweep::{self as grid, Grid, SweepRow, SweepStudy};
use dormsim::output::Manifest;
use dormsim::output::sweep::write_sweep;
use dormsim::scenario::Scenario;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

fn describe(grid: &Grid, i: usize) -> String {
    format!("point {i} ({})", grid.overrides(i).join(", "))
}

pub fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let varies =
        args.vary.iter().map(|v| grid::parse_vary(v)).collect::<Result<Vec<_>, _>>().map_err(Failure::input)?;
    let grid = Grid::new(&varies, args.max_points).map_err(Failure::input)?;
    if let Some(m) = &args.metric
        && !grid::is_metric(m)
    {
        return Err(Failure::input(anyhow!(
            "unknown --metric `{m}`; one of {}, {}",
            grid::OPTION_METRICS.join(", "),
            grid::COMPARISON_METRICS.join(", ")
        )));
    }
    let (base, source, text) = super::scenario::load(args.scenario.as_deref(), &args.sim.overrides(&[]))?;
    // Validate every point before running any.
    let mut scenarios = Vec::with_capacity(grid.points.len());
    for i in 0..grid.points.len() {
        let s = Scenario::load(&text, &source, &args.sim.overrides(&grid.overrides(i)))
            .map_err(|e| Failure::input(anyhow!("{}: {e}", describe(&grid, i))))?;
        scenarios.push(s);
    }
    let metric = args
        .metric
        .clone()
        .unwrap_or_else(|| if base.options.len() > 1 { "reduction_wd".to_string() } else { "dormancy_wd".to_string() });
    let threads = args.sim.threads();
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sweep", base.name)));
    let per_point = |s: &Scenario| match args.precision.target() {
        Ok(Some(_)) => u64::from(args.precision.max_replications),
        _ => u64::from(s.run.replications),
    };
    args.sim.preflight(&base, &out_dir)?;
    let total: u64 = scenarios.iter().map(|s| per_point(s) * s.options.len() as u64).sum();
    let bar = super::progress_bar("sweeping", total);
    let started = Instant::now();
    let mut rows: Vec<SweepRow> = Vec::new();
    let mut precision = Vec::new();
    let mut events = 0u64;
    for (i, s) in scenarios.iter().enumerate() {
        bar.set_message(format!("point {}/{}", i + 1, scenarios.len()));
        let numbers: Vec<u32> = (0..s.run.replications).collect();
        let (results, record) = super::simulate(s, &numbers, &args.precision, threads, &bar)?;
        events += results.iter().flat_map(|r| r.options.iter().map(|m| m.events)).sum::<u64>();
        let summary = experiment::summarise(s, &results);
        rows.extend(grid::point_rows(i, s, &summary, &results));
        precision.extend(record.map(|r| serde_json::json!({ "point": i, "record": r })));
    }
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let options: Vec<String> = base.options.iter().map(|o| o.name.clone()).collect();
    let overrides = args.sim.overrides(&[]);
    let mut manifest = Manifest::new(&base, &source, &overrides, base.run.replications, threads, wall, events);
    manifest.study = Some(serde_json::json!({
        "command": "sweep",
        "vary": args.vary,
        "points": grid.points.len(),
        "metric": metric,
        "precision_per_point": precision,
    }));
    print!("{}", table(&grid, &rows, &options, &metric));
    let study = SweepStudy::new(&base, grid, metric, rows);
    let files = write_sweep(&study, &manifest, &text, &out_dir).map_err(Failure::runtime)?;
    let grid = &study.grid;
    eprintln!("wrote {} files to {} in {:.1} s ({} points)", files.len(), out_dir.display(), wall, grid.points.len());
    Ok(())
}

/// The chosen metric per point (rows) and option (columns): mean [95% CI].
fn table(grid: &Grid, rows: &[SweepRow], options: &[String], metric: &str) -> String {
    let mut header: Vec<String> = vec!["point".into()];
    header.extend(grid.keys.iter().cloned());
    header.extend(options.iter().cloned());
    let mut body: Vec<Vec<String>> = Vec::new();
    for (i, values) in grid.points.iter().enumerate() {
        let mut line = vec![i.to_string()];
        line.extend(values.iter().cloned());
        for o in options {
            let cell = rows.iter().find(|r| r.point == i && &r.option == o && r.metric == metric).map_or_else(
                || "-".to_string(),
                |r| match r.ci95 {
                    Some([lo, hi]) => format!("{:.2} [{:.2}, {:.2}]", r.mean, lo, hi),
                    None => format!("{:.2}", r.mean),
                },
            );
            line.push(cell);
        }
        body.push(line);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| body.iter().map(|l| l[c].chars().count()).chain([header[c].chars().count()]).max().unwrap_or(0))
        .collect();
    let unit = grid::unit(metric);
    let mut out = format!("{metric} ({unit}; mean [95% CI, simulation noise only]) per point and option\n");
    for line in std::iter::once(&header).chain(&body) {
        let cells: Vec<String> = line.iter().zip(&widths).map(|(c, w)| format!("{c:>w$}")).collect();
        let _ = writeln!(out, "{}", cells.join("  "));
    }
    out
}
