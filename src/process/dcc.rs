//! DCC's side: the pre-migration CoS check (R8), the daily migration batch with its capacity shared between
//! dormant migrations and the active programme, migration failures, retries and exclusion (R7).
//!
//! Allocation rule, each working day with capacity C: dormant migrations first, up to `dcc.dormant_share` × C;
//! then the active programme, up to what is left; then dormant migrations again with anything the active
//! programme did not use. Within each queue, first come first served.

use super::{ACTIVE_MINUTE, BATCH_MINUTE, CHECK_MINUTE, Event, ManualCase, Phase, QueuedMigration, Sim};
use crate::engine::{at, prefetch};
use crate::rng::Purpose;
use crate::scenario::CosCheckWindow;
use rand::RngExt;

impl Sim<'_> {
    /// R8: a switch registered by `as_of_day` with its SSD from the migration day to the end of the window.
    /// Devices holding the Null supplier certificate skip the check.
    fn cos_check_fails(&self, site: u32, as_of_day: i32, migration_day: i32) -> bool {
        if self.installation(site).null_certificate {
            return false;
        }
        let end = match self.timeline(site).cos_check {
            CosCheckWindow::CalendarDays(n) => migration_day + n,
            CosCheckWindow::WorkingDays(n) => self.cal.add_wd(migration_day, n),
        };
        self.ctx.history.registered_ssd_within(site, as_of_day, migration_day, end)
    }

    fn halt(&mut self, site: u32) {
        self.manual(ManualCase::CosCheckException, self.today());
        let st = &mut self.sites[site as usize];
        st.cancel_plan();
        st.phase = Phase::Halted;
    }

    pub(super) fn on_migration_due(&mut self, site: u32, epoch: u16) {
        if !self.is_live(site, epoch) {
            return;
        }
        let st = &mut self.sites[site as usize];
        if !st.configured {
            st.phase = Phase::AwaitingConfig;
            return;
        }
        let migration_day = st.migration_day;
        if self.cos_check_fails(site, self.today(), migration_day) {
            self.halt(site);
            return;
        }
        self.sites[site as usize].phase = Phase::Queued;
        self.dcc_queue.push_back(QueuedMigration { site, epoch, checked_for_day: migration_day });
        self.ensure_batch(migration_day);
    }

    fn ensure_batch(&mut self, day: i32) {
        if self.batch_day.is_none_or(|d| d > day) {
            self.batch_day = Some(day);
            self.q.schedule(at(day, BATCH_MINUTE), Event::DccBatch);
        }
    }

    /// Open the day's capacity once, however many batch events the day has.
    fn open_budget(&mut self, day: i32) {
        if self.budget_day != day {
            self.budget_day = day;
            self.budget_left = self.dcc_budget.open_day();
            self.dormant_left = if self.budget_left == u64::MAX {
                u64::MAX
            } else {
                (self.budget_left as f64 * self.s.dcc.dormant_share).round() as u64
            };
        }
    }

    /// DCC's daily migration run (see the module doc for the allocation rule).
    pub(super) fn on_dcc_batch(&mut self) {
        let day = self.today();
        if self.batch_day == Some(day) {
            self.batch_day = None;
        }
        self.open_budget(day);
        let reserved = self.dormant_left.min(self.budget_left);
        let used = self.migrate_dormant(day, reserved);
        self.dormant_left -= used;
        self.budget_left -= used;
        let used = self.migrate_active(day, self.budget_left);
        self.budget_left -= used;
        let used = self.migrate_dormant(day, self.budget_left);
        self.budget_left -= used;
        if !self.dcc_queue.is_empty() || !self.active_queue.is_empty() {
            self.ensure_batch(self.cal.add_wd(day, 1));
        }
    }

    /// Up to `budget` dormant migrations; returns how many were attempted.
    fn migrate_dormant(&mut self, day: i32, budget: u64) -> u64 {
        let mut used = 0;
        while used < budget {
            let Some(m) = self.dcc_queue.pop_front() else { break };
            if let Some(ahead) = self.dcc_queue.get(super::PREFETCH_AHEAD) {
                self.prefetch_site(ahead.site);
            }
            if !self.is_live(m.site, m.epoch) {
                continue;
            }
            // Carried over by capacity: re-check 24 hours before today's attempt.
            if m.checked_for_day < day && self.cos_check_fails(m.site, self.cal.sub_wd(day, 1), day) {
                self.halt(m.site);
                continue;
            }
            used += 1;
            self.metrics.record_dcc_attempt(day);
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
        let retry_day = self.cal.add_wd(day, dcc.retry_delay_wd);
        st.phase = Phase::Notified;
        st.migration_day = retry_day;
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

    /// Up to `budget` active migrations; installations that went dormant or were migrated meanwhile are skipped.
    fn migrate_active(&mut self, day: i32, budget: u64) -> u64 {
        let mut used = 0;
        while used < budget {
            let Some(site) = self.active_queue.pop_front() else { break };
            if let Some(&ahead) = self.active_queue.get(super::PREFETCH_AHEAD) {
                prefetch(&self.sites, ahead as usize);
            }
            if self.sites[site as usize].phase != Phase::Active {
                continue;
            }
            used += 1;
            self.metrics.record_dcc_attempt(day);
            if !self.migration_fails(site) {
                self.sites[site as usize].phase = Phase::Migrated;
                self.metrics.record_active_migration(day);
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

    pub(super) fn on_active_retry(&mut self, site: u32) {
        if self.sites[site as usize].phase == Phase::Active {
            self.active_queue.push_back(site);
            self.ensure_batch(self.today());
        }
    }
}
