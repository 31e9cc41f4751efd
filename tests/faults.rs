//! The fault suite (issue 22): what crashes, full disks, read-only folders, concurrent runs
//! and other pid namespaces leave behind. Each test's doc comment names the defect it
//! guards.
//!
//! Crashes are real SIGKILLs at seeded, numbered fault points (`DEPTHSIM_FAULT=kill@N`, see
//! `src/faults.rs`): every point where depthsim creates, renames or deletes a file or
//! folder. A test first counts a command's points (`DEPTHSIM_FAULT=trace`), picks some with
//! SplitMix64 from a fixed seed, kills the command at each, reruns it, and requires the
//! result to be byte for byte what an uninterrupted command makes, with nothing left over.
//! Every command runs with one thread (`--jobs 1`), so the points come in the same order
//! each time. No assertion depends on time; every wait is bounded by a generous number of
//! polls, and only guards against a hang.
//!
//! The tests that need root (a tmpfs as a full disk, a read-only mount) or `unshare` (pid
//! namespaces) print why they are skipped where these are unavailable.
#![cfg(target_os = "linux")]

mod common;

use common::snapshot;
use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread::sleep;
use std::time::Duration;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

const BIN: &str = env!("CARGO_BIN_EXE_depthsim");

/// depthsim in `dir`, with no fault injection and no Slurm variables from outside.
fn bin(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env_remove("DEPTHSIM_FAULT")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdin(Stdio::null());
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().expect("depthsim runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let o = run(dir, args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    o
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

/// Every path under `dir` whose name is one of depthsim's temporary ones.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_keys()
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(".partial-"))
        })
        .collect()
}

/// A folder's files, with manifest.json's `wall_time_s` (the one field that varies between
/// identical runs) taken out.
fn contents(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut all = snapshot(dir);
    for (path, bytes) in all.iter_mut() {
        if path.file_name().is_some_and(|n| n == "manifest.json")
            && let Some(b) = bytes
            && let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(b)
            && let Some(m) = v.as_object_mut()
        {
            m.remove("wall_time_s");
            *b = serde_json::to_vec(&v).unwrap();
        }
    }
    all
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// SplitMix64's next output.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `count` distinct points of 1..=`total` chosen with SplitMix64 from `seed`, sorted (all of
/// them when there are no more).
fn pick(total: u64, count: usize, seed: u64) -> Vec<u64> {
    let mut all: Vec<u64> = (1..=total).collect();
    let mut s = seed;
    for i in (1..all.len()).rev() {
        let j = (splitmix(&mut s) % (i as u64 + 1)) as usize;
        all.swap(i, j);
    }
    all.truncate(count);
    all.sort();
    all
}

/// The fault points `args` passes in `dir` (run there with `DEPTHSIM_FAULT=trace`).
fn trace(dir: &Path, args: &[&str]) -> Vec<String> {
    let o = bin(dir)
        .args(args)
        .env("DEPTHSIM_FAULT", "trace")
        .output()
        .unwrap();
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    stderr(&o)
        .lines()
        .filter_map(|l| l.strip_prefix("fault point "))
        .map(|l| l.split_once(": ").map_or("", |x| x.1).to_string())
        .collect()
}

/// Runs `args` in `dir` killed (SIGKILL) at fault point `at`.
fn killed_at(dir: &Path, args: &[&str], at: u64) {
    let o = bin(dir)
        .args(args)
        .env("DEPTHSIM_FAULT", format!("kill@{at}"))
        .output()
        .unwrap();
    assert_eq!(
        o.status.signal(),
        Some(9),
        "{args:?} at point {at} was not killed: {}",
        stderr(&o)
    );
}

/// Kills `args` at seeded points of a fresh copy of `start` each time, checks what the kill
/// left with `after_kill`, reruns `args`, and requires the copy to end as `reference` (the
/// copy run uninterrupted), with no temporary file or folder left.
fn kill_and_rerun(
    start: &Path,
    args: &[&str],
    points: usize,
    seed: u64,
    after_kill: &dyn Fn(&Path, &str),
) {
    let work = start.parent().unwrap().join("work");
    let reference = start.parent().unwrap().join("reference");
    copy_tree(start, &reference);
    let traced = trace(&reference, args);
    fs::remove_dir_all(&reference).unwrap();
    copy_tree(start, &reference);
    ok(&reference, args);
    let want = contents(&reference);
    assert!(!traced.is_empty(), "{args:?} passes no fault point");
    let chosen = pick(traced.len() as u64, points, seed);
    eprintln!(
        "{args:?}: {} fault points; killed at {chosen:?}",
        traced.len()
    );
    for at in chosen {
        let point = &traced[at as usize - 1];
        let _ = fs::remove_dir_all(&work);
        copy_tree(start, &work);
        killed_at(&work, args, at);
        after_kill(&work, point);
        let o = run(&work, args);
        assert!(
            o.status.success(),
            "{args:?}, rerun after a kill at point {at} ({point}): {}",
            stderr(&o)
        );
        assert_eq!(
            leftovers(&work),
            Vec::<PathBuf>::new(),
            "{args:?}: killed at point {at} ({point}), then rerun"
        );
        let got = contents(&work);
        for (path, bytes) in &want {
            assert!(
                got.get(path) == Some(bytes),
                "{args:?}: killed at point {at} ({point}) and rerun: {} differs",
                path.display()
            );
        }
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            want.keys().collect::<Vec<_>>(),
            "{args:?}: killed at point {at} ({point}) and rerun"
        );
    }
}

/// Whether `dir` is a whole run result: every file its manifest lists has the SHA-256 the
/// manifest recorded.
fn whole_result(dir: &Path) -> bool {
    let Ok(text) = fs::read(dir.join("manifest.json")) else {
        return false;
    };
    let m: serde_json::Value = serde_json::from_slice(&text).unwrap();
    m["sha256"].as_object().unwrap().iter().all(|(f, want)| {
        depthsim::record::summary::file_sha256(&dir.join(f))
            .ok()
            .as_deref()
            == want.as_str()
    })
}

/// A short tiny.toml, as arguments.
const SHORT: [&str; 2] = ["--set", "run.duration_s=5.0"];

fn tiny() -> String {
    repo("scenarios/tiny.toml").to_string_lossy().into_owned()
}

/// Defect: a run killed outright (SIGKILL, a power cut) must leave the earlier result or its
/// own, whole, and nothing the next run cannot clean; before issue 22 the clean-up of its
/// partial folder went by the pid alone. Killed at every fault point of `run --out` over an
/// earlier reported result, then rerun: the result is the uninterrupted one's.
#[test]
fn sigkill_at_every_point_of_a_run_then_the_rerun_gives_the_same_result() {
    let tmp = tempfile::tempdir().unwrap();
    let start = tmp.path().join("start");
    fs::create_dir(&start).unwrap();
    let t = tiny();
    ok(&start, &["run", &t, "-q", "--out", "r", SHORT[0], SHORT[1]]);
    ok(&start, &["report", "-q", "r"]);
    let args = [
        "run", &t, "-q", "--seed", "2", "--out", "r", SHORT[0], SHORT[1],
    ];
    kill_and_rerun(&start, &args, 100, 1, &|work, point| {
        // the earlier result or the new one is there whole, or the earlier one is aside,
        // whole, for the next run to put back
        let r = work.join("r");
        let aside = fs::read_dir(work)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.to_string_lossy().ends_with(".replaced"));
        assert!(
            whole_result(&r) || aside.as_deref().is_some_and(whole_result),
            "killed at {point}: neither result is whole"
        );
    });
}

/// Defect: a sweep killed outright must lose only its runs in flight, and its rerun must
/// give the uninterrupted sweep's folder byte for byte (runs.csv, sweep.json, every run).
#[test]
fn sigkill_at_seeded_points_of_a_sweep_then_resume_gives_the_same_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let start = tmp.path().join("start");
    fs::create_dir(&start).unwrap();
    fs::write(
        start.join("s.toml"),
        format!(
            "[sweep]\nscenario = {:?}\nseed = 5\nseeds_per_point = 2\nkeep = \"runs\"\n\
             set = [\"run.duration_s=5.0\"]\n[grid]\n\"informed[0].rate_per_s\" = [1.0, 2.0]\n",
            tiny()
        ),
    )
    .unwrap();
    let args = ["sweep", "s.toml", "-q", "--jobs", "1", "--out", "out"];
    kill_and_rerun(&start, &args, 8, 2, &|_, _| {});
}

/// Defect: `merge` killed outright must leave no partial runs.csv, and its rerun the same
/// runs.csv as an unsharded sweep.
#[test]
fn sigkill_at_every_point_of_a_merge_then_the_rerun_gives_the_same_table() {
    let tmp = tempfile::tempdir().unwrap();
    let start = tmp.path().join("start");
    fs::create_dir(&start).unwrap();
    fs::write(
        start.join("s.toml"),
        format!(
            "[sweep]\nscenario = {:?}\nseed = 5\nseeds_per_point = 2\n\
             set = [\"run.duration_s=5.0\"]\n[grid]\n\"informed[0].rate_per_s\" = [1.0, 2.0]\n",
            tiny()
        ),
    )
    .unwrap();
    for shard in ["0/2", "1/2"] {
        ok(
            &start,
            &[
                "sweep", "s.toml", "-q", "--jobs", "1", "--shard", shard, "--out", "out",
            ],
        );
    }
    kill_and_rerun(&start, &["merge", "-q", "out"], 100, 3, &|work, point| {
        // runs.csv is absent or whole
        if let Ok(text) = fs::read_to_string(work.join("out/runs.csv")) {
            assert_eq!(text.lines().count(), 5, "killed at {point}: {text}");
        }
    });
}

/// Defect: `report` wrote in place, so a crash (or a full disk) left a truncated
/// `plots/mid.png` and files no listing named. Killed at seeded points of a report that
/// replaces an earlier one (which had a plot this one no longer draws): the folder stays a
/// result a later `run --out` may replace, and the rerun gives the uninterrupted report.
#[test]
fn sigkill_at_seeded_points_of_a_report_then_the_rerun_gives_the_same_report() {
    let tmp = tempfile::tempdir().unwrap();
    let start = tmp.path().join("start");
    fs::create_dir(&start).unwrap();
    let t = tiny();
    ok(&start, &["run", &t, "-q", "--out", "r", SHORT[0], SHORT[1]]);
    ok(&start, &["report", "-q", "r"]);
    // an earlier report: an older mid plot, and a plot it drew that this one does not
    let r = start.join("r");
    fs::write(r.join("plots/mid.png"), "an older plot").unwrap();
    fs::write(r.join("plots/gone.png"), "a plot no longer drawn").unwrap();
    let listing = fs::read_to_string(r.join("report.json")).unwrap();
    fs::write(
        r.join("report.json"),
        listing.replace(
            "\"index.html\",",
            "\"index.html\",\n    \"plots/gone.png\",",
        ),
    )
    .unwrap();
    kill_and_rerun(&start, &["report", "-q", "r"], 6, 4, &|work, point| {
        depthsim::record::check_replaceable(&work.join("r"))
            .unwrap_or_else(|e| panic!("killed at {point}: {e}"));
    });
}

/// Defect: `findings --out` wrote its tables in place over whatever was there. Killed at
/// its fault points, its folder is the earlier one or the new one, and the rerun gives the
/// uninterrupted tables.
#[test]
fn sigkill_at_every_point_of_findings_then_the_rerun_gives_the_same_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let start = tmp.path().join("start");
    fs::create_dir(&start).unwrap();
    fs::write(
        start.join("t.toml"),
        fs::read_to_string(tiny())
            .unwrap()
            .replace("duration_s = 60.0", "duration_s = 5.0"),
    )
    .unwrap();
    let args = [
        "findings", "t.toml", "-q", "--seeds", "2", "--jobs", "1", "--out", "f",
    ];
    kill_and_rerun(&start, &args, 100, 5, &|_, _| {});
}

/// Whether pid namespaces can be made here (root, or unprivileged user namespaces).
fn unshare_works() -> bool {
    let ok = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "true"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipped: `unshare --pid --fork --mount-proc` does not work here (needs root or \
             user namespaces, and util-linux)"
        );
    }
    ok
}

/// `depthsim ARGS` in a new pid namespace. With `as_init`, depthsim is the namespace's
/// first process (pid 1), as in `unshare --pid --fork --mount-proc depthsim …`; otherwise a
/// shell is, with depthsim its child: pid 1 of a namespace ignores signals it has no handler
/// for, SIGSTOP and SIGKILL that it sends itself included, and the fault points need those.
fn namespaced(dir: &Path, as_init: bool) -> Command {
    let mut c = Command::new("unshare");
    c.args(["--pid", "--fork", "--mount-proc"]);
    if !as_init {
        c.args(["sh", "-c", "\"$@\"; exit $?", "sh"]);
    }
    c.arg(BIN)
        .current_dir(dir)
        .env_remove("DEPTHSIM_FAULT")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdin(Stdio::null());
    c
}

/// A depthsim started in its own process group (perhaps under `unshare`), stopped at a fault
/// point; killed with its group if the test ends first.
struct Stopped {
    child: Child,
    lines: BufReader<std::process::ChildStderr>,
}

impl Stopped {
    /// Starts `args` in `dir`, in a new pid namespace if `namespaced`, stopping at point
    /// `at`, and waits until it has stopped there.
    fn start(dir: &Path, args: &[&str], at: usize, namespaced: bool) -> Stopped {
        let mut cmd = if namespaced {
            self::namespaced(dir, false)
        } else {
            bin(dir)
        };
        let mut child = cmd
            .args(args)
            .env("DEPTHSIM_FAULT", format!("stop@{at}"))
            .env_remove("SLURM_ARRAY_TASK_ID")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            let n = lines.read_line(&mut line).unwrap();
            assert!(n > 0, "{args:?} ended before it stopped at point {at}");
            if line.trim_end().ends_with(": stopped") {
                break;
            }
        }
        common::wait_stopped(child.id(), "depthsim");
        Stopped { child, lines }
    }

    fn signal_group(&self, signal: &str) {
        let s = Command::new("kill")
            .args([
                format!("-{signal}"),
                "--".into(),
                format!("-{}", self.child.id()),
            ])
            .status()
            .unwrap();
        assert!(s.success());
    }

    /// Lets it go on and waits for it; its exit status and the rest of its stderr.
    fn resume(mut self) -> (std::process::ExitStatus, String) {
        self.signal_group("CONT");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.lines, &mut rest).unwrap();
        (self.child.wait().unwrap(), rest)
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .status();
            let _ = self.child.wait();
        }
    }
}

/// The number of the first fault point named `name` that `args` passes in `dir` (traced in
/// a copy of it).
fn first_point(dir: &Path, args: &[&str], name: &str) -> usize {
    let scratch = tempfile::tempdir().unwrap();
    copy_tree(dir, scratch.path());
    let points = trace(scratch.path(), args);
    1 + points
        .iter()
        .position(|p| p == name)
        .unwrap_or_else(|| panic!("{args:?} never passes {name:?}: {points:?}"))
}

/// The partial folders (not their lock files) in `dir`.
fn partial_folders(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.contains(".partial-") && !n.ends_with(".lock"))
        .collect()
}

/// Defect (issue 22, item 1): a shard deleted another shard's run in flight, because the
/// clean-up took a partial folder for dead when its pid was missing from the local /proc
/// ("run 6: writing summary.csv: No such file or directory"). Two shards of one sweep share
/// a folder from two pid namespaces; one is stopped with a run in flight while the other
/// runs to the end; then it goes on, finishes, and the merge equals the unsharded sweep.
/// Both ways round.
#[test]
fn shards_in_two_pid_namespaces_share_one_folder_without_deleting_each_others_runs() {
    if !unshare_works() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    fs::write(
        t.join("s.toml"),
        format!(
            "[sweep]\nscenario = {:?}\nseed = 9\nseeds_per_point = 3\n\
             set = [\"run.duration_s=5.0\"]\n[grid]\n\"informed[0].rate_per_s\" = [1.0, 2.0]\n",
            tiny()
        ),
    )
    .unwrap();
    ok(
        t,
        &["sweep", "s.toml", "-q", "--jobs", "1", "--out", "whole"],
    );
    let shard = |i: &str, out: &str| -> Vec<String> {
        [
            "sweep", "s.toml", "-q", "--jobs", "1", "--shard", i, "--out", out,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    for (out, stopped_namespaced) in [("a", true), ("b", false)] {
        let first = shard("0/2", out);
        let first: Vec<&str> = first.iter().map(String::as_str).collect();
        let at = first_point(t, &first, "output: partial folder created");
        let stopped = Stopped::start(t, &first, at, stopped_namespaced);
        let bucket = t.join(out).join("runs/000");
        let in_flight = partial_folders(&bucket);
        assert_eq!(in_flight.len(), 1, "{in_flight:?}");
        // the other shard, in the other namespace, runs to the end meanwhile
        let second = shard("1/2", out);
        let second: Vec<&str> = second.iter().map(String::as_str).collect();
        let o = if stopped_namespaced {
            run(t, &second)
        } else {
            namespaced(t, true).args(&second).output().unwrap()
        };
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            partial_folders(&bucket),
            in_flight,
            "the stopped shard's run in flight was left alone"
        );
        let (status, rest) = stopped.resume();
        assert!(status.success(), "the stopped shard failed: {rest}");
        ok(t, &["merge", "-q", out]);
        assert_eq!(
            fs::read(t.join(out).join("runs.csv")).unwrap(),
            fs::read(t.join("whole/runs.csv")).unwrap()
        );
        assert_eq!(leftovers(&t.join(out)), Vec::<PathBuf>::new());
    }
}

/// Defect (issue 22, item 1): the same for single runs into one parent folder: a run in
/// another pid namespace leaves a live run's partial folder alone, and a run killed in
/// another namespace (its lock released by the kernel) is cleaned up by the next run here.
#[test]
fn runs_in_other_pid_namespaces_are_cleaned_only_when_provably_gone() {
    if !unshare_works() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let tiny = tiny();
    let short = |out: &str| -> Vec<String> {
        ["run", &tiny, "-q", "--out", out, SHORT[0], SHORT[1]]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let a = short("p/a");
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    fs::create_dir(t.join("p")).unwrap();
    let at = first_point(t, &a, "output: partial folder created");
    let stopped = Stopped::start(t, &a, at, false);
    let in_flight = partial_folders(&t.join("p"));
    assert_eq!(in_flight.len(), 1, "{in_flight:?}");
    let b = short("p/b");
    let o = namespaced(t, true).args(&b).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(partial_folders(&t.join("p")), in_flight);
    let (status, rest) = stopped.resume();
    assert!(status.success(), "{rest}");
    // killed outright in another namespace: gone, provably (its lock was released)
    let c = short("p/c");
    let c: Vec<&str> = c.iter().map(String::as_str).collect();
    let o = namespaced(t, false)
        .args(&c)
        .env("DEPTHSIM_FAULT", format!("kill@{at}"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert_eq!(partial_folders(&t.join("p")).len(), 1, "the killed run's");
    ok(
        t,
        &short("p/d").iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(names(&t.join("p")), ["a", "b", "d"]);
    for r in ["a", "b", "d"] {
        assert!(whole_result(&t.join("p").join(r)), "{r}");
    }
}

/// Defect: runs racing into one `--out` could mix their files or leave partial folders.
/// Four runs with four seeds at once: all succeed, the folder is one of them whole.
#[test]
fn concurrent_runs_into_one_out_leave_one_whole_result() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let tiny = tiny();
    let children: Vec<Child> = (1..=4)
        .map(|seed| {
            bin(t)
                .args([
                    "run",
                    &tiny,
                    "-q",
                    "--seed",
                    &seed.to_string(),
                    "--out",
                    "r",
                ])
                .args(SHORT)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(names(t), ["r"], "no partial folder or lock file is left");
    assert!(whole_result(&t.join("r")));
    let seed =
        serde_json::from_slice::<serde_json::Value>(&fs::read(t.join("r/manifest.json")).unwrap())
            .unwrap()["seed"]
            .as_u64()
            .unwrap();
    let reference = t.join("ref");
    fs::create_dir(&reference).unwrap();
    ok(
        &reference,
        &[
            "run",
            &tiny,
            "-q",
            "--seed",
            &seed.to_string(),
            "--out",
            "r",
            SHORT[0],
            SHORT[1],
        ],
    );
    assert_eq!(contents(&t.join("r")), contents(&reference.join("r")));
}

/// A tmpfs mounted for a test (root only), unmounted when it ends.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "depthsim-test",
            ])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Tmpfs(at.to_path_buf()))
    }

    fn remount(&self, opts: &str) {
        let s = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(s.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Fills the file system of `dir` with `dir/filler`, until it is full.
fn fill(dir: &Path) {
    let mut f = fs::File::create(dir.join("filler")).unwrap();
    let chunk = vec![7u8; 64 << 10];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.flush();
    // the last partial block
    while f.write_all(&[7u8]).is_ok() {}
}

/// Defect (issue 22, item 6): `report` on a full disk exited 1 and left a truncated
/// `plots/mid.png`. On a small tmpfs filled to the last byte, report, run, sweep and findings
/// fail with exit 1 and "No space left on device", and leave the earlier result and its
/// report exactly as they were, with no temporary file; once space is freed, all work.
#[test]
fn a_full_disk_leaves_the_earlier_result_and_report_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(disk) = Tmpfs::mount(&tmp.path().join("disk"), "24m") else {
        return;
    };
    let d = &disk.0;
    let tiny = tiny();
    ok(d, &["run", &tiny, "-q", "--out", "r", SHORT[0], SHORT[1]]);
    ok(d, &["report", "-q", "r"]);
    let before = snapshot(&d.join("r"));
    fill(d);
    let sweep_file = tmp.path().join("s.toml");
    fs::write(
        &sweep_file,
        format!(
            "[sweep]\nscenario = {tiny:?}\nseed = 1\nseeds_per_point = 1\n\
             set = [\"run.duration_s=5.0\"]\n[grid]\n\"informed[0].rate_per_s\" = [1.0]\n"
        ),
    )
    .unwrap();
    let sweep_file = sweep_file.to_string_lossy().into_owned();
    let t_file = tmp.path().join("t.toml");
    fs::write(
        &t_file,
        fs::read_to_string(&tiny)
            .unwrap()
            .replace("duration_s = 60.0", "duration_s = 5.0"),
    )
    .unwrap();
    let t_file = t_file.to_string_lossy().into_owned();
    for args in [
        vec!["report", "-q", "r"],
        vec![
            "run", &tiny, "-q", "--seed", "2", "--out", "r", SHORT[0], SHORT[1],
        ],
        vec!["sweep", &sweep_file, "-q", "--jobs", "1", "--out", "s"],
        vec!["findings", &t_file, "-q", "--seeds", "1", "--out", "f"],
    ] {
        let o = run(d, &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(snapshot(&d.join("r")), before, "{args:?}");
        assert_eq!(leftovers(d), Vec::<PathBuf>::new(), "{args:?}");
    }
    // truncated before it is deleted, so that its blocks are free at once: after a plain
    // unlink the next command sometimes still found the disk full (about 1 run in 8 of the
    // whole suite, other tests spawning processes meanwhile; no process held it afterwards)
    fs::OpenOptions::new()
        .write(true)
        .open(d.join("filler"))
        .and_then(|f| f.set_len(0))
        .unwrap();
    fs::remove_file(d.join("filler")).unwrap();
    ok(d, &["report", "-q", "r"]);
    assert_eq!(snapshot(&d.join("r")), before, "the same report again");
    ok(
        d,
        &["sweep", &sweep_file, "-q", "--jobs", "1", "--out", "s"],
    );
    ok(
        d,
        &["findings", &t_file, "-q", "--seeds", "1", "--out", "f"],
    );
}

/// Defect: a read-only output folder must give a clear error (exit 1) that names it, and
/// change nothing: run, report, sweep and findings into a read-only mount (root), or a
/// folder without write permission (other users).
#[test]
fn a_read_only_parent_gives_a_clear_error_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = is_root();
    let ro = tmp.path().join("ro");
    let _disk = if root {
        let Some(d) = Tmpfs::mount(&ro, "16m") else {
            return;
        };
        Some(d)
    } else {
        fs::create_dir(&ro).unwrap();
        None
    };
    let tiny = tiny();
    ok(&ro, &["run", &tiny, "-q", "--out", "r", SHORT[0], SHORT[1]]);
    ok(&ro, &["report", "-q", "r"]);
    match &_disk {
        Some(d) => d.remount("ro"),
        None => {
            use std::os::unix::fs::PermissionsExt;
            for p in [ro.clone(), ro.join("r"), ro.join("r/plots")] {
                fs::set_permissions(&p, fs::Permissions::from_mode(0o555)).unwrap();
            }
        }
    }
    let before = snapshot(&ro);
    let sweep_file = tmp.path().join("s.toml");
    fs::write(
        &sweep_file,
        format!(
            "[sweep]\nscenario = {tiny:?}\nseed = 1\nseeds_per_point = 1\n\
             set = [\"run.duration_s=5.0\"]\n[grid]\n\"informed[0].rate_per_s\" = [1.0]\n"
        ),
    )
    .unwrap();
    let sweep_file = sweep_file.to_string_lossy().into_owned();
    for args in [
        vec!["run", &tiny, "-q", "--out", "new", SHORT[0], SHORT[1]],
        vec![
            "run", &tiny, "-q", "--seed", "2", "--out", "r", SHORT[0], SHORT[1],
        ],
        vec!["report", "-q", "r"],
        vec!["sweep", &sweep_file, "-q", "--jobs", "1", "--out", "s"],
        vec!["findings", &tiny, "-q", "--seeds", "1", "--out", "f"],
    ] {
        let o = run(&ro, &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("Read-only file system") || err.contains("Permission denied"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(snapshot(&ro), before, "{args:?}");
    }
    if _disk.is_none() {
        use std::os::unix::fs::PermissionsExt;
        for p in [ro.clone(), ro.join("r"), ro.join("r/plots")] {
            fs::set_permissions(&p, fs::Permissions::from_mode(0o755)).unwrap();
        }
    }
}

/// Whether this process runs as root (`id -u`).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Defect (issue 22, item 4): accepted scenarios ate all memory. `tiny.toml` with 999,970
/// makers of 1,000 levels is refused before it starts (exit 2), showing the estimate and the
/// keys that drive it, and creating nothing; so is any run above `--max-memory`, and a sweep
/// whose runs at once would be.
#[test]
fn runs_that_would_exhaust_memory_are_refused_up_front() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let tiny = tiny();
    let o = run(
        t,
        &[
            "run",
            &tiny,
            "--out",
            "r",
            "--set",
            "market_maker[0].count=999970",
            "--set",
            "market_maker[0].levels=1000",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for word in [
        "tiny.toml",
        "GiB of memory",
        "market_maker[0].count",
        "market_maker[0].levels",
        "--max-memory",
    ] {
        assert!(err.contains(word), "{word}: {err}");
    }
    let o = run(t, &["run", &tiny, "--out", "r", "--max-memory", "1MiB"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    ok(
        t,
        &[
            "run",
            &tiny,
            "-q",
            "--out",
            "r",
            "--max-memory",
            "unlimited",
            SHORT[0],
            SHORT[1],
        ],
    );
    fs::write(
        t.join("s.toml"),
        format!(
            "[sweep]\nscenario = {tiny:?}\nseed = 1\nseeds_per_point = 4\n\
             [grid]\n\"noise[0].count\" = [10, 200000]\n"
        ),
    )
    .unwrap();
    let o = run(
        t,
        &[
            "sweep",
            "s.toml",
            "--jobs",
            "8",
            "--max-memory",
            "200MiB",
            "--out",
            "s",
        ],
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("point 1") && err.contains("--jobs"), "{err}");
    assert_eq!(names(t), ["r", "s.toml"], "nothing was created");
}

/// Defect (issue 22, item 4): `depthsim run /dev/zero` read until memory ran out (19 GB).
/// A device, a FIFO, a folder and a file over 4 MiB are refused before they are read, as
/// scenario, sweep or base scenario.
#[test]
fn devices_fifos_and_huge_files_are_refused_before_they_are_read() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    assert!(
        Command::new("mkfifo")
            .arg(t.join("fifo"))
            .status()
            .unwrap()
            .success()
    );
    let mut huge = fs::read_to_string(tiny()).unwrap();
    huge.push_str(&format!("# {}\n", "x".repeat(5 << 20)));
    fs::write(t.join("huge.toml"), huge).unwrap();
    fs::create_dir(t.join("folder.toml")).unwrap();
    for (file, why) in [
        ("/dev/zero", "not a regular file"),
        ("fifo", "not a regular file"),
        ("folder.toml", "is a folder"),
        ("huge.toml", "at most 4 MiB"),
    ] {
        for cmd in ["run", "validate", "sweep"] {
            // a FIFO nobody writes would block a reader forever: the child is killed if it
            // has not finished after many polls
            let mut child = bin(t)
                .args([cmd, file])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let mut waited = 0;
            while child.try_wait().unwrap().is_none() {
                waited += 1;
                if waited > 3000 {
                    let _ = child.kill();
                    panic!("{cmd} {file} did not return");
                }
                sleep(Duration::from_millis(10));
            }
            let o = child.wait_with_output().unwrap();
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {file}: {err}");
            assert!(
                err.contains(why) && err.contains(file),
                "{cmd} {file}: {err}"
            );
        }
    }
    // as a sweep's base scenario
    fs::write(
        t.join("s.toml"),
        "[sweep]\nscenario = \"huge.toml\"\nseed = 1\nseeds_per_point = 1\n\
         [grid]\n\"informed[0].rate_per_s\" = [1.0]\n",
    )
    .unwrap();
    let o = run(t, &["sweep", "s.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("at most 4 MiB"), "{}", stderr(&o));
}

/// Defect (issue 22, item 4): orders arriving during a halt queued without bound (3.7 GB in
/// 12 s, then an abort). A book that halts often, with a queue of 5, under a heavy flow: the
/// run finishes, and summary.csv counts the orders the full queue rejected.
#[test]
fn a_halted_books_queue_is_bounded_and_its_rejections_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let o = ok(
        t,
        &[
            "run",
            &tiny(),
            "-q",
            "--out",
            "r",
            "--set",
            "run.duration_s=20.0",
            "--set",
            "noise[0].mu_per_s=200.0",
            "--set",
            "market.halt={ move_ticks = 2, window_s = 1.0, pause_s = 2.0, max_held_orders = 5 }",
        ],
    );
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let rows = common::rows(&t.join("r/summary.csv"));
    assert!(common::int(&rows[0], "halts") > 0, "{:?}", rows[0]);
    assert!(
        common::int(&rows[0], "halt_rejected_orders") > 0,
        "{:?}",
        rows[0]
    );
}
