//! DCC's capacity ledger (R5, R6, R7, R14): a notice is issued only for a migration day on which DCC has booked
//! capacity, so a notified date is a date DCC can keep.
//!
//! Capacity per working day comes from `dcc.daily_capacity` c (simulated scale, possibly fractional): the k-th
//! working day of the run has C = ⌊c(k+1)⌋ − ⌊ck⌋ migration attempts, so any n consecutive working days hold
//! ⌊c·n⌋ ± 1. The allocation rule between the active programme and dormant migrations: dormant migrations are
//! guaranteed D = ⌊s·c(k+1)⌋ − ⌊s·ck⌋ (s = `dcc.dormant_share`); the active programme is guaranteed the rest,
//! C − D, as far as its demand for the day (the installations its schedule releases that day, known in advance as
//! suppliers submit migration demand under DCC's Migration Scaling Methodology) needs it; dormant notices may book
//! whatever that leaves: C − min(demand, C − D). On the day the active programme also takes every slot dormant
//! bookings leave unused. Fresh standard-route notices may be asked to leave a reserve for fast-track notices
//! (planned later: 8 WD ahead, not 15); see `plan.rs`. Non-working days have no capacity.

use crate::calendar::WorkCalendar;

#[derive(Debug, Clone)]
pub struct Ledger {
    /// Attempts per working day; `None` = unlimited.
    per_day: Option<f64>,
    dormant_share: f64,
    /// Active-programme installations released on each day (index = day ≥ 0).
    active_demand: Vec<u32>,
    /// Working-day index of day 0's first working day (the k of the formula is relative to it).
    first_wd: i64,
    booked: Vec<u32>,
}

/// ⌊x(k+1)⌋ − ⌊xk⌋: the k-th day's whole units when x units a day accrue (fractions carried).
fn units(x: f64, k: i64) -> u64 {
    if k < 0 {
        return 0;
    }
    ((x * (k + 1) as f64).floor() - (x * k as f64).floor()).max(0.0) as u64
}

impl Ledger {
    pub fn new(cal: &WorkCalendar, per_day: Option<f64>, dormant_share: f64, active_demand: Vec<u32>) -> Self {
        Self {
            per_day,
            dormant_share,
            active_demand,
            first_wd: cal.wd_index(cal.next_wd_on_or_after(0)),
            booked: Vec::new(),
        }
    }

    fn k(&self, cal: &WorkCalendar, day: i32) -> Option<i64> {
        cal.is_working(day).then(|| cal.wd_index(day) - self.first_wd)
    }

    /// All migration attempts DCC can make on `day` (dormant and active); `u64::MAX` when unlimited.
    pub fn total(&self, cal: &WorkCalendar, day: i32) -> u64 {
        match (self.per_day, self.k(cal, day)) {
            (None, _) => u64::MAX,
            (Some(_), None) => 0,
            (Some(c), Some(k)) => units(c, k),
        }
    }

    /// Dormant bookings allowed on `day` (see the module doc).
    fn allowance(&self, cal: &WorkCalendar, day: i32) -> u64 {
        match (self.per_day, self.k(cal, day)) {
            (None, Some(_)) => u64::MAX,
            (_, None) => 0,
            (Some(c), Some(k)) => {
                let total = units(c, k);
                let guaranteed = units(c * self.dormant_share, k).min(total);
                let demand = u64::from(self.active_demand.get(day.max(0) as usize).copied().unwrap_or(0));
                total - demand.min(total - guaranteed)
            }
        }
    }

    fn slot(v: &mut Vec<u32>, day: i32) -> &mut u32 {
        let i = day.max(0) as usize;
        if v.len() <= i {
            v.resize(i + 1, 0);
        }
        &mut v[i]
    }

    fn booked_on(v: &[u32], day: i32) -> u64 {
        v.get(day.max(0) as usize).copied().unwrap_or(0).into()
    }

    /// Dormant bookings held for `day`.
    pub fn booked(&self, day: i32) -> u64 {
        Self::booked_on(&self.booked, day)
    }

    /// Dormant bookings still possible on `day`, keeping `reserve` of the allowance free.
    pub fn free(&self, cal: &WorkCalendar, day: i32, reserve: u64) -> u64 {
        self.allowance(cal, day).saturating_sub(reserve).saturating_sub(self.booked(day))
    }

    pub fn book(&mut self, day: i32) {
        *Self::slot(&mut self.booked, day) += 1;
    }

    /// Give a booking back (its plan was cancelled before the day): the active programme may use the slot.
    pub fn release(&mut self, day: i32) {
        let b = Self::slot(&mut self.booked, day);
        *b = b.saturating_sub(1);
    }

    /// The first working day `>= from` with dormant capacity left (retries and re-plans: "as soon as possible").
    /// Gives up after ten years of full days and returns the day after, which has none booked either.
    pub fn first_free(&self, cal: &WorkCalendar, from: i32) -> i32 {
        let mut day = cal.next_wd_on_or_after(from);
        for _ in 0..2_600 {
            if self.free(cal, day, 0) > 0 {
                return day;
            }
            day = cal.add_wd(day, 1);
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Region;
    use chrono::NaiveDate;

    fn cal() -> WorkCalendar {
        WorkCalendar::new(Region::None, NaiveDate::from_ymd_opt(2021, 3, 1).unwrap(), 0, 100)
    }

    #[test]
    fn fractional_capacity_grants_the_floor_of_the_cumulative_capacity() {
        // 2.5 a day: days 0..4 get 2, 3, 2, 3 (⌊2.5·(k+1)⌋ − ⌊2.5·k⌋), 10 over four days.
        let c = cal();
        let l = Ledger::new(&c, Some(2.5), 1.0, vec![]);
        let days: Vec<u64> = (0..4).map(|d| l.total(&c, d)).collect();
        assert_eq!(days, vec![2, 3, 2, 3]);
    }

    #[test]
    fn a_reserve_keeps_part_of_the_allowance_free() {
        // 10 a day, all dormant, a reserve of 3: 7 bookings fill what is left; without the reserve 3 more fit.
        let c = cal();
        let mut l = Ledger::new(&c, Some(10.0), 1.0, vec![]);
        for _ in 0..7 {
            assert!(l.free(&c, 5, 3) > 0);
            l.book(5);
        }
        assert_eq!(l.free(&c, 5, 3), 0);
        assert_eq!(l.free(&c, 5, 0), 3);
        l.release(5);
        assert_eq!(l.free(&c, 5, 3), 1);
    }

    #[test]
    fn the_active_programme_keeps_its_share_only_as_far_as_its_demand_needs_it() {
        // 100 a day, dormant guaranteed 30: with an active demand of 50 dormant may book 50; with 90 (more than
        // the 70 the active programme is guaranteed) dormant keeps its 30; with no demand dormant may book all 100.
        let c = cal();
        let l = Ledger::new(&c, Some(100.0), 0.3, vec![50, 90, 0]);
        assert_eq!((0..3).map(|d| l.free(&c, d, 0)).collect::<Vec<_>>(), vec![50, 30, 100]);
    }

    #[test]
    fn first_free_skips_full_days() {
        let c = cal();
        let mut l = Ledger::new(&c, Some(1.0), 1.0, vec![]);
        l.book(3);
        assert_eq!(l.first_free(&c, 3), 4);
    }
}
