//! Helpers every command shares: loading a scenario, printing (a closed pipe is no error),
//! the memory check, and how clean-ups and refusals are reported.

use anyhow::Result;
use depthsim::memory::{self, MemoryLimit};
use depthsim::record::{ForeignOutput, OutputDir, Recovered, Replaced};
use depthsim::scenario::{Override, Overrides, Scenario};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// Reads and checks a scenario file: the scenario and the file's text.
pub(crate) fn load(file: &Path, seed: Option<u64>, set: &[Override]) -> Result<(Scenario, String)> {
    // A ScenarioError stays in the chain: main maps it to exit code 2.
    let overrides = Overrides {
        seed,
        set: set.to_vec(),
    };
    let text = depthsim::scenario::read_scenario_file(file)?;
    let scenario = Scenario::from_toml(&text, file, &overrides)?;
    Ok((scenario, text))
}

/// Prints the scenario's warnings (keys that are accepted but probably not meant) on stderr.
pub(crate) fn print_warnings(scenario: &Scenario) {
    for w in &scenario.warnings {
        print_stderr(&format!("{}\n", one_line(&format!("warning: {w}"))));
    }
}

/// Refuses (exit code 2) `at_once` runs of `scenario` that would need more memory than
/// `limit`.
pub(crate) fn check_memory(
    scenario: &Scenario,
    file: &Path,
    what: &str,
    at_once: u64,
    limit: MemoryLimit,
) -> Result<memory::Estimate> {
    memory::check(scenario, &file.display().to_string(), what, at_once, limit)
        .map_err(|e| anyhow::Error::new(*e))
}

/// ` with --set A --set B`, or nothing without overrides.
pub(crate) fn with_overrides(set: &[impl std::fmt::Display]) -> String {
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
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// Says what the clean-up after killed processes did that the user should know: an earlier
/// result put back, or a temporary folder left alone because its owner may still run.
pub(crate) fn print_recovered(notes: &[Recovered], quiet: bool) {
    if quiet {
        return;
    }
    for r in notes {
        match r {
            Recovered::Restored(p) => print_stderr(&format!(
                "note: put back {}: an earlier result that an interrupted run had moved aside\n",
                p.display()
            )),
            Recovered::LeftAlone { path, reason } => print_stderr(&format!(
                "{}\n",
                one_line(&format!("note: left {} alone: {reason}", path.display()))
            )),
            Recovered::RemovedPartial(_) | Recovered::RemovedReplaced(_) => {}
        }
    }
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

/// A [`ForeignOutput`] inside `e` as the error itself (main maps it to exit code 2), or `e`
/// with `context`.
pub(crate) fn foreign_or(e: std::io::Error, context: impl FnOnce() -> String) -> anyhow::Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<ForeignOutput>()) {
        Some(f) => anyhow::Error::new(f.clone()),
        None => anyhow::Error::new(e).context(context()),
    }
}

/// What a table command (`findings`, `validation`, `compare`) wrote, for [`publish_tables`].
pub(crate) struct Tables<'a> {
    /// The command, as its last line starts: `findings`.
    pub command: &'a str,
    /// What its folder holds, in a word: `findings`, `validation`, `comparison`.
    pub noun: &'a str,
    /// Its files, as the last line lists them: `compare.md, compare.csv`.
    pub files: &'a str,
    /// Its Markdown tables, printed on stdout.
    pub md: &'a [u8],
    /// The runs behind them.
    pub runs: u64,
}

/// Moves a table command's finished folder into place at `out`, prints its Markdown on
/// stdout and, unless `quiet`, says on stderr where it went and whether it replaced an
/// earlier result there.
pub(crate) fn publish_tables(
    dir: OutputDir,
    out: &Path,
    t: Tables<'_>,
    quiet: bool,
) -> Result<ExitCode> {
    let committed = dir.commit().map_err(|e| {
        foreign_or(e, || {
            format!("moving the {} into {}", t.noun, out.display())
        })
    })?;
    std::io::stdout().write_all(t.md).ok();
    if !quiet {
        print_stderr(&format!(
            "{}: {} runs → {}/{}{}\n",
            t.command,
            t.runs,
            committed.path.display(),
            t.files,
            match committed.replaced {
                Replaced::EarlierResult => format!(" (they replaced the earlier {} there)", t.noun),
                Replaced::EmptyFolder | Replaced::Nothing => String::new(),
            }
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// A command-line argument that cannot be used: main maps it to exit code 2. The message
/// names the argument and its value.
#[derive(Debug, thiserror::Error)]
#[error("{argument} {value:?}: {message}")]
pub(crate) struct BadArgument {
    /// The argument as `--help` names it: `NAME`, `--from`.
    pub argument: String,
    /// What was given.
    pub value: String,
    /// What is wrong with it.
    pub message: String,
}
