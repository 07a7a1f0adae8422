//! One-at-a-time sensitivity analysis (Saltelli et al., *Global Sensitivity Analysis: The Primer*, 2008, §1.2.2:
//! "one-at-a-time" designs and tornado diagrams): every numeric key of the scenario file is set to a low and a high
//! value, one key at a time, all others at their scenario values; each setting is an ordinary experiment with the
//! same seed, so its difference from the other setting is paired (common random numbers). Parameters are ranked by
//! the swing (high − low) of each headline metric.
//!
//! Low/high values, first that applies: `[sensitivity.bounds]` in the scenario; the assumptions register's `vary`
//! range for the key (a value range, or a scale applied to the key's value; a scale over a duration distribution
//! moves every time parameter of it together, as one parameter named by the table); otherwise the value ±
//! `percent` (default [`DEFAULT_PERCENT`]): integers rounded and moved by at least 1, shares and probabilities kept
//! inside [0, 1].
//!
//! Every parameter is a **policy lever** or an **assumption** ([`classify`]): levers are what the organisations
//! decide (the options' definitions under `options.`, the capacities `dcc.daily_capacity` and
//! `smsos.*.servers`, and keys the register marks `basis = "choice"`); every other key is an assumption about
//! the world (register basis consultation, public, calibrated or assumption, or not in the register). The two are
//! ranked apart: "which assumptions move the answer" is a question about what we do not know, "what the levers
//! do" one about what can be decided.
//! Keys under `run.` and `fleet.installations` set the simulation, not the world, and are left out, as are keys in
//! `[sensitivity] exclude`. A setting the scenario rules reject (e.g. one cohort share moved so the shares no
//! longer add up to 1) is reported as skipped with the reason, never silently dropped.

use super::ReplicationResult;
use super::metric::Metric;
use crate::metrics::{MeanCi, mean_ci95};
use crate::scenario::Scenario;
use crate::scenario::locate::numeric_leaves;
use crate::scenario::raw::RawSensitivity;
use crate::scenario::register::{self, Basis, Change, Register};
use serde::{Deserialize, Serialize};

/// ± percentage used when the scenario gives none.
pub const DEFAULT_PERCENT: f64 = 20.0;

/// Key prefixes that configure the simulation or its checks rather than describe the world.
const NOT_PARAMETERS: [&str; 5] = ["run.", "fleet.installations", "sensitivity.", "validation.", "assumptions."];

/// A policy lever (decided by the organisations) or an assumption about the world.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Lever,
    Assumption,
}

impl Group {
    pub const ALL: [Group; 2] = [Group::Assumption, Group::Lever];
    pub fn name(self) -> &'static str {
        match self {
            Group::Lever => "lever",
            Group::Assumption => "assumption",
        }
    }
}

/// Capacities an organisation sets (DCC's migrations per day, an SMSO's configurations in progress at once).
const CAPACITY_KEYS: [&str; 2] = ["dcc.daily_capacity", "smsos.*.servers"];

/// The rule, in words (for the outputs).
pub const LEVER_RULE: &str = "policy levers: keys under options. (the options' definitions), the capacities dcc.daily_capacity and smsos.*.servers, and keys the assumptions register marks basis = \"choice\"; every other key is an assumption (register basis consultation, public, calibrated or assumption, or not in the register)";

/// Lever or assumption, and why.
pub fn classify(key: &str, register: &Register) -> (Group, String) {
    if key.starts_with("options.") {
        return (Group::Lever, "an option's definition".into());
    }
    if CAPACITY_KEYS.iter().any(|p| register::covers(p, key)) {
        return (Group::Lever, "a capacity".into());
    }
    match register.lookup(key) {
        Some(a) if a.basis == Basis::Choice => (Group::Lever, "register basis choice".into()),
        Some(a) => (Group::Assumption, format!("register basis {}", a.basis.label())),
        None => (Group::Assumption, "not in the register".into()),
    }
}

/// A key and the values it takes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub key: String,
    /// The values as written in the overrides (for a scaled distribution: the factors, base 1).
    pub base: String,
    pub low: String,
    pub high: String,
    /// The same as numbers.
    pub base_value: f64,
    pub low_value: f64,
    pub high_value: f64,
    /// `value`, or `scale` for a distribution whose time parameters are multiplied by the factor.
    pub kind: String,
    /// Where low/high come from: `bounds` ([sensitivity.bounds]), `register` (the register's `vary`) or `percent`.
    pub source: String,
    /// The register's range in words, when it was used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_range: Option<String>,
    pub group: Group,
    /// Why the parameter is in its group.
    pub group_reason: String,
    /// For a share in a set of shares that add up to 1 (e.g. `fleet.cohorts.*.share`): the other shares, rescaled
    /// in proportion so the set still adds up to 1, at the low and at the high value (`KEY=VALUE` overrides).
    /// For a scaled distribution: every time parameter at the low and the high factor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub low_companions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub high_companions: Vec<String>,
}

impl Parameter {
    /// The `--set` overrides of the low (`high = false`) or high setting.
    pub fn overrides(&self, high: bool) -> Vec<String> {
        let (value, companions) =
            if high { (&self.high, &self.high_companions) } else { (&self.low, &self.low_companions) };
        let own = (self.kind == "value").then(|| format!("{}={value}", self.key));
        own.into_iter().chain(companions.iter().cloned()).collect()
    }

    /// A readable name: the key, with a month index of `switching.seasonality` as the month's name (the array is
    /// January first: `switching.seasonality.4` is May).
    pub fn label(&self) -> String {
        readable_key(&self.key)
    }

    /// The values moved, in words: "6 → 10", or "all times × 0.7 → × 1.6" for a scaled distribution.
    pub fn values_text(&self) -> String {
        if self.kind == "scale" {
            format!("all times × {} → × {}", self.low, self.high)
        } else {
            format!("{} → {}", self.low, self.high)
        }
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `switching.seasonality.4` → "switching.seasonality, May"; other keys as they are.
pub fn readable_key(key: &str) -> String {
    if let Some(i) = key.strip_prefix("switching.seasonality.").and_then(|i| i.parse::<usize>().ok())
        && let Some(m) = MONTHS.get(i)
    {
        return format!("switching.seasonality, {m}");
    }
    key.to_string()
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Low and high values of `key` from its register range, when the register's most specific entry for it names
/// the key itself and has a range that changes its value.
fn register_bounds(key: &str, v: &toml::Value, register: &Register) -> Option<(String, String, String)> {
    let a = register.lookup(key)?;
    let vary = a.vary?;
    if !register::matches(&a.pattern, key) {
        return None;
    }
    let (lo, hi) = vary.change.bounds();
    let (low, high) = (register::changed(v, &vary.change, lo)?, register::changed(v, &vary.change, hi)?);
    let text = |x: &toml::Value| render(x);
    (low != *v || high != *v).then(|| (text(&low), text(&high), format!("{}: {}", a.pattern, vary.describe())))
}

/// Whether `leaf` is a time parameter of the distribution table `table` (a scale moves it).
fn is_time_leaf(table: &str, leaf: &str) -> bool {
    let Some(rest) = leaf.strip_prefix(&format!("{table}.")) else { return false };
    let first = rest.split('.').next().unwrap_or(rest);
    register::TIME_PARAMETERS.contains(&first) || first == "values"
}

/// A distribution table a register entry scales: its path, the change, the range in words, and its time parameters
/// (leaf key, value).
type ScaledTable = (String, Change, String, Vec<(String, f64)>);

/// Distribution tables a register entry scales: one parameter each, moving every time parameter together.
fn scaled_distributions(doc: &toml::Table, leaves: &[(String, toml::Value)], register: &Register) -> Vec<ScaledTable> {
    let mut out = Vec::new();
    for a in register.factors() {
        let Some(vary) = a.vary else { continue };
        if !matches!(vary.change, Change::Scale { .. }) {
            continue;
        }
        for (path, value) in register.targets(a, doc) {
            if !value.as_table().is_some_and(|t| t.contains_key("kind")) {
                continue;
            }
            let times: Vec<(String, f64)> = leaves
                .iter()
                .filter(|(k, _)| is_time_leaf(&path, k))
                .filter_map(|(k, v)| Some((k.clone(), register::number(v)?)))
                .collect();
            if !times.is_empty() {
                out.push((path, vary.change, format!("{}: {}", a.pattern, vary.describe()), times));
            }
        }
    }
    out
}

fn number_of(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// The parameters of a scenario document and the keys that cannot be varied. Unknown keys in `bounds` or
/// `exclude` are errors (naming the key), since a typo there would silently drop a parameter.
pub fn parameters(
    doc: &toml::Table,
    settings: &Settings,
    register: &Register,
) -> Result<(Vec<Parameter>, Vec<Skipped>), String> {
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
    let explicit = |k: &str| settings.bounds.iter().find(|(b, _)| b == k);
    let (mut params, mut skipped) = (Vec::new(), Vec::new());
    // Distributions the register scales, unless a key in them has explicit bounds.
    let tables: Vec<_> = scaled_distributions(doc, &leaves, register)
        .into_iter()
        .filter(|(path, _, _, times)| !excluded(path) && times.iter().all(|(k, _)| explicit(k).is_none()))
        .collect();
    for (path, change, range, times) in &tables {
        let (lo, hi) = change.bounds();
        let scaled = |f: f64| -> Vec<String> {
            times
                .iter()
                .map(|(k, v)| {
                    let like = leaves.iter().find(|(key, _)| key == k).map(|(_, v)| v);
                    let x = v * f;
                    let text = match like {
                        Some(toml::Value::Integer(_)) => format!("{}", x.round() as i64),
                        _ => render_float(x),
                    };
                    format!("{k}={text}")
                })
                .collect()
        };
        let (group, group_reason) = classify(path, register);
        params.push(Parameter {
            key: path.clone(),
            base: "1".into(),
            low: render_float(lo),
            high: render_float(hi),
            base_value: 1.0,
            low_value: lo,
            high_value: hi,
            kind: "scale".into(),
            source: "register".into(),
            register_range: Some(range.clone()),
            group,
            group_reason,
            low_companions: scaled(lo),
            high_companions: scaled(hi),
        });
    }
    let in_table = |k: &str| tables.iter().any(|(_, _, _, times)| times.iter().any(|(t, _)| t == k));
    for (key, value) in leaves.iter().filter(|(k, _)| !excluded(k) && !in_table(k)) {
        let (bounds, source, range) = match explicit(key) {
            Some((_, [lo, hi])) => (Ok((render(lo), render(hi))), "bounds", None),
            None => match register_bounds(key, value, register) {
                Some((lo, hi, range)) => (Ok((lo, hi)), "register", Some(range)),
                None => (percent_bounds(key, value, settings.percent), "percent", None),
            },
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
        let (group, group_reason) = classify(key, register);
        params.push(Parameter {
            key: key.clone(),
            base: render(value),
            base_value: register::number(value).unwrap_or(f64::NAN),
            low_value: number_of(&low),
            high_value: number_of(&high),
            low_companions: companions(&low),
            high_companions: companions(&high),
            low,
            high,
            kind: "value".into(),
            source: source.into(),
            register_range: range,
            group,
            group_reason,
        });
    }
    Ok((params, skipped))
}

/// The effect of one parameter on one metric.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Effect {
    pub metric: String,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub base: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub low: f64,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub high: f64,
    /// Change from the scenario value at the low and the high value, each with its paired 95% CI.
    pub low_change_ci95: Option<[f64; 2]>,
    pub high_change_ci95: Option<[f64; 2]>,
    /// high − low (mean of the paired per-replication differences), and its 95% CI.
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub swing: f64,
    pub swing_ci95: Option<[f64; 2]>,
}

/// A scenario and its replications (one setting of a study).
pub struct Setting<'a> {
    pub scenario: &'a Scenario,
    pub reps: &'a [ReplicationResult],
}

fn paired(a: &[f64], b: &[f64]) -> MeanCi {
    mean_ci95(&a.iter().zip(b).map(|(a, b)| a - b).collect::<Vec<_>>())
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
            let swing = paired(&h, &l);
            Effect {
                metric: m.spec.clone(),
                base: m.estimate(base.scenario, base.reps).mean,
                low: m.estimate(low.scenario, low.reps).mean,
                high: m.estimate(high.scenario, high.reps).mean,
                low_change_ci95: paired(&l, &b).ci95,
                high_change_ci95: paired(&h, &b).ci95,
                swing: swing.mean,
                swing_ci95: swing.ci95,
            }
        })
        .collect()
}

/// A parameter with its effects.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParameterResult {
    pub parameter: Parameter,
    pub effects: Vec<Effect>,
}

/// A parameter whose low or high setting the scenario rules reject.
pub fn rejected(p: &Parameter, which: &str, message: &str) -> Skipped {
    let value = if which == "low" { &p.low } else { &p.high };
    Skipped { key: p.key.clone(), reason: format!("{which} value {value} rejected: {message}") }
}

/// Indices of `results` in `group`, ranked by |swing| of metric `m` (largest first; NaN swings last, ties by key).
pub fn ranking(results: &[ParameterResult], group: Group, m: usize) -> Vec<usize> {
    let mut ranked: Vec<usize> = (0..results.len()).filter(|&i| results[i].parameter.group == group).collect();
    let size = |i: usize| results[i].effects[m].swing.abs();
    let key = |i: usize| &results[i].parameter.key;
    ranked.sort_by(|&a, &b| {
        let (x, y) = (size(a), size(b));
        match (x.is_nan(), y.is_nan()) {
            (false, false) => y.total_cmp(&x).then_with(|| key(a).cmp(key(b))),
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            (true, true) => key(a).cmp(key(b)),
        }
    });
    ranked
}

/// A metric of the study, with its unit and the value at the scenario's own settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StudyMetric {
    pub spec: String,
    pub option: String,
    pub name: String,
    pub label: String,
    pub unit: String,
    #[serde(deserialize_with = "crate::metrics::nan_from_null")]
    pub base: f64,
    pub base_ci95: Option<[f64; 2]>,
}

/// One group's parameters ranked for one metric (indices into the study's `parameters`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Ranking {
    pub metric: String,
    pub group: Group,
    pub order: Vec<usize>,
}

/// A finished study, ranked once: what `sensitivity.json` holds and every writer renders.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SensitivityStudy {
    pub scenario: String,
    pub scenario_hash: String,
    pub dormsim_version: String,
    pub seed: u64,
    pub replications: u32,
    pub installations: u32,
    pub percent: f64,
    /// Parameters shown per tornado panel and report table (`--top`).
    pub shown: usize,
    pub method: String,
    pub lever_rule: String,
    pub metrics: Vec<StudyMetric>,
    pub parameters: Vec<ParameterResult>,
    pub rankings: Vec<Ranking>,
    pub skipped: Vec<Skipped>,
}

/// The method in words.
pub const METHOD: &str = "one-at-a-time: each numeric key set to its low and its high value with every other key at its scenario value; low/high from [sensitivity.bounds], else the assumptions register's vary range, else ± percent; same seed and replication numbers for every setting (common random numbers); swing = mean at high − mean at low, 95% CI from the paired per-replication differences (t interval; simulation noise only)";

impl SensitivityStudy {
    /// Rank the results of a study of `s` (base replications `base_reps`) and assemble it.
    pub fn new(
        s: &Scenario,
        metrics: &[Metric],
        base_reps: &[ReplicationResult],
        parameters: Vec<ParameterResult>,
        skipped: Vec<Skipped>,
        percent: f64,
        shown: usize,
    ) -> SensitivityStudy {
        let rankings = Group::ALL
            .iter()
            .flat_map(|&g| {
                let parameters = &parameters;
                metrics.iter().enumerate().map(move |(m, metric)| Ranking {
                    metric: metric.spec.clone(),
                    group: g,
                    order: ranking(parameters, g, m),
                })
            })
            .collect();
        SensitivityStudy {
            scenario: s.name.clone(),
            scenario_hash: s.hash(),
            dormsim_version: env!("CARGO_PKG_VERSION").to_string(),
            seed: s.run.seed,
            replications: s.run.replications,
            installations: s.fleet.installations,
            percent,
            shown,
            method: METHOD.to_string(),
            lever_rule: LEVER_RULE.to_string(),
            metrics: metrics
                .iter()
                .map(|m| {
                    let e = m.estimate(s, base_reps);
                    StudyMetric {
                        spec: m.spec.clone(),
                        option: m.option_name.clone(),
                        name: m.name.clone(),
                        label: m.label(),
                        unit: m.unit().to_string(),
                        base: e.mean,
                        base_ci95: e.ci95,
                    }
                })
                .collect(),
            parameters,
            rankings,
            skipped,
        }
    }

    /// The ranking of `group` for metric index `m`.
    pub fn ranked(&self, group: Group, m: usize) -> impl Iterator<Item = &ParameterResult> {
        let spec = &self.metrics[m].spec;
        self.rankings
            .iter()
            .filter(move |r| r.group == group && &r.metric == spec)
            .flat_map(|r| r.order.iter().map(|&i| &self.parameters[i]))
    }

    /// Parameters in `group`.
    pub fn count(&self, group: Group) -> usize {
        self.parameters.iter().filter(|p| p.parameter.group == group).count()
    }
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
        let (p, skipped) = parameters(&d, &Settings::from_raw(None), &Register::default()).unwrap();
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
        let (p, _) = parameters(&d, &Settings::from_raw(None), &Register::default()).unwrap();
        assert_eq!(p[0].overrides(false), ["c.x.share=0.4", "c.y.share=0.36", "c.z.share=0.24"]);
        assert_eq!(p[0].overrides(true), ["c.x.share=0.6", "c.y.share=0.24", "c.z.share=0.16"]);
    }

    #[test]
    fn explicit_bounds_win_and_unknown_keys_are_errors() {
        let d = doc("a = 10\n[t]\nb = 3.0");
        let mut s = Settings::from_raw(None);
        s.bounds = vec![("a".into(), [toml::Value::Integer(1), toml::Value::Integer(100)])];
        s.exclude = vec!["t".into()];
        let (p, _) = parameters(&d, &s, &Register::default()).unwrap();
        assert_eq!(p.len(), 1);
        assert_eq!((p[0].low.as_str(), p[0].high.as_str(), p[0].source.as_str()), ("1", "100", "bounds"));
        s.bounds = vec![("nope".into(), [toml::Value::Integer(1), toml::Value::Integer(2)])];
        assert!(parameters(&d, &s, &Register::default()).unwrap_err().contains("`nope`"));
    }
}
