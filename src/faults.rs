//! Fault injection for the fault tests (`tests/faults.rs`): numbered points in the code that
//! changes files on disk, where a test can have the process kill itself with SIGKILL, or stop
//! with SIGSTOP, to see what a crash (or a slow process) at exactly that moment leaves behind.
//!
//! Off unless the environment variable `DEPTHSIM_FAULT` is set when the process starts:
//! - `DEPTHSIM_FAULT=trace`: print `fault point N: NAME` on stderr at each point (N from 1);
//! - `DEPTHSIM_FAULT=kill@N`: SIGKILL the process at point N (nothing is cleaned up, as when
//!   a machine loses power or a job is killed by its scheduler);
//! - `DEPTHSIM_FAULT=stop@N`: print `fault point N: NAME: stopped` on stderr and SIGSTOP the
//!   process at point N; it goes on when sent SIGCONT.
//!
//! The first process of a pid namespace (pid 1 there) ignores the signals it sends itself,
//! so under `unshare --pid` run depthsim as a child of a shell for `kill@` and `stop@`.
//!
//! Points are passed in the order the process reaches them, so with one thread (`--jobs 1`)
//! the same command reaches the same points in the same order, and a test can pick them with
//! a seeded generator. They sit only where files are created, written, renamed or deleted,
//! never in the simulation's step loop: when off, a point costs one relaxed atomic load.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// What `DEPTHSIM_FAULT` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Off,
    Trace,
    Kill(u64),
    Stop(u64),
}

fn mode() -> Mode {
    static MODE: OnceLock<Mode> = OnceLock::new();
    *MODE.get_or_init(|| match std::env::var("DEPTHSIM_FAULT") {
        Ok(v) => parse(&v),
        Err(_) => Mode::Off,
    })
}

/// `trace`, `kill@N` or `stop@N`; anything else is off.
fn parse(v: &str) -> Mode {
    let at = |prefix: &str| {
        v.strip_prefix(prefix)
            .and_then(|n| n.parse::<u64>().ok())
            .filter(|&n| n >= 1)
    };
    if v == "trace" {
        Mode::Trace
    } else if let Some(n) = at("kill@") {
        Mode::Kill(n)
    } else if let Some(n) = at("stop@") {
        Mode::Stop(n)
    } else {
        Mode::Off
    }
}

/// Points passed so far.
static PASSED: AtomicU64 = AtomicU64::new(0);

/// A fault point named `name` (what has just been done, or is about to be: e.g.
/// `"output: partial folder created"`).
#[inline]
pub fn point(name: &str) {
    if mode() == Mode::Off {
        return;
    }
    hit(name);
}

#[cold]
fn hit(name: &str) {
    use std::io::Write;
    let n = PASSED.fetch_add(1, Ordering::SeqCst) + 1;
    let say = |what: &str| {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "fault point {n}: {name}{what}");
        let _ = err.flush();
    };
    match mode() {
        Mode::Off => {}
        Mode::Trace => say(""),
        Mode::Kill(k) if k == n => {
            say(": killed");
            raise_kill();
        }
        Mode::Stop(k) if k == n => {
            say(": stopped");
            raise_stop();
        }
        Mode::Kill(_) | Mode::Stop(_) => {}
    }
}

#[cfg(unix)]
fn raise_kill() {
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGKILL);
}

#[cfg(unix)]
fn raise_stop() {
    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGSTOP);
}

#[cfg(not(unix))]
fn raise_kill() {
    std::process::abort();
}

#[cfg(not(unix))]
fn raise_stop() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_is_read_strictly() {
        assert_eq!(parse("trace"), Mode::Trace);
        assert_eq!(parse("kill@3"), Mode::Kill(3));
        assert_eq!(parse("stop@12"), Mode::Stop(12));
        for off in ["", "kill@0", "kill@", "kill@x", "stop", "TRACE", "kill@-1"] {
            assert_eq!(parse(off), Mode::Off, "{off}");
        }
    }
}
