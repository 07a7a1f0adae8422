//! What a run is, in words, for every output that names it (issue 14, item 2): which overrides changed the
//! scenario file (as opposed to settings of the simulation such as replications or sample size), and each option's
//! timeline as it was run, read from the resolved scenario, so that a description written for other values is never
//! the only account of an option.

use serde_json::Value;

/// Keys that set how the world is simulated, not what the world is.
const SIMULATION_SETTINGS: [&str; 4] = ["run.replications", "run.seed", "fleet.installations", "fleet.sample"];

fn key(o: &str) -> &str {
    o.split_once('=').map_or(o, |(k, _)| k.trim())
}

/// The overrides that change the scenario (every `--set` except simulation settings), in order.
pub fn scenario_changes(overrides: &[String]) -> Vec<&str> {
    overrides.iter().map(String::as_str).filter(|o| !SIMULATION_SETTINGS.contains(&key(o))).collect()
}

/// The overrides that touch option `name`.
pub fn option_changes<'a>(overrides: &'a [String], name: &str) -> Vec<&'a str> {
    let prefix = format!("options.{name}.");
    overrides.iter().map(String::as_str).filter(|o| key(o).starts_with(&prefix)).collect()
}

/// A duration as resolved (`{"kind": "triangular", "min": 16, …}` or a fixed value) in words.
fn duration(d: &Value) -> String {
    let n = |k: &str| d.get(k).and_then(Value::as_f64).map_or("?".to_string(), |x| format!("{x}"));
    match d.get("kind").and_then(Value::as_str) {
        Some("fixed") => n("value"),
        Some("uniform") => format!("uniform {}–{}", n("min"), n("max")),
        Some("triangular") => format!("triangular {}–{} (mode {})", n("min"), n("max"), n("mode")),
        Some("exponential") => format!("exponential, mean {}", n("mean")),
        Some("lognormal") => format!("lognormal, median {}, p95 {}", n("median"), n("p95")),
        Some("gamma") => format!("gamma, shape {}, scale {}", n("shape"), n("scale")),
        Some(other) => other.to_string(),
        None => d.as_f64().map_or("?".to_string(), |x| format!("{x}")),
    }
}

/// An option's timeline as run, e.g. "wait 16–30 WD (triangular, mode 16), then a 15 WD notice; SMSO asked 0 WD
/// after the notice; CoS check 7 days; authorisation 5 WD and common file 2 WD before migration; all installations".
pub fn timeline(option: &Value, names: &[String]) -> String {
    let t = &option["timeline"];
    let wd = |k: &str| t.get(k).and_then(Value::as_i64).map_or("?".to_string(), |x| x.to_string());
    let wait = duration(&t["schedule_delay_wd"]);
    let start = if wait == "0" { "notice at once".to_string() } else { format!("wait {wait} WD, then notice") };
    let cycle = match t.get("schedule_cycle_wd").and_then(Value::as_i64) {
        Some(c) if c > 1 => format!(" (notices every {c} WD)"),
        _ => String::new(),
    };
    let check = match (t["cos_check"].get("calendar-days"), t["cos_check"].get("working-days")) {
        (Some(d), _) => format!("{d} days"),
        (_, Some(w)) => format!("{w} WD"),
        _ => "?".to_string(),
    };
    let who = match (option["eligibility"].as_str(), option["fallback"].as_u64()) {
        (Some("newly-dormant"), Some(f)) => format!(
            "newly dormant installations (the rest as {})",
            names.get(f as usize).map_or("the fallback", String::as_str)
        ),
        (Some("newly-dormant"), None) => "newly dormant installations".to_string(),
        _ => "every dormant installation".to_string(),
    };
    format!(
        "{start}{cycle}: migration {} WD after the notice; SMSO asked {} WD after it; CoS check {check}; \
         authorisation {} WD and common file {} WD before migration; for {who}",
        wd("notice_wd"),
        wd("config_request_wd"),
        wd("authorisation_wd"),
        wd("common_file_wd")
    )
}

/// Every option's timeline as run, by name, from a manifest's resolved scenario.
pub fn timelines(resolved: &Value) -> Vec<(String, String)> {
    let options = resolved["options"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = options.iter().map(|o| o["name"].as_str().unwrap_or("?").to_string()).collect();
    options.iter().zip(&names).map(|(o, n)| (n.clone(), timeline(o, &names))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulation_settings_are_not_scenario_changes() {
        let o: Vec<String> = ["run.replications=3", "options.expedited.notice_wd=10", "fleet.installations=500"]
            .map(String::from)
            .into();
        assert_eq!(scenario_changes(&o), ["options.expedited.notice_wd=10"]);
        assert_eq!(option_changes(&o, "expedited"), ["options.expedited.notice_wd=10"]);
        assert!(option_changes(&o, "standard").is_empty());
    }

    #[test]
    fn a_timeline_reads_the_resolved_values() {
        let s = crate::scenario::Scenario::baseline(&["options.expedited.notice_wd=10".into()]).unwrap();
        let resolved = serde_json::to_value(&s).unwrap();
        let t = timelines(&resolved);
        assert_eq!(t[1].0, "expedited");
        assert!(t[1].1.starts_with("notice at once: migration 10 WD after the notice"), "{}", t[1].1);
        assert!(t[1].1.contains("CoS check 2 WD") && t[1].1.contains("the rest as standard"), "{}", t[1].1);
        assert!(t[0].1.starts_with("wait triangular 16–30 (mode 16) WD, then notice: migration 15 WD"), "{}", t[0].1);
        assert!(t[0].1.contains("CoS check 7 days"), "{}", t[0].1);
    }
}
