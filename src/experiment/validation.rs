//! The model's value for each public figure of the scenario's `[[validation]]` (issue 13), from the replication
//! results alone, set against the figure: difference, allowed range, within tolerance or not. Serialised as the
//! `validation` array of `summary.json`.
//!
//! Series the results do not hold directly are derived here:
//! - migrations per day: each week's dormant and active migrations (`Weekly::migrations` + `active_migrations`)
//!   spread evenly over the working days of that week inside the horizon (all its days when it has none), as
//!   `scripts/calibration/calib.py` does; month totals and cumulative counts sum those days;
//! - the dormant stock at the end of a day: the weekly stock (`Weekly::stock`) interpolated linearly within the week.
//!
//! Every number is the mean over replications of each replication's value, with its 95% t-interval over
//! replications: simulation noise only, not input uncertainty. The peak month is the busiest complete month of the
//! mean monthly series. Counts are at represented scale (× installations represented per simulated one).

use super::{ReplicationResult, calendar_for};
use crate::calendar::WorkCalendar;
use crate::metrics::{MeanCi, OptionMetrics, Population, mean_ci95};
use crate::scenario::Scenario;
use crate::scenario::validation::{Compare, Expected, Figure, Month, Quantity, SMETS1_SHARE_OF_SWITCHERS, Tolerance};
use chrono::Days;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// A figure or a model value: a number, or a month written `"YYYY-MM"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Month(String),
}

/// How the model's value stands against the figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Within,
    Outside,
    /// The figure's date or month is not inside the run: nothing to compare.
    OutsideRun,
    /// The model has no value (e.g. no switches, no fast-tracked episode, no matched episodes).
    NoValue,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Within => "within tolerance",
            Status::Outside => "outside tolerance",
            Status::OutsideRun => "outside the run",
            Status::NoValue => "no model value",
        }
    }
}

/// One public figure against the model (an entry of `summary.json`'s `validation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationRow {
    pub quantity: String,
    /// What is compared, in words.
    pub label: String,
    /// The date (`YYYY-MM-DD`) or month (`YYYY-MM`) the figure is for, if any.
    pub when: Option<String>,
    /// The option measured, and for `fast_track_saving_wd` the option set against it.
    pub option: String,
    pub against: Option<String>,
    /// `installations` (represented scale), `working days`, `share` or `month`.
    pub unit: String,
    pub figure: Value,
    /// `approx`, `at-least` or `at-most`.
    pub compare: String,
    /// As written: a share of the figure (`relative`) or in the unit (`absolute`; months for a month).
    pub tolerance: f64,
    pub tolerance_kind: String,
    /// Model values within tolerance: from `lower` to `upper` (`null` = unbounded on that side).
    pub lower: Option<Value>,
    pub upper: Option<Value>,
    /// Mean over replications (`null` outside the run or without a value), with its 95% CI over replications
    /// (simulation noise only).
    pub model: Option<Value>,
    pub model_ci95: Option<[f64; 2]>,
    /// For the peak quantities: the model's busiest month.
    pub model_month: Option<String>,
    /// model − figure, in the unit (months for a month); relative: ÷ figure.
    pub difference: Option<f64>,
    pub relative_difference: Option<f64>,
    pub status: Status,
    /// How the model's value is computed.
    pub basis: String,
    pub source: String,
    pub note: String,
}

impl ValidationRow {
    pub fn within(&self) -> bool {
        self.status == Status::Within
    }
}

/// The model's value for one figure before it is set against it.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    OutsideRun,
    NoValue,
    Number(MeanCi),
    Month(Month),
    /// Migrations in the model's busiest month, and that month.
    PeakVolume(MeanCi, Month),
}

/// Every `[[validation]]` figure of `s` against the results (empty when the scenario has none).
pub fn evaluate(s: &Scenario, reps: &[ReplicationResult]) -> Vec<ValidationRow> {
    if s.validation.is_empty() {
        return Vec::new();
    }
    let calendar = calendar_for(s);
    s.validation.iter().map(|f| row(s, f, outcome(s, &calendar, reps, f))).collect()
}

/// Simulated installations → represented ones.
fn scale(s: &Scenario) -> f64 {
    1.0 / s.fleet.sample_fraction
}

fn outcome(s: &Scenario, calendar: &WorkCalendar, reps: &[ReplicationResult], f: &Figure) -> Outcome {
    let o = f.option;
    let each = |v: &dyn Fn(&ReplicationResult) -> f64| number(reps.iter().map(v).collect());
    match f.quantity {
        Quantity::CumulativeMigrations { date } => match day_in_run(s, date) {
            None => Outcome::OutsideRun,
            Some(d) => each(&|r| daily_migrations(calendar, &r.options[o])[..=d].iter().sum::<f64>() * scale(s)),
        },
        Quantity::MigrationsInMonth { month } => match complete_months(s).into_iter().find(|(m, _)| *m == month) {
            None => Outcome::OutsideRun,
            Some((_, days)) => {
                each(&|r| daily_migrations(calendar, &r.options[o])[days.clone()].iter().sum::<f64>() * scale(s))
            }
        },
        Quantity::PeakMonthMigrations { .. } | Quantity::PeakMigrationMonth => peak(s, calendar, reps, f),
        Quantity::DormantStock { date } => match day_in_run(s, date) {
            None => Outcome::OutsideRun,
            Some(d) => each(&|r| stock_at(&r.options[o], d) * scale(s)),
        },
        Quantity::FastTrackSavingWd { against } => {
            each(&|r| fast_track_reduction(r, o) - fast_track_reduction(r, against))
        }
        Quantity::FastTrackShare => each(&|r| fast_track_share(&r.options[o])),
        Quantity::FastTrackShareOfSwitchers => each(&|r| fast_track_share(&r.options[o]) * SMETS1_SHARE_OF_SWITCHERS),
    }
}

/// Mean and CI of per-replication values; no value when none is finite.
fn number(values: Vec<f64>) -> Outcome {
    let m = mean_ci95(&values);
    if m.mean.is_finite() { Outcome::Number(m) } else { Outcome::NoValue }
}

/// Day index of `date` when it is inside the run.
fn day_in_run(s: &Scenario, date: chrono::NaiveDate) -> Option<usize> {
    let d = (date - s.run.start_date).num_days();
    (0..i64::from(s.run.horizon_days)).contains(&d).then_some(d as usize)
}

/// Migrations (dormant + active, simulated scale) per day of the horizon: each week's count spread evenly over
/// its working days inside the horizon (over all its days there when it has none).
pub fn daily_migrations(calendar: &WorkCalendar, m: &OptionMetrics) -> Vec<f64> {
    let horizon = m.weekly.horizon_days.max(0) as usize;
    let mut daily = vec![0.0; horizon];
    for w in 0..m.weekly.weeks() {
        let days: Vec<usize> = (7 * w..(7 * w + 7).min(horizon)).collect();
        let working: Vec<usize> = days.iter().copied().filter(|&d| calendar.is_working(d as i32)).collect();
        let spread = if working.is_empty() { days } else { working };
        let count = (m.weekly.migrations[w] + m.weekly.active_migrations[w]) as f64;
        for &d in &spread {
            daily[d] += count / spread.len() as f64;
        }
    }
    daily
}

/// The calendar months wholly inside the run, with their day ranges.
pub fn complete_months(s: &Scenario) -> Vec<(Month, Range<usize>)> {
    let start = s.run.start_date;
    let horizon = s.run.horizon_days.max(0) as usize;
    let mut out = Vec::new();
    let mut month = Month::of(start);
    while let (Some(first), Some(next)) = (month.first_day(), month.plus(1).first_day()) {
        let (a, b) = ((first - start).num_days(), (next - start).num_days());
        if b > horizon as i64 {
            break;
        }
        if a >= 0 {
            out.push((month, a as usize..b as usize));
        }
        month = month.plus(1);
    }
    out
}

/// The busiest complete month of the mean monthly series (the first when tied), and migrations in it; outside the
/// run when the public record's month is not a complete month of the run.
fn peak(s: &Scenario, calendar: &WorkCalendar, reps: &[ReplicationResult], f: &Figure) -> Outcome {
    let months = complete_months(s);
    let record = match (f.quantity, f.expected) {
        (Quantity::PeakMonthMigrations { month }, _) => month,
        (_, Expected::Month(m)) => Some(m),
        _ => None,
    };
    if record.is_some_and(|r| !months.iter().any(|(m, _)| *m == r)) {
        return Outcome::OutsideRun;
    }
    let per_rep: Vec<Vec<f64>> = reps
        .iter()
        .map(|r| {
            let daily = daily_migrations(calendar, &r.options[f.option]);
            months.iter().map(|(_, days)| daily[days.clone()].iter().sum::<f64>() * scale(s)).collect()
        })
        .collect();
    let mean = |i: usize| per_rep.iter().map(|r| r[i]).sum::<f64>() / per_rep.len().max(1) as f64;
    let best = (0..months.len()).fold(None, |best: Option<usize>, i| match best {
        Some(b) if mean(b) >= mean(i) => Some(b),
        _ => Some(i),
    });
    match (best, f.quantity) {
        (None, _) => Outcome::OutsideRun,
        (Some(i), Quantity::PeakMigrationMonth) => Outcome::Month(months[i].0),
        (Some(i), _) => match number(per_rep.iter().map(|r| r[i]).collect()) {
            Outcome::Number(m) => Outcome::PeakVolume(m, months[i].0),
            other => other,
        },
    }
}

/// Dormant installations (simulated scale) at the end of day `d`: the stock at the end of the previous week (the
/// initial stock for the first) plus the share of this week's change up to `d`.
pub fn stock_at(m: &OptionMetrics, d: usize) -> f64 {
    let stock = m.weekly.stock(m.initial_stock);
    let w = d / 7;
    let before = if w == 0 { m.initial_stock as f64 } else { stock[w - 1] as f64 };
    let week_days = (m.weekly.horizon_days.max(0) as usize - 7 * w).min(7);
    let done = (d - 7 * w + 1) as f64 / week_days as f64;
    before + (stock[w] as f64 - before) * done
}

/// Mean paired reduction (WD) of option `o` against the first option on the fast-track-eligible episodes of one
/// replication (0 for the first option itself; NaN without matched episodes).
fn fast_track_reduction(r: &ReplicationResult, o: usize) -> f64 {
    let p = &r.paired[o].populations[Population::FastTrackEligible as usize];
    if p.matched == 0 { f64::NAN } else { p.wd_saved as f64 / p.matched as f64 }
}

fn fast_track_share(m: &OptionMetrics) -> f64 {
    let f = &m.funnel;
    if f.switches == 0 { f64::NAN } else { f.fast_tracked as f64 / f.switches as f64 }
}

fn row(s: &Scenario, f: &Figure, outcome: Outcome) -> ValidationRow {
    let (lower, upper) = f.allowed();
    let bound = |b: Option<f64>| b.map(|x| value_in_unit(f, x));
    let (model, model_ci95, difference) = match &outcome {
        Outcome::Number(m) | Outcome::PeakVolume(m, _) => {
            (Some(Value::Number(m.mean)), m.ci95, Some(m.mean - figure_number(f)))
        }
        Outcome::Month(m) => (Some(Value::Month(m.to_string())), None, month_of(f).map(|x| m.minus(x) as f64)),
        Outcome::OutsideRun | Outcome::NoValue => (None, None, None),
    };
    let figure = figure_number(f);
    let relative = difference.filter(|_| !f.quantity.is_month() && figure != 0.0).map(|d| d / figure);
    let status = match (&outcome, difference) {
        (Outcome::OutsideRun, _) => Status::OutsideRun,
        (_, None) => Status::NoValue,
        (_, Some(d)) => within(f, d),
    };
    let (tolerance, tolerance_kind) = match f.tolerance {
        Tolerance::Relative(t) => (t, "relative"),
        Tolerance::Absolute(t) => (t, "absolute"),
    };
    ValidationRow {
        quantity: f.quantity.name().to_string(),
        label: label(s, f),
        model_month: match outcome {
            Outcome::PeakVolume(_, m) | Outcome::Month(m) => Some(m.to_string()),
            _ => None,
        },
        when: when(f),
        option: s.options[f.option].name.clone(),
        against: match f.quantity {
            Quantity::FastTrackSavingWd { against } => Some(s.options[against].name.clone()),
            _ => None,
        },
        unit: unit(f).to_string(),
        figure: match f.expected {
            Expected::Number(x) => Value::Number(x),
            Expected::Month(m) => Value::Month(m.to_string()),
        },
        compare: f.compare.name().to_string(),
        tolerance,
        tolerance_kind: tolerance_kind.to_string(),
        lower: bound(lower),
        upper: bound(upper),
        model,
        model_ci95,
        difference,
        relative_difference: relative,
        status,
        basis: basis(s, f),
        source: f.source.clone(),
        note: f.note.clone(),
    }
}

/// Is a difference (model − figure) within the figure's tolerance, given how it compares?
fn within(f: &Figure, difference: f64) -> Status {
    let t = f.absolute_tolerance();
    // A hair of slack so that a value exactly on the bound is not lost to rounding (e.g. 0.1 + 0.2).
    let slack = 1e-9 * (1.0 + figure_number(f).abs());
    let ok = match f.compare {
        Compare::Approx => difference.abs() <= t + slack,
        Compare::AtLeast => difference >= -t - slack,
        Compare::AtMost => difference <= t + slack,
    };
    if ok { Status::Within } else { Status::Outside }
}

/// The figure as a number (0 for a month: month bounds are offsets from it).
fn figure_number(f: &Figure) -> f64 {
    match f.expected {
        Expected::Number(x) => x,
        Expected::Month(_) => 0.0,
    }
}

fn month_of(f: &Figure) -> Option<Month> {
    match f.expected {
        Expected::Month(m) => Some(m),
        Expected::Number(_) => None,
    }
}

/// A bound in the figure's unit: a number, or the month that many months from the figure's (rounded outwards).
fn value_in_unit(f: &Figure, x: f64) -> Value {
    match month_of(f) {
        Some(m) => Value::Month(m.plus(if x < 0.0 { x.ceil() } else { x.floor() } as i64).to_string()),
        None => Value::Number(x),
    }
}

fn unit(f: &Figure) -> &'static str {
    match f.quantity {
        Quantity::PeakMigrationMonth => "month",
        Quantity::FastTrackSavingWd { .. } => "working days",
        Quantity::FastTrackShare | Quantity::FastTrackShareOfSwitchers => "share",
        _ => "installations",
    }
}

fn when(f: &Figure) -> Option<String> {
    match f.quantity {
        Quantity::CumulativeMigrations { date } | Quantity::DormantStock { date } => Some(date.to_string()),
        Quantity::MigrationsInMonth { month } | Quantity::PeakMonthMigrations { month: Some(month) } => {
            Some(month.to_string())
        }
        _ => None,
    }
}

fn label(s: &Scenario, f: &Figure) -> String {
    let option = &s.options[f.option].name;
    match f.quantity {
        Quantity::CumulativeMigrations { date } => format!("Migrations from the run's start to {date}"),
        Quantity::MigrationsInMonth { month } => format!("Migrations in {month}"),
        Quantity::PeakMonthMigrations { .. } => "Migrations in the busiest month".into(),
        Quantity::PeakMigrationMonth => "Busiest migration month".into(),
        Quantity::DormantStock { date } => format!("Dormant installations on {date}"),
        Quantity::FastTrackSavingWd { against } => {
            format!("Fast-track saving, {option} against {}, WD", s.options[against].name)
        }
        Quantity::FastTrackShare => format!("Fast-track share of switching SMETS1 installations ({option})"),
        Quantity::FastTrackShareOfSwitchers => format!("Fast-track share of all switchers ({option})"),
    }
}

fn basis(s: &Scenario, f: &Figure) -> String {
    let option = &s.options[f.option].name;
    let start = s.run.start_date;
    let end = start.checked_add_days(Days::new(s.run.horizon_days.max(1) as u64 - 1)).unwrap_or(start);
    let migrations = format!("dormant and active migrations under {option}, GB scale");
    match f.quantity {
        Quantity::CumulativeMigrations { .. } => format!(
            "{migrations}, from the run's start ({start}; none before it in the model) to the end of the date; weekly \
             counts spread over their working days"
        ),
        Quantity::MigrationsInMonth { .. } => {
            format!("{migrations} in the month (months wholly inside the run, {start} to {end})")
        }
        Quantity::PeakMonthMigrations { .. } | Quantity::PeakMigrationMonth => format!(
            "the busiest complete month of the mean monthly {migrations}, among the months wholly inside the run \
             ({start} to {end})"
        ),
        Quantity::DormantStock { .. } => format!(
            "SMETS1 installations dormant under {option} at the end of the date, GB scale (weekly stock interpolated \
             within the week)"
        ),
        Quantity::FastTrackSavingWd { against } => format!(
            "on fast-track-eligible episodes, the paired reduction of {option} against {} minus that of {}, mean WD \
             dormant inside the horizon",
            s.options[0].name, s.options[against].name
        ),
        Quantity::FastTrackShare => {
            format!("fast-tracked episodes ÷ switches of unmigrated SMETS1 installations under {option}")
        }
        Quantity::FastTrackShareOfSwitchers => format!(
            "fast-tracked episodes ÷ switches of unmigrated SMETS1 installations under {option}, × \
             {SMETS1_SHARE_OF_SWITCHERS} (the SMETS1 share of all switchers, domain notes R17)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::PairedCounts;
    use crate::scenario::validation::{Compare, Expected, Tolerance};
    use chrono::NaiveDate;

    /// The baseline from Monday 1 March 2021 for 33 days (to Friday 2 April, Good Friday, a bank holiday in England
    /// and Wales), 1 300 installations standing for 13 m: every count × 10 000. Weeks: 0 = 1–7 Mar, 1 = 8–14,
    /// 2 = 15–21, 3 = 22–28, 4 = 29 Mar–2 Apr (5 days: working days 29, 30, 31 March and 1 April).
    fn world() -> Scenario {
        let set = ["run.start_date=2021-03-01", "run.horizon_days=33", "fleet.installations=1300"];
        Scenario::baseline(&set.map(String::from)).unwrap()
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// One replication whose first option migrates `k` × (10, 20, 30, 10, 8) installations in weeks 0–4 (dormant
    /// and active mixed), with a dormant stock of 100 at the start, +7 in week 0, −14 in week 1 and +5 in week 4;
    /// `saved` = (expedited, prioritised) working days saved on 10 matched fast-track-eligible episodes each;
    /// `funnel` = expedited's (switches, fast-tracked).
    fn replication(s: &Scenario, k: u64, saved: (i64, i64), funnel: (u64, u64)) -> ReplicationResult {
        let mut options: Vec<OptionMetrics> = (0..3).map(|_| OptionMetrics::new(s.run.horizon_days)).collect();
        let w = &mut options[0].weekly;
        w.migrations = vec![10 * k, 20 * k, 0, 5 * k, 8 * k];
        w.active_migrations = vec![0, 0, 30 * k, 5 * k, 0];
        w.new_dormant = vec![7, 0, 0, 0, 5];
        w.ended = vec![0, 14, 0, 0, 0];
        options[0].initial_stock = 100;
        options[1].funnel.switches = funnel.0;
        options[1].funnel.fast_tracked = funnel.1;
        let mut paired = vec![PairedCounts::default(); 3];
        let eligible = Population::FastTrackEligible as usize;
        for (o, wd) in [(0, 0), (1, saved.0), (2, saved.1)] {
            paired[o].populations[eligible].matched = 10;
            paired[o].populations[eligible].wd_saved = wd;
        }
        ReplicationResult {
            replication: 0,
            options,
            paired,
            switches: funnel.0,
            groups: Vec::new(),
            seconds: Default::default(),
        }
    }

    /// Two replications: the second migrates twice as many, saves (280, 210) WD and fast-tracks 30 of 100.
    fn results(s: &Scenario) -> Vec<ReplicationResult> {
        vec![replication(s, 1, (300, 250), (200, 50)), replication(s, 2, (280, 210), (100, 30))]
    }

    fn figure(quantity: Quantity, expected: Expected) -> Figure {
        Figure {
            quantity,
            expected,
            compare: Compare::Approx,
            tolerance: Tolerance::Relative(0.1),
            source: "hand-made".into(),
            note: String::new(),
            option: 0,
        }
    }

    /// The model's number for `f`, with its CI.
    fn model(f: Figure) -> (f64, Option<[f64; 2]>) {
        let mut s = world();
        s.validation = vec![f];
        let row = evaluate(&s, &results(&s)).remove(0);
        match row.model {
            Some(Value::Number(x)) => (x, row.model_ci95),
            other => panic!("expected a number, got {other:?} ({:?})", row.status),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6 * (1.0 + b.abs())
    }

    #[test]
    fn a_weeks_migrations_are_spread_over_its_working_days_skipping_a_bank_holiday() {
        let s = world();
        let daily = daily_migrations(&calendar_for(&s), &results(&s)[0].options[0]);
        // Week 1 (8–14 March): 20 over Monday to Friday, 4 a day, none at the weekend.
        assert_eq!(&daily[7..14], &[4.0, 4.0, 4.0, 4.0, 4.0, 0.0, 0.0]);
        // Week 4: 8 over 29, 30, 31 March and 1 April (Good Friday, 2 April, is not worked): 2 a day.
        assert_eq!(&daily[28..33], &[2.0, 2.0, 2.0, 2.0, 0.0]);
        assert_eq!(daily.iter().sum::<f64>(), 78.0);
    }

    #[test]
    fn cumulative_migrations_count_from_the_start_to_the_end_of_the_date_at_represented_scale() {
        // To Wednesday 10 March: week 0 (10) + 3 of week 1's 5 working days (12) = 22, × 10 000 = 220 000; the
        // second replication twice that (440 000): mean 330 000.
        let (x, ci) = model(figure(Quantity::CumulativeMigrations { date: date("2021-03-10") }, Expected::Number(3e5)));
        assert!(close(x, 330_000.0), "{x}");
        // Two replications: t(0.975, 1) = 12.706205 × s/√2 = 12.706205 × 110 000 = 1 397 682.5 either side.
        let [lo, hi] = ci.unwrap();
        assert!(close(hi - x, 1_397_682.5) && close(x - lo, 1_397_682.5), "{lo} {hi}");
    }

    #[test]
    fn migrations_in_a_month_take_the_part_of_a_straddling_week_that_falls_in_it() {
        // March: weeks 0–3 (70) + 3 of week 4's 4 working days (6) = 76 → 760 000; twice that: mean 1 140 000.
        let (x, _) = model(figure(
            Quantity::MigrationsInMonth { month: Month::parse("2021-03").unwrap() },
            Expected::Number(1e6),
        ));
        assert!(close(x, 1_140_000.0), "{x}");
    }

    #[test]
    fn a_month_not_wholly_inside_the_run_is_reported_outside_it() {
        let mut s = world();
        let april =
            figure(Quantity::MigrationsInMonth { month: Month::parse("2021-04").unwrap() }, Expected::Number(1.0));
        let before = figure(Quantity::CumulativeMigrations { date: date("2021-02-28") }, Expected::Number(1.0));
        let after = figure(Quantity::DormantStock { date: date("2021-04-03") }, Expected::Number(1.0));
        s.validation = vec![april, before, after];
        for row in evaluate(&s, &results(&s)) {
            assert_eq!((row.status, row.model, row.difference), (Status::OutsideRun, None, None), "{}", row.label);
        }
    }

    #[test]
    fn the_peak_month_is_the_busiest_complete_month_and_its_volume_is_that_months_mean() {
        // Only March is complete (the run ends on 2 April): it is the peak, with 1 140 000 on average.
        let mut s = world();
        let march = Month::parse("2021-03").unwrap();
        let mut month = figure(Quantity::PeakMigrationMonth, Expected::Month(march));
        month.tolerance = Tolerance::Absolute(1.0);
        let volume = figure(Quantity::PeakMonthMigrations { month: Some(march) }, Expected::Number(1_200_000.0));
        s.validation = vec![month.clone(), volume];
        let rows = evaluate(&s, &results(&s));
        assert_eq!((rows[0].model.clone(), rows[0].difference), (Some(Value::Month("2021-03".into())), Some(0.0)));
        assert_eq!(rows[0].status, Status::Within);
        // Set against a record in May, March is −2 months: outside a tolerance of one month (April to June).
        month.expected = Expected::Month(Month::parse("2021-05").unwrap());
        let may = row(&s, &month, Outcome::Month(march));
        assert_eq!((may.difference, may.status), (Some(-2.0), Status::Outside));
        assert_eq!(
            (may.lower, may.upper),
            (Some(Value::Month("2021-04".into())), Some(Value::Month("2021-06".into())))
        );
        // 1 140 000 against 1.2 m ± 10%: −60 000 (−5%), within; in March.
        assert_eq!(rows[1].model, Some(Value::Number(1_140_000.0)));
        assert_eq!(rows[1].model_month.as_deref(), Some("2021-03"));
        assert!(close(rows[1].relative_difference.unwrap(), -0.05));
        assert_eq!(rows[1].status, Status::Within);
    }

    #[test]
    fn a_peak_whose_public_month_is_not_in_the_run_is_not_compared() {
        // The run holds only March 2021 whole: a record set in May 2021 (or in April, cut by the end of the run)
        // cannot be compared with the busiest month of this run.
        let mut s = world();
        let may = Month::parse("2021-05").unwrap();
        let mut month = figure(Quantity::PeakMigrationMonth, Expected::Month(may));
        month.tolerance = Tolerance::Absolute(3.0);
        let april = Some(Month::parse("2021-04").unwrap());
        s.validation = vec![month, figure(Quantity::PeakMonthMigrations { month: april }, Expected::Number(1e6))];
        for row in evaluate(&s, &results(&s)) {
            assert_eq!((row.status, row.model), (Status::OutsideRun, None), "{}", row.label);
        }
    }

    #[test]
    fn the_dormant_stock_is_interpolated_within_its_week() {
        // Thursday 4 March (day 3): 100 + 7 × 4/7 = 104 → 1 040 000 (no change between replications: CI of width 0).
        let (x, ci) = model(figure(Quantity::DormantStock { date: date("2021-03-04") }, Expected::Number(1e6)));
        assert_eq!((x, ci), (1_040_000.0, Some([1_040_000.0, 1_040_000.0])));
        // Thursday 11 March (day 10): 107 − 14 × 4/7 = 99 → 990 000.
        let (x, _) = model(figure(Quantity::DormantStock { date: date("2021-03-11") }, Expected::Number(1e6)));
        assert!(close(x, 990_000.0), "{x}");
        // Tuesday 30 March (day 29) in the 5-day last week: 93 + 5 × 2/5 = 95 → 950 000.
        let (x, _) = model(figure(Quantity::DormantStock { date: date("2021-03-30") }, Expected::Number(1e6)));
        assert!(close(x, 950_000.0), "{x}");
    }

    #[test]
    fn the_fast_track_saving_is_one_options_paired_reduction_minus_the_others() {
        // Replication 1: 300/10 − 250/10 = 5 WD; replication 2: 28 − 21 = 7 WD; mean 6, s = √2, half-width
        // t(0.975, 1) × √2/√2 = 12.7062.
        let mut f = figure(Quantity::FastTrackSavingWd { against: 2 }, Expected::Number(7.0));
        f.option = 1;
        let (x, ci) = model(f.clone());
        assert!(close(x, 6.0), "{x}");
        assert!(close(ci.unwrap()[1], 6.0 + 12.706_204_736), "{ci:?}");
        // Against the first option itself (no reduction): expedited's own reduction, 30 and 28: mean 29.
        f.quantity = Quantity::FastTrackSavingWd { against: 0 };
        assert!(close(model(f).0, 29.0));
    }

    #[test]
    fn the_fast_track_share_is_the_mean_of_each_replications_share_and_scales_to_all_switchers() {
        // 50/200 = 0.25 and 30/100 = 0.30: mean 0.275; of all switchers × 0.41 = 0.11275.
        let mut f = figure(Quantity::FastTrackShare, Expected::Number(0.07));
        f.option = 1;
        assert!(close(model(f.clone()).0, 0.275));
        f.quantity = Quantity::FastTrackShareOfSwitchers;
        assert!(close(model(f).0, 0.11275));
    }

    #[test]
    fn a_bound_compares_on_one_side_only_and_the_tolerance_on_the_figure() {
        let mut f = figure(Quantity::PeakMonthMigrations { month: None }, Expected::Number(100.0));
        // Approx ± 10%: 89 is outside (−11), 110 within (+10, exactly on the bound).
        assert_eq!((within(&f, -11.0), within(&f, 10.0)), (Status::Outside, Status::Within));
        f.compare = Compare::AtLeast;
        assert_eq!(
            (within(&f, 500.0), within(&f, -10.0), within(&f, -10.5)),
            (Status::Within, Status::Within, Status::Outside)
        );
        f.compare = Compare::AtMost;
        f.tolerance = Tolerance::Absolute(0.0);
        assert_eq!((within(&f, -99.0), within(&f, 0.5)), (Status::Within, Status::Outside));
    }

    #[test]
    fn an_option_without_switches_has_no_fast_track_share_to_compare() {
        let mut s = world();
        let mut f = figure(Quantity::FastTrackShare, Expected::Number(0.07));
        f.option = 2; // prioritised: its funnel is empty in these results
        s.validation = vec![f];
        let row = evaluate(&s, &results(&s)).remove(0);
        assert_eq!((row.status, row.model), (Status::NoValue, None));
    }
}
