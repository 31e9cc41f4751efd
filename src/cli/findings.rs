//! `depthsim findings FILE…`: the command-line side of [`depthsim::findings`].

use super::{Interrupted, catch_stop_signals, print_stderr, stop_signal};
use anyhow::{Context, Result};
use depthsim::findings::{FindingsError, load_all, run_all, write_tables};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// `depthsim findings`' flags.
#[derive(Debug, clap::Args)]
pub struct FindingsArgs {
    /// Scenario files (TOML), e.g. scenarios/*.toml; each must name its scenario differently.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Run every scenario at seeds 1 to N.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub seeds: u64,
    /// Runs at once, one thread each (default: the CPUs this process may use). Results do
    /// not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Where summaries.csv, findings.csv and findings.md go.
    #[arg(long, value_name = "DIR", default_value = "output/findings")]
    pub out: PathBuf,
    /// Print nothing but errors (findings.md is still printed on stdout).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `depthsim findings FILE…`.
pub fn findings(args: FindingsArgs) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    let scenarios = load_all(&args.files)?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let total = scenarios.len() as u64 * args.seeds;
    if !args.quiet {
        print_stderr(&format!(
            "findings: {} scenarios × seeds 1..={} = {total} runs on {jobs} thread(s) → {}\n",
            scenarios.len(),
            args.seeds,
            args.out.display()
        ));
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} runs [{bar:40}] {pos}/{len} {elapsed} (eta {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    if !args.quiet && std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    let work = args.out.join(".runs");
    let result = run_all(
        &args.files,
        &scenarios,
        args.seeds,
        jobs,
        &work,
        &|| bar.inc(1),
        &|| stop_signal().is_some(),
    );
    bar.finish_and_clear();
    let _ = std::fs::remove_dir(&work);
    let rows = match result {
        Err(FindingsError::Interrupted) => {
            return Err(anyhow::Error::new(Interrupted {
                signal: stop_signal().unwrap_or(0),
                what: "no table was written".into(),
            }));
        }
        r => r?,
    };
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    write_tables(&args.out, &names, &rows, args.seeds)?;
    let md = std::fs::read(args.out.join("findings.md"))
        .with_context(|| format!("reading {}", args.out.join("findings.md").display()))?;
    std::io::stdout().write_all(&md).ok();
    if !args.quiet {
        print_stderr(&format!(
            "findings: {total} runs → {}/summaries.csv, findings.csv, findings.md\n",
            args.out.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
