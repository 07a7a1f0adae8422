//! Manual-intervention case types (R15): every situation the process hands to a person, who handles it, and the
//! default handling effort. Scenario keys `manual.cases.<name>` override party and minutes.

use serde::Serialize;

/// Who handles a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Dcc,
    Supplier,
}

impl Party {
    pub const ALL: [Party; 2] = [Party::Dcc, Party::Supplier];

    pub fn name(self) -> &'static str {
        match self {
            Party::Dcc => "dcc",
            Party::Supplier => "supplier",
        }
    }

    pub fn parse(s: &str) -> Option<Party> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum ManualCase {
    /// R8: a CoS inside the check window halted the migration; exception report to the gaining supplier.
    CosCheckException,
    /// R9: a CoS between Migration Authorisation and the Migration Common File; exception report to the gaining
    /// supplier, migration continues.
    CommonFileException,
    /// R19: the responsible supplier changed after notice; DCC notifies the new supplier, migration continues.
    InFlightCosNotification,
    /// R10: the gaining supplier asked DCC to remove the site from its migration.
    RemovalRequest,
    /// R11: the losing supplier did not switch a prepayment meter to credit mode; the gaining supplier chases.
    CreditModeChase,
    /// R11: the chase escalated (to SECAS).
    CreditModeEscalation,
    /// R13: a migrated device listed in DCC's weekly file because its security certificates are not yet updated
    /// (one case per installation, at its first listing; its meters are listed together).
    CertificateChase,
    /// R7: the SMSO's firmware configuration failed `max_attempts` times; the site is excluded.
    FirmwareExclusion,
    /// R7: DCC's migration failed `max_attempts` times; the site is excluded.
    MigrationExclusion,
}

impl ManualCase {
    pub const ALL: [ManualCase; 9] = [
        ManualCase::CosCheckException,
        ManualCase::CommonFileException,
        ManualCase::InFlightCosNotification,
        ManualCase::RemovalRequest,
        ManualCase::CreditModeChase,
        ManualCase::CreditModeEscalation,
        ManualCase::CertificateChase,
        ManualCase::FirmwareExclusion,
        ManualCase::MigrationExclusion,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            ManualCase::CosCheckException => "cos_check_exception",
            ManualCase::CommonFileException => "common_file_exception",
            ManualCase::InFlightCosNotification => "in_flight_cos_notification",
            ManualCase::RemovalRequest => "removal_request",
            ManualCase::CreditModeChase => "credit_mode_chase",
            ManualCase::CreditModeEscalation => "credit_mode_escalation",
            ManualCase::CertificateChase => "certificate_chase",
            ManualCase::FirmwareExclusion => "firmware_exclusion",
            ManualCase::MigrationExclusion => "migration_exclusion",
        }
    }

    pub fn parse(s: &str) -> Option<ManualCase> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Default handler and minutes per case (ASSUMPTIONS, overridable in `[manual.cases]`): exception reports and
    /// chases are worked by the gaining supplier; notifications, removals and exclusions by DCC.
    pub fn default_handling(self) -> (Party, f64) {
        match self {
            ManualCase::CosCheckException => (Party::Supplier, 30.0),
            ManualCase::CommonFileException => (Party::Supplier, 30.0),
            ManualCase::InFlightCosNotification => (Party::Dcc, 10.0),
            ManualCase::RemovalRequest => (Party::Dcc, 20.0),
            ManualCase::CreditModeChase => (Party::Supplier, 45.0),
            ManualCase::CreditModeEscalation => (Party::Supplier, 90.0),
            ManualCase::CertificateChase => (Party::Supplier, 5.0),
            ManualCase::FirmwareExclusion => (Party::Dcc, 60.0),
            ManualCase::MigrationExclusion => (Party::Dcc, 60.0),
        }
    }
}
