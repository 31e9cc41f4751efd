//! `depthsim findings FILE…`: the command-line side of [`depthsim::findings`].

use super::common::{
    Tables, check_memory, foreign_or, print_recovered, print_stderr, print_warnings, publish_tables,
};
use super::progress::runs_bar;
use super::signals::{catch_stop_signals, stop_signal, tables_interrupted};
use super::{MAX_MEMORY_HELP, MAX_MEMORY_LONG_HELP};
use anyhow::{Context, Result};
use depthsim::findings::{FindingsError, Item, load_all, run_all, write_tables};
use depthsim::memory::MemoryLimit;
use depthsim::record::{OutputDir, check_replaceable, recover_abandoned};
use std::path::PathBuf;
use std::process::ExitCode;

/// `depthsim findings`' flags.
#[derive(Debug, clap::Args)]
pub struct FindingsArgs {
    /// Scenario files (TOML), e.g. scenarios/*.toml; each must name its scenario differently.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Set a scenario key in every file, as PATH=VALUE (repeatable; see `depthsim run --set`):
    /// e.g. the same scenarios with another hedge style, for a counterfactual.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<depthsim::scenario::Override>,
    /// Run every scenario at seeds 1 to N.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    pub seeds: u64,
    /// Runs at once, one thread each (default: the CPUs this process may use). Results do
    /// not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Where summaries.csv, findings.csv, findings.md and manifest.json go. As with `depthsim
    /// run --out`, they are written under a temporary name and moved into place when
    /// complete; an earlier findings folder there is replaced, an empty folder is used, and
    /// anything else is refused (exit code 2).
    #[arg(long, value_name = "DIR", default_value = "output/findings")]
    pub out: PathBuf,
    /// Print nothing but errors (findings.md is still printed on stdout).
    #[arg(long, short)]
    pub quiet: bool,
    #[arg(long, value_name = "SIZE", default_value_t = MemoryLimit::default(), help = MAX_MEMORY_HELP, long_help = MAX_MEMORY_LONG_HELP)]
    pub max_memory: MemoryLimit,
}

/// `depthsim findings FILE…`.
pub fn findings(args: FindingsArgs) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    let scenarios = load_all(&args.files, &args.set)?;
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let at_once = (jobs as u64)
        .min(scenarios.len() as u64 * args.seeds)
        .max(1);
    for (s, f) in scenarios.iter().zip(&args.files) {
        if !args.quiet {
            print_warnings(s);
        }
        check_memory(s, f, "a run", at_once, args.max_memory)?;
    }
    print_recovered(&recover_abandoned(&args.out), args.quiet);
    // Refuse early (exit 2) to replace anything but an earlier depthsim result.
    check_replaceable(&args.out)
        .map_err(|e| foreign_or(e, || format!("checking {}", args.out.display())))?;
    let total = scenarios.len() as u64 * args.seeds;
    if !args.quiet {
        print_stderr(&format!(
            "findings: {} scenarios × seeds 1..={} = {total} runs on {jobs} thread(s) → {}\n",
            scenarios.len(),
            args.seeds,
            args.out.display()
        ));
    }
    let bar = runs_bar(total, args.quiet);
    let dir = OutputDir::create(&args.out)
        .with_context(|| format!("creating the output folder for {}", args.out.display()))?;
    let work = dir.file("runs");
    let items: Vec<Item> = args
        .files
        .iter()
        .map(|f| Item {
            file: f.clone(),
            set: args.set.clone(),
        })
        .collect();
    let result = run_all(
        &items,
        &scenarios,
        args.seeds,
        jobs,
        &work,
        &|| bar.inc(1),
        &|| stop_signal().is_some(),
    );
    bar.finish_and_clear();
    let _ = std::fs::remove_dir_all(&work);
    let rows = match result {
        Err(FindingsError::Interrupted) => {
            return Err(tables_interrupted(dir, &args.out));
        }
        r => r?,
    };
    let names: Vec<String> = scenarios.iter().map(|s| s.name.clone()).collect();
    let command_line: Vec<String> = std::env::args().skip(1).collect();
    write_tables(&dir, &args.files, &names, &rows, args.seeds, &command_line)?;
    let md = std::fs::read(dir.file("findings.md"))
        .with_context(|| format!("reading {}", dir.file("findings.md").display()))?;
    if stop_signal().is_some() {
        return Err(tables_interrupted(dir, &args.out));
    }
    publish_tables(
        dir,
        &args.out,
        Tables {
            command: "findings",
            noun: "findings",
            files: "summaries.csv, findings.csv, findings.md",
            md: &md,
            runs: total,
        },
        args.quiet,
    )
}
