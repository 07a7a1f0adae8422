//! Working-day calendar for Great Britain.
//!
//! This module owns everything the simulator knows about *which days are working days*:
//!
//! * the bank-holiday rules of England & Wales and of Scotland ([`bank_holidays`]), including
//!   substitute days for holidays that fall on a weekend and the one-off changes of 1999–2026;
//! * the Smart Energy Code notion of a working day: Monday–Friday and not a bank holiday
//!   (Christmas Day and Good Friday count as bank holidays) — [`is_working_day`],
//!   [`add_working_days`], [`count_working_days`];
//! * [`WorkCalendar`], a table precomputed over a range of integer day indices that answers
//!   working-day arithmetic in O(1) for the simulator's hot loop, plus working-time helpers with
//!   minute precision ([`MINUTES_PER_DAY`] working minutes make one working day).
//!
//! Conventions used throughout: day ranges are half-open `[from, to)`; "adding n working days"
//! lands on the n-th working day strictly after the start. The regular rules hold for any year;
//! one-off changes are known up to November 2026 (checked against the published lists for both
//! regions), so later years may miss future proclamations.
//! Functions panic only when a date would leave chrono's range (about ±262,000 years).

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};

/// The years whose bank holidays the rules describe: the Early May bank holiday began in 1978, and the one-offs
/// are known to November 2026 (later years follow the regular rules). Inputs outside are refused by the CLI and the
/// scenario resolver rather than given invented holidays.
pub const FIRST_YEAR: i32 = 1978;
pub const LAST_YEAR: i32 = 2099;

/// Is `date` in the years the calendar describes?
pub fn supported(date: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&date.year())
}

/// Minutes in one calendar day, and working minutes in one working day.
pub const MINUTES_PER_DAY: i64 = 1440;

/// Which set of bank holidays applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    /// England and Wales.
    EnglandWales,
    /// Scotland.
    Scotland,
    /// No weekends and no holidays: every day is a working day (for verification runs).
    None,
}

impl Region {
    /// Every region, in declaration order.
    pub const ALL: [Region; 3] = [Region::EnglandWales, Region::Scotland, Region::None];

    /// Parses `"england-wales"`, `"scotland"` or `"none"` (the serde names).
    pub fn parse(s: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.name() == s)
    }

    /// The name accepted by [`Region::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Region::EnglandWales => "england-wales",
            Region::Scotland => "scotland",
            Region::None => "none",
        }
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One observed bank holiday: always a Monday–Friday date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    pub date: NaiveDate,
    /// gov.uk-style name; substitute days end in `" (substitute day)"`.
    pub name: String,
}

const NEW_YEAR: &str = "New Year’s Day";
const SECOND_JANUARY: &str = "2nd January";
const GOOD_FRIDAY: &str = "Good Friday";
const EASTER_MONDAY: &str = "Easter Monday";
const EARLY_MAY: &str = "Early May bank holiday";
const SPRING: &str = "Spring bank holiday";
const SUMMER: &str = "Summer bank holiday";
const ST_ANDREW: &str = "St Andrew’s Day";
const CHRISTMAS: &str = "Christmas Day";
const BOXING: &str = "Boxing Day";
const FUNERAL: &str = "Bank holiday for the State Funeral of Queen Elizabeth II";
const CORONATION: &str = "Bank holiday for the coronation of King Charles III";
const SUBSTITUTE_SUFFIX: &str = " (substitute day)";

/// St Andrew's Day became a Scottish bank holiday with the 2007 Act.
const ST_ANDREW_FROM: i32 = 2007;

/// One-off moves of a regular holiday: (year, regular name, new month, new day, new name).
const MOVED: [(i32, &str, u32, u32, &str); 4] = [
    (2002, SPRING, 6, 4, SPRING),
    (2012, SPRING, 6, 4, SPRING),
    (2020, EARLY_MAY, 5, 8, "Early May bank holiday (VE day)"),
    (2022, SPRING, 6, 2, SPRING),
];

/// Extra one-off bank holidays (both regions).
const ONE_OFFS: [(i32, u32, u32, &str); 7] = [
    (1999, 12, 31, "Millennium celebrations"),
    (2002, 6, 3, "Queen’s Golden Jubilee"),
    (2011, 4, 29, "Royal wedding"),
    (2012, 6, 5, "Queen’s Diamond Jubilee"),
    (2022, 6, 3, "Platinum Jubilee bank holiday"),
    (2022, 9, 19, FUNERAL),
    (2023, 5, 8, CORONATION),
];

/// Extra one-off bank holidays in Scotland only: Monday 15 June 2026, proclaimed for Scotland's first FIFA World
/// Cup match in 28 years (issue 11). No other one-off differs between the regions from 1999 to November 2026.
const SCOTLAND_ONE_OFFS: [(i32, u32, u32, &str); 1] = [(2026, 6, 15, "One-off bank holiday (FIFA World Cup)")];

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date outside chrono's range")
}

/// `date` moved by `n` days (negative = earlier).
fn shift(date: NaiveDate, n: i64) -> NaiveDate {
    let moved = TimeDelta::try_days(n).and_then(|delta| date.checked_add_signed(delta));
    moved.expect("date outside chrono's range")
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

fn first_monday(y: i32, month: u32) -> NaiveDate {
    let first = ymd(y, month, 1);
    let offset = (7 - first.weekday().num_days_from_monday()) % 7;
    shift(first, offset.into())
}

/// Last Monday of a 31-day month (May and August are the only ones needed).
fn last_monday(y: i32, month: u32) -> NaiveDate {
    let last = ymd(y, month, 31);
    shift(last, -i64::from(last.weekday().num_days_from_monday()))
}

/// Easter Sunday of `year` by the anonymous Gregorian (Meeus/Jones/Butcher) algorithm.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let (b, c) = (year.div_euclid(100), year.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let n = h + l - 7 * m + 114;
    ymd(year, (n / 31) as u32, (n % 31 + 1) as u32)
}

/// A holiday before its name is turned into a `String`.
#[derive(Debug, Clone, Copy)]
struct Raw {
    date: NaiveDate,
    name: &'static str,
    substitute: bool,
}

impl From<Raw> for Holiday {
    fn from(raw: Raw) -> Holiday {
        let name = match raw.substitute {
            true => format!("{}{SUBSTITUTE_SUFFIX}", raw.name),
            false => raw.name.to_string(),
        };
        Holiday { date: raw.date, name }
    }
}

/// Holidays on a fixed calendar date (they get substitute days), in date order.
fn fixed_holidays(y: i32, scotland: bool) -> Vec<(NaiveDate, &'static str)> {
    let mut v = vec![(ymd(y, 1, 1), NEW_YEAR)];
    if scotland {
        v.push((ymd(y, 1, 2), SECOND_JANUARY));
        if y >= ST_ANDREW_FROM {
            v.push((ymd(y, 11, 30), ST_ANDREW));
        }
    }
    v.extend([(ymd(y, 12, 25), CHRISTMAS), (ymd(y, 12, 26), BOXING)]);
    v
}

/// Holidays that always fall on a weekday: Easter, the Mondays (as moved) and the one-offs.
fn weekday_holidays(y: i32, scotland: bool) -> Vec<(NaiveDate, &'static str)> {
    let easter = easter_sunday(y);
    let summer = if scotland { first_monday(y, 8) } else { last_monday(y, 8) };
    let mut v = vec![
        (shift(easter, -2), GOOD_FRIDAY),
        (shift(easter, 1), EASTER_MONDAY),
        (first_monday(y, 5), EARLY_MAY),
        (last_monday(y, 5), SPRING),
        (summer, SUMMER),
    ];
    if scotland {
        v.retain(|h| h.1 != EASTER_MONDAY);
    }
    for &(_, regular, m, d, name) in MOVED.iter().filter(|o| o.0 == y) {
        if let Some(h) = v.iter_mut().find(|h| h.1 == regular) {
            *h = (ymd(y, m, d), name);
        }
    }
    let extras = ONE_OFFS.iter().filter(|o| o.0 == y);
    v.extend(extras.map(|&(y, m, d, name)| (ymd(y, m, d), name)));
    let scottish = SCOTLAND_ONE_OFFS.iter().filter(|o| scotland && o.0 == y);
    v.extend(scottish.map(|&(y, m, d, name)| (ymd(y, m, d), name)));
    v
}

/// All observed holidays of one year, sorted. A fixed-date holiday on a weekend is observed on
/// the next weekday not already a holiday, taken in date order after every weekday holiday is
/// placed (so Christmas on Sunday gives Boxing Day Mon 26 and Christmas substitute Tue 27).
fn year_holidays(region: Region, y: i32) -> Vec<Raw> {
    let scotland = match region {
        Region::None => return Vec::new(),
        Region::Scotland => true,
        Region::EnglandWales => false,
    };
    let raw = |(date, name), substitute| Raw { date, name, substitute };
    let mut out: Vec<Raw> = weekday_holidays(y, scotland).into_iter().map(|h| raw(h, false)).collect();
    let (weekend, weekday): (Vec<_>, Vec<_>) = fixed_holidays(y, scotland).into_iter().partition(|h| is_weekend(h.0));
    out.extend(weekday.into_iter().map(|h| raw(h, false)));
    for (date, name) in weekend {
        let mut sub = date;
        while is_weekend(sub) || out.iter().any(|h| h.date == sub) {
            sub = shift(sub, 1);
        }
        out.push(raw((sub, name), true));
    }
    out.sort_by_key(|h| h.date);
    out
}

/// Observed holidays with dates in `[from, to]`, sorted.
fn raw_holidays(region: Region, from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = Raw> {
    (from.year()..=to.year())
        .flat_map(move |y| year_holidays(region, y))
        .filter(move |h| from <= h.date && h.date <= to)
}

/// Every bank holiday of `region` (including Christmas Day and Good Friday, which the Smart
/// Energy Code treats as non-working days) observed on a date in `[from, to]` inclusive, sorted
/// by date. A holiday falling on a weekend is listed only as its substitute weekday, named e.g.
/// "Christmas Day (substitute day)", so every date listed is Monday–Friday.
/// [`Region::None`] has no holidays; `from > to` gives an empty list.
pub fn bank_holidays(region: Region, from: NaiveDate, to: NaiveDate) -> Vec<Holiday> {
    raw_holidays(region, from, to).map(Holiday::from).collect()
}

/// Rule-based calendar that caches one year's holiday dates, for day-by-day walks.
struct RuleCal {
    region: Region,
    year: Option<i32>,
    holidays: Vec<NaiveDate>,
}

impl RuleCal {
    fn new(region: Region) -> RuleCal {
        RuleCal { region, year: None, holidays: Vec::new() }
    }

    fn is_working(&mut self, date: NaiveDate) -> bool {
        if self.region == Region::None {
            return true;
        }
        if is_weekend(date) {
            return false;
        }
        if self.year != Some(date.year()) {
            self.year = Some(date.year());
            self.holidays = year_holidays(self.region, date.year()).iter().map(|h| h.date).collect();
        }
        !self.holidays.contains(&date)
    }

    /// The |n|-th working day strictly after (n > 0) or before (n < 0) `date`; `date` if n = 0.
    fn step(&mut self, mut date: NaiveDate, n: i64) -> NaiveDate {
        if self.region == Region::None {
            return shift(date, n);
        }
        let mut left = n.unsigned_abs();
        while left > 0 {
            date = shift(date, n.signum());
            if self.is_working(date) {
                left -= 1;
            }
        }
        date
    }
}

/// True unless `date` is a Saturday, a Sunday or a bank holiday of `region`;
/// always true for [`Region::None`].
pub fn is_working_day(region: Region, date: NaiveDate) -> bool {
    RuleCal::new(region).is_working(date)
}

/// The n-th working day strictly after `date` (Friday + 1 = Monday, Saturday + 1 = Monday);
/// for n = 0 the first working day on or after `date`. Same convention as [`WorkCalendar::add_wd`].
pub fn add_working_days(region: Region, date: NaiveDate, n: u32) -> NaiveDate {
    let mut cal = RuleCal::new(region);
    if n == 0 && cal.is_working(date) { date } else { cal.step(date, i64::from(n.max(1))) }
}

/// Number of working days d with `from <= d < to` (0 if `to <= from`).
pub fn count_working_days(region: Region, from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let days = (to - from).num_days();
    if region == Region::None {
        return days;
    }
    let first = i64::from(from.weekday().num_days_from_monday());
    let partial_week = (0..days % 7).filter(|i| (first + i) % 7 < 5).count() as i64;
    let holidays = raw_holidays(region, from, shift(to, -1)).count() as i64;
    days / 7 * 5 + partial_week - holidays
}

/// Working-day calendar precomputed over a range of day indices (day 0 = `origin`).
///
/// [`WorkCalendar::new`] builds tables over `[first_day - 30, last_day + 400]`; inside them
/// `is_working`, `count_wd`, `wd_index`, `add_wd`, `sub_wd` and `next_wd_on_or_after` are O(1).
/// Queries that reach outside the built range give the same answers, computed (slowly) from
/// the rules: counts in O(years), walks in O(days beyond the table edge).
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    region: Region,
    origin: NaiveDate,
    /// Day index of the first built day.
    base: i32,
    /// `cum[i]` = working days in `[base, base + i)`; one entry more than built days.
    cum: Vec<i32>,
    /// Day indices of the built range's working days, ascending: `wds[cum[d - base]]` is the
    /// first working day `>= d`.
    wds: Vec<i32>,
}

impl WorkCalendar {
    /// Builds the tables over `[min(first_day, last_day) - 30, max(first_day, last_day) + 400]`.
    pub fn new(region: Region, origin: NaiveDate, first_day: i32, last_day: i32) -> WorkCalendar {
        let base = first_day.min(last_day).saturating_sub(30);
        let end = first_day.max(last_day).saturating_add(400);
        let start = shift(origin, base.into());
        let holidays: Vec<NaiveDate> = raw_holidays(region, start, shift(origin, end.into())).map(|h| h.date).collect();
        let mut cum = Vec::with_capacity((i64::from(end) - i64::from(base) + 2) as usize);
        let mut wds = Vec::new();
        cum.push(0);
        for (day, date) in (base..=end).zip(start.iter_days()) {
            let working = region == Region::None || !(is_weekend(date) || holidays.binary_search(&date).is_ok());
            if working {
                wds.push(day);
            }
            cum.push(wds.len() as i32);
        }
        WorkCalendar { region, origin, base, cum, wds }
    }

    pub fn region(&self) -> Region {
        self.region
    }

    pub fn origin(&self) -> NaiveDate {
        self.origin
    }

    /// The built (fast) range of day indices, inclusive.
    pub fn built_range(&self) -> (i32, i32) {
        (self.base, self.base + self.cum.len() as i32 - 2)
    }

    /// `origin + day`.
    pub fn date(&self, day: i32) -> NaiveDate {
        shift(self.origin, day.into())
    }

    /// Day index of `date` (inverse of [`WorkCalendar::date`]).
    pub fn day_of(&self, date: NaiveDate) -> i32 {
        (date - self.origin).num_days() as i32
    }

    /// `cum` at `day`, if `day` is within `[base, base + built days]`.
    fn cum_at(&self, day: i64) -> Option<i64> {
        let i = usize::try_from(day - i64::from(self.base)).ok()?;
        self.cum.get(i).map(|&c| c.into())
    }

    fn is_working_at(&self, day: i64) -> bool {
        match (self.cum_at(day), self.cum_at(day + 1)) {
            (Some(a), Some(b)) => b > a,
            _ => is_working_day(self.region, shift(self.origin, day)),
        }
    }

    /// Working days in `[base, day)`, negative for days before the table.
    fn index_at(&self, day: i64) -> i64 {
        if let Some(k) = self.cum_at(day) {
            return k;
        }
        let end = i64::from(self.base) + self.cum.len() as i64 - 1;
        let date = shift(self.origin, day);
        if day > end {
            let last = i64::from(*self.cum.last().unwrap_or(&0));
            last + count_working_days(self.region, shift(self.origin, end), date)
        } else {
            -count_working_days(self.region, date, shift(self.origin, self.base.into()))
        }
    }

    /// The working day `w` with `index_at(w) == q` (the q-th working day, 0-based, from `base`).
    fn nth_wd(&self, q: i64) -> i32 {
        if let Some(&w) = usize::try_from(q).ok().and_then(|i| self.wds.get(i)) {
            return w;
        }
        let len = self.wds.len() as i64;
        let (anchor, steps) = match (q < 0, self.wds.first(), self.wds.last()) {
            (true, Some(&first), _) => (i64::from(first), q),
            (false, _, Some(&last)) => (i64::from(last), q - len + 1),
            (true, None, _) => (i64::from(self.base), q),
            (false, _, None) => (i64::from(self.base) - 1, q + 1),
        };
        let date = RuleCal::new(self.region).step(shift(self.origin, anchor), steps);
        self.day_of(date)
    }

    /// Moves `n` working days: n > 0 as [`WorkCalendar::add_wd`], n < 0 as [`WorkCalendar::sub_wd`].
    fn shift_wd(&self, day: i64, n: i64) -> i32 {
        if n > 0 { self.nth_wd(self.index_at(day + 1) + n - 1) } else { self.nth_wd(self.index_at(day) + n) }
    }

    /// True unless `day` is a weekend day or a bank holiday.
    pub fn is_working(&self, day: i32) -> bool {
        self.is_working_at(day.into())
    }

    /// Number of working days d with `from <= d < to` (0 if `to <= from`).
    pub fn count_wd(&self, from: i32, to: i32) -> i32 {
        if to <= from {
            return 0;
        }
        (self.index_at(to.into()) - self.index_at(from.into())) as i32
    }

    /// The first working day `>= day`.
    pub fn next_wd_on_or_after(&self, day: i32) -> i32 {
        self.nth_wd(self.index_at(day.into()))
    }

    /// The n-th working day strictly after `day`: Friday + 1 = Monday, Saturday + 1 = Monday,
    /// Monday + 1 = Tuesday; equivalently the working day `w` with `count_wd(day + 1, w + 1) == n`.
    /// `n = 0` gives [`WorkCalendar::next_wd_on_or_after`]; `n < 0` is `sub_wd(day, -n)`.
    pub fn add_wd(&self, day: i32, n: i32) -> i32 {
        if n == 0 { self.next_wd_on_or_after(day) } else { self.shift_wd(day.into(), n.into()) }
    }

    /// The n-th working day strictly before `day` (Monday - 1 = Friday). `n = 0` returns `day`
    /// unchanged (even if it is not a working day); `n < 0` is `add_wd(day, -n)`.
    pub fn sub_wd(&self, day: i32, n: i32) -> i32 {
        if n == 0 { day } else { self.shift_wd(day.into(), -i64::from(n)) }
    }

    /// Number of working days in `[first built day, day)`; negative for days before the built
    /// range. Monotone, with `count_wd(a, b) == wd_index(b) - wd_index(a)` for `a <= b`.
    pub fn wd_index(&self, day: i32) -> i64 {
        self.index_at(day.into())
    }

    /// True if `other` is in `(day, add_wd(day, n)]`: after `day` and no later than the n-th
    /// working day after it. Always false for `n <= 0`.
    pub fn within_next_wd(&self, day: i32, other: i32, n: i32) -> bool {
        n > 0 && other > day && other <= self.add_wd(day, n)
    }

    /// Working minutes elapsed up to absolute minute `t` (`t = day * 1440 + minute_of_day`):
    /// `wd_index(day) * 1440 + (minute_of_day if day is a working day, else 0)`.
    pub fn working_minutes_at(&self, t: i64) -> i64 {
        let (day, minute) = (t.div_euclid(MINUTES_PER_DAY), t.rem_euclid(MINUTES_PER_DAY));
        let within = if self.is_working_at(day) { minute } else { 0 };
        self.index_at(day) * MINUTES_PER_DAY + within
    }

    /// The earliest minute `t' >= t` with
    /// `working_minutes_at(t') == working_minutes_at(t) + work_minutes`; `t` if `work_minutes <= 0`.
    ///
    /// Non-working days are skipped (Friday 08:00 plus 1440 is Monday 08:00); work started on a
    /// non-working day begins at 00:00 of the next working day; work that ends exactly at the end
    /// of a working day ends at 00:00 of the following calendar day (Thursday 00:00 plus 1440 is
    /// Friday 00:00, even if Friday is a holiday). For [`Region::None`] the result is exactly
    /// `t + work_minutes`.
    pub fn add_working_minutes(&self, t: i64, work_minutes: i64) -> i64 {
        if work_minutes <= 0 {
            return t;
        }
        let target = self.working_minutes_at(t) + work_minutes;
        let (q, r) = (target.div_euclid(MINUTES_PER_DAY), target.rem_euclid(MINUTES_PER_DAY));
        if r > 0 {
            i64::from(self.nth_wd(q)) * MINUTES_PER_DAY + r
        } else {
            (i64::from(self.nth_wd(q - 1)) + 1) * MINUTES_PER_DAY
        }
    }
}
