//! The headline findings in plain words, generated from the run's files: first who the fast track is for (the
//! fast-track-eligible population, [`super::headline`]), then the first option's level, then each option against it
//! (both clocks over all migrated episodes, the per-installation shares, manual effort), every difference with its
//! 95% CI and a caution when the interval includes zero. Built as text spans so HTML and Markdown render the same
//! sentences. Degenerate runs (one replication, nothing migrated) get sentences that say so instead of "n/a".

use super::fmt::{ci, count, gb, opt, pct, peak, replications, signed, wd};
use crate::experiment::{Comparison, OptionSummary, Summary};
use crate::output::RunDir;

/// A run of text, plain or emphasised.
pub enum Span {
    Text(String),
    Strong(String),
}

/// One finding: a sentence or two.
#[derive(Default)]
pub struct Para(pub Vec<Span>);

impl Para {
    pub(super) fn t(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Text(s.into()));
        self
    }
    pub(super) fn b(mut self, s: impl Into<String>) -> Self {
        self.0.push(Span::Strong(s.into()));
        self
    }
}

/// Findings under one heading.
pub struct Group {
    pub heading: String,
    pub items: Vec<Para>,
}

/// "; 95% CI 7.55–7.73" or nothing without an interval.
fn ci_part(ci95: Option<[f64; 2]>) -> String {
    ci95.map_or_else(String::new, |c| format!("95% CI {}", ci(Some(c))))
}

/// " (95% CI 7.55–7.73)" or nothing without an interval.
pub(super) fn ci_paren(ci95: Option<[f64; 2]>) -> String {
    ci95.map_or_else(String::new, |c| format!(" (95% CI {})", ci(Some(c))))
}

/// A caution when the interval includes zero.
pub(super) fn caution(ci95: Option<[f64; 2]>, n: u32) -> String {
    match ci95 {
        Some([lo, hi]) if lo <= 0.0 && hi >= 0.0 && hi > lo => format!(
            " The interval includes zero: with {} this difference is not distinguishable from none.",
            replications(n)
        ),
        _ => String::new(),
    }
}

/// "{verb} {what} by **{magnitude} {unit}** (95% CI …)": the verb carries the sign, the interval is of the
/// magnitude (a negative difference reads "lengthens … by 1.20 (95% CI 0.50–1.90)").
pub(super) fn change(p: Para, d: f64, ci95: Option<[f64; 2]>, verbs: (&str, &str), what: &str, unit: &str) -> Para {
    if !d.is_finite() {
        return p.t(format!("cannot be compared on {what}: no such episode ended in the run"));
    }
    if wd(d) == "0.00" {
        return p.t(format!("leaves {what} unchanged (")).b(format!("0.00 {unit}")).t(format!("{})", ci_paren(ci95)));
    }
    let (verb, mag, ci95) = if d < 0.0 { (verbs.1, -d, ci95.map(|[lo, hi]| [-hi, -lo])) } else { (verbs.0, d, ci95) };
    p.t(format!("{verb} {what} by ")).b(format!("{} {unit}", wd(mag))).t(ci_paren(ci95))
}

fn baseline_group(s: &Summary, name: &str, o: &OptionSummary) -> Group {
    let scale = s.scale_to_represented;
    let (d, r) = (&o.dormancy_wd, &o.restored_wd);
    let mut level = Para::default().t(format!("Under the first option, {name}, "));
    level = if d.mean.is_finite() {
        let detail = [
            ci_part(d.ci95),
            format!("median {}, 90th percentile {}, 95th percentile {} WD", opt(d.p50), opt(d.p90), opt(d.p95)),
        ]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
        level
            .t("installations that went dormant during the run and were migrated (all populations mixed) stayed dormant for ")
            .b(format!("{} working days", wd(d.mean)))
            .t(format!(" on average ({detail}) and waited "))
            .b(format!("{} WD", wd(r.mean)))
            .t(format!(" until smart service was restored{}.", ci_paren(r.ci95)))
    } else {
        level
            .t("no installation that went dormant during the run was migrated within it, so there is no mean dormancy.")
    };
    let stock = Para::default().t(format!(
        "Per replication, {} installations (≈ {} at GB scale) were dormant at some time in the {}-day run, {} of them \
         already at the start; {} were migrated after dormancy and {} (≈ {}) were still dormant at the end.",
        count(o.dormant_sites),
        gb(o.dormant_sites * scale),
        s.horizon_days,
        count(o.backlog_sites),
        count(o.migrated_sites),
        count(o.still_dormant_at_end),
        gb(o.still_dormant_at_end * scale),
    ));
    let total = o.manual_fte.get("total");
    let manual = Para::default()
        .t(format!(
            "Manual work: ≈ {} cases per replication at GB scale, ",
            gb(o.at_represented_scale.get("manual_cases").copied().unwrap_or(f64::NAN))
        ))
        .b(format!("{} FTE", wd(total.map_or(f64::NAN, |f| f.mean_weekly))))
        .t(format!(
            " per week on average at GB scale{}; the busiest week of the mean weekly series is {}.",
            ci_paren(total.and_then(|f| f.ci95)),
            total.map_or_else(|| "n/a".to_string(), |f| peak(f.peak_weekly, f.peak_ci95, &f.peak_week_start)),
        ));
    Group { heading: format!("Baseline: {name}"), items: vec![level, stock, manual] }
}

fn comparison_group(s: &Summary, c: &Comparison) -> Option<Group> {
    let (base, alt) = (s.options.get(&c.baseline)?, s.options.get(&c.option)?);
    let n = s.replications;
    let shorter = ("shortens", "lengthens");
    let mut clocks = Para::default()
        .t("Over all migrated episodes begun in the run (this mixes populations: see the first finding), ")
        .b(c.option.clone())
        .t(" ");
    if !c.mean_reduction_wd.is_finite() {
        clocks = clocks.t(format!(
            "cannot be compared with {} on dormancy: under one of them no installation that went dormant during the \
             run was migrated within it.",
            c.baseline
        ));
    } else {
        clocks = change(clocks, c.mean_reduction_wd, c.ci95, shorter, "dormancy until migration", "working days");
        clocks = clocks.t(format!(
            " against {} (mean {} → {} WD)",
            c.baseline,
            wd(base.dormancy_wd.mean),
            wd(alt.dormancy_wd.mean)
        ));
        clocks = change(
            clocks.t(", and "),
            c.mean_reduction_restored_wd,
            c.ci95_restored,
            shorter,
            "the wait until restored smart service",
            "WD",
        );
        clocks = clocks.t(format!(".{}", caution(c.ci95, n)));
    }

    let mut sites = Para::default()
        .t("Of the installations dormant under either option (backlog and still-dormant ones included, within the horizon), ")
        .b(pct(c.share_sites_faster))
        .t(format!(" spend fewer working days dormant under {}, ", c.option))
        .b(pct(c.share_sites_slower))
        .t(" more, the rest the same; on average it ");
    sites = change(
        sites,
        c.mean_site_reduction_wd,
        c.ci95_site,
        ("cuts", "lengthens"),
        "their dormancy",
        "WD per installation",
    );
    sites = sites.t(format!(".{}", caution(c.ci95_site, n)));

    let fte = |o: &OptionSummary| o.manual_fte.get("total").map_or(f64::NAN, |f| f.mean_weekly);
    let detail = [ci_part(c.ci95_extra_manual_fte), format!("{} → {} FTE in a mean week", wd(fte(base)), wd(fte(alt)))]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    let manual = Para::default()
        .t("Manual effort changes by ")
        .b(format!("{} FTE", signed(c.extra_manual_fte)))
        .t(format!(" per week at GB scale ({detail}).{}", caution(c.ci95_extra_manual_fte, n)));
    Some(Group { heading: format!("{} against {}", c.option, c.baseline), items: vec![clocks, sites, manual] })
}

/// All findings, in report order.
pub fn findings(run: &RunDir) -> Vec<Group> {
    let s = &run.summary;
    let mut groups: Vec<Group> = super::headline::fast_track_group(run).into_iter().collect();
    if let Some((name, o)) = s.options.first() {
        let mut g = baseline_group(s, name, o);
        if s.replications < 2 {
            g.items.insert(
                0,
                Para::default().b("One replication only:").t(
                    " no confidence intervals can be computed; run more replications before relying on these figures.",
                ),
            );
        }
        groups.push(g);
    }
    groups.extend(s.comparisons.iter().filter_map(|c| comparison_group(s, c)));
    groups
}
