//! Every headline figure of a run as measured in each replication alone (issue 14): one [`Value`] per replication
//! × option × metric (× population), the rows of `per_replication.{csv,parquet}` and what `dormsim compare`
//! pairs across runs.
//!
//! Each replication is summarised alone with the same code as the whole run ([`summarise`]), so a figure of
//! `summary.json` that is a mean over replications (every `mean` with a `ci95`, the counts per replication, the
//! staff effort, the paired reductions) is the mean of its rows here, and its 95% CI the Student-t interval over
//! them. The shares that `summary.json` pools over replications (`share_sites_slower`, a population's
//! `share_slower`, …) are here per replication, with their denominators (`sites_dormant_in_either`,
//! `matched_episodes`), so the pooled share is Σ share × denominator ÷ Σ denominator. Quantiles (p50–p95, max) pool
//! episodes and cannot be rebuilt from per-replication rows.

use super::{ReplicationResult, Summary, summarise};
use crate::cases::Party;
use crate::metrics::Population;
use crate::scenario::Scenario;

/// Units of the `unit` column.
pub mod unit {
    pub const WD: &str = "WD";
    pub const DAYS: &str = "calendar days";
    pub const SITES: &str = "installations (simulated)";
    pub const EPISODES: &str = "episodes (simulated)";
    pub const FTE: &str = "FTE (GB scale)";
    pub const CASES_GB: &str = "cases (GB scale)";
    pub const SHARE_SITES: &str = "share of installations";
    pub const SHARE_EPISODES: &str = "share of episodes";
    pub const SITE_DAYS_GB: &str = "installation-days per year (GB scale)";
}

/// One figure of one option in one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub replication: u32,
    pub option: String,
    /// The option compared with (the scenario's first) for paired metrics; `None` for an option's own figures.
    pub baseline: Option<String>,
    pub metric: &'static str,
    /// The population (`Population::name`) of a per-population figure; `None` for a figure over all episodes.
    pub population: Option<&'static str>,
    pub unit: &'static str,
    /// NaN where undefined in the replication (nothing migrated, no episode of the population).
    pub value: f64,
}

/// Every figure of every replication, in replication order, then option order, then the order of
/// [`option_figures`] and [`paired_figures`].
pub fn values(s: &Scenario, reps: &[ReplicationResult]) -> Vec<Value> {
    let mut out = Vec::new();
    for r in reps {
        let one = summarise(s, std::slice::from_ref(r));
        for (o, name) in one.options.keys().enumerate() {
            let mut push = |baseline: Option<&String>, (metric, population, unit, value): Figure| {
                out.push(Value {
                    replication: r.replication,
                    option: name.clone(),
                    baseline: baseline.cloned(),
                    metric,
                    population,
                    unit,
                    value,
                })
            };
            for f in option_figures(&one, o) {
                push(None, f);
            }
            if o > 0 {
                let baseline = one.options.get_index(0).map(|(n, _)| n);
                for f in paired_figures(&one, r, o) {
                    push(baseline, f);
                }
            }
        }
    }
    out
}

/// (metric, population, unit, value).
type Figure = (&'static str, Option<&'static str>, &'static str, f64);

fn fte(o: &super::OptionSummary, key: &str) -> f64 {
    o.manual_fte.get(key).map_or(f64::NAN, |f| f.mean_weekly)
}

/// Name of a per-party figure: `PREFIX_<party>`.
fn party_metric(prefix: &str, p: Party) -> &'static str {
    match (prefix, p) {
        ("manual_fte", Party::Dcc) => "manual_fte_dcc",
        ("manual_fte", Party::GainingSupplier) => "manual_fte_gaining_supplier",
        ("manual_fte", Party::LosingSupplier) => "manual_fte_losing_supplier",
        ("manual_fte", Party::Smso) => "manual_fte_smso",
        ("manual_fte", Party::Secas) => "manual_fte_secas",
        (_, Party::Dcc) => "extra_manual_fte_dcc",
        (_, Party::GainingSupplier) => "extra_manual_fte_gaining_supplier",
        (_, Party::LosingSupplier) => "extra_manual_fte_losing_supplier",
        (_, Party::Smso) => "extra_manual_fte_smso",
        (_, Party::Secas) => "extra_manual_fte_secas",
    }
}

/// Option `o`'s own figures in a one-replication summary.
fn option_figures(s: &Summary, o: usize) -> Vec<Figure> {
    use unit::*;
    let x = &s.options[o];
    let mut f: Vec<Figure> = vec![
        ("dormancy_wd", None, WD, x.dormancy_wd.mean),
        ("dormancy_days", None, DAYS, x.dormancy_days.mean),
        ("restored_wd", None, WD, x.restored_wd.mean),
        ("firmware_wait_wd", None, WD, x.firmware_wait_wd.mean),
    ];
    for p in Population::ALL {
        let pop = x.populations.get(p.name());
        f.push(("dormant_wd", Some(p.name()), WD, pop.map_or(f64::NAN, |q| q.dormant_wd.mean)));
        f.push(("episodes", Some(p.name()), EPISODES, pop.map_or(0.0, |q| q.episodes)));
    }
    f.extend([
        ("migrated_sites", None, SITES, x.migrated_sites),
        ("still_dormant_at_end", None, SITES, x.still_dormant_at_end),
        ("mean_dormant_stock", None, SITES, x.mean_dormant_stock),
        ("manual_cases_gb", None, CASES_GB, x.at_represented_scale.get("manual_cases").copied().unwrap_or(f64::NAN)),
        ("manual_fte_total", None, FTE, fte(x, "total")),
    ]);
    f.extend(Party::ALL.map(|p| (party_metric("manual_fte", p), None, FTE, fte(x, p.name()))));
    f.push(("manual_fte_peak_total", None, FTE, x.manual_fte.get("total").map_or(f64::NAN, |t| t.peak_weekly)));
    f
}

/// Option `o` (not the first) against the first, in a one-replication summary of replication `r`.
fn paired_figures(s: &Summary, r: &ReplicationResult, o: usize) -> Vec<Figure> {
    use unit::*;
    let (base, x) = (&s.options[0], &s.options[o]);
    let Some(c) = s.comparisons.get(o - 1) else { return Vec::new() };
    let mut f: Vec<Figure> = vec![
        ("reduction_wd", None, WD, c.mean_reduction_wd),
        ("reduction_days", None, DAYS, c.mean_reduction_days),
        ("reduction_restored_wd", None, WD, c.mean_reduction_restored_wd),
        ("site_reduction_wd", None, WD, c.mean_site_reduction_wd),
        ("share_faster", None, SHARE_SITES, c.share_sites_faster),
        ("share_slower", None, SHARE_SITES, c.share_sites_slower),
        ("sites_dormant_in_either", None, SITES, r.paired[o].sites_dormant_in_either as f64),
    ];
    for p in Population::ALL {
        let pop = c.populations.get(p.name());
        let get = |g: fn(&super::breakdown::PopulationComparison) -> f64| pop.map_or(f64::NAN, g);
        f.push(("reduction_wd", Some(p.name()), WD, get(|q| q.reduction_wd.mean)));
        f.push(("share_faster", Some(p.name()), SHARE_EPISODES, get(|q| q.share_faster)));
        f.push(("share_slower", Some(p.name()), SHARE_EPISODES, get(|q| q.share_slower)));
        f.push(("matched_episodes", Some(p.name()), EPISODES, pop.map_or(0.0, |q| q.matched_episodes)));
    }
    f.push(("extra_manual_fte", None, FTE, c.extra_manual_fte));
    f.extend(Party::ALL.map(|p| (party_metric("extra", p), None, FTE, fte(x, p.name()) - fte(base, p.name()))));
    let avoided = (base.mean_dormant_stock - x.mean_dormant_stock) * s.scale_to_represented * 365.0;
    f.push(("dormant_days_avoided_gb_per_year", None, SITE_DAYS_GB, avoided));
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::{Execution, run};
    use crate::metrics::mean_ci95;

    fn small() -> (Scenario, Vec<ReplicationResult>) {
        let o = ["fleet.installations=1500".to_string(), "run.replications=3".to_string()];
        let s = Scenario::baseline(&o).unwrap();
        let reps = run(&s, &[0, 1, 2], Execution { threads: 1 }, &|| {}).unwrap();
        (s, reps)
    }

    fn column(v: &[Value], option: &str, metric: &str, population: Option<&str>) -> Vec<f64> {
        v.iter()
            .filter(|x| x.option == option && x.metric == metric && x.population == population)
            .map(|x| x.value)
            .collect()
    }

    #[test]
    fn the_mean_and_ci_of_the_rows_are_the_summarys() {
        let (s, reps) = small();
        let v = values(&s, &reps);
        let summary = summarise(&s, &reps);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        let m = mean_ci95(&column(&v, "expedited", "dormancy_wd", None));
        assert!(close(m.mean, summary.options["expedited"].dormancy_wd.mean));
        let (ci, pinned) = (m.ci95.unwrap(), summary.options["expedited"].dormancy_wd.ci95.unwrap());
        assert!(close(ci[0], pinned[0]) && close(ci[1], pinned[1]), "{ci:?} vs {pinned:?}");
        let r = mean_ci95(&column(&v, "expedited", "reduction_wd", Some("backlog")));
        assert!(close(r.mean, summary.comparisons[0].populations["backlog"].reduction_wd.mean));
        let f = mean_ci95(&column(&v, "prioritised", "extra_manual_fte", None));
        assert!(close(f.mean, summary.comparisons[1].extra_manual_fte));
        // The pooled share: Σ share × denominator ÷ Σ denominator.
        let (share, either) =
            (column(&v, "expedited", "share_slower", None), column(&v, "expedited", "sites_dormant_in_either", None));
        let pooled = share.iter().zip(&either).map(|(a, b)| a * b).sum::<f64>() / either.iter().sum::<f64>();
        assert!(close(pooled, summary.comparisons[0].share_sites_slower));
    }

    #[test]
    fn the_baseline_option_has_no_paired_rows_and_every_row_names_its_replication() {
        let (s, reps) = small();
        let v = values(&s, &reps);
        assert!(v.iter().filter(|x| x.option == "standard").all(|x| x.baseline.is_none()));
        assert!(v.iter().filter(|x| x.metric == "reduction_wd").all(|x| x.baseline.as_deref() == Some("standard")));
        let per_rep = v.len() / 3;
        assert_eq!(v.iter().filter(|x| x.replication == 2).count(), per_rep);
    }
}
