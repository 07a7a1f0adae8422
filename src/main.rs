//! The `dormsim` command: parse arguments, call the library, print, choose the exit code.
//! Exit codes: 0 success, 1 failure while running or writing, 2 bad input (arguments, scenario file).

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// Exit code after Ctrl-C or SIGTERM (128 + SIGINT, the shell convention).
const EXIT_INTERRUPTED: i32 = 130;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // Ctrl-C / SIGTERM: remove unfinished output (the previous output stays as it was) and say so.
    let _ = ctrlc::set_handler(|| {
        dormsim::output::abandon_all();
        eprintln!("\ninterrupted: nothing was written; any previous output folder is untouched");
        std::process::exit(EXIT_INTERRUPTED);
    });
    match std::panic::catch_unwind(|| cli::dispatch(args)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(failure)) => {
            eprintln!("error: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
        // The panic message has been printed by the default hook; unfinished output was removed while unwinding.
        Err(_) => {
            eprintln!(
                "error: dormsim stopped on an internal error (a bug: please report it with the scenario and the \
command); nothing was written and any previous output folder is untouched"
            );
            ExitCode::from(cli::EXIT_FAILURE)
        }
    }
}
