//! The static part of the report's methods section: how each rule R1–R21 of the consultation is modelled (a compact
//! mirror of the table in `docs/model.md`; keep the two in step), the deliberate simplifications, and the labels of
//! the manual case types and parties.

use crate::cases::Party;

/// One rule: number, short name, what the consultation says, how the model implements it.
pub struct Rule {
    pub id: &'static str,
    pub name: &'static str,
    pub says: &'static str,
    pub modelled: &'static str,
}

pub const RULES: [Rule; 21] = [
    Rule {
        id: "R1",
        name: "Supply Start Date starts dormancy",
        says: "Migration steps start only after the Supply Start Date (SSD) of the Change of Supplier.",
        modelled: "An installation becomes dormant at 00:00 on the SSD of a switch to a supplier that cannot operate \
                   its SMSO; nothing is scheduled before. Switches are generated per replication before any option runs.",
    },
    Rule {
        id: "R2",
        name: "EPCL gate",
        says: "No dormant migration until the Device Model Combination (DMC) is on the Eligible Product \
               Combinations List (EPCL).",
        modelled: "Each DMC has an EPCL date or none; dormant installations of an unlisted DMC wait and are routed \
                   on the listing day.",
    },
    Rule {
        id: "R3",
        name: "Only newly dormant fast-tracked",
        says: "From the EPCL date on, only newly dormant meters are fast-tracked.",
        modelled: "An option with eligibility \"newly-dormant\" applies its timeline only to installations dormant on \
                   or after their DMC's EPCL date and the option's start; the others (the backlog) take the fallback \
                   (standard) timeline.",
    },
    Rule {
        id: "R4",
        name: "Both fuels dormant",
        says: "Only sites where both fuels are dormant are migrated on the dormant route.",
        modelled: "Each fuel has its own supplier; an installation enters the dormant route only when every fuel it \
                   has is dormant. One dormant fuel of a split-supply site is counted as a partial loss of smart \
                   function (episodes and mean stock).",
    },
    Rule {
        id: "R5",
        name: "Timelines",
        says: "Expedited: configuration 5 WD and migration 8 WD after notice, sent together. Standard: 15 WD \
               notice after DCC's scheduling cycle. A respondent proposed 15 WD sent straight away.",
        modelled: "Per option: scheduling delay, scheduling cycle, notice length and SMSO request offset in working \
                   days; standard = fortnightly cycle + 15 WD, expedited = at once + 8 WD, prioritised = at once + \
                   15 WD.",
    },
    Rule {
        id: "R6",
        name: "SMSO firmware configuration",
        says: "SMSO firmware SLA is 5 WD but may take longer; if late, DCC migrates as soon as possible after the \
               planned date.",
        modelled: "A multi-server queue per SMSO with a lead-time distribution in working time; SLA misses counted; \
                   a late configuration moves migration to the next feasible day. The \"supplier asks to delay\" \
                   branch is omitted (no data).",
    },
    Rule {
        id: "R7",
        name: "Failures and retries",
        says: "The full saving needs a timely firmware upgrade and a successful migration.",
        modelled: "Firmware and migration attempts fail with a probability and are retried after a delay up to a \
                   maximum of attempts, then excluded (a manual case); DCC's daily capacity is a FIFO limit shared \
                   with the active programme.",
    },
    Rule {
        id: "R8",
        name: "Pre-migration CoS check",
        says: "24 hours before migration DCC checks for a supplier change within 7 days (standard) or 2 WD \
               (expedited) of the migration date; if found, migration halts. Skipped for the Null supplier \
               certificate.",
        modelled: "At 20:00 on the working day before migration, a registered switch with its SSD in the window \
                   halts migration: an exception case, and the installation is re-planned at the new SSD. A share \
                   of devices holds the Null certificate and skips the check.",
    },
    Rule {
        id: "R9",
        name: "CoS between Authorisation and Common File",
        says: "Recorded in an exception report passed to the gaining supplier.",
        modelled: "A switch with its SSD between the Migration Authorisation and the Migration Common File raises \
                   an exception case for the gaining supplier; migration continues.",
    },
    Rule {
        id: "R10",
        name: "Removal requests",
        says: "Suppliers have 8 days after CoS gain to ask DCC to remove a site from a migration.",
        modelled: "The gaining supplier asks for removal with a probability, on a day in the window: a DCC case; the \
                   installation is planned again later on the fallback route.",
    },
    Rule {
        id: "R11",
        name: "Prepayment mode switch",
        says: "The losing supplier must switch a prepayment meter to credit mode; otherwise the gaining supplier \
               chases, escalating to SECAS.",
        modelled: "On a dormancy-causing switch of a prepayment installation the losing supplier fails with a \
                   probability: a chase case, escalated with a probability after a delay.",
    },
    Rule {
        id: "R12",
        name: "Supplier DCC readiness",
        says: "A gaining supplier can operate a migrated meter only once it is SMETS1-ready; many were not ready \
               until late 2020.",
        modelled: "Each supplier has a readiness date; smart service is restored at the later of migration and \
                   readiness: the second clock (SSD to restored service), reported beside the first. A migrated \
                   installation that switches to a supplier not yet ready loses service again (counted).",
    },
    Rule {
        id: "R13",
        name: "Certificate update after migration",
        says: "DCC alerts the gaining supplier and sends a weekly file of devices whose certificates are not updated.",
        modelled: "The supplier updates certificates after a lag; an installation listed in the weekly file before \
                   that is one chase case.",
    },
    Rule {
        id: "R14",
        name: "One process, different timescales",
        says: "Standard and expedited migrations use the same process at different timescales.",
        modelled: "One process engine parameterised by the option's timeline; every option runs the same code on \
                   the same fleet and history.",
    },
    Rule {
        id: "R15",
        name: "Manual work",
        says: "Respondents fear more manual intervention; DCC says it is \"not onerous\".",
        modelled: "Fourteen case types, each with a handling party (DCC, gaining supplier, losing supplier, SMSO, \
                   SECAS) and minutes per case, including re-plans after a missed firmware SLA, DCC's daily \
                   fast-track file and a DCC Service Flag that misses the gaining supplier; counted per week and \
                   converted to full-time equivalents (FTE) per party at GB scale, with CIs.",
    },
    Rule {
        id: "R16",
        name: "Split supply",
        says: "Split supply is no longer a blocker after Uplift 1.1.",
        modelled: "A split-supply share whose fuels have separate suppliers switching independently (0 switches it \
                   off).",
    },
    Rule {
        id: "R17",
        name: "Share passing faster",
        says: "A respondent cites about 7% of customers passing more quickly through migration.",
        modelled: "An output: fast-tracked episodes ÷ switches of unmigrated SMETS1 installations, with its \
                   ingredients (switches that cause dormancy, DMC listed at the SSD). The consultation does not state \
                   its denominator; the report sets the two side by side.",
    },
    Rule {
        id: "R18",
        name: "Headline 7 WD",
        says: "Potential reduction of dormancy by 7 Working Days (15 WD to 8 WD).",
        modelled: "The expedited − prioritised difference on the fast-track-eligible population (both notices sent \
                   at once, 8 against 15 WD): exactly 7 WD when nothing fails or queues (tested); against today's \
                   route the saving also includes the wait before the notice.",
    },
    Rule {
        id: "R19",
        name: "In-flight CoS",
        says: "If the responsible supplier changes after notice, DCC may carry on and notifies the new supplier.",
        modelled: "A switch after notice and before migration (outside the check) does not stop migration; a \
                   notification case is raised.",
    },
    Rule {
        id: "R20",
        name: "Cohorts, SMSOs, DMCs",
        says: "Cohorts IOC, MOC (MDS), MOC (Secure), FOC, with their SMSOs and devices.",
        modelled: "The fleet has cohorts with shares, each with DMCs naming their SMSO; per-SMSO parameters; a \
                   per-cohort active migration programme.",
    },
    Rule {
        id: "R21",
        name: "Working days",
        says: "Time limits are in Working Days (one in calendar days).",
        modelled: "England & Wales or Scotland bank-holiday calendars (or none, for verification); every _wd key \
                   counts working days; the standard check window counts calendar days.",
    },
];

/// Deliberate simplifications (docs/model.md).
pub const SIMPLIFICATIONS: [&str; 7] = [
    "A supply group with a registered switch does not register another before its SSD.",
    "Supplier of Last Resort (bulk) transfers are registered and effective on the same day, so they never trip the \
     R8 check.",
    "SMSO firmware configuration, once done, stays done for the episode (after a failed migration or an R8 halt).",
    "The \"supplier asks DCC to delay the migration\" branch of R6 is not modelled (no data on how often it happens).",
    "R10 and R11 are drawn when a switch makes the installation dormant, not on other switches.",
    "R13 counts one certificate chase per installation, whatever its number of meters and later listings.",
    "The run starts with nothing migrated: installations migrated before the start date are outside the fleet.",
];

/// A readable label for a manual case type (keys of `manual_cases` in summary.json); unknown keys with spaces.
pub fn case_label(key: &str) -> String {
    let label = match key {
        "cos_check_exception" => "CoS check exception (R8)",
        "common_file_exception" => "CoS between Authorisation and Common File (R9)",
        "in_flight_cos_notification" => "In-flight CoS notification (R19)",
        "removal_request" => "Removal request (R10)",
        "credit_mode_chase" => "Credit-mode chase by the gaining supplier (R11)",
        "credit_mode_correction" => "Credit-mode correction by the losing supplier (R11)",
        "secas_escalation" => "Escalation to SECAS (R11)",
        "certificate_chase" => "Certificate chase (R13)",
        "firmware_failure" => "Failed firmware configuration attempt (R7)",
        "firmware_exclusion" => "Firmware exclusion (R7)",
        "migration_exclusion" => "Migration exclusion (R7)",
        "firmware_replan" => "Re-plan after a missed firmware SLA (R6, R15)",
        "fast_track_file" => "Fast-track migration file (R14, R15)",
        "service_flag_missed" => "DCC Service Flag missed the gaining supplier (R15)",
        other => return other.replace('_', " "),
    };
    label.to_string()
}

/// A readable label for a handling party (keys of `manual_cases_by_party` / `manual_fte`): `Party::label`, or
/// "Total".
pub fn party_label(key: &str) -> String {
    match Party::parse(key) {
        Some(p) => p.label().to_string(),
        None if key == "total" => "Total".into(),
        None => key.replace('_', " "),
    }
}
