//! Two runs compared (`dormsim compare`): when their replications are paired, and the difference of a figure with
//! its 95% confidence interval.
//!
//! **Pairing.** Replication r of a run generates its fleet and switching history, and every per-installation draw,
//! from streams keyed by (seed, r, installation, purpose), so two runs with the same seed, the same inputs to the
//! fleet and the switching history, the same replication count and the same code (version) see the same world in
//! replication r: common random numbers. Their difference is then taken per replication and the paired-t interval
//! is the Student-t interval over those differences (Law, *Simulation Modeling and Analysis*, §10.2.1). Otherwise
//! the runs are independent samples and the interval is Welch's (unequal variances, Welch–Satterthwaite degrees of
//! freedom; Law §10.2.2). The inputs that generate the world are read off `fleet.rs` and `arrivals.rs`:
//! [`WORLD_KEYS`].

use crate::metrics::{MeanCi, mean_ci95};
use serde_json::Value;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The resolved-scenario keys that generate a replication's fleet and switching history (whole sections where
/// every key matters; for the lists, the fields the generators read). Everything else (option timelines, DCC and
/// SMSO capacities and delays, supplier readiness dates, EPCL dates, manual handling) acts on that world only.
pub const WORLD_KEYS: [&str; 12] = [
    "run.seed",
    "run.start_date",
    "run.horizon_days",
    "fleet",
    "switching",
    "dmcs[].name",
    "dmcs[].cohort",
    "dmcs[].fleet_share",
    "dmcs[].smso",
    "smsos[].name",
    "suppliers[].market_share",
    "suppliers[].operates_mask",
];

/// How two runs' replications relate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pairing {
    /// Same seed, world and replications: replication r of each saw the same fleet and history.
    Paired,
    /// Independent samples, and why.
    Unpaired(String),
}

/// What decides the pairing of a run.
pub struct RunKey<'a> {
    pub version: &'a str,
    pub replications: u32,
    /// The manifest's `resolved_scenario`.
    pub resolved: &'a Value,
}

/// The values of [`WORLD_KEYS`] in a resolved scenario, as (dotted path, value) with list items named by their
/// `name` (`suppliers.legacy-a.market_share`).
pub fn world_inputs(resolved: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for key in WORLD_KEYS {
        match key.split_once("[].") {
            Some((list, field)) => {
                for (i, item) in resolved[list].as_array().into_iter().flatten().enumerate() {
                    let name = item["name"].as_str().map_or_else(|| i.to_string(), str::to_string);
                    out.push((format!("{list}.{name}.{field}"), item[field].clone()));
                }
                if resolved[list].as_array().is_none_or(|a| a.is_empty()) {
                    out.push((list.to_string(), Value::Null));
                }
            }
            None => flatten(key, key.split('.').fold(resolved, |v, k| &v[k]), &mut out),
        }
    }
    out
}

/// Leaves of `v` under `path` (objects by key, lists by index).
fn flatten(path: &str, v: &Value, out: &mut Vec<(String, Value)>) {
    match v {
        Value::Object(m) if !m.is_empty() => m.iter().for_each(|(k, x)| flatten(&format!("{path}.{k}"), x, out)),
        Value::Array(a) if !a.is_empty() => {
            a.iter().enumerate().for_each(|(i, x)| flatten(&format!("{path}.{i}"), x, out))
        }
        _ => out.push((path.to_string(), v.clone())),
    }
}

/// The world inputs on which `a` and `b` differ: "fleet.installations 2000 vs 5000" (at most `limit`, then "…").
pub fn world_differences(a: &Value, b: &Value, limit: usize) -> Vec<String> {
    let (wa, wb) = (world_inputs(a), world_inputs(b));
    let find = |w: &[(String, Value)], k: &str| w.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone());
    let mut keys: Vec<&String> = wa.iter().map(|(k, _)| k).collect();
    keys.extend(wb.iter().map(|(k, _)| k).filter(|k| !wa.iter().any(|(p, _)| p == *k)));
    let shown = |v: Option<Value>| v.map_or("absent".to_string(), |v| v.to_string().trim_matches('"').to_string());
    let mut out: Vec<String> = keys
        .into_iter()
        .filter(|k| find(&wa, k) != find(&wb, k))
        .map(|k| format!("{k} {} vs {}", shown(find(&wa, k)), shown(find(&wb, k))))
        .collect();
    if out.len() > limit {
        out.truncate(limit);
        out.push("…".to_string());
    }
    out
}

/// Whether run `b` is paired with run `a`, and if not, why (the first reason that applies).
pub fn pairing(a: &RunKey, b: &RunKey) -> Pairing {
    if a.version != b.version {
        return Pairing::Unpaired(format!(
            "written by different dormsim versions ({} vs {}): the same seed need not give the same world",
            a.version, b.version
        ));
    }
    if a.replications != b.replications {
        return Pairing::Unpaired(format!("replications differ ({} vs {})", a.replications, b.replications));
    }
    let differences = world_differences(a.resolved, b.resolved, 3);
    if differences.is_empty() {
        return Pairing::Paired;
    }
    let seed = differences.iter().any(|d| d.starts_with("run.seed "));
    let what = if seed { "seed differs" } else { "the fleet or switching inputs differ" };
    Pairing::Unpaired(format!("{what}: {}", differences.join("; ")))
}

/// A difference `b − a` with its 95% CI.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub mean: f64,
    /// `None` when there is no variance estimate (one replication, or one observation on a side).
    pub ci95: Option<[f64; 2]>,
    /// Degrees of freedom of the t quantile (paired: pairs − 1; Welch: Welch–Satterthwaite); `None` without a CI.
    pub df: Option<f64>,
}

impl From<MeanCi> for Difference {
    fn from(m: MeanCi) -> Self {
        Difference { mean: m.mean, ci95: m.ci95, df: m.ci95.map(|_| (m.n - 1) as f64) }
    }
}

/// Paired difference: `b[i] − a[i]` per replication (pairs with a non-finite side left out), then the Student-t
/// interval over them. One pair: the difference, no interval; identical differences: a zero-width interval.
pub fn paired(a: &[f64], b: &[f64]) -> Difference {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).filter(|d| d.is_finite()).collect();
    mean_ci95(&d).into()
}

fn mean_var(x: &[f64]) -> (f64, f64, usize) {
    let xs: Vec<f64> = x.iter().copied().filter(|v| v.is_finite()).collect();
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n.max(1) as f64;
    let var = if n > 1 { xs.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { f64::NAN };
    (if n == 0 { f64::NAN } else { mean }, var, n)
}

/// Unpaired difference of means `mean(b) − mean(a)` with Welch's interval: standard error √(s²ₐ/nₐ + s²ᵦ/nᵦ),
/// Welch–Satterthwaite degrees of freedom. Fewer than two observations on a side: no interval; no variance on
/// either side: a zero-width interval.
pub fn welch(a: &[f64], b: &[f64]) -> Difference {
    let ((ma, va, na), (mb, vb, nb)) = (mean_var(a), mean_var(b));
    let mean = mb - ma;
    if na < 2 || nb < 2 || !mean.is_finite() {
        return Difference { mean, ci95: None, df: None };
    }
    let (qa, qb) = (va / na as f64, vb / nb as f64);
    let se2 = qa + qb;
    if se2 <= 0.0 {
        return Difference { mean, ci95: Some([mean, mean]), df: None };
    }
    let df = se2 * se2 / (qa * qa / (na - 1) as f64 + qb * qb / (nb - 1) as f64);
    let t = StudentsT::new(0.0, 1.0, df).expect("df > 0").inverse_cdf(0.975);
    let half = t * se2.sqrt();
    Difference { mean, ci95: Some([mean - half, mean + half]), df: Some(df) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paired_interval_is_the_t_interval_of_the_differences() {
        // Differences 1, 2, 3, 4, 5: mean 3, s/√5 = 0.707107, t(0.975, 4) = 2.776445 → ± 1.963243.
        let d = paired(&[10.0, 10.0, 10.0, 10.0, 10.0], &[11.0, 12.0, 13.0, 14.0, 15.0]);
        let [lo, hi] = d.ci95.unwrap();
        assert!((d.mean - 3.0).abs() < 1e-12 && (hi - 4.963243).abs() < 1e-5 && (lo - 1.036757).abs() < 1e-5);
        assert_eq!(d.df, Some(4.0));
    }

    #[test]
    fn one_pair_has_no_interval_and_equal_differences_a_zero_width_one() {
        assert_eq!(paired(&[1.0], &[3.0]), Difference { mean: 2.0, ci95: None, df: None });
        assert_eq!(paired(&[1.0, 5.0], &[3.0, 7.0]).ci95, Some([2.0, 2.0]));
        assert_eq!(paired(&[1.0, f64::NAN, 2.0], &[2.0, 4.0, 3.0]).ci95, Some([1.0, 1.0]));
    }

    #[test]
    fn welch_matches_a_hand_computed_interval() {
        // a = 1, 2, 3 (mean 2, s² 1); b = 2, 4, 6, 8 (mean 5, s² 6.6667). s²/n: 0.33333 and 1.66667, se² = 2,
        // df = 4 / (0.33333²/2 + 1.66667²/3) = 4 / (0.055556 + 0.925926) = 4.075472; t(0.975, 4.075472) =
        // 2.756285 (bisection on the t CDF by Simpson integration of its density, outside dormsim) → half-width
        // 2.756285 × √2 = 3.897975.
        let d = welch(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0, 8.0]);
        assert!((d.mean - 3.0).abs() < 1e-12);
        assert!((d.df.unwrap() - 4.075472).abs() < 1e-5);
        let [lo, hi] = d.ci95.unwrap();
        assert!((hi - 3.0 - 3.897975).abs() < 1e-5, "{hi}");
        assert!((3.0 - lo - 3.897975).abs() < 1e-5, "{lo}");
    }

    #[test]
    fn welch_without_variance_or_with_one_observation_says_so() {
        assert_eq!(welch(&[2.0, 2.0], &[3.0, 3.0, 3.0]).ci95, Some([1.0, 1.0]));
        assert_eq!(welch(&[2.0], &[3.0, 4.0]).ci95, None);
    }

    #[test]
    fn the_world_inputs_name_what_differs() {
        let a = serde_json::json!({"run": {"seed": 1, "start_date": "2020-07-01", "horizon_days": 730,
            "calendar": "none"}, "fleet": {"installations": 2000, "cohorts": [{"share": 1.0}]},
            "switching": {"annual_rate": 0.1}, "dmcs": [{"name": "d", "cohort": 0, "fleet_share": 1.0, "smso": 0,
            "epcl_day": 3}], "smsos": [{"name": "s"}], "suppliers": [{"name": "x", "market_share": 1.0,
            "operates_mask": 1, "dcc_ready_day": 0}]});
        let mut b = a.clone();
        b["run"]["calendar"] = "scotland".into();
        b["dmcs"][0]["epcl_day"] = 9.into();
        b["suppliers"][0]["dcc_ready_day"] = 200.into();
        fn key(v: &Value) -> RunKey<'_> {
            RunKey { version: "1", replications: 3, resolved: v }
        }
        assert_eq!(pairing(&key(&a), &key(&b)), Pairing::Paired, "calendar, EPCL and readiness act on the world");
        b["fleet"]["installations"] = 5000.into();
        b["run"]["seed"] = 2.into();
        let Pairing::Unpaired(why) = pairing(&key(&a), &key(&b)) else { panic!("paired") };
        assert_eq!(why, "seed differs: run.seed 1 vs 2; fleet.installations 2000 vs 5000");
    }
}
