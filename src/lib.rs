//! # dormsim
//!
//! A discrete-event simulator of SMETS1 smart meters that go *dormant* after a Change of Supplier, and of their
//! migration into DCC's network under different timelines (the standard TMAD route, DCC's May 2020 expedited
//! proposal, and alternatives).
//!
//! The pipeline, one module per stage:
//!
//! 1. [`scenario`]: TOML text → validated [`scenario::Scenario`] (defaults in one place, errors with key and line).
//! 2. [`calendar`]: working days (England & Wales, Scotland, or none) and working-day arithmetic.
//! 3. [`fleet`] and [`arrivals`]: one replication's synthetic installations and Change-of-Supplier history, drawn
//!    from keyed random streams ([`rng`]) so every option sees the same world.
//! 4. [`engine`]: the future-event list and capacity-limited stages; [`process`]: each installation's life.
//! 5. [`metrics`]: mergeable accumulators and statistics; [`experiment`]: replications in parallel and paired
//!    comparisons.
//! 6. [`output`]: `summary.json`, `manifest.json`, CSV/Parquet tables and the console table.
//!
//! The library never prints, reads the environment or parses command lines; the binary (`main.rs`, `cli/`) does.

pub mod arrivals;
pub mod calendar;
pub mod cases;
pub mod dist;
pub mod engine;
pub mod experiment;
pub mod fleet;
pub mod metrics;
pub mod output;
pub mod process;
pub mod rng;
pub mod scenario;
