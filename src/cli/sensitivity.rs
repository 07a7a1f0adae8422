//! `dormsim sensitivity`: list the parameters (numeric keys of the scenario file), run the base and each low/high
//! setting with the same seed, rank the parameters per metric, write the table, JSON and tornado chart, and print
//! the top of each ranking.

use super::{Failure, SensitivityArgs};
use anyhow::anyhow;
use dormsim::experiment::metric::{self, Metric};
use dormsim::experiment::sensitivity::{self as sens, Group, ParameterResult, SensitivityStudy, Setting, Settings};
use dormsim::experiment::{self, Execution, ReplicationResult};
use dormsim::output::Manifest;
use dormsim::output::sensitivity::write_sensitivity;
use dormsim::scenario::Scenario;
use dormsim::scenario::locate::apply_overrides;
use dormsim::scenario::raw::RawSensitivity;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// The scenario document with the `--set` overrides applied (the values the parameters start from).
fn document(text: &str, overrides: &[String]) -> Result<toml::Table, Failure> {
    let mut doc: toml::Table = text.parse().map_err(|e| Failure::input(anyhow!("{e}")))?;
    apply_overrides(&mut doc, overrides).map_err(|e| Failure::input(anyhow!("--set {}: {}", e.key, e.message)))?;
    Ok(doc)
}

fn settings(doc: &toml::Table, percent: Option<f64>) -> Result<Settings, Failure> {
    let raw: Option<RawSensitivity> = match doc.get("sensitivity") {
        Some(v) => Some(v.clone().try_into().map_err(|e| Failure::input(anyhow!("[sensitivity]: {e}")))?),
        None => None,
    };
    let mut s = Settings::from_raw(raw.as_ref());
    if let Some(p) = percent {
        if !(p.is_finite() && p > 0.0 && p < 100.0) {
            return Err(Failure::input(anyhow!("--percent must be in (0, 100), got {p}")));
        }
        s.percent = p;
    }
    Ok(s)
}

/// The default metrics (for every non-baseline option): the per-installation saving and the extra staff effort.
pub const DEFAULT_METRICS: [&str; 2] = ["site_reduction_wd", "extra_manual_fte"];

fn metrics(args: &SensitivityArgs, s: &Scenario) -> Result<Vec<Metric>, Failure> {
    // Default: the trade-off for every option against the baseline (paired differences), or levels with one option.
    let specs: Vec<String> = if args.metric.is_empty() {
        if s.options.len() > 1 {
            DEFAULT_METRICS.iter().map(|m| m.to_string()).collect()
        } else {
            vec![format!("{}.dormancy_wd", s.options[0].name), format!("{}.manual_fte_total", s.options[0].name)]
        }
    } else {
        args.metric.clone()
    };
    let mut out = Vec::new();
    for spec in &specs {
        out.extend(metric::resolve(spec, s).map_err(|e| Failure::input(anyhow!("--metric: {e}")))?);
    }
    Ok(out)
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), Failure> {
    let overrides = args.sim.overrides(&[]);
    let (base, source, text) = super::scenario::load(args.scenario.as_deref(), &overrides)?;
    let doc = document(&text, &overrides)?;
    let settings = settings(&doc, args.percent)?;
    let (mut params, mut skipped) =
        sens::parameters(&doc, &settings, &base.register).map_err(|e| Failure::input(anyhow!(e)))?;
    if !args.only.is_empty() {
        let keep =
            |k: &str| args.only.iter().any(|p| k == p || k.starts_with(&format!("{}.", p.trim_end_matches('.'))));
        params.retain(|p| keep(&p.key));
        skipped.retain(|s| keep(&s.key));
        if params.is_empty() {
            return Err(Failure::input(anyhow!(
                "--only {}: no numeric key of the scenario matches",
                args.only.join(", ")
            )));
        }
    }
    let metrics = metrics(&args, &base)?;
    let out_dir =
        args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sensitivity", base.name)));
    args.sim.preflight(&base, &out_dir)?;
    let threads = args.sim.threads();
    let exec = Execution { threads };
    let per_setting = u64::from(base.run.replications) * base.options.len() as u64;
    let bar = super::progress_bar("sensitivity", per_setting * (1 + 2 * params.len() as u64));
    let started = Instant::now();
    let numbers: Vec<u32> = (0..base.run.replications).collect();
    let run = |s: &Scenario| experiment::run(s, &numbers, exec, &|| bar.inc(1)).map_err(Failure::runtime);
    let base_reps = run(&base)?;
    let mut events: u64 = count_events(&base_reps);
    let mut results = Vec::new();
    for (i, p) in params.iter().enumerate() {
        bar.set_message(format!("{} ({}/{})", p.key, i + 1, params.len()));
        let at = |high: bool| Scenario::load(&text, &source, &args.sim.overrides(&p.overrides(high)));
        let (low, high) = match (at(false), at(true)) {
            (Ok(l), Ok(h)) => (l, h),
            (Err(e), _) => {
                skipped.push(sens::rejected(p, "low", &e.message));
                bar.inc(2 * per_setting);
                continue;
            }
            (_, Err(e)) => {
                skipped.push(sens::rejected(p, "high", &e.message));
                bar.inc(2 * per_setting);
                continue;
            }
        };
        let (low_reps, high_reps) = (run(&low)?, run(&high)?);
        events += count_events(&low_reps) + count_events(&high_reps);
        let effects = sens::effects(
            &metrics,
            &Setting { scenario: &base, reps: &base_reps },
            &Setting { scenario: &low, reps: &low_reps },
            &Setting { scenario: &high, reps: &high_reps },
        );
        results.push(ParameterResult { parameter: p.clone(), effects });
    }
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    let specs: Vec<String> = metrics.iter().map(|m| m.spec.clone()).collect();
    let mut manifest = Manifest::new(&base, &source, &overrides, base.run.replications, threads, wall, events);
    manifest.study = Some(serde_json::json!({
        "command": "sensitivity", "metrics": specs, "percent": settings.percent, "only": args.only,
        "parameters": results.len(), "skipped": skipped.len(),
    }));
    let study =
        SensitivityStudy::new(&base, &metrics, &base_reps, results, skipped, settings.percent, usize::from(args.top));
    let files = write_sensitivity(&study, &manifest, &text, &out_dir).map_err(Failure::runtime)?;
    print!("{}", describe(&study));
    eprintln!(
        "wrote {} files to {} in {:.1} s ({} parameters)",
        files.len(),
        out_dir.display(),
        wall,
        study.parameters.len()
    );
    Ok(())
}

fn count_events(reps: &[ReplicationResult]) -> u64 {
    reps.iter().flat_map(|r| r.options.iter().map(|m| m.events)).sum()
}

/// Per group and metric, the top parameters by |swing| with their values and the swing's CI; then the skipped keys.
fn describe(s: &SensitivityStudy) -> String {
    let mut out = String::new();
    for g in Group::ALL {
        let heading = match g {
            Group::Assumption => "Which assumptions move the answer?",
            Group::Lever => "What do the levers do?",
        };
        let _ = writeln!(out, "{heading} ({} {}s)", s.count(g), g.name());
        for (m, metric) in s.metrics.iter().enumerate() {
            let _ = writeln!(
                out,
                "  {} [{}] (scenario value {:.3}): largest swings, mean at high − mean at low [95% CI, simulation noise only]",
                metric.spec, metric.unit, metric.base
            );
            for (rank, r) in s.ranked(g, m).take(s.shown).enumerate() {
                let e = &r.effects[m];
                let ci = e.swing_ci95.map_or(String::new(), |[lo, hi]| format!(" [{lo:.3}, {hi:.3}]"));
                let p = &r.parameter;
                let _ = writeln!(
                    out,
                    "    {:>2}. {:<46} {:>10} → {:<10} {:>9.3} → {:<9.3} swing {:+.3}{ci} ({})",
                    rank + 1,
                    p.label(),
                    p.low,
                    p.high,
                    e.low,
                    e.high,
                    e.swing,
                    p.source
                );
            }
        }
    }
    if !s.skipped.is_empty() {
        let _ = writeln!(out, "skipped {} keys:", s.skipped.len());
        for k in &s.skipped {
            let _ = writeln!(out, "  {}: {}", k.key, k.reason);
        }
    }
    out
}
