//! The readable summary printed after a run: dormancy per option on both clocks, the paired comparisons, and the
//! manual-intervention load by party.

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

fn header(out: &mut String, summary: &Summary) {
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
}

fn dormancy_table(out: &mut String, summary: &Summary) {
    let _ = writeln!(
        out,
        "\nDormancy of installations that went dormant during the run and were migrated (WD = working days; counts are\n\
         simulated installations, means per replication):\n"
    );
    let _ = writeln!(
        out,
        "{:<12} {:>8} {:>16} {:>4} {:>4} {:>4} {:>11} {:>16} {:>9} {:>9} {:>8} {:>8}",
        "option",
        "to migr.",
        "95% CI",
        "p50",
        "p90",
        "p95",
        "to service",
        "95% CI",
        "migrated",
        "active",
        "at end",
        "fw wait"
    );
    for (name, o) in &summary.options {
        let _ = writeln!(
            out,
            "{:<12} {:>8.2} {:>16} {:>4} {:>4} {:>4} {:>11.2} {:>16} {:>9.0} {:>9.0} {:>8.0} {:>8.2}",
            name,
            o.dormancy_wd.mean,
            ci(o.dormancy_wd.ci95),
            opt_u32(o.dormancy_wd.p50),
            opt_u32(o.dormancy_wd.p90),
            opt_u32(o.dormancy_wd.p95),
            o.restored_wd.mean,
            ci(o.restored_wd.ci95),
            o.migrated_sites,
            o.active_migrated_sites,
            o.still_dormant_at_end,
            o.firmware_wait_wd.mean,
        );
    }
}

fn comparison_table(out: &mut String, summary: &Summary) {
    let Some(first) = summary.comparisons.first() else { return };
    let _ = writeln!(out, "\nPaired comparison with `{}` (common random numbers; > 0 = shorter):\n", first.baseline);
    let _ = writeln!(
        out,
        "{:<12} {:>9} {:>16} {:>10} {:>16} {:>11} {:>8} {:>10} {:>16}",
        "option", "migr. WD", "95% CI", "service WD", "95% CI", "per-site WD", "faster", "extra FTE", "95% CI"
    );
    for c in &summary.comparisons {
        let _ = writeln!(
            out,
            "{:<12} {:>9.2} {:>16} {:>10.2} {:>16} {:>11.2} {:>7.1}% {:>10.2} {:>16}",
            c.option,
            c.mean_reduction_wd,
            ci(c.ci95),
            c.mean_reduction_restored_wd,
            ci(c.ci95_restored),
            c.mean_site_reduction_wd,
            100.0 * c.share_sites_faster,
            c.extra_manual_fte,
            ci(c.ci95_extra_manual_fte),
        );
    }
}

fn manual_table(out: &mut String, summary: &Summary) {
    let _ = writeln!(
        out,
        "\nManual intervention, staff effort in FTE at represented scale (mean week [95% CI], peak week):\n"
    );
    let _ = writeln!(
        out,
        "{:<12} {:>8} {:>26} {:>8} {:>26} {:>8}",
        "option", "cases", "DCC FTE", "peak", "supplier FTE", "peak"
    );
    for (name, o) in &summary.options {
        let f = |p: &str| o.manual_fte.get(p);
        let cell = |p: &str| f(p).map(|x| format!("{:.2} {}", x.mean_weekly, ci(x.ci95))).unwrap_or_default();
        let peak = |p: &str| f(p).map(|x| format!("{:.2}", x.peak_weekly)).unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<12} {:>8.0} {:>26} {:>8} {:>26} {:>8}",
            name,
            o.manual_cases.get("total").copied().unwrap_or(0.0),
            cell("dcc"),
            peak("dcc"),
            cell("supplier"),
            peak("supplier"),
        );
    }
}

/// Render `summary` as plain-text tables (fixed-width columns).
pub fn render_summary(summary: &Summary) -> String {
    let mut out = String::new();
    header(&mut out, summary);
    dormancy_table(&mut out, summary);
    comparison_table(&mut out, summary);
    manual_table(&mut out, summary);
    let _ = writeln!(
        out,
        "\nto migr.: SSD to migration; to service: SSD to restored smart service (supplier DCC-ready, R12). per-site:\n\
         mean over installations dormant under either option of the difference in dormant WD within the horizon."
    );
    let _ = writeln!(out, "{}", wrap(&format!("warm-up: {}.", summary.warmup.note), 118));
    out
}

/// Greedy word wrap at `width` characters.
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("at least one line");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}
