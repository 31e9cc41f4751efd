//! Long work off the interpreter: the closure runs on a thread of its own while the calling
//! thread, with the interpreter lock released, waits for it and every 50 ms takes the lock
//! back to let Python handle signals. Ctrl-C (KeyboardInterrupt) or any other exception a
//! signal handler raises sets the stop flag the work checks after every simulated step,
//! waits for the work to wind down (its partial outputs removed), and is raised.
//!
//! A panic in the work (a bug) becomes a `RuntimeError`, never a crash of the interpreter.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

/// How often the waiting thread looks for signals.
const POLL: Duration = Duration::from_millis(50);

/// Runs `work(stop)` on another thread and returns its result; `stop` turns true when a
/// signal handler raised an exception, which is then returned instead.
pub fn interruptible<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> T + Send,
) -> PyResult<T> {
    let stop = AtomicBool::new(false);
    let slot: Mutex<Option<std::thread::Result<T>>> = Mutex::new(None);
    let ready = Condvar::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            let result = catch_unwind(AssertUnwindSafe(|| work(&stop)));
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
            ready.notify_all();
        });
        let mut signal: Option<PyErr> = None;
        loop {
            let finished = py.detach(|| {
                let guard = slot.lock().unwrap_or_else(|p| p.into_inner());
                let (mut guard, _) = ready
                    .wait_timeout_while(guard, POLL, |r| r.is_none())
                    .unwrap_or_else(|p| p.into_inner());
                guard.take()
            });
            if let Some(result) = finished {
                return match (signal, result) {
                    (Some(e), _) => Err(e),
                    (None, Ok(v)) => Ok(v),
                    (None, Err(panic)) => Err(PyRuntimeError::new_err(format!(
                        "depthsim failed inside (a bug, please report it): {}",
                        panic_text(&panic)
                    ))),
                };
            }
            if signal.is_none()
                && let Err(e) = py.check_signals()
            {
                stop.store(true, Ordering::Relaxed);
                signal = Some(e);
            }
        }
    })
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}
