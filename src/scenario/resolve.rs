//! Raw scenario → validated `Scenario`: the one place where defaults live and every value is checked.
//! Errors carry the dotted key; `load` adds the source and line.

use super::error::{KeyError, ScenarioError, closest, with_suggestion};
use super::locate::{apply_override, apply_overrides, position_at, position_of, value_at};
use super::raw::*;
use super::*;
use crate::dist::{Duration, RawDuration};

/// Most SMSOs a scenario may declare (supplier capability is a 64-bit mask).
pub const MAX_SMSOS: usize = 64;
/// Most suppliers a scenario may declare (supplier ids are bytes; 255 marks "no gas supply").
pub const MAX_SUPPLIERS: usize = 254;
/// Most options one scenario may compare (each gets a panel, a bar and a column in every output).
pub const MAX_OPTIONS: usize = 20;
/// Longest horizon accepted, in days (100 years).
pub const MAX_HORIZON_DAYS: i64 = 36_500;

type R<T> = Result<T, KeyError>;

pub fn load(text: &str, source: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    load_repaired(text, source, overrides, &[])
}

/// Most problems `check_all` reports before giving up.
const MAX_PROBLEMS: usize = 100;

/// How `check_all` takes a faulty key out of the way before checking again.
#[derive(Debug, Clone)]
enum Repair {
    Remove,
    /// A likely typo: move the value to the suggested key, so it is still checked.
    Rename(String),
    /// A required key: put a valid value (the embedded baseline's) in its place.
    Replace(toml::Value),
    /// Shares that do not add up to 1: scale them so they do, so the entries are still checked.
    Normalise,
}

/// Every problem of a scenario, not only the first: after each error its key is taken out of the way and the
/// scenario is checked again — renamed to the suggested key for a likely typo, shares rescaled to add up to 1,
/// removed (so its default applies), or, when it is required (missing from the file, or removed by an earlier
/// repair), replaced by the embedded baseline's value (or the value of a like entry: the first option's `notice_wd`
/// for a custom option). When none of these works the search stops. Empty when the scenario is valid.
pub fn check_all(text: &str, source: &str, overrides: &[String]) -> Vec<ScenarioError> {
    let baseline: Option<toml::Table> = super::EMBEDDED_BASELINE.parse().ok();
    let mut problems: Vec<ScenarioError> = Vec::new();
    let mut repairs: Vec<(String, Repair)> = Vec::new();
    while problems.len() < MAX_PROBLEMS {
        let Err(e) = load_repaired(text, source, overrides, &repairs) else { break };
        if let Some(f) = missing_field(&e.message) {
            let field = join(&e.key, f);
            let value = baseline.as_ref().and_then(|b| value_like(b, &field)).cloned();
            let ours = repairs.iter().position(|(k, r)| *k == field && matches!(r, Repair::Remove));
            match (ours, value) {
                // Our own removal made it missing: restore a valid value without reporting anything new.
                (Some(i), Some(v)) => {
                    repairs[i].1 = Repair::Replace(v);
                    continue;
                }
                // Missing from the file: a problem; check the rest with a valid value in its place.
                (None, Some(v)) if !repairs.iter().any(|(k, _)| *k == field) => {
                    problems.push(e);
                    repairs.push((field, Repair::Replace(v)));
                    continue;
                }
                _ => {}
            }
        }
        if problems.iter().any(|p| p.key == e.key && p.message == e.message) {
            break;
        }
        // A register entry for a key an earlier repair removed is not a problem of its own: take it away too.
        if let Some(pattern) = e.key.strip_prefix("assumptions.").filter(|_| e.message.contains("names no key")) {
            let removed =
                |(k, r): &(String, Repair)| matches!(r, Repair::Remove) && super::register::covers(pattern, k);
            if repairs.iter().any(removed) && !repairs.iter().any(|(k, _)| *k == e.key) {
                repairs.push((e.key.clone(), Repair::Remove));
                continue;
            }
        }
        let key = e.key.clone();
        let typo = e.message.starts_with("unknown field");
        // A faulty `[[validation]]` entry is replaced whole by a valid one, so that the other entries are checked.
        if let Some((entry, placeholder)) =
            super::validation::placeholder_for(&key).filter(|_| !(typo && suggestion(&e.message).is_some()))
        {
            problems.push(e);
            if repairs.iter().any(|(k, _)| *k == entry) {
                break;
            }
            repairs.push((entry, Repair::Replace(placeholder)));
            continue;
        }
        let repair = match suggestion(&e.message).filter(|_| typo) {
            Some(s) => Repair::Rename(match key.rsplit_once('.') {
                Some((table, _)) => format!("{table}.{s}"),
                None => s.to_string(),
            }),
            None if e.message.starts_with("shares must add up to 1") => Repair::Normalise,
            // An array element: removing it would shift the others; put the baseline's in its place.
            None if key.rsplit('.').next().is_some_and(|s| s.parse::<usize>().is_ok()) => {
                match baseline.as_ref().and_then(|b| value_like(b, &key)) {
                    Some(v) => Repair::Replace(v.clone()),
                    None => Repair::Remove,
                }
            }
            None => Repair::Remove,
        };
        problems.push(e);
        if key.is_empty() || repairs.iter().any(|(k, _)| *k == key) {
            break;
        }
        repairs.push((key, repair));
    }
    problems
}

/// The value at `path` in `doc`, or where an entry of a named map (options, SMSOs, suppliers, cohorts, DMCs) is
/// absent, at the same path under the map's first entry.
fn value_like<'a>(doc: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let mut segments = path.split('.');
    let first = segments.next()?;
    let mut node = doc.get(first)?;
    for seg in segments {
        node = match node {
            toml::Value::Table(t) => match t.get(seg) {
                Some(v) => v,
                None => t.values().next().filter(|v| v.is_table())?,
            },
            toml::Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Scale the `share` of every entry of the table at `path` so that they add up to 1 (a repair for `check_all`).
fn normalise_shares(doc: &mut toml::Table, path: &str) {
    let Some(toml::Value::Table(t)) = value_at(doc, path).cloned() else { return };
    let share = |v: &toml::Value| v.get("share").and_then(|s| s.as_float().or(s.as_integer().map(|i| i as f64)));
    let total: f64 = t.values().filter_map(share).sum();
    if !(total.is_finite() && total > 0.0) {
        return;
    }
    for (name, entry) in t {
        if let Some(x) = share(&entry) {
            let _ = apply_override(doc, &format!("{path}.{name}.share"), Some(toml::Value::Float(x / total)));
        }
    }
}

/// The key suggested by "…; did you mean `x`?".
fn suggestion(message: &str) -> Option<&str> {
    message.split("; did you mean `").nth(1)?.split('`').next()
}

fn join(table: &str, field: &str) -> String {
    if table.is_empty() { field.to_string() } else { format!("{table}.{field}") }
}

/// The field named by serde's "missing field `x`".
fn missing_field(message: &str) -> Option<&str> {
    message.strip_prefix("missing field `")?.split('`').next()
}

/// As [`load`], with each `(key, repair)` of `repairs` applied to the document after the overrides.
fn load_repaired(
    text: &str,
    source: &str,
    overrides: &[String],
    repairs: &[(String, Repair)],
) -> Result<Scenario, ScenarioError> {
    let at = |key: &str, message: String, from_set: bool| {
        let position = if from_set { None } else { position_of(text, key) };
        ScenarioError {
            source: if from_set { "--set".to_string() } else { source.to_string() },
            key: key.to_string(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            message: with_suggestion(&message),
        }
    };
    let mut doc: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let position = e.span().map(|s| position_at(text, s.start));
        ScenarioError {
            source: source.to_string(),
            key: e.span().and_then(|s| super::locate::key_at_line(text, s.start)).unwrap_or_default(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            message: syntax_message(e.message().trim()),
        }
    })?;
    let set_keys = apply_overrides(&mut doc, overrides).map_err(|e| at(&e.key, e.message, true))?;
    for (key, repair) in repairs {
        let value = value_at(&doc, key).cloned();
        // These may fail only for a path through a non-table, which the first error already reported. A value is
        // replaced in place (removing an array element first would shift the others).
        if !matches!(repair, Repair::Replace(_)) {
            let _ = apply_override(&mut doc, key, None);
        }
        match (repair, value) {
            (Repair::Rename(to), Some(v)) => drop(apply_override(&mut doc, to, Some(v))),
            (Repair::Replace(v), _) => drop(apply_override(&mut doc, key, Some(v.clone()))),
            (Repair::Normalise, Some(v)) => {
                drop(apply_override(&mut doc, key, Some(v)));
                normalise_shares(&mut doc, key);
            }
            _ => {}
        }
    }
    // An error on a key, on a table containing an overridden key, or inside an overridden value, is attributed
    // to `--set`.
    let is_set = |key: &str| {
        !key.is_empty()
            && set_keys
                .iter()
                .any(|k| key == k || key.starts_with(&format!("{k}.")) || k.starts_with(&format!("{key}.")))
    };
    let raw: RawScenario = serde_path_to_error::deserialize(toml::Value::Table(doc)).map_err(|e| {
        // serde_path_to_error writes array elements as `a[2].b`; keys here are dotted (`a.2.b`), as `--set` takes them.
        let key = e.path().to_string().replace('[', ".").replace(']', "").trim_start_matches('.').to_string();
        let key = if key == "?" { String::new() } else { key };
        at(&key, e.inner().message().trim().to_string(), is_set(&key))
    })?;
    resolve(&raw).map_err(|e| {
        let from_set = is_set(&e.key);
        at(&e.key, e.message, from_set)
    })
}

/// The TOML parser's message, said for a scenario author.
fn syntax_message(message: &str) -> String {
    match message {
        "duplicate key" => "this key is set twice (each key may appear once in its table)".to_string(),
        m if m.contains("value was too large") || m.contains("out of range") => {
            format!("integer too large for a scenario key (at most {}): {m}", i64::MAX)
        }
        m => m.to_string(),
    }
}

fn share(key: &str, v: f64) -> R<f64> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(KeyError::new(key, format!("must be in [0, 1], got {v}")))
    }
}

fn positive_int(key: &str, v: i64, max: i64) -> R<i64> {
    if (1..=max).contains(&v) {
        Ok(v)
    } else {
        Err(KeyError::new(key, format!("must be an integer in 1..={max}, got {v}")))
    }
}

fn non_negative_int(key: &str, v: i64, max: i64) -> R<i64> {
    if (0..=max).contains(&v) {
        Ok(v)
    } else {
        Err(KeyError::new(key, format!("must be an integer in 0..={max}, got {v}")))
    }
}

/// Longest scenario name accepted.
pub const MAX_NAME_LEN: usize = 64;

/// The scenario's name, which becomes the default output folder `output/<name>`: a plain folder name of 1–64 letters,
/// digits, `-`, `_` and `.`, not starting with `.` (so never `.`, `..`, a hidden folder, a path or an empty name).
fn scenario_name(name: Option<&str>) -> R<String> {
    let name = name.unwrap_or("scenario");
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.len() > MAX_NAME_LEN || name.starts_with('.') || !name.chars().all(plain) {
        let shown: String = name.chars().take(40).flat_map(char::escape_default).collect();
        return Err(KeyError::new(
            "name",
            format!(
                "must be a plain folder name (1–{MAX_NAME_LEN} letters, digits, `-`, `_`, `.`, not starting with `.`): it \
                 names the default output folder output/<name>; got `{shown}`{}",
                if name.chars().count() > 40 { "…" } else { "" }
            ),
        ));
    }
    Ok(name.to_string())
}

/// Longest duration a key may take, by its unit: working days (a year of them), calendar days (a year), and the
/// backlog's age (ten years). The one place where duration bounds live; draws beyond are cut to it (`dist.rs`).
pub const MAX_DURATION_WD: f64 = 250.0;
pub const MAX_DURATION_DAYS: f64 = 365.0;

fn duration_cap(key: &str) -> (f64, &'static str) {
    if key.ends_with("age_days") {
        (f64::from(crate::fleet::MAX_BACKLOG_AGE_DAYS), "days")
    } else if key.ends_with("_days") {
        (MAX_DURATION_DAYS, "days")
    } else {
        (MAX_DURATION_WD, "working days")
    }
}

fn duration(key: &str, raw: &RawDuration) -> R<Duration> {
    let (cap, unit) = duration_cap(key);
    Duration::from_spec(&raw.0, cap, unit).map_err(|m| KeyError::new(key, m))
}

fn day_of(start: NaiveDate, date: NaiveDate) -> i32 {
    (date - start).num_days().clamp(i32::MIN as i64 / 2, i32::MAX as i64 / 2) as i32
}

fn index_of(key: &str, names: &[String], wanted: &str, what: &str) -> R<usize> {
    names.iter().position(|n| n == wanted).ok_or_else(|| {
        let hint = closest(wanted, names.iter().map(String::as_str))
            .map_or(String::new(), |c| format!("; did you mean `{c}`?"));
        KeyError::new(key, format!("unknown {what} `{wanted}` (known: {}){hint}", names.join(", ")))
    })
}

/// Shares that must add up to 1 (within 1e-6).
fn sums_to_one(key: &str, shares: impl Iterator<Item = f64>) -> R<()> {
    let total: f64 = shares.sum();
    if (total - 1.0).abs() > 1e-6 {
        let shown = (total * 1e9).round() / 1e9;
        return Err(KeyError::new(key, format!("shares must add up to 1, they add up to {shown}")));
    }
    Ok(())
}

pub fn resolve(raw: &RawScenario) -> R<Scenario> {
    let run = resolve_run(&raw.run)?;
    let smso_names: Vec<String> = raw.smsos.keys().cloned().collect();
    let smsos = resolve_smsos(raw, &smso_names)?;
    let fleet_scale = resolve_fleet_scale(&raw.fleet)?;
    let (fleet, dmcs) = resolve_fleet(&raw.fleet, fleet_scale, &smso_names, run.start_date)?;
    let suppliers = resolve_suppliers(raw, &smso_names, run.start_date)?;
    let supplier_names: Vec<String> = suppliers.iter().map(|s| s.name.clone()).collect();
    let switching = resolve_switching(&raw.switching, &supplier_names, run.start_date)?;
    let dcc = resolve_dcc(&raw.dcc, fleet_scale.2)?;
    let options = resolve_options(raw, run.start_date)?;
    let validation = super::validation::resolve(raw.validation.as_deref().unwrap_or_default(), &options)?;
    let scenario = Scenario {
        name: scenario_name(raw.name.as_deref())?,
        description: raw.description.clone().unwrap_or_default(),
        run,
        fleet,
        dmcs,
        suppliers,
        switching,
        smsos: scale_smso_servers(smsos, fleet_scale.2),
        dcc,
        prepayment: resolve_prepayment(raw.prepayment.as_ref(), fleet_scale.2)?,
        manual: resolve_manual(raw.manual.as_ref())?,
        options,
        register: Default::default(),
        validation,
    };
    check_every_smso_is_operated(&scenario)?;
    // The document as written, for the sections that name its keys (built once, only when one is there).
    let doc = if raw.sensitivity.is_some() || raw.assumptions.is_some() {
        toml::Table::try_from(raw).unwrap_or_default()
    } else {
        toml::Table::default()
    };
    if let Some(sens) = &raw.sensitivity {
        check_sensitivity(sens, &super::locate::numeric_leaves(&doc))?;
    }
    let register = match &raw.assumptions {
        Some(entries) => super::register::resolve(entries, &doc)?,
        None => Default::default(),
    };
    Ok(Scenario { register, ..scenario })
}

/// `[sensitivity]` is only read by `dormsim sensitivity`, but checked with every scenario so typos surface early.
fn check_sensitivity(s: &RawSensitivity, leaves: &[(String, toml::Value)]) -> R<()> {
    let is_leaf = |k: &str| leaves.iter().any(|(key, _)| key == k);
    let is_table = |k: &str| leaves.iter().any(|(key, _)| key.starts_with(&format!("{k}.")));
    let did_you_mean = |k: &str| {
        closest(k, leaves.iter().map(|(key, _)| key.as_str()))
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default()
    };
    for (i, k) in s.exclude.iter().enumerate() {
        if !is_leaf(k) && !is_table(k) {
            return Err(KeyError::new(
                format!("sensitivity.exclude.{i}"),
                format!("`{k}` is not a numeric key or table of the scenario{}", did_you_mean(k)),
            ));
        }
    }
    for k in s.bounds.keys() {
        if !is_leaf(k) {
            return Err(KeyError::new(
                format!("sensitivity.bounds.{k}"),
                format!("`{k}` is not a numeric key of the scenario{}", did_you_mean(k)),
            ));
        }
    }
    if let Some(p) = s.percent
        && !(p.is_finite() && p > 0.0 && p < 100.0)
    {
        return Err(KeyError::new("sensitivity.percent", format!("must be in (0, 100), got {p}")));
    }
    for (key, [lo, hi]) in &s.bounds {
        let here = format!("sensitivity.bounds.{key}");
        let number = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
        match (number(lo), number(hi)) {
            (Some(l), Some(h)) if l < h => {}
            (Some(l), Some(h)) => return Err(KeyError::new(here, format!("low {l} must be below high {h}"))),
            _ => return Err(KeyError::new(here, "expected [low, high] numbers")),
        }
    }
    Ok(())
}

fn resolve_run(r: &RawRun) -> R<RunConfig> {
    let calendar = r.calendar.as_deref().unwrap_or("england-wales");
    let horizon_days = positive_int("run.horizon_days", r.horizon_days.unwrap_or(365), MAX_HORIZON_DAYS)? as i32;
    let warmup_weeks = non_negative_int("run.warmup_weeks", r.warmup_weeks.unwrap_or(0), MAX_HORIZON_DAYS)?;
    if warmup_weeks * 7 >= i64::from(horizon_days) {
        return Err(KeyError::new(
            "run.warmup_weeks",
            format!("must end before the horizon ({horizon_days} days), got {warmup_weeks} weeks"),
        ));
    }
    let start = r.start_date.0;
    let end = start + chrono::Days::new(horizon_days as u64);
    if !crate::calendar::supported(start) || !crate::calendar::supported(end) {
        let (first, last) = (crate::calendar::FIRST_YEAR, crate::calendar::LAST_YEAR);
        let key = if crate::calendar::supported(start) { "run.horizon_days" } else { "run.start_date" };
        return Err(KeyError::new(
            key,
            format!("the run ({start} to {end}) must lie in the years the calendar describes ({first}–{last})"),
        ));
    }
    Ok(RunConfig {
        start_date: start,
        horizon_days,
        warmup_weeks: warmup_weeks as u32,
        replications: positive_int("run.replications", r.replications.unwrap_or(10), 1_000_000)? as u32,
        seed: non_negative_int("run.seed", r.seed.unwrap_or(1), i64::MAX)? as u64,
        calendar: Region::parse(calendar).ok_or_else(|| {
            KeyError::new("run.calendar", format!("must be england-wales, scotland or none, got `{calendar}`"))
        })?,
    })
}

/// (installations, represents, sample fraction)
fn resolve_fleet_scale(f: &RawFleet) -> R<(u32, u64, f64)> {
    let n = positive_int("fleet.installations", f.installations, u32::MAX as i64 / 2)? as u32;
    let represents = f.represents.unwrap_or(f.installations);
    let represents = positive_int("fleet.represents", represents, i64::MAX / 2)? as u64;
    let n = match f.sample {
        None => n,
        Some(x) => sampled_installations(x, represents)?,
    };
    if represents < n as u64 {
        return Err(KeyError::new(
            "fleet.represents",
            format!("must be >= fleet.installations ({n}), got {represents}"),
        ));
    }
    Ok((n, represents, n as f64 / represents as f64))
}

/// Sampled mode: round(sample × represents) installations (at least one). Every represented-scale count and
/// capacity is then scaled by installations / represents like any other sample, so no other key changes.
fn sampled_installations(sample: f64, represents: u64) -> R<u32> {
    if !(sample.is_finite() && sample > 0.0 && sample <= 1.0) {
        return Err(KeyError::new("fleet.sample", format!("must be in (0, 1], got {sample}")));
    }
    let n = (sample * represents as f64).round().max(1.0);
    if n > (u32::MAX / 2) as f64 {
        return Err(KeyError::new("fleet.sample", format!("{sample} × {represents} installations is too many")));
    }
    Ok(n as u32)
}

fn resolve_fleet(
    f: &RawFleet,
    (installations, represents, fraction): (u32, u64, f64),
    smso_names: &[String],
    start: NaiveDate,
) -> R<(FleetConfig, Vec<Dmc>)> {
    if f.cohorts.is_empty() {
        return Err(KeyError::new("fleet.cohorts", "at least one cohort is needed"));
    }
    sums_to_one("fleet.cohorts", f.cohorts.values().map(|c| c.share))?;
    let mut cohorts = Vec::new();
    let mut dmcs = Vec::new();
    for (ci, (cname, c)) in f.cohorts.iter().enumerate() {
        let ckey = format!("fleet.cohorts.{cname}");
        let cshare = share(&format!("{ckey}.share"), c.share)?;
        if c.dmcs.is_empty() {
            return Err(KeyError::new(format!("{ckey}.dmcs"), "each cohort needs at least one DMC"));
        }
        sums_to_one(&format!("{ckey}.dmcs"), c.dmcs.values().map(|d| d.share))?;
        for (dname, d) in &c.dmcs {
            let dkey = format!("{ckey}.dmcs.{dname}");
            let dshare = share(&format!("{dkey}.share"), d.share)?;
            dmcs.push(Dmc {
                name: dname.clone(),
                cohort: ci,
                fleet_share: cshare * dshare,
                smso: index_of(&format!("{dkey}.smso"), smso_names, &d.smso, "SMSO")?,
                epcl_date: d.epcl_date.map(|x| x.0),
                epcl_day: d.epcl_date.map(|x| day_of(start, x.0)),
            });
        }
        let active_migration = match &c.active_migration {
            None => None,
            Some(a) => Some(resolve_active(&format!("{ckey}.active_migration"), a, start)?),
        };
        cohorts.push(Cohort { name: cname.clone(), share: cshare, active_migration });
    }
    let (backlog_sites, backlog_age_days) = match &f.backlog {
        None => (0, Duration::fixed(0.0)),
        Some(b) => {
            let count = non_negative_int("fleet.backlog.count", b.count, represents as i64)?;
            ((count as f64 * fraction).round() as u32, duration("fleet.backlog.age_days", &b.age_days)?)
        }
    };
    let fleet = FleetConfig {
        installations,
        represents,
        sample_fraction: fraction,
        dual_fuel_share: share("fleet.dual_fuel_share", f.dual_fuel_share.unwrap_or(0.74))?,
        split_supply_share: share("fleet.split_supply_share", f.split_supply_share.unwrap_or(0.0))?,
        prepayment_share: share("fleet.prepayment_share", f.prepayment_share.unwrap_or(0.0))?,
        null_certificate_share: share("fleet.null_certificate_share", f.null_certificate_share.unwrap_or(0.0))?,
        backlog_sites: backlog_sites.min(installations),
        backlog_age_days,
        cohorts,
    };
    Ok((fleet, dmcs))
}

fn resolve_active(key: &str, a: &RawActiveMigration, start: NaiveDate) -> R<ActiveMigration> {
    if a.end.0 < a.start.0 {
        return Err(KeyError::new(format!("{key}.end"), format!("{} is before start {}", a.end.0, a.start.0)));
    }
    Ok(ActiveMigration {
        start: a.start.0,
        end: a.end.0,
        start_day: day_of(start, a.start.0),
        end_day: day_of(start, a.end.0),
        share: share(&format!("{key}.share"), a.share.unwrap_or(1.0))?,
    })
}

fn resolve_smsos(raw: &RawScenario, names: &[String]) -> R<Vec<Smso>> {
    if names.is_empty() || names.len() > MAX_SMSOS {
        return Err(KeyError::new("smsos", format!("need 1..={MAX_SMSOS} SMSOs, got {}", names.len())));
    }
    raw.smsos
        .iter()
        .map(|(name, s)| {
            let key = format!("smsos.{name}");
            let servers = match s.servers {
                None => None,
                Some(v) if v.is_finite() && v >= 1.0 => Some(v),
                Some(v) => return Err(KeyError::new(format!("{key}.servers"), format!("must be >= 1, got {v}"))),
            };
            Ok(Smso {
                name: name.clone(),
                lead_time_wd: duration(&format!("{key}.lead_time_wd"), &s.lead_time_wd)?,
                sla_wd: {
                    let v = s.sla_wd.unwrap_or(5.0);
                    if !(v.is_finite() && (0.0..=MAX_DURATION_WD).contains(&v)) {
                        return Err(KeyError::new(
                            format!("{key}.sla_wd"),
                            format!("must be in [0, {MAX_DURATION_WD}] working days, got {v}"),
                        ));
                    }
                    v
                },
                failure_probability: share(
                    &format!("{key}.failure_probability"),
                    s.failure_probability.unwrap_or(0.0),
                )?,
                retry_delay_wd: non_negative_int(
                    &format!("{key}.retry_delay_wd"),
                    s.retry_delay_wd.unwrap_or(1),
                    10_000,
                )? as i32,
                max_attempts: positive_int(&format!("{key}.max_attempts"), s.max_attempts.unwrap_or(3), 1000)? as u32,
                // Scaled to the sample in `scale_smso_servers`; stored as represented-scale here.
                servers: servers.map(|v| v.min(u32::MAX as f64) as u32),
            })
        })
        .collect()
}

/// Represented-scale server counts → simulated scale (rounded, at least 1).
fn scale_smso_servers(smsos: Vec<Smso>, fraction: f64) -> Vec<Smso> {
    smsos
        .into_iter()
        .map(|mut s| {
            s.servers = s.servers.map(|v| ((v as f64 * fraction).round() as u32).max(1));
            s
        })
        .collect()
}

fn resolve_suppliers(raw: &RawScenario, smso_names: &[String], start: NaiveDate) -> R<Vec<Supplier>> {
    if raw.suppliers.is_empty() || raw.suppliers.len() > MAX_SUPPLIERS {
        return Err(KeyError::new(
            "suppliers",
            format!("need 1..={MAX_SUPPLIERS} suppliers, got {}", raw.suppliers.len()),
        ));
    }
    let total: f64 = raw.suppliers.values().map(|s| s.market_share).sum();
    let mut out = Vec::new();
    for (name, s) in &raw.suppliers {
        let key = format!("suppliers.{name}");
        let ms = s.market_share;
        if !(ms.is_finite() && ms >= 0.0) {
            return Err(KeyError::new(format!("{key}.market_share"), format!("must be >= 0, got {ms}")));
        }
        let mut mask = 0u64;
        for (i, op) in s.operates.iter().enumerate() {
            mask |= 1 << index_of(&format!("{key}.operates.{i}"), smso_names, op, "SMSO")?;
        }
        let ready = s.dcc_ready_date.map(|d| d.0);
        out.push(Supplier {
            name: name.clone(),
            market_share: ms,
            operates_mask: mask,
            dcc_ready_date: ready,
            dcc_ready_day: ready.map(|d| day_of(start, d)).unwrap_or(i32::MIN),
            removal_probability: share(&format!("{key}.removal_probability"), s.removal_probability.unwrap_or(0.0))?,
            credit_mode_failure_probability: share(
                &format!("{key}.credit_mode_failure_probability"),
                s.credit_mode_failure_probability.unwrap_or(0.0),
            )?,
            certificate_update_lag_wd: match &s.certificate_update_lag_wd {
                None => Duration::fixed(2.0),
                Some(d) => duration(&format!("{key}.certificate_update_lag_wd"), d)?,
            },
        });
    }
    if total.is_nan() || total <= 0.0 {
        return Err(KeyError::new("suppliers", "market shares must add up to more than 0"));
    }
    for s in &mut out {
        s.market_share /= total;
    }
    Ok(out)
}

fn check_every_smso_is_operated(s: &Scenario) -> R<()> {
    for (i, smso) in s.smsos.iter().enumerate() {
        if !s.suppliers.iter().any(|sup| sup.can_operate(i) && sup.market_share > 0.0) {
            return Err(KeyError::new(
                "suppliers",
                format!(
                    "no supplier with a market share operates SMSO `{}`: every installation starts with a supplier that can operate it",
                    smso.name
                ),
            ));
        }
    }
    Ok(())
}

fn resolve_switching(s: &RawSwitching, suppliers: &[String], start: NaiveDate) -> R<Switching> {
    let rate = s.annual_rate;
    if !(rate.is_finite() && (0.0..=52.0).contains(&rate)) {
        return Err(KeyError::new("switching.annual_rate", format!("must be in [0, 52] per year, got {rate}")));
    }
    let mut seasonality = [1.0; 12];
    if let Some(w) = &s.seasonality {
        if let Some((i, x)) = w.iter().enumerate().find(|(_, x)| !(x.is_finite() && **x >= 0.0)) {
            return Err(KeyError::new(
                format!("switching.seasonality.{i}"),
                format!("the weight of month {} must be a finite number >= 0, got {x}", i + 1),
            ));
        }
        if w.len() != 12 || w.iter().sum::<f64>() <= 0.0 {
            return Err(KeyError::new(
                "switching.seasonality",
                format!("needs 12 monthly weights (January to December), not all zero; got {}", w.len()),
            ));
        }
        let mean = w.iter().sum::<f64>() / 12.0;
        for (m, x) in w.iter().enumerate() {
            seasonality[m] = x / mean;
        }
    }
    let mut bulk_transfers = Vec::new();
    for (i, b) in s.bulk_transfers.iter().enumerate() {
        let key = format!("switching.bulk_transfers.{i}");
        let from = index_of(&format!("{key}.from"), suppliers, &b.from, "supplier")?;
        let to = index_of(&format!("{key}.to"), suppliers, &b.to, "supplier")?;
        if from == to {
            return Err(KeyError::new(format!("{key}.to"), "gaining supplier must differ from the failing one"));
        }
        if b.date.0 < start {
            return Err(KeyError::new(
                format!("{key}.date"),
                format!("{} is before run.start_date ({start}): the fleet is a snapshot of the start date", b.date.0),
            ));
        }
        let share = share(&format!("{key}.share"), b.share.unwrap_or(1.0))?;
        bulk_transfers.push(BulkTransfer { date: b.date.0, day: day_of(start, b.date.0), from, to, share });
    }
    bulk_transfers.sort_by_key(|b| b.day);
    Ok(Switching {
        annual_rate: rate,
        seasonality,
        registration_to_ssd_days: duration("switching.registration_to_ssd_days", &s.registration_to_ssd_days)?,
        bulk_transfers,
    })
}

fn resolve_dcc(d: &RawDcc, fraction: f64) -> R<Dcc> {
    let daily_capacity = match d.daily_capacity {
        None => None,
        Some(v) if v.is_finite() && v > 0.0 => Some(v * fraction),
        Some(v) => return Err(KeyError::new("dcc.daily_capacity", format!("must be > 0, got {v}"))),
    };
    Ok(Dcc {
        daily_capacity,
        failure_probability: share("dcc.failure_probability", d.failure_probability.unwrap_or(0.0))?,
        retry_delay_wd: positive_int("dcc.retry_delay_wd", d.retry_delay_wd.unwrap_or(5), 10_000)? as i32,
        max_attempts: positive_int("dcc.max_attempts", d.max_attempts.unwrap_or(5), 1000)? as u32,
        dormant_share: share("dcc.dormant_share", d.dormant_share.unwrap_or(1.0))?,
        removal_window_days: non_negative_int("dcc.removal_window_days", d.removal_window_days.unwrap_or(8), 365)?
            as i32,
        certificate_file_weekday: weekday("dcc.certificate_file_weekday", d.certificate_file_weekday.as_deref())?,
        certificate_grace_wd: non_negative_int("dcc.certificate_grace_wd", d.certificate_grace_wd.unwrap_or(0), 250)?
            as i32,
        registration_lag_wd: non_negative_int("dcc.registration_lag_wd", d.registration_lag_wd.unwrap_or(0), 250)?
            as i32,
        fast_track_priority: match d.fast_track_priority.as_deref().unwrap_or("fast-track-first") {
            "fast-track-first" => FastTrackPriority::FastTrackFirst,
            "fifo" => FastTrackPriority::Fifo,
            other => {
                return Err(KeyError::new(
                    "dcc.fast_track_priority",
                    format!("must be fast-track-first or fifo, got `{other}`"),
                ));
            }
        },
        fast_track_reserve_margin: match d.fast_track_reserve_margin.unwrap_or(1.0) {
            m if m.is_finite() && (0.0..=10.0).contains(&m) => m,
            m => return Err(KeyError::new("dcc.fast_track_reserve_margin", format!("must be in [0, 10], got {m}"))),
        },
        fast_track_forecast_wd: positive_int("dcc.fast_track_forecast_wd", d.fast_track_forecast_wd.unwrap_or(10), 250)?
            as i32,
        service_flag_lag_wd: non_negative_int("dcc.service_flag_lag_wd", d.service_flag_lag_wd.unwrap_or(0), 250)?
            as i32,
    })
}

fn weekday(key: &str, name: Option<&str>) -> R<u32> {
    const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
    let name = name.unwrap_or("monday");
    DAYS.iter()
        .position(|d| d.eq_ignore_ascii_case(name))
        .map(|i| i as u32)
        .ok_or_else(|| KeyError::new(key, format!("must be a weekday name (monday … sunday), got `{name}`")))
}

fn resolve_prepayment(p: Option<&RawPrepayment>, fraction: f64) -> R<Prepayment> {
    let threshold = match p.and_then(|p| p.secas_threshold_per_month) {
        None => None,
        Some(v) if v.is_finite() && v >= 1.0 => Some(v * fraction),
        Some(v) => {
            return Err(KeyError::new(
                "prepayment.secas_threshold_per_month",
                format!("must be a number of customers >= 1, got {v}"),
            ));
        }
    };
    Ok(Prepayment {
        mode_switch_lag_wd: match p.and_then(|p| p.mode_switch_lag_wd.as_ref()) {
            None => Duration::fixed(0.0),
            Some(d) => duration("prepayment.mode_switch_lag_wd", d)?,
        },
        secas_threshold_per_month: threshold,
    })
}

fn resolve_manual(m: Option<&RawManual>) -> R<ManualConfig> {
    let hours = m.and_then(|m| m.hours_per_fte_week).unwrap_or(37.5);
    if !(hours.is_finite() && hours > 0.0) {
        return Err(KeyError::new("manual.hours_per_fte_week", format!("must be > 0, got {hours}")));
    }
    let mut handling: Vec<CaseHandling> = ManualCase::ALL
        .iter()
        .map(|c| {
            let (party, minutes) = c.default_handling();
            CaseHandling { party, minutes }
        })
        .collect();
    for (name, h) in m.map(|m| m.cases.iter()).into_iter().flatten() {
        let key = format!("manual.cases.{name}");
        let known: Vec<&str> = ManualCase::ALL.iter().map(|c| c.name()).collect();
        let case = ManualCase::parse(name)
            .ok_or_else(|| KeyError::new(&key, format!("unknown case type (known: {})", known.join(", "))))?;
        let slot = &mut handling[case as usize];
        if let Some(p) = &h.party {
            slot.party = Party::parse(p).ok_or_else(|| {
                KeyError::new(format!("{key}.party"), format!("must be one of {}, got `{p}`", Party::names()))
            })?;
        }
        if let Some(minutes) = h.minutes {
            if !(minutes.is_finite() && minutes >= 0.0) {
                return Err(KeyError::new(format!("{key}.minutes"), format!("must be >= 0, got {minutes}")));
            }
            slot.minutes = minutes;
        }
    }
    Ok(ManualConfig { hours_per_fte_week: hours, handling })
}

fn resolve_options(raw: &RawScenario, start: NaiveDate) -> R<Vec<OptionSpec>> {
    if raw.options.is_empty() {
        return Err(KeyError::new("options", "at least one option is needed"));
    }
    if raw.options.len() > MAX_OPTIONS {
        return Err(KeyError::new(
            "options",
            format!(
                "at most {MAX_OPTIONS} options can be compared in one run (every chart, table and paired comparison has \
                 one entry per option), got {}; split them over several runs or use `dormsim sweep`",
                raw.options.len()
            ),
        ));
    }
    let names: Vec<String> = raw.options.keys().cloned().collect();
    let mut out = Vec::new();
    for (name, o) in &raw.options {
        out.push(resolve_option(name, o, &names, start)?);
    }
    for (i, o) in out.iter().enumerate() {
        if let Some(f) = o.fallback {
            let key = format!("options.{}.fallback", o.name);
            if f == i {
                return Err(KeyError::new(key, "an option cannot fall back to itself"));
            }
            if out[f].eligibility != Eligibility::All {
                return Err(KeyError::new(key, format!("fallback `{}` must have eligibility = \"all\"", out[f].name)));
            }
        }
    }
    Ok(out)
}

fn resolve_option(name: &str, o: &RawOption, names: &[String], start: NaiveDate) -> R<OptionSpec> {
    let key = format!("options.{name}");
    let eligibility = match o.eligibility.as_deref().unwrap_or("all") {
        "all" => Eligibility::All,
        "newly-dormant" => Eligibility::NewlyDormant,
        other => {
            return Err(KeyError::new(
                format!("{key}.eligibility"),
                format!("must be all or newly-dormant, got `{other}`"),
            ));
        }
    };
    let fallback = match &o.fallback {
        None => None,
        Some(f) => Some(index_of(&format!("{key}.fallback"), names, f, "option")?),
    };
    match (eligibility, fallback) {
        (Eligibility::NewlyDormant, None) => {
            return Err(KeyError::new(
                format!("{key}.fallback"),
                "eligibility = \"newly-dormant\" needs a fallback option",
            ));
        }
        (Eligibility::All, Some(_)) => {
            return Err(KeyError::new(
                format!("{key}.fallback"),
                "a fallback only applies with eligibility = \"newly-dormant\" (with \"all\" every site takes this option)",
            ));
        }
        _ => {}
    }
    let cos_check = match (o.cos_check_days, o.cos_check_wd) {
        (Some(d), None) => {
            CosCheckWindow::CalendarDays(non_negative_int(&format!("{key}.cos_check_days"), d, 365)? as i32)
        }
        (None, Some(w)) => {
            CosCheckWindow::WorkingDays(non_negative_int(&format!("{key}.cos_check_wd"), w, 250)? as i32)
        }
        _ => return Err(KeyError::new(key, "set exactly one of cos_check_days and cos_check_wd")),
    };
    let effective_from = o.effective_from.map(|d| d.0).unwrap_or(start);
    let notice_wd = positive_int(&format!("{key}.notice_wd"), o.notice_wd, 1000)? as i32;
    let config_request_wd =
        non_negative_int(&format!("{key}.config_request_wd"), o.config_request_wd.unwrap_or(0), 1000)? as i32;
    if config_request_wd >= notice_wd {
        return Err(KeyError::new(
            format!("{key}.config_request_wd"),
            format!("must be less than notice_wd ({notice_wd}): configuration is requested before migration"),
        ));
    }
    let authorisation_wd =
        non_negative_int(&format!("{key}.authorisation_wd"), o.authorisation_wd.unwrap_or(5), 1000)? as i32;
    let common_file_wd =
        non_negative_int(&format!("{key}.common_file_wd"), o.common_file_wd.unwrap_or(2), 1000)? as i32;
    if !(common_file_wd <= authorisation_wd && authorisation_wd <= notice_wd) {
        return Err(KeyError::new(
            format!("{key}.authorisation_wd"),
            format!(
                "need common_file_wd ({common_file_wd}) <= authorisation_wd ({authorisation_wd}) <= notice_wd ({notice_wd}): both are working days before migration"
            ),
        ));
    }
    let cos_check_scope = match o.cos_check_scope.as_deref().unwrap_or("all-routes") {
        "all-routes" => CheckScope::AllRoutes,
        "own-route" => CheckScope::OwnRoute,
        other => {
            return Err(KeyError::new(
                format!("{key}.cos_check_scope"),
                format!("must be all-routes or own-route, got `{other}`"),
            ));
        }
    };
    Ok(OptionSpec {
        cos_check_scope,
        name: name.to_string(),
        description: o.description.clone().unwrap_or_default(),
        eligibility,
        fallback,
        effective_from,
        effective_from_day: day_of(start, effective_from),
        timeline: Timeline {
            schedule_cycle_wd: non_negative_int(
                &format!("{key}.schedule_cycle_wd"),
                o.schedule_cycle_wd.unwrap_or(0),
                1000,
            )? as i32,
            schedule_delay_wd: match &o.schedule_delay_wd {
                None => Duration::fixed(0.0),
                Some(s) => duration(&format!("{key}.schedule_delay_wd"), s)?,
            },
            notice_wd,
            config_request_wd,
            cos_check,
            authorisation_wd,
            common_file_wd,
        },
    })
}
