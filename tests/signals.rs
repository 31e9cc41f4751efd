//! Interrupted runs leave nothing behind: SIGINT and SIGTERM stop the built `depthsim` binary
//! cleanly (exit 130 / 143, its partial folder removed), and after a SIGKILL the next run into
//! the same folder removes the partial folder the killed one left. A finished result beside
//! them is never touched.
//!
//! Each test spawns the binary itself (not through a shell) on a scenario long enough to run
//! for minutes, waits for its partial folder to appear, and signals that process. Every wait
//! is bounded, and a child still running when a test fails is killed by [`Child`]'s Drop.
#![cfg(unix)]

mod common;

use common::snapshot;
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::thread::sleep;
use std::time::Duration;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The waits' step, and how many of them a wait may take (generous: a loaded machine is slow;
/// these bound a failing test, they time nothing).
const POLL: Duration = Duration::from_millis(20);
const MAX_POLLS: u32 = 6_000;

/// A running `depthsim`, killed and reaped if the test ends before it does.
struct Child(std::process::Child);

impl Child {
    fn pid(&self) -> u32 {
        self.0.id()
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([format!("-{name}"), self.pid().to_string()])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -{name} {}", self.pid());
    }

    /// Waits (bounded) for the process to end; its status and stderr.
    fn wait(&mut self) -> (ExitStatus, String) {
        for _ in 0..MAX_POLLS {
            if let Some(status) = self.0.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut e) = self.0.stderr.take() {
                    std::io::Read::read_to_string(&mut e, &mut err).unwrap();
                }
                return (status, err);
            }
            sleep(POLL);
        }
        panic!("depthsim {} did not stop", self.pid());
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if self.0.try_wait().ok().flatten().is_none() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Every reserved name in `parent`: partial folders and their lock files.
fn partial_names(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

/// The partial folders in `parent` (not their lock files).
fn partial_folders(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-") && !n.ends_with(".lock"))
        .collect()
}

/// A parent folder holding a finished result (`done`), and a scenario that runs for minutes.
struct Setup {
    _tmp: tempfile::TempDir,
    parent: PathBuf,
    long: PathBuf,
    done: BTreeMap<PathBuf, Option<Vec<u8>>>,
}

fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let parent = tmp.path().join("out");
    short_run(&parent.join("done"));
    let baseline = fs::read_to_string(repo("scenarios/adverse_selection.toml")).unwrap();
    let one_hour = "duration_s = 3600.0 ";
    assert!(
        baseline.contains(one_hour),
        "adverse_selection.toml changed"
    );
    let long = tmp.path().join("long.toml");
    // 1,000 simulated hours: far longer than any test waits (without the diffusion, which
    // over 1,000 hours would take the value below zero and be refused)
    let diffusion = "volatility_per_sqrt_s = 0.02 ";
    assert!(
        baseline.contains(diffusion),
        "adverse_selection.toml changed"
    );
    let text = baseline
        .replace(one_hour, "duration_s = 3600000.0 ")
        .replace(diffusion, "volatility_per_sqrt_s = 0.0 ");
    fs::write(&long, text).unwrap();
    let done = snapshot(&parent.join("done"));
    Setup {
        _tmp: tmp,
        parent,
        long,
        done,
    }
}

fn short_run(out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["run", "-q", "--out"])
        .arg(out)
        .arg(repo("scenarios/tiny.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Starts the long run into `<parent>/long` and waits until its partial folder exists.
fn start_long_run(s: &Setup) -> Child {
    let child = Child(
        Command::new(env!("CARGO_BIN_EXE_depthsim"))
            .args(["run", "--out"])
            .arg(s.parent.join("long"))
            .arg(&s.long)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mine = format!(".long.partial-{}-", child.pid());
    let mut child = child;
    for _ in 0..MAX_POLLS {
        if child.0.try_wait().unwrap().is_some() {
            let (status, stderr) = child.wait();
            panic!("the long run ended before it was signalled: {status:?}: {stderr}");
        }
        if partial_folders(&s.parent)
            .iter()
            .any(|n| n.starts_with(&mine))
        {
            return child;
        }
        sleep(POLL);
    }
    panic!("no partial folder appeared in {}", s.parent.display());
}

fn stops_cleanly(signal: &str, code: i32) {
    let s = setup();
    let mut child = start_long_run(&s);
    child.signal(signal);
    let (status, stderr) = child.wait();
    assert_eq!(status.code(), Some(code), "{status:?}: {stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "interrupted (SIG{signal}): removed the partial output; nothing was written to {}",
            s.parent.join("long").display()
        ),
        "one line on stderr"
    );
    assert_eq!(partial_names(&s.parent), Vec::<String>::new());
    assert!(!s.parent.join("long").exists());
    assert_eq!(
        snapshot(&s.parent.join("done")),
        s.done,
        "finished result untouched"
    );
}

#[test]
fn sigint_stops_a_run_with_130_and_leaves_no_partial_folder() {
    stops_cleanly("INT", 130);
}

#[test]
fn sigterm_stops_a_run_with_143_and_leaves_no_partial_folder() {
    stops_cleanly("TERM", 143);
}

/// A killed process cannot clean up; the next run into the same folder does: the kernel
/// released the lock the killed run held on its partial folder's lock file. A partial
/// folder without a lock file (whose owner cannot be known) is left alone, even when its pid
/// is that of no process here.
#[cfg(target_os = "linux")]
#[test]
fn after_sigkill_the_next_run_removes_the_partial_folder_left_behind() {
    let s = setup();
    let mut child = start_long_run(&s);
    child.signal("KILL");
    let (status, _) = child.wait();
    assert_eq!(status.signal(), Some(9), "{status:?}");
    let left = partial_folders(&s.parent);
    assert_eq!(
        left.len(),
        1,
        "the killed run left its partial folder: {left:?}"
    );
    // a folder whose owner cannot be known (no lock file) is left alone, even when no
    // process here has its pid
    let gone = {
        let mut c = Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    };
    let theirs = s.parent.join(format!(".other.partial-{gone}-0"));
    fs::create_dir(&theirs).unwrap();
    short_run(&s.parent.join("next"));
    assert_eq!(
        partial_names(&s.parent),
        [format!(".other.partial-{gone}-0")],
        "the killed run's folder and lock file are gone"
    );
    assert_eq!(
        snapshot(&s.parent.join("done")),
        s.done,
        "finished result untouched"
    );
    assert!(s.parent.join("next/manifest.json").is_file());
}
