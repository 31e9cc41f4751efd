//! One complete run: scenario → world → step loop → CSV files in an output folder.

use crate::engine::Simulation;
use crate::record::lobster::{LobsterRecorder, start_journal};
use crate::record::rows::SummaryRow;
use crate::record::sink::file_name;
use crate::record::summary::{summarize, write_summary};
use crate::record::{OutputDir, Recorder, Target};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a run failed after its scenario was accepted.
#[derive(Debug, Error)]
pub enum RunError {
    /// The schedule could not be built (a bug: conflicting systems).
    #[error("building the step schedule: {0}")]
    Schedule(#[from] bevy_ecs::schedule::ScheduleBuildError),
    /// An output file could not be written.
    #[error("{0}")]
    Output(String),
    /// `should_stop` asked the run to stop before it finished.
    #[error("interrupted before the run finished")]
    Interrupted,
}

/// Where a run's files go by default: `<root>/<scenario name>/seed-<seed>`.
pub fn default_output_path(root: &Path, scenario: &Scenario) -> PathBuf {
    root.join(&scenario.name)
        .join(format!("seed-{}", scenario.seed))
}

/// How often (in steps) the progress callback is called.
pub const PROGRESS_EVERY_STEPS: u64 = 4096;

/// Runs `scenario` to the end, streaming book.csv, l2.csv, trades.csv and agents.csv into
/// `dir` and writing summary.csv (with `output.format = "parquet"`, every table as a
/// `.parquet` file, and summary.csv as well). `progress(done, total)` is called every
/// [`PROGRESS_EVERY_STEPS`] steps and at the end. `should_stop()` is asked before the run,
/// after every step and before the last writes (so keep it cheap, e.g. an atomic load); once
/// it says true the run ends with [`RunError::Interrupted`], and the caller discards `dir`.
/// The caller adds the manifest and commits.
pub fn run_into(
    scenario: &Scenario,
    dir: &OutputDir,
    progress: &mut dyn FnMut(u64, u64),
    should_stop: &dyn Fn() -> bool,
) -> Result<SummaryRow, RunError> {
    let (summary, _) = run_to(scenario, Target::folder(dir), progress, should_stop)?;
    let format = scenario.params.output.format;
    write_summary(dir, &summary, format)
        .map_err(|e| RunError::Output(format!("writing the summary: {e}")))?;
    Ok(summary)
}

/// Runs `scenario` to the end and returns its summary only: no table is kept or written
/// (what a sweep needs of a run, at the least cost).
pub fn run_summary(
    scenario: &Scenario,
    should_stop: &dyn Fn() -> bool,
) -> Result<SummaryRow, RunError> {
    run_to(scenario, Target::NOTHING, &mut |_, _| {}, should_stop).map(|(s, _)| s)
}

/// Runs `scenario` to the end and returns its tables as Arrow record batches, in
/// [`crate::record::TABLES`] order (of the tables the scenario writes, those `memory` keeps;
/// summary last), with the summary row. With `dir`, the run's files are written there as
/// well, exactly as [`run_into`] writes them (the caller adds the manifest and commits);
/// without, nothing is written to disk. Other arguments as [`run_into`]'s.
#[cfg(feature = "arrow")]
pub fn run_in_memory(
    scenario: &Scenario,
    dir: Option<&OutputDir>,
    memory: crate::record::sink::Memory<'_>,
    progress: &mut dyn FnMut(u64, u64),
    should_stop: &dyn Fn() -> bool,
) -> Result<(SummaryRow, Vec<crate::record::arrow::Table>), RunError> {
    use crate::record::columns::Columns;
    let target = Target {
        folder: dir,
        memory,
    };
    let (summary, mut tables) = run_to(scenario, target, progress, should_stop)?;
    if let Some(dir) = dir {
        write_summary(dir, &summary, scenario.params.output.format)
            .map_err(|e| RunError::Output(format!("writing the summary: {e}")))?;
    }
    if target.keeps("summary") {
        let mut sink =
            crate::record::arrow::ColumnSink::in_memory("summary", SummaryRow::columns());
        let table = sink
            .push(&summary)
            .and_then(|()| sink.finish())
            .map_err(|e| RunError::Output(format!("summary: {e}")))?;
        tables.extend(table);
    }
    Ok((summary, tables))
}

/// The in-memory tables a run hands over (none without the `arrow` feature).
#[cfg(feature = "arrow")]
type Tables = Vec<crate::record::arrow::Table>;
#[cfg(not(feature = "arrow"))]
type Tables = ();

/// One run into `target`: the step loop, then the recorders finished and the summary computed.
fn run_to(
    scenario: &Scenario,
    target: Target<'_>,
    progress: &mut dyn FnMut(u64, u64),
    should_stop: &dyn Fn() -> bool,
) -> Result<(SummaryRow, Tables), RunError> {
    if should_stop() {
        return Err(RunError::Interrupted);
    }
    let mut sim = Simulation::new(scenario)?;
    let agents = &sim
        .world
        .resource::<crate::sim::resources::AgentDirectory>()
        .0;
    let place = match target.folder {
        Some(dir) => dir.final_path().to_path_buf(),
        None => PathBuf::from("(memory)"),
    };
    let recorder = Recorder::create(target, scenario, agents).map_err(|e| {
        RunError::Output(format!("creating output files in {}: {e}", place.display()))
    })?;
    sim.world.insert_resource(recorder);
    // the LOBSTER files are files: a run without a folder (in memory) has none
    if let (true, Some(dir)) = (scenario.params.output.lobster_levels > 0, target.folder) {
        let lobster = LobsterRecorder::create(dir, scenario).map_err(|e| {
            RunError::Output(format!(
                "creating the LOBSTER files in {}: {e}",
                dir.final_path().display()
            ))
        })?;
        start_journal(&mut sim.world, &lobster);
        sim.world.insert_resource(lobster);
    }
    let total = sim.total_steps();
    for step in 0..total {
        sim.step();
        if should_stop() {
            return Err(RunError::Interrupted);
        }
        if (step + 1) % PROGRESS_EVERY_STEPS == 0 {
            progress(step + 1, total);
            if let Some(e) = sim.world.resource::<Recorder>().error() {
                return Err(RunError::Output(e.to_string()));
            }
        }
    }
    progress(total, total);
    if should_stop() {
        return Err(RunError::Interrupted);
    }
    sim.world
        .resource_mut::<Recorder>()
        .finish(&place)
        .map_err(RunError::Output)?;
    if let Some(dir) = target.folder {
        for (name, bytes, sha256) in sim.world.resource::<Recorder>().digests() {
            dir.note_digest(name, *bytes, sha256.clone());
        }
    }
    if let Some(mut lobster) = sim.world.get_resource_mut::<LobsterRecorder>() {
        lobster.finish().map_err(RunError::Output)?;
    }
    let summary = summarize(&mut sim.world, scenario);
    #[cfg(feature = "arrow")]
    let tables = std::mem::take(&mut sim.world.resource_mut::<Recorder>().tables);
    #[cfg(not(feature = "arrow"))]
    let tables = ();
    Ok((summary, tables))
}

/// The files a run writes into its folder, manifest.json included, in the scenario's
/// `output.format` (summary.csv in either format).
pub fn output_files(s: &Scenario) -> Vec<String> {
    let o = &s.params.output;
    let mut tables = vec!["book", "agents", "events", "episodes", "summary"];
    for (wanted, table) in [
        (o.trades, "trades"),
        (o.l2_levels > 0, "l2"),
        (o.quotes && !s.params.market_maker.is_empty(), "quotes"),
        (s.writes_hedges(), "hedges"),
        (s.writes_options(), "options"),
    ] {
        if wanted {
            tables.push(table);
        }
    }
    let mut files: Vec<String> = tables.iter().map(|t| file_name(t, o.format)).collect();
    files.insert(5, "manifest.json".into());
    if !o.format.is_csv() {
        files.push("summary.csv".into());
    }
    if o.lobster_levels > 0 {
        files.push(crate::record::lobster::MESSAGE_FILE.into());
        files.push(crate::record::lobster::ORDERBOOK_FILE.into());
    }
    files
}
