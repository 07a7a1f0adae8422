//! The lead finding: what each option does for the population the fast track is for (installations newly dormant
//! with their DMC already listed), paired on the same episodes; the difference between two fast routes on it (the
//! consultation's "7 Working Days", R18, is the expedited − prioritised difference in the idealised case) with the
//! stages it is made of; what the other populations get; and the fast-track share (R17).

use super::breakdown::{main_stage, population_label, population_names, stage_label};
use super::contrast::reduction_difference;
use super::findings::{Group, Para, caution, change};
use super::fmt::{count, gb, lower_first, pct, signed, wd};
use crate::experiment::{Comparison, Summary};
use crate::metrics::{MeanCi, Population};
use crate::output::RunDir;

fn eligible() -> &'static str {
    Population::FastTrackEligible.name()
}

/// Mean dormancy of `population` under option `name`.
fn mean_wd(s: &Summary, name: &str, population: &str) -> f64 {
    s.options.get(name).and_then(|o| o.populations.get(population)).map_or(f64::NAN, |p| p.dormant_wd.mean)
}

/// "expedited shortens the dormancy of these episodes by 27.60 working days (95% CI …) against standard (…)".
fn against_baseline(s: &Summary, c: &Comparison) -> Option<Para> {
    let p = c.populations.get(eligible())?;
    let mut para = Para::default().b(c.option.clone()).t(" ");
    let r = &p.reduction_wd;
    para = change(para, r.mean, r.ci95, ("shortens", "lengthens"), "their dormancy", "working days");
    let slower = match main_stage(&p.slower_by_stage) {
        Some((label, share)) if p.share_slower > 0.0 => {
            format!(" ({} of the slower ones lost most time to {})", pct(share), lower_first(&label))
        }
        _ => String::new(),
    };
    Some(para.t(format!(
        " against {} (mean {} → {} WD per episode, inside the horizon); {} of these episodes are faster, {} slower{}.{}",
        c.baseline,
        wd(mean_wd(s, &c.baseline, eligible())),
        wd(mean_wd(s, &c.option, eligible())),
        pct(p.share_faster),
        pct(p.share_slower),
        slower,
        caution(r.ci95, s.replications)
    )))
}

/// Stages where `b` spends more (+) or less (−) than `a`, largest first: "notice period +6.93, …".
fn stage_differences(s: &Summary, a: &str, b: &str) -> String {
    let stages = |n: &str| s.options.get(n).and_then(|o| o.populations.get(eligible())).map(|p| p.stages_wd.clone());
    let (Some(x), Some(y)) = (stages(a), stages(b)) else { return String::new() };
    let mut diffs: Vec<(String, f64)> =
        y.iter().map(|(k, v)| (k.clone(), v - x.get(k).copied().unwrap_or(f64::NAN))).collect();
    diffs.retain(|(_, d)| d.is_finite() && d.abs() >= 0.005);
    diffs.sort_by(|p, q| q.1.abs().total_cmp(&p.1.abs()));
    let parts: Vec<String> =
        diffs.iter().map(|(k, d)| format!("{} {}", lower_first(&stage_label(k)), signed(*d))).collect();
    parts.join(", ")
}

/// Option `a` against option `b` (both compared with the baseline) on the eligible population.
fn between(run: &RunDir, a: usize, b: usize) -> Option<Para> {
    let s = &run.summary;
    let (name_a, name_b) = (s.options.get_index(a)?.0, s.options.get_index(b)?.0);
    let d: MeanCi = reduction_difference(&run.replications, eligible(), a, b)?;
    let mut para = Para::default()
        .t("Paired by replication (the difference of the two reductions), on the same episodes ")
        .b(name_a.clone())
        .t(" ");
    let what = format!("dormancy against {name_b}");
    para = change(para, d.mean, d.ci95, ("shortens", "lengthens"), &what, "WD");
    para = para.t(format!(".{}", caution(d.ci95, s.replications)));
    if name_a == "expedited" && name_b == "prioritised" {
        para = para
            .t(" The consultation's \u{201c}7 Working Days\u{201d} (R18) is exactly this difference in the idealised \
             case: both notices sent at once, 8 against 15 WD, nothing failing or queuing.");
    }
    let parts = stage_differences(s, name_a, name_b);
    if !parts.is_empty() {
        para = para.t(format!(" By stage ({name_b} minus {name_a}, WD per episode): {parts}."));
    }
    Some(para)
}

/// What the other populations get from each option, population by population, and the stage the slower episodes
/// lost most time to.
fn others(s: &Summary) -> Option<Para> {
    let (mut parts, mut stages) = (Vec::new(), Vec::new());
    let names = population_names(s);
    for name in names.iter().filter(|n| n.as_str() != eligible()) {
        let mut items = Vec::new();
        for c in &s.comparisons {
            let Some(p) = c.populations.get(name) else { continue };
            let r = &p.reduction_wd;
            let ci = r.ci95.map_or(String::new(), |c| format!(" (95% CI {})", super::fmt::ci(Some(c))));
            items.push(format!("{} {} WD{ci}, {} of episodes slower", c.option, signed(r.mean), pct(p.share_slower)));
            if p.share_slower > 0.0 {
                stages.extend(main_stage(&p.slower_by_stage).map(|(l, _)| l));
            }
        }
        if !items.is_empty() {
            parts.push(format!("{}: {}", lower_first(&population_label(s, name)), items.join(", ")));
        }
    }
    if parts.is_empty() {
        return None;
    }
    stages.sort();
    stages.dedup();
    let why = match stages.as_slice() {
        [one] => format!(" The slower episodes lost most time to {}.", lower_first(one)),
        [] => String::new(),
        many => format!(
            " The slower episodes lost most time to {}.",
            many.iter().map(|l| lower_first(l)).collect::<Vec<_>>().join(" or ")
        ),
    };
    Some(Para::default().t(format!(
        "The other populations are not fast-tracked. Their change in dormancy against the baseline (> 0 = \
         shorter): {}.{why}",
        parts.join("; ")
    )))
}

/// The fast-track share per option that fast-tracks anything.
fn share(s: &Summary) -> Option<Para> {
    let parts: Vec<String> = s
        .options
        .iter()
        .filter(|(_, o)| o.fast_track.fast_tracked > 0.0)
        .map(|(n, o)| format!("{n} {}", pct(o.fast_track.fast_track_share)))
        .collect();
    if parts.is_empty() {
        return None;
    }
    Some(
        Para::default()
            .t("Fast-track share of switching SMETS1 installations (switches that end in a fast-tracked episode): ")
            .b(parts.join(", "))
            .t(". The consultation's \u{201c}7% of customers\u{201d} states no denominator; see \u{201c}Fast-track share\u{201d}."),
    )
}

/// The lead group, or None when the run has no fast-track-eligible episodes or only one option.
pub fn fast_track_group(run: &RunDir) -> Option<Group> {
    let s = &run.summary;
    if s.comparisons.is_empty() {
        return None;
    }
    let base = s.options.values().next()?.populations.get(eligible())?;
    let mut items = vec![Para::default().t(format!(
        "Installations that went dormant in the run with their DMC already on the EPCL are the ones a fast track \
         is for: {} episodes per replication (\u{2248} {} at GB scale). Each is compared with itself under the \
         baseline option (same installation, same start day).",
        count(base.episodes),
        gb(base.episodes * s.scale_to_represented)
    ))];
    items.extend(s.comparisons.iter().filter_map(|c| against_baseline(s, c)));
    let n = s.options.len();
    for a in 1..n {
        for b in a + 1..n {
            items.extend(between(run, a, b));
        }
    }
    items.extend(others(s));
    items.extend(share(s));
    Some(Group {
        heading: format!("Who the fast track is for: {}", lower_first(&population_label(s, eligible()))),
        items,
    })
}
