//! The `depthsim` command. Exit codes: 0 success, 2 bad input (scenario, flags, `--set`, an
//! --out that is not an earlier result, a run that would need more memory than
//! `--max-memory`, a `reproduce` folder with no usable manifest, or a `report` folder that is
//! not a finished run, lacks a file or column it reads, or holds a file of the user's where
//! the report would write, a `keys` SECTION that names nothing, a `new` NAME that exists or a
//! `--from` that is no scenario), 130
//! or 143 a run stopped by SIGINT (Ctrl-C) or SIGTERM (128 plus the signal, as a shell reports
//! a process it killed; the partial output is removed), 1 any other failure, and `reproduce`
//! finding a file that does not match. Errors go to stderr with their chain of causes.
//!
//! Output goes through `cli::print_stdout` and `cli::print_stderr`, never `println!` (which
//! panics when the reader is gone). A closed pipe is no error, for every command:
//! `depthsim validate FILE | head -1`, `depthsim --help | head -1` and
//! `depthsim run FILE 2>&1 | true` stop writing and exit 0 (or with the code of the failure
//! being reported, when it is the error message that cannot be written).
#![deny(clippy::print_stdout, clippy::print_stderr)]

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
        Ok(code) => code,
        Err(e) => {
            if let Some(i) = e.downcast_ref::<cli::Interrupted>() {
                cli::print_stderr(&format!("{i}\n"));
                return ExitCode::from(i.exit_code());
            }
            cli::print_stderr(&format!("error: {e:#}\n"));
            let bad_input = e.chain().any(|c| {
                c.downcast_ref::<depthsim::scenario::ScenarioError>()
                    .is_some()
                    || c.downcast_ref::<depthsim::record::ForeignOutput>()
                        .is_some()
                    || c.downcast_ref::<depthsim::memory::TooMuchMemory>()
                        .is_some()
                    || c.downcast_ref::<depthsim::reproduce::NotARecordedRun>()
                        .is_some()
                    || c.downcast_ref::<depthsim::report::ReportError>()
                        .is_some_and(depthsim::report::ReportError::is_bad_input)
                    || c.downcast_ref::<depthsim::sweep::SweepError>()
                        .is_some_and(depthsim::sweep::SweepError::is_bad_input)
                    || c.downcast_ref::<depthsim::findings::FindingsError>()
                        .is_some_and(depthsim::findings::FindingsError::is_bad_input)
                    || c.downcast_ref::<depthsim::validation::ValidationError>()
                        .is_some_and(depthsim::validation::ValidationError::is_bad_input)
                    || c.downcast_ref::<depthsim::scenario::keys::UnknownSection>()
                        .is_some()
                    || cli::is_bad_argument(c)
                    || c.downcast_ref::<depthsim::compare::CompareError>()
                        .is_some_and(depthsim::compare::CompareError::is_bad_input)
            });
            ExitCode::from(if bad_input { 2 } else { 1 })
        }
    }
}
