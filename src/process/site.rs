//! One installation's mutable state during the simulation of one option, in one 64-byte record (`SiteState`), and
//! every installation's, in chunks that can be freed one by one (`Sites`).

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

/// Everything one option keeps about one installation, in one 64-byte record aligned to a cache line, so that an
/// event about an installation reads exactly one line of memory: at GB scale each such read is a cache miss, and
/// the simulation waits for memory more than it computes (docs/performance.md). Days that can be before the run
/// are `i32`; planned days (never before day 0) are kept in 16 bits ([`Day16`]); yes/no facts are bits of `flags`.
/// R11's pending credit-mode switch, needed by few installations, is kept by the simulation in a side table.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
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
    migration_day: Day16,
    /// The day booked in DCC's ledger for the current plan (`NO_DAY` = none held).
    booked_day: Day16,
    /// First migration day notified in this episode (`NO_DAY` = no notice yet), and why it was not kept.
    notified_day: Day16,
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
            migration_day: Day16::new(0),
            booked_day: Day16::NONE,
            notified_day: Day16::NONE,
            missed: None,
            firmware_requested_at: 0,
            stage: Stage::EpclWait,
            stage_since: 0,
            dormant_wd_total: 0,
            episode: 0,
            service_draws: 0,
            flags: 0,
            tracked: Tracked::default(),
        }
    }

    /// Planned migration day of the current plan (after a migration: the day it happened).
    #[inline]
    pub fn migration_day(&self) -> i32 {
        self.migration_day.get()
    }

    #[inline]
    pub fn set_migration_day(&mut self, day: i32) {
        self.migration_day = Day16::new(day);
    }

    /// The day booked in DCC's ledger for the current plan (`NO_DAY` = none held).
    #[inline]
    pub fn booked_day(&self) -> i32 {
        self.booked_day.get()
    }

    #[inline]
    pub fn set_booked_day(&mut self, day: i32) {
        self.booked_day = Day16::new(day);
    }

    /// First migration day notified in this episode (`NO_DAY` = no notice yet).
    #[inline]
    pub fn notified_day(&self) -> i32 {
        self.notified_day.get()
    }

    #[inline]
    pub fn set_notified_day(&mut self, day: i32) {
        self.notified_day = Day16::new(day);
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
        self.notified_day = Day16::NONE;
        self.missed = None;
    }
}

/// A day of the run that is never before day 0, or `NO_DAY`, in 16 bits: 0 = `NO_DAY`, d + 1 = day d. Planned
/// and booked migration days lie between day 0 and the horizon (at most 36 500 days, `run.horizon_days`) plus DCC's
/// longest search for a free day (2 600 working days, `Ledger::first_free`), so below 40 500, well inside 65 534.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Day16(u16);

impl Day16 {
    const NONE: Day16 = Day16(0);

    #[inline]
    fn new(day: i32) -> Self {
        if day == NO_DAY {
            return Self::NONE;
        }
        let stored = u16::try_from(day).ok().and_then(|d| d.checked_add(1));
        Day16(stored.expect("a planned day lies between 0 and the horizon plus ten years"))
    }

    #[inline]
    fn get(self) -> i32 {
        if self.0 == 0 { NO_DAY } else { i32::from(self.0) - 1 }
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
pub(super) struct Sites {
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

    /// Start loading installation `i`'s state into cache (see [`crate::engine::prefetch`]).
    #[inline(always)]
    pub fn prefetch(&self, i: usize) {
        if let Some(chunk) = self.chunks.get(i >> CHUNK_BITS) {
            crate::engine::prefetch(chunk, i & ((1 << CHUNK_BITS) - 1));
        }
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
    fn an_installation_s_state_is_one_cache_line() {
        // 4 i32 day/minute fields and the dormant-WD counter (20 bytes), the tracked episode (20), five u16
        // counters and three 16-bit days (16), six one-byte fields and the flags (7): 63, in a 64-byte line.
        assert_eq!(size_of::<SiteState>(), 64);
        assert_eq!(align_of::<SiteState>(), 64);
    }

    #[test]
    fn a_16_bit_day_keeps_day_zero_the_largest_planned_day_and_no_day_apart() {
        for day in [0, 1, 36_500 + 3_650, 65_533, NO_DAY] {
            assert_eq!(Day16::new(day).get(), day);
        }
        assert_ne!(Day16::new(0), Day16::NONE);
    }

    #[test]
    fn sites_across_chunk_boundaries_are_indexed_and_drained_in_installation_order() {
        // 2^16 + 5 installations: one full chunk and a partial one.
        let n = (1 << CHUNK_BITS) + 5;
        let mut sites = Sites::new(n, |i| SiteState::new((i % 251) as u8, 0));
        sites[n - 1].episode = 7;
        sites[1 << CHUNK_BITS].episode = 9;
        assert_eq!(sites.len(), n);
        assert_eq!((0..n).filter(|&i| sites[i].episode > 0).count(), 2);
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
