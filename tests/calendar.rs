//! Tests of the GB working-day calendar against the published gov.uk bank-holiday lists and
//! against hand-computed working-day sums.

use chrono::{Datelike, NaiveDate, Weekday};
use dormsim::calendar::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// "MM-DD" of every bank holiday of `region` in `year`.
fn holiday_days(region: Region, year: i32) -> Vec<String> {
    let (from, to) = (d(&format!("{year}-01-01")), d(&format!("{year}-12-31")));
    let list = bank_holidays(region, from, to);
    list.iter().map(|h| h.date.format("%m-%d").to_string()).collect()
}

/// Name of the holiday of `region` on `date`, if any.
fn name_on(region: Region, date: &str) -> Option<String> {
    let day = d(date);
    bank_holidays(region, day, day).pop().map(|h| h.name)
}

/// Deterministic pseudo-random numbers (64-bit LCG, top bits).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: i32) -> i32 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as i32
    }
}

/// Independent oracle: the n-th working day strictly before `date`, walking day by day.
fn brute_sub(region: Region, mut date: NaiveDate, n: u32) -> NaiveDate {
    let mut left = n;
    while left > 0 {
        date = date.pred_opt().unwrap();
        if is_working_day(region, date) {
            left -= 1;
        }
    }
    date
}

/// Independent oracle: working days in [from, to), day by day.
fn brute_count(region: Region, from: NaiveDate, to: NaiveDate) -> i64 {
    from.iter_days().take_while(|&x| x < to).filter(|&x| is_working_day(region, x)).count() as i64
}

#[test]
fn england_and_wales_2019_matches_the_published_list() {
    // New Year Tue; Easter Sunday 21 Apr gives Good Friday 19 and Easter Monday 22; first and
    // last Mondays of May; last Monday of August; Christmas Wed and Boxing Day Thu.
    let expected = ["01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26"];
    assert_eq!(holiday_days(Region::EnglandWales, 2019), expected);
}

#[test]
fn england_and_wales_2020_matches_the_published_list() {
    // Easter 12 Apr (10 and 13 Apr); Early May moved from Mon 4 to Fri 8 May for VE day;
    // Christmas Fri 25, Boxing Day Sat 26 so its substitute is Mon 28.
    let expected = ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"];
    assert_eq!(holiday_days(Region::EnglandWales, 2020), expected);
}

#[test]
fn england_and_wales_2021_matches_the_published_list() {
    // New Year Fri; Easter 4 Apr (2 and 5 Apr); Christmas Sat and Boxing Day Sun give
    // substitutes Mon 27 and Tue 28.
    let expected = ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"];
    assert_eq!(holiday_days(Region::EnglandWales, 2021), expected);
}

#[test]
fn england_and_wales_2022_matches_the_published_list() {
    // New Year Sat -> Mon 3 Jan; Easter 17 Apr (15 and 18 Apr); Spring moved to Thu 2 Jun plus
    // the Platinum Jubilee Fri 3 Jun; State Funeral Mon 19 Sep; Christmas Sun: Boxing Day stays
    // Mon 26 and Christmas substitute is Tue 27.
    let expected = ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"];
    assert_eq!(holiday_days(Region::EnglandWales, 2022), expected);
}

#[test]
fn england_and_wales_2023_matches_the_published_list() {
    // New Year Sun -> Mon 2 Jan; Easter 9 Apr (7 and 10 Apr); Coronation Mon 8 May between
    // Early May (1 May) and Spring (29 May); Christmas Mon and Boxing Day Tue.
    let expected = ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"];
    assert_eq!(holiday_days(Region::EnglandWales, 2023), expected);
}

#[test]
fn scotland_2019_matches_the_published_list() {
    // 1 and 2 Jan Tue/Wed; Good Friday but no Easter Monday; first Monday of August 5 Aug;
    // St Andrew's Day Sat 30 Nov -> Mon 2 Dec.
    let expected = ["01-01", "01-02", "04-19", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26"];
    assert_eq!(holiday_days(Region::Scotland, 2019), expected);
}

#[test]
fn scotland_2020_matches_the_published_list() {
    // VE day Fri 8 May; first Monday of August 3 Aug; St Andrew's Mon 30 Nov; Boxing Day
    // Sat -> Mon 28 Dec.
    let expected = ["01-01", "01-02", "04-10", "05-08", "05-25", "08-03", "11-30", "12-25", "12-28"];
    assert_eq!(holiday_days(Region::Scotland, 2020), expected);
}

#[test]
fn scotland_2021_matches_the_published_list() {
    // New Year Fri; 2 Jan Sat -> Mon 4 Jan; first Monday of August 2 Aug; St Andrew's Tue;
    // Christmas/Boxing on the weekend -> Mon 27 and Tue 28.
    let expected = ["01-01", "01-04", "04-02", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"];
    assert_eq!(holiday_days(Region::Scotland, 2021), expected);
}

#[test]
fn scotland_2022_matches_the_published_list() {
    // New Year Sat -> Mon 3, 2 Jan Sun -> Tue 4; the Jubilee and Funeral days as in England;
    // first Monday of August 1 Aug; St Andrew's Wed; Christmas Sun -> 26 and 27 Dec.
    let expected = ["01-03", "01-04", "04-15", "05-02", "06-02", "06-03", "08-01", "09-19", "11-30", "12-26", "12-27"];
    assert_eq!(holiday_days(Region::Scotland, 2022), expected);
}

#[test]
fn scotland_2023_matches_the_published_list() {
    // New Year Sun: 2 Jan stays Mon 2 and New Year's substitute is Tue 3; Coronation 8 May;
    // first Monday of August 7 Aug; St Andrew's Thu.
    let expected = ["01-02", "01-03", "04-07", "05-01", "05-08", "05-29", "08-07", "11-30", "12-25", "12-26"];
    assert_eq!(holiday_days(Region::Scotland, 2023), expected);
}

#[test]
fn scotland_2026_has_the_one_off_world_cup_holiday_on_15_june_and_england_does_not() {
    // Issue 11. Scotland: New Year Thu, 2 Jan Fri; Easter 5 Apr (Good Friday 3 Apr, no Easter Monday); Early May
    // 4 May; Spring 25 May; one-off Mon 15 June; first Monday of August 3 Aug; St Andrew's Mon 30 Nov; Christmas Fri,
    // Boxing Day Sat -> Mon 28 Dec. England & Wales: Easter Monday 6 Apr, last Monday of August 31 Aug, no 15 June.
    let expected = ["01-01", "01-02", "04-03", "05-04", "05-25", "06-15", "08-03", "11-30", "12-25", "12-28"];
    assert_eq!(holiday_days(Region::Scotland, 2026), expected);
    let expected = ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"];
    assert_eq!(holiday_days(Region::EnglandWales, 2026), expected);
}

#[test]
fn holiday_names_follow_gov_uk_wording_including_substitute_days() {
    let ew = Region::EnglandWales;
    // Boxing Day 2020 fell on Saturday, so Monday 28 is its substitute.
    assert_eq!(name_on(ew, "2020-12-28").unwrap(), "Boxing Day (substitute day)");
    assert_eq!(name_on(ew, "2020-05-08").unwrap(), "Early May bank holiday (VE day)");
    // Christmas 2022 was a Sunday: Boxing Day keeps its own name on Mon 26.
    assert_eq!(name_on(ew, "2022-12-26").unwrap(), "Boxing Day");
    assert_eq!(name_on(ew, "2022-12-27").unwrap(), "Christmas Day (substitute day)");
    assert_eq!(name_on(ew, "2022-01-03").unwrap(), "New Year’s Day (substitute day)");
    assert_eq!(name_on(ew, "2022-09-19").unwrap(), "Bank holiday for the State Funeral of Queen Elizabeth II");
    assert_eq!(name_on(ew, "2023-05-08").unwrap(), "Bank holiday for the coronation of King Charles III");
    assert_eq!(name_on(ew, "2011-04-29").unwrap(), "Royal wedding");
    assert_eq!(name_on(ew, "2012-06-05").unwrap(), "Queen’s Diamond Jubilee");
    assert_eq!(name_on(ew, "2002-06-03").unwrap(), "Queen’s Golden Jubilee");
    assert_eq!(name_on(ew, "2022-06-03").unwrap(), "Platinum Jubilee bank holiday");
    assert_eq!(name_on(ew, "2022-06-02").unwrap(), "Spring bank holiday");
    let sc = Region::Scotland;
    assert_eq!(name_on(sc, "2022-01-04").unwrap(), "2nd January (substitute day)");
    assert_eq!(name_on(sc, "2023-01-02").unwrap(), "2nd January");
    assert_eq!(name_on(sc, "2023-01-03").unwrap(), "New Year’s Day (substitute day)");
    assert_eq!(name_on(sc, "2019-12-02").unwrap(), "St Andrew’s Day (substitute day)");
    assert_eq!(name_on(sc, "2021-08-02").unwrap(), "Summer bank holiday");
    // Easter Monday is not a Scottish bank holiday.
    assert_eq!(name_on(sc, "2021-04-05"), None);
}

#[test]
fn easter_sunday_matches_known_dates() {
    // Known Western Easter dates, including the earliest (22 Mar) and latest (25 Apr) possible.
    for date in
        ["2000-04-23", "2008-03-23", "2011-04-24", "2019-04-21", "2024-03-31", "2025-04-20", "2038-04-25", "2285-03-22"]
    {
        assert_eq!(easter_sunday(d(date).year()), d(date));
    }
}

#[test]
fn england_and_wales_have_eight_holidays_a_year_except_the_one_off_years() {
    for year in 2000..=2040 {
        // 8 regular days; 2002 (+Golden Jubilee, Spring moved), 2011 (+Royal wedding),
        // 2012 (+Diamond Jubilee, Spring moved) and 2023 (+Coronation) have 9; 2022
        // (+Platinum Jubilee, +State Funeral) has 10; 2020 only moved a day so keeps 8.
        let expected = match year {
            2002 | 2011 | 2012 | 2023 => 9,
            2022 => 10,
            _ => 8,
        };
        assert_eq!(holiday_days(Region::EnglandWales, year).len(), expected, "{year}");
    }
}

#[test]
fn scotland_has_eight_holidays_before_2007_and_nine_after_plus_the_one_offs() {
    for year in 2000..=2040 {
        // 8 regular days (no Easter Monday but 2 January); St Andrew's Day from 2007; one-offs
        // as in England and Wales, plus Scotland's own 15 June 2026.
        let regular = if year >= 2007 { 9 } else { 8 };
        let extra = match year {
            2002 | 2011 | 2012 | 2023 | 2026 => 1,
            2022 => 2,
            _ => 0,
        };
        assert_eq!(holiday_days(Region::Scotland, year).len(), regular + extra, "{year}");
    }
}

#[test]
fn st_andrews_day_is_a_scottish_holiday_only_from_2007() {
    // 30 Nov 2006 was a Thursday and a normal working day; 30 Nov 2007 (Friday) the first
    // St Andrew's Day bank holiday; England never has it.
    assert!(is_working_day(Region::Scotland, d("2006-11-30")));
    assert!(!is_working_day(Region::Scotland, d("2007-11-30")));
    assert!(is_working_day(Region::EnglandWales, d("2007-11-30")));
}

#[test]
fn the_millennium_and_its_new_year_substitute_are_holidays() {
    // 31 Dec 1999 was a one-off bank holiday; 1 Jan 2000 was a Saturday so Mon 3 Jan was its
    // substitute (and in Scotland 2 Jan, a Sunday, moved to Tue 4 Jan).
    assert!(!is_working_day(Region::EnglandWales, d("1999-12-31")));
    assert_eq!(holiday_days(Region::EnglandWales, 2000)[0], "01-03");
    assert_eq!(&holiday_days(Region::Scotland, 2000)[..2], ["01-03", "01-04"]);
}

#[test]
fn every_listed_holiday_is_a_non_working_weekday_and_the_list_is_sorted() {
    for region in [Region::EnglandWales, Region::Scotland] {
        let list = bank_holidays(region, d("2000-01-01"), d("2040-12-31"));
        assert!(list.windows(2).all(|w| w[0].date < w[1].date));
        for h in &list {
            assert!(!matches!(h.date.weekday(), Weekday::Sat | Weekday::Sun), "{h:?}");
            assert!(!is_working_day(region, h.date), "{h:?}");
        }
    }
    assert!(bank_holidays(Region::None, d("2000-01-01"), d("2040-12-31")).is_empty());
    assert!(bank_holidays(Region::EnglandWales, d("2020-12-31"), d("2020-01-01")).is_empty());
}

#[test]
fn two_weeks_across_easter_2020_have_eight_working_days() {
    // Mon 6 Apr .. Sun 19 Apr: 10 weekdays less Good Friday 10 Apr and Easter Monday 13 Apr.
    assert_eq!(count_working_days(Region::EnglandWales, d("2020-04-06"), d("2020-04-20")), 8);
    // Scotland has no Easter Monday: 10 - 1.
    assert_eq!(count_working_days(Region::Scotland, d("2020-04-06"), d("2020-04-20")), 9);
}

#[test]
fn the_christmas_fortnight_of_2020_has_seven_working_days() {
    // Mon 21 Dec .. Sun 3 Jan: 10 weekdays less Fri 25 Dec, Mon 28 Dec (Boxing Day substitute)
    // and Fri 1 Jan.
    assert_eq!(count_working_days(Region::EnglandWales, d("2020-12-21"), d("2021-01-04")), 7);
    // Adding Mon 4 Jan: a working day in England, but 2 January's substitute in Scotland.
    assert_eq!(count_working_days(Region::EnglandWales, d("2020-12-21"), d("2021-01-05")), 8);
    assert_eq!(count_working_days(Region::Scotland, d("2020-12-21"), d("2021-01-05")), 7);
}

#[test]
fn three_working_days_after_23_december_2020_is_30_december() {
    // Thu 24 is the 1st; Fri 25 (Christmas), the weekend and Mon 28 (Boxing Day substitute)
    // are skipped; Tue 29 is the 2nd and Wed 30 the 3rd.
    assert_eq!(add_working_days(Region::EnglandWales, d("2020-12-23"), 3), d("2020-12-30"));
}

#[test]
fn fifteen_working_days_after_1_april_2020_is_24_april() {
    // From Wed 1 Apr: 2, 3, 6, 7, 8, 9 Apr are 1st–6th; Good Friday 10 and Easter Monday 13
    // are skipped; 14, 15, 16, 17 are 7th–10th; 20, 21, 22, 23, 24 are 11th–15th.
    assert_eq!(add_working_days(Region::EnglandWales, d("2020-04-01"), 15), d("2020-04-24"));
}

#[test]
fn eight_working_days_after_1_may_2020_skip_the_moved_ve_day_holiday() {
    // From Fri 1 May: Mon 4 May is a working day in 2020 (the holiday moved); 4, 5, 6, 7 are
    // 1st–4th, Fri 8 (VE day) is skipped, 11, 12, 13, 14 are 5th–8th.
    assert_eq!(add_working_days(Region::EnglandWales, d("2020-05-01"), 8), d("2020-05-14"));
}

#[test]
fn scotland_and_england_differ_across_the_august_bank_holidays() {
    let (ew, sc) = (Region::EnglandWales, Region::Scotland);
    // Mon 2 Aug 2021 is Scotland's Summer bank holiday (first Monday) but not England's.
    assert_eq!(add_working_days(ew, d("2021-07-30"), 1), d("2021-08-02"));
    assert_eq!(add_working_days(sc, d("2021-07-30"), 1), d("2021-08-03"));
    // Mon 2 .. Fri 6 Aug: 5 working days in England, 4 in Scotland.
    assert_eq!(count_working_days(ew, d("2021-08-02"), d("2021-08-09")), 5);
    assert_eq!(count_working_days(sc, d("2021-08-02"), d("2021-08-09")), 4);
    // Mon 30 Aug 2021 (last Monday) is England's holiday only: Fri 27 + 1 differs the other way.
    assert_eq!(add_working_days(ew, d("2021-08-27"), 1), d("2021-08-31"));
    assert_eq!(add_working_days(sc, d("2021-08-27"), 1), d("2021-08-30"));
}

#[test]
fn region_none_makes_working_day_arithmetic_plain_day_arithmetic() {
    let none = Region::None;
    // Christmas Eve 2020 + 3 days = Sunday 27 Dec: weekends and holidays all count.
    assert_eq!(add_working_days(none, d("2020-12-24"), 3), d("2020-12-27"));
    assert_eq!(count_working_days(none, d("2020-12-21"), d("2021-01-04")), 14);
    assert!(is_working_day(none, d("2020-12-25")));
    let cal = WorkCalendar::new(none, d("2020-12-01"), 0, 60);
    for day in -100..200 {
        assert_eq!(cal.add_wd(day, 7), day + 7);
        assert_eq!(cal.sub_wd(day, 7), day - 7);
        assert_eq!(cal.add_wd(day, 0), day);
        assert_eq!(cal.count_wd(day, day + 10), 10);
    }
}

#[test]
fn adding_zero_working_days_rolls_forward_to_a_working_day() {
    let ew = Region::EnglandWales;
    // Sat 26 Dec 2020 -> Tue 29 (Sun 27, Mon 28 Boxing substitute); a Tuesday stays itself.
    assert_eq!(add_working_days(ew, d("2020-12-26"), 0), d("2020-12-29"));
    assert_eq!(add_working_days(ew, d("2020-12-29"), 0), d("2020-12-29"));
}

#[test]
fn work_calendar_steps_over_weekends_as_documented() {
    let cal = WorkCalendar::new(Region::EnglandWales, d("2021-03-01"), 0, 30);
    let (fri, sat, sun, mon) = (4, 5, 6, 7);
    assert_eq!(cal.date(0).weekday(), Weekday::Mon);
    assert_eq!(cal.date(fri).weekday(), Weekday::Fri);
    // Friday + 1 = Monday, Saturday + 1 = Monday, Monday + 1 = Tuesday.
    assert_eq!(cal.add_wd(fri, 1), mon);
    assert_eq!(cal.add_wd(sat, 1), mon);
    assert_eq!(cal.add_wd(mon, 1), mon + 1);
    // + 0 rolls a weekend day forward to Monday but leaves Friday alone.
    assert_eq!(cal.add_wd(sat, 0), mon);
    assert_eq!(cal.add_wd(fri, 0), fri);
    // Monday - 1 = Friday, Sunday - 1 = Friday, - 0 changes nothing.
    assert_eq!(cal.sub_wd(mon, 1), fri);
    assert_eq!(cal.sub_wd(sun, 1), fri);
    assert_eq!(cal.sub_wd(sat, 0), sat);
    assert_eq!(cal.next_wd_on_or_after(sun), mon);
    // Mon 1 .. Sun 7 Mar holds 5 working days, by count_wd and by wd_index differences; an
    // empty or reversed range counts 0.
    assert_eq!(cal.count_wd(0, 7), 5);
    assert_eq!(cal.wd_index(7) - cal.wd_index(0), 5);
    assert_eq!(cal.count_wd(7, 0), 0);
}

#[test]
fn work_calendar_converts_between_days_and_dates() {
    let cal = WorkCalendar::new(Region::Scotland, d("2022-06-01"), -10, 10);
    assert_eq!(cal.region(), Region::Scotland);
    assert_eq!(cal.origin(), d("2022-06-01"));
    assert_eq!(cal.built_range(), (-40, 410));
    assert_eq!(cal.date(-1), d("2022-05-31"));
    assert_eq!(cal.day_of(d("2023-06-01")), 365);
    for day in [-5000, -1, 0, 1, 5000] {
        assert_eq!(cal.day_of(cal.date(day)), day);
    }
}

#[test]
fn work_calendar_agrees_with_the_plain_date_functions() {
    let mut rng = Lcg(2024);
    for region in Region::ALL {
        let cal = WorkCalendar::new(region, d("2019-06-01"), -400, 2000);
        for _ in 0..1200 {
            // Mostly inside the built range [-430, 2400], sometimes outside it.
            let day = rng.below(3800) - 800;
            let (n, k) = (rng.below(40), rng.below(60));
            let date = cal.date(day);
            assert_eq!(cal.is_working(day), is_working_day(region, date));
            let expected = add_working_days(region, date, n as u32);
            assert_eq!(cal.date(cal.add_wd(day, n)), expected, "{region} {date} + {n}");
            let count = count_working_days(region, date, cal.date(day + k));
            assert_eq!(i64::from(cal.count_wd(day, day + k)), count);
            assert_eq!(count, brute_count(region, date, cal.date(day + k)));
            assert_eq!(cal.date(cal.sub_wd(day, n.max(1))), brute_sub(region, date, n.max(1) as u32));
        }
    }
}

#[test]
fn a_narrow_work_calendar_answers_like_a_wide_one_outside_its_table() {
    // The narrow table covers [-30, 400]; everything else falls back to the rules.
    let origin = d("2020-01-01");
    for region in Region::ALL {
        let narrow = WorkCalendar::new(region, origin, 0, 0);
        let wide = WorkCalendar::new(region, origin, -4500, 5000);
        let shift = wide.wd_index(0) - narrow.wd_index(0);
        for day in (-2500..3000).step_by(37) {
            assert_eq!(narrow.wd_index(day) + shift, wide.wd_index(day));
            for n in [0, 1, 7, 300, 900] {
                assert_eq!(narrow.add_wd(day, n), wide.add_wd(day, n), "{day} + {n}");
                assert_eq!(narrow.sub_wd(day, n), wide.sub_wd(day, n), "{day} - {n}");
                assert_eq!(narrow.count_wd(day, day + n), wide.count_wd(day, day + n));
            }
            let t = i64::from(day) * MINUTES_PER_DAY + 601;
            for m in [0, 1, 839, 1440, 5000, 500_000] {
                assert_eq!(narrow.add_working_minutes(t, m), wide.add_working_minutes(t, m));
            }
        }
    }
}

#[test]
fn add_count_and_sub_round_trip() {
    for region in [Region::EnglandWales, Region::Scotland] {
        let cal = WorkCalendar::new(region, d("2020-01-01"), 0, 1100);
        for day in (-20..1100).step_by(3) {
            for n in 1..25 {
                let w = cal.add_wd(day, n);
                // w is the n-th working day after day.
                assert!(w > day && cal.is_working(w));
                assert_eq!(cal.count_wd(day + 1, w + 1), n);
                // Going back n lands on the last working day <= day (day itself if working).
                let back = cal.sub_wd(w, n);
                assert!(back <= day && cal.is_working(back));
                assert_eq!(back == day, cal.is_working(day));
                let s = cal.sub_wd(day, n);
                assert!(s < day && cal.is_working(s));
                assert_eq!(cal.count_wd(s, day), n);
                assert_eq!(cal.add_wd(s, n), cal.next_wd_on_or_after(day));
                assert_eq!(cal.count_wd(day, day + n), (cal.wd_index(day + n) - cal.wd_index(day)) as i32);
                assert_eq!(cal.add_wd(day, -n), s);
            }
        }
    }
}

#[test]
fn within_next_wd_means_after_day_and_no_later_than_the_nth_working_day() {
    let cal = WorkCalendar::new(Region::EnglandWales, d("2020-12-01"), 0, 90);
    for day in 0..60 {
        for n in 1..6 {
            let last = cal.add_wd(day, n);
            for other in day - 3..day + 15 {
                let inside = other > day && other <= last;
                assert_eq!(cal.within_next_wd(day, other, n), inside);
            }
        }
        assert!(!cal.within_next_wd(day, day + 1, 0));
    }
    // Wed 23 Dec 2020 (day 22): the 2nd working day after it is Tue 29, so Mon 28 (the Boxing
    // Day substitute) and Tue 29 are "within the next 2 working days", Wed 30 is not.
    assert!(cal.within_next_wd(22, 27, 2) && cal.within_next_wd(22, 28, 2));
    assert!(!cal.within_next_wd(22, 29, 2));
}

/// Absolute minute of `date` at hh:mm on `cal`.
fn at(cal: &WorkCalendar, date: &str, hh: i64, mm: i64) -> i64 {
    i64::from(cal.day_of(d(date))) * MINUTES_PER_DAY + hh * 60 + mm
}

#[test]
fn working_minutes_skip_weekends_and_bank_holidays() {
    let cal = WorkCalendar::new(Region::EnglandWales, d("2020-12-01"), 0, 60);
    // Fri 18 Dec 08:00 + one working day = Mon 21 Dec 08:00 (weekend skipped).
    assert_eq!(cal.add_working_minutes(at(&cal, "2020-12-18", 8, 0), 1440), at(&cal, "2020-12-21", 8, 0));
    // Mon 21 09:00 + 3 working days = Thu 24 09:00.
    assert_eq!(cal.add_working_minutes(at(&cal, "2020-12-21", 9, 0), 3 * 1440), at(&cal, "2020-12-24", 9, 0));
    // Thu 24 08:00 + one working day: Fri 25 (Christmas), the weekend and Mon 28 (Boxing Day
    // substitute) are skipped, so Tue 29 08:00.
    assert_eq!(cal.add_working_minutes(at(&cal, "2020-12-24", 8, 0), 1440), at(&cal, "2020-12-29", 8, 0));
    // Thu 24 20:00 + 720: 240 minutes finish Thursday, the other 480 end Tue 29 08:00.
    assert_eq!(cal.add_working_minutes(at(&cal, "2020-12-24", 20, 0), 720), at(&cal, "2020-12-29", 8, 0));
    // Work started on Sat 26 begins at 00:00 of Tue 29: + 60 minutes = Tue 29 01:00.
    assert_eq!(cal.add_working_minutes(at(&cal, "2020-12-26", 10, 0), 60), at(&cal, "2020-12-29", 1, 0));
    // Ending exactly at the end of Thu 24 gives 00:00 of the next calendar day (Christmas).
    assert_eq!(cal.add_working_minutes(at(&cal, "2020-12-24", 0, 0), 1440), at(&cal, "2020-12-25", 0, 0));
    // Zero work takes no time.
    assert_eq!(cal.add_working_minutes(at(&cal, "2020-12-26", 10, 0), 0), at(&cal, "2020-12-26", 10, 0));
}

#[test]
fn working_minutes_are_consistent_with_add_working_minutes() {
    let cal = WorkCalendar::new(Region::Scotland, d("2022-11-01"), 0, 90);
    let mut rng = Lcg(7);
    let mut previous = i64::MIN;
    for t in (-2 * MINUTES_PER_DAY..100 * MINUTES_PER_DAY).step_by(97) {
        let now = cal.working_minutes_at(t);
        assert!(now >= previous, "working minutes must not decrease");
        previous = now;
        let m = i64::from(rng.below(10_000)) + 1;
        let end = cal.add_working_minutes(t, m);
        // The end is reached with exactly m more working minutes, and not one minute earlier.
        assert_eq!(cal.working_minutes_at(end), now + m);
        assert!(cal.working_minutes_at(end - 1) < now + m);
    }
}

#[test]
fn working_minutes_with_region_none_are_plain_minutes() {
    let cal = WorkCalendar::new(Region::None, d("2020-12-01"), 0, 30);
    for t in (-5000..90_000).step_by(131) {
        for m in [0, 1, 59, 1439, 1440, 1441, 100_000, 1_000_000] {
            assert_eq!(cal.add_working_minutes(t, m), t + m);
        }
    }
}

#[test]
fn regions_parse_print_and_serialize_with_kebab_case_names() {
    for region in Region::ALL {
        assert_eq!(Region::parse(region.name()), Some(region));
        let json = serde_json::to_string(&region).unwrap();
        assert_eq!(json, format!("\"{}\"", region.name()));
        assert_eq!(serde_json::from_str::<Region>(&json).unwrap(), region);
    }
    assert_eq!(Region::EnglandWales.name(), "england-wales");
    assert_eq!(Region::parse("wales"), None);
}
