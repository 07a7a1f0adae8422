//! `breakdowns.{csv,parquet}`: `summary.json`'s `breakdowns` as one tidy table, one row per dimension × group ×
//! option (dimensions: population, cohort, SMSO, supplier group, payment type; `experiment::groups`). Working days
//! are restricted means inside the horizon over each group's tracked episodes; the paired reduction against the
//! baseline option (and the shares faster and slower) are empty on the baseline's own rows.

use super::tables::nan_to_null;
use crate::experiment::Summary;
use crate::metrics::MeanCi;
use polars::prelude::*;

/// (mean, low, high) of an optional interval; NaN where there is none.
fn ends(m: Option<&MeanCi>) -> [f64; 3] {
    match m {
        Some(m) => {
            let [lo, hi] = m.ci95.unwrap_or([f64::NAN, f64::NAN]);
            [m.mean, lo, hi]
        }
        None => [f64::NAN; 3],
    }
}

/// The breakdowns table of `summary` (in `summary.json` order).
pub fn breakdowns_frame(summary: &Summary) -> DataFrame {
    let rows = &summary.breakdowns;
    let text = |f: &dyn Fn(&crate::experiment::groups::GroupSummary) -> String| -> Vec<String> {
        rows.iter().map(f).collect()
    };
    let num =
        |f: &dyn Fn(&crate::experiment::groups::GroupSummary) -> f64| -> Vec<f64> { rows.iter().map(f).collect() };
    let dormant = |i: usize| num(&|r| ends(Some(&r.dormant_wd))[i]);
    let reduction = |i: usize| num(&|r| ends(r.reduction_wd.as_ref())[i]);
    let columns = vec![
        Column::new("dimension".into(), text(&|r| r.dimension.clone())),
        Column::new("group".into(), text(&|r| r.group.clone())),
        Column::new("group_label".into(), text(&|r| r.label.clone())),
        Column::new("option".into(), text(&|r| r.option.clone())),
        Column::new("episodes_mean".into(), num(&|r| r.episodes)),
        Column::new("episode_share".into(), num(&|r| r.episode_share)),
        Column::new("migrated_share".into(), num(&|r| r.migrated_share)),
        Column::new("censored_share".into(), num(&|r| r.censored_share)),
        Column::new("dormant_wd_mean".into(), dormant(0)),
        Column::new("dormant_wd_ci_low".into(), dormant(1)),
        Column::new("dormant_wd_ci_high".into(), dormant(2)),
        Column::new("reduction_wd_mean".into(), reduction(0)),
        Column::new("reduction_wd_ci_low".into(), reduction(1)),
        Column::new("reduction_wd_ci_high".into(), reduction(2)),
        Column::new("matched_episodes_mean".into(), num(&|r| r.matched_episodes.unwrap_or(f64::NAN))),
        Column::new("share_faster".into(), num(&|r| r.share_faster.unwrap_or(f64::NAN))),
        Column::new("share_slower".into(), num(&|r| r.share_slower.unwrap_or(f64::NAN))),
    ];
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}
