//! Outputs of `dormsim plan`: the result `plan.json` ([`Plan`]: answer, method, every evaluation, and for a
//! target out of reach its diagnosis), the table `plan.{csv,parquet}` and `tables.xlsx` (one row per evaluated
//! value × checked metric: the value as a number, the unit, mean, CI, bound, target, met), the chart
//! `charts/plan.{svg,png}` (the first target's metric against the key, the target dashed), `report.html`,
//! `summary.md`, `manifest.json` and `scenario.toml`, written atomically; and the answer and diagnosis in words,
//! shared by the console and the report.

use super::sweep::{SweepArtifacts, draw_chart};
use super::tables::nan_to_null;
use super::{Manifest, OutputError, in_staging};
use crate::experiment::metric::unit;
use crate::experiment::plan::{Diagnosis, Outcome, Plan, Verdict};
use crate::experiment::sweep::{Grid, SweepRow};
use polars::prelude::*;
use std::path::{Path, PathBuf};

/// The result file of a plan.
pub const PLAN_FILE: &str = "plan.json";

/// One row per evaluated value × checked metric.
pub fn plan_frame(p: &Plan) -> DataFrame {
    let rows: Vec<(&crate::experiment::plan::Evaluation, &crate::experiment::plan::Check)> =
        p.evaluations.iter().flat_map(|e| e.checks.iter().map(move |c| (e, c))).collect();
    let values: Vec<&str> = rows.iter().map(|(e, _)| e.value.as_str()).collect();
    let integers: Option<Vec<i64>> = values.iter().map(|v| v.parse().ok()).collect();
    let numbers: Option<Vec<f64>> = values.iter().map(|v| v.parse().ok()).collect();
    let key = match (integers, numbers) {
        (Some(i), _) => Column::new(p.key.as_str().into(), i),
        (None, Some(n)) => Column::new(p.key.as_str().into(), n),
        _ => Column::new(p.key.as_str().into(), values),
    };
    let split = |c: &crate::experiment::plan::Check| {
        let (o, m) = c.metric.rsplit_once('.').unwrap_or(("", &c.metric));
        (o.to_string(), m.to_string())
    };
    let columns = vec![
        key,
        Column::new("option".into(), rows.iter().map(|(_, c)| split(c).0).collect::<Vec<_>>()),
        Column::new("metric".into(), rows.iter().map(|(_, c)| split(c).1).collect::<Vec<_>>()),
        Column::new("unit".into(), rows.iter().map(|(_, c)| unit(&split(c).1)).collect::<Vec<_>>()),
        Column::new("mean".into(), rows.iter().map(|(_, c)| c.mean).collect::<Vec<_>>()),
        Column::new("ci95_low".into(), rows.iter().map(|(_, c)| c.ci95.map(|x| x[0])).collect::<Vec<_>>()),
        Column::new("ci95_high".into(), rows.iter().map(|(_, c)| c.ci95.map(|x| x[1])).collect::<Vec<_>>()),
        Column::new("bound".into(), rows.iter().map(|(_, c)| c.bound).collect::<Vec<_>>()),
        Column::new("target".into(), rows.iter().map(|(_, c)| c.target.as_str()).collect::<Vec<_>>()),
        Column::new("meets".into(), rows.iter().map(|(_, c)| c.meets).collect::<Vec<_>>()),
        Column::new("replications".into(), rows.iter().map(|(e, _)| e.replications).collect::<Vec<_>>()),
    ];
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}

/// Write the plan into `out_dir` atomically; return the files.
pub fn write_plan(
    p: &Plan,
    manifest: &Manifest,
    scenario_text: &str,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, OutputError> {
    in_staging(out_dir, |dir| {
        let mut df = plan_frame(p);
        let mut files = super::studies::write_study(dir, "plan", &mut df, PLAN_FILE, p, manifest, scenario_text)?;
        files.extend(report(p, manifest, dir)?);
        Ok(files)
    })
}

/// The chart and the report of a plan, from `plan.json` and the manifest (what `dormsim report` rebuilds).
pub fn report(p: &Plan, manifest: &Manifest, dir: &Path) -> Result<Vec<String>, OutputError> {
    let grid =
        Grid { keys: vec![p.key.clone()], points: p.evaluations.iter().map(|e| vec![e.value.clone()]).collect() };
    let rows: Vec<SweepRow> = p
        .evaluations
        .iter()
        .enumerate()
        .flat_map(|(point, e)| {
            e.checks.iter().map(move |c| {
                let (option, name) = c.metric.rsplit_once('.').unwrap_or(("", &c.metric));
                SweepRow {
                    point,
                    option: option.to_string(),
                    metric: name.to_string(),
                    mean: c.mean,
                    ci95: c.ci95,
                    replications: e.replications,
                }
            })
        })
        .collect();
    let first = &p.targets[0];
    let metric = first.metric.rsplit('.').next().unwrap_or(&first.metric).to_string();
    let chart = draw_chart(
        &SweepArtifacts {
            stem: "plan",
            scenario: &p.scenario,
            grid: &grid,
            rows: &rows,
            metric: &metric,
            options: &p.options,
            reference: Some((first.value, format!("target {}{}{}", first.metric, first.op(), first.value))),
        },
        dir,
    )?;
    let page = super::report::plan::page(p, manifest);
    super::report::study::write(dir, &page, &[chart])
}

fn targets(p: &Plan) -> String {
    p.targets.iter().map(|t| format!("{} {} {}", t.metric, t.op(), t.value)).collect::<Vec<_>>().join(" and ")
}

fn number(x: f64) -> String {
    if x.is_finite() { format!("{x:.3}") } else { "not measured".to_string() }
}

/// The answer in one sentence.
pub fn answer_text(p: &Plan) -> String {
    let confidence = p.confidence * 100.0;
    match (p.outcome, &p.answer) {
        (Outcome::Found, Some(a)) => format!(
            "{} = {a} is the smallest value searched at which {} holds with {confidence}% confidence",
            p.key,
            targets(p)
        ),
        (Outcome::MetAtLowest, Some(a)) => format!(
            "{} = {a}, the lowest value searched, already meets {}; the true minimum may be lower (lower the \
             start of --range)",
            p.key,
            targets(p)
        ),
        _ => format!(
            "no value of {} from {} to {} meets {} with {confidence}% confidence",
            p.key,
            p.grid.first().map_or("?", String::as_str),
            p.grid.last().map_or("?", String::as_str),
            targets(p)
        ),
    }
}

/// One failing target explained: which, by how much, and whether the key is the constraint.
pub fn diagnosis_text(p: &Plan, d: &Diagnosis) -> String {
    let ci = d.change_ci95.map_or(String::new(), |[lo, hi]| format!(" [95% CI {lo:.3}, {hi:.3}]"));
    let ends = format!(
        "{} is {} at {} = {} and {} at {} (paired change {:+.3}{ci} {})",
        d.metric,
        number(d.at_lowest),
        p.key,
        d.lowest,
        number(d.at_highest),
        d.highest,
        d.change,
        d.unit
    );
    match d.verdict {
        Verdict::NotMeasured => format!(
            "{} fails: {} has nothing to measure at {} = {} (no episode of that kind); choose another metric or \
             option",
            d.target, d.metric, p.key, d.highest
        ),
        Verdict::NotDependent => format!(
            "{} fails: the target does not depend on {} within the range: {ends}. More {} does not help; the \
             constraint is elsewhere (another capacity, the option's notice periods, or the target itself)",
            d.target, p.key, p.key
        ),
        Verdict::WrongDirection => format!(
            "{} fails: more {} makes it worse: {ends}. The target cannot be met by raising {}",
            d.target, p.key, p.key
        ),
        Verdict::ImprovesShort => format!(
            "{} fails: it improves with {} but not enough: {ends}, bound {} at the top. Widen --range above {}",
            d.target,
            p.key,
            number(d.bound_at_highest),
            d.highest
        ),
        Verdict::BoundOutside => format!(
            "{} fails only on confidence: the mean {} at {} = {} meets the target but the {}% bound {} does not; \
             add replications (--replications)",
            d.target,
            number(d.at_highest),
            p.key,
            d.highest,
            p.confidence * 100.0,
            number(d.bound_at_highest)
        ),
    }
}
