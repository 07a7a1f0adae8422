//! One installation's mutable state during the simulation of one option, in one compact record.

use crate::metrics::{Stage, Tracked};

/// Where an installation is in its life. Every dormant installation is in exactly one of the dormant phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// A supplier that can operate its SMSO serves it (or only some of its fuels are dormant, R4).
    Active,
    /// Dormant; its DMC is not yet on the EPCL (R2).
    AwaitingEpcl,
    /// Dormant and eligible; waiting before its notice (registration lag, the route's pre-notice wait, R5) or for
    /// a migration day with capacity left in DCC's ledger.
    AwaitingNotice,
    /// Notice sent for a booked migration day; SMSO configuration and the pre-migration check ahead.
    Notified,
    /// The planned migration day came before the SMSO configuration finished (R6); re-planned once it is done.
    AwaitingConfig,
    /// Passed the CoS check; in DCC's migration file for its booked day.
    Queued,
    /// Migration halted by the CoS check (R8); re-planned at the new SSD.
    Halted,
    /// Too many failed firmware or migration attempts; stays dormant (R7).
    Excluded,
    /// Migrated into DCC: any DCC-ready supplier can operate it; it cannot go dormant again.
    Migrated,
}

impl Phase {
    pub fn is_dormant(self) -> bool {
        !matches!(self, Phase::Active | Phase::Migrated)
    }

    /// Notice sent and migration not yet done: a CoS now is an in-flight switch (R19).
    pub fn is_in_flight(self) -> bool {
        matches!(self, Phase::Notified | Phase::AwaitingConfig | Phase::Queued)
    }
}

/// "No day" for optional day fields.
pub const NO_DAY: i32 = i32::MIN;

/// Bits of [`SiteState::flags`].
pub mod flag {
    /// SMSO configuration done in the current episode (the firmware stays configured if a plan is re-made).
    pub const CONFIGURED: u8 = 1;
    /// The current plan follows a fast-track route.
    pub const FAST_TRACK: u8 = 1 << 1;
    /// Migrated, but smart service not yet back: a supplier not SMETS1 ready (R12) or certificates not yet
    /// updated (R13).
    pub const SERVICE_PENDING: u8 = 1 << 2;
    /// Removed from the active programme at a gaining supplier's request (R10).
    pub const ACTIVE_REMOVED: u8 = 1 << 3;
    /// Migrated on the dormant route (not by the active programme).
    pub const DORMANT_MIGRATED: u8 = 1 << 4;
    /// The second clock has been recorded for this installation's migration (a later loss is not a new clock).
    pub const RESTORED_ONCE: u8 = 1 << 5;
    /// Some but not all fuels dormant (R4: partial loss of smart function).
    pub const PARTIAL: u8 = 1 << 6;
    /// Dormant at some time during the run.
    pub const EVER_DORMANT: u8 = 1 << 7;
}

/// Everything one option keeps about one installation, in one record (76 bytes), so that an event about an
/// installation reads one place in memory: at GB scale each such read is a cache miss, and the simulation waits
/// for memory more than it computes (docs/performance.md). Days are `i32` (the horizon may reach 100 years);
/// yes/no facts are bits of `flags`.
#[derive(Debug, Clone, Copy)]
pub struct SiteState {
    pub phase: Phase,
    /// Bumped whenever the site's plan is cancelled; events carrying an older epoch are ignored.
    pub epoch: u16,
    /// Fuel bits whose supplier cannot operate the SMSO.
    pub dormant_fuels: u8,
    pub elec_supplier: u8,
    pub gas_supplier: u8,
    /// Option whose timeline the current plan follows.
    pub route: u8,
    /// Failed firmware / migration attempts in the current episode (across re-plans).
    pub firmware_failures: u8,
    pub migration_failures: u8,
    /// Streams used so far (index of the next firmware / migration draw; common across options).
    pub firmware_draws: u16,
    pub migration_draws: u16,
    /// Routings so far (stream index for pre-notice waits).
    pub plans: u16,
    /// Day the current dormancy episode started (SSD, R1), may be negative for the backlog.
    pub dormant_since: i32,
    /// Planned migration day of the current plan (after a migration: the day it happened).
    pub migration_day: i32,
    /// The day booked in DCC's ledger for the current plan (`NO_DAY` = none held).
    pub booked_day: i32,
    /// First migration day notified in this episode (`NO_DAY` = no notice yet), and why it was not kept.
    pub notified_day: i32,
    pub missed: Option<Stage>,
    /// Minute the current plan first asked the SMSO to configure (for the firmware wait); minutes since the
    /// origin fit in 32 bits for any horizon the scenario accepts (36 500 days ≈ 53 M minutes).
    pub firmware_requested_at: i32,
    /// What the episode is waiting for now (its dormancy decomposition) and since which day.
    pub stage: Stage,
    pub stage_since: i32,
    /// Working days dormant within the horizon, all episodes (for paired comparisons).
    pub dormant_wd_total: u32,
    /// Dormancy episodes so far (stream index for per-episode draws).
    pub episode: u16,
    /// Draws of the certificate-update lag so far (one per supplier change after migration).
    pub service_draws: u8,
    /// R11: the day the losing supplier will have switched the prepayment meter to credit mode (`NO_DAY` = not
    /// pending), and which supplier that is.
    pub mode_switch_day: i32,
    pub mode_switch_by: u8,
    /// Yes/no facts, [`flag`] bits.
    flags: u8,
    /// The tracked episode (the installation's first): population and decomposition.
    pub tracked: Tracked,
}

impl SiteState {
    pub fn new(elec_supplier: u8, gas_supplier: u8) -> Self {
        Self {
            phase: Phase::Active,
            epoch: 0,
            dormant_fuels: 0,
            elec_supplier,
            gas_supplier,
            route: 0,
            firmware_failures: 0,
            migration_failures: 0,
            firmware_draws: 0,
            migration_draws: 0,
            plans: 0,
            dormant_since: 0,
            migration_day: 0,
            booked_day: NO_DAY,
            notified_day: NO_DAY,
            missed: None,
            firmware_requested_at: 0,
            stage: Stage::EpclWait,
            stage_since: 0,
            dormant_wd_total: 0,
            episode: 0,
            service_draws: 0,
            mode_switch_day: NO_DAY,
            mode_switch_by: 0,
            flags: 0,
            tracked: Tracked::default(),
        }
    }

    /// Is `bit` (a [`flag`]) set?
    #[inline]
    pub fn has(&self, bit: u8) -> bool {
        self.flags & bit != 0
    }

    /// Set or clear `bit` (a [`flag`]).
    #[inline]
    pub fn set(&mut self, bit: u8, on: bool) {
        if on { self.flags |= bit } else { self.flags &= !bit }
    }

    /// Cancel everything planned: pending events become stale. Firmware configuration, once done, stays done.
    pub fn cancel_plan(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Close the episode: cancel the plan and forget its configuration, failure counts and notified date.
    pub fn reset_episode(&mut self) {
        self.cancel_plan();
        self.set(flag::CONFIGURED, false);
        self.firmware_failures = 0;
        self.migration_failures = 0;
        self.notified_day = NO_DAY;
        self.missed = None;
    }
}

/// Installations per chunk of [`Sites`]: 2^19, so a chunk of states is ≈ 40 MB, above the largest size below which
/// glibc's allocator keeps freed memory for reuse instead of returning it to the system (its mmap threshold, at most
/// 32 MiB): a chunk freed while the outcome is taken out really leaves memory. With 2^16 (≈ 5 MB) the peak grew by
/// ≈ 300 MB at GB scale.
const CHUNK_BITS: u32 = 19;

/// Every installation's [`SiteState`] for one option, stored in chunks of 2^19 so that the option's outcome can
/// be taken out chunk by chunk, each chunk freed as soon as it is read: the states (76 bytes an installation) and
/// the outcome (24 bytes) are never both whole in memory. Indexing costs one extra load from a table of a few
/// dozen chunk pointers, which stays in the L1 cache.
#[derive(Default)]
pub struct Sites {
    chunks: Vec<Box<[SiteState]>>,
    len: usize,
}

impl Sites {
    /// The states of `n` installations made by `f(i)`.
    pub fn new(n: usize, mut f: impl FnMut(usize) -> SiteState) -> Self {
        let size = 1usize << CHUNK_BITS;
        let chunks = (0..n.div_ceil(size)).map(|c| (c * size..n.min((c + 1) * size)).map(&mut f).collect()).collect();
        Self { chunks, len: n }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Start loading installation `i`'s state into cache (see [`crate::engine::prefetch`]).
    #[inline(always)]
    pub fn prefetch(&self, i: usize) {
        if let Some(chunk) = self.chunks.get(i >> CHUNK_BITS) {
            crate::engine::prefetch(chunk, i & ((1 << CHUNK_BITS) - 1));
        }
    }

    /// Every state, in installation order.
    pub fn iter(&self) -> impl Iterator<Item = &SiteState> {
        self.chunks.iter().flat_map(|c| c.iter())
    }

    /// What the option's outcome keeps of each installation, in installation order, `f` called once per state;
    /// each chunk is freed once read.
    pub fn drain_into<T>(self, mut f: impl FnMut(&SiteState) -> T) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len);
        for chunk in self.chunks {
            out.extend(chunk.iter().map(&mut f));
        }
        out
    }
}

impl std::ops::Index<usize> for Sites {
    type Output = SiteState;
    #[inline(always)]
    fn index(&self, i: usize) -> &SiteState {
        &self.chunks[i >> CHUNK_BITS][i & ((1 << CHUNK_BITS) - 1)]
    }
}

impl std::ops::IndexMut<usize> for Sites {
    #[inline(always)]
    fn index_mut(&mut self, i: usize) -> &mut SiteState {
        &mut self.chunks[i >> CHUNK_BITS][i & ((1 << CHUNK_BITS) - 1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installation_s_state_fits_in_76_bytes() {
        // 7 day/minute fields and the dormant-WD counter (32 bytes), the tracked episode (20), five u16 counters
        // (10), eleven one-byte fields and the flags (12): 74, padded to the 4-byte alignment.
        assert_eq!(size_of::<SiteState>(), 76);
    }

    #[test]
    fn sites_across_chunk_boundaries_are_indexed_and_drained_in_installation_order() {
        // 2^16 + 5 installations: one full chunk and a partial one.
        let n = (1 << CHUNK_BITS) + 5;
        let mut sites = Sites::new(n, |i| SiteState::new((i % 251) as u8, 0));
        sites[n - 1].episode = 7;
        sites[1 << CHUNK_BITS].episode = 9;
        assert_eq!(sites.len(), n);
        assert_eq!(sites.iter().filter(|s| s.episode > 0).count(), 2);
        let suppliers = sites.drain_into(|s| (s.elec_supplier, s.episode));
        assert_eq!(suppliers.len(), n);
        assert!(suppliers.iter().enumerate().all(|(i, s)| s.0 == (i % 251) as u8));
        assert_eq!((suppliers[1 << CHUNK_BITS].1, suppliers[n - 1].1, suppliers[n - 2].1), (9, 7, 0));
    }

    #[test]
    fn flags_are_independent_bits() {
        let mut st = SiteState::new(0, 0);
        st.set(flag::PARTIAL, true);
        st.set(flag::CONFIGURED, true);
        st.set(flag::PARTIAL, false);
        assert!(st.has(flag::CONFIGURED) && !st.has(flag::PARTIAL) && !st.has(flag::EVER_DORMANT));
    }
}
