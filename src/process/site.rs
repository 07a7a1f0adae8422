//! One installation's mutable state during the simulation of one option (kept compact: ~32 bytes).

/// Where an installation is in its life. Every dormant installation is in exactly one of the dormant phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// A supplier that can operate its SMSO serves it (or only some of its fuels are dormant, R4).
    Active,
    /// Dormant; its DMC is not yet on the EPCL (R2).
    AwaitingEpcl,
    /// Dormant and eligible; waiting for the notice (scheduling cycle, R5).
    AwaitingNotice,
    /// Notice sent; SMSO configuration and the pre-migration check ahead.
    Notified,
    /// The planned migration day came before the SMSO configuration finished (R6).
    AwaitingConfig,
    /// Passed the CoS check; in DCC's migration queue.
    Queued,
    /// Migration halted by the CoS check (R8); re-planned at the new SSD.
    Halted,
    /// Too many failed firmware or migration attempts; stays dormant (R7).
    Excluded,
    /// Removed from its migration at the gaining supplier's request (R10); planned again after a hold.
    Removed,
    /// Migrated into DCC: any DCC-ready supplier can operate it; it cannot go dormant again.
    Migrated,
}

impl Phase {
    pub fn is_dormant(self) -> bool {
        !matches!(self, Phase::Active | Phase::Migrated)
    }

    /// Notice sent and migration not yet done: a CoS now is an in-flight switch (R19).
    pub fn is_in_flight(self) -> bool {
        // `Removed` is not in flight: it has left its migration.
        matches!(self, Phase::Notified | Phase::AwaitingConfig | Phase::Queued)
    }
}

#[derive(Debug, Clone, Copy)]
pub struct SiteState {
    pub phase: Phase,
    /// Bumped whenever the site's plan is cancelled; events carrying an older epoch are ignored.
    pub epoch: u16,
    /// Fuel bits whose supplier cannot operate the SMSO.
    pub dormant_fuels: u8,
    pub elec_supplier: u8,
    pub gas_supplier: u8,
    /// SMSO configuration done in the current episode (the firmware stays configured if a plan is re-made).
    pub configured: bool,
    /// Option whose timeline the current plan follows.
    pub route: u8,
    /// Failed firmware / migration attempts in the current episode (across re-plans).
    pub firmware_failures: u8,
    pub migration_failures: u8,
    /// Streams used so far (index of the next firmware / migration draw; common across options).
    pub firmware_draws: u16,
    pub migration_draws: u16,
    /// Day the current dormancy episode started (SSD, R1), may be negative for the backlog.
    pub dormant_since: i32,
    /// Planned migration day of the current plan.
    pub migration_day: i32,
    /// Minute the current plan first asked the SMSO to configure (for the firmware wait).
    pub firmware_requested_at: i64,
    /// Working days dormant within the horizon, all episodes (for paired comparisons).
    pub dormant_wd_total: u32,
    /// Dormancy episodes so far (stream index for per-episode draws; stale-event guard for R10).
    pub episode: u16,
    /// The gaining supplier asked for removal in this episode (R10): the fallback route applies.
    pub removed: bool,
    /// Migrated, but a supplier is not yet SMETS1 ready: smart service not restored (R12).
    pub service_pending: bool,
}

impl SiteState {
    pub fn new(elec_supplier: u8, gas_supplier: u8) -> Self {
        Self {
            phase: Phase::Active,
            epoch: 0,
            dormant_fuels: 0,
            elec_supplier,
            gas_supplier,
            configured: false,
            route: 0,
            firmware_failures: 0,
            migration_failures: 0,
            firmware_draws: 0,
            migration_draws: 0,
            dormant_since: 0,
            migration_day: 0,
            firmware_requested_at: 0,
            dormant_wd_total: 0,
            episode: 0,
            removed: false,
            service_pending: false,
        }
    }

    /// Cancel everything planned: pending events become stale. Firmware configuration, once done, stays done.
    pub fn cancel_plan(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Close the episode: cancel the plan and forget its configuration and failure counts.
    pub fn reset_episode(&mut self) {
        self.cancel_plan();
        self.configured = false;
        self.firmware_failures = 0;
        self.migration_failures = 0;
    }
}
