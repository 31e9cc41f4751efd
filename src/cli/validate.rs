//! `depthsim validate FILE`: check a scenario and print it as it will run.

use super::common::{load, one_line, print_stderr, print_stdout, print_warnings, with_overrides};
use anyhow::{Context, Result};
use depthsim::memory;
use depthsim::scenario::Override;
use std::path::PathBuf;
use std::process::ExitCode;

/// `depthsim validate FILE`: the resolved scenario on stdout, a summary line on stderr.
pub(crate) fn validate(file: PathBuf, set: Vec<Override>) -> Result<ExitCode> {
    let (s, _) = load(&file, None, &set)?;
    print_warnings(&s);
    let needs = memory::estimate(&s).total_bytes();
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
         book.csv every {} steps, agents.csv every {} steps; about {} of memory\n",
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
        memory::human(needs),
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
