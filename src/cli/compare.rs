//! `depthsim compare FILE…`: the command-line side of [`depthsim::compare`].

use super::common::{
    Tables, check_memory, foreign_or, print_recovered, print_stderr, print_warnings, publish_tables,
};
use super::signals::{catch_stop_signals, stop_signal, tables_interrupted};
use super::{MAX_MEMORY_HELP, MAX_MEMORY_LONG_HELP};
use anyhow::{Context, Result};
use depthsim::compare::{Bootstrap, CompareError, check_statistics, compare, label, write_tables};
use depthsim::findings::{FindingsError, Item, run_all};
use depthsim::memory::MemoryLimit;
use depthsim::record::{OutputDir, check_replaceable, recover_abandoned};
use depthsim::scenario::{Override, Overrides, Scenario};
use std::path::PathBuf;
use std::process::ExitCode;

/// `depthsim compare`'s flags.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// Scenario files (TOML); the first is the reference the others are compared with.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// A variant of the first file with this override (repeatable: each makes one variant),
    /// e.g. --variant 'market.halt={move_ticks=40, window_s=60.0, pause_s=30.0}'.
    #[arg(long, value_name = "PATH=VALUE")]
    pub variant: Vec<Override>,
    /// Run every item at seeds 1 to N (the pairs are the same seeds).
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u64).range(2..=10_000))]
    pub seeds: u64,
    /// The bootstrap interval's confidence level, in (0, 1).
    #[arg(long, value_name = "P", default_value_t = 0.95)]
    pub level: f64,
    /// Bootstrap resamples per statistic.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub resamples: u32,
    /// Seed of the bootstrap's resampling.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub bootstrap_seed: u64,
    /// Compare only this summary.csv column (repeatable; default: every numeric column).
    #[arg(long, value_name = "NAME")]
    pub stat: Vec<String>,
    /// Runs at once, one thread each (default: the CPUs this process may use). Results do
    /// not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Where compare.md, compare.csv, summaries.csv and manifest.json go, written as `depthsim
    /// run --out` writes a result (an earlier comparison there is replaced, anything else is
    /// refused with exit code 2).
    #[arg(long, value_name = "DIR", default_value = "output/compare")]
    pub out: PathBuf,
    /// Print nothing but errors (compare.md is still printed on stdout).
    #[arg(long, short)]
    pub quiet: bool,
    #[arg(long, value_name = "SIZE", default_value_t = MemoryLimit::default(), help = MAX_MEMORY_HELP, long_help = MAX_MEMORY_LONG_HELP)]
    pub max_memory: MemoryLimit,
}

/// `depthsim compare FILE…`.
pub fn compare_cmd(args: CompareArgs) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    let boot = Bootstrap {
        level: args.level,
        resamples: args.resamples,
        seed: args.bootstrap_seed,
    };
    boot.check()?;
    let mut items: Vec<Item> = args
        .files
        .iter()
        .map(|f| Item {
            file: f.clone(),
            set: Vec::new(),
        })
        .collect();
    items.extend(args.variant.iter().map(|o| Item {
        file: args.files[0].clone(),
        set: vec![o.clone()],
    }));
    if items.len() < 2 {
        return Err(CompareError::Argument {
            flag: "FILE",
            message: "give two or more scenario files, or one and a --variant: there is \
                      nothing to compare one scenario with"
                .into(),
        }
        .into());
    }
    let mut labels: Vec<String> = Vec::new();
    for it in &items {
        let mut l = label(&it.file, &it.set);
        if labels.contains(&l) {
            l = format!("{l} ({})", labels.len() + 1);
        }
        labels.push(l);
    }
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let at_once = (jobs as u64).min(items.len() as u64 * args.seeds).max(1);
    let mut scenarios: Vec<Scenario> = Vec::with_capacity(items.len());
    for it in &items {
        let s = Scenario::load(
            &it.file,
            &Overrides {
                seed: None,
                set: it.set.clone(),
            },
        )
        .map_err(FindingsError::from)?;
        if !args.quiet {
            print_warnings(&s);
        }
        check_memory(&s, &it.file, "a run", at_once, args.max_memory)?;
        scenarios.push(s);
    }
    // an unknown --stat is refused before anything runs
    check_statistics(&args.stat)?;
    print_recovered(&recover_abandoned(&args.out), args.quiet);
    check_replaceable(&args.out)
        .map_err(|e| foreign_or(e, || format!("checking {}", args.out.display())))?;
    let total = items.len() as u64 * args.seeds;
    if !args.quiet {
        print_stderr(&format!(
            "compare: {} items × seeds 1..={} = {total} runs on {jobs} thread(s) → {}\n",
            items.len(),
            args.seeds,
            args.out.display()
        ));
    }
    let dir = OutputDir::create(&args.out)
        .with_context(|| format!("creating the output folder for {}", args.out.display()))?;
    let work = dir.file("runs");
    let result = run_all(&items, &scenarios, args.seeds, jobs, &work, &|| {}, &|| {
        stop_signal().is_some()
    });
    let _ = std::fs::remove_dir_all(&work);
    let interrupted = |dir: OutputDir| tables_interrupted(dir, &args.out);
    let rows = match result {
        Err(FindingsError::Interrupted) => return Err(interrupted(dir)),
        r => r?,
    };
    let seeds = args.seeds as usize;
    let diffs = compare(&labels, &rows, seeds, &args.stat, &boot)?;
    let command_line: Vec<String> = std::env::args().skip(1).collect();
    write_tables(&dir, &labels, &diffs, &rows, seeds, &boot, &command_line)?;
    let md = std::fs::read(dir.file("compare.md"))
        .with_context(|| format!("reading {}", dir.file("compare.md").display()))?;
    if stop_signal().is_some() {
        return Err(interrupted(dir));
    }
    publish_tables(
        dir,
        &args.out,
        Tables {
            command: "compare",
            noun: "comparison",
            files: "compare.md, compare.csv",
            md: &md,
            runs: total,
        },
        args.quiet,
    )
}
