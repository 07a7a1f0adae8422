//! `[[validation]]`: public figures a scenario holds the model against in every run (issue 13). Each entry names a
//! quantity the model computes, the figure (a number, or a month for the peak month), how to compare (about equal,
//! at least, at most), a tolerance (relative or absolute) and its source. This module has the file's form
//! ([`RawFigure`]), the checked form ([`Figure`]) and the checks; `experiment::validation` computes the model's
//! values. Dates outside the run are not errors: the run reports such a figure as outside the run.

use super::OptionSpec;
use super::error::{KeyError, closest};
use super::raw::RawDate;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The SMETS1 share of all switching customers (shared/domain.md, R17): turns a share of switching SMETS1
/// installations into a share of all switchers, the reading of the consultation's "7% of customers".
pub const SMETS1_SHARE_OF_SWITCHERS: f64 = 0.41;

/// One `[[validation]]` entry as written. Every field is optional here so that a missing one is reported by the
/// checks below with the entry's line, like any other problem.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFigure {
    pub quantity: Option<String>,
    pub date: Option<RawDate>,
    /// `"YYYY-MM"`, for `migrations_in_month`.
    pub month: Option<String>,
    /// A number, or `"YYYY-MM"` for `peak_migration_month`.
    pub value: Option<toml::Value>,
    /// `approx` (default), `at-least` or `at-most`.
    pub compare: Option<String>,
    /// Relative tolerance (0.15 = 15% of the figure).
    pub tolerance: Option<f64>,
    /// Absolute tolerance in the quantity's unit (installations, working days, a share, months).
    pub tolerance_abs: Option<f64>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// The option measured (default: the first, the comparison baseline).
    pub option: Option<String>,
    /// `fast_track_saving_wd`: the option whose saving is subtracted.
    pub against: Option<String>,
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    /// `"2021-08"` → August 2021.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.split_once('-')?;
        let (year, month) = (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?);
        let ok = y.len() == 4 && m.len() == 2 && (1..=12).contains(&month) && (1..=9999).contains(&year);
        ok.then_some(Month { year, month })
    }

    /// Months from `other` to `self` (positive when `self` is later).
    pub fn minus(self, other: Month) -> i64 {
        (i64::from(self.year) - i64::from(other.year)) * 12 + i64::from(self.month) - i64::from(other.month)
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i64) -> Month {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + n;
        Month { year: index.div_euclid(12) as i32, month: index.rem_euclid(12) as u32 + 1 }
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What the model computes for a figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// Migrations (dormant and active, represented scale) from the run's start to the end of `date`.
    CumulativeMigrations { date: NaiveDate },
    /// Migrations (dormant and active, represented scale) in one calendar month.
    MigrationsInMonth { month: Month },
    /// Migrations in the model's busiest complete month; `month`, when given, is the month of the public record,
    /// and the figure is outside the run when that month is.
    PeakMonthMigrations { month: Option<Month> },
    /// Which complete month is the model's busiest (the figure is a month; outside the run when it is).
    PeakMigrationMonth,
    /// Dormant installations (represented scale) at the end of `date`.
    DormantStock { date: NaiveDate },
    /// On the fast-track-eligible population: the option's paired saving against the first option minus
    /// `against`'s (the consultation's "7 WD" is expedited against prioritised).
    FastTrackSavingWd { against: usize },
    /// Fast-tracked episodes ÷ switches of unmigrated SMETS1 installations (R17).
    FastTrackShare,
    /// The same × the SMETS1 share of all switchers ([`SMETS1_SHARE_OF_SWITCHERS`]): a share of all switchers.
    FastTrackShareOfSwitchers,
}

/// The quantity names accepted in `quantity = "…"`, in documentation order.
pub const QUANTITIES: [&str; 8] = [
    "cumulative_migrations",
    "migrations_in_month",
    "peak_month_migrations",
    "peak_migration_month",
    "dormant_stock",
    "fast_track_saving_wd",
    "fast_track_share",
    "fast_track_share_of_switchers",
];

impl Quantity {
    pub fn name(&self) -> &'static str {
        match self {
            Quantity::CumulativeMigrations { .. } => QUANTITIES[0],
            Quantity::MigrationsInMonth { .. } => QUANTITIES[1],
            Quantity::PeakMonthMigrations { .. } => QUANTITIES[2],
            Quantity::PeakMigrationMonth => QUANTITIES[3],
            Quantity::DormantStock { .. } => QUANTITIES[4],
            Quantity::FastTrackSavingWd { .. } => QUANTITIES[5],
            Quantity::FastTrackShare => QUANTITIES[6],
            Quantity::FastTrackShareOfSwitchers => QUANTITIES[7],
        }
    }

    /// The figure is a month, not a number.
    pub fn is_month(&self) -> bool {
        matches!(self, Quantity::PeakMigrationMonth)
    }

    /// The figure is a share in [0, 1].
    pub fn is_share(&self) -> bool {
        matches!(self, Quantity::FastTrackShare | Quantity::FastTrackShareOfSwitchers)
    }
}

/// The public figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Expected {
    Number(f64),
    Month(Month),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Compare {
    /// Within the tolerance on either side.
    Approx,
    /// The figure is a lower bound ("> 3.7 m"): the model must not fall short of it by more than the tolerance.
    AtLeast,
    /// The figure is an upper bound: the model must not exceed it by more than the tolerance.
    AtMost,
}

impl Compare {
    pub fn name(self) -> &'static str {
        match self {
            Compare::Approx => "approx",
            Compare::AtLeast => "at-least",
            Compare::AtMost => "at-most",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    /// A share of the figure (0.15 = ±15%).
    Relative(f64),
    /// In the quantity's unit (months for the peak month).
    Absolute(f64),
}

/// One checked `[[validation]]` entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub quantity: Quantity,
    pub expected: Expected,
    pub compare: Compare,
    pub tolerance: Tolerance,
    pub source: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Index of the option measured.
    pub option: usize,
}

impl Figure {
    /// The tolerance in the figure's unit (months for a month).
    pub fn absolute_tolerance(&self) -> f64 {
        match (self.tolerance, self.expected) {
            (Tolerance::Absolute(t), _) => t,
            (Tolerance::Relative(r), Expected::Number(v)) => r * v.abs(),
            (Tolerance::Relative(_), Expected::Month(_)) => 0.0,
        }
    }

    /// The range of model values within tolerance, as (lower, upper) in the figure's unit; `None` = unbounded.
    /// For a month, offsets in months from the figure.
    pub fn allowed(&self) -> (Option<f64>, Option<f64>) {
        let centre = match self.expected {
            Expected::Number(v) => v,
            Expected::Month(_) => 0.0,
        };
        let t = self.absolute_tolerance();
        match self.compare {
            Compare::Approx => (Some(centre - t), Some(centre + t)),
            Compare::AtLeast => (Some(centre - t), None),
            Compare::AtMost => (None, Some(centre + t)),
        }
    }
}

type R<T> = Result<T, KeyError>;

/// A valid entry for any scenario: `check_all` puts it in place of a faulty entry so that the others are still
/// checked. Returns the entry's key (`validation.N`) and the placeholder, when `key` is inside an entry.
pub fn placeholder_for(key: &str) -> Option<(String, toml::Value)> {
    let mut parts = key.split('.');
    let (root, index) = (parts.next()?, parts.next()?);
    if root != "validation" || index.parse::<usize>().is_err() {
        return None;
    }
    let text = "quantity = \"peak_migration_month\"\nvalue = \"2000-01\"\ntolerance_abs = 0\nsource = \"-\"\n";
    let table: toml::Table = text.parse().expect("the placeholder parses");
    Some((format!("validation.{index}"), toml::Value::Table(table)))
}

/// Check every entry; options are looked up by name among `options`.
pub fn resolve(raw: &[RawFigure], options: &[OptionSpec]) -> R<Vec<Figure>> {
    let names: Vec<&str> = options.iter().map(|o| o.name.as_str()).collect();
    raw.iter().enumerate().map(|(i, f)| resolve_one(&format!("validation.{i}"), f, &names)).collect()
}

fn resolve_one(key: &str, f: &RawFigure, options: &[&str]) -> R<Figure> {
    let field = |name: &str| format!("{key}.{name}");
    let quantity = quantity(key, f, options)?;
    let expected = expected(key, f.value.as_ref(), &quantity)?;
    let option = match (&f.option, needs_option(&quantity)) {
        (Some(name), _) => option_index(&field("option"), name, options)?,
        (None, true) => {
            return Err(missing(
                key,
                "option",
                &format!("`{}` needs the option it measures (one of {})", quantity.name(), options.join(", ")),
            ));
        }
        (None, false) => 0,
    };
    if let Quantity::FastTrackSavingWd { against } = quantity
        && against == option
    {
        return Err(KeyError::new(field("against"), "must name another option than `option`"));
    }
    let source = match f.source.as_deref().map(str::trim) {
        None => return Err(missing(key, "source", "every public figure needs its source")),
        Some("") => return Err(KeyError::new(field("source"), "is empty: every public figure needs its source")),
        Some(s) => s,
    };
    Ok(Figure {
        quantity,
        expected,
        compare: compare(&field("compare"), f.compare.as_deref())?,
        tolerance: tolerance(key, f, &quantity)?,
        source: source.to_string(),
        note: f.note.as_deref().map(str::trim).unwrap_or_default().to_string(),
        option,
    })
}

/// A key the entry lacks: reported on the entry (its line), like serde's "missing field".
fn missing(entry: &str, field: &str, why: &str) -> KeyError {
    KeyError::new(entry, format!("missing `{field}`: {why}"))
}

fn needs_option(q: &Quantity) -> bool {
    matches!(q, Quantity::FastTrackSavingWd { .. } | Quantity::FastTrackShare | Quantity::FastTrackShareOfSwitchers)
}

fn option_index(key: &str, name: &str, options: &[&str]) -> R<usize> {
    options.iter().position(|o| *o == name).ok_or_else(|| {
        let hint = closest(name, options.iter().copied()).map_or(String::new(), |c| format!("; did you mean `{c}`?"));
        KeyError::new(key, format!("unknown option `{name}` (known: {}){hint}", options.join(", ")))
    })
}

/// The quantity with its own keys (`date`, `month`, `against`); keys another quantity uses are refused, so that
/// a figure never silently ignores part of what was written.
fn quantity(key: &str, f: &RawFigure, options: &[&str]) -> R<Quantity> {
    let here = format!("{key}.quantity");
    let Some(name) = f.quantity.as_deref() else {
        return Err(missing(key, "quantity", &format!("say which quantity (one of {})", QUANTITIES.join(", "))));
    };
    let date = || f.date.map(|d| d.0).ok_or_else(|| missing(key, "date", &format!("`{name}` needs the date")));
    let q = match name {
        "cumulative_migrations" => Quantity::CumulativeMigrations { date: date()? },
        "migrations_in_month" => Quantity::MigrationsInMonth { month: month(key, f.month.as_deref())? },
        "peak_month_migrations" => {
            Quantity::PeakMonthMigrations { month: f.month.as_deref().map(|m| month(key, Some(m))).transpose()? }
        }
        "peak_migration_month" => Quantity::PeakMigrationMonth,
        "dormant_stock" => Quantity::DormantStock { date: date()? },
        "fast_track_saving_wd" => Quantity::FastTrackSavingWd { against: against(key, f.against.as_deref(), options)? },
        "fast_track_share" => Quantity::FastTrackShare,
        "fast_track_share_of_switchers" => Quantity::FastTrackShareOfSwitchers,
        other => {
            let hint = closest(other, QUANTITIES).map_or(String::new(), |c| format!("; did you mean `{c}`?"));
            return Err(KeyError::new(
                here,
                format!("unknown quantity `{other}` (known: {}){hint}", QUANTITIES.join(", ")),
            ));
        }
    };
    unused_keys(key, f, &q)
}

/// Refuse `date`, `month` and `against` where the quantity does not use them.
fn unused_keys(key: &str, f: &RawFigure, q: &Quantity) -> R<Quantity> {
    let uses = |k: &str| match q {
        Quantity::CumulativeMigrations { .. } | Quantity::DormantStock { .. } => k == "date",
        Quantity::MigrationsInMonth { .. } | Quantity::PeakMonthMigrations { .. } => k == "month",
        Quantity::FastTrackSavingWd { .. } => k == "against",
        _ => false,
    };
    let written = [("date", f.date.is_some()), ("month", f.month.is_some()), ("against", f.against.is_some())];
    match written.iter().find(|(k, set)| *set && !uses(k)) {
        Some((k, _)) => Err(KeyError::new(format!("{key}.{k}"), format!("`{}` does not use `{k}`", q.name()))),
        None => Ok(*q),
    }
}

fn month(key: &str, text: Option<&str>) -> R<Month> {
    let here = format!("{key}.month");
    let text = text.ok_or_else(|| missing(key, "month", "`migrations_in_month` needs the month, \"YYYY-MM\""))?;
    Month::parse(text).ok_or_else(|| KeyError::new(here, format!("expected a month \"YYYY-MM\", got `{text}`")))
}

fn against(key: &str, name: Option<&str>, options: &[&str]) -> R<usize> {
    let here = format!("{key}.against");
    match name {
        Some(n) => option_index(&here, n, options),
        None => Err(missing(key, "against", "`fast_track_saving_wd` needs the option it is set against")),
    }
}

fn expected(entry: &str, value: Option<&toml::Value>, q: &Quantity) -> R<Expected> {
    let Some(value) = value else { return Err(missing(entry, "value", "the public figure")) };
    let key = format!("{entry}.value");
    let key = key.as_str();
    if q.is_month() {
        let text = value.as_str().unwrap_or_default();
        return Month::parse(text).map(Expected::Month).ok_or_else(|| {
            KeyError::new(key, format!("`{}` is a month: expected \"YYYY-MM\", got {value}", q.name()))
        });
    }
    let number = value.as_float().or_else(|| value.as_integer().map(|i| i as f64));
    match number {
        Some(x) if q.is_share() && (0.0..=1.0).contains(&x) => Ok(Expected::Number(x)),
        Some(x) if q.is_share() => Err(KeyError::new(key, format!("a share must be in [0, 1], got {x}"))),
        Some(x) if x.is_finite() && (x >= 0.0 || matches!(q, Quantity::FastTrackSavingWd { .. })) => {
            Ok(Expected::Number(x))
        }
        Some(x) => Err(KeyError::new(key, format!("must be a finite number >= 0, got {x}"))),
        None => Err(KeyError::new(key, format!("expected a number, got {value}"))),
    }
}

fn compare(key: &str, text: Option<&str>) -> R<Compare> {
    match text.unwrap_or("approx") {
        "approx" => Ok(Compare::Approx),
        "at-least" => Ok(Compare::AtLeast),
        "at-most" => Ok(Compare::AtMost),
        other => Err(KeyError::new(key, format!("must be approx, at-least or at-most, got `{other}`"))),
    }
}

fn tolerance(key: &str, f: &RawFigure, q: &Quantity) -> R<Tolerance> {
    let check = |name: &str, v: f64| {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(KeyError::new(format!("{key}.{name}"), format!("must be a finite number >= 0, got {v}")))
        }
    };
    match (f.tolerance, f.tolerance_abs) {
        (Some(_), None) if q.is_month() => Err(KeyError::new(
            format!("{key}.tolerance"),
            "a month has no relative tolerance: give tolerance_abs in months",
        )),
        (Some(r), None) => Ok(Tolerance::Relative(check("tolerance", r)?)),
        (None, Some(a)) => Ok(Tolerance::Absolute(check("tolerance_abs", a)?)),
        (Some(_), Some(_)) => {
            Err(KeyError::new(format!("{key}.tolerance_abs"), "give one of tolerance (relative) and tolerance_abs"))
        }
        (None, None) => Err(missing(
            key,
            "tolerance",
            "give tolerance (relative, 0.15 = 15%) or tolerance_abs (in the quantity's unit)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_print_and_count() {
        let aug = Month::parse("2021-08").unwrap();
        assert_eq!(aug.to_string(), "2021-08");
        assert_eq!(aug.minus(Month::parse("2020-09").unwrap()), 11);
        assert_eq!(aug.plus(5), Month { year: 2022, month: 1 });
        assert_eq!(aug.plus(-8), Month { year: 2020, month: 12 });
        for bad in ["2021-8", "2021-13", "21-08", "2021/08", "", "2021-00"] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_allowed_range_follows_the_comparison_and_the_tolerance() {
        let mut f = Figure {
            quantity: Quantity::PeakMonthMigrations { month: None },
            expected: Expected::Number(1000.0),
            compare: Compare::Approx,
            tolerance: Tolerance::Relative(0.1),
            source: "s".into(),
            note: String::new(),
            option: 0,
        };
        assert_eq!(f.allowed(), (Some(900.0), Some(1100.0)));
        f.compare = Compare::AtLeast;
        assert_eq!(f.allowed(), (Some(900.0), None));
        f.compare = Compare::AtMost;
        f.tolerance = Tolerance::Absolute(5.0);
        assert_eq!(f.allowed(), (None, Some(1005.0)));
    }

    #[test]
    fn a_placeholder_replaces_the_whole_entry_of_a_faulty_key() {
        let (key, value) = placeholder_for("validation.3.quantity").unwrap();
        assert_eq!(key, "validation.3");
        assert_eq!(value.get("quantity").and_then(|q| q.as_str()), Some("peak_migration_month"));
        assert_eq!(placeholder_for("validation"), None);
        assert_eq!(placeholder_for("dcc.validation.3"), None);
    }
}
