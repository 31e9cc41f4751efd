//! `depthsim run FILE`: one run into its output folder, with its manifest.

use super::common::{
    check_memory, foreign_or, load, print_recovered, print_stderr, print_warnings,
};
use super::progress::Progress;
use super::signals::{Interrupted, catch_stop_signals, interrupted, stop_signal};
use anyhow::{Context, Result};
use depthsim::memory::MemoryLimit;
use depthsim::record::summary::{Manifest, sha256_hex, write_manifest};
use depthsim::record::{OutputDir, Replaced, check_replaceable, recover_abandoned};
use depthsim::run::{RunError, default_output_path, output_files, run_into};
use depthsim::scenario::Override;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `depthsim run FILE`: runs the scenario into `out` (default `output/<name>/seed-<seed>`),
/// replacing only an earlier result, and writes its manifest.
pub(crate) fn run(
    file: PathBuf,
    seed: Option<u64>,
    set: Vec<Override>,
    out: Option<PathBuf>,
    quiet: bool,
    max_memory: MemoryLimit,
) -> Result<ExitCode> {
    catch_stop_signals().context("installing the handlers for Ctrl-C and SIGTERM")?;
    let (scenario, text) = load(&file, seed, &set)?;
    if !quiet {
        print_warnings(&scenario);
        if let Some(w) = scenario.collapse_warning() {
            print_stderr(&format!("warning: {}: {w}\n", file.display()));
        }
    }
    let bytes = text.into_bytes();
    check_memory(&scenario, &file, "the run", 1, max_memory)?;
    let final_path = out.unwrap_or_else(|| default_output_path(Path::new("output"), &scenario));
    // Tidy up after runs killed outright, which may put back an earlier result.
    print_recovered(&recover_abandoned(&final_path), quiet);
    // Refuse early (exit 2) to replace anything but an earlier depthsim result.
    check_replaceable(&final_path)
        .map_err(|e| foreign_or(e, || format!("checking {}", final_path.display())))?;
    let dir = OutputDir::create(&final_path)
        .with_context(|| format!("creating the output folder for {}", final_path.display()))?;
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
    let sha256 = dir
        .sha256(
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
    let committed = dir.commit().map_err(|e| {
        foreign_or(e, || {
            format!("moving the results into {}", final_path.display())
        })
    })?;
    let path = committed.path;
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
            "{}: {} order instructions, {} trades in {:.2} s ({} instructions/s) → {}{}\n",
            scenario.name,
            summary.order_instructions,
            summary.trades,
            wall_time_s,
            per_second(summary.order_instructions as f64 / wall_time_s),
            path.display(),
            match committed.replaced {
                Replaced::EarlierResult => " (it replaced the earlier result there)",
                Replaced::EmptyFolder | Replaced::Nothing => "",
            }
        ));
    }
    Ok(ExitCode::SUCCESS)
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
