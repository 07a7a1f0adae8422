//! The peer benchmark's scenario (`benches/peers/peer.toml`, issue 15) stays runnable and stays the SimPy model's
//! twin: it loads, runs at a small size with the answers worked out by hand from its parameters, and every parameter
//! the peer (`benches/peers/simpy_core.py`) takes has the same default there as in the scenario. The benchmark
//! itself (`benches/peers/run.sh`) needs Python and SimPy and is not run here.

use std::collections::HashMap;
use std::path::PathBuf;

use dormsim::scenario::Scenario;

mod common;

fn peers_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/peers").join(name)
}

fn peer_scenario(overrides: &[&str]) -> Scenario {
    let path = peers_file("peer.toml");
    let text = std::fs::read_to_string(&path).expect("benches/peers/peer.toml exists");
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Scenario::load(&text, &path.display().to_string(), &o).unwrap_or_else(|e| panic!("peer.toml does not load: {e}"))
}

/// The `default=` of every numeric `--flag` in simpy_core.py's argument parser.
fn peer_defaults() -> HashMap<String, f64> {
    let text = std::fs::read_to_string(peers_file("simpy_core.py")).expect("benches/peers/simpy_core.py exists");
    let mut defaults = HashMap::new();
    for line in text.lines().map(str::trim).filter(|l| l.starts_with("p.add_argument(\"--")) {
        let flag = line["p.add_argument(\"--".len()..].split('"').next().unwrap_or_default().to_string();
        let Some(value) = line.split("default=").nth(1) else { continue };
        let value: String = value.chars().take_while(|c| c.is_ascii_digit() || "._e".contains(*c)).collect();
        if let Ok(v) = value.replace('_', "").parse::<f64>() {
            defaults.insert(flag, v);
        }
    }
    defaults
}

fn option<'a>(s: &'a Scenario, name: &str) -> &'a dormsim::scenario::OptionSpec {
    s.options.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("peer.toml has no option `{name}`"))
}

#[test]
fn the_peer_scenario_has_the_same_parameters_as_the_simpy_model() {
    let s = peer_scenario(&[]);
    let d = peer_defaults();
    let get = |k: &str| *d.get(k).unwrap_or_else(|| panic!("simpy_core.py has no numeric default for --{k}"));
    assert_eq!(f64::from(s.fleet.installations), get("sites"));
    assert_eq!(s.fleet.represents as f64, get("represents"));
    // Servers are stored scaled to the simulated fleet: 2200 × 200 000 / 2 000 000 = 220, as the peer computes c.
    let c = (get("servers") * get("sites") / get("represents")).round() as u32;
    assert_eq!(s.smsos[0].servers, Some(c));
    assert_eq!(s.smsos[0].lead_time_wd.mean(), get("firmware-mean-days"));
    assert_eq!(s.switching.annual_rate, get("annual-rate"));
    // From an operator (share 2), the gaining supplier is the other operator (2) or the non-operator (3).
    let share = |n: &str| s.suppliers.iter().find(|x| x.name == n).expect(n).market_share;
    let p = share("non-operator") / (share("non-operator") + share("operator-b"));
    assert!((p - get("dormancy-probability")).abs() < 1e-12, "dormancy probability {p}");
    assert_eq!(f64::from(option(&s, "standard").timeline.schedule_cycle_wd), get("cycle-days"));
    assert_eq!(f64::from(option(&s, "standard").timeline.notice_wd), get("standard-notice-days"));
    assert_eq!(f64::from(option(&s, "expedited").timeline.notice_wd), get("expedited-notice-days"));
    assert_eq!(option(&s, "expedited").timeline.schedule_cycle_wd, 0, "expedited sends its notice at once");
    assert_eq!(f64::from(s.run.horizon_days), get("horizon-days"));
    // dormsim's SSD on day d stands for the peer's switches in (d - 1, d]: a 3-week warm-up (SSD before day 21) is
    // the peer's switches before day 20.
    assert_eq!(f64::from(s.run.warmup_weeks * 7 - 1), get("warmup-days"));
    assert_eq!(f64::from(s.run.seed as u32), get("seed"));
}

#[test]
fn the_peer_scenario_runs_and_gives_the_answers_its_parameters_imply() {
    let s = peer_scenario(&["fleet.installations=100000"]);
    let summary = common::run_summary(&s, 2);
    let standard = &summary.options["standard"];
    let expedited = &summary.options["expedited"];

    // 3 of the 5 weight units a switch can go to belong to the non-operator: 60% of the switches of installations
    // not yet migrated cause dormancy (≈ 19 000 switches here: binomial standard error 0.0035).
    let dormant_share = standard.fast_track.dormancy_causing / standard.fast_track.switches;
    assert!((dormant_share - 0.6).abs() < 0.015, "dormancy-causing share {dormant_share}");

    // Expedited: 8 days when the firmware is done by the 20:00 check the day before, 12 hours before the planned
    // 08:00 + 8 days; with hardly any queue that misses for P(Exp(mean 3) > 7.5) = e^-2.5 = 0.082 of the episodes.
    let late = expedited.notified_dates.missed_share["firmware_late"];
    assert!((late - (-2.5f64).exp()).abs() < 0.012, "expedited firmware-late share {late}");
    assert_eq!(expedited.dormancy_wd.p50, Some(8));
    // A late one migrates the day after the next check: floor(X + 0.5) + 1 days for a firmware time X; given
    // X > 7.5 that is 9 + E[floor(E)] with E ~ Exp(3), = 9 + e^(-1/3) / (1 - e^(-1/3)) = 11.53 days. Mean:
    // 8 + 0.082 × 3.53 = 8.29 (episodes sd ≈ 1.1 over ≈ 10 000: standard error 0.011).
    let q = (-1.0f64 / 3.0).exp();
    let expected = 8.0 + (-2.5f64).exp() * (1.0 + q / (1.0 - q));
    let mean = expedited.dormancy_wd.mean;
    assert!((mean - expected).abs() < 0.05, "expedited mean {mean} vs {expected}");
    assert!((expedited.firmware_wait_wd.mean - 3.0).abs() < 0.1, "expedited requests hardly queue");

    // Standard: an SSD on one of the 10 days of a cycle waits 0..9 days for the cycle day (4.5 on average), then
    // 15 days' notice: 19.5, plus the late-firmware days of the cycle's batch (its requests queue: longer firmware
    // waits than expedited) — between 0 and 0.3 here (2% late at ≈ +1 day); standard error ≈ 0.03.
    assert!(standard.firmware_wait_wd.mean > expedited.firmware_wait_wd.mean + 1.0, "cycle batches queue");
    let mean = standard.dormancy_wd.mean;
    assert!((19.4..19.8).contains(&mean), "standard mean {mean}");
    assert!(standard.dormancy_wd.p50 == Some(19) || standard.dormancy_wd.p50 == Some(20));
}
