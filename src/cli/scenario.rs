//! `dormsim scenario show`, `dormsim validate`, and loading a scenario from a file or the embedded baseline.

use super::Failure;
use anyhow::Context;
use dormsim::scenario::{EMBEDDED_BASELINE, EMBEDDED_SOURCE, Scenario};
use std::path::Path;

/// Load the scenario at `file` (or the embedded baseline) with overrides; returns it and its source name.
pub fn load(file: Option<&Path>, overrides: &[String]) -> Result<(Scenario, String), Failure> {
    match file {
        None => Ok((
            Scenario::load(EMBEDDED_BASELINE, EMBEDDED_SOURCE, overrides).map_err(Failure::input)?,
            EMBEDDED_SOURCE.into(),
        )),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read scenario file {}", path.display()))
                .map_err(Failure::input)?;
            let source = path.display().to_string();
            Ok((Scenario::load(&text, &source, overrides).map_err(Failure::input)?, source))
        }
    }
}

pub fn show() -> Result<(), Failure> {
    print!("{EMBEDDED_BASELINE}");
    Ok(())
}

pub fn validate(file: &Path, overrides: &[String]) -> Result<(), Failure> {
    let (s, source) = load(Some(file), overrides)?;
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
