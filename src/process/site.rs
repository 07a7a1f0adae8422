//! One installation's mutable state during the simulation of one option (kept compact: ~48 bytes).

use crate::metrics::Stage;

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
    /// Option whose timeline the current plan follows, and whether that is a fast-track route.
    pub route: u8,
    pub fast_track: bool,
    /// Failed firmware / migration attempts in the current episode (across re-plans).
    pub firmware_failures: u8,
    pub migration_failures: u8,
    /// Streams used so far (index of the next firmware / migration draw; common across options).
    pub firmware_draws: u16,
    pub migration_draws: u16,
    /// Day the current dormancy episode started (SSD, R1), may be negative for the backlog.
    pub dormant_since: i32,
    /// Planned migration day of the current plan (after a migration: the day it happened).
    pub migration_day: i32,
    /// The day booked in DCC's ledger for the current plan (`NO_DAY` = none held).
    pub booked_day: i32,
    /// First migration day notified in this episode (`NO_DAY` = no notice yet), and why it was not kept.
    pub notified_day: i32,
    pub missed: Option<Stage>,
    /// Minute the current plan first asked the SMSO to configure (for the firmware wait).
    pub firmware_requested_at: i64,
    /// What the episode is waiting for now (its dormancy decomposition) and since which day.
    pub stage: Stage,
    pub stage_since: i32,
    /// Working days dormant within the horizon, all episodes (for paired comparisons).
    pub dormant_wd_total: u32,
    /// Dormancy episodes so far (stream index for per-episode draws).
    pub episode: u16,
    /// Migrated, but smart service not yet back: a supplier not SMETS1 ready (R12) or certificates not yet
    /// updated (R13).
    pub service_pending: bool,
    /// Draws of the certificate-update lag so far (one per supplier change after migration).
    pub service_draws: u8,
    /// Removed from the active programme at a gaining supplier's request (R10).
    pub active_removed: bool,
    /// Migrated on the dormant route (not by the active programme).
    pub dormant_migrated: bool,
    /// R11: the day the losing supplier will have switched the prepayment meter to credit mode (`NO_DAY` = not
    /// pending), and which supplier that is.
    pub mode_switch_day: i32,
    pub mode_switch_by: u8,
    /// The second clock has been recorded for this installation's migration (a later loss is not a new clock).
    pub restored_once: bool,
    /// Some but not all fuels dormant (R4: partial loss of smart function).
    pub partial: bool,
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
            fast_track: false,
            firmware_failures: 0,
            migration_failures: 0,
            firmware_draws: 0,
            migration_draws: 0,
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
            service_pending: false,
            service_draws: 0,
            active_removed: false,
            dormant_migrated: false,
            mode_switch_day: NO_DAY,
            mode_switch_by: 0,
            restored_once: false,
            partial: false,
        }
    }

    /// Cancel everything planned: pending events become stale. Firmware configuration, once done, stays done.
    pub fn cancel_plan(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
    }

    /// Close the episode: cancel the plan and forget its configuration, failure counts and notified date.
    pub fn reset_episode(&mut self) {
        self.cancel_plan();
        self.configured = false;
        self.firmware_failures = 0;
        self.migration_failures = 0;
        self.notified_day = NO_DAY;
        self.missed = None;
    }
}
