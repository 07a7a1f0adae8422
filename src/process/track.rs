//! Each installation's tracked episode (its backlog episode, or its first that began in the run): which population
//! it belongs to and, stage by stage, what its dormant working days were spent waiting for. The stages of an
//! episode add up to its dormancy inside the horizon, so the decomposition of a mean is exact.

use super::Sim;
use super::site::NO_DAY;
use crate::metrics::{EpisodeEnd, Population, Stage, Tracked};

impl Sim<'_> {
    /// The population of an episode starting on `day` (the same under every option).
    pub(super) fn population(&self, site: u32, day: i32) -> Population {
        let epcl = self.s.dmcs[self.installation(site).dmc as usize].epcl_day.unwrap_or(i32::MAX);
        if day < 0 {
            Population::Backlog
        } else if epcl > day {
            Population::AwaitedEpcl
        } else if day < self.policy_start_day {
            Population::PrePolicy
        } else {
            Population::FastTrackEligible
        }
    }

    /// The first episode of an installation is the one tracked.
    fn is_tracked(&self, site: u32) -> bool {
        self.sites[site as usize].episode == 1
    }

    /// A new episode starts on `day` in `stage`.
    pub(super) fn start_tracking(&mut self, site: u32, day: i32, stage: Stage) {
        let st = &mut self.sites[site as usize];
        st.stage = stage;
        st.stage_since = day;
        let supplier = st.elec_supplier;
        if self.is_tracked(site) {
            let population = self.population(site, day);
            self.sites[site as usize].tracked = Tracked::new(day, population, supplier);
        }
    }

    /// Count the working days since the current stage began, up to `day` (inside the horizon).
    fn flush_stage(&mut self, site: u32, day: i32) {
        let (since, tracked) = (self.sites[site as usize].stage_since, self.is_tracked(site));
        let wd = if tracked {
            let (a, b) = self.clip(since, day);
            self.cal.count_wd(a, b).max(0) as u32
        } else {
            0
        };
        let st = &mut self.sites[site as usize];
        if tracked {
            let slot = &mut st.tracked.stage_wd[st.stage as usize];
            *slot = (u32::from(*slot) + wd).min(u32::from(u16::MAX)) as u16;
        }
        st.stage_since = since.max(day);
    }

    /// From today the episode waits for `stage`; after a disruption the rest of the episode stays with it.
    pub(super) fn set_stage(&mut self, site: u32, stage: Stage) {
        self.flush_stage(site, self.today());
        let st = &mut self.sites[site as usize];
        if !st.stage.is_disruption() {
            st.stage = stage;
        }
    }

    /// The notified date will not be kept, for `reason` (the first reason of the episode is the one kept).
    pub(super) fn miss_notified_date(&mut self, site: u32, reason: Stage) {
        let st = &mut self.sites[site as usize];
        if st.notified_day() != NO_DAY && st.missed.is_none() {
            st.missed = Some(reason);
        }
        self.set_stage(site, reason);
    }

    /// The episode ends on `day` (or is censored at the horizon): add the tracked one to its population.
    pub(super) fn close_tracked(&mut self, site: u32, day: i32, end: EpisodeEnd) {
        if !self.is_tracked(site) {
            return;
        }
        self.flush_stage(site, day);
        let t = &mut self.sites[site as usize].tracked;
        t.set_end(end);
        self.metrics.populations[t.population() as usize].add(t);
    }

    /// A successful dormant migration on `day`: was it on the first notified date, and if not, why not.
    pub(super) fn record_notified_date(&mut self, site: u32, day: i32) {
        let st = self.sites[site as usize];
        if st.notified_day() == NO_DAY || day < 0 || day >= self.horizon() {
            return;
        }
        let n = &mut self.metrics.notified;
        n.migrations += 1;
        match st.missed {
            None if day == st.notified_day() => n.kept += 1,
            // Moved without a recorded reason: only capacity could do that (never, with booked notices).
            None => n.missed[Stage::Capacity as usize] += 1,
            Some(reason) => n.missed[reason as usize] += 1,
        }
    }
}
