//! `depthsim validation`: the command-line side of [`depthsim::validation`].

use super::common::{Tables, foreign_or, print_recovered, print_stderr, publish_tables};
use super::progress::runs_bar;
use super::signals::{catch_stop_signals, stop_signal, tables_interrupted};
use anyhow::{Context, Result};
use depthsim::record::{OutputDir, check_replaceable, recover_abandoned};
use depthsim::validation::{Size, ValidationError, run_checks, select, write_tables};
use std::path::PathBuf;
use std::process::ExitCode;

/// `depthsim validation`'s flags.
#[derive(Debug, clap::Args)]
pub struct ValidationArgs {
    /// Run only this check (repeatable): santa_fe, reference_market, hawkes_rate,
    /// gamma_feedback, gamma_failure, liquidity_crisis, flash_crash.
    #[arg(long, value_name = "NAME")]
    pub only: Vec<String>,
    /// Seeds per point (default: each check's own, 10 or 20).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub seeds: Option<u64>,
    /// The small version: fewer points and seeds, shorter runs (a quick look, as the tests
    /// do; its verdicts rest on little).
    #[arg(long)]
    pub quick: bool,
    /// Runs at once, one thread each (default: the CPUs this process may use). Results do
    /// not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The experiments' scenario files.
    #[arg(long, value_name = "DIR", default_value = "scenarios/validation")]
    pub scenarios: PathBuf,
    /// Where validation.md, validation.csv, each check's CSV and manifest.json go. As with
    /// `depthsim run --out`, they are written under a temporary name and moved into place
    /// when complete; an earlier validation folder there is replaced, an empty folder is used,
    /// and anything else is refused (exit code 2).
    #[arg(long, value_name = "DIR", default_value = "output/validation")]
    pub out: PathBuf,
    /// Print nothing but errors (validation.md is still printed on stdout).
    #[arg(long, short)]
    pub quiet: bool,
}

/// `depthsim validation`.
pub fn validation(args: ValidationArgs) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    let checks = select(&args.only)?;
    let size = Size {
        seeds: args.seeds,
        quick: args.quick,
    };
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let total: u64 = checks
        .iter()
        .map(|c| {
            let e = (c.experiment)(&size);
            e.points.len() as u64 * e.seeds
        })
        .sum();
    if !args.quiet {
        let names: Vec<&str> = checks.iter().map(|c| c.name).collect();
        print_stderr(&format!(
            "validation: {} ({total} runs) on {jobs} thread(s) → {}\n",
            names.join(", "),
            args.out.display()
        ));
    }
    print_recovered(&recover_abandoned(&args.out), args.quiet);
    // Refuse early (exit 2) to replace anything but an earlier depthsim result.
    check_replaceable(&args.out)
        .map_err(|e| foreign_or(e, || format!("checking {}", args.out.display())))?;
    let bar = runs_bar(total, args.quiet);
    let dir = OutputDir::create(&args.out)
        .with_context(|| format!("creating the output folder for {}", args.out.display()))?;
    let work = dir.file("runs");
    let result = run_checks(
        &checks,
        &size,
        &args.scenarios,
        jobs,
        &work,
        &|| bar.inc(1),
        &|| stop_signal().is_some(),
    );
    bar.finish_and_clear();
    let _ = std::fs::remove_dir_all(&work);
    let interrupted = |dir: OutputDir| tables_interrupted(dir, &args.out);
    let outcomes = match result {
        Err(ValidationError::Interrupted) => return Err(interrupted(dir)),
        r => r?,
    };
    let command_line: Vec<String> = std::env::args().skip(1).collect();
    write_tables(&dir, &checks, &outcomes, &command_line)?;
    let md = std::fs::read(dir.file("validation.md"))
        .with_context(|| format!("reading {}", dir.file("validation.md").display()))?;
    if stop_signal().is_some() {
        return Err(interrupted(dir));
    }
    publish_tables(
        dir,
        &args.out,
        Tables {
            command: "validation",
            noun: "validation",
            files: "validation.md, validation.csv",
            md: &md,
            runs: total,
        },
        args.quiet,
    )
}
