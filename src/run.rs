//! One complete run: scenario → world → step loop → CSV files in an output folder.

use crate::engine::Simulation;
use crate::record::lobster::{LobsterRecorder, start_journal};
use crate::record::rows::SummaryRow;
use crate::record::summary::{summarize, write_summary};
use crate::record::{OutputDir, Recorder};
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
/// `dir` and writing summary.csv. `progress(done, total)` is called every
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
    if should_stop() {
        return Err(RunError::Interrupted);
    }
    let mut sim = Simulation::new(scenario)?;
    let agents = &sim
        .world
        .resource::<crate::sim::resources::AgentDirectory>()
        .0;
    let recorder = Recorder::create(dir, scenario, agents).map_err(|e| {
        RunError::Output(format!(
            "creating output files in {}: {e}",
            dir.final_path().display()
        ))
    })?;
    sim.world.insert_resource(recorder);
    if scenario.params.output.lobster_levels > 0 {
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
        .finish(dir.final_path())
        .map_err(RunError::Output)?;
    if let Some(mut lobster) = sim.world.get_resource_mut::<LobsterRecorder>() {
        lobster.finish().map_err(RunError::Output)?;
    }
    let summary = summarize(&mut sim.world, scenario);
    write_summary(dir, &summary)
        .map_err(|e| RunError::Output(format!("writing summary.csv: {e}")))?;
    Ok(summary)
}
