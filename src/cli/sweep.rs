//! `depthsim sweep FILE` and `depthsim merge DIR…`: the command-line side of
//! [`depthsim::sweep`] (flags, progress bar, messages).

use super::common::{check_memory, print_recovered, print_stderr};
use super::signals::{Interrupted, catch_stop_signals, stop_signal};
use super::{MAX_MEMORY_HELP, MAX_MEMORY_LONG_HELP};
use anyhow::{Context, Result};
use depthsim::memory::MemoryLimit;
use depthsim::sweep::exec::{pending, run_all};
use depthsim::sweep::store::{Opened, SweepRecord, open};
use depthsim::sweep::table::{merge, write_runs_csv};
use depthsim::sweep::{Shard, Sweep, SweepError};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `depthsim sweep`'s flags.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// The sweep file (TOML): a base scenario, the parameters to vary, seeds per point.
    pub file: PathBuf,
    /// Runs at once, one thread each (default: the CPUs this process may use). Results do
    /// not depend on it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Do only shard I of N (0 ≤ I < N): the runs whose index r has r % N == I. Default
    /// under a Slurm job array: SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of
    /// SLURM_ARRAY_TASK_COUNT. Then join the shards with depthsim merge DIR.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<Shard>,
    /// The sweep's folder (default: output/sweeps/<sweep name>). Rerunning into it skips the
    /// runs already finished.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// When DIR holds the results of a different sweep (the sweep file, its base scenario or
    /// depthsim changed), delete them and start afresh. Only what depthsim wrote is deleted:
    /// if DIR holds anything else, nothing is.
    #[arg(long)]
    pub restart: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    #[arg(long, value_name = "SIZE", default_value_t = MemoryLimit::default(), help = MAX_MEMORY_HELP, long_help = MAX_MEMORY_LONG_HELP)]
    pub max_memory: MemoryLimit,
}

/// The number of CPUs this process may use (1 if unknown).
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `depthsim sweep FILE`.
pub fn sweep(args: SweepArgs) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    let sweep = Sweep::load(&args.file)?;
    let shard = match args.shard {
        Some(s) => s,
        None => Shard::from_slurm(&|k| std::env::var(k).ok())?.unwrap_or(Shard::ALL),
    };
    let dir = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join("sweeps").join(&sweep.name));
    let jobs = args.jobs.map_or_else(cpus, usize::from);
    // warnings once each, and the memory of the largest point's runs, before anything runs
    let mut warned = std::collections::BTreeSet::new();
    for p in &sweep.points {
        for w in &p.scenario.warnings {
            if warned.insert(w.clone()) && !args.quiet {
                print_stderr(&format!("warning: {w} (in every point that has it)\n"));
            }
        }
    }
    let shard_runs = (0..sweep.runs()).filter(|r| shard.has(*r)).count() as u64;
    let at_once = (jobs as u64).min(shard_runs).max(1);
    if let Some((i, largest)) = sweep
        .points
        .iter()
        .enumerate()
        .max_by_key(|(_, p)| depthsim::memory::estimate(&p.scenario).total_bytes())
    {
        check_memory(
            &largest.scenario,
            &args.file,
            &format!("point {i} (its largest)"),
            at_once,
            args.max_memory,
        )?;
    }
    let (opened, notes) = open(&dir, &sweep, args.restart)?;
    print_recovered(&notes, args.quiet);
    let (todo, done) = pending(&sweep, &dir, shard);
    if !args.quiet {
        let what = match opened {
            Opened::Fresh => String::new(),
            Opened::Resumed => format!(", {done} already finished"),
            Opened::Restarted { deleted_runs } => {
                format!(", after deleting {deleted_runs} run(s) of the earlier sweep there")
            }
        };
        let of_shard = if shard == Shard::ALL {
            String::new()
        } else {
            format!("; shard {shard}: {} runs", todo.len() as u64 + done)
        };
        print_stderr(&format!(
            "sweep {}: {} points × {} seeds = {} runs{of_shard}{what}; running {} on {} \
             thread(s) → {}\n",
            sweep.name,
            sweep.points.len(),
            sweep.seeds_per_point,
            sweep.runs(),
            todo.len(),
            jobs.min(todo.len().max(1)),
            dir.display()
        ));
        // issue 17: runs too short for the collapse detector's baseline, said once
        let short = sweep
            .points
            .iter()
            .filter(|p| !p.scenario.collapse_detectable())
            .count();
        if let Some(w) = sweep
            .points
            .iter()
            .find_map(|p| p.scenario.collapse_warning())
        {
            print_stderr(&format!(
                "warning: {} of {} points: {w}\n",
                short,
                sweep.points.len()
            ));
        }
    }
    let bar = ProgressBar::with_draw_target(Some(todo.len() as u64), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} runs [{bar:40}] {pos}/{len} {elapsed} (eta {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    if !args.quiet && std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    #[expect(
        clippy::disallowed_methods,
        reason = "wall time for the user, outside the simulation"
    )]
    let started = std::time::Instant::now();
    let command_line: Vec<String> = std::env::args().skip(1).collect();
    let result = run_all(
        &sweep,
        &dir,
        &todo,
        jobs,
        &command_line,
        &|_| bar.inc(1),
        &|| stop_signal().is_some(),
    );
    // read before the bar is cleared: finishing the bar sets its position to its length
    let ran = bar.position();
    bar.finish_and_clear();
    match result {
        Err(SweepError::Interrupted) => {
            // count what is on disk, not what the bar says
            let (left, finished) = pending(&sweep, &dir, shard);
            let total = finished + left.len() as u64;
            return Err(anyhow::Error::new(Interrupted {
                signal: stop_signal().unwrap_or(0),
                what: format!(
                    "{finished} of the {total} runs of this {} are finished and kept in {} \
                     (runs in flight were discarded); rerun the same command to do the rest",
                    if shard == Shard::ALL {
                        "sweep"
                    } else {
                        "shard"
                    },
                    dir.display()
                ),
            }));
        }
        r => r.with_context(|| format!("sweep {}", args.file.display()))?,
    }
    let wall_s = started.elapsed().as_secs_f64();
    if shard == Shard::ALL {
        let record = SweepRecord::of(&sweep);
        let (path, rows) = write_runs_csv(&record, std::slice::from_ref(&dir))?;
        if !args.quiet {
            print_stderr(&format!(
                "sweep {}: {ran} runs in {wall_s:.2} s; {rows} rows → {}\n",
                sweep.name,
                path.display()
            ));
        }
    } else if !args.quiet {
        print_stderr(&format!(
            "sweep {}, shard {shard}: {ran} runs in {wall_s:.2} s; once every shard has \
             finished: depthsim merge {}\n",
            sweep.name,
            dir.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `depthsim merge DIR [MORE…]`.
pub fn merge_dirs(dirs: &[PathBuf], quiet: bool) -> Result<ExitCode> {
    let (record, path, rows) = merge(dirs)?;
    if !quiet {
        print_stderr(&format!(
            "sweep {}: all {rows} runs found; runs.csv → {}\n",
            record.name,
            path.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}
