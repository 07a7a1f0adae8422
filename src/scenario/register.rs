//! The assumptions register (`[assumptions."KEY"]` in the scenario file): for each key, or each key pattern with
//! `*` standing for one path segment (`smsos.*.lead_time_wd`), where its value comes from (`basis` and `source`),
//! how good that is (`quality`), and, for an uncertain value, the range it may plausibly take (`vary`) with the
//! reasoning (`rationale`). A value range need not contain the key's value (a what-if or `--set` may move it out). Checked with every scenario like the rest of the file; read by the report's assumptions
//! log and by `dormsim uncertainty`, never by a run (a register entry changes no simulated number).
//!
//! An entry covers the keys its pattern names and every key inside them (`switching.seasonality` covers its twelve
//! elements, `smsos.*.lead_time_wd` every parameter of each SMSO's lead-time distribution). Where several entries
//! cover a key, the most specific wins: more segments first, then fewer wildcards.

use super::error::{KeyError, closest};
use super::raw::{RawAssumption, RawVary};
use serde::{Deserialize, Serialize};

/// Where a value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// Written in the consultation response (the seed).
    Consultation,
    /// A published figure (document, date and figure named in `source`).
    Public,
    /// Chosen so that the model reproduces published figures (docs/calibration.md).
    Calibrated,
    /// No public figure: a judgement, with its reasoning.
    Assumption,
    /// A setting of the study, not a fact about the world (seed, sample size, horizon, an option's definition).
    Choice,
}

impl Basis {
    pub fn label(self) -> &'static str {
        match self {
            Basis::Consultation => "consultation",
            Basis::Public => "public",
            Basis::Calibrated => "calibrated",
            Basis::Assumption => "assumption",
            Basis::Choice => "choice",
        }
    }
}

/// How far a value can be relied on (docs/scenario.md "Assumptions register" defines the grades).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quality {
    High,
    Medium,
    Low,
}

impl Vary {
    /// The range in words: "0.2 to 0.5", "× 0.5 to × 2 (log-uniform)", "−60 to +90 days".
    pub fn describe(&self) -> String {
        let shape = match self.shape {
            Shape::Uniform => String::new(),
            Shape::LogUniform => " (log-uniform)".to_string(),
            Shape::Triangular => " (triangular)".to_string(),
        };
        let range = match self.change {
            Change::Value { min, max } => format!("{min} to {max}"),
            Change::Scale { min, max } => format!("× {min} to × {max}"),
            Change::ShiftDays { min, max } => format!("{min:+} to {max:+} days"),
        };
        range + &shape
    }
}

impl Quality {
    pub fn label(self) -> &'static str {
        match self {
            Quality::High => "high",
            Quality::Medium => "medium",
            Quality::Low => "low",
        }
    }
}

/// How a factor's unit draw u ∈ [0, 1) maps onto its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    Uniform,
    /// Uniform in the logarithm (for factors spanning a multiple, e.g. × 0.5 to × 2).
    LogUniform,
    /// Triangular with its mode at the scenario's value (or × 1, or no shift).
    Triangular,
}

/// What a factor changes in the keys it names.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Change {
    /// The value itself, between `min` and `max` (numbers; integer keys are rounded).
    Value { min: f64, max: f64 },
    /// The value multiplied by a factor (numbers, or every time parameter of a duration distribution).
    Scale { min: f64, max: f64 },
    /// A date moved by whole days.
    ShiftDays { min: f64, max: f64 },
}

impl Change {
    pub fn bounds(&self) -> (f64, f64) {
        match *self {
            Change::Value { min, max } | Change::Scale { min, max } | Change::ShiftDays { min, max } => (min, max),
        }
    }

    /// The no-change point of a scale (1) or shift (0); `None` for a value range (its centre is the key's value).
    pub fn neutral(&self) -> Option<f64> {
        match self {
            Change::Value { .. } => None,
            Change::Scale { .. } => Some(1.0),
            Change::ShiftDays { .. } => Some(0.0),
        }
    }
}

/// An uncertain value's plausible range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Vary {
    pub change: Change,
    pub shape: Shape,
}

/// One register entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assumption {
    /// Dotted key or pattern, as written.
    pub pattern: String,
    pub basis: Basis,
    pub source: String,
    pub quality: Option<Quality>,
    pub vary: Option<Vary>,
    pub rationale: String,
}

/// The whole register, in file order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Register {
    pub entries: Vec<Assumption>,
}

fn segments(path: &str) -> Vec<&str> {
    path.split('.').collect()
}

/// Does `pattern` name exactly `path` (`*` = any one segment)?
pub fn matches(pattern: &str, path: &str) -> bool {
    let (p, k) = (segments(pattern), segments(path));
    p.len() == k.len() && p.iter().zip(&k).all(|(a, b)| *a == "*" || a == b)
}

/// Does `pattern` name `path` or a table `path` lies in?
pub fn covers(pattern: &str, path: &str) -> bool {
    let (p, k) = (segments(pattern), segments(path));
    p.len() <= k.len() && p.iter().zip(&k).all(|(a, b)| *a == "*" || a == b)
}

impl Register {
    /// The most specific entry covering `path` (more segments first, then fewer wildcards, then the first written).
    pub fn lookup(&self, path: &str) -> Option<&Assumption> {
        let rank = |a: &Assumption| {
            let s = segments(&a.pattern);
            (s.len(), usize::MAX - s.iter().filter(|x| **x == "*").count())
        };
        let mut best: Option<&Assumption> = None;
        for a in self.entries.iter().filter(|a| covers(&a.pattern, path)) {
            if best.is_none_or(|b| rank(a) > rank(b)) {
                best = Some(a);
            }
        }
        best
    }

    /// The entries that describe `path`: the one covering it, or else those for keys inside it (an inline table
    /// written on one line, such as a DMC).
    pub fn describing(&self, path: &str) -> Vec<&Assumption> {
        if let Some(a) = self.lookup(path) {
            return vec![a];
        }
        let k = segments(path);
        self.entries
            .iter()
            .filter(|a| {
                let p = segments(&a.pattern);
                p.len() > k.len() && p.iter().zip(&k).all(|(x, y)| *x == "*" || x == y)
            })
            .collect()
    }

    /// The register of a scenario text as written, for reports (empty when the text or its register does not
    /// check; a run's text always does).
    pub fn of_text(text: &str) -> Register {
        let Ok(doc) = text.parse::<toml::Table>() else { return Register::default() };
        let Some(raw) = doc.get("assumptions").cloned() else { return Register::default() };
        let Ok(raw) = raw.try_into::<indexmap::IndexMap<String, RawAssumption>>() else { return Register::default() };
        resolve(&raw, &doc).unwrap_or_default()
    }

    /// The entries with a range: the uncertain factors, in file order.
    pub fn factors(&self) -> impl Iterator<Item = &Assumption> {
        self.entries.iter().filter(|a| a.vary.is_some())
    }

    /// Every key of `doc` that holds a number or a date, with no register entry covering it.
    pub fn uncovered(&self, doc: &toml::Table) -> Vec<String> {
        let mut out = Vec::new();
        for (k, v) in doc.iter().filter(|(k, _)| !NOT_REGISTERED.contains(&k.as_str())) {
            leaves(k, v, &mut out);
        }
        out.retain(|k| self.lookup(k).is_none());
        out
    }
}

/// Top-level tables that configure a tool rather than the model.
const NOT_REGISTERED: [&str; 3] = ["assumptions", "sensitivity", "validation"];

/// Every number or date under `v`, by dotted path (array elements by index).
fn leaves(path: &str, v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Datetime(_) => out.push(path.to_string()),
        toml::Value::Table(t) => t.iter().for_each(|(k, v)| leaves(&format!("{path}.{k}"), v, out)),
        toml::Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| leaves(&format!("{path}.{i}"), v, out)),
        _ => {}
    }
}

/// Every path of `doc` (tables, arrays and values alike) that `pattern` names exactly, in document order.
pub fn expand(pattern: &str, doc: &toml::Table) -> Vec<(String, toml::Value)> {
    let mut out = Vec::new();
    walk_table(&segments(pattern), "", doc, &mut out);
    out
}

/// [`walk`] into the entries of table `t` at path `here`.
fn walk_table(rest: &[&str], here: &str, t: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    let Some((first, tail)) = rest.split_first() else { return };
    for (k, v) in t.iter().filter(|(k, _)| *first == "*" || k.as_str() == *first) {
        walk(tail, if here.is_empty() { k.clone() } else { format!("{here}.{k}") }, v, out);
    }
}

fn walk(rest: &[&str], here: String, node: &toml::Value, out: &mut Vec<(String, toml::Value)>) {
    let Some((first, tail)) = rest.split_first() else {
        out.push((here, node.clone()));
        return;
    };
    let join = |k: &str| format!("{here}.{k}");
    match node {
        toml::Value::Table(t) => walk_table(rest, &here, t, out),
        toml::Value::Array(a) => {
            for (i, v) in a.iter().enumerate().filter(|(i, _)| *first == "*" || i.to_string() == *first) {
                walk(tail, join(&i.to_string()), v, out);
            }
        }
        _ => {}
    }
}

/// Keys of a duration table that are times (scaled by a `scale` factor); a gamma's `shape` and an empirical
/// distribution's `weights` are not.
pub const TIME_PARAMETERS: [&str; 8] = ["value", "min", "mode", "max", "mean", "median", "p95", "scale"];

/// A TOML integer or float as f64.
pub fn number(v: &toml::Value) -> Option<f64> {
    v.as_float().or(v.as_integer().map(|i| i as f64))
}

/// A number of the same type as `like` (integers rounded).
fn like(like: &toml::Value, x: f64) -> toml::Value {
    match like {
        toml::Value::Integer(_) => toml::Value::Integer(x.round() as i64),
        _ => toml::Value::Float(x),
    }
}

/// `v` with `change` applied at `x` (a value, a factor or a number of days). `None` when the change does not apply
/// to this kind of value.
pub fn changed(v: &toml::Value, change: &Change, x: f64) -> Option<toml::Value> {
    match (change, v) {
        (Change::Value { .. }, toml::Value::Integer(_) | toml::Value::Float(_)) => Some(like(v, x)),
        (Change::Scale { .. }, toml::Value::Integer(_) | toml::Value::Float(_)) => Some(like(v, number(v)? * x)),
        (Change::Scale { .. }, toml::Value::Table(t)) if t.contains_key("kind") => {
            let mut t = t.clone();
            for (k, p) in t.iter_mut() {
                if TIME_PARAMETERS.contains(&k.as_str()) {
                    *p = like(p, number(p)? * x);
                } else if k == "values" {
                    let items = p.as_array()?.iter().map(|e| Some(like(e, number(e)? * x))).collect::<Option<_>>()?;
                    *p = toml::Value::Array(items);
                }
            }
            Some(toml::Value::Table(t))
        }
        (Change::ShiftDays { .. }, toml::Value::Datetime(_) | toml::Value::String(_)) => {
            let text = match v {
                toml::Value::Datetime(d) => d.to_string(),
                other => other.as_str()?.to_string(),
            };
            let date = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()?;
            let moved = date.checked_add_signed(chrono::TimeDelta::try_days(x.round() as i64)?)?;
            moved.to_string().parse::<toml::value::Datetime>().ok().map(toml::Value::Datetime)
        }
        _ => None,
    }
}

/// Map a unit draw `u` ∈ [0, 1) onto the factor's range; `centre` is the mode of a triangular shape.
pub fn draw(vary: &Vary, centre: f64, u: f64) -> f64 {
    let (lo, hi) = vary.change.bounds();
    let u = u.clamp(0.0, 1.0);
    match vary.shape {
        Shape::Uniform => lo + u * (hi - lo),
        Shape::LogUniform => (lo.ln() + u * (hi.ln() - lo.ln())).exp(),
        Shape::Triangular => {
            use statrs::distribution::{ContinuousCDF, Triangular};
            // lo < hi is checked with the register; the mode is kept inside the range.
            Triangular::new(lo, hi, centre.clamp(lo, hi)).map_or(lo, |t| t.inverse_cdf(u))
        }
    }
}

/// The mode of a factor's triangular shape: 1 for a scale, 0 for a shift, the keys' (first) value for a range.
pub fn centre(a: &Assumption, doc: &toml::Table) -> f64 {
    let Some(v) = &a.vary else { return 0.0 };
    v.change.neutral().unwrap_or_else(|| expand(&a.pattern, doc).iter().find_map(|(_, v)| number(v)).unwrap_or(0.0))
}

type R<T> = Result<T, KeyError>;

/// Check the raw register against the scenario document `doc` (as written, overrides applied).
pub fn resolve(raw: &indexmap::IndexMap<String, RawAssumption>, doc: &toml::Table) -> R<Register> {
    let mut entries = Vec::new();
    for (pattern, a) in raw {
        entries.push(resolve_entry(pattern, a, doc)?);
    }
    let register = Register { entries };
    for a in &register.entries {
        let Some(vary) = &a.vary else { continue };
        let key = format!("assumptions.{}.vary", a.pattern);
        let targets = register.targets(a, doc);
        if targets.is_empty() {
            return Err(KeyError::new(
                key,
                "every key it names has a more specific entry, so this range moves nothing",
            ));
        }
        for (path, value) in &targets {
            check_target(&key, &vary.change, path, value)?;
        }
    }
    Ok(register)
}

impl Register {
    /// The keys a factor moves: those its pattern names whose most specific entry it is (a what-if's own entry for
    /// `smsos.foc-1.lead_time_wd` takes that key out of the `smsos.*.lead_time_wd` factor).
    pub fn targets(&self, a: &Assumption, doc: &toml::Table) -> Vec<(String, toml::Value)> {
        expand(&a.pattern, doc)
            .into_iter()
            .filter(|(path, _)| self.lookup(path).is_some_and(|best| best.pattern == a.pattern))
            .collect()
    }
}

fn resolve_entry(pattern: &str, a: &RawAssumption, doc: &toml::Table) -> R<Assumption> {
    let entry = format!("assumptions.{pattern}");
    if pattern.split('.').any(str::is_empty) || expand(pattern, doc).is_empty() || pattern.starts_with("assumptions.") {
        let mut known = Vec::new();
        for (k, v) in doc.iter().filter(|(k, _)| !NOT_REGISTERED.contains(&k.as_str())) {
            leaves(k, v, &mut known);
        }
        let hint = closest(pattern, known.iter().map(String::as_str))
            .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
        return Err(KeyError::new(
            format!("assumptions.{pattern}"),
            format!("`{pattern}` names no key of the scenario (`*` stands for one segment){hint}"),
        ));
    }
    if a.source.trim().is_empty() {
        return Err(KeyError::new(format!("{entry}.source"), "must say where the value comes from"));
    }
    if a.quality.is_none() && a.basis != Basis::Choice {
        return Err(KeyError::new(entry, "missing `quality` (high, medium or low; only a `choice` may omit it)"));
    }
    let vary = match &a.vary {
        Some(v) => Some(resolve_vary(&format!("{entry}.vary"), v)?),
        None => None,
    };
    let rationale = a.rationale.clone().unwrap_or_default();
    if vary.is_some() && rationale.trim().is_empty() {
        return Err(KeyError::new(entry, "missing `rationale`: a range needs its reasoning"));
    }
    Ok(Assumption {
        pattern: pattern.to_string(),
        basis: a.basis,
        source: a.source.clone(),
        quality: a.quality,
        vary,
        rationale,
    })
}

fn resolve_vary(key: &str, v: &RawVary) -> R<Vary> {
    let pair = |x: [f64; 2]| (x[0], x[1]);
    let change = match (v.min.zip(v.max), v.scale.map(pair), v.shift_days.map(pair)) {
        (Some((min, max)), None, None) => Change::Value { min, max },
        (None, Some((min, max)), None) => Change::Scale { min, max },
        (None, None, Some((min, max))) => Change::ShiftDays { min, max },
        _ => {
            return Err(KeyError::new(
                key,
                "give exactly one of `min` and `max` (a value range), `scale = [low, high]` (a factor) or \
                 `shift_days = [earliest, latest]` (a date)",
            ));
        }
    };
    let (lo, hi) = change.bounds();
    if !(lo.is_finite() && hi.is_finite() && lo < hi) {
        return Err(KeyError::new(key, format!("the range must be finite with low < high, got [{lo}, {hi}]")));
    }
    let shape = v.shape.unwrap_or(Shape::Uniform);
    if shape == Shape::LogUniform && lo <= 0.0 {
        return Err(KeyError::new(key, format!("a log-uniform range must be positive, got [{lo}, {hi}]")));
    }
    if matches!(change, Change::Scale { .. }) && lo <= 0.0 {
        return Err(KeyError::new(key, format!("a scale factor must be positive, got [{lo}, {hi}]")));
    }
    if let Some(n) = change.neutral().filter(|n| !(lo..=hi).contains(n)) {
        return Err(KeyError::new(key, format!("the range [{lo}, {hi}] must contain {n} (the scenario's value)")));
    }
    Ok(Vary { change, shape })
}

/// Every key the range names must take it: numbers for a value range, durations or numbers for a scale, dates for
/// a shift.
fn check_target(key: &str, change: &Change, path: &str, value: &toml::Value) -> R<()> {
    if changed(value, change, change.bounds().0).is_none() || changed(value, change, change.bounds().1).is_none() {
        let what = match change {
            Change::Value { .. } => "a number",
            Change::Scale { .. } => "a number or a duration table",
            Change::ShiftDays { .. } => "a date",
        };
        return Err(KeyError::new(key, format!("`{path}` is a {}, this range needs {what}", value.type_str())));
    }
    // A value outside a value range is allowed: a what-if or a `--set` may move a key beyond the range its entry
    // gives; `dormsim uncertainty` draws from the range all the same and says which keys it moved from outside.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> toml::Table {
        r#"
        [smsos.a]
        lead_time_wd = { kind = "lognormal", median = 2.0, p95 = 4.5 }
        servers = 10
        [smsos.b]
        lead_time_wd = { kind = "gamma", shape = 2.0, scale = 1.5 }
        servers = 20
        [fleet]
        epcl_date = 2021-01-15
        "#
        .parse()
        .unwrap()
    }

    #[test]
    fn a_wildcard_names_one_segment() {
        assert!(matches("smsos.*.servers", "smsos.a.servers"));
        assert!(!matches("smsos.*", "smsos.a.servers"));
        assert!(covers("smsos.*", "smsos.a.servers"));
        let found: Vec<String> = expand("smsos.*.servers", &doc()).into_iter().map(|(k, _)| k).collect();
        assert_eq!(found, ["smsos.a.servers", "smsos.b.servers"]);
    }

    #[test]
    fn the_most_specific_entry_wins() {
        let entry = |p: &str| Assumption {
            pattern: p.into(),
            basis: Basis::Assumption,
            source: p.into(),
            quality: Some(Quality::Low),
            vary: None,
            rationale: String::new(),
        };
        let r = Register { entries: vec![entry("smsos"), entry("smsos.*.servers"), entry("smsos.b.servers")] };
        assert_eq!(r.lookup("smsos.a.servers").unwrap().pattern, "smsos.*.servers");
        assert_eq!(r.lookup("smsos.b.servers").unwrap().pattern, "smsos.b.servers");
        assert_eq!(r.lookup("smsos.a.lead_time_wd.median").unwrap().pattern, "smsos");
        assert!(r.lookup("fleet.epcl_date").is_none());
        assert_eq!(r.uncovered(&doc()), ["fleet.epcl_date"]);
    }

    #[test]
    fn a_scale_multiplies_the_time_parameters_of_a_distribution_but_not_a_gamma_shape() {
        let d = doc();
        let scale = Change::Scale { min: 0.5, max: 2.0 };
        let gamma = changed(&d["smsos"]["b"]["lead_time_wd"], &scale, 2.0).unwrap();
        assert_eq!(gamma["shape"].as_float(), Some(2.0));
        assert_eq!(gamma["scale"].as_float(), Some(3.0));
        let lognormal = changed(&d["smsos"]["a"]["lead_time_wd"], &scale, 2.0).unwrap();
        assert_eq!((lognormal["median"].as_float(), lognormal["p95"].as_float()), (Some(4.0), Some(9.0)));
        // An integer key stays an integer: 10 × 1.26 = 12.6 → 13.
        assert_eq!(changed(&d["smsos"]["a"]["servers"], &scale, 1.26), Some(toml::Value::Integer(13)));
    }

    #[test]
    fn a_shift_moves_a_date_by_whole_days() {
        let d = doc();
        let moved = changed(&d["fleet"]["epcl_date"], &Change::ShiftDays { min: -30.0, max: 30.0 }, 20.4).unwrap();
        // 15 January 2021 + 20 days = 4 February 2021.
        assert_eq!(moved.to_string(), "2021-02-04");
    }

    #[test]
    fn draws_map_the_unit_interval_onto_the_range() {
        let v = |shape| Vary { change: Change::Scale { min: 0.5, max: 2.0 }, shape };
        assert_eq!(draw(&v(Shape::Uniform), 1.0, 0.5), 1.25);
        // Log-uniform from 0.5 to 2: the midpoint in logs is √(0.5 × 2) = 1.
        assert!((draw(&v(Shape::LogUniform), 1.0, 0.5) - 1.0).abs() < 1e-12);
        // Triangular(0.5, 1, 2): F(1) = (1 − 0.5) / (2 − 0.5) = 1/3, so u = 1/3 maps onto the mode.
        assert!((draw(&v(Shape::Triangular), 1.0, 1.0 / 3.0) - 1.0).abs() < 1e-12);
    }
}
