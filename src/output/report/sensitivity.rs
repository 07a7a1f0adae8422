//! The sensitivity study's report page: "Which assumptions move the answer?" (assumptions ranked per metric, with
//! their tornado) and "What do the levers do?" (policy levers, likewise), each row with the values used and where
//! they came from (the register's range, [sensitivity.bounds] or ± percent), the means at low and high and the
//! swing with its paired 95% CI; then the keys skipped and the method. Rendered by the report framework.

use super::grid::{Cell, Row, Table};
use super::sections::{Block, Section, para};
use super::study::{StudyPage, footer, runline, value, value_cell};
use crate::experiment::sensitivity::{Group, SensitivityStudy};
use crate::output::Manifest;
use crate::output::charts::tornado::{ASSUMPTIONS_CHART, LEVERS_CHART};

pub fn page<'a>(s: &'a SensitivityStudy, m: &'a Manifest) -> StudyPage<'a> {
    let design = format!(
        "{} parameters ({} assumptions, {} levers) × 2 settings × {} replications · {} installations simulated",
        s.parameters.len(),
        s.count(Group::Assumption),
        s.count(Group::Lever),
        s.replications,
        s.installations
    );
    let mut sections = vec![group(s, Group::Assumption), group(s, Group::Lever)];
    sections.extend(skipped(s));
    sections.push(method(s));
    StudyPage {
        kicker: "dormsim sensitivity",
        title: format!("What moves the answer? One-at-a-time sensitivity of {}", s.scenario),
        lede: Some(format!(
            "Each numeric key of the scenario set to a low and a high value, one at a time, every setting on the same \
             random numbers. Assumptions (what we do not know about the world) and policy levers (what the \
             organisations decide) are ranked apart, by their swing on {}.",
            s.metrics.iter().map(|m| format!("{} ({})", m.label, m.unit)).collect::<Vec<_>>().join(", ")
        )),
        runline: runline(&s.dormsim_version, &s.scenario, &s.scenario_hash, s.seed, &design, &m.overrides),
        version: &s.dormsim_version,
        sections,
        footer: footer(&s.dormsim_version, "sensitivity"),
    }
}

fn group(s: &SensitivityStudy, g: Group) -> Section {
    let (id, title, stem, intro) = match g {
        Group::Assumption => (
            "assumptions",
            "Which assumptions move the answer?",
            ASSUMPTIONS_CHART,
            "Assumptions about the world, each moved across its plausible range (the assumptions register's range \
             where it gives one). A large swing means the answer depends on getting this input right: it is where \
             better evidence pays.",
        ),
        Group::Lever => (
            "levers",
            "What do the levers do?",
            LEVERS_CHART,
            "Policy levers: the options' definitions and the capacities the organisations set. A swing here is an \
             effect that can be chosen, not an uncertainty.",
        ),
    };
    let mut blocks = vec![para(intro), Block::Figure { stem, alt: format!("Tornado chart: {title}") }];
    for (m, metric) in s.metrics.iter().enumerate() {
        let rows: Vec<Row> = s
            .ranked(g, m)
            .take(s.shown)
            .enumerate()
            .map(|(k, r)| {
                let p = &r.parameter;
                let e = &r.effects[m];
                let values = if p.kind == "scale" {
                    p.values_text()
                } else {
                    format!("{} (scenario {})", p.values_text(), p.base)
                };
                let from = match p.source.as_str() {
                    "register" => format!("register: {}", p.register_range.clone().unwrap_or_default()),
                    "bounds" => "[sensitivity.bounds]".to_string(),
                    _ => format!("± {}%", s.percent),
                };
                Row::Cells(vec![
                    Cell::new((k + 1).to_string()),
                    Cell::with(p.label(), Some(p.group_reason.clone())),
                    Cell::with(values, Some(from)),
                    Cell::new(format!("{} / {}", value(e.low, &metric.unit), value(e.high, &metric.unit))),
                    value_cell(e.swing, e.swing_ci95, &metric.unit),
                ])
            })
            .collect();
        let caption = format!(
            "{} ({}; scenario value {}): the {} largest swings of {} {}",
            metric.label,
            metric.unit,
            value(metric.base, &metric.unit),
            rows.len(),
            s.count(g),
            if g == Group::Lever { "levers" } else { "assumptions" }
        );
        let head = ["Rank", "Parameter", "Low → high (range from)", "At low / at high", "Swing (high − low)"];
        blocks.push(Block::Table { caption, table: Table { head: head.map(String::from).to_vec(), rows } });
    }
    Section { id, title: title.to_string(), blocks }
}

fn skipped(s: &SensitivityStudy) -> Option<Section> {
    if s.skipped.is_empty() {
        return None;
    }
    let rows =
        s.skipped.iter().map(|k| Row::Cells(vec![Cell::new(k.key.clone()), Cell::new(k.reason.clone())])).collect();
    Some(Section {
        id: "skipped",
        title: "Keys not varied".to_string(),
        blocks: vec![Block::Table {
            caption: format!("{} keys skipped, with the reason", s.skipped.len()),
            table: Table { head: vec!["Key".into(), "Reason".into()], rows },
        }],
    })
}

fn method(s: &SensitivityStudy) -> Section {
    Section {
        id: "method",
        title: "Method and limits".to_string(),
        blocks: vec![
            para(format!("Method: {}.", s.method)),
            para(format!("Groups: {}.", s.lever_rule)),
            para(
                "Values, first that applies: the scenario's [sensitivity.bounds]; the assumptions register's vary \
                 range for the key (a scale over a duration distribution moves all its times together); else ± the \
                 percentage. Limits: one-at-a-time designs miss interactions and show each key's effect only at two \
                 values (dormsim sweep gives a curve; dormsim uncertainty varies the register's inputs together). \
                 Intervals are simulation noise only.",
            ),
        ],
    }
}
