//! The `depthsim` command. Exit codes: 0 success, 2 bad input (scenario, flags, or an --out
//! that is not an earlier result), 130 or 143 a run stopped by SIGINT (Ctrl-C) or SIGTERM
//! (128 plus the signal, as a shell reports a process it killed; the partial output is
//! removed), 1 any other failure. Errors go to stderr with their chain of causes.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli::execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let Some(i) = e.downcast_ref::<cli::Interrupted>() {
                eprintln!("{i}");
                return ExitCode::from(i.exit_code());
            }
            eprintln!("error: {e:#}");
            let bad_input = e.chain().any(|c| {
                c.downcast_ref::<depthsim::scenario::ScenarioError>()
                    .is_some()
                    || c.downcast_ref::<depthsim::record::ForeignOutput>()
                        .is_some()
            });
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}
