//! `dormsim scenario show`, `dormsim validate`, and loading a scenario from a file or the embedded baseline.

use super::Failure;
use anyhow::Context;
use dormsim::scenario::{EMBEDDED_BASELINE, EMBEDDED_SOURCE, Scenario};
use std::path::Path;

/// Load the scenario at `file` (or the embedded baseline) with overrides; returns it, its source name and text.
pub fn load(file: Option<&Path>, overrides: &[String]) -> Result<(Scenario, String, String), Failure> {
    let (text, source) = match file {
        None => (EMBEDDED_BASELINE.to_string(), EMBEDDED_SOURCE.to_string()),
        Some(path) => (
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read scenario file {}", path.display()))
                .map_err(Failure::input)?,
            path.display().to_string(),
        ),
    };
    let scenario = Scenario::load(&text, &source, overrides).map_err(Failure::input)?;
    Ok((scenario, source, text))
}

pub fn show() -> Result<(), Failure> {
    print!("{EMBEDDED_BASELINE}");
    Ok(())
}

pub fn validate(file: &Path, overrides: &[String]) -> Result<(), Failure> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read scenario file {}", file.display()))
        .map_err(Failure::input)?;
    let source = file.display().to_string();
    let problems = Scenario::check_all(&text, &source, overrides);
    if !problems.is_empty() {
        for p in &problems {
            eprintln!("error: {p}");
        }
        let n = problems.len();
        return Err(Failure::input(anyhow::anyhow!("{source}: {n} problem{}", if n == 1 { "" } else { "s" })));
    }
    let (s, source, _) = load(Some(file), overrides)?;
    let options: Vec<&str> = s.options.iter().map(|o| o.name.as_str()).collect();
    println!(
        "{source}: ok: scenario `{}`, {} installations, {} replications, options {}",
        s.name,
        s.fleet.installations,
        s.run.replications,
        options.join(", ")
    );
    Ok(())
}
