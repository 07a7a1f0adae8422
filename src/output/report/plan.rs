//! The plan's report page: the answer (or, when no value meets the targets, the diagnosis of each failing
//! target), every evaluation with its mean, interval, one-sided bound and verdict, the chart of the first target's
//! metric against the key, and the method. Rendered by the report framework ([`super::study`]).

use super::findings::Para;
use super::grid::{Cell, Row, Table};
use super::sections::{Block, Section, para};
use super::study::{StudyPage, footer, runline, value, value_cell};
use crate::experiment::plan::Plan;
use crate::output::Manifest;
use crate::output::plan::{answer_text, diagnosis_text};

pub fn page<'a>(p: &'a Plan, m: &'a Manifest) -> StudyPage<'a> {
    let design = format!(
        "{} of {} grid values evaluated × {} replications · {}% one-sided bounds · {} installations simulated",
        p.evaluations.len(),
        p.grid.len(),
        m.replications,
        p.confidence * 100.0,
        p.installations
    );
    StudyPage {
        kicker: "dormsim plan",
        title: format!(
            "Smallest {} for {}",
            p.key,
            p.targets.iter().map(|t| format!("{} {} {}", t.metric, t.op(), t.value)).collect::<Vec<_>>().join(" and ")
        ),
        lede: Some(format!("Answer: {}.", answer_text(p))),
        runline: runline(&p.dormsim_version, &p.scenario, &p.scenario_hash, p.seed, &design, &m.overrides),
        version: &p.dormsim_version,
        sections: vec![answer(p), evidence(p), method(p)],
        footer: footer(&p.dormsim_version, "plan"),
    }
}

fn answer(p: &Plan) -> Section {
    let mut blocks = vec![Block::Para(Para::default().b(format!("{}.", answer_text(p))))];
    if !p.non_monotone.is_empty() {
        blocks.push(para(format!(
            "Warning: values above the answer fail the targets ({}): the effect of {} is not monotone there at this \
             number of replications; treat the answer with care or add replications.",
            p.non_monotone.join(", "),
            p.key
        )));
    }
    if !p.diagnosis.is_empty() {
        blocks.push(Block::List(
            p.diagnosis.iter().map(|d| Para::default().t(format!("{}.", diagnosis_text(p, d)))).collect(),
        ));
    }
    blocks.push(Block::Figure {
        stem: "plan",
        alt: format!("The first target's metric against {}, the target dashed", p.key),
    });
    Section { id: "answer", title: "Answer".to_string(), blocks }
}

fn evidence(p: &Plan) -> Section {
    let head = [p.key.as_str(), "Metric", "Mean", "One-sided bound", "Target", "Met"].map(String::from).to_vec();
    let rows = p
        .evaluations
        .iter()
        .flat_map(|e| {
            let mark = if p.answer.as_deref() == Some(e.value.as_str()) { " (answer)" } else { "" };
            e.checks.iter().map(move |c| {
                Row::Cells(vec![
                    Cell::new(format!("{}{mark}", e.value)),
                    Cell::with(c.metric.clone(), Some(c.unit.clone())),
                    if c.mean.is_finite() { value_cell(c.mean, c.ci95, &c.unit) } else { Cell::new("not measured") },
                    Cell::new(if c.bound.is_finite() { value(c.bound, &c.unit) } else { "—".to_string() }),
                    Cell::new(c.target.clone()),
                    Cell::new(if c.meets { "yes" } else { "no" }),
                ])
            })
        })
        .collect();
    Section {
        id: "evidence",
        title: "Every value evaluated".to_string(),
        blocks: vec![Block::Table {
            caption: format!(
                "Evaluations in order of {} (mean with its 95% CI; bound at {}% confidence)",
                p.key,
                p.confidence * 100.0
            ),
            table: Table { head, rows },
        }],
    }
}

fn method(p: &Plan) -> Section {
    Section {
        id: "method",
        title: "Method and limits".to_string(),
        blocks: vec![
            para(p.method.clone()),
            para(
                "The bounds are simulation noise only: they do not cover uncertainty in the inputs (dormsim uncertainty). \
         Staff FTE is not a capacity in the model (manual work does not feed back into dormancy), so it is read \
         from the manual-effort metrics rather than searched.",
            ),
        ],
    }
}
