//! Ctrl-C and SIGTERM: a long command stops cleanly at the next step, removes its partial
//! output and exits with 128 plus the signal's number.

use depthsim::record::OutputDir;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

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
pub(crate) fn catch_stop_signals() -> std::io::Result<()> {
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
pub(crate) fn catch_stop_signals() -> std::io::Result<()> {
    Ok(())
}

/// The signal that asked the run to stop, if one has.
pub(crate) fn stop_signal() -> Option<i32> {
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
    pub(crate) what: String,
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
pub(crate) fn interrupted(dir: OutputDir) -> anyhow::Error {
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

/// Deletes the unfinished folder of a table command (`findings`, `validation`, `compare`)
/// stopped by a signal, and says that `out` was not changed.
pub(crate) fn tables_interrupted(dir: OutputDir, out: &std::path::Path) -> anyhow::Error {
    let _ = dir.discard();
    anyhow::Error::new(Interrupted {
        signal: stop_signal().unwrap_or(0),
        what: format!("no table was written; {} was not changed", out.display()),
    })
}
