//! `populations.{csv,parquet}`: the per-population figures of `summary.json` as one tidy table, long in the stage:
//! one row per option × population × stage (`Stage::ALL` order), with the population-level figures (episodes,
//! shares, mean dormancy and its CI, and for non-baseline options the paired reduction against the baseline)
//! repeated on each of its stage rows. Summing `stage_wd_mean` over a population's rows gives `dormant_wd_mean`.
//! The decomposition chart is drawn from this table, so `dormsim report` can rebuild it.

use super::tables::nan_to_null;
use crate::experiment::{Comparison, Summary};
use crate::metrics::{MeanCi, Stage};
use polars::prelude::*;

/// The table's columns, filled row by row.
#[derive(Default)]
struct Columns {
    option: Vec<String>,
    population: Vec<String>,
    population_label: Vec<String>,
    episodes_mean: Vec<f64>,
    migrated_share: Vec<f64>,
    censored_share: Vec<f64>,
    dormant_wd_mean: Vec<f64>,
    dormant_wd_ci_low: Vec<f64>,
    dormant_wd_ci_high: Vec<f64>,
    stage: Vec<&'static str>,
    stage_label: Vec<&'static str>,
    stage_wd_mean: Vec<f64>,
    reduction_wd_mean: Vec<f64>,
    reduction_wd_ci_low: Vec<f64>,
    reduction_wd_ci_high: Vec<f64>,
    share_faster: Vec<f64>,
    share_slower: Vec<f64>,
    slower_share: Vec<f64>,
}

/// (mean, low, high) of an interval; NaN ends without one.
fn ends(m: &MeanCi) -> (f64, f64, f64) {
    let [lo, hi] = m.ci95.unwrap_or([f64::NAN, f64::NAN]);
    (m.mean, lo, hi)
}

/// One option's rows.
fn push_option(c: &mut Columns, option: &str, o: &crate::experiment::OptionSummary, cmp: Option<&Comparison>) {
    for (name, p) in &o.populations {
        let pair = cmp.and_then(|c| c.populations.get(name));
        let (mean, lo, hi) = ends(&p.dormant_wd);
        let (r_mean, r_lo, r_hi) = pair.map_or((f64::NAN, f64::NAN, f64::NAN), |x| ends(&x.reduction_wd));
        for stage in Stage::ALL {
            c.option.push(option.to_string());
            c.population.push(name.clone());
            c.population_label.push(p.label.clone());
            c.episodes_mean.push(p.episodes);
            c.migrated_share.push(p.migrated_share);
            c.censored_share.push(p.censored_share);
            c.dormant_wd_mean.push(mean);
            c.dormant_wd_ci_low.push(lo);
            c.dormant_wd_ci_high.push(hi);
            c.stage.push(stage.name());
            c.stage_label.push(stage.label());
            c.stage_wd_mean.push(p.stages_wd.get(stage.name()).copied().unwrap_or(f64::NAN));
            c.reduction_wd_mean.push(r_mean);
            c.reduction_wd_ci_low.push(r_lo);
            c.reduction_wd_ci_high.push(r_hi);
            c.share_faster.push(pair.map_or(f64::NAN, |x| x.share_faster));
            c.share_slower.push(pair.map_or(f64::NAN, |x| x.share_slower));
            c.slower_share.push(pair.and_then(|x| x.slower_by_stage.get(stage.name()).copied()).unwrap_or(f64::NAN));
        }
    }
}

/// The populations table of `summary` (options in scenario order, populations as in `summary.json`).
pub fn populations_frame(summary: &Summary) -> DataFrame {
    let mut c = Columns::default();
    for (name, o) in &summary.options {
        let cmp = summary.comparisons.iter().find(|x| &x.option == name);
        push_option(&mut c, name, o, cmp);
    }
    let columns = vec![
        Column::new("option".into(), c.option),
        Column::new("population".into(), c.population),
        Column::new("population_label".into(), c.population_label),
        Column::new("episodes_mean".into(), c.episodes_mean),
        Column::new("migrated_share".into(), c.migrated_share),
        Column::new("censored_share".into(), c.censored_share),
        Column::new("dormant_wd_mean".into(), c.dormant_wd_mean),
        Column::new("dormant_wd_ci_low".into(), c.dormant_wd_ci_low),
        Column::new("dormant_wd_ci_high".into(), c.dormant_wd_ci_high),
        Column::new("stage".into(), c.stage),
        Column::new("stage_label".into(), c.stage_label),
        Column::new("stage_wd_mean".into(), c.stage_wd_mean),
        Column::new("reduction_wd_mean".into(), c.reduction_wd_mean),
        Column::new("reduction_wd_ci_low".into(), c.reduction_wd_ci_low),
        Column::new("reduction_wd_ci_high".into(), c.reduction_wd_ci_high),
        Column::new("share_faster".into(), c.share_faster),
        Column::new("share_slower".into(), c.share_slower),
        Column::new("slower_share".into(), c.slower_share),
    ];
    DataFrame::new_infer_height(nan_to_null(columns)).expect("columns of equal length")
}
