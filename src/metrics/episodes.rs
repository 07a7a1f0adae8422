//! Episode-level measures that make a headline explainable: which population an episode belongs to (fast-track
//! eligible, waited for EPCL listing, backlog), what its dormancy was spent waiting for (a decomposition whose parts
//! add up to it), whether its notified migration date was kept and if not why, and the funnel from switches to
//! fast-tracked episodes (the consultation's "7%", R17).

use serde::{Deserialize, Serialize};

/// What a dormant installation is waiting for. The first four follow the plan; the last three are time after a
/// disruption (the first one wins for the rest of the episode: "why was the notified date not kept").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Stage {
    /// Its DMC is not on the EPCL yet (R2).
    EpclWait,
    /// DCC learning of the switch, then the route's wait before a notice (R5: "more than 15WD" today).
    PreNotice,
    /// Ready for a notice, waiting for a migration day with capacity left in DCC's ledger.
    Capacity,
    /// The notice period, up to the first notified migration day.
    Notice,
    /// After the notified day, because the SMSO configuration was late (R6).
    FirmwareLate,
    /// After the notified day, because a firmware or migration attempt failed and was retried (R7).
    Retry,
    /// After the notified day, because the CoS check halted the migration and it was re-planned (R8).
    Halt,
}

pub const STAGES: usize = 7;

impl Stage {
    pub const ALL: [Stage; STAGES] = [
        Stage::EpclWait,
        Stage::PreNotice,
        Stage::Capacity,
        Stage::Notice,
        Stage::FirmwareLate,
        Stage::Retry,
        Stage::Halt,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::EpclWait => "epcl_wait",
            Stage::PreNotice => "pre_notice_wait",
            Stage::Capacity => "capacity_wait",
            Stage::Notice => "notice_period",
            Stage::FirmwareLate => "firmware_late",
            Stage::Retry => "failure_retry",
            Stage::Halt => "halt_replan",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Stage::EpclWait => "Waiting for EPCL listing",
            Stage::PreNotice => "Waiting before the notice",
            Stage::Capacity => "Waiting for DCC capacity",
            Stage::Notice => "Notice period",
            Stage::FirmwareLate => "Firmware late (after notified date)",
            Stage::Retry => "Failure and retry",
            Stage::Halt => "CoS-check halt and re-plan",
        }
    }

    /// Time after a missed notified date.
    pub fn is_disruption(self) -> bool {
        self >= Stage::FirmwareLate
    }
}

/// Which population an installation's episode belongs to, fixed when it starts (the same under every option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Population {
    /// Began in the run, after the policy start, with the DMC already on the EPCL: what the fast track is for.
    FastTrackEligible,
    /// Began in the run before its DMC was listed: waits for the listing, then the standard route (R3).
    AwaitedEpcl,
    /// Already dormant when the run starts (measured from the start).
    Backlog,
    /// Began in the run, DMC listed, but before the policy start (only when `effective_from` is after the start).
    PrePolicy,
}

pub const POPULATIONS: usize = 4;

impl Population {
    pub const ALL: [Population; POPULATIONS] =
        [Population::FastTrackEligible, Population::AwaitedEpcl, Population::Backlog, Population::PrePolicy];

    pub fn name(self) -> &'static str {
        match self {
            Population::FastTrackEligible => "fast_track_eligible",
            Population::AwaitedEpcl => "awaited_epcl",
            Population::Backlog => "backlog",
            Population::PrePolicy => "pre_policy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Population::FastTrackEligible => "Newly dormant, DMC listed (fast-track eligible)",
            Population::AwaitedEpcl => "Waited for EPCL listing",
            Population::Backlog => "Backlog (dormant at the start)",
            Population::PrePolicy => "Newly dormant before the policy start",
        }
    }
}

/// How a tracked episode ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum EpisodeEnd {
    /// Still dormant at the horizon (censored there).
    #[default]
    Open,
    Migrated,
    /// A switch to a supplier that can operate the SMSO ended it.
    Reactivated,
}

/// An installation's tracked episode (its backlog episode, or its first episode that began in the run): the unit
/// on which options are paired. Working days inside the horizon, by stage.
///
/// One is kept per installation and option for the whole run, so it is packed into 20 bytes: the population (2 bits)
/// and how the episode ended (2 bits) share one byte (`kind`), read through [`Tracked::population`] and
/// [`Tracked::end`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tracked {
    /// Start day (`i32::MIN` = the installation had no tracked episode).
    pub since: i32,
    pub stage_wd: [u16; STAGES],
    /// `Population as u8` in bits 0–1, `EpisodeEnd as u8` in bits 2–3.
    kind: u8,
    /// Electricity supplier when the episode began: the gaining supplier that made it dormant (in-run episodes) or
    /// the supplier holding it at the start (backlog); index into the scenario's suppliers.
    pub supplier: u8,
}

impl Default for Tracked {
    fn default() -> Self {
        Self { since: i32::MIN, stage_wd: [0; STAGES], kind: 0, supplier: 0 }
    }
}

impl Tracked {
    /// An open episode of `population` starting on `since`, begun with `supplier`.
    pub fn new(since: i32, population: Population, supplier: u8) -> Self {
        Self { since, stage_wd: [0; STAGES], kind: population as u8, supplier }
    }

    pub fn exists(&self) -> bool {
        self.since != i32::MIN
    }

    pub fn population(&self) -> Population {
        Population::ALL[usize::from(self.kind & 3)]
    }

    pub fn end(&self) -> EpisodeEnd {
        match self.kind >> 2 {
            0 => EpisodeEnd::Open,
            1 => EpisodeEnd::Migrated,
            _ => EpisodeEnd::Reactivated,
        }
    }

    pub fn set_end(&mut self, end: EpisodeEnd) {
        self.kind = (self.kind & 3) | ((end as u8) << 2);
    }

    pub fn total_wd(&self) -> u32 {
        self.stage_wd.iter().map(|&w| u32::from(w)).sum()
    }
}

/// One option's tracked episodes of one population, summed (means and shares follow by dividing by `episodes`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PopulationMetrics {
    pub episodes: u64,
    pub migrated: u64,
    pub reactivated: u64,
    /// Still dormant at the horizon: their dormancy is counted up to it (restricted mean).
    pub censored: u64,
    /// Working days dormant inside the horizon, in total and by stage (`Stage as usize`); the stages add up to it.
    pub dormant_wd: u64,
    pub stage_wd: [u64; STAGES],
}

impl PopulationMetrics {
    pub fn add(&mut self, t: &Tracked) {
        self.episodes += 1;
        match t.end() {
            EpisodeEnd::Open => self.censored += 1,
            EpisodeEnd::Migrated => self.migrated += 1,
            EpisodeEnd::Reactivated => self.reactivated += 1,
        }
        for (sum, &w) in self.stage_wd.iter_mut().zip(&t.stage_wd) {
            *sum += u64::from(w);
        }
        self.dormant_wd += u64::from(t.total_wd());
    }

    /// Mean working days dormant per episode (NaN with no episodes).
    pub fn mean_wd(&self) -> f64 {
        if self.episodes == 0 { f64::NAN } else { self.dormant_wd as f64 / self.episodes as f64 }
    }
}

/// Dormant migrations that followed a notice: kept on their first notified day, or not and why (index `Stage`:
/// `firmware_late`, `failure_retry`, `halt_replan`; `capacity_wait` stays 0 because notices are only issued against
/// booked capacity).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct NotifiedDates {
    pub migrations: u64,
    pub kept: u64,
    pub missed: [u64; STAGES],
}

/// From switches to fast-tracked episodes (R17): switches of unmigrated SMETS1 installations in the run, those that
/// made the installation dormant, those whose DMC was listed at the SSD, and those whose episode took the option's
/// fast-track route.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct FastTrackFunnel {
    pub switches: u64,
    pub dormancy_causing: u64,
    pub listed_at_ssd: u64,
    pub fast_tracked: u64,
}

/// Option against the baseline on the same tracked episodes of one population (matched by installation and start).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PopulationPair {
    pub matched: u64,
    /// Tracked under one option only, or starting on different days (excluded from the pairing).
    pub unmatched: u64,
    pub faster: u64,
    pub slower: u64,
    /// Σ (baseline − option) working days dormant inside the horizon.
    pub wd_saved: i64,
    /// Slower episodes by the stage whose working days grew most under the option.
    pub slower_by_stage: [u64; STAGES],
}

impl PopulationPair {
    pub fn add(&mut self, base: &Tracked, option: &Tracked) {
        self.matched += 1;
        let (b, o) = (base.total_wd(), option.total_wd());
        self.wd_saved += i64::from(b) - i64::from(o);
        self.faster += u64::from(o < b);
        if o > b {
            self.slower += 1;
            let grew = (0..STAGES)
                .max_by_key(|&i| (i32::from(option.stage_wd[i]) - i32::from(base.stage_wd[i]), std::cmp::Reverse(i)))
                .unwrap_or(0);
            self.slower_by_stage[grew] += 1;
        }
    }
}

/// Pair tracked episodes installation by installation, per population of the baseline's episode.
pub fn pair_populations(base: &[Tracked], option: &[Tracked]) -> [PopulationPair; POPULATIONS] {
    let mut out = [PopulationPair::default(); POPULATIONS];
    for (b, o) in base.iter().zip(option) {
        match (b.exists(), o.exists()) {
            (true, true) if b.since == o.since => out[b.population() as usize].add(b, o),
            (true, _) => out[b.population() as usize].unmatched += 1,
            (false, true) => out[o.population() as usize].unmatched += 1,
            (false, false) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(stage_wd: [u16; STAGES]) -> Tracked {
        Tracked { since: 3, stage_wd, ..Tracked::default() }
    }

    #[test]
    fn a_tracked_episode_fits_in_twenty_bytes_and_keeps_its_population_and_end() {
        // One per installation and option for the whole run: 14 million × 3 options at GB scale.
        assert_eq!(std::mem::size_of::<Tracked>(), 20);
        for p in Population::ALL {
            for e in [EpisodeEnd::Open, EpisodeEnd::Migrated, EpisodeEnd::Reactivated] {
                let mut t = Tracked::new(5, p, 3);
                t.set_end(e);
                assert_eq!((t.population(), t.end(), t.supplier, t.since), (p, e, 3, 5));
            }
        }
    }

    #[test]
    fn a_slower_episode_is_attributed_to_the_stage_that_grew_most() {
        // Baseline 2 + 10 + 15 = 27 WD; option 2 + 0 + 8 + 25 (firmware late) = 35 WD: slower by 8, and the
        // firmware-late stage grew most (+25).
        let base = ep([2, 10, 0, 15, 0, 0, 0]);
        let opt = ep([2, 0, 0, 8, 25, 0, 0]);
        let p = pair_populations(&[base], &[opt]);
        let a = &p[Population::FastTrackEligible as usize];
        assert_eq!((a.matched, a.slower, a.faster, a.wd_saved), (1, 1, 0, -8));
        assert_eq!(a.slower_by_stage[Stage::FirmwareLate as usize], 1);
    }

    #[test]
    fn episodes_starting_on_different_days_are_not_paired() {
        let base = ep([0, 0, 0, 15, 0, 0, 0]);
        let opt = Tracked { since: 9, ..base };
        let p = pair_populations(&[base], &[opt]);
        assert_eq!((p[0].matched, p[0].unmatched), (0, 1));
    }
}
