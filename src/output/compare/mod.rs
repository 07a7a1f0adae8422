//! `dormsim compare RUN_A RUN_B [...]` (issue 14): finished runs set side by side. Every figure of the runs'
//! `per_replication.parquet` gets its mean and 95% CI per run and each later run's difference from the first (the
//! reference) with a 95% CI: paired per replication where the runs share their seed, replications and the inputs
//! that generate the fleet and switching history ([`crate::experiment::compare::pairing`]), Welch's unpaired
//! interval otherwise, and the table, console and report say which and why.
//!
//! Counts of simulated installations or episodes are compared at GB scale (× each run's `scale_to_represented`), so
//! runs of different sizes compare. Outputs ([`write`]): `compare.{csv,parquet}` ([`table`]), `summary.json`
//! ([`CompareSummary`]), `manifest.json`, `tables.xlsx`, the chart ([`crate::output::charts::compare`]), and
//! `report.html` / `summary.md` (the study page of [`crate::output::report::compare`]), written atomically;
//! [`rebuild`] redraws the chart and the report from `summary.json` and `manifest.json`.

mod console;
mod runs;
pub mod table;

pub use console::render_console;
pub use runs::RunFolder;

use super::{Manifest, OutputError, Staging, in_staging, write_json};
use crate::experiment::compare::{self as stats, Difference, Pairing, RunKey};
use crate::experiment::per_replication::unit;
use crate::metrics::{mean_ci95, nan_from_null};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why a comparison could not be made (bad input: exit code 2) or written (exit code 1).
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("{0}")]
    Input(String),
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// The `pairing` of the reference run.
pub const REFERENCE: &str = "reference";

/// One run as compared.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunInfo {
    /// "A" (the reference), "B", …
    pub id: String,
    /// Scenario name and the overrides that change it.
    pub label: String,
    /// The folder as given on the command line.
    pub folder: String,
    pub scenario: String,
    pub scenario_hash: String,
    pub scenario_source: String,
    pub overrides: Vec<String>,
    pub seed: u64,
    pub replications: u32,
    pub installations: u32,
    pub represents: u64,
    pub scale_to_represented: f64,
    pub dormsim_version: String,
    pub options: Vec<String>,
    /// `reference`, `paired` or `unpaired` (against the reference).
    pub pairing: String,
    /// Why unpaired, or what paired means here.
    pub pairing_note: String,
}

/// One figure of one run: mean over its replications with the Student-t 95% CI.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunValue {
    pub run: String,
    #[serde(deserialize_with = "nan_from_null")]
    pub mean: f64,
    pub ci95: Option<[f64; 2]>,
    /// Replications with a value (a population may be empty in some).
    pub replications: usize,
}

/// One run's difference from the reference for a figure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunDifference {
    pub run: String,
    /// Run − reference.
    #[serde(deserialize_with = "nan_from_null")]
    pub difference: f64,
    pub ci95: Option<[f64; 2]>,
    /// Degrees of freedom of the t quantile.
    pub df: Option<f64>,
    /// `paired` or `unpaired`.
    pub pairing: String,
}

/// One figure (metric × population × option) across the runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Figure {
    pub metric: String,
    pub population: Option<String>,
    pub option: String,
    /// The option a paired figure compares with inside each run (that run's first option).
    pub baseline: Option<String>,
    pub unit: String,
    pub values: Vec<RunValue>,
    pub differences: Vec<RunDifference>,
}

impl RunDifference {
    /// The figure was the same in every replication of both runs (difference 0 with a zero-width interval).
    pub fn identical(&self) -> bool {
        self.difference == 0.0 && self.ci95 == Some([0.0, 0.0])
    }
}

impl Figure {
    pub fn value(&self, run: &str) -> Option<&RunValue> {
        self.values.iter().find(|v| v.run == run)
    }
    pub fn difference(&self, run: &str) -> Option<&RunDifference> {
        self.differences.iter().find(|d| d.run == run)
    }
}

/// `summary.json` of a comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompareSummary {
    pub dormsim_version: String,
    /// The runs, the reference first.
    pub runs: Vec<RunInfo>,
    /// Options every run has, in the reference's order (the only ones compared).
    pub options: Vec<String>,
    /// Options some run lacks: "prioritised (not in B)".
    pub options_not_in_common: Vec<String>,
    /// The runs were written by more than one dormsim version (they are then never paired).
    pub versions_differ: bool,
    pub figures: Vec<Figure>,
}

impl CompareSummary {
    pub fn reference(&self) -> &RunInfo {
        &self.runs[0]
    }
    /// Every run but the reference.
    pub fn others(&self) -> &[RunInfo] {
        &self.runs[1..]
    }
    pub fn figure(&self, metric: &str, population: Option<&str>, option: &str) -> Option<&Figure> {
        self.figures.iter().find(|f| f.metric == metric && f.population.as_deref() == population && f.option == option)
    }
}

/// The headline figures (metric, population), in the order the console, the report and the chart show them.
pub const HEADLINES: [(&str, Option<&str>); 10] = [
    ("dormant_wd", Some("fast_track_eligible")),
    ("dormant_wd", Some("awaited_epcl")),
    ("dormant_wd", Some("backlog")),
    ("restored_wd", None),
    ("reduction_wd", Some("fast_track_eligible")),
    ("share_slower", None),
    ("extra_manual_fte", None),
    ("manual_fte_total", None),
    ("still_dormant_at_end", None),
    ("dormant_days_avoided_gb_per_year", None),
];

fn population_label(p: &str) -> &str {
    match p {
        "fast_track_eligible" => "fast-track eligible",
        "awaited_epcl" => "waited for EPCL listing",
        "backlog" => "backlog",
        "pre_policy" => "before the policy",
        other => other,
    }
}

/// A figure in words: "Dormancy, fast-track eligible", "Reduction vs standard, backlog".
pub fn figure_label(f: &Figure) -> String {
    let vs = f.baseline.as_deref().unwrap_or("the first option");
    let pop = f.population.as_deref().map(population_label);
    let with = |head: String| pop.map_or(head.clone(), |p| format!("{head}, {p}"));
    match f.metric.as_str() {
        "dormant_wd" => with("Dormancy".into()),
        "episodes" => with("Tracked episodes".into()),
        "dormancy_wd" => "Until migration (migrated episodes)".into(),
        "restored_wd" => "Until restored service (migrated episodes)".into(),
        "reduction_wd" => {
            pop.map_or(format!("Reduction vs {vs}, migrated episodes"), |p| format!("Reduction vs {vs}, {p}"))
        }
        "share_slower" => {
            pop.map_or(format!("Installations slower than under {vs}"), |p| format!("Slower than under {vs}, {p}"))
        }
        "share_faster" => {
            pop.map_or(format!("Installations faster than under {vs}"), |p| format!("Faster than under {vs}, {p}"))
        }
        "extra_manual_fte" => format!("Extra manual effort vs {vs}"),
        "manual_fte_total" => "Manual effort, all parties".into(),
        "still_dormant_at_end" => "Still dormant at the end".into(),
        "dormant_days_avoided_gb_per_year" => format!("Dormant days avoided per year vs {vs}"),
        m => match m.strip_prefix("manual_fte_").and_then(crate::cases::Party::parse) {
            Some(p) => format!("Manual effort, {}", p.label()),
            None => with(m.replace('_', " ")),
        },
    }
}

/// Shares are shown as percentages (differences in percentage points).
pub fn is_share(unit_name: &str) -> bool {
    unit_name.starts_with("share")
}

/// Counts at GB scale are shown compactly ("1.23 m", "456 k").
fn is_gb_count(unit_name: &str) -> bool {
    unit_name.ends_with("(GB scale)") && !unit_name.starts_with("FTE")
}

/// A value as shown: WD, days and FTE with 2 decimals, shares as "12.3%", GB counts as "1.23 m".
pub fn shown(x: f64, unit_name: &str) -> String {
    use super::report::fmt::{gb, num, wd};
    match unit_name {
        u if is_share(u) => {
            if x.is_finite() {
                format!("{}%", num(100.0 * x, 1))
            } else {
                "n/a".into()
            }
        }
        u if is_gb_count(u) => gb(x),
        _ => wd(x),
    }
}

/// A difference as shown, signed: "+1.23", "-0.4 pp", "+221 k".
pub fn shown_difference(x: f64, unit_name: &str) -> String {
    use super::report::fmt::{gb, num, signed};
    let plus = |s: String| {
        if s.starts_with('-') || s == "n/a" || s.trim_start_matches(['0', '.', ' ']).is_empty() {
            s
        } else {
            format!("+{s}")
        }
    };
    match unit_name {
        u if is_share(u) => {
            if x.is_finite() {
                format!("{} pp", plus(num(100.0 * x, 1)))
            } else {
                "n/a".into()
            }
        }
        u if is_gb_count(u) => plus(gb(x)),
        _ => signed(x),
    }
}

/// A 95% interval as shown: "[2.95, 3.07]", "[-0.2, 1.1] pp", "[10.5%, 12.0%]"; without one, why.
pub fn shown_ci(ci: Option<[f64; 2]>, unit_name: &str, difference: bool) -> String {
    let Some([lo, hi]) = ci else { return "no CI (1 replication)".into() };
    if is_share(unit_name) && difference {
        let pp = |x: f64| super::report::fmt::num(100.0 * x, 1);
        return format!("[{}, {}] pp", pp(lo), pp(hi));
    }
    format!("[{}, {}]", shown(lo, unit_name), shown(hi, unit_name))
}

/// Run ids: A, B, …, Z, then R27, R28, ….
fn run_id(i: usize) -> String {
    if i < 26 { char::from(b'A' + i as u8).to_string() } else { format!("R{}", i + 1) }
}

/// "baseline-2020 with options.expedited.notice_wd=10".
fn label(m: &Manifest) -> String {
    let changes = super::labels::scenario_changes(&m.overrides);
    if changes.is_empty() {
        m.scenario_name.clone()
    } else {
        format!("{} with {}", m.scenario_name, changes.join(", "))
    }
}

fn info(i: usize, run: &RunFolder, pairing: &Pairing) -> RunInfo {
    let (m, s) = (&run.manifest, &run.summary);
    let (kind, note) = match (i, pairing) {
        (0, _) => (REFERENCE, "the runs are compared with this one".to_string()),
        (_, Pairing::Paired) => (
            "paired",
            format!(
                "same seed ({}), replications ({}), fleet and switching inputs: replication r of both saw the same world \
                 (common random numbers)",
                s.seed, s.replications
            ),
        ),
        (_, Pairing::Unpaired(why)) => ("unpaired", why.clone()),
    };
    RunInfo {
        id: run_id(i),
        label: label(m),
        folder: run.dir.display().to_string(),
        scenario: s.scenario.clone(),
        scenario_hash: s.scenario_hash.clone(),
        scenario_source: m.scenario_source.clone(),
        overrides: m.overrides.clone(),
        seed: s.seed,
        replications: s.replications,
        installations: s.installations,
        represents: s.represents,
        scale_to_represented: s.scale_to_represented,
        dormsim_version: m.dormsim_version.clone(),
        options: run.options(),
        pairing: kind.to_string(),
        pairing_note: note,
    }
}

/// A count in simulated units becomes a count at GB scale (factor and new unit); other units are kept.
fn at_gb_scale(unit_name: &str, scale: f64) -> (f64, String) {
    match unit_name {
        unit::SITES => (scale, "installations (GB scale)".to_string()),
        unit::EPISODES => (scale, "episodes (GB scale)".to_string()),
        other => (1.0, other.to_string()),
    }
}

/// The figures of the reference run (options in common), in its table's order, each once.
fn figure_keys(reference: &RunFolder, options: &[String]) -> Vec<runs::Row> {
    reference.rows.iter().filter(|r| r.replication == 0 && options.contains(&r.option)).cloned().collect()
}

/// Options not every run has: "prioritised (in A; not in B)".
fn not_in_common(runs: &[RunFolder], common: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for o in runs.iter().flat_map(|r| r.options()) {
        if !common.contains(&o) && !seen.contains(&o) {
            seen.push(o);
        }
    }
    let ids = |has: bool, o: &String| -> Vec<String> {
        (0..runs.len()).filter(|&i| runs[i].summary.options.contains_key(o) == has).map(run_id).collect()
    };
    seen.iter().map(|o| format!("{o} (in {}; not in {})", ids(true, o).join(", "), ids(false, o).join(", "))).collect()
}

fn figure(key: &runs::Row, runs: &[RunFolder], infos: &[RunInfo]) -> Figure {
    let series: Vec<Vec<(u32, f64)>> = runs
        .iter()
        .map(|r| {
            let (factor, _) = at_gb_scale(&key.unit, r.summary.scale_to_represented);
            let v = r.values(&key.option, &key.metric, key.population.as_deref(), key.baseline.as_deref());
            v.into_iter().map(|(rep, x)| (rep, x * factor)).collect()
        })
        .collect();
    let values = series
        .iter()
        .zip(infos)
        .filter(|(s, _)| !s.is_empty())
        .map(|(s, info)| {
            let m = mean_ci95(&s.iter().map(|(_, x)| *x).collect::<Vec<_>>());
            RunValue { run: info.id.clone(), mean: m.mean, ci95: m.ci95, replications: m.n }
        })
        .collect();
    let reference = &series[0];
    let differences = series
        .iter()
        .zip(infos)
        .skip(1)
        .filter(|(s, _)| !s.is_empty())
        .map(|(s, info)| {
            let d = difference(reference, s, info.pairing == "paired");
            RunDifference {
                run: info.id.clone(),
                difference: d.mean,
                ci95: d.ci95,
                df: d.df,
                pairing: info.pairing.clone(),
            }
        })
        .collect();
    Figure {
        metric: key.metric.clone(),
        population: key.population.clone(),
        option: key.option.clone(),
        baseline: key.baseline.clone(),
        unit: at_gb_scale(&key.unit, 1.0).1,
        values,
        differences,
    }
}

/// `b − a`: per replication (matched by number) when paired, else Welch's.
fn difference(a: &[(u32, f64)], b: &[(u32, f64)], paired: bool) -> Difference {
    if paired {
        let (x, y): (Vec<f64>, Vec<f64>) =
            a.iter().filter_map(|(r, x)| b.iter().find(|(s, _)| s == r).map(|(_, y)| (*x, *y))).unzip();
        return stats::paired(&x, &y);
    }
    let values = |s: &[(u32, f64)]| s.iter().map(|(_, x)| *x).collect::<Vec<_>>();
    stats::welch(&values(a), &values(b))
}

/// Compare `runs` (the first is the reference): refuses runs with no option in common.
pub fn summarise(runs: &[RunFolder]) -> Result<CompareSummary, CompareError> {
    let reference = &runs[0];
    let options: Vec<String> =
        reference.options().into_iter().filter(|o| runs.iter().all(|r| r.summary.options.contains_key(o))).collect();
    if options.is_empty() {
        let list = runs.iter().map(|r| format!("{} has {}", r.dir.display(), r.options().join(", ")));
        return Err(CompareError::Input(format!(
            "the runs have no option in common, so there is nothing to compare ({})",
            list.collect::<Vec<_>>().join("; ")
        )));
    }
    fn key(r: &RunFolder) -> RunKey<'_> {
        RunKey {
            version: r.manifest.dormsim_version.as_str(),
            replications: r.summary.replications,
            resolved: &r.manifest.resolved_scenario,
        }
    }
    let infos: Vec<RunInfo> =
        runs.iter().enumerate().map(|(i, r)| info(i, r, &stats::pairing(&key(reference), &key(r)))).collect();
    let not_in_common = not_in_common(runs, &options);
    let figures = figure_keys(reference, &options).iter().map(|k| figure(k, runs, &infos)).collect();
    Ok(CompareSummary {
        dormsim_version: env!("CARGO_PKG_VERSION").to_string(),
        versions_differ: infos.iter().any(|i| i.dormsim_version != infos[0].dormsim_version),
        runs: infos,
        options,
        options_not_in_common: not_in_common,
        figures,
    })
}

/// The comparison's `manifest.json`: the reference run's manifest (its scenario, seed and resolved scenario) with
/// this version, the time taken and `study = {"command": "compare", "runs": [...]}`.
pub fn manifest(s: &CompareSummary, reference: &Manifest, wall_time_seconds: f64) -> Manifest {
    let mut m = reference.clone();
    m.dormsim_version = env!("CARGO_PKG_VERSION").to_string();
    m.shard = None;
    m.precision = None;
    m.replications_sha256 = None;
    m.threads = 1;
    m.wall_time_seconds = wall_time_seconds;
    m.phase_seconds = None;
    m.events_processed = 0;
    m.events_per_second = 0.0;
    let runs: Vec<serde_json::Value> = s
        .runs
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id, "folder": r.folder, "label": r.label, "scenario": r.scenario,
                "scenario_hash": r.scenario_hash, "overrides": r.overrides, "seed": r.seed,
                "replications": r.replications, "dormsim_version": r.dormsim_version, "pairing": r.pairing,
            })
        })
        .collect();
    m.study = Some(serde_json::json!({"command": "compare", "runs": runs}));
    m
}

/// The chart, `report.html` and `summary.md` of a comparison into `dir`; the files written.
fn render(s: &CompareSummary, m: &Manifest, dir: &Path) -> Result<Vec<String>, OutputError> {
    let charts = super::charts::compare::render_all(s, dir)?;
    let mut files: Vec<String> =
        charts.iter().flat_map(|c| [format!("charts/{}.svg", c.stem), format!("charts/{}.png", c.stem)]).collect();
    let page = super::report::compare::page(s, m);
    for (name, text) in [
        ("report.html", super::report::study::html(&page, &charts)),
        ("summary.md", super::report::study::markdown(&page, &charts)),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| OutputError::io(&path, e))?;
        files.push(name.to_string());
    }
    Ok(files)
}

/// Write the comparison into `out_dir` atomically; the files written.
pub fn write(s: &CompareSummary, m: &Manifest, out_dir: &Path) -> Result<Vec<PathBuf>, OutputError> {
    in_staging(out_dir, |dir| {
        let mut df = table::frame(s);
        let mut files = vec![
            super::tables::write_csv(&mut df, &dir.join("compare.csv"))?,
            super::tables::write_parquet(&mut df, &dir.join("compare.parquet"))?,
        ];
        write_json(&dir.join("summary.json"), s)?;
        write_json(&dir.join("manifest.json"), m)?;
        files.extend(["summary.json", "manifest.json"].map(String::from));
        files.push(super::workbook::write_book(
            &dir.join(super::workbook::WORKBOOK_FILE),
            &table::provenance(s),
            &[("compare", &df)],
        )?);
        files.extend(render(s, m, dir)?);
        Ok(files)
    })
}

/// Rebuild the chart, `report.html` and `summary.md` of the comparison in `dir` from its `summary.json` and
/// `manifest.json` (the other files are kept; the folder is replaced in one swap).
pub fn rebuild(dir: &Path) -> Result<Vec<PathBuf>, CompareError> {
    let read = |name: &str| -> Result<String, CompareError> {
        std::fs::read_to_string(dir.join(name))
            .map_err(|e| CompareError::Input(format!("{}: cannot read {name} ({e})", dir.display())))
    };
    let damaged = |name: &str, e: serde_json::Error| {
        CompareError::Input(format!("{}: {name} is damaged ({e}); run `dormsim compare` again", dir.display()))
    };
    let s: CompareSummary = serde_json::from_str(&read("summary.json")?).map_err(|e| damaged("summary.json", e))?;
    let m: Manifest = serde_json::from_str(&read("manifest.json")?).map_err(|e| damaged("manifest.json", e))?;
    if s.runs.len() < 2 {
        return Err(CompareError::Input(format!("{}: summary.json holds fewer than two runs", dir.display())));
    }
    let staging = Staging::new(dir)?;
    staging.copy_destination()?;
    let files = render(&s, &m, staging.path())?;
    staging.commit()?;
    Ok(files.iter().map(|f| dir.join(f)).collect())
}
