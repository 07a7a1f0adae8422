//! `dormsim run`: load, simulate with a progress bar, summarise, write outputs, print the table.

use super::{Failure, RunArgs};
use dormsim::experiment::{self, Execution};
use dormsim::output::{self, Manifest, RunArtifacts};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::PathBuf;
use std::time::Instant;

/// Explicit flags become overrides after the `--set` ones, so they win.
fn overrides(args: &RunArgs) -> Vec<String> {
    let mut o = args.set.clone();
    if let Some(n) = args.replications {
        o.push(format!("run.replications={n}"));
    }
    if let Some(n) = args.seed {
        o.push(format!("run.seed={n}"));
    }
    if let Some(n) = args.sites {
        o.push(format!("fleet.installations={n}"));
    }
    o
}

fn progress_bar(len: u64) -> ProgressBar {
    // Hidden automatically when stderr is not a terminal.
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} simulating: {pos}/{len} replication × option runs [{bar:30}] {elapsed_precise} (eta {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

pub fn run(args: RunArgs) -> Result<(), Failure> {
    let overrides = overrides(&args);
    let (scenario, source, text) = super::scenario::load(args.scenario.as_deref(), &overrides)?;
    let threads = match args.threads {
        Some(0) | None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        Some(n) => n,
    };
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(&scenario.name));
    let numbers = match args.shard {
        Some((i, n)) => experiment::shard_replications(scenario.run.replications, i, n),
        None => (0..scenario.run.replications).collect(),
    };
    let replications = numbers.len() as u32;
    let bar = progress_bar(u64::from(replications) * scenario.options.len() as u64);
    let started = Instant::now();
    let results =
        experiment::run(&scenario, &numbers, Execution { threads }, &|| bar.inc(1)).map_err(Failure::runtime)?;
    let wall = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let summary = experiment::summarise(&scenario, &results);
    let events: u64 = results.iter().flat_map(|r| r.options.iter().map(|m| m.events)).sum();
    let mut manifest = Manifest::new(&scenario, &source, &overrides, replications, threads, wall, events);
    manifest.shard = args.shard.map(|(i, n)| [i, n]);
    let artifacts = RunArtifacts {
        scenario: &scenario,
        summary: &summary,
        replications: &results,
        manifest: &manifest,
        scenario_text: &text,
    };
    let files = output::write_run(&artifacts, &out_dir).map_err(Failure::runtime)?;
    if !args.quiet {
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
