//! Command-line interface: flags → commands, progress, exit codes.

mod findings;
mod sweep;
mod validation;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use depthsim::record::summary::{Manifest, file_digests, sha256_hex, write_manifest};
use depthsim::record::{ForeignOutput, OutputDir, Recovered, check_replaceable, recover_abandoned};
use depthsim::reproduce::{RecordedRun, Verdict, compare, rerun_digests};
use depthsim::run::{RunError, default_output_path, output_files, run_into};
use depthsim::scenario::{Override, Overrides, Scenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// depthsim: an agent-based market simulator for studying systemic depth collapse.
///
/// Write a scenario (see scenarios/*.toml, every key commented), run it, and analyse the CSV
/// files it writes. The same scenario and seed give byte-identical files on any machine.
#[derive(Debug, Parser)]
#[command(name = "depthsim", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--set`'s short help.
const SET_HELP: &str = "Set a scenario key: PATH=VALUE, e.g. run.duration_s=10.0 (repeatable)";

/// `--set`'s long help (`--help`).
const SET_LONG_HELP: &str = "Set a scenario key, as PATH=VALUE (repeatable; applied in order, \
    after the file is read).\n\n\
    PATH names the key as the error messages do: run.duration_s, noise[1].mu_per_s, \
    market_maker[0].hedge.band_lots, output.depth_bands_ticks. An index counts a section's \
    [[tables]] from 0, in file order. VALUE is a TOML value, written as in a scenario file: \
    10.0, 5, true, [5, 10], \"ioc\". Quote the whole argument for the shell when it holds \
    brackets or a string: --set 'noise[0].mu_per_s=2.5' \
    --set 'market_maker[0].hedge.style=\"ioc\"'.\n\n\
    The value is checked exactly like the file's: an unknown key, a wrong type or a value out \
    of range is refused (exit code 2), naming the key and what is allowed. A key the file \
    leaves out may be set if the format has it; an array of tables the file lacks, or an index \
    beyond it, is refused. --seed, when given too, wins over --set run.seed. The overrides are \
    listed in manifest.json.";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its CSV files.
    ///
    /// Files go to output/<scenario name>/seed-<seed>/ (or --out): book.csv, l2.csv,
    /// trades.csv, quotes.csv, hedges.csv (when makers hedge), options.csv (when they hold
    /// options), events.csv, episodes.csv (depth-collapse episodes), agents.csv, summary.csv and manifest.json (how the run was made, with the --set overrides and every file's
    /// SHA-256). They are written under a temporary name and moved into place only
    /// when the run completes. An earlier result
    /// there is replaced; anything else is refused (see --out). Ctrl-C (SIGINT) or SIGTERM
    /// stops the run, removes the temporary folder and exits with 130 or 143; a second one
    /// ends the process at once, and the next run into the same folder tidies up after it.
    #[command(after_help = "Examples:
  depthsim run scenarios/baseline.toml
  depthsim run scenarios/baseline.toml --seed 7 --out /tmp/b7
  depthsim run scenarios/tiny.toml --set run.duration_s=10.0 --set 'noise[0].mu_per_s=2.5'
  depthsim run scenarios/tiny.toml --set 'output.depth_bands_ticks=[5, 20]' --out /tmp/bands")]
    Run {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Use this seed instead of the file's run.seed.
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long = "set", value_name = "PATH=VALUE", help = SET_HELP, long_help = SET_LONG_HELP)]
        set: Vec<Override>,
        /// Write the files into this folder instead of output/<name>/seed-<seed>.
        ///
        /// An earlier depthsim result there is replaced: a folder whose manifest.json is
        /// depthsim's, holding only the files it lists (and the report's plots/, index.html,
        /// realism.html). Anything else (a folder of yours, a file, a symbolic link) is never
        /// touched: the run refuses with exit code 2 and says why.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check a scenario file without running it.
    ///
    /// On success it prints to stdout the scenario as it will run, every default filled in
    /// and every --set applied, as a complete scenario file: `depthsim validate FILE >
    /// resolved.toml` runs exactly like FILE. A summary line (steps, agents, sampling in
    /// whole steps) goes to stderr.
    #[command(after_help = "Examples:
  depthsim validate scenarios/baseline.toml
  depthsim validate scenarios/tiny.toml --set 'market_maker[0].max_position_lots=10'")]
    Validate {
        /// The scenario file (TOML).
        file: PathBuf,
        #[arg(long = "set", value_name = "PATH=VALUE", help = SET_HELP, long_help = SET_LONG_HELP)]
        set: Vec<Override>,
    },
    /// Rerun a finished run from its manifest.json, and check its files.
    ///
    /// Reads DIR/manifest.json and reruns the resolved scenario it records (every default
    /// filled in, the seed and the --set overrides applied: the scenario file is not needed)
    /// into a temporary folder under the system's temp folder, removed afterwards. Then it
    /// checks every output file the manifest lists: its SHA-256 in DIR and in the rerun must
    /// both be the one the manifest recorded. One line per file on stdout: match, DIFFERS
    /// (saying which copy) or missing (not in DIR). DIR is only read, never changed.
    ///
    /// Exit code 0 when every file matches, 1 when any differs or is missing, 2 when DIR holds
    /// no depthsim manifest recording its files' SHA-256 (the message says why).
    #[command(after_help = "Example:
  depthsim run scenarios/tiny.toml --set run.duration_s=10.0 --out /tmp/t
  depthsim reproduce /tmp/t")]
    Reproduce {
        /// A result folder written by depthsim run.
        dir: PathBuf,
        /// Print only the per-file lines and the verdict (no progress, no notes).
        #[arg(long, short)]
        quiet: bool,
    },
    /// Draw a finished run's plots and pages: DIR/plots/, DIR/index.html, DIR/realism.html.
    ///
    /// DIR is one run's folder, as `depthsim run` wrote it. The report reads its
    /// manifest.json (books, ticks, sampling), book.csv, agents.csv and summary.csv, and where
    /// the run wrote them events.csv, hedges.csv, options.csv, l2.csv, trades.csv and
    /// episodes.csv, each streamed row by row.
    ///
    /// It writes a PNG and an SVG of every plot into DIR/plots/; DIR/index.html with the
    /// summary.csv row and the plots of the run: mid against the fundamental, spread, depth
    /// per side with collapse episodes shaded (from episodes.csv; without it, no shading),
    /// the makers' withdrawal states and quoted sides, their inventory and net delta, hedges
    /// and slippage, option greeks; and DIR/realism.html with the run's stylized facts
    /// (autocorrelation of returns and of absolute returns, kurtosis against the interval,
    /// the spread's distribution, the mean depth profile, impact against order size), each a
    /// plot, its numbers and a sentence computed from them. Rendering needs no system fonts.
    /// A later `depthsim run` into DIR still replaces the whole result, report included.
    ///
    /// DIR may also be a finished sweep's folder (with sweep.json and runs.csv): then it
    /// writes DIR/index.html with heatmaps over the first two varied parameters of the share
    /// of runs with a collapse episode and of the median time collapsed, and a table per
    /// point of medians with their 40 % and 60 % quantiles over seeds.
    ///
    /// Exit code 2 when DIR is not a finished run (no manifest.json, a run's hidden partial
    /// folder, a listed file gone) or a CSV lacks a column the report reads, naming the file
    /// and what is missing.
    #[command(after_help = "Example:
  depthsim run scenarios/flash_crash.toml --out /tmp/fc
  depthsim report /tmp/fc        # then open /tmp/fc/index.html")]
    Report {
        /// A result folder written by depthsim run.
        dir: PathBuf,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a parameter sweep: a base scenario over a grid (or list) of parameters × seeds.
    ///
    /// Runs go in parallel (--jobs), each in its own World with its own seed, derived from
    /// the sweep's seed, the point's parameter values and the replicate: results do not
    /// depend on --jobs or --shard. Each run's folder is written under runs/ in the sweep's
    /// folder as it finishes; rerunning the command skips the finished runs. At the end (of
    /// an unsharded sweep) runs.csv has one row per run, in run order. A changed sweep file
    /// refuses to resume into the old folder (exit code 2) unless --restart.
    #[command(after_help = "Examples:
  depthsim sweep scenarios/sweeps/mm_limit_x_informed.toml --jobs 2
  depthsim sweep scenarios/sweeps/tiny_grid.toml --shard 0/3 --out /tmp/g
  depthsim merge /tmp/g")]
    Sweep(sweep::SweepArgs),
    /// Run scenarios over seeds 1..=N and tabulate their collapse statistics.
    ///
    /// Every FILE is run at seeds 1 to --seeds (each run exactly `depthsim run FILE --seed S`,
    /// into a temporary folder removed once its summary is read), in parallel (--jobs).
    /// Writes DIR/summaries.csv (every run's summary.csv row, in file and seed order),
    /// DIR/findings.csv (per scenario and statistic: seeds with a value, median, 40 % and
    /// 60 % quantiles, interpolated linearly as pandas and R do) and DIR/findings.md (the same
    /// as a Markdown table, also printed on stdout). The statistics: collapse episodes, time
    /// collapsed, worst trough, recovery time, makers' PnL and Sharpe ratio, price drawdown.
    /// The tables are byte-identical for any --jobs.
    #[command(after_help = "Examples:
  depthsim findings scenarios/*.toml
  depthsim findings scenarios/flash_crash.toml scenarios/flash_crash_halt.toml --seeds 20 --out /tmp/f")]
    Findings(findings::FindingsArgs),
    /// Measure the published results depthsim claims to reproduce, each with a verdict.
    ///
    /// Each check is a fixed experiment (a scenario file in scenarios/validation/, a grid of
    /// points, seeds 1..=N) whose runs are measured from their files in temporary folders.
    /// Writes DIR/validation.md (a table: check, claim, source, what it expects, what
    /// depthsim measures, seeds, verdict; then each check's detail table; also printed on
    /// stdout), DIR/validation.csv and DIR/<check>.csv. The tables are byte-identical for
    /// any --jobs. The checks: gamma_feedback (dealers' lagged delta hedging makes mid
    /// changes AR(1) with coefficient −λΓ) and gamma_failure (Buis et al. 2024: the informed
    /// intensity at which the book fails rises from short to long dealer gamma).
    #[command(after_help = "Examples:
  depthsim validation
  depthsim validation --only gamma_feedback --seeds 20
  depthsim validation --quick --out /tmp/v")]
    Validation(validation::ValidationArgs),
    /// Join a sharded sweep's runs into its runs.csv.
    ///
    /// DIR is the sweep's folder; more folders (shards run with other --out folders) may
    /// follow, and their runs are read too. runs.csv is written into DIR, identical to an
    /// unsharded sweep's. Refuses (exit code 2) if any run is missing, saying which, or if the
    /// folders hold different sweeps.
    Merge {
        /// The sweep's folder, then any other folders holding some of its runs.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
}

fn load(file: &Path, seed: Option<u64>, set: &[Override]) -> Result<Scenario> {
    // A ScenarioError stays in the chain: main maps it to exit code 2.
    let overrides = Overrides {
        seed,
        set: set.to_vec(),
    };
    Ok(Scenario::load(file, &overrides)?)
}

/// ` with --set A --set B`, or nothing without overrides.
fn with_overrides(set: &[impl std::fmt::Display]) -> String {
    set.iter()
        .map(|o| format!(" --set {o}"))
        .fold(String::new(), |acc, o| {
            if acc.is_empty() {
                format!(" with{o}")
            } else {
                acc + &o
            }
        })
}

/// `text` with every control character (a newline would end a comment or a line) as `?`.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// The progress bar of a long run on a terminal, shown once the run has taken a second, and
/// the wall clock since it started.
struct Progress {
    bar: ProgressBar,
    started: Instant,
    show: bool,
    shown: bool,
}

impl Progress {
    fn new(steps: u64, quiet: bool) -> Progress {
        #[expect(
            clippy::disallowed_methods,
            reason = "wall time for the manifest and the progress bar, outside the simulation"
        )]
        let started = Instant::now();
        let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} simulating [{bar:40}] {percent}% {elapsed} (eta {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        Progress {
            bar,
            started,
            show: !quiet && std::io::stderr().is_terminal(),
            shown: false,
        }
    }

    fn update(&mut self, done: u64) {
        if self.show && !self.shown && self.started.elapsed() > Duration::from_secs(1) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.shown = true;
        }
        self.bar.set_position(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn elapsed_s(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

/// Runs the parsed command; its exit code when it did what was asked (`reproduce` gives 1
/// when some file does not match).
pub fn execute(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate { file, set } => {
            let s = load(&file, None, &set)?;
            let agents: u64 = s
                .params
                .noise
                .iter()
                .map(|g| u64::from(g.count))
                .sum::<u64>()
                + s.params
                    .informed
                    .iter()
                    .map(|g| u64::from(g.count))
                    .sum::<u64>()
                + s.params
                    .market_maker
                    .iter()
                    .map(|g| u64::from(g.count))
                    .sum::<u64>();
            print_stderr(&format!(
                "{}{}: ok — scenario {:?}, seed {}, {} steps of {} s ({} s), {} agents; \
                 book.csv every {} steps, agents.csv every {} steps\n",
                file.display(),
                one_line(&with_overrides(&set)),
                s.name,
                s.seed,
                s.steps,
                s.dt_s(),
                s.steps as f64 * s.dt_s(),
                agents,
                s.sample_every_steps,
                s.agents_every_steps,
            ));
            if let Some(w) = s.collapse_warning() {
                print_stderr(&format!("warning: {}: {w}\n", file.display()));
            }
            // A comment may hold no control characters (a newline would end it).
            let shown = match with_overrides(&set) {
                w if w.is_empty() => one_line(&file.display().to_string()),
                w => one_line(&format!("{}{w},", file.display())),
            };
            print_stdout(&format!(
                "# {shown} as depthsim {} runs it, every default filled in (depthsim validate)\n{}",
                env!("CARGO_PKG_VERSION"),
                toml::to_string(&s.params)?
            ))
            .context("writing the resolved scenario")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Run {
            file,
            seed,
            set,
            out,
            quiet,
        } => {
            catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
            let scenario = load(&file, seed, &set)?;
            if let (Some(w), false) = (scenario.collapse_warning(), quiet) {
                print_stderr(&format!("warning: {}: {w}\n", file.display()));
            }
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let final_path =
                out.unwrap_or_else(|| default_output_path(Path::new("output"), &scenario));
            // Tidy up after runs killed outright, which may put back an earlier result.
            for r in recover_abandoned(&final_path) {
                if let (Recovered::Restored(p), false) = (&r, quiet) {
                    print_stderr(&format!(
                        "note: put back {}: an earlier result that an interrupted run had \
                         moved aside\n",
                        p.display()
                    ));
                }
            }
            // Refuse early (exit 2) to replace anything but an earlier depthsim result.
            check_replaceable(&final_path)
                .map_err(|e| foreign_or(e, || format!("checking {}", final_path.display())))?;
            let dir = OutputDir::create(&final_path).with_context(|| {
                format!("creating the output folder for {}", final_path.display())
            })?;
            let mut progress = Progress::new(scenario.steps, quiet);
            let should_stop = || stop_signal().is_some();
            let result = run_into(
                &scenario,
                &dir,
                &mut |done, _total| progress.update(done),
                &should_stop,
            );
            progress.finish();
            let summary = match result {
                Err(RunError::Interrupted) => return Err(interrupted(dir)),
                r => r.with_context(|| format!("running {}", file.display()))?,
            };
            let files = output_files(&scenario);
            // Every file is complete here (run_into flushed them); the manifest is not hashed.
            let sha256 = file_digests(
                dir.temp_path(),
                files
                    .iter()
                    .map(String::as_str)
                    .filter(|f| *f != "manifest.json"),
            )
            .context("computing the SHA-256 of the output files")?;
            let wall_time_s = progress.elapsed_s();
            let manifest = Manifest {
                program: "depthsim",
                version: env!("CARGO_PKG_VERSION"),
                scenario_file: file.display().to_string(),
                scenario_sha256: sha256_hex(&bytes),
                seed: scenario.seed,
                overrides: set.iter().map(|o| o.as_str().to_string()).collect(),
                command_line: std::env::args().skip(1).collect(),
                files,
                sha256,
                scenario: &scenario,
                wall_time_s,
            };
            write_manifest(&dir, &manifest).context("writing manifest.json")?;
            // A signal during the last writes still cancels the run...
            if stop_signal().is_some() {
                return Err(interrupted(dir));
            }
            let path = dir.commit().map_err(|e| {
                foreign_or(e, || {
                    format!("moving the results into {}", final_path.display())
                })
            })?;
            // ...but once committed the result is complete, and stays.
            if let Some(signal) = stop_signal() {
                return Err(anyhow::Error::new(Interrupted {
                    signal,
                    what: format!(
                        "the run had already finished: the results in {} are complete",
                        path.display()
                    ),
                }));
            }
            if !quiet {
                print_stderr(&format!(
                    "{}: {} order instructions, {} trades in {:.2} s ({} instructions/s) → {}\n",
                    scenario.name,
                    summary.order_instructions,
                    summary.trades,
                    wall_time_s,
                    per_second(summary.order_instructions as f64 / wall_time_s),
                    path.display()
                ));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reproduce { dir, quiet } => reproduce(&dir, quiet),
        Command::Report { dir, quiet } => {
            #[expect(
                clippy::disallowed_methods,
                reason = "wall time for the message, outside the simulation"
            )]
            let started = Instant::now();
            // A ReportError stays in the chain: main maps bad input to exit code 2.
            let written = depthsim::report::report(&dir)?;
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
        Command::Sweep(args) => sweep::sweep(args),
        Command::Findings(args) => findings::findings(args),
        Command::Validation(args) => validation::validation(args),
        Command::Merge { dirs, quiet } => sweep::merge_dirs(&dirs, quiet),
    }
}

/// `depthsim reproduce DIR`: rerun, compare, one line per file.
fn reproduce(dir: &Path, quiet: bool) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    // Both errors map to exit code 2 in main: DIR holds no usable manifest.
    let recorded = RecordedRun::read(dir)?;
    let scenario = recorded.scenario()?;
    if !quiet {
        let ours = env!("CARGO_PKG_VERSION");
        if recorded.version != ours {
            print_stderr(&one_line(&format!(
                "note: {} was made by depthsim {}; this is depthsim {ours}, whose files may \
                 differ\n",
                dir.display(),
                recorded.version
            )));
        }
        print_stderr(&one_line(&format!(
            "{}: rerunning the scenario its manifest records ({:?}, seed {}: {}{}), {} steps, \
             in a temporary folder",
            dir.display(),
            scenario.name,
            recorded.seed,
            recorded.scenario_file,
            with_overrides(&recorded.overrides),
            scenario.steps
        )));
        print_stderr("\n");
    }
    let mut progress = Progress::new(scenario.steps, quiet);
    let should_stop = || stop_signal().is_some();
    let result = rerun_digests(
        &scenario,
        &mut |done, _total| progress.update(done),
        &should_stop,
    );
    progress.finish();
    let rerun = match result {
        Err(RunError::Interrupted) => {
            return Err(anyhow::Error::new(Interrupted {
                signal: stop_signal().unwrap_or(0),
                what: format!(
                    "removed the temporary rerun; {} was not changed",
                    dir.display()
                ),
            }));
        }
        r => r.with_context(|| format!("rerunning {}", dir.display()))?,
    };
    let checks = compare(&recorded, &rerun);
    let width = checks.iter().map(|c| c.file.len()).max().unwrap_or(0);
    let mut text = String::new();
    for c in &checks {
        let (word, why) = match &c.verdict {
            Verdict::Match => ("match", String::new()),
            Verdict::Differs(why) => ("DIFFERS", format!("  {why}")),
            Verdict::Missing => ("missing", "  not in the folder".to_string()),
        };
        text.push_str(one_line(&format!("{:<width$}  {word:<7}{why}", c.file)).trim_end());
        text.push('\n');
    }
    let bad = checks
        .iter()
        .filter(|c| c.verdict != Verdict::Match)
        .count();
    text.push_str(&if bad == 0 {
        format!(
            "all {} files match: the folder holds what the run wrote, and a rerun writes it again\n",
            checks.len()
        )
    } else {
        format!("{bad} of {} files do not match\n", checks.len())
    });
    print_stdout(&text).context("writing the comparison")?;
    Ok(if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Writes `text` to stdout. A closed pipe (`depthsim validate FILE | head -1`) is no error:
/// the reader wants no more, so the rest is dropped and the command still succeeds. Any other
/// failure (a full disk behind `> file`, say) is an error.
pub fn print_stdout(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}

/// Writes `text` to stderr, ignoring failure (a closed pipe, say): there is nowhere left to
/// report it, and what the command did is unchanged by it.
pub fn print_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
}

/// The signal (SIGINT or SIGTERM) that asked the run to stop; 0 while none has.
static STOP_SIGNAL: AtomicUsize = AtomicUsize::new(0);
/// Set by the first stop signal; a second one then ends the process at once.
static STOP_ASKED: AtomicBool = AtomicBool::new(false);

/// Makes SIGINT (Ctrl-C) and SIGTERM ask the run to stop, which it does within a step,
/// instead of killing the process. This replaces the default action, and an ignored SIGINT
/// too (a background job of a non-interactive shell), so a run can always be stopped cleanly.
/// A second signal gets the default action: the process ends at once, leaving its partial
/// folder to the next run's clean-up. Only `run` installs this; `validate` keeps the defaults.
#[cfg(unix)]
fn catch_stop_signals() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    use signal_hook::flag;
    for signal in [SIGINT, SIGTERM] {
        // In this order: the first action sees STOP_ASKED as it was before this signal.
        flag::register_conditional_default(signal, &STOP_ASKED)?;
        flag::register_usize(signal, &STOP_SIGNAL, signal as usize)?;
        flag::register(signal, &STOP_ASKED)?;
    }
    Ok(())
}

/// Elsewhere the default actions stay.
#[cfg(not(unix))]
fn catch_stop_signals() -> std::io::Result<()> {
    Ok(())
}

/// The signal that asked the run to stop, if one has.
fn stop_signal() -> Option<i32> {
    match STOP_SIGNAL.load(Ordering::Relaxed) {
        0 => None,
        s => i32::try_from(s).ok(),
    }
}

/// A run stopped by a signal. main prints it alone, on one line, and exits with 128 plus the
/// signal's number (130 for SIGINT, 143 for SIGTERM).
#[derive(Debug, thiserror::Error)]
#[error("interrupted ({}): {what}", signal_name(*.signal))]
pub struct Interrupted {
    /// The signal's number.
    pub signal: i32,
    /// What became of the output.
    what: String,
}

impl Interrupted {
    /// The exit code: 128 plus the signal's number, as a shell reports a process it killed.
    pub fn exit_code(&self) -> u8 {
        u8::try_from(128 + self.signal).unwrap_or(1)
    }
}

fn signal_name(signal: i32) -> String {
    match signal {
        2 => "SIGINT".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

/// Deletes the unfinished output of a run stopped by a signal, and says so.
fn interrupted(dir: OutputDir) -> anyhow::Error {
    let signal = stop_signal().unwrap_or(0);
    let target = dir.final_path().display().to_string();
    let temp = dir.temp_path().display().to_string();
    let what = match dir.discard() {
        Ok(()) => format!("removed the partial output; nothing was written to {target}"),
        Err(e) => format!(
            "could not remove the partial output {temp} ({e}); nothing was written to {target}"
        ),
    };
    anyhow::Error::new(Interrupted { signal, what })
}

/// A [`ForeignOutput`] inside `e` as the error itself (main maps it to exit code 2), or `e`
/// with `context`.
fn foreign_or(e: std::io::Error, context: impl FnOnce() -> String) -> anyhow::Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<ForeignOutput>()) {
        Some(f) => anyhow::Error::new(f.clone()),
        None => anyhow::Error::new(e).context(context()),
    }
}

/// A rate for people: `8.1 M`, `37 k`, `950`.
fn per_second(rate: f64) -> String {
    if rate >= 1e6 {
        format!("{:.1} M", rate / 1e6)
    } else if rate >= 1e3 {
        format!("{:.0} k", rate / 1e3)
    } else {
        format!("{rate:.0}")
    }
}
