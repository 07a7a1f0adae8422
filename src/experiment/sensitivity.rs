//! One-at-a-time sensitivity analysis (Saltelli et al., *Global Sensitivity Analysis: The Primer*, 2008, §1.2.2:
//! "one-at-a-time" designs and tornado diagrams): every numeric key of the scenario file is set to a low and a high
//! value, one key at a time, all others at their scenario values; each setting is an ordinary experiment with the
//! same seed, so its difference from the other setting is paired (common random numbers). Parameters are ranked by
//! the swing (high − low) of each headline metric.
//!
//! Low/high values: `[sensitivity.bounds]` in the scenario when given, otherwise the value ± `percent` (default
//! [`DEFAULT_PERCENT`]): integers rounded and moved by at least 1, shares and probabilities kept inside [0, 1].
//! Keys under `run.` and `fleet.installations` set the simulation, not the world, and are left out, as are keys in
//! `[sensitivity] exclude`. A setting the scenario rules reject (e.g. one cohort share moved so the shares no
//! longer add up to 1) is reported as skipped with the reason, never silently dropped.

use super::ReplicationResult;
use super::metric::Metric;
use crate::metrics::mean_ci95;
use crate::scenario::Scenario;
use crate::scenario::locate::numeric_leaves;
use crate::scenario::raw::RawSensitivity;
use serde::Serialize;

/// ± percentage used when the scenario gives none.
pub const DEFAULT_PERCENT: f64 = 20.0;

/// Key prefixes that configure the simulation or its checks rather than describe the world.
const NOT_PARAMETERS: [&str; 5] = ["run.", "fleet.installations", "sensitivity.", "validation.", "assumptions."];

/// A key and the values it takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    pub key: String,
    pub base: String,
    pub low: String,
    pub high: String,
    /// `percent` or `bounds`.
    pub source: &'static str,
    /// For a share in a set of shares that add up to 1 (e.g. `fleet.cohorts.*.share`): the other shares, rescaled
    /// in proportion so the set still adds up to 1, at the low and at the high value (`KEY=VALUE` overrides).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub low_companions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub high_companions: Vec<String>,
}

impl Parameter {
    /// The `--set` overrides of the low (`high = false`) or high setting.
    pub fn overrides(&self, high: bool) -> Vec<String> {
        let (value, companions) =
            if high { (&self.high, &self.high_companions) } else { (&self.low, &self.low_companions) };
        std::iter::once(format!("{}={value}", self.key)).chain(companions.iter().cloned()).collect()
    }
}

/// The other members of the set of shares `key` belongs to (`P.<name>.<leaf>` for every name, same leaf), when
/// the set adds up to 1.
fn share_set<'a>(key: &str, leaves: &'a [(String, toml::Value)]) -> Vec<(&'a str, f64)> {
    let segments: Vec<&str> = key.split('.').collect();
    if segments.len() < 3 || !segments[segments.len() - 1].contains("share") {
        return Vec::new();
    }
    let (parent, leaf) = (segments[..segments.len() - 2].join("."), segments[segments.len() - 1]);
    let members: Vec<(&str, f64)> = leaves
        .iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix(&format!("{parent}."))?;
            let (name, last) = rest.split_once('.')?;
            (last == leaf && !name.contains('.')).then_some((k.as_str(), v.as_float()?))
        })
        .collect();
    let total: f64 = members.iter().map(|m| m.1).sum();
    if members.len() < 2 || (total - 1.0).abs() > 1e-6 {
        return Vec::new();
    }
    members.into_iter().filter(|(k, _)| *k != key).collect()
}

/// The other shares rescaled by (1 − new) / (1 − old) so the set keeps adding up to 1.
fn rescaled(others: &[(&str, f64)], old: f64, new: f64) -> Vec<String> {
    let factor = (1.0 - new) / (1.0 - old);
    others.iter().map(|(k, v)| format!("{k}={}", render_float(v * factor))).collect()
}

/// A key that could not be varied, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    pub key: String,
    pub reason: String,
}

/// The settings of a sensitivity study, from the scenario's `[sensitivity]` table.
#[derive(Debug, Clone)]
pub struct Settings {
    pub percent: f64,
    pub exclude: Vec<String>,
    pub bounds: Vec<(String, [toml::Value; 2])>,
}

impl Settings {
    pub fn from_raw(raw: Option<&RawSensitivity>) -> Settings {
        let raw = raw.cloned().unwrap_or_default();
        Settings {
            percent: raw.percent.unwrap_or(DEFAULT_PERCENT),
            exclude: raw.exclude,
            bounds: raw.bounds.into_iter().collect(),
        }
    }
}

/// Shortest text of a float (no exponent, at most 9 decimals).
fn render_float(x: f64) -> String {
    let r = (x * 1e9).round() / 1e9;
    let text = format!("{r:.9}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" { "0".to_string() } else { text.to_string() }
}

fn render(v: &toml::Value) -> String {
    match v {
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => render_float(*f),
        other => other.to_string(),
    }
}

/// Is the key a share or probability (kept inside [0, 1])?
fn is_fraction(key: &str) -> bool {
    let last = key.rsplit('.').next().unwrap_or(key);
    ["probability", "share", "fraction"].iter().any(|w| last.contains(w))
}

/// Low and high values of `key` at ± `percent`, or the reason there are none.
fn percent_bounds(key: &str, v: &toml::Value, percent: f64) -> Result<(String, String), String> {
    let f = percent / 100.0;
    match v {
        toml::Value::Integer(0) => Err("the value is 0, so ±% leaves it at 0; give [sensitivity.bounds]".into()),
        toml::Value::Integer(i) => {
            let x = *i as f64;
            let mut lo = (x * (1.0 - f)).round() as i64;
            let mut hi = (x * (1.0 + f)).round() as i64;
            if lo == *i {
                lo = i - 1;
            }
            if hi == *i {
                hi = i + 1;
            }
            Ok((lo.to_string(), hi.to_string()))
        }
        toml::Value::Float(x) if *x == 0.0 => {
            Err("the value is 0, so ±% leaves it at 0; give [sensitivity.bounds]".into())
        }
        toml::Value::Float(x) => {
            let (mut lo, mut hi) = (x * (1.0 - f), x * (1.0 + f));
            if is_fraction(key) {
                (lo, hi) = (lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0));
            }
            if lo == *x && hi == *x {
                return Err("a share already at its limit".into());
            }
            Ok((render_float(lo), render_float(hi)))
        }
        _ => Err("not a number".into()),
    }
}

/// The parameters of a scenario document and the keys that cannot be varied. Unknown keys in `bounds` or
/// `exclude` are errors (naming the key), since a typo there would silently drop a parameter.
pub fn parameters(doc: &toml::Table, settings: &Settings) -> Result<(Vec<Parameter>, Vec<Skipped>), String> {
    let leaves = numeric_leaves(doc);
    let known = |k: &str| leaves.iter().any(|(key, _)| key == k);
    for (k, _) in &settings.bounds {
        if !known(k) {
            return Err(format!("sensitivity.bounds: `{k}` is not a numeric key of the scenario file"));
        }
    }
    for k in &settings.exclude {
        if !known(k) && !leaves.iter().any(|(key, _)| key.starts_with(&format!("{k}."))) {
            return Err(format!("sensitivity.exclude: `{k}` is not a key or table of the scenario file"));
        }
    }
    let excluded = |k: &str| {
        NOT_PARAMETERS.iter().any(|p| k.starts_with(p))
            || settings.exclude.iter().any(|e| k == e || k.starts_with(&format!("{e}.")))
    };
    let (mut params, mut skipped) = (Vec::new(), Vec::new());
    for (key, value) in leaves.iter().filter(|(k, _)| !excluded(k)) {
        let explicit = settings.bounds.iter().find(|(k, _)| k == key);
        let bounds = match explicit {
            Some((_, [lo, hi])) => Ok((render(lo), render(hi))),
            None => percent_bounds(key, value, settings.percent),
        };
        let (low, high) = match bounds {
            Ok(b) => b,
            Err(reason) => {
                skipped.push(Skipped { key: key.clone(), reason });
                continue;
            }
        };
        let others = share_set(key, &leaves);
        let old = value.as_float().unwrap_or(f64::NAN);
        let companions = |new: &str| match new.parse::<f64>() {
            Ok(new) if !others.is_empty() && old < 1.0 => rescaled(&others, old, new),
            _ => Vec::new(),
        };
        params.push(Parameter {
            key: key.clone(),
            base: render(value),
            low_companions: companions(&low),
            high_companions: companions(&high),
            low,
            high,
            source: if explicit.is_some() { "bounds" } else { "percent" },
        });
    }
    Ok((params, skipped))
}

/// The effect of one parameter on one metric.
#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    pub metric: String,
    pub base: f64,
    pub low: f64,
    pub high: f64,
    /// high − low, and its 95% CI from the paired per-replication differences.
    pub swing: f64,
    pub swing_ci95: Option<[f64; 2]>,
}

/// A scenario and its replications (one setting of a study).
pub struct Setting<'a> {
    pub scenario: &'a Scenario,
    pub reps: &'a [ReplicationResult],
}

fn mean(values: &[f64]) -> f64 {
    mean_ci95(values).mean
}

/// The effects on `metrics` of moving a parameter from `low` to `high`, with `base` for reference.
pub fn effects(metrics: &[Metric], base: &Setting, low: &Setting, high: &Setting) -> Vec<Effect> {
    metrics
        .iter()
        .map(|m| {
            let (b, l, h) = (
                m.values(base.scenario, base.reps),
                m.values(low.scenario, low.reps),
                m.values(high.scenario, high.reps),
            );
            let paired: Vec<f64> = h.iter().zip(&l).map(|(h, l)| h - l).collect();
            let swing = mean_ci95(&paired);
            Effect {
                metric: m.spec.clone(),
                base: mean(&b),
                low: mean(&l),
                high: mean(&h),
                swing: swing.mean,
                swing_ci95: swing.ci95,
            }
        })
        .collect()
}

/// A parameter with its effects.
#[derive(Debug, Clone, Serialize)]
pub struct ParameterResult {
    pub parameter: Parameter,
    pub effects: Vec<Effect>,
}

/// A parameter whose low or high setting the scenario rules reject.
pub fn rejected(p: &Parameter, which: &str, message: &str) -> Skipped {
    let value = if which == "low" { &p.low } else { &p.high };
    Skipped { key: p.key.clone(), reason: format!("{which} value {value} rejected: {message}") }
}

/// Parameters ranked by |swing| of metric `m` (largest first; NaN swings last, ties by key).
pub fn ranking(results: &[ParameterResult], m: usize) -> Vec<&ParameterResult> {
    let mut ranked: Vec<&ParameterResult> = results.iter().collect();
    let size = |r: &ParameterResult| r.effects[m].swing.abs();
    ranked.sort_by(|a, b| {
        let (x, y) = (size(a), size(b));
        match (x.is_nan(), y.is_nan()) {
            (false, false) => y.total_cmp(&x).then_with(|| a.parameter.key.cmp(&b.parameter.key)),
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (true, true) => a.parameter.key.cmp(&b.parameter.key),
        }
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> toml::Table {
        text.parse().unwrap()
    }

    #[test]
    fn percent_bounds_round_integers_and_keep_shares_inside_zero_one() {
        let d = doc("a = 10\nb = 2\nc = 0.5\nd.failure_probability = 0.9\ne = 0\nrun.seed = 3\nf = 1");
        let (p, skipped) = parameters(&d, &Settings::from_raw(None)).unwrap();
        let get = |k: &str| p.iter().find(|x| x.key == k).map(|x| (x.low.clone(), x.high.clone()));
        assert_eq!(get("a"), Some(("8".into(), "12".into())));
        // 2 ± 20% rounds back to 2, so it moves by 1.
        assert_eq!(get("b"), Some(("1".into(), "3".into())));
        assert_eq!(get("c"), Some(("0.4".into(), "0.6".into())));
        // 0.9 × 1.2 = 1.08 is clipped to 1.
        assert_eq!(get("d.failure_probability"), Some(("0.72".into(), "1".into())));
        assert_eq!(get("f"), Some(("0".into(), "2".into())));
        assert_eq!(get("run.seed"), None);
        assert_eq!(skipped.len(), 1);
        assert_eq!(skipped[0].key, "e");
    }

    #[test]
    fn a_share_in_a_set_moves_with_the_others_rescaled_to_keep_the_sum_at_one() {
        // x: 0.5 → 0.4 / 0.6; y and z (0.3, 0.2) scale by 0.6/0.5 = 1.2 and 0.4/0.5 = 0.8.
        let d = doc("[c.x]\nshare = 0.5\n[c.y]\nshare = 0.3\n[c.z]\nshare = 0.2");
        let (p, _) = parameters(&d, &Settings::from_raw(None)).unwrap();
        assert_eq!(p[0].overrides(false), ["c.x.share=0.4", "c.y.share=0.36", "c.z.share=0.24"]);
        assert_eq!(p[0].overrides(true), ["c.x.share=0.6", "c.y.share=0.24", "c.z.share=0.16"]);
    }

    #[test]
    fn explicit_bounds_win_and_unknown_keys_are_errors() {
        let d = doc("a = 10\n[t]\nb = 3.0");
        let mut s = Settings::from_raw(None);
        s.bounds = vec![("a".into(), [toml::Value::Integer(1), toml::Value::Integer(100)])];
        s.exclude = vec!["t".into()];
        let (p, _) = parameters(&d, &s).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].low.as_str(), p[0].high.as_str(), p[0].source), ("1", "100", "bounds"));
        s.bounds = vec![("nope".into(), [toml::Value::Integer(1), toml::Value::Integer(2)])];
        assert!(parameters(&d, &s).unwrap_err().contains("`nope`"));
    }
}
