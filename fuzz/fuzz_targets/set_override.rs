//! Fuzz target `set_override`: arbitrary `--set KEY=VALUE` overrides (any UTF-8 text, one override per line, as
//! several `--set` flags would give them) applied in order to the embedded baseline through `Scenario::baseline`.
//! Overrides must give a `Scenario` or a `ScenarioError`, never a panic.
#![no_main]

use dormsim::scenario::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let overrides: Vec<String> = text.lines().take(8).map(str::to_string).collect();
    match Scenario::baseline(&overrides) {
        Ok(s) => {
            let _ = s.hash();
            let _ = dormsim::experiment::calendar_for(&s);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
