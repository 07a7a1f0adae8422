//! `dormsim run`: load, simulate with a progress bar, summarise, write outputs, print the table.

use super::{Failure, RunArgs};
use dormsim::experiment;
use dormsim::output::{self, Manifest, RunArtifacts};
use std::path::PathBuf;
use std::time::Instant;

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let overrides = args.sim.overrides(&[]);
    let (scenario, source, text) = super::scenario::load(args.scenario.as_deref(), &overrides)?;
    let threads = args.sim.threads();
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    let numbers = match args.shard {
        Some((i, n)) => experiment::shard_replications(scenario.run.replications, i, n),
        None => (0..scenario.run.replications).collect(),
    };
    if let (Some((i, n)), true) = (args.shard, numbers.is_empty()) {
        return Err(Failure::input(anyhow::anyhow!(
            "--shard {i}/{n}: no replication falls to this shard (it runs the replications r with r mod {n} = {i}, and \
             the run has {}); use at most {} shards",
            scenario.run.replications,
            scenario.run.replications
        )));
    }
    args.sim.preflight(&scenario, &out_dir)?;
    let bar = super::progress_bar("simulating", numbers.len() as u64 * scenario.options.len() as u64);
    let started = Instant::now();
    if args.precision.target()?.is_some() {
        bar.set_length(u64::from(args.precision.max_replications) * scenario.options.len() as u64);
    }
    let (results, precision) = super::simulate(&scenario, &numbers, &args.precision, threads, &bar)?;
    let replications = results.len() as u32;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let summary = experiment::summarise(&scenario, &results);
    let events: u64 = results.iter().flat_map(|r| r.options.iter().map(|m| m.events)).sum();
    let mut manifest = Manifest::new(&scenario, &source, &overrides, replications, threads, wall, events);
    manifest.shard = args.shard.map(|(i, n)| [i, n]);
    manifest.phase_seconds = Some(experiment::PhaseSeconds::total(&results));
    if let Some(p) = &precision {
        eprintln!(
            "precision: {} half-width {:.3} WD {} target {:.3} after {} replications",
            p.metric,
            p.achieved_half_width,
            if p.reached { "<=" } else { "> (max replications reached)" },
            p.target_half_width,
            p.replications
        );
    }
    manifest.precision = precision;
    let artifacts = RunArtifacts {
        scenario: &scenario,
        summary: &summary,
        replications: &results,
        manifest: &manifest,
        scenario_text: &text,
    };
    let files = output::write_run(&artifacts, &out_dir).map_err(Failure::runtime)?;
    if !args.quiet {
        let changes = output::labels::scenario_changes(&overrides);
        if !changes.is_empty() {
            println!("scenario {} changed for this run: {}", scenario.name, changes.join(", "));
        }
        print!("{}", output::render_summary(&summary));
    }
    eprintln!(
        "wrote {} files to {} in {:.1} s ({:.2} M events/s)",
        files.len(),
        out_dir.display(),
        wall,
        manifest.events_per_second / 1e6
    );
    Ok(())
}
