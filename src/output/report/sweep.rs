//! The sweep's report page: the charted metric per point and option with its interval, the paired trade-off of
//! each option against the baseline per point (per-installation saving, share slower, extra staff effort, GB
//! dormant installation-days avoided), and the method. Rendered by the report framework ([`super::study`]).

use super::grid::{Cell, Row, Table};
use super::sections::{Block, Section, para};
use super::study::{StudyPage, footer, runline, value_cell};
use crate::experiment::metric;
use crate::experiment::sweep::SweepStudy;
use crate::output::Manifest;

/// The paired metrics of the trade-off table, in column order.
const TRADE_OFF: [&str; 5] = [
    "reduction_wd_fast_track_eligible",
    "site_reduction_wd",
    "share_slower",
    "extra_manual_fte",
    "dormant_days_avoided_gb_per_year",
];

fn point_label(study: &SweepStudy, p: usize) -> String {
    study.grid.keys.iter().zip(&study.grid.points[p]).map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ")
}

/// A column heading with its unit: "Per-installation saving (WD)".
pub(super) fn heading(name: &str) -> String {
    let label = metric::label(name);
    let mut c = label.chars();
    let first = c.next().map(|x| x.to_uppercase().collect::<String>()).unwrap_or_default();
    format!("{first}{} ({})", c.as_str(), metric::unit(name))
}

pub fn page<'a>(study: &'a SweepStudy, m: &'a Manifest) -> StudyPage<'a> {
    let design = format!(
        "{} point{} × {} replication{} · {} installations simulated",
        study.grid.points.len(),
        if study.grid.points.len() == 1 { "" } else { "s" },
        m.replications,
        if m.replications == 1 { "" } else { "s" },
        study.installations
    );
    let mut sections = vec![results(study)];
    sections.extend(trade_off(study));
    sections.push(method(study));
    StudyPage {
        kicker: "dormsim sweep",
        title: format!("{} against {}", heading(&study.metric), study.grid.keys.join(" and ")),
        lede: Some(format!(
            "The scenario {} run at every point of a grid of {} value{}, every point with the same seed (common \
             random numbers), so neighbouring points differ only through the varied key{}. Intervals are 95% \
             confidence intervals over replications: simulation noise only.",
            study.scenario,
            study.grid.points.len(),
            if study.grid.points.len() == 1 { "" } else { "s" },
            if study.grid.keys.len() == 1 { "" } else { "s" },
        )),
        runline: runline(
            &study.dormsim_version,
            &study.scenario,
            &study.scenario_hash,
            study.seed,
            &design,
            &m.overrides,
        ),
        version: &study.dormsim_version,
        sections,
        footer: footer(&study.dormsim_version, "sweep"),
    }
}

fn results(study: &SweepStudy) -> Section {
    let unit = metric::unit(&study.metric);
    let mut head = study.grid.keys.clone();
    head.extend(study.options.iter().cloned());
    let rows = (0..study.grid.points.len())
        .map(|p| {
            let mut cells: Vec<Cell> = study.grid.points[p].iter().map(|v| Cell::new(v.clone())).collect();
            cells.extend(study.options.iter().map(|o| match study.row(p, o, &study.metric) {
                Some(r) => value_cell(r.mean, r.ci95, unit),
                None => Cell::new("—"),
            }));
            Row::Cells(cells)
        })
        .collect();
    Section {
        id: "results",
        title: "What the sweep shows".to_string(),
        blocks: vec![
            Block::Figure { stem: "sweep", alt: format!("{} against {}", heading(&study.metric), study.grid.keys[0]) },
            Block::Table {
                caption: format!(
                    "{} per point and option (— : not defined for the option, e.g. a comparison for the baseline); \
                     every metric in sweep.csv",
                    heading(&study.metric)
                ),
                table: Table { head, rows },
            },
        ],
    }
}

fn trade_off(study: &SweepStudy) -> Option<Section> {
    let baseline = study.options.first()?;
    let compared: Vec<&String> = study.options.iter().skip(1).collect();
    if compared.is_empty() {
        return None;
    }
    let mut head = vec!["Point".to_string()];
    head.extend(TRADE_OFF.iter().map(|n| heading(n)));
    let mut rows = Vec::new();
    for o in compared {
        rows.push(Row::Section(format!("{o} against {baseline}")));
        for p in 0..study.grid.points.len() {
            let mut cells = vec![Cell::new(point_label(study, p))];
            cells.extend(TRADE_OFF.iter().map(|n| match study.row(p, o, n) {
                Some(r) => value_cell(r.mean, r.ci95, metric::unit(n)),
                None => Cell::new("—"),
            }));
            rows.push(Row::Cells(cells));
        }
    }
    Some(Section {
        id: "tradeoff",
        title: format!("The trade-off against {baseline}, paired"),
        blocks: vec![
            para(format!(
                "Each option against {baseline} in the same replications (common random numbers): the dormancy it \
                 saves the fast-track eligible episodes and each installation dormant under either option, the share \
                 of those installations it makes slower, the extra staff effort it creates (FTE at GB scale; by party \
                 in sweep.csv) and the GB dormant installation-days it avoids per year. The intervals are paired: \
                 the option − baseline difference is taken within each replication."
            )),
            Block::Table {
                caption: "Paired differences per point (option − baseline; > 0 saving = faster)".into(),
                table: Table { head, rows },
            },
        ],
    })
}

fn method(study: &SweepStudy) -> Section {
    Section {
        id: "method",
        title: "Method and limits".to_string(),
        blocks: vec![para(format!(
            "Each point is an ordinary run of the scenario with {} set by `--set`, the same seed and replication \
             numbers. A mean's 95% CI is the Student t interval over replications (Law, Simulation Modeling and \
             Analysis, §9.4.1); paired metrics use the per-replication option − baseline differences (§10.2.1); a \
             share pooled over replications uses the ratio estimator's interval. The intervals are simulation noise \
             only: they say nothing about how wrong the inputs may be (dormsim uncertainty). Metrics and units: \
             docs/experiments.md and docs/outputs.md.",
            study.grid.keys.join(", ")
        ))],
    }
}
