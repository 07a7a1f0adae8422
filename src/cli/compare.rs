//! `dormsim compare RUN_A RUN_B [...]`: read the run folders (refusing what is not a whole, intact run), compare
//! them with the first, write the comparison atomically and print its table; and the `report` arm that rebuilds a
//! comparison's report.

use super::Failure;
use dormsim::output::compare::{self, CompareError, RunFolder};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn failure(e: CompareError) -> Failure {
    match e {
        CompareError::Input(_) => Failure::input(e),
        CompareError::Output(o) => Failure::runtime(o),
    }
}

/// The output folder may not be one of the runs (it would be replaced).
fn check_out_is_not_a_run(runs: &[PathBuf], out: &Path) -> Result<(), Failure> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let Some(out_c) = canonical(out) else { return Ok(()) };
    match runs.iter().find(|d| canonical(d).as_deref() == Some(out_c.as_path())) {
        Some(d) => Err(Failure::input(anyhow::anyhow!(
            "--out {} is one of the runs being compared; write the comparison to a new folder",
            d.display()
        ))),
        None => Ok(()),
    }
}

/// The default output folder: `output/compare-<A's scenario>-<B's scenario>`.
fn default_out(runs: &[RunFolder]) -> PathBuf {
    let names: Vec<&str> = runs.iter().take(2).map(|r| r.summary.scenario.as_str()).collect();
    PathBuf::from("output").join(format!("compare-{}", names.join("-")))
}

pub fn compare(args: super::CompareArgs) -> Result<(), Failure> {
    let started = Instant::now();
    let runs: Vec<RunFolder> =
        args.runs.iter().map(|d| RunFolder::read(d)).collect::<Result<_, _>>().map_err(failure)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&runs));
    check_out_is_not_a_run(&args.runs, &out)?;
    super::recover(&out);
    dormsim::output::check_destination(&out, args.force).map_err(Failure::input)?;
    let summary = compare::summarise(&runs).map_err(failure)?;
    let this = env!("CARGO_PKG_VERSION");
    for r in summary.runs.iter().filter(|r| r.dormsim_version != this || summary.versions_differ) {
        eprintln!(
            "warning: run {} ({}) was written by dormsim {} (this is {this}){}",
            r.id,
            r.folder,
            r.dormsim_version,
            if summary.versions_differ { "; runs of different versions are compared unpaired" } else { "" }
        );
    }
    for r in summary.others().iter().filter(|r| r.pairing != "paired") {
        eprintln!("note: run {} is not paired with A ({}): Welch intervals", r.id, r.pairing_note);
    }
    let manifest = compare::manifest(&summary, &runs[0].manifest, started.elapsed().as_secs_f64());
    let files = compare::write(&summary, &manifest, &out).map_err(Failure::runtime)?;
    if !args.quiet {
        print!("{}", compare::render_console(&summary));
    }
    eprintln!("wrote {} files to {}", files.len(), out.display());
    Ok(())
}

/// Is `dir` a comparison written by `dormsim compare` (its manifest's `study.command`)?
pub fn is_comparison(dir: &Path) -> bool {
    let text = std::fs::read_to_string(dir.join("manifest.json")).unwrap_or_default();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    manifest["study"]["command"].as_str() == Some("compare")
}

/// `dormsim report DIR` on a comparison: rebuild its chart, report.html and summary.md.
pub fn rebuild_report(dir: &Path) -> Result<(), Failure> {
    let files = compare::rebuild(dir).map_err(failure)?;
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}
