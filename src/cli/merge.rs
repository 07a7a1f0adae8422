//! `dormsim merge`: combine shard outputs into one run. Each shard folder holds its scenario text, overrides and
//! raw replication results; the scenario is loaded again from them (and its hash checked), the replications are
//! put back in order, and everything is summarised and written exactly as an unsplit run would be.
//!
//! The shards are checked, not trusted: each was written by this dormsim version, its `replications.json` matches
//! the digest its manifest recorded (an edited or damaged file is refused), all share one scenario, and the output
//! folder is none of them, and every shard's results fit the scenario (`experiment::check_results`: options,
//! weekly series, histograms, replication numbers), so a hand-made file cannot make the summary index out of bounds.

use super::Failure;
use anyhow::{Context, anyhow, bail};
use dormsim::experiment::{self, ReplicationResult};
use dormsim::output::{self, Manifest, REPLICATIONS_FILE, RunArtifacts, sha256_hex};
use dormsim::scenario::Scenario;
use std::path::{Path, PathBuf};

struct Shard {
    dir: PathBuf,
    manifest: Manifest,
    scenario_text: String,
    replications: Vec<ReplicationResult>,
}

/// The text of file `name` of shard folder `dir`.
pub fn read_text(dir: &Path, name: &str) -> anyhow::Result<String> {
    std::fs::read_to_string(dir.join(name)).with_context(|| format!("{}: cannot read {name}", dir.display()))
}

/// A shard's `manifest.json`, which must have been written by this dormsim version.
pub fn read_manifest(dir: &Path) -> anyhow::Result<Manifest> {
    let manifest: Manifest = serde_json::from_str(&read_text(dir, "manifest.json")?)
        .with_context(|| format!("{}: manifest.json", dir.display()))?;
    let version = env!("CARGO_PKG_VERSION");
    if manifest.dormsim_version != version {
        bail!(
            "{}: written by dormsim {}, this is {version}: results of different versions are not merged (run the \
             shard again)",
            dir.display(),
            manifest.dormsim_version
        );
    }
    Ok(manifest)
}

fn read_shard(dir: &Path) -> anyhow::Result<Shard> {
    let read = |name: &str| read_text(dir, name);
    let manifest = read_manifest(dir)?;
    let text = read(REPLICATIONS_FILE)?;
    match &manifest.replications_sha256 {
        Some(digest) if *digest == sha256_hex(&text) => {}
        Some(_) => bail!(
            "{}: {REPLICATIONS_FILE} does not match the digest in manifest.json: it was edited or damaged after the run",
            dir.display()
        ),
        None => bail!("{}: manifest.json records no digest of {REPLICATIONS_FILE}; run the shard again", dir.display()),
    }
    Ok(Shard {
        dir: dir.to_path_buf(),
        manifest,
        scenario_text: read("scenario.toml")?,
        replications: serde_json::from_str(&text).with_context(|| format!("{}: {REPLICATIONS_FILE}", dir.display()))?,
    })
}

/// The output folder may not be one of the shards (it would be replaced before all were read).
fn check_out_is_not_a_shard(dirs: &[PathBuf], out: &Path) -> anyhow::Result<()> {
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let Some(out) = canonical(out) else { return Ok(()) };
    match dirs.iter().find(|d| canonical(d).as_deref() == Some(out.as_path())) {
        Some(d) => bail!("--out {} is one of the shards being merged; write the merge to a new folder", d.display()),
        None => Ok(()),
    }
}

/// The scenario of the shards: all must have the same hash, and loading the first one's text with its overrides
/// must reproduce it.
fn common_scenario(shards: &[Shard]) -> anyhow::Result<Scenario> {
    let first = &shards[0].manifest;
    for s in &shards[1..] {
        if s.manifest.scenario_hash != first.scenario_hash {
            bail!(
                "{}: scenario hash {} differs from {}'s {}",
                s.dir.display(),
                s.manifest.scenario_hash,
                shards[0].dir.display(),
                first.scenario_hash
            );
        }
    }
    let scenario = Scenario::load(&shards[0].scenario_text, &first.scenario_source, &first.overrides)
        .map_err(|e| anyhow!("{}: {e}", shards[0].dir.display()))?;
    if scenario.hash() != first.scenario_hash {
        bail!("{}: scenario.toml with its overrides does not reproduce the manifest's hash", shards[0].dir.display());
    }
    Ok(scenario)
}

/// Each shard's replication results fit the scenario (options, weekly series, histograms, replication numbers),
/// so nothing downstream indexes out of bounds on a hand-made or foreign `replications.json`.
fn check_shard_results(scenario: &Scenario, shards: &[Shard]) -> anyhow::Result<()> {
    for s in shards {
        experiment::check_results(scenario, &s.replications)
            .map_err(|e| anyhow!("{}: {REPLICATIONS_FILE} does not fit the scenario: {e}", s.dir.display()))?;
    }
    Ok(())
}

/// All replications in order; every replication of the scenario exactly once.
fn combined(scenario: &Scenario, shards: Vec<Shard>) -> anyhow::Result<Vec<ReplicationResult>> {
    let mut reps: Vec<ReplicationResult> = shards.into_iter().flat_map(|s| s.replications).collect();
    reps.sort_by_key(|r| r.replication);
    let numbers: Vec<u32> = reps.iter().map(|r| r.replication).collect();
    let expected: Vec<u32> = (0..scenario.run.replications).collect();
    if numbers != expected {
        let missing: Vec<u32> = expected.iter().filter(|r| !numbers.contains(r)).copied().collect();
        bail!(
            "the shards do not hold replications 0..{} exactly once (missing {missing:?}, got {numbers:?})",
            scenario.run.replications
        );
    }
    Ok(reps)
}

pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(), Failure> {
    check_out_is_not_a_shard(dirs, out).map_err(Failure::input)?;
    if dirs.iter().any(|d| super::uncertainty::is_study_shard(d)) {
        return super::uncertainty::merge_shards(dirs, out);
    }
    let shards = dirs.iter().map(|d| read_shard(d)).collect::<anyhow::Result<Vec<_>>>().map_err(Failure::input)?;
    let scenario = common_scenario(&shards).map_err(Failure::input)?;
    check_shard_results(&scenario, &shards).map_err(Failure::input)?;
    let first = shards[0].manifest.clone();
    let text = shards[0].scenario_text.clone();
    let wall: f64 = shards.iter().map(|s| s.manifest.wall_time_seconds).sum();
    let events: u64 = shards.iter().map(|s| s.manifest.events_processed).sum();
    let threads = shards.iter().map(|s| s.manifest.threads).max().unwrap_or(1);
    let reps = combined(&scenario, shards).map_err(Failure::input)?;
    let summary = experiment::summarise(&scenario, &reps);
    let manifest =
        Manifest::new(&scenario, &first.scenario_source, &first.overrides, reps.len() as u32, threads, wall, events);
    let artifacts = RunArtifacts {
        scenario: &scenario,
        summary: &summary,
        replications: &reps,
        manifest: &manifest,
        scenario_text: &text,
    };
    let files = output::write_run(&artifacts, out).map_err(Failure::runtime)?;
    eprintln!("merged {} shards: wrote {} files to {}", dirs.len(), files.len(), out.display());
    Ok(())
}
