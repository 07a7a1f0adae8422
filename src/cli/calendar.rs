//! `dormsim calendar`: bank holidays on weekdays in a range, or the number of working days.

use super::Failure;
use anyhow::anyhow;
use chrono::{Days, NaiveDate};
use clap::Args;
use dormsim::calendar::{Region, bank_holidays, count_working_days};

#[derive(Args)]
pub struct CalendarArgs {
    /// england-wales, scotland or none.
    #[arg(long, default_value = "england-wales", value_parser = parse_region)]
    region: Region,
    /// First day (YYYY-MM-DD), inclusive.
    #[arg(long, value_parser = parse_date)]
    from: NaiveDate,
    /// Last day (YYYY-MM-DD), inclusive.
    #[arg(long, value_parser = parse_date)]
    to: NaiveDate,
    /// Print only the number of working days from --from to --to inclusive.
    #[arg(long)]
    count: bool,
}

fn parse_region(s: &str) -> Result<Region, String> {
    Region::parse(s).ok_or_else(|| format!("unknown region `{s}` (england-wales, scotland, none)"))
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("expected YYYY-MM-DD, got `{s}`: {e}"))
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
