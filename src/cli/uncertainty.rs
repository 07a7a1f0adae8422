//! `dormsim uncertainty`: the assumptions register's ranges propagated through the model. Sets up the study
//! (factors from the register, the Saltelli design, the headline metrics), runs the scenario at its own values and
//! at every design point of this shard with a progress bar, and writes the study (or the shard's raw results for
//! `dormsim merge`).

use super::{Failure, UncertaintyArgs};
use anyhow::anyhow;
use dormsim::experiment::sobol::{Design, MAX_FACTORS, MAX_ROWS};
use dormsim::experiment::uncertainty::{self as unc, Factor, Headline, PointResult, StudyResults};
use dormsim::experiment::{self, Execution, ReplicationResult};
use dormsim::output::Manifest;
use dormsim::output::uncertainty::{UncertaintyArtifacts, write_uncertainty, write_uncertainty_shard};
use dormsim::scenario::Scenario;
use dormsim::scenario::locate::apply_overrides;
use std::path::PathBuf;
use std::time::Instant;

/// Replications per design point unless `--replications` or `--set run.replications` says otherwise.
pub const DEFAULT_REPLICATIONS: u32 = 2;

/// A study ready to run: the scenario at its own values, its text and source, the overrides every point starts
/// from, the factors, the design and the headline metrics.
pub struct Setup {
    pub scenario: Scenario,
    pub source: String,
    pub text: String,
    pub overrides: Vec<String>,
    pub factors: Vec<Factor>,
    pub design: Design,
    pub heads: Vec<Headline>,
}

impl Setup {
    /// The scenario at design point `p`, and the factors' values there.
    fn at(&self, p: usize) -> Result<(Scenario, Vec<f64>), Failure> {
        let (extra, values) = unc::point_overrides(&self.design, &self.factors, p);
        let mut overrides = self.overrides.clone();
        overrides.extend(extra.iter().cloned());
        let s = Scenario::load(&self.text, &self.source, &overrides).map_err(|e| {
            Failure::input(anyhow!("design point {p} ({}): {e}; narrow the register's ranges", extra.join(", ")))
        })?;
        Ok((s, values))
    }
}

/// Build the study from a scenario text and the overrides every point starts from (also used by `merge`).
pub fn setup(text: &str, source: &str, overrides: &[String], samples: u32, fix: &[String]) -> Result<Setup, Failure> {
    let scenario = Scenario::load(text, source, overrides).map_err(Failure::input)?;
    let mut doc: toml::Table = text.parse().map_err(|e| Failure::input(anyhow!("{source}: {e}")))?;
    apply_overrides(&mut doc, overrides).map_err(|e| Failure::input(anyhow!("--set {}: {}", e.key, e.message)))?;
    let known: Vec<&str> = scenario.register.factors().map(|a| a.pattern.as_str()).collect();
    if let Some(f) = fix.iter().find(|f| !known.contains(&f.as_str())) {
        return Err(Failure::input(anyhow!(
            "--fix {f}: not a register entry with a range; those are: {}",
            known.join(", ")
        )));
    }
    let factors = unc::factors(&scenario, &doc, fix);
    if factors.is_empty() {
        return Err(Failure::input(anyhow!(
            "{source}: no entry of the assumptions register has a `vary` range (or all are fixed), so there is nothing \
             to propagate; see docs/scenario.md \"Assumptions register\""
        )));
    }
    if factors.len() > MAX_FACTORS {
        return Err(Failure::input(anyhow!("{} factors; at most {MAX_FACTORS} (use --fix)", factors.len())));
    }
    let heads = unc::headlines(&scenario);
    if heads.is_empty() {
        return Err(Failure::input(anyhow!(
            "{source}: the study compares options with the first; the scenario has one"
        )));
    }
    let design = Design { rows: samples as usize, factors: factors.len(), seed: unc::sequence_seed(scenario.run.seed) };
    Ok(Setup {
        scenario,
        source: source.to_string(),
        text: text.to_string(),
        overrides: overrides.to_vec(),
        factors,
        design,
        heads,
    })
}

/// Every factor at the low end, then at the high end, must give a valid scenario (checked before any run).
fn check_extremes(setup: &Setup) -> Result<(), Failure> {
    for (end, u) in [("low", 0.0), ("high", 1.0 - 1e-12)] {
        let mut overrides = setup.overrides.clone();
        overrides.extend(setup.factors.iter().flat_map(|f| f.overrides(f.value(u))));
        Scenario::load(&setup.text, &setup.source, &overrides).map_err(|e| {
            Failure::input(anyhow!("with every factor at the {end} end of its range the scenario is invalid: {e}"))
        })?;
    }
    Ok(())
}

fn run_reps(s: &Scenario, exec: Execution, bar: &indicatif::ProgressBar) -> Result<Vec<ReplicationResult>, Failure> {
    let numbers: Vec<u32> = (0..s.run.replications).collect();
    experiment::run(s, &numbers, exec, &|| bar.inc(1)).map_err(Failure::runtime)
}

fn events(reps: &[ReplicationResult]) -> u64 {
    reps.iter().flat_map(|r| r.options.iter().map(|m| m.events)).sum()
}

pub fn uncertainty(args: UncertaintyArgs) -> Result<(), Failure> {
    let mut overrides = vec![format!("run.replications={DEFAULT_REPLICATIONS}")];
    overrides.extend(args.sim.overrides(&[]));
    let (_, source, text) = super::scenario::load(args.scenario.as_deref(), &overrides)?;
    let setup = setup(&text, &source, &overrides, args.samples, &args.fix)?;
    if setup.design.rows > MAX_ROWS {
        return Err(Failure::input(anyhow!("--samples: at most {MAX_ROWS}")));
    }
    check_extremes(&setup)?;
    let s = &setup.scenario;
    let points: Vec<usize> = match args.shard {
        Some((i, n)) => (0..setup.design.points()).filter(|p| p % n as usize == i as usize).collect(),
        None => (0..setup.design.points()).collect(),
    };
    if points.is_empty() {
        return Err(Failure::input(anyhow!(
            "--shard: no design point falls to this shard ({} points)",
            setup.design.points()
        )));
    }
    let with_nominal = args.shard.is_none_or(|(i, _)| i == 0);
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{}-uncertainty", s.name)));
    args.sim.preflight(s, &out_dir)?;
    let exec = Execution { threads: args.sim.threads() };
    let per_point = u64::from(s.run.replications) * s.options.len() as u64;
    let bar = super::progress_bar("uncertainty", per_point * (points.len() as u64 + u64::from(with_nominal)));
    let started = Instant::now();
    let mut total_events = 0;
    let nominal = if with_nominal {
        bar.set_message("scenario values".to_string());
        let reps = run_reps(s, exec, &bar)?;
        total_events += events(&reps);
        Some(unc::outputs(&setup.heads, &unc::one_replication_summaries(s, &reps)))
    } else {
        None
    };
    let mut results = StudyResults { nominal, points: Vec::with_capacity(points.len()) };
    for (done, &p) in points.iter().enumerate() {
        bar.set_message(format!("design point {}/{}", done + 1, points.len()));
        let (sp, factor_values) = setup.at(p)?;
        let reps = run_reps(&sp, exec, &bar)?;
        total_events += events(&reps);
        let (row, role) = setup.design.role(p);
        let outputs = unc::outputs(&setup.heads, &unc::one_replication_summaries(&sp, &reps));
        results.points.push(PointResult { point: p, row, role, factor_values, outputs });
    }
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let mut manifest = Manifest::new(s, &source, &overrides, s.run.replications, exec.threads, wall, total_events);
    manifest.shard = args.shard.map(|(i, n)| [i, n]);
    manifest.study = Some(serde_json::json!({
        "command": "uncertainty", "samples": args.samples, "fix": args.fix,
        "factors": setup.factors.len(), "points": setup.design.points(), "points_in_this_folder": points.len(),
    }));
    if args.shard.is_some() {
        let files = write_uncertainty_shard(&mut manifest, &results, &text, &out_dir).map_err(Failure::runtime)?;
        eprintln!(
            "wrote {} files to {} in {wall:.1} s ({} of {} design points)",
            files.len(),
            out_dir.display(),
            points.len(),
            setup.design.points()
        );
        return Ok(());
    }
    finish(&setup, &results, &mut manifest, &out_dir, args.quiet)
}

/// Summarise complete results and write the study (also the end of `merge` for a study's shards).
pub fn finish(
    setup: &Setup,
    results: &StudyResults,
    manifest: &mut Manifest,
    out_dir: &std::path::Path,
    quiet: bool,
) -> Result<(), Failure> {
    unc::check_complete(&setup.design, setup.heads.len(), results).map_err(|e| Failure::input(anyhow!(e)))?;
    let summary = unc::summarise_study(&setup.scenario, &setup.factors, &setup.design, &setup.heads, results);
    let artifacts = UncertaintyArtifacts { summary: &summary, results, manifest, scenario_text: &setup.text };
    let files = write_uncertainty(&artifacts, out_dir).map_err(Failure::runtime)?;
    if !quiet {
        print!("{}", dormsim::output::uncertainty::render_console(&summary));
    }
    eprintln!(
        "wrote {} files to {} in {:.1} s ({} design points × {} replications)",
        files.len(),
        out_dir.display(),
        manifest.wall_time_seconds,
        setup.design.points(),
        setup.scenario.run.replications
    );
    Ok(())
}

/// One shard of a study as read back by `merge`.
struct StudyShard {
    dir: PathBuf,
    manifest: Manifest,
    text: String,
    results: StudyResults,
}

fn study_of(m: &Manifest) -> Option<&serde_json::Map<String, serde_json::Value>> {
    m.study.as_ref()?.as_object().filter(|s| s.get("command").and_then(|c| c.as_str()) == Some("uncertainty"))
}

fn read_study_shard(dir: &std::path::Path) -> anyhow::Result<StudyShard> {
    use anyhow::{Context, bail};
    use dormsim::output::{sha256_hex, uncertainty::POINTS_FILE};
    let read = |name: &str| super::merge::read_text(dir, name);
    let manifest = super::merge::read_manifest(dir)?;
    let Some(study) = study_of(&manifest) else { bail!("{}: not a shard of an uncertainty study", dir.display()) };
    let text = read(POINTS_FILE)?;
    if study.get("points_sha256").and_then(|d| d.as_str()) != Some(sha256_hex(&text).as_str()) {
        bail!("{}: {POINTS_FILE} does not match the digest in manifest.json: it was edited or damaged", dir.display());
    }
    let results = serde_json::from_str(&text).with_context(|| format!("{}: {POINTS_FILE}", dir.display()))?;
    Ok(StudyShard { dir: dir.to_path_buf(), text: read("scenario.toml")?, manifest, results })
}

/// Is `dir` a shard of an uncertainty study (its raw results file is there)?
pub fn is_study_shard(dir: &std::path::Path) -> bool {
    dir.join(dormsim::output::uncertainty::POINTS_FILE).is_file()
}

/// The settings all shards must share, as written in their manifests.
fn settings(m: &Manifest) -> (String, Vec<String>, Option<serde_json::Value>, Option<serde_json::Value>, Option<u32>) {
    let study = study_of(m);
    (
        m.scenario_hash.clone(),
        m.overrides.clone(),
        study.and_then(|s| s.get("samples").cloned()),
        study.and_then(|s| s.get("fix").cloned()),
        m.shard.map(|s| s[1]),
    )
}

/// `dormsim merge` for the shards of an uncertainty study: check them, put the design points back together and
/// write exactly what the unsplit study writes.
pub fn merge_shards(dirs: &[PathBuf], out: &std::path::Path) -> Result<(), Failure> {
    let shards =
        dirs.iter().map(|d| read_study_shard(d)).collect::<anyhow::Result<Vec<_>>>().map_err(Failure::input)?;
    let first = &shards[0];
    for s in &shards[1..] {
        if settings(&s.manifest) != settings(&first.manifest) || s.text != first.text {
            return Err(Failure::input(anyhow!(
                "{} and {} are shards of different studies (scenario, overrides, --samples, --fix or shard count differ)",
                first.dir.display(),
                s.dir.display()
            )));
        }
    }
    let study = study_of(&first.manifest).cloned().unwrap_or_default();
    let samples = study.get("samples").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
    let fix: Vec<String> = serde_json::from_value(study.get("fix").cloned().unwrap_or_default()).unwrap_or_default();
    let m = &first.manifest;
    let setup = setup(&first.text, &m.scenario_source, &m.overrides, samples, &fix)?;
    if setup.scenario.hash() != m.scenario_hash {
        return Err(Failure::input(anyhow!(
            "{}: scenario.toml does not reproduce the manifest's hash",
            first.dir.display()
        )));
    }
    let mut results = StudyResults::default();
    for s in &shards {
        if let Some(n) = &s.results.nominal {
            results.nominal = Some(n.clone());
        }
        results.points.extend(s.results.points.iter().cloned());
    }
    results.points.sort_by_key(|p| p.point);
    for p in results.points.iter().filter(|p| p.point < setup.design.points()) {
        if unc::point_overrides(&setup.design, &setup.factors, p.point).1 != p.factor_values {
            return Err(Failure::input(anyhow!("design point {}: its factor values are not the design's", p.point)));
        }
    }
    let wall: f64 = shards.iter().map(|s| s.manifest.wall_time_seconds).sum();
    let events: u64 = shards.iter().map(|s| s.manifest.events_processed).sum();
    let threads = shards.iter().map(|s| s.manifest.threads).max().unwrap_or(1);
    let s = &setup.scenario;
    let mut manifest = Manifest::new(s, &m.scenario_source, &m.overrides, s.run.replications, threads, wall, events);
    manifest.study = Some(serde_json::json!({
        "command": "uncertainty", "samples": samples, "fix": fix,
        "factors": setup.factors.len(), "points": setup.design.points(), "points_in_this_folder": setup.design.points(),
    }));
    finish(&setup, &results, &mut manifest, out, true)
}

/// Copy the uncertainty study in `study` into the run folder `run_dir` for its report, after checking that it is
/// one, of the run's scenario.
pub fn attach(run_dir: &std::path::Path, study: &std::path::Path) -> Result<(), Failure> {
    use dormsim::experiment::uncertainty::StudySummary;
    let path = study.join("summary.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Failure::input(anyhow!("--uncertainty {}: cannot read summary.json ({e})", study.display())))?;
    let summary: StudySummary = serde_json::from_str(&text).map_err(|e| {
        Failure::input(anyhow!(
            "--uncertainty {}: not the summary of a `dormsim uncertainty` study ({e})",
            study.display()
        ))
    })?;
    let run: serde_json::Value = std::fs::read_to_string(run_dir.join("summary.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    if run["scenario"].as_str() != Some(summary.scenario.as_str()) {
        return Err(Failure::input(anyhow!(
            "--uncertainty {}: a study of scenario `{}`, but the run is of `{}`",
            study.display(),
            summary.scenario,
            run["scenario"].as_str().unwrap_or("?")
        )));
    }
    let to = run_dir.join(dormsim::output::UNCERTAINTY_FILE);
    std::fs::write(&to, text).map_err(|e| Failure::runtime(anyhow!("{}: {e}", to.display())))
}
