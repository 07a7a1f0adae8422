//! Manual-intervention case types (R15): every task the consultation names that a person has to do, the party that
//! does it (DCC, the gaining or losing supplier, the SMSO, SECAS), and the default handling effort. Scenario keys
//! `manual.cases.<name>` override party and minutes.

use serde::Serialize;

/// Who handles a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Dcc,
    /// The supplier that gained the installation on the Change of Supplier.
    GainingSupplier,
    /// The supplier that lost it.
    LosingSupplier,
    /// The SMETS1 Service Operator running the installation's communications.
    Smso,
    /// SEC Administrator (SEC Operations Group / SEC Panel): escalations of persistent supplier failures.
    Secas,
}

impl Party {
    pub const ALL: [Party; 5] = [Party::Dcc, Party::GainingSupplier, Party::LosingSupplier, Party::Smso, Party::Secas];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            Party::Dcc => "dcc",
            Party::GainingSupplier => "gaining_supplier",
            Party::LosingSupplier => "losing_supplier",
            Party::Smso => "smso",
            Party::Secas => "secas",
        }
    }

    /// Label for tables and charts.
    pub fn label(self) -> &'static str {
        match self {
            Party::Dcc => "DCC",
            Party::GainingSupplier => "Gaining supplier",
            Party::LosingSupplier => "Losing supplier",
            Party::Smso => "SMSO",
            Party::Secas => "SECAS",
        }
    }

    pub fn parse(s: &str) -> Option<Party> {
        Self::ALL.into_iter().find(|p| p.name() == s)
    }

    /// Every party name, for error messages.
    pub fn names() -> String {
        Self::ALL.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ")
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
    /// R10: a gaining supplier asked DCC, within 8 days of the CoS gain, to remove a site from its *active*
    /// migration.
    RemovalRequest,
    /// R11: the losing supplier did not switch a prepayment meter to credit mode; the gaining supplier takes it up
    /// with the losing supplier.
    CreditModeChase,
    /// R11: the losing supplier's side of the same case (switching the mode, or explaining why it could not).
    CreditModeCorrection,
    /// R11: a losing supplier's failures persistent across many customers, escalated to SECAS (one case per
    /// supplier and month over the threshold, counted at represented scale).
    SecasEscalation,
    /// R13: a migrated device listed in DCC's weekly file because its security certificates are still not updated
    /// (one case per installation, at its first listing; its meters are listed together).
    CertificateChase,
    /// R7: one failed SMSO firmware configuration attempt, investigated and pushed again by the SMSO.
    FirmwareFailure,
    /// R7: the SMSO's firmware configuration failed `max_attempts` times; the site is excluded.
    FirmwareExclusion,
    /// R7: DCC's migration failed `max_attempts` times; the site is excluded.
    MigrationExclusion,
    /// R6, R15: configuration not done by the planned migration date (SLA missed): DCC re-plans the migration and
    /// notifies the suppliers again.
    FirmwareReplan,
    /// R14, R15: DCC's "small additional amount of work" for fast-tracking: a separate migration file on each day
    /// with fast-track notices (counted at represented scale).
    FastTrackFile,
    /// R15: a migrated installation changed supplier before the DCC Service Flag could reach the gaining supplier
    /// (the respondent's "would not know whether this is an Enrolled site").
    ServiceFlagMissed,
}

impl ManualCase {
    pub const ALL: [ManualCase; 14] = [
        ManualCase::CosCheckException,
        ManualCase::CommonFileException,
        ManualCase::InFlightCosNotification,
        ManualCase::RemovalRequest,
        ManualCase::CreditModeChase,
        ManualCase::CreditModeCorrection,
        ManualCase::SecasEscalation,
        ManualCase::CertificateChase,
        ManualCase::FirmwareFailure,
        ManualCase::FirmwareExclusion,
        ManualCase::MigrationExclusion,
        ManualCase::FirmwareReplan,
        ManualCase::FastTrackFile,
        ManualCase::ServiceFlagMissed,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn name(self) -> &'static str {
        match self {
            ManualCase::CosCheckException => "cos_check_exception",
            ManualCase::CommonFileException => "common_file_exception",
            ManualCase::InFlightCosNotification => "in_flight_cos_notification",
            ManualCase::RemovalRequest => "removal_request",
            ManualCase::CreditModeChase => "credit_mode_chase",
            ManualCase::CreditModeCorrection => "credit_mode_correction",
            ManualCase::SecasEscalation => "secas_escalation",
            ManualCase::CertificateChase => "certificate_chase",
            ManualCase::FirmwareFailure => "firmware_failure",
            ManualCase::FirmwareExclusion => "firmware_exclusion",
            ManualCase::MigrationExclusion => "migration_exclusion",
            ManualCase::FirmwareReplan => "firmware_replan",
            ManualCase::FastTrackFile => "fast_track_file",
            ManualCase::ServiceFlagMissed => "service_flag_missed",
        }
    }

    pub fn parse(s: &str) -> Option<ManualCase> {
        Self::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Cases that are not about one installation (a SECAS escalation per losing supplier and month, a fast-track
    /// migration file per day) are counted directly at represented scale: a sample does not have fewer of them.
    pub fn per_installation(self) -> bool {
        !matches!(self, ManualCase::SecasEscalation | ManualCase::FastTrackFile)
    }

    /// Factor from simulated to represented cases: `scale` (represented / simulated installations) for cases about
    /// one installation, 1 for the others.
    pub fn represented(self, scale: f64) -> f64 {
        if self.per_installation() { scale } else { 1.0 }
    }

    /// Default handler and minutes per case (ASSUMPTIONS, overridable in `[manual.cases]`; the baseline states each
    /// with its reasoning).
    pub fn default_handling(self) -> (Party, f64) {
        match self {
            ManualCase::CosCheckException => (Party::GainingSupplier, 30.0),
            ManualCase::CommonFileException => (Party::GainingSupplier, 30.0),
            ManualCase::InFlightCosNotification => (Party::Dcc, 10.0),
            ManualCase::RemovalRequest => (Party::Dcc, 20.0),
            ManualCase::CreditModeChase => (Party::GainingSupplier, 45.0),
            ManualCase::CreditModeCorrection => (Party::LosingSupplier, 30.0),
            ManualCase::SecasEscalation => (Party::Secas, 480.0),
            ManualCase::CertificateChase => (Party::GainingSupplier, 5.0),
            ManualCase::FirmwareFailure => (Party::Smso, 15.0),
            ManualCase::FirmwareExclusion => (Party::Dcc, 60.0),
            ManualCase::MigrationExclusion => (Party::Dcc, 60.0),
            ManualCase::FirmwareReplan => (Party::Dcc, 10.0),
            ManualCase::FastTrackFile => (Party::Dcc, 60.0),
            ManualCase::ServiceFlagMissed => (Party::GainingSupplier, 20.0),
        }
    }
}
