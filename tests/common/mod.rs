//! Shared helpers for the integration tests: a small verification scenario whose every number can be worked out
//! by hand, and shortcuts to run it.
#![allow(dead_code)]

use dormsim::experiment::{self, Execution, ReplicationResult, Summary};
use dormsim::fleet::{ELEC, GAS, Installation, NOT_SCHEDULED};
use dormsim::output::{Manifest, RunArtifacts, write_run};
use dormsim::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Verification world: one SMSO `s1` operated only by supplier `a`; supplier `b` operates nothing. Every
/// installation starts with `a` (the only operator). No background switching (`annual_rate = 0`): dormancy comes
/// only from the Supplier-of-Last-Resort style bulk transfer `a → b` on `transfer_date`, so every installation goes
/// dormant on that exact date. No failures, unlimited capacity, fixed 5 WD firmware lead time, DMC listed long ago.
/// Options: `standard` (15 WD notice, scheduling cycle 1 = any working day, 7-day check) and `expedited` (8 WD, 2 WD
/// check, eligibility all so every site takes it).
pub fn verification_toml(calendar: &str, start: &str, transfer_date: &str, sites: u32) -> String {
    format!(
        r#"
name = "verification"
[run]
start_date = {start}
horizon_days = 120
replications = 2
seed = 7
calendar = "{calendar}"
[fleet]
installations = {sites}
dual_fuel_share = 0.5
prepayment_share = 0.2
[fleet.cohorts.only]
share = 1.0
dmcs.d1 = {{ share = 1.0, smso = "s1", epcl_date = 2019-01-01 }}
[suppliers.a]
market_share = 1.0
operates = ["s1"]
[suppliers.b]
market_share = 0.0
operates = []
[switching]
annual_rate = 0.0
registration_to_ssd_days = 0
bulk_transfers = [{{ date = {transfer_date}, from = "a", to = "b" }}]
[smsos.s1]
lead_time_wd = 5
failure_probability = 0.0
[dcc]
failure_probability = 0.0
[options.standard]
schedule_cycle_wd = 1
notice_wd = 15
cos_check_days = 7
[options.expedited]
notice_wd = 8
cos_check_wd = 2
"#
    )
}

/// The library scenarios (`scenarios/*.toml`), sorted by path.
pub fn library_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("scenarios/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

pub fn load(text: &str, overrides: &[&str]) -> Scenario {
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Scenario::load(text, "test", &o).unwrap_or_else(|e| panic!("{e}"))
}

pub fn baseline(overrides: &[&str]) -> Scenario {
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Scenario::baseline(&o).unwrap_or_else(|e| panic!("{e}"))
}

pub fn run(s: &Scenario, threads: usize) -> Vec<ReplicationResult> {
    experiment::run(s, &(0..s.run.replications).collect::<Vec<_>>(), Execution { threads }, &|| {}).expect("run")
}

pub fn run_summary(s: &Scenario, threads: usize) -> Summary {
    experiment::summarise(s, &run(s, threads))
}

/// A baseline run written to disk the way `dormsim run` writes it.
pub struct WrittenRun {
    pub dir: PathBuf,
    pub scenario: Scenario,
    pub summary: Summary,
    pub files: Vec<PathBuf>,
}

/// Simulate the embedded baseline with `overrides` (on 2 threads) and write every output, charts and report
/// included, to `parent/run`; the overrides are recorded in the manifest as `--set` would record them.
pub fn write_baseline_run(parent: &Path, overrides: &[&str]) -> WrittenRun {
    let scenario = baseline(overrides);
    let reps = run(&scenario, 2);
    let summary = experiment::summarise(&scenario, &reps);
    let set: Vec<String> = overrides.iter().map(|o| o.to_string()).collect();
    let manifest = Manifest::new(&scenario, "<embedded baseline>", &set, scenario.run.replications, 2, 0.5, 1000);
    let dir = parent.join("run");
    let artifacts = RunArtifacts {
        scenario: &scenario,
        summary: &summary,
        replications: &reps,
        manifest: &manifest,
        scenario_text: dormsim::scenario::EMBEDDED_BASELINE,
    };
    let files = write_run(&artifacts, &dir).unwrap();
    WrittenRun { dir, scenario, summary, files }
}

/// A dual-fuel installation of the verification world's only DMC and SMSO, supplied by supplier 0 (`a`, the one
/// that operates the SMSO), not in the active programme; `split` gives the fuels independent suppliers.
pub fn dual_fuel_site(split: bool) -> Installation {
    Installation {
        dmc: 0,
        smso: 0,
        fuels: ELEC | GAS,
        split_supply: split,
        prepayment: false,
        elec_supplier: 0,
        gas_supplier: 0,
        backlog_age_days: 0,
        null_certificate: false,
        active_day: NOT_SCHEDULED,
    }
}

/// `dormsim report DIR` rewrites `files` of a finished folder byte for byte.
pub fn assert_report_rebuilds(dir: &Path, files: &[&str]) {
    let before: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(dir.join(f)).unwrap()).collect();
    for f in files {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    let output = assert_cmd::Command::cargo_bin("dormsim").unwrap().arg("report").arg(dir).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for (f, b) in files.iter().zip(before) {
        assert!(std::fs::read(dir.join(f)).unwrap() == b, "{f} differs after dormsim report");
    }
}
