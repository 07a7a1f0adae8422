//! Command-line definitions (clap) and dispatch. Each command resolves its arguments once into the library's
//! typed inputs; nothing below this layer knows about flags.

mod calendar;
mod compare;
mod merge;
mod plan;
mod run;
mod scenario;
mod sensitivity;
mod sweep;
mod uncertainty;

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// Exit code for bad input.
pub const EXIT_INPUT: u8 = 2;
/// Exit code for a failure while running or writing.
pub const EXIT_FAILURE: u8 = 1;

/// An error with the exit code it should produce.
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    pub fn input(error: impl Into<anyhow::Error>) -> Self {
        Self { code: EXIT_INPUT, error: error.into() }
    }
    pub fn runtime(error: impl Into<anyhow::Error>) -> Self {
        Self { code: EXIT_FAILURE, error: error.into() }
    }
}

#[derive(Parser)]
#[command(
    name = "dormsim",
    version,
    about = "Simulate SMETS1 Change-of-Supplier dormancy and its migration into DCC under different timelines",
    long_about = "dormsim generates a synthetic SMETS1 fleet and Change-of-Supplier history, runs every dormant \
installation through each migration option (standard, expedited, ...) with SMSO firmware delays, capacity limits and \
failures, and reports dormancy and manual work with 95% confidence intervals over replications.",
    after_help = "Examples:\n  dormsim run                                  # the embedded 2020 baseline\n  dormsim run scenarios/baseline.toml --replications 20 --out output/b20\n  dormsim run --set run.calendar=none --set options.expedited.notice_wd=10\n  dormsim scenario show > my.toml && dormsim validate my.toml\n  dormsim calendar --from 2020-01-01 --to 2020-12-31\n  dormsim calendar --region scotland --from 2022-01-01 --to 2022-12-31 --count"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario (the embedded baseline when no file is given) and write its outputs.
    #[command(
        after_help = "Examples:\n  dormsim run\n  dormsim run scenarios/baseline.toml --out output/baseline --replications 20 --threads 2\n  dormsim run --sites 1000000 --set dcc.daily_capacity=20000\n  dormsim run --set run.calendar=none --set 'options.expedited.cos_check_wd=3'\n\nOutputs (in --out, default output/<scenario name>/): summary.json, manifest.json, scenario.toml,\nreplications.json, dormancy_distribution.{csv,parquet}, weekly.{csv,parquet}, manual_weekly.{csv,parquet},\npopulations.{csv,parquet}, per_replication.{csv,parquet} (every headline figure per replication),\ntables.xlsx (every table, one sheet each), charts/*.{svg,png}, report.html, summary.md. See docs/outputs.md."
    )]
    Run(RunArgs),
    /// Show or inspect scenarios.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Check a scenario file without running it (exit code 2 and the file, key and line on error).
    #[command(after_help = "Example:\n  dormsim validate scenarios/baseline.toml --set run.replications=50")]
    Validate {
        /// Scenario file (TOML).
        file: PathBuf,
        /// Override a key by its dotted path, typed and validated like the file (repeatable).
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Combine the outputs of shards (`run --shard I/N`) into exactly what one unsplit run writes.
    #[command(
        after_help = "Example:\n  dormsim run --shard 0/2 --out out/s0 && dormsim run --shard 1/2 --out out/s1\n  dormsim merge out/s0 out/s1 --out out/all   # summary.json identical to an unsplit run"
    )]
    Merge {
        /// Shard output folders.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder for the combined run.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace an output folder dormsim did not write.
        #[arg(long)]
        force: bool,
    },
    /// Rebuild the charts, report.html and summary.md of any dormsim folder (a run, sweep, plan, sensitivity or
    /// uncertainty study) from its written files (no simulation).
    #[command(
        after_help = "What the folder is comes from its manifest.json (study.command; a run when absent). A run: \
summary.json, manifest.json, scenario.toml, replications.json and the Parquet tables (dormancy_distribution, weekly, \
manual_weekly, populations). A study: its result file (sweep.json, plan.json, sensitivity.json, or summary.json with \
uncertainty_points.json) and manifest.json. A comparison (dormsim compare): its summary.json and manifest.json. The rebuilt files are byte-identical to what the command wrote.\n\n\
Examples:\n  dormsim run --out output/b && dormsim report output/b\n  dormsim sensitivity --out output/s && dormsim report output/s\n  \
dormsim uncertainty --out output/u && dormsim report output/b --uncertainty output/u\n  \
dormsim report output/compare-baseline-2020-slow-dcc-readiness"
    )]
    Report {
        /// Folder written by dormsim (run, sweep, plan, sensitivity or uncertainty).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
        /// Attach an uncertainty study of the same scenario (a folder written by `dormsim uncertainty`): its
        /// ranges across inputs join the report (copied into the run folder as uncertainty_summary.json).
        #[arg(long, value_name = "STUDY_DIR")]
        uncertainty: Option<PathBuf>,
    },
    /// List bank holidays on weekdays, or count working days, in a date range.
    #[command(
        after_help = "Examples:\n  dormsim calendar --from 2020-01-01 --to 2020-12-31\n  dormsim calendar --region scotland --from 2022-01-01 --to 2022-12-31\n  dormsim calendar --from 2020-04-06 --to 2020-04-19 --count   # 8: Good Friday and Easter Monday"
    )]
    Calendar(calendar::CalendarArgs),
    /// Run a scenario at every point of a parameter grid (`--vary KEY=SPEC`, repeatable) and tabulate and chart
    /// the results per point, option and metric.
    #[command(
        after_help = "SPEC is a list (`8,10,12,15`, `england-wales,scotland`) or a numeric range `A..B [step S]` \
(exact decimals, B included when the steps land on it; default step 1). Several --vary make the full grid.\n\n\
Examples:\n  dormsim sweep --vary 'options.expedited.notice_wd=4..12 step 2' --sites 50000 --replications 5\n  \
dormsim sweep scenarios/baseline.toml --vary 'dcc.failure_probability=0.1..0.5 step 0.1' --out output/fail\n  \
dormsim sweep --vary smsos.foc-1.servers=20000,40000,80000 --vary run.calendar=england-wales,scotland --metric dormancy_wd\n\n\
Outputs (in --out, default output/<scenario name>-sweep/): sweep.json (the result), sweep.{csv,parquet} and \
tables.xlsx (one row per point × option × metric: point, the varied keys (numeric where they are numbers), option, \
metric, unit, mean, ci95_low, ci95_high, replications), charts/sweep.{svg,png} (--metric against the first varied \
key), report.html and summary.md (with the paired trade-off per point), manifest.json, scenario.toml.\n\
Metrics: dormancy_wd, restored_wd, firmware_wait_wd, manual_fte_total, still_dormant_at_end, and for non-baseline \
options, paired with the baseline within each replication (paired CIs): reduction_wd, reduction_restored_wd, \
reduction_wd_fast_track_eligible, reduction_wd_awaited_epcl, reduction_wd_backlog, site_reduction_wd, share_slower, \
share_faster, extra_manual_fte, extra_manual_fte_<party> (dcc, gaining_supplier, losing_supplier, smso, secas), \
dormant_days_avoided_gb_per_year."
    )]
    Sweep(SweepArgs),
    /// Find the smallest value of a capacity key for which every target holds with the stated confidence
    /// (noise-aware bisection over runs with common random numbers; see docs/experiments.md).
    #[command(
        after_help = plan_help()
    )]
    Plan(PlanArgs),
    /// One-at-a-time sensitivity: every numeric key of the scenario at a low and a high value, parameters ranked
    /// by their effect on the headline metrics, with a tornado chart.
    #[command(after_help = "Low/high values, first that applies: the scenario's [sensitivity.bounds] (e.g. \
\"dcc.daily_capacity\" = [20000, 50000]); the assumptions register's vary range for the key; otherwise ± --percent \
(default: [sensitivity] percent, else 20); integers move by at least 1, shares and probabilities stay in [0, 1]. \
Policy levers (keys under options., the capacities dcc.daily_capacity and smsos.*.servers, register basis choice) \
and assumptions (every other key) are ranked apart. Default metrics: every compared option's site_reduction_wd and \
extra_manual_fte (paired differences). run.* and fleet.installations are not \
parameters; [sensitivity] exclude = [\"...\"] leaves out more. Settings the scenario rules reject (e.g. one \
cohort share moved alone) are listed as skipped with the reason.\n\n\
Examples:\n  dormsim sensitivity --sites 50000 --replications 5\n  \
dormsim sensitivity scenarios/baseline.toml --only dcc --only smsos.foc-1 --percent 30\n  \
dormsim sensitivity --metric expedited.reduction_wd --metric standard.manual_fte_total --top 20\n\n\
Outputs (in --out, default output/<scenario name>-sensitivity/): sensitivity.json (the ranked result), \
sensitivity.{csv,parquet} and tables.xlsx (group × metric × parameter: values as numbers, unit, means at low/high, \
swing with 95% CI, rank), charts/tornado_assumptions.{svg,png} and charts/tornado_levers.{svg,png}, report.html, \
summary.md, manifest.json, scenario.toml.")]
    Sensitivity(SensitivityArgs),
    /// Input uncertainty: every range of the scenario's assumptions register propagated through the model (a
    /// Saltelli design on a scrambled Sobol' sequence), with each headline's 5–95% range, the chance each option
    /// beats the baseline, simulation noise apart, and Sobol' indices attributing the spread to the inputs.
    #[command(
        after_help = "Factors: the [assumptions.\"KEY\"] entries of the scenario with a `vary` range (every key \
an entry names moves together). The design runs N (k + 2) points for k factors and N = --samples base rows; each \
point runs every option with the scenario's seed (common random numbers) and --replications replications \
(default 2, for the simulation-noise estimate).\n\n\
Examples:\n  dormsim uncertainty --samples 32                       # the baseline, ~5 minutes on 2 cores\n  \
dormsim uncertainty --samples 16 --sites 20000 --fix dcc.daily_capacity\n  \
dormsim uncertainty --shard 0/4 --out u/s0 && ... && dormsim merge u/s0 u/s1 u/s2 u/s3 --out u/all\n\n\
Outputs (in --out, default output/<scenario name>-uncertainty/): summary.json, uncertainty_metrics.{csv,parquet} \
(one row per headline: median, p05, p95, probability better, noise), uncertainty_indices.{csv,parquet} (headline × \
factor: first-order and total indices with 95% bootstrap intervals), uncertainty_points.{csv,parquet} (design point \
× headline, with the factors' values), uncertainty_points.json (raw results), charts/*.{svg,png}, report.html, \
summary.md, manifest.json, scenario.toml. See docs/experiments.md."
    )]
    Uncertainty(UncertaintyArgs),
    /// Compare finished runs (folders written by `dormsim run`) with the first: each headline figure per run, and
    /// each run minus the first with a 95% CI, paired per replication when the runs share seed, replications and
    /// fleet (common random numbers), Welch's unpaired interval otherwise (and said so).
    #[command(
        after_help = "Runs are paired with the first when they share the seed, the replication count, the dormsim \
version and the inputs that generate the fleet and switching history (run.seed, run.start_date, run.horizon_days, \
fleet.*, switching.*, the DMCs' cohorts, shares and SMSOs, the SMSOs, the suppliers' market shares and the SMSOs they \
operate): then replication r of each saw the same world. Otherwise the difference is unpaired (the console, table \
and report say why).\n\n\
Examples:\n  dormsim run --out out/base && dormsim run scenarios/slow-dcc-readiness.toml --out out/slow\n  \
dormsim compare out/base out/slow --out out/base-vs-slow\n  \
dormsim run --set options.expedited.notice_wd=10 --out out/n10 && dormsim compare out/base out/n10 --out out/n10-vs-base\n  \
dormsim report out/base-vs-slow                 # rebuild its chart, report.html and summary.md\n\n\
Outputs (in --out, default output/compare-<A's scenario>-<B's scenario>/): compare.{csv,parquet} (one row per \
figure × run: metric, population, option, baseline, unit, run, run_label, value with its 95% CI, replications, and \
for every run but A: difference from A, ci95_low, ci95_high, pairing, pairing_note), summary.json, manifest.json \
(study.command = compare), tables.xlsx, charts/compare_differences.{svg,png}, report.html, summary.md. Reads each \
run's per_replication.parquet, summary.json and manifest.json. See docs/outputs.md."
    )]
    Compare(CompareArgs),
}

#[derive(Args)]
pub struct CompareArgs {
    /// Run folders written by `dormsim run` (or `merge`); the first is the reference the others are compared with.
    #[arg(required = true, num_args = 2.., value_name = "RUN_DIR")]
    runs: Vec<PathBuf>,
    /// Output folder [default: output/compare-<A's scenario>-<B's scenario>/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replace an output folder dormsim did not write.
    #[arg(long)]
    force: bool,
    /// Do not print the comparison table.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
pub struct UncertaintyArgs {
    /// Scenario file (TOML); without it the embedded baseline is studied.
    scenario: Option<PathBuf>,
    /// Base rows N of the design: N (k + 2) design points for k factors (2–65536; a power of 2 balances the
    /// Sobol' sequence).
    #[arg(long, value_name = "N", default_value_t = 32, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(2..=65536))]
    samples: u32,
    /// Leave this register entry (its pattern as written, e.g. dcc.daily_capacity) at its scenario value
    /// (repeatable).
    #[arg(long, value_name = "KEY")]
    fix: Vec<String>,
    /// Run only shard I of N (0-based): the design points p with p mod N = I. Combine with `dormsim merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Output folder [default: output/<scenario name>-uncertainty/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Do not print the summary table.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    sim: SimulationArgs,
}

/// `dormsim plan --help` epilogue: the metric names (one staff-effort metric per party, from `Party::ALL`), how a
/// target is met, examples and outputs.
fn plan_help() -> String {
    let parties: Vec<String> = dormsim::cases::Party::ALL.iter().map(|p| format!("manual_fte_{}", p.name())).collect();
    format!(
        "METRIC is [OPTION.]NAME (without OPTION: every option it applies to must meet the target). \
Names: dormancy_wd, dormancy_wd_p50/p90/p95, restored_wd, restored_wd_p90/p95, firmware_wait_wd, \
firmware_late_share, manual_fte_total, {}, manual_fte_peak, \
still_dormant_at_end, and paired with the baseline option: reduction_wd, reduction_restored_wd, \
reduction_wd_fast_track_eligible (also _awaited_epcl, _backlog), site_reduction_wd, share_slower, share_faster, \
extra_manual_fte, extra_manual_fte_<party>, dormant_days_avoided_gb_per_year. A value meets a target when the \
one-sided t bound (at --confidence, over replications) of the metric's mean is within it. With no answer, each \
failing target is diagnosed: does it depend on the key within the range at all?\n\n\
Examples:\n  dormsim plan --target 'expedited.restored_wd_p95<=20' --adjust dcc.daily_capacity --sites 50000\n  \
dormsim plan --target 'firmware_wait_wd<=5' --adjust smsos.foc-1.servers --range '10..400 step 10'\n  \
dormsim plan scenarios/smso-misses-sla.toml --target 'expedited.dormancy_wd<=12' --adjust smsos.foc-1.servers \
--confidence 0.99 --replications 20\n\n\
Outputs (in --out, default output/<scenario name>-plan/): plan.json (answer, method, every evaluation, diagnosis), \
plan.{{csv,parquet}} and tables.xlsx (one row per evaluated value × metric), charts/plan.{{svg,png}}, report.html, \
summary.md, manifest.json, scenario.toml.",
        parties.join(", ")
    )
}

#[derive(Args)]
pub struct SensitivityArgs {
    /// Scenario file (TOML); without it the embedded baseline is analysed.
    scenario: Option<PathBuf>,
    /// Metric to rank by, [OPTION.]NAME as for `plan` (repeatable) [default: site_reduction_wd and
    /// extra_manual_fte of every compared option].
    #[arg(long, value_name = "METRIC")]
    metric: Vec<String>,
    /// ± percentage for keys without explicit bounds [default: the scenario's [sensitivity] percent, else 20].
    #[arg(long, value_name = "P")]
    percent: Option<f64>,
    /// Only keys starting with this dotted prefix (repeatable).
    #[arg(long, value_name = "PREFIX")]
    only: Vec<String>,
    /// Parameters drawn per tornado panel and printed per metric (1–1000).
    #[arg(long, value_name = "N", default_value_t = 15, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=1000))]
    top: u16,
    /// Output folder [default: output/<scenario name>-sensitivity/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    sim: SimulationArgs,
}

#[derive(Args)]
pub struct PlanArgs {
    /// Scenario file (TOML); without it the embedded baseline is planned.
    scenario: Option<PathBuf>,
    /// A target METRIC<=VALUE or METRIC>=VALUE (repeatable: all must hold).
    #[arg(long, value_name = "METRIC<=VALUE", required = true)]
    target: Vec<String>,
    /// The capacity key to size, by its dotted path (e.g. dcc.daily_capacity, smsos.foc-1.servers).
    #[arg(long, value_name = "KEY")]
    adjust: String,
    /// Values searched: LO..HI [step S] [default: from a step of ~1% of the scenario's value up to 8× it].
    #[arg(long, value_name = "LO..HI [step S]")]
    range: Option<String>,
    /// Confidence with which each target must hold (one-sided).
    #[arg(long, value_name = "P", default_value_t = 0.95)]
    confidence: f64,
    /// Grid values above the answer run as evidence (checking that more capacity keeps meeting the targets).
    #[arg(long, value_name = "N", default_value_t = 2)]
    evidence: usize,
    /// Output folder [default: output/<scenario name>-plan/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    sim: SimulationArgs,
}

#[derive(Args)]
pub struct SweepArgs {
    /// Scenario file (TOML); without it the embedded baseline is swept.
    scenario: Option<PathBuf>,
    /// A key and its values: KEY=LIST (8,10,12) or KEY=A..B step S (repeatable; several make a grid).
    #[arg(long, value_name = "KEY=SPEC", required = true)]
    vary: Vec<String>,
    /// Output folder [default: output/<scenario name>-sweep/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    sim: SimulationArgs,
    /// Metric printed and charted [default: reduction_wd with comparisons, else dormancy_wd].
    #[arg(long, value_name = "NAME")]
    metric: Option<String>,
    /// Largest grid allowed (points).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    max_points: usize,
    #[command(flatten)]
    precision: PrecisionArgs,
}

/// Precision-driven replications (`run`, `sweep`).
#[derive(Args)]
pub struct PrecisionArgs {
    /// Add replications (in batches of 5 after run.replications) until the 95% CI half-width of the headline
    /// metric (first comparison's mean reduction, WD) is at most this; see --max-replications.
    #[arg(long, value_name = "HALF_WIDTH_WD", conflicts_with = "shard")]
    precision: Option<f64>,
    /// Upper limit on replications with --precision (1–1 000 000).
    #[arg(long, value_name = "N", default_value_t = 500, requires = "precision", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_replications: u32,
}

impl PrecisionArgs {
    /// The half-width target, checked.
    pub fn target(&self) -> Result<Option<f64>, Failure> {
        match self.precision {
            Some(t) if !(t.is_finite() && t > 0.0) => {
                Err(Failure::input(anyhow::anyhow!("--precision must be a positive number of working days, got {t}")))
            }
            other => Ok(other),
        }
    }
}

/// Run `numbers` replications, or, with a precision target, replications until the target is met.
pub fn simulate(
    s: &dormsim::scenario::Scenario,
    numbers: &[u32],
    precision: &PrecisionArgs,
    threads: usize,
    bar: &indicatif::ProgressBar,
) -> Result<(Vec<dormsim::experiment::ReplicationResult>, Option<dormsim::experiment::PrecisionRecord>), Failure> {
    use dormsim::experiment::{self, Execution};
    let exec = Execution { threads };
    match precision.target()? {
        Some(target) => {
            let (r, p) = experiment::run_to_precision(s, target, precision.max_replications, exec, &|| bar.inc(1))
                .map_err(Failure::runtime)?;
            Ok((r, Some(p)))
        }
        None => Ok((experiment::run(s, numbers, exec, &|| bar.inc(1)).map_err(Failure::runtime)?, None)),
    }
}

/// Flags shared by the commands that simulate (`run`, `sweep`, `plan`, `sensitivity`).
#[derive(Args)]
pub struct SimulationArgs {
    /// Replications (per point for sweep; overrides run.replications; 1–1 000 000).
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    replications: Option<u32>,
    /// Master seed (overrides run.seed; 0 to 2^63 − 1); the same seed gives the same random numbers to every option
    /// and point.
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Installations to simulate (overrides fleet.installations; capacities stay scaled to fleet.represents; ≥ 1).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = clap::value_parser!(u32).range(1..))]
    sites: Option<u32>,
    /// Simulate this share of fleet.represents (0 < F <= 1; overrides fleet.installations, sets fleet.sample):
    /// capacities scale with it; scale counts by scale_to_represented. Accuracy: docs/performance.md.
    #[arg(long, value_name = "FRACTION", conflicts_with = "sites")]
    sample: Option<f64>,
    /// Worker threads, 1–256 [default: one per core]. Results do not depend on it.
    #[arg(long, value_name = "N", allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=MAX_THREADS))]
    threads: Option<u16>,
    /// Override a scenario key by its dotted path, e.g. run.calendar=none (repeatable; a swept key wins over it).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Replace an output folder dormsim did not write, and run even when the memory estimate exceeds the memory
    /// available.
    #[arg(long)]
    force: bool,
}

impl SimulationArgs {
    /// `--set` first, then `extra` (a sweep point's values), then the explicit flags, so later ones win.
    pub fn overrides(&self, extra: &[String]) -> Vec<String> {
        let mut o = self.set.clone();
        o.extend(extra.iter().cloned());
        if let Some(n) = self.replications {
            o.push(format!("run.replications={n}"));
        }
        if let Some(n) = self.seed {
            o.push(format!("run.seed={n}"));
        }
        if let Some(n) = self.sites {
            o.push(format!("fleet.installations={n}"));
        }
        if let Some(f) = self.sample {
            o.push(format!("fleet.sample={f}"));
        }
        o
    }

    /// Check before any work that the output folder may be written and that the run fits in memory.
    pub fn preflight(&self, s: &dormsim::scenario::Scenario, out_dir: &std::path::Path) -> Result<(), Failure> {
        recover(out_dir);
        dormsim::output::check_destination(out_dir, self.force).map_err(Failure::input)?;
        dormsim::output::check_same_scenario(out_dir, &s.name, self.force).map_err(Failure::input)?;
        guard_memory(s, self.threads(), self.force)
    }

    /// Worker threads: the flag, or one per core.
    pub fn threads(&self) -> usize {
        match self.threads {
            None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            Some(n) => usize::from(n),
        }
    }
}

/// Put back or clean up what killed runs left beside `out_dir`, and say so on stderr.
fn recover(out_dir: &std::path::Path) {
    for note in dormsim::output::recover(out_dir) {
        eprintln!("note: {note}");
    }
}

/// Most worker threads accepted: more only adds scheduling overhead (5000 threads took 28.7 s for a 1000-site run).
const MAX_THREADS: i64 = 256;

/// Refuse a run whose memory estimate exceeds the memory available (Linux `MemAvailable`), unless forced.
fn guard_memory(s: &dormsim::scenario::Scenario, threads: usize, force: bool) -> Result<(), Failure> {
    let estimate = dormsim::experiment::estimate_peak_bytes(s, threads);
    let Some(available) = available_memory_bytes() else { return Ok(()) };
    if estimate <= available || force {
        return Ok(());
    }
    let gib = |b: u64| b as f64 / f64::from(1u32 << 30);
    Err(Failure::input(anyhow::anyhow!(
        "this run needs an estimated {:.1} GiB of memory ({} installations × {} replications in flight on {} threads, \
plus {:.1} GiB of results kept for {} replications of {} days) but {:.1} GiB is available; run fewer replications \
(--replications) or fewer at once (--threads 1), simulate fewer installations (--sites), or pass --force to run anyway",
        gib(estimate),
        s.fleet.installations,
        threads.min(s.run.replications as usize).max(1),
        threads,
        gib(u64::from(s.run.replications) * dormsim::experiment::result_bytes(s)),
        s.run.replications,
        s.run.horizon_days,
        gib(available)
    )))
}

/// `MemAvailable` from /proc/meminfo, in bytes (None where it cannot be read).
fn available_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// A progress bar on stderr counting replication × option runs; hidden when stderr is not a terminal.
pub fn progress_bar(verb: &str, len: u64) -> indicatif::ProgressBar {
    use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    let template = format!(
        "{{spinner}} {verb}: {{msg}} {{pos}}/{{len}} replication × option runs [{{bar:30}}] {{elapsed_precise}} (eta {{eta}})"
    );
    bar.set_style(ProgressStyle::with_template(&template).expect("valid template").progress_chars("=> "));
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

#[derive(Subcommand)]
enum ScenarioCommand {
    /// Print the embedded baseline scenario (a commented TOML file to copy and edit).
    Show,
}

#[derive(Args)]
pub struct RunArgs {
    /// Scenario file (TOML); without it the embedded baseline runs.
    scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>/].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    sim: SimulationArgs,
    #[command(flatten)]
    precision: PrecisionArgs,
    /// Run only shard I of N (0-based): the replications r with r mod N = I. Combine shards with `dormsim merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Do not print the summary table.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (i, n) = s.split_once('/').ok_or_else(|| format!("expected I/N, e.g. 0/4, got `{s}`"))?;
    let (i, n): (u32, u32) = (
        i.trim().parse().map_err(|e| format!("shard index: {e}"))?,
        n.trim().parse().map_err(|e| format!("shard count: {e}"))?,
    );
    if n == 0 || i >= n {
        return Err(format!("need 0 <= I < N, got {i}/{n}"));
    }
    Ok((i, n))
}

/// `dormsim report DIR`: rebuild the charts, `report.html` and `summary.md` of any dormsim folder from its written
/// files, by what wrote it (`manifest.json` `study.command`; a run when absent).
fn report(dir: &std::path::Path, study: Option<&std::path::Path>) -> Result<(), Failure> {
    recover(dir);
    if compare::is_comparison(dir) {
        return compare::rebuild_report(dir);
    }
    let manifest: Option<dormsim::output::Manifest> =
        std::fs::read_to_string(dir.join("manifest.json")).ok().and_then(|t| serde_json::from_str(&t).ok());
    // No readable manifest: treat it as a run, whose checks name what is missing or damaged.
    let command = manifest.as_ref().and_then(dormsim::output::studies::command);
    if study.is_some() && command.is_some() {
        return Err(Failure::input(anyhow::anyhow!(
            "--uncertainty attaches a study to a run's report, not to a study"
        )));
    }
    let files = match command.as_deref() {
        None => report_run(dir, study)?,
        Some(c) => dormsim::output::studies::rebuild(dir, c).map_err(|e| read_failure(dir, e))?,
    };
    eprintln!("wrote {} files to {}", files.len(), dir.display());
    Ok(())
}

/// A folder whose files cannot be read (damaged JSON or Parquet, a missing table) is bad input: exit 2.
fn read_failure(dir: &std::path::Path, e: dormsim::output::OutputError) -> Failure {
    match e {
        dormsim::output::OutputError::Read { .. } | dormsim::output::OutputError::Table { .. } => Failure::input(e),
        dormsim::output::OutputError::Io { ref path, ref cause }
            if cause.kind() == std::io::ErrorKind::NotFound && path.starts_with(dir) =>
        {
            Failure::input(anyhow::anyhow!("{e} (the folder is incomplete: run the command again)"))
        }
        other => Failure::runtime(other),
    }
}

fn report_run(run_dir: &std::path::Path, study: Option<&std::path::Path>) -> Result<Vec<PathBuf>, Failure> {
    if !run_dir.join("summary.json").is_file() {
        return Err(Failure::input(anyhow::anyhow!(
            "{} is not a dormsim run folder (no summary.json)",
            run_dir.display()
        )));
    }
    if let Some(study) = study {
        uncertainty::attach(run_dir, study)?;
    }
    dormsim::output::rebuild_report(run_dir).map_err(|e| read_failure(run_dir, e))
}

pub fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Scenario(ScenarioCommand::Show) => scenario::show(),
        Command::Validate { file, set } => scenario::validate(&file, &set),
        Command::Calendar(args) => calendar::calendar(args),
        Command::Report { dir, uncertainty } => report(&dir, uncertainty.as_deref()),
        Command::Merge { shards, out, force } => {
            recover(&out);
            dormsim::output::check_destination(&out, force).map_err(Failure::input)?;
            merge::merge(&shards, &out)
        }
        Command::Sweep(args) => sweep::sweep(args),
        Command::Plan(args) => plan::plan(args),
        Command::Sensitivity(args) => sensitivity::sensitivity(args),
        Command::Uncertainty(args) => uncertainty::uncertainty(args),
        Command::Compare(args) => compare::compare(args),
    }
}
