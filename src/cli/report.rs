//! `depthsim report DIR`: a finished run's (or sweep's) plots and pages.

use super::common::print_stderr;
use anyhow::Result;
use depthsim::report::ReportOptions;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// `depthsim report DIR` with its plot options.
pub(crate) fn report(dir: PathBuf, quiet: bool, options: &ReportOptions) -> Result<ExitCode> {
    #[expect(
        clippy::disallowed_methods,
        reason = "wall time for the message, outside the simulation"
    )]
    let started = Instant::now();
    // A ReportError stays in the chain: main maps bad input to exit code 2.
    let written = depthsim::report::report(&dir, options)?;
    if !quiet {
        let (plots, pages): (Vec<_>, Vec<_>) =
            written.files.iter().partition(|f| f.starts_with("plots"));
        let pages: Vec<String> = pages.iter().map(|p| p.display().to_string()).collect();
        print_stderr(&format!(
            "{}: wrote {} and {} plot files in plots/ in {:.2} s\n",
            dir.display(),
            pages.join(", "),
            plots.len(),
            started.elapsed().as_secs_f64()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
