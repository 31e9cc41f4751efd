//! Command-line interface: flags → commands, progress, exit codes.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use depthsim::record::summary::{Manifest, write_manifest};
use depthsim::record::{ForeignOutput, OutputDir, check_replaceable};
use depthsim::run::{default_output_path, run_into};
use depthsim::scenario::{Overrides, Scenario};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
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

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario and write its CSV files.
    ///
    /// Files go to output/<scenario name>/seed-<seed>/ (or --out): book.csv, l2.csv,
    /// trades.csv, agents.csv, summary.csv and manifest.json. They are written under a
    /// temporary name and moved into place only when the run completes. An earlier result
    /// there is replaced; anything else is refused (see --out).
    #[command(
        after_help = "Examples:\n  depthsim run scenarios/baseline.toml\n  depthsim run scenarios/baseline.toml --seed 7 --out /tmp/b7"
    )]
    Run {
        /// The scenario file (TOML).
        file: PathBuf,
        /// Use this seed instead of the file's run.seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Write the files into this folder instead of output/<name>/seed-<seed>.
        ///
        /// An earlier depthsim result there is replaced: a folder whose manifest.json is
        /// depthsim's, holding only the files it lists (and the report's plots/, index.html,
        /// realism.html). Anything else (a folder of yours, a file, a link) is never touched:
        /// the run refuses with exit code 2.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check a scenario file without running it; prints the resolved scenario (every default
    /// filled in, intervals rounded to whole steps) on success.
    Validate {
        /// The scenario file (TOML).
        file: PathBuf,
    },
}

fn load(file: &Path, seed: Option<u64>) -> Result<Scenario> {
    // A ScenarioError stays in the chain: main maps it to exit code 2.
    Ok(Scenario::load(file, &Overrides { seed })?)
}

/// Runs the parsed command.
pub fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Validate { file } => {
            let s = load(&file, None)?;
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
            println!(
                "{}: ok — scenario {:?}, seed {}, {} steps of {} s ({} s), {} agents; \
                 book.csv every {} steps, agents.csv every {} steps",
                file.display(),
                s.name,
                s.seed,
                s.steps,
                s.dt_s(),
                s.steps as f64 * s.dt_s(),
                agents,
                s.sample_every_steps,
                s.agents_every_steps,
            );
            println!("\n# resolved parameters\n{}", toml::to_string(&s.params)?);
            Ok(())
        }
        Command::Run {
            file,
            seed,
            out,
            quiet,
        } => {
            let scenario = load(&file, seed)?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let sha = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>();
            let final_path =
                out.unwrap_or_else(|| default_output_path(Path::new("output"), &scenario));
            // Refuse early (exit 2) to replace anything but an earlier depthsim result.
            check_replaceable(&final_path)
                .map_err(|e| foreign_or(e, || format!("checking {}", final_path.display())))?;
            let dir = OutputDir::create(&final_path).with_context(|| {
                format!("creating the output folder for {}", final_path.display())
            })?;
            #[expect(
                clippy::disallowed_methods,
                reason = "wall time for the manifest and the progress bar, outside the simulation"
            )]
            let started = Instant::now();
            let bar =
                ProgressBar::with_draw_target(Some(scenario.steps), ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} simulating [{bar:40}] {percent}% {elapsed} (eta {eta})",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            let show = !quiet && std::io::stderr().is_terminal();
            let mut shown = false;
            let mut progress = |done: u64, _total: u64| {
                if show && !shown && started.elapsed() > Duration::from_secs(1) {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    shown = true;
                }
                bar.set_position(done);
            };
            let summary = run_into(&scenario, &dir, &mut progress)
                .with_context(|| format!("running {}", file.display()))?;
            bar.finish_and_clear();
            let wall_time_s = started.elapsed().as_secs_f64();
            let manifest = Manifest {
                program: "depthsim",
                version: env!("CARGO_PKG_VERSION"),
                scenario_file: file.display().to_string(),
                scenario_sha256: sha,
                seed: scenario.seed,
                command_line: std::env::args().skip(1).collect(),
                files: output_files(&scenario),
                scenario: &scenario,
                wall_time_s,
            };
            write_manifest(&dir, &manifest).context("writing manifest.json")?;
            let path = dir.commit().map_err(|e| {
                foreign_or(e, || {
                    format!("moving the results into {}", final_path.display())
                })
            })?;
            if !quiet {
                eprintln!(
                    "{}: {} order instructions, {} trades in {:.2} s ({:.1} M instructions/s) → {}",
                    scenario.name,
                    summary.order_instructions,
                    summary.trades,
                    wall_time_s,
                    summary.order_instructions as f64 / wall_time_s / 1e6,
                    path.display()
                );
            }
            Ok(())
        }
    }
}

/// A [`ForeignOutput`] inside `e` as the error itself (main maps it to exit code 2), or `e`
/// with `context`.
fn foreign_or(e: std::io::Error, context: impl FnOnce() -> String) -> anyhow::Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<ForeignOutput>()) {
        Some(f) => anyhow::Error::new(f.clone()),
        None => anyhow::Error::new(e).context(context()),
    }
}

fn output_files(s: &Scenario) -> Vec<&'static str> {
    let mut f = vec!["book.csv", "agents.csv", "summary.csv", "manifest.json"];
    if s.params.output.trades {
        f.push("trades.csv");
    }
    if s.params.output.l2_levels > 0 {
        f.push("l2.csv");
    }
    f
}
