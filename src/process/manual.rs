//! Manual-intervention case types: every situation the process hands to a person (R15).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum ManualCase {
    /// R8: a CoS inside the check window halted the migration; exception report to the gaining supplier.
    CosCheckException,
    /// R19: the responsible supplier changed after notice; DCC notifies the new supplier, migration continues.
    InFlightCosNotification,
    /// R7: the SMSO's firmware configuration failed `max_attempts` times; the site is excluded.
    FirmwareExclusion,
    /// R7: DCC's migration failed `max_attempts` times; the site is excluded.
    MigrationExclusion,
}

impl ManualCase {
    pub const ALL: [ManualCase; 4] = [
        ManualCase::CosCheckException,
        ManualCase::InFlightCosNotification,
        ManualCase::FirmwareExclusion,
        ManualCase::MigrationExclusion,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            ManualCase::CosCheckException => "cos_check_exception",
            ManualCase::InFlightCosNotification => "in_flight_cos_notification",
            ManualCase::FirmwareExclusion => "firmware_exclusion",
            ManualCase::MigrationExclusion => "migration_exclusion",
        }
    }
}
