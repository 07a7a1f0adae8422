//! The `dormsim` command: parse arguments, call the library, print, choose the exit code.
//! Exit codes: 0 success, 1 failure while running or writing, 2 bad input (arguments, scenario file).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::dispatch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}
