//! Tracked episodes counted by group (cohort, SMSO, supplier group, payment type, population), per option, with
//! the same episodes paired against the baseline option. Which group an episode belongs to is decided by the
//! experiment layer ([`crate::experiment::groups`]); this file only holds the mergeable counts.

use super::episodes::{EpisodeEnd, Tracked};
use serde::{Deserialize, Serialize};

/// One group's tracked episodes under one option, and the same episodes against the baseline option.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupCounts {
    /// Tracked episodes under this option whose installation is in the group.
    pub episodes: u64,
    pub migrated: u64,
    /// Still dormant at the horizon (counted up to it: a restricted mean).
    pub censored: u64,
    /// Working days dormant inside the horizon, summed over the episodes.
    pub dormant_wd: u64,
    /// Episodes tracked under both options with the same start (grouped by the baseline's episode).
    pub matched: u64,
    /// Tracked under one option only, or starting on different days.
    pub unmatched: u64,
    pub faster: u64,
    pub slower: u64,
    /// Σ (baseline − option) working days dormant inside the horizon over the matched episodes.
    pub wd_saved: i64,
}

impl GroupCounts {
    /// Count one of the option's own episodes.
    pub fn add_episode(&mut self, t: &Tracked) {
        self.episodes += 1;
        self.migrated += u64::from(t.end() == EpisodeEnd::Migrated);
        self.censored += u64::from(t.end() == EpisodeEnd::Open);
        self.dormant_wd += u64::from(t.total_wd());
    }

    /// Count one matched pair: the same episode under the baseline and under this option.
    pub fn add_pair(&mut self, base: &Tracked, option: &Tracked) {
        let (b, o) = (base.total_wd(), option.total_wd());
        self.matched += 1;
        self.wd_saved += i64::from(b) - i64::from(o);
        self.faster += u64::from(o < b);
        self.slower += u64::from(o > b);
    }

    /// Add another replication's (or shard's) counts of the same group.
    pub fn merge(&mut self, other: &GroupCounts) {
        self.episodes += other.episodes;
        self.migrated += other.migrated;
        self.censored += other.censored;
        self.dormant_wd += other.dormant_wd;
        self.matched += other.matched;
        self.unmatched += other.unmatched;
        self.faster += other.faster;
        self.slower += other.slower;
        self.wd_saved += other.wd_saved;
    }

    /// Mean working days dormant per episode (NaN with none).
    pub fn mean_wd(&self) -> f64 {
        if self.episodes == 0 { f64::NAN } else { self.dormant_wd as f64 / self.episodes as f64 }
    }

    /// Mean (baseline − option) working days over matched episodes (NaN with none).
    pub fn reduction_wd(&self) -> f64 {
        if self.matched == 0 { f64::NAN } else { self.wd_saved as f64 / self.matched as f64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_counts_its_episodes_and_the_pairs_it_shares_with_the_baseline() {
        // Baseline 27 WD, option 20 WD (faster by 7) and a second pair 10 → 12 (slower by 2): Σ saved = 5 over 2
        // matched episodes, mean reduction 2.5; the option's own episodes average (20 + 12) / 2 = 16 WD.
        let ep = |wd: u16, end| {
            let mut t = Tracked::new(1, crate::metrics::Population::FastTrackEligible, 0);
            t.stage_wd[0] = wd;
            t.set_end(end);
            t
        };
        let mut g = GroupCounts::default();
        for (b, o) in [
            (ep(27, EpisodeEnd::Migrated), ep(20, EpisodeEnd::Migrated)),
            (ep(10, EpisodeEnd::Open), ep(12, EpisodeEnd::Open)),
        ] {
            g.add_episode(&o);
            g.add_pair(&b, &o);
        }
        assert_eq!((g.episodes, g.migrated, g.censored, g.dormant_wd), (2, 1, 1, 32));
        assert_eq!((g.matched, g.faster, g.slower, g.wd_saved), (2, 1, 1, 5));
        assert_eq!((g.mean_wd(), g.reduction_wd()), (16.0, 2.5));
    }

    #[test]
    fn an_empty_group_has_no_mean() {
        assert!(GroupCounts::default().mean_wd().is_nan());
        assert!(GroupCounts::default().reduction_wd().is_nan());
    }
}
