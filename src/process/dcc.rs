//! DCC's side: the pre-migration CoS check (R8), the daily migration batch with its capacity shared between
//! dormant migrations and the active programme, migration failures, retries and exclusion (R7).
//!
//! Allocation rule, each working day with capacity C (see `ledger.rs`): dormant migrations take the slots booked
//! for the day (at most `dcc.dormant_share` × C, booked when their notices went out); the active programme takes
//! everything else, including booked slots given back by cancelled plans.

use super::site::{NO_DAY, flag};
use super::{ACTIVE_MINUTE, BATCH_MINUTE, CHECK_MINUTE, Event, ManualCase, Phase, QueuedMigration, Sim};
use crate::engine::at;
use crate::metrics::Stage;
use crate::rng::Purpose;
use crate::scenario::{CheckScope, CosCheckWindow};
use rand::RngExt;

impl Sim<'_> {
    /// The check window for this installation's migration: under `all-routes` the option's own window applies to
    /// every dormant migration (the amended Table 5.10 text), otherwise the route's.
    fn check_window(&self, site: u32) -> CosCheckWindow {
        let option = &self.s.options[self.option];
        match option.cos_check_scope {
            CheckScope::AllRoutes => option.timeline.cos_check,
            CheckScope::OwnRoute => self.timeline(site).cos_check,
        }
    }

    /// R8: a switch registered by `as_of_day` with its SSD from the migration day to the end of the window.
    /// Devices holding the Null supplier certificate skip the check.
    fn cos_check_fails(&self, site: u32, as_of_day: i32, migration_day: i32) -> bool {
        if self.installation(site).null_certificate {
            return false;
        }
        let end = match self.check_window(site) {
            CosCheckWindow::CalendarDays(n) => migration_day + n,
            CosCheckWindow::WorkingDays(n) => self.cal.add_wd(migration_day, n),
        };
        self.ctx.history.registered_ssd_within(site, as_of_day, migration_day, end)
    }

    fn halt(&mut self, site: u32) {
        self.manual(ManualCase::CosCheckException, self.today());
        self.release_booking(site);
        let st = &mut self.sites[site as usize];
        st.cancel_plan();
        st.phase = Phase::Halted;
        self.miss_notified_date(site, Stage::Halt);
    }

    /// 20:00 on the working day before the planned migration: configuration done (R6) and the CoS check (R8).
    pub(super) fn on_migration_due(&mut self, site: u32, epoch: u16) {
        if !self.is_live(site, epoch) {
            return;
        }
        let st = &mut self.sites[site as usize];
        if !st.has(flag::CONFIGURED) {
            // The SLA was missed (or a failed attempt is being retried): DCC re-plans and re-notifies.
            st.phase = Phase::AwaitingConfig;
            let reason = if st.firmware_failures > 0 { Stage::Retry } else { Stage::FirmwareLate };
            self.release_booking(site);
            self.miss_notified_date(site, reason);
            self.manual(ManualCase::FirmwareReplan, self.today());
            return;
        }
        let migration_day = st.migration_day();
        if self.cos_check_fails(site, self.today(), migration_day) {
            self.halt(site);
            return;
        }
        self.sites[site as usize].phase = Phase::Queued;
        self.dcc_queue.push_back(QueuedMigration { site, epoch, day: migration_day });
        self.ensure_batch(migration_day);
    }

    pub(super) fn ensure_batch(&mut self, day: i32) {
        if self.batch_day.is_none_or(|d| d > day) {
            self.batch_day = Some(day);
            self.q.schedule(at(day, BATCH_MINUTE), Event::DccBatch);
        }
    }

    /// DCC's daily migration run (see the module doc for the allocation rule).
    pub(super) fn on_dcc_batch(&mut self) {
        let day = self.today();
        if self.batch_day == Some(day) {
            self.batch_day = None;
        }
        if self.budget_day != day {
            self.budget_day = day;
            self.budget_left = self.ledger.total(self.cal, day);
        }
        let used = self.migrate_dormant(day);
        self.budget_left = self.budget_left.saturating_sub(used);
        let used = self.migrate_active(day, self.budget_left);
        self.budget_left -= used;
        if let Some(next) = self.dcc_queue.front().map(|m| m.day) {
            self.ensure_batch(next.max(self.cal.add_wd(day, 1)));
        }
        if !self.active_queue.is_empty() {
            self.ensure_batch(self.cal.add_wd(day, 1));
        }
    }

    /// Every dormant migration booked for today (the ledger guarantees the capacity); returns how many.
    fn migrate_dormant(&mut self, day: i32) -> u64 {
        let mut used = 0;
        while self.dcc_queue.front().is_some_and(|m| m.day <= day) {
            let Some(m) = self.dcc_queue.pop_front() else { break };
            if let Some(ahead) = self.dcc_queue.get(super::PREFETCH_AHEAD) {
                self.prefetch_site(ahead.site);
            }
            if !self.is_live(m.site, m.epoch) {
                continue;
            }
            used += 1;
            self.metrics.record_dcc_attempt(day);
            self.sites[m.site as usize].set_booked_day(NO_DAY);
            self.attempt_dormant_migration(m.site, m.epoch, day);
        }
        used
    }

    /// Outcome of the installation's next migration attempt (its own stream: common to every option).
    fn migration_fails(&mut self, site: u32) -> bool {
        let st = &mut self.sites[site as usize];
        let draw = u32::from(st.migration_draws);
        st.migration_draws = st.migration_draws.wrapping_add(1);
        let mut rng = self.ctx.streams.rng(Purpose::MigrationOutcome, u64::from(site), draw);
        rng.random_bool(self.s.dcc.failure_probability)
    }

    fn attempt_dormant_migration(&mut self, site: u32, epoch: u16, day: i32) {
        if !self.migration_fails(site) {
            self.record_notified_date(site, day);
            self.end_dormancy(site, day, true);
            self.after_dormant_migration(site, day);
            return;
        }
        let dcc = &self.s.dcc;
        let st = &mut self.sites[site as usize];
        st.migration_failures = st.migration_failures.saturating_add(1);
        if u32::from(st.migration_failures) >= dcc.max_attempts {
            self.exclude(site, ManualCase::MigrationExclusion);
            return;
        }
        // The next migration file with capacity left, `retry_delay_wd` on at the earliest.
        let retry_day = self.ledger.first_free(self.cal, self.cal.add_wd(day, dcc.retry_delay_wd));
        self.book(site, retry_day);
        let st = &mut self.sites[site as usize];
        st.phase = Phase::Notified;
        st.set_migration_day(retry_day);
        self.miss_notified_date(site, Stage::Retry);
        let check_day = self.cal.sub_wd(retry_day, 1);
        self.q.schedule(at(check_day, CHECK_MINUTE), Event::MigrationDue { site, epoch });
    }

    // ----- the active migration programme ---------------------------------------------------------------------

    /// Release every installation whose programme day has come into the active queue; repeat next working day.
    pub(super) fn on_active_release(&mut self) {
        let day = self.today();
        let order = self.ctx.active_order;
        let released = order.released_by(day);
        if released > self.active_next {
            self.active_queue.extend(&order.sites[self.active_next..released]);
            self.active_next = released;
        }
        if !self.active_queue.is_empty() {
            self.ensure_batch(day);
        }
        if self.active_next < order.sites.len() {
            let next = self.cal.next_wd_on_or_after(order.day_at(self.active_next).max(day + 1));
            self.q.schedule(at(next, ACTIVE_MINUTE), Event::ActiveRelease);
        }
    }

    /// Up to `budget` active migrations; installations that went dormant, were migrated or were removed at their
    /// supplier's request (R10) meanwhile are skipped.
    fn migrate_active(&mut self, day: i32, budget: u64) -> u64 {
        let mut used = 0;
        while used < budget {
            let Some(site) = self.active_queue.pop_front() else { break };
            if let Some(&ahead) = self.active_queue.get(super::PREFETCH_AHEAD) {
                self.sites.prefetch(ahead as usize);
            }
            let st = &self.sites[site as usize];
            if st.phase != Phase::Active || st.has(flag::ACTIVE_REMOVED) {
                continue;
            }
            used += 1;
            self.metrics.record_dcc_attempt(day);
            if !self.migration_fails(site) {
                self.migrate_active_site(site, day);
                continue;
            }
            let st = &mut self.sites[site as usize];
            st.migration_failures = st.migration_failures.saturating_add(1);
            if u32::from(st.migration_failures) < self.s.dcc.max_attempts {
                let retry_day = self.cal.add_wd(day, self.s.dcc.retry_delay_wd);
                self.q.schedule(at(retry_day, ACTIVE_MINUTE), Event::ActiveRetry { site });
            }
        }
        used
    }

    fn migrate_active_site(&mut self, site: u32, day: i32) {
        self.partial_change(site, day, false);
        self.sites[site as usize].phase = Phase::Migrated;
        self.metrics.record_active_migration(day);
    }

    pub(super) fn on_active_retry(&mut self, site: u32) {
        let st = &self.sites[site as usize];
        if st.phase == Phase::Active && !st.has(flag::ACTIVE_REMOVED) {
            self.active_queue.push_back(site);
            self.ensure_batch(self.today());
        }
    }
}
