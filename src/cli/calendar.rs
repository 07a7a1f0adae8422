//! `dormsim calendar`: bank holidays on weekdays in a range, or the number of working days.

use super::Failure;
use anyhow::anyhow;
use chrono::{Days, NaiveDate};
use clap::Args;
use dormsim::calendar::{FIRST_YEAR, LAST_YEAR, Region, bank_holidays, count_working_days, supported};

#[derive(Args)]
pub struct CalendarArgs {
    /// england-wales, scotland or none.
    #[arg(long, default_value = "england-wales", value_parser = parse_region)]
    region: Region,
    /// First day (YYYY-MM-DD, 1978–2099), inclusive.
    #[arg(long, value_parser = parse_date, allow_hyphen_values = true)]
    from: NaiveDate,
    /// Last day (YYYY-MM-DD, 1978–2099), inclusive.
    #[arg(long, value_parser = parse_date, allow_hyphen_values = true)]
    to: NaiveDate,
    /// Print only the number of working days from --from to --to inclusive.
    #[arg(long)]
    count: bool,
}

fn parse_region(s: &str) -> Result<Region, String> {
    Region::parse(s).ok_or_else(|| format!("unknown region `{s}` (england-wales, scotland, none)"))
}

/// A date the calendar describes: YYYY-MM-DD with a year from 1978 to 2099 (a signed or five-digit year, year 0
/// or `-0001` would otherwise be given invented holidays).
fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("expected YYYY-MM-DD, got `{s}`: {e}"))?;
    if !supported(date) || !s.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Err(format!(
            "`{s}` is outside the years the calendar describes ({FIRST_YEAR}–{LAST_YEAR}: the Early May bank holiday \
             began in 1978)"
        ));
    }
    Ok(date)
}

pub fn calendar(a: CalendarArgs) -> Result<(), Failure> {
    if a.to < a.from {
        return Err(Failure::input(anyhow!("--to ({}) is before --from ({})", a.to, a.from)));
    }
    if a.count {
        let after =
            a.to.checked_add_days(Days::new(1)).ok_or_else(|| Failure::input(anyhow!("--to is out of range")))?;
        println!("{}", count_working_days(a.region, a.from, after));
        return Ok(());
    }
    for h in bank_holidays(a.region, a.from, a.to) {
        println!("{}\t{}", h.date, h.name);
    }
    Ok(())
}
