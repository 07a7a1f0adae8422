//! Fuzz target `scenario`: arbitrary UTF-8 text through `Scenario::load` (TOML parse, deserialisation,
//! validation). A user's file must give a `Scenario` or a `ScenarioError`, never a panic. For a scenario that loads,
//! the cheap things every command does next are exercised too (its hash, its error-free `Display`, the working-day
//! calendar a run builds), but never a simulation.
#![no_main]

use dormsim::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Scenario::load(text, "fuzz", &[]) {
        Ok(s) => {
            let _ = s.hash();
            let _ = dormsim::experiment::calendar_for(&s);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
