//! The report's analysis sections as data (prose, tables, figures), rendered alike by [`super::html`] and
//! [`super::markdown`]: who gains (dormancy by population and the paired reduction), what dormancy is spent on
//! (stages, with the decomposition chart), notified dates kept, the fast-track share set against the consultation's
//! "7%" (R17), partial dormancy (R4) with lost service (R12), and validation against public figures with the
//! model's limitations ([`super::validation`]).

use super::breakdown::{self, SMETS1_SHARE_OF_SWITCHERS, stage_label};
use super::findings::Para;
use super::fmt::{count, lower_first, pct};
use super::grid::Table;
use crate::experiment::Summary;
use crate::output::RunDir;

/// File stem of the chart shown in "What dormancy is spent on".
pub const DECOMPOSITION_CHART: &str = "dormancy_decomposition";

pub enum Block {
    Para(Para),
    Table {
        caption: String,
        table: Table,
    },
    /// A chart by its stem; `alt` describes it where the chart's own text alternative is not at hand (Markdown).
    Figure {
        stem: &'static str,
        alt: String,
    },
    /// A bulleted list.
    List(Vec<Para>),
}

/// A paragraph of plain text.
pub fn para(s: impl Into<String>) -> Block {
    Block::Para(Para::default().t(s))
}

pub struct Section {
    pub id: &'static str,
    pub title: String,
    pub blocks: Vec<Block>,
}

fn text(s: impl Into<String>) -> Block {
    Block::Para(Para::default().t(s))
}

fn table(caption: impl Into<String>, table: Table) -> Block {
    Block::Table { caption: caption.into(), table }
}

/// The analysis sections, in report order (only validation and limitations for a run without populations).
pub fn analysis(run: &RunDir) -> Vec<Section> {
    let s = &run.summary;
    let mut out = Vec::new();
    if s.options.values().any(|o| !o.populations.is_empty()) {
        out = vec![who_gains(s)];
        out.extend(super::groups::section(s));
        out.extend([spent_on(s), notified(s), fast_track(s), partial(s)]);
    }
    out.extend(super::uncertainty::run_section(run));
    out.push(super::validation::section(s));
    out
}

fn who_gains(s: &Summary) -> Section {
    let baseline = s.options.keys().next().cloned().unwrap_or_default();
    let unmatched =
        s.comparisons.iter().flat_map(|c| c.populations.values().map(|p| p.unmatched_episodes)).fold(0.0, f64::max);
    let mut blocks = vec![
        text(
            "An option's headline depends on whom it is measured on. Each installation's tracked episode (its \
             backlog episode, or its first episode that began in the run) belongs to one population, fixed when it \
             starts and the same under every option: newly dormant with its DMC already on the EPCL (fast-track \
             eligible: what the fast track is for), dormant before its DMC was listed (it waits for the listing, R2 \
             and R3), or already dormant at the start (backlog). Dormancy is counted in working days (WD) inside the \
             horizon; episodes still open at the end count up to it, so every episode counts, not only the migrated \
             ones.",
        ),
        table(
            "Dormancy per population and option (episodes: simulated, mean per replication)",
            breakdown::populations(s),
        ),
    ];
    if !s.comparisons.is_empty() {
        blocks.push(text(format!(
            "The reduction compares the same episodes under the option and under {baseline}, matched by \
             installation and start day, paired by replication (common random numbers). Episodes that start on \
             different days under the two options are left out (at most {} per replication in any population). \
             For the slower episodes, the stage whose working days grew most names the mechanism.",
            count(unmatched)
        )));
        blocks
            .push(table(format!("Paired reduction against {baseline} on the same episodes"), breakdown::reductions(s)));
    }
    Section { id: "populations", title: "Who gains: dormancy by population".into(), blocks }
}

fn spent_on(s: &Summary) -> Section {
    let blocks = vec![
        text(
            "Each tracked episode's dormant working days are split into the stages it waited in; the stages add up \
             to its dormancy. Up to the notified migration date: waiting for the DMC's EPCL listing (R2), waiting \
             before the notice (DCC learning of the switch, then the route's wait, R5), waiting for a migration day \
             with DCC capacity left, and the notice period. After a missed notified date: the SMSO's firmware \
             configuration was late (R6), an attempt failed and was retried (R7), or the CoS check halted the \
             migration and it was re-planned (R8).",
        ),
        Block::Figure {
            stem: DECOMPOSITION_CHART,
            alt: "Stacked bars of the mean working days dormant per episode by stage, one panel per population and \
                  one bar per option (values in the table below)"
                .into(),
        },
        table("Mean working days per episode in each stage, inside the horizon", breakdown::decomposition(s)),
    ];
    Section { id: "decomposition", title: "What dormancy is spent on".into(), blocks }
}

/// "standard keeps 94.8% of its notified dates (most missed: failure and retry, 5.0%)".
fn kept_sentence(name: &str, o: &crate::experiment::OptionSummary) -> String {
    let n = &o.notified_dates;
    let worst = n.missed_share.iter().filter(|(_, v)| v.is_finite()).max_by(|a, b| a.1.total_cmp(b.1));
    let reason = worst.filter(|(_, v)| **v > 0.0).map_or(String::new(), |(k, v)| {
        format!(" (most often missed through {}: {})", lower_first(&stage_label(k)), pct(*v))
    });
    format!("{name} keeps {}{reason}", pct(n.kept_share))
}

fn notified(s: &Summary) -> Section {
    let options: Vec<String> = s.options.iter().map(|(n, o)| kept_sentence(n, o)).collect();
    let blocks = vec![
        text(
            "A dormant migration is notified for a day booked against DCC's capacity. The day is kept unless the \
             SMSO's firmware configuration is late, an attempt fails, or the CoS check halts the migration; the \
             shares below are of the dormant migrations that followed a notice, and the kept and missed shares add \
             up to 100%. Waiting for capacity never misses a date: notices are only issued against booked capacity.",
        ),
        table("Notified migration dates kept, and why the others were missed", breakdown::notified_dates(s)),
        text(format!("Of its notified dates, {}.", options.join("; "))),
    ];
    Section { id: "notified", title: "Notified dates kept".into(), blocks }
}

fn fast_track(s: &Summary) -> Section {
    let mut blocks = vec![
        text(
            "Of the switches of SMETS1 installations not yet migrated, some make the installation dormant (the \
             gaining supplier cannot operate its SMSO); of those, some have their Device Model Combination (DMC) on \
             the EPCL on the Supply Start Date (SSD); of those, the option fast-tracks the episodes its eligibility \
             admits. The fast-track share is fast-tracked ÷ switches: the share of switching SMETS1 installations \
             that pass faster.",
        ),
        table("From switches to fast-tracked episodes (simulated, mean per replication)", breakdown::fast_track(s)),
    ];
    blocks.push(Block::Para(seven_percent(s)));
    Section { id: "fasttrack", title: "Fast-track share (the consultation's 7%)".into(), blocks }
}

/// The fast-track share set against the consultation's "7% of customers".
fn seven_percent(s: &Summary) -> Para {
    let fast: Vec<(&String, &crate::experiment::OptionSummary)> =
        s.options.iter().filter(|(_, o)| o.fast_track.fast_tracked > 0.0).collect();
    let mut p = Para::default().t(
        "A respondent to the consultation said that \u{201c}the 7% of customers passing more quickly through \
         migration process\u{201d} did not justify the impact (R17). The consultation does not state the denominator \
         of that 7%. ",
    );
    let Some((first, o)) = fast.first() else {
        return p.t("No option fast-tracks any episode in this run, so there is no share to set against it.");
    };
    let shares: Vec<String> = fast.iter().map(|(n, o)| format!("{n} {}", pct(o.fast_track.fast_track_share))).collect();
    let f = &o.fast_track;
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    p = p
        .t("In this run the fast-track share of switching SMETS1 installations is ")
        .b(shares.join(", "))
        .t(format!(
            ". One reading of the 7% is a share of all switching customers, SMETS1 or not: multiply by the SMETS1 \
             share of switchers, \u{2248} {SMETS1_SHARE_OF_SWITCHERS} (from the project's domain notes, \
             shared/domain.md R17, not from the model), which gives "
        ))
        .b(format!("\u{2248} {} for {first}", pct(f.fast_track_share * SMETS1_SHARE_OF_SWITCHERS)));
    let (dormancy, listed) = (ratio(f.dormancy_causing, f.switches), ratio(f.listed_at_ssd, f.dormancy_causing));
    p.t(format!(
        ". Those notes arrive at \u{2248} 7.5% as 0.41 \u{00d7} 0.7 (share of switches causing dormancy) \u{00d7} \
         0.26 (EPCL coverage in May 2020); in this run {} of the switches cause dormancy and {} of those have their \
         DMC listed at the SSD{}.",
        pct(dormancy),
        pct(listed),
        main_difference(dormancy, listed)
    ))
}

/// Which ingredient differs more (by ratio) from the domain notes' 0.7 and 0.26.
fn main_difference(dormancy: f64, listed: f64) -> &'static str {
    let (d, l) = ((dormancy / 0.7).ln().abs(), (listed / 0.26).ln().abs());
    if !(d.is_finite() && l.is_finite()) {
        ""
    } else if l >= d {
        ": the difference comes mainly from the EPCL coverage over the run"
    } else {
        ": the difference comes mainly from the share of switches that cause dormancy"
    }
}

fn partial(s: &Summary) -> Section {
    let blocks = vec![
        text(
            "R4: a split-supply site whose supplier of one fuel cannot operate the SMSO loses part of its smart \
             function, but enters the dormant route only once every fuel is dormant; such episodes and the mean \
             number of sites in that state are counted. R12: a migrated installation that switches to a supplier \
             not yet DCC-ready loses smart service again.",
        ),
        table("Partial dormancy and lost service (simulated, mean per replication)", breakdown::partial_and_lost(s)),
    ];
    Section { id: "partial", title: "Partial dormancy (R4) and lost service (R12)".into(), blocks }
}
