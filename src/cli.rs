//! Command-line interface: the flags of every command and the dispatch to its module. Each
//! command's behaviour lives in a module of its own under `cli/` (`run`, `validate`,
//! `reproduce`, `report`, `sweep`, `findings`, `validation`, `compare`, `keys`, `new`); what they share is in
//! `common`, `signals` and `progress`.

mod common;
mod compare;
mod findings;
mod keys;
mod new;
mod progress;
mod report;
mod reproduce;
mod run;
mod signals;
mod sweep;
mod validate;
mod validation;

pub use common::print_stderr;
pub use signals::Interrupted;

/// Whether `e` is a command-line argument that cannot be used (exit code 2).
pub fn is_bad_argument(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<common::BadArgument>().is_some()
}

use anyhow::Result;
use clap::{Parser, Subcommand};
use depthsim::memory::MemoryLimit;
use depthsim::report::options::{Scale, SizePx, StyleName};
use depthsim::scenario::Override;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// `--max-memory`'s short help.
pub(crate) const MAX_MEMORY_HELP: &str = "Refuse (exit code 2) when a run's estimated memory exceeds SIZE (default 4GiB; e.g. 16GiB, \
     or unlimited)";

/// `--max-memory`'s long help.
pub(crate) const MAX_MEMORY_LONG_HELP: &str = "Refuse (exit code 2) when a run's estimated \
    memory exceeds SIZE: 4GiB, 512MiB, 8G (binary units), a number of bytes, or unlimited. \
    Default 4GiB, which protects a laptop.\n\n\
    Before anything runs, the memory each run will need is estimated from the scenario: the \
    agents of each kind, the makers' quote levels, the books' price spans, the halted books' \
    queues, the noise traders' resting orders, requests in flight. The refusal shows the \
    estimate and the keys that drive it. For commands that run several at once (--jobs), the \
    estimate of the largest run times the runs at once is checked. depthsim validate prints \
    the estimate.";

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
        #[arg(long, value_name = "SIZE", default_value_t = MemoryLimit::default(), help = MAX_MEMORY_HELP, long_help = MAX_MEMORY_LONG_HELP)]
        max_memory: MemoryLimit,
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
        #[arg(long, value_name = "SIZE", default_value_t = MemoryLimit::default(), help = MAX_MEMORY_HELP, long_help = MAX_MEMORY_LONG_HELP)]
        max_memory: MemoryLimit,
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
    /// of runs with a collapse episode and of the median time collapsed (and of each --stat
    /// column's median), each with a colour bar, and a table per point of medians with their
    /// 40 % and 60 % quantiles over seeds. Numbers in the pages' tables have at most 4
    /// significant digits.
    ///
    /// Every time plot marks the run's events (from events.csv, or the scenario's [[shocks]]):
    /// a dashed line at each shock's or sell/buy program's start with a bar along the top for
    /// its span, halts shaded grey, a triangle where a maker withdrew; each plot's legend and
    /// the markers' key sit in a strip to the right of the data.
    ///
    /// Exit code 2 when DIR is not a finished run (no manifest.json, a run's hidden partial
    /// folder, a listed file gone) or a CSV lacks a column the report reads, naming the file
    /// and what is missing; or when --size, --scale, --style or --stat is not allowed, saying
    /// what is.
    #[command(after_help = "Examples:
  depthsim run scenarios/flash_crash.toml --out /tmp/fc
  depthsim report /tmp/fc        # then open /tmp/fc/index.html
  depthsim report /tmp/fc --style paper --size 1600x900
  depthsim report /tmp/sweep --stat mean_spread_ticks --stat pnl_market_makers")]
    Report {
        /// A result folder written by depthsim run (or a sweep's folder).
        dir: PathBuf,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Every plot's size in pixels, WIDTHxHEIGHT, each side from 300 to 6000.
        ///
        /// Without it each plot has its own size (1200 wide, 330 high per panel), times
        /// --scale. Stacked panels share the height.
        #[arg(long, value_name = "WxH")]
        size: Option<SizePx>,
        /// Factor on the default sizes, line widths and fonts, from 0.5 to 4 (e.g. 2 for a
        /// high-resolution PNG).
        #[arg(long, value_name = "FACTOR", default_value = "1")]
        scale: Scale,
        /// screen (1-px lines, the default) or paper (3-px lines, fonts 1.4 times larger).
        #[arg(long, value_name = "STYLE", default_value = "screen")]
        style: StyleName,
        /// Sweeps only: also map the median of this runs.csv column per point (repeatable).
        ///
        /// Any column of runs.csv but the run's identity and the varied parameters, e.g.
        /// mean_spread_ticks or pnl_market_makers; an unknown one exits 2 listing them.
        #[arg(long = "stat", value_name = "COLUMN")]
        stats: Vec<String>,
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
    /// Compare scenarios on the same seeds: paired differences with bootstrap intervals.
    ///
    /// Runs every FILE (and every --variant of the first) at seeds 1 to --seeds, and for
    /// every numeric summary.csv statistic gives the per-seed difference of each against the
    /// first FILE: its median, a percentile-bootstrap interval of that median (--level,
    /// --resamples, --bootstrap-seed) and the number of seeds whose difference has the
    /// median's sign. Writes DIR/compare.md (also printed on stdout), DIR/compare.csv (full
    /// precision), DIR/summaries.csv (every run's summary row) and DIR/manifest.json; byte
    /// for byte the same for any --jobs.
    #[command(after_help = "Examples:
  depthsim compare scenarios/flash_crash.toml scenarios/flash_crash_halt.toml --seeds 10
  depthsim compare scenarios/long_gamma.toml --variant 'market_maker[0].hedge={band_lots=2, style=\"market\", min_interval_s=5.0}'
  depthsim compare scenarios/baseline.toml --variant 'noise[0].mu_per_s=5.0' --stat episodes --stat price_max_drawdown_frac")]
    Compare(compare::CompareArgs),
    /// Print the scenario keys: every section's keys with unit, default and allowed values.
    ///
    /// With SECTION (`market_maker.hedge`, `[[noise]]`) only that section, with KEY
    /// (`market_maker.hedge.band_lots`, `noise[0].mu_per_s`, as error messages and --set
    /// write it) only that key. The reference is the one docs/scenarios.md shows (--markdown
    /// prints it so), and a test keeps it in step with what the parser accepts. Exit code 2
    /// when SECTION names nothing (the message lists the sections).
    #[command(after_help = "Examples:
  depthsim keys
  depthsim keys market_maker.hedge
  depthsim keys 'noise[0].hawkes.branching_ratio'
  depthsim keys --markdown > keys.md")]
    Keys(keys::KeysArgs),
    /// Write a new scenario file to start from: a shipped scenario (or a file), every key
    /// commented.
    ///
    /// The scenario --from is resolved (every default filled in) and written to NAME.toml
    /// with each key under a comment from `depthsim keys` (meaning, unit, default, allowed
    /// values); keys it leaves out appear commented out with an example. run.name becomes
    /// NAME's stem. The result validates and runs like the original. The file is written
    /// under a temporary name and moved into place; an existing NAME is never overwritten
    /// (exit code 2, as for a --from that is no shipped scenario and no file).
    #[command(after_help = "Examples:
  depthsim new my_market --from baseline
  depthsim new studies/thin.toml --from hedge_in_thin_book
  depthsim new variant --from my_market.toml")]
    New(new::NewArgs),
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

/// Runs the parsed command; its exit code when it did what was asked (`reproduce` gives 1
/// when some file does not match).
pub fn execute(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Validate { file, set } => validate::validate(file, set),
        Command::Run {
            file,
            seed,
            set,
            out,
            quiet,
            max_memory,
        } => run::run(file, seed, set, out, quiet, max_memory),
        Command::Reproduce {
            dir,
            quiet,
            max_memory,
        } => reproduce::reproduce(&dir, quiet, max_memory),
        Command::Report {
            dir,
            quiet,
            size,
            scale,
            style,
            stats,
        } => report::report(
            dir,
            quiet,
            &depthsim::report::ReportOptions {
                size,
                scale,
                style,
                stats,
            },
        ),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Findings(args) => findings::findings(args),
        Command::Validation(args) => validation::validation(args),
        Command::Compare(args) => compare::compare_cmd(args),
        Command::Merge { dirs, quiet } => sweep::merge_dirs(&dirs, quiet),
        Command::Keys(args) => keys::keys_cmd(args),
        Command::New(args) => new::new_cmd(args),
    }
}
