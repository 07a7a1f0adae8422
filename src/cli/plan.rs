//! `dormsim plan`: parse the targets and the search range, run the noise-aware bisection over the key (each value
//! an ordinary experiment with the same seed), write `plan.json`, the evidence table and chart, and print the
//! answer with the runs around it.

use super::{Failure, PlanArgs};
use anyhow::anyhow;
use dormsim::experiment::Execution;
use dormsim::experiment::plan::{self, Plan, PlanSpec, Target};
use dormsim::experiment::sweep::parse_spec;
use dormsim::output::Manifest;
use dormsim::output::plan::{answer_text, diagnosis_text, write_plan};
use dormsim::scenario::Scenario;
use dormsim::scenario::locate::value_at;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

/// A power of ten near 1% of `value` (at least 1 for integers): the default search step.
fn default_step(value: f64, integer: bool) -> f64 {
    let step = 10f64.powf((value.abs() / 100.0).log10().floor());
    if integer { step.max(1.0) } else { step }
}

/// Keys that configure the simulation rather than describe the world: a plan cannot search them (a "smallest seed
/// that meets the target" is a statement about noise, not capacity).
const NOT_PLANNABLE: [&str; 4] = ["run.", "fleet.installations", "fleet.sample", "sensitivity."];

/// The search grid: `--range` as given, or step ≈ 1% of the scenario's value, from one step to 8× the value.
fn grid(args: &PlanArgs, text: &str) -> Result<Vec<String>, Failure> {
    if NOT_PLANNABLE.iter().any(|p| args.adjust.starts_with(p)) {
        return Err(Failure::input(anyhow!(
            "--adjust {}: a setting of the simulation (run.*, fleet.installations, fleet.sample), not a quantity of \
             the world to plan; adjust a capacity such as dcc.daily_capacity or smsos.<name>.servers",
            args.adjust
        )));
    }
    if let Some(range) = &args.range {
        return parse_spec(range).map_err(|e| Failure::input(anyhow!("--range: {e}")));
    }
    let doc: toml::Table = text.parse().map_err(|e| Failure::input(anyhow!("{e}")))?;
    let (value, integer) = match value_at(&doc, &args.adjust) {
        Some(toml::Value::Integer(i)) => (*i as f64, true),
        Some(toml::Value::Float(f)) => (*f, false),
        Some(other) => {
            return Err(Failure::input(anyhow!("--adjust {}: is a {}, not a number", args.adjust, other.type_str())));
        }
        None => {
            return Err(Failure::input(anyhow!(
                "--adjust {}: not set in the scenario file, so there is no value to search around; give --range LO..HI",
                args.adjust
            )));
        }
    };
    if value.is_nan() || value <= 0.0 {
        return Err(Failure::input(anyhow!(
            "--adjust {}: the scenario's value {value} is not positive; give --range",
            args.adjust
        )));
    }
    let step = default_step(value, integer);
    let hi = (value * 8.0 / step).ceil() * step;
    let spec = if integer { format!("{step}..{hi} step {step}") } else { format!("{step:e}..{hi:e} step {step:e}") };
    parse_spec(&normalise(&spec)).map_err(|e| Failure::input(anyhow!("--adjust {}: {e}", args.adjust)))
}

/// Exponent-free decimal text for `parse_spec` (`1e-3` → `0.001`).
fn normalise(spec: &str) -> String {
    spec.split(' ')
        .map(|part| {
            part.split("..")
                .map(|n| n.parse::<f64>().map_or(n.to_string(), |v| format!("{}", v)))
                .collect::<Vec<_>>()
                .join("..")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn plan(args: PlanArgs) -> Result<(), Failure> {
    let targets =
        args.target.iter().map(|t| Target::parse(t)).collect::<Result<Vec<_>, _>>().map_err(Failure::input)?;
    if !(args.confidence > 0.5 && args.confidence < 1.0) {
        return Err(Failure::input(anyhow!("--confidence must be in (0.5, 1), got {}", args.confidence)));
    }
    let overrides = args.sim.overrides(&[]);
    let (base, source, text) = super::scenario::load(args.scenario.as_deref(), &overrides)?;
    if base.run.replications < 2 {
        return Err(Failure::input(anyhow!(
            "plan needs at least 2 replications per value for a confidence bound (run.replications = {})",
            base.run.replications
        )));
    }
    plan::resolve_targets(&targets, &base).map_err(Failure::input)?;
    let values = grid(&args, &text)?;
    // Validate both ends before simulating anything.
    let scenario_at = |v: &str| {
        Scenario::load(&text, &source, &args.sim.overrides(&[format!("{}={v}", args.adjust)]))
            .map_err(|e| e.to_string())
    };
    for v in [values.first(), values.last()].into_iter().flatten() {
        scenario_at(v).map_err(|e| Failure::input(anyhow!("--adjust {}={v}: {e}", args.adjust)))?;
    }
    let threads = args.sim.threads();
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("output").join(format!("{}-plan", base.name)));
    args.sim.preflight(&base, &out_dir)?;
    let per_value = u64::from(base.run.replications) * base.options.len() as u64;
    let bar = super::progress_bar("planning", per_value * (2 + values.len().ilog2() as u64 + 1 + args.evidence as u64));
    let started = Instant::now();
    let spec = PlanSpec {
        key: args.adjust.clone(),
        grid: values,
        targets,
        confidence: args.confidence,
        evidence_above: args.evidence,
    };
    let result =
        plan::plan(&base, spec, Execution { threads }, scenario_at, &|| bar.inc(1)).map_err(Failure::runtime)?;
    bar.finish_and_clear();
    let wall = started.elapsed().as_secs_f64();
    write(&args, &out_dir, &base, &source, &overrides, &text, &result, threads, wall)?;
    print!("{}", describe(&result));
    eprintln!("wrote the plan to {} in {:.1} s ({} evaluations)", out_dir.display(), wall, result.evaluations.len());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn write(
    args: &PlanArgs,
    out_dir: &std::path::Path,
    base: &Scenario,
    source: &str,
    overrides: &[String],
    text: &str,
    result: &Plan,
    threads: usize,
    wall: f64,
) -> Result<(), Failure> {
    let mut manifest = Manifest::new(base, source, overrides, base.run.replications, threads, wall, 0);
    manifest.study = Some(serde_json::json!({
        "command": "plan", "adjust": result.key, "targets": args.target, "confidence": result.confidence,
        "range": args.range, "evidence": args.evidence,
    }));
    write_plan(result, &manifest, text, out_dir).map_err(Failure::runtime)?;
    Ok(())
}

/// The answer in words and the evaluations as a table, the threshold's neighbours marked.
fn describe(p: &Plan) -> String {
    let mut out = String::new();
    let confidence = p.confidence * 100.0;
    let prefix = if p.answer.is_some() { "answer" } else { "no answer" };
    let _ = writeln!(out, "{prefix}: {}", answer_text(p));
    for d in &p.diagnosis {
        let _ = writeln!(out, "  {}", diagnosis_text(p, d));
    }
    if !p.non_monotone.is_empty() {
        let _ = writeln!(
            out,
            "warning: values above the answer fail the targets ({}): the effect of {} is not monotone there at this \
number of replications; treat the answer with care or add replications",
            p.non_monotone.join(", "),
            p.key
        );
    }
    let _ = writeln!(out, "evidence ({} evaluations, {}% one-sided bounds):", p.evaluations.len(), confidence);
    for e in &p.evaluations {
        let mark = if p.answer.as_deref() == Some(e.value.as_str()) { "  <= answer" } else { "" };
        let checks: Vec<String> = e
            .checks
            .iter()
            .map(|c| {
                if c.mean.is_finite() {
                    format!(
                        "{} mean {:.3} bound {:.3} {} {}",
                        c.metric,
                        c.mean,
                        c.bound,
                        c.unit,
                        if c.meets { "ok" } else { "FAILS" }
                    )
                } else {
                    format!("{} not measured (no episode to measure) FAILS", c.metric)
                }
            })
            .collect();
        let _ = writeln!(out, "  {} = {:>10}: {}{mark}", p.key, e.value, checks.join("; "));
    }
    out
}
