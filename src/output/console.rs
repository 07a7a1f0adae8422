//! The readable summary printed after a run: one row per option, then the paired comparisons.

use crate::experiment::Summary;
use std::fmt::Write;

fn ci(ci: Option<[f64; 2]>) -> String {
    match ci {
        Some([lo, hi]) => format!("[{lo:.2}, {hi:.2}]"),
        None => "n/a (n=1)".to_string(),
    }
}

fn opt_u32(v: Option<u32>) -> String {
    v.map(|x| x.to_string()).unwrap_or_else(|| "-".into())
}

/// Render `summary` as a plain-text table (fixed-width columns).
pub fn render_summary(summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "dormsim {} · scenario {} · seed {} · {} replication(s) · {} installations simulated (× {:.1} = {} represented)",
        summary.dormsim_version,
        summary.scenario,
        summary.seed,
        summary.replications,
        summary.installations,
        summary.scale_to_represented,
        summary.represents
    );
    let _ = writeln!(
        out,
        "Dormancy of installations that went dormant during the run and were migrated (means per replication):\n"
    );
    let _ = writeln!(
        out,
        "{:<14} {:>10} {:>18} {:>5} {:>5} {:>5} {:>9} {:>9} {:>9} {:>8} {:>9}",
        "option", "mean WD", "95% CI", "p50", "p90", "p95", "migrated", "dormant", "at end", "fw wait", "manual"
    );
    for (name, o) in &summary.options {
        let _ = writeln!(
            out,
            "{:<14} {:>10.2} {:>18} {:>5} {:>5} {:>5} {:>9.0} {:>9.0} {:>9.0} {:>8.2} {:>9.0}",
            name,
            o.dormancy_wd.mean,
            ci(o.dormancy_wd.ci95),
            opt_u32(o.dormancy_wd.p50),
            opt_u32(o.dormancy_wd.p90),
            opt_u32(o.dormancy_wd.p95),
            o.migrated_sites,
            o.dormant_sites,
            o.still_dormant_at_end,
            o.firmware_wait_wd.mean,
            o.manual_cases.get("total").copied().unwrap_or(0.0),
        );
    }
    if !summary.comparisons.is_empty() {
        let _ =
            writeln!(out, "\nPaired comparison with `{}` (common random numbers):\n", summary.comparisons[0].baseline);
        let _ = writeln!(
            out,
            "{:<14} {:>12} {:>18} {:>14} {:>12} {:>18} {:>13}",
            "option", "reduction WD", "95% CI", "reduction days", "per-site WD", "95% CI", "sites faster"
        );
        for c in &summary.comparisons {
            let _ = writeln!(
                out,
                "{:<14} {:>12.2} {:>18} {:>14.2} {:>12.2} {:>18} {:>12.1}%",
                c.option,
                c.mean_reduction_wd,
                ci(c.ci95),
                c.mean_reduction_days,
                c.mean_site_reduction_wd,
                ci(c.ci95_site),
                100.0 * c.share_sites_faster
            );
        }
        let _ = writeln!(
            out,
            "\nreduction: difference of the mean dormancy of migrated episodes above. per-site: mean over installations\n\
             dormant under either option of the difference in their dormant working days within the horizon."
        );
    }
    out
}
