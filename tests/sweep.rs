//! End-to-end tests of `depthsim sweep` and `depthsim merge` on the built binary: runs.csv is
//! byte-identical for any --jobs and any sharding, a sweep killed with SIGKILL completes on
//! rerun with the same runs.csv, a run's row is what `depthsim run` gives with its seed and
//! overrides, bad sweep files exit 2 before any run, and a changed sweep never resumes into
//! the old folder.

mod common;

use common::{rows, snapshot};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn depthsim(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .envs(env.iter().copied())
        .output()
        .expect("depthsim runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// A sweep file in `dir` over tiny.toml, with `body` after the `[sweep]` keys.
fn sweep_file(dir: &Path, name: &str, sweep_keys: &str, body: &str) -> PathBuf {
    let tiny = repo("scenarios/tiny.toml");
    let text = format!(
        "[sweep]\nscenario = {:?}\n{sweep_keys}\n{body}\n",
        tiny.to_str().unwrap()
    );
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

const GRID: &str = "[grid]\n\"market_maker[0].max_position_lots\" = [10, 20, 40]\n\
                    \"informed[0].rate_per_s\" = [1.0, 4.0]\n";

fn sweep(file: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "sweep",
        file.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    depthsim(&args, &[])
}

#[test]
fn runs_csv_is_byte_identical_for_any_jobs_and_sharding() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(
        t,
        "g.toml",
        "seed = 5\nseeds_per_point = 2\nset = [\"run.duration_s=5.0\"]",
        GRID,
    );
    ok(sweep(&file, &t.join("j1"), &["--jobs", "1"]));
    ok(sweep(&file, &t.join("j2"), &["--jobs", "2"]));
    // three shards into one folder: one by flag, two by Slurm's array variables
    let sharded = t.join("s");
    ok(sweep(&file, &sharded, &["--shard", "0/3", "--jobs", "2"]));
    for id in ["1", "2"] {
        ok(depthsim(
            &[
                "sweep",
                file.to_str().unwrap(),
                "-q",
                "--out",
                sharded.to_str().unwrap(),
            ],
            &[("SLURM_ARRAY_TASK_ID", id), ("SLURM_ARRAY_TASK_COUNT", "3")],
        ));
    }
    assert!(
        !sharded.join("runs.csv").exists(),
        "a shard writes no runs.csv"
    );
    ok(depthsim(&["merge", sharded.to_str().unwrap()], &[]));
    let one = fs::read(t.join("j1/runs.csv")).unwrap();
    assert_eq!(one, fs::read(t.join("j2/runs.csv")).unwrap(), "--jobs 2");
    assert_eq!(one, fs::read(sharded.join("runs.csv")).unwrap(), "3 shards");
    // shards in separate folders, merged by naming them all
    for i in 0..3 {
        let s = format!("{i}/3");
        ok(sweep(&file, &t.join(format!("p{i}")), &["--shard", &s]));
    }
    let p: Vec<String> = (0..3)
        .map(|i| t.join(format!("p{i}")).to_str().unwrap().to_string())
        .collect();
    ok(depthsim(&["merge", &p[0], &p[1], &p[2]], &[]));
    assert_eq!(one, fs::read(t.join("p0/runs.csv")).unwrap(), "3 folders");

    let table = rows(&t.join("j1/runs.csv"));
    assert_eq!(table.len(), 12);
    let header = fs::read_to_string(t.join("j1/runs.csv")).unwrap();
    assert!(header.starts_with(
        "run,point,replicate,informed[0].rate_per_s,market_maker[0].max_position_lots,seed,\
         scenario,duration_s,"
    ));
    for (i, r) in table.iter().enumerate() {
        assert_eq!(r["run"], i.to_string());
        assert_eq!(r["point"], (i / 2).to_string());
        assert_eq!(r["replicate"], (i % 2).to_string());
    }
    // the last PATH varies fastest; every seed differs
    assert_eq!(table[2]["informed[0].rate_per_s"], "1.0");
    assert_eq!(table[2]["market_maker[0].max_position_lots"], "20");
    let mut seeds: Vec<&String> = table.iter().map(|r| &r["seed"]).collect();
    seeds.sort();
    seeds.dedup();
    assert_eq!(seeds.len(), 12);

    // a row is what `depthsim run` writes with the run's seed and overrides
    let r = &table[7];
    let run_dir = t.join("single");
    ok(depthsim(
        &[
            "run",
            repo("scenarios/tiny.toml").to_str().unwrap(),
            "-q",
            "--seed",
            &r["seed"],
            "--set",
            "run.duration_s=5.0",
            "--set",
            &format!("informed[0].rate_per_s={}", r["informed[0].rate_per_s"]),
            "--set",
            &format!(
                "market_maker[0].max_position_lots={}",
                r["market_maker[0].max_position_lots"]
            ),
            "--out",
            run_dir.to_str().unwrap(),
        ],
        &[],
    ));
    let single = &rows(&run_dir.join("summary.csv"))[0];
    for (k, v) in single {
        assert_eq!(&r[k], v, "column {k}");
    }
}

/// Appending a value to a grid list leaves every existing point's seeds and results.
#[test]
fn adding_a_grid_value_keeps_the_existing_runs_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let keys = "seed = 9\nseeds_per_point = 2\nset = [\"run.duration_s=5.0\"]";
    let small = sweep_file(
        t,
        "a.toml",
        keys,
        "[grid]\n\"noise[0].mu_per_s\" = [1.0, 2.0]\n\"informed[0].rate_per_s\" = [1.0]",
    );
    let big = sweep_file(
        t,
        "b.toml",
        keys,
        "[grid]\n\"noise[0].mu_per_s\" = [1.0, 2.0]\n\"informed[0].rate_per_s\" = [0.5, 1.0]",
    );
    ok(sweep(&small, &t.join("a"), &[]));
    ok(sweep(&big, &t.join("b"), &[]));
    let a = rows(&t.join("a/runs.csv"));
    let b = rows(&t.join("b/runs.csv"));
    for ra in &a {
        let rb = b
            .iter()
            .find(|rb| {
                rb["noise[0].mu_per_s"] == ra["noise[0].mu_per_s"]
                    && rb["informed[0].rate_per_s"] == ra["informed[0].rate_per_s"]
                    && rb["replicate"] == ra["replicate"]
            })
            .expect("the point is in the larger grid");
        assert_eq!(rb["seed"], ra["seed"]);
        assert_eq!(rb["trades"], ra["trades"]);
        assert_ne!(rb["point"], ra["point"], "its point index did shift");
    }
}

/// The run folders under `dir/runs/`.
fn run_folders(dir: &Path) -> usize {
    let Ok(buckets) = fs::read_dir(dir.join("runs")) else {
        return 0;
    };
    buckets
        .flatten()
        .flat_map(|b| fs::read_dir(b.path()).into_iter().flatten().flatten())
        .filter(|e| e.file_name().to_string_lossy().starts_with("run-"))
        .count()
}

#[cfg(unix)]
#[test]
fn a_sweep_killed_with_sigkill_completes_on_rerun_with_the_same_runs_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = sweep_file(
        t,
        "k.toml",
        "seed = 3\nseeds_per_point = 4\nkeep = \"runs\"",
        GRID,
    );
    let whole = t.join("whole");
    ok(sweep(&file, &whole, &["--jobs", "2"]));
    let total = 24;
    assert_eq!(run_folders(&whole), total);

    let killed = t.join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args([
            "sweep",
            file.to_str().unwrap(),
            "-q",
            "--jobs",
            "2",
            "--out",
        ])
        .arg(&killed)
        .env_remove("SLURM_ARRAY_TASK_ID")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // kill it once some runs have finished
    while run_folders(&killed) < 3 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the sweep ended before it could be killed"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let finished = run_folders(&killed);
    assert!(
        finished < total,
        "all {total} runs finished before the kill: the test proves nothing"
    );
    assert!(
        !killed.join("runs.csv").exists(),
        "no runs.csv before the sweep is complete"
    );
    let o = ok(depthsim(
        &[
            "sweep",
            file.to_str().unwrap(),
            "--jobs",
            "2",
            "--out",
            killed.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(
        stderr(&o).contains(&format!("{finished} already finished")),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read(killed.join("runs.csv")).unwrap(),
        fs::read(whole.join("runs.csv")).unwrap()
    );
    // no partial folder or temporary file is left
    for d in [killed.clone(), killed.join("runs/000")] {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            assert!(!n.starts_with('.'), "{n} left in {}", d.display());
        }
    }
    // each kept run folder is a complete result: reproduce checks it
    ok(depthsim(
        &[
            "reproduce",
            "-q",
            killed.join("runs/000/run-000005").to_str().unwrap(),
        ],
        &[],
    ));
}

#[test]
fn a_changed_sweep_refuses_to_resume_and_restart_deletes_only_its_own_files() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let keys = "seed = 1\nseeds_per_point = 1\nset = [\"run.duration_s=5.0\"]";
    let file = sweep_file(t, "c.toml", keys, GRID);
    let out = t.join("out");
    ok(sweep(&file, &out, &[]));
    let before = snapshot(&out);
    // the same file, reformatted and commented: same sweep, resumes (nothing to do)
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("# a comment\n{text}")).unwrap();
    ok(sweep(&file, &out, &[]));
    // a changed value: refused, nothing touched
    fs::write(&file, text.replace("[10, 20, 40]", "[10, 20, 50]")).unwrap();
    let o = sweep(&file, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("different sweep"), "{}", stderr(&o));
    assert!(stderr(&o).contains("--restart"), "{}", stderr(&o));
    assert_eq!(snapshot(&out), before);
    // a file of the user's among the runs: --restart refuses and deletes nothing
    let mine = out.join("runs/000/notes.txt");
    fs::write(&mine, "mine").unwrap();
    let o = sweep(&file, &out, &["--restart"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was deleted"), "{}", stderr(&o));
    fs::remove_file(&mine).unwrap();
    assert_eq!(snapshot(&out), before);
    // --restart with only depthsim's files: a fresh sweep
    ok(sweep(&file, &out, &["--restart"]));
    assert_eq!(
        rows(&out.join("runs.csv"))[2]["market_maker[0].max_position_lots"],
        "50"
    );
    // a folder of the user's is never used
    let foreign = t.join("foreign");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("data.csv"), "x").unwrap();
    let o = sweep(&file, &foreign, &["--restart"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("data.csv which depthsim did not write"));
    assert_eq!(fs::read_to_string(foreign.join("data.csv")).unwrap(), "x");
}

/// Issue 22, item 5: a sweep could not be resumed or extended after `depthsim report` on it
/// ("it holds plots/ which depthsim did not write", though depthsim wrote it). The report's
/// files are listed in report.json: the sweep resumes around them, a changed sweep restarts
/// over them (deleting them with the runs), and a file of the user's among them makes both
/// refuse, deleting nothing.
#[test]
fn a_sweep_folder_with_a_report_resumes_and_restarts() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let keys = "seed = 1\nseeds_per_point = 1\nset = [\"run.duration_s=5.0\"]";
    let file = sweep_file(t, "r.toml", keys, GRID);
    let out = t.join("out");
    ok(sweep(&file, &out, &[]));
    ok(depthsim(&["report", "-q", out.to_str().unwrap()], &[]));
    assert!(out.join("report.json").is_file() && out.join("plots").is_dir());
    let reported = snapshot(&out);
    // resume: nothing to do, the report stays
    ok(sweep(&file, &out, &[]));
    assert_eq!(snapshot(&out), reported);
    // a file of the user's among the report's: refused, nothing touched
    fs::write(out.join("plots/notes.txt"), "mine").unwrap();
    let mine = snapshot(&out);
    for extra in [&[][..], &["--restart"][..]] {
        let o = sweep(&file, &out, extra);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains("plots/notes.txt which depthsim did not write"),
            "{}",
            stderr(&o)
        );
        assert_eq!(snapshot(&out), mine);
    }
    fs::remove_file(out.join("plots/notes.txt")).unwrap();
    // extended: one more grid value is another sweep, which --restart starts over
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, text.replace("[10, 20, 40]", "[10, 20, 40, 80]")).unwrap();
    let o = sweep(&file, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    ok(sweep(&file, &out, &["--restart"]));
    assert_eq!(rows(&out.join("runs.csv")).len(), 8);
    // issue 22, item 8: reproduce of a run that kept only its summary compares what was
    // kept, says what was not, and exits 0
    let o = ok(depthsim(
        &[
            "reproduce",
            out.join("runs/000/run-000003").to_str().unwrap(),
        ],
        &[],
    ));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("summary.csv   match"), "{said}");
    assert!(said.contains("trades.csv    not kept"), "{said}");
    assert!(
        said.contains("the one file the folder kept matches"),
        "{said}"
    );
    assert!(!out.join("report.json").exists() && !out.join("plots").exists());
    ok(depthsim(&["report", "-q", out.to_str().unwrap()], &[]));
}

/// Issue 22, item 7: Ctrl-C in a sweep said "250 runs of this sweep are finished and kept"
/// when 21 were (the count was read after the progress bar was cleared). Stopped right after
/// its third run is in place, interrupted, then let go: the message counts the runs on disk.
#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_sweep_counts_the_runs_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let keys = "seed = 1\nseeds_per_point = 1\nset = [\"run.duration_s=5.0\"]";
    let file = sweep_file(t, "i.toml", keys, GRID);
    let args = |out: &str| {
        vec![
            "sweep".to_string(),
            file.to_str().unwrap().to_string(),
            "--jobs".into(),
            "1".into(),
            "--out".into(),
            t.join(out).to_str().unwrap().to_string(),
        ]
    };
    let traced = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args("traced"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("DEPTHSIM_FAULT", "trace")
        .output()
        .unwrap();
    let third = stderr(&traced)
        .lines()
        .filter(|l| l.ends_with(": commit: new result in place"))
        .nth(2)
        .and_then(|l| l.strip_prefix("fault point "))
        .and_then(|l| l.split(':').next())
        .unwrap()
        .to_string();
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args("out"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env("DEPTHSIM_FAULT", format!("stop@{third}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.ends_with(": stopped\n") {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut err, &mut line).unwrap() > 0);
    }
    common::wait_stopped(child.id(), "depthsim");
    let pid = child.id().to_string();
    for signal in ["-INT", "-CONT"] {
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
    }
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{rest}");
    assert_eq!(run_folders(&t.join("out")), 3);
    assert!(
        rest.contains("3 of the 6 runs of this sweep are finished and kept"),
        "{rest}"
    );
}

#[test]
fn merge_refuses_missing_runs_and_other_sweeps() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let keys = "seed = 1\nseeds_per_point = 2\nset = [\"run.duration_s=5.0\"]";
    let file = sweep_file(t, "m.toml", keys, GRID);
    let out = t.join("out");
    ok(sweep(&file, &out, &["--shard", "1/4"]));
    let o = depthsim(&["merge", out.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("9 of the sweep's 12 runs are missing: 0, 2-4, 6-8, 10-11"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("runs.csv").exists());
    let other = sweep_file(t, "o.toml", &keys.replace("seed = 1", "seed = 2"), GRID);
    ok(sweep(&other, &t.join("other"), &[]));
    let o = depthsim(
        &[
            "merge",
            out.to_str().unwrap(),
            t.join("other").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("different sweep"), "{}", stderr(&o));
    // a run folder copied in from another sweep
    fs::rename(
        t.join("other/runs/000/run-000000"),
        out.join("runs/000/run-000000"),
    )
    .unwrap();
    let o = depthsim(&["merge", out.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("belongs to another sweep"),
        "{}",
        stderr(&o)
    );
    let o = depthsim(&["merge", t.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no sweep.json"), "{}", stderr(&o));
}

#[test]
fn bad_sweep_files_exit_2_naming_the_file_and_key_before_any_run() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let keys = "seed = 1\nseeds_per_point = 2";
    let grid = |body: &str| format!("[grid]\n{body}");
    let cases: Vec<(String, String, &str)> = vec![
        (
            keys.into(),
            grid("\"market_maker[0].max_positon_lots\" = [1]"),
            "unknown field `max_positon_lots`",
        ),
        (
            keys.into(),
            grid("\"noise[3].mu_per_s\" = [1.0]"),
            "index 3 is out of range",
        ),
        (
            keys.into(),
            grid("\"noise[0].mu_per_s\" = []"),
            "`grid.\"noise[0].mu_per_s\"` is an empty list",
        ),
        (
            keys.into(),
            grid("\"noise[0].mu_per_s\" = 1.0"),
            "must be a list of values",
        ),
        (
            keys.into(),
            grid("\"noise[0].mu_per_s\" = [1.0, \"fast\"]"),
            "noise[0].mu_per_s=\"fast\"",
        ),
        (
            keys.into(),
            grid("\"market_maker[0].max_position_lots\" = [10, 0]"),
            "`market_maker[0].max_position_lots` must be between",
        ),
        (
            keys.into(),
            grid("\"run.seed\" = [1, 2]"),
            "run.seed cannot be varied",
        ),
        (
            keys.into(),
            grid("\"noise[0].mu_per_s\" = [1.0, 1.0]"),
            "repeats point 0",
        ),
        (
            keys.into(),
            "[points]\n\"noise[0].mu_per_s\" = [1.0, 2.0]\n\"informed[0].rate_per_s\" = [1.0]"
                .into(),
            "must all have the same length",
        ),
        (
            keys.into(),
            format!(
                "{}\n[points]\n\"informed[0].rate_per_s\" = [1.0]",
                grid("\"noise[0].mu_per_s\" = [1.0]")
            ),
            "both [grid] and [points]",
        ),
        (keys.into(), String::new(), "neither [grid] nor [points]"),
        (
            "seed = 1\nseeds_per_point = 0".into(),
            grid("\"noise[0].mu_per_s\" = [1.0]"),
            "`sweep.seeds_per_point` must be a whole number ≥ 1, got 0",
        ),
        (
            "seed = 1\nseeds_per_point = -3".into(),
            grid("\"noise[0].mu_per_s\" = [1.0]"),
            "got -3",
        ),
        (
            "seed = -1\nseeds_per_point = 1".into(),
            grid("\"noise[0].mu_per_s\" = [1.0]"),
            "`sweep.seed` must be a whole number ≥ 0",
        ),
        (
            "seed = 1\nseeds_per_point = \"ten\"".into(),
            grid("\"noise[0].mu_per_s\" = [1.0]"),
            "seeds_per_point",
        ),
        (
            format!("{keys}\nkeeps = \"runs\""),
            grid("\"noise[0].mu_per_s\" = [1.0]"),
            "unknown field `keeps`",
        ),
        (
            format!("{keys}\nkeep = \"all\""),
            grid("\"noise[0].mu_per_s\" = [1.0]"),
            "unknown variant `all`",
        ),
        (
            keys.into(),
            format!("{}\n[extra]\nx = 1", grid("\"noise[0].mu_per_s\" = [1.0]")),
            "unknown field `extra`",
        ),
    ];
    for (i, (k, body, want)) in cases.iter().enumerate() {
        let file = sweep_file(t, &format!("bad{i}.toml"), k, body);
        let out = t.join(format!("out{i}"));
        let o = sweep(&file, &out, &[]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "case {i}: {e}");
        assert!(
            e.contains(&format!("bad{i}.toml")),
            "case {i} names the file: {e}"
        );
        assert!(e.contains(want), "case {i}: want {want:?} in {e}");
        assert!(!e.contains("panicked"), "case {i}: {e}");
        assert!(!out.exists(), "case {i} created its folder");
    }
    // a base scenario that does not exist, or does not validate
    let missing = t.join("missing.toml");
    fs::write(&missing, "[sweep]\nscenario = \"nope.toml\"\nseed = 1\nseeds_per_point = 1\n[grid]\n\"noise[0].mu_per_s\" = [1.0]\n").unwrap();
    let o = sweep(&missing, &t.join("o1"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`sweep.scenario` = \"nope.toml\": cannot read the base scenario"),
        "{}",
        stderr(&o)
    );
    fs::write(t.join("broken.toml"), "[run]\nseed = 1\n").unwrap();
    let broken = t.join("broken_sweep.toml");
    fs::write(&broken, "[sweep]\nscenario = \"broken.toml\"\nseed = 1\nseeds_per_point = 1\n[grid]\n\"run.duration_s\" = [1.0]\n").unwrap();
    let o = sweep(&broken, &t.join("o2"), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.toml"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not make a valid scenario"),
        "{}",
        stderr(&o)
    );
    // bad --shard and Slurm variables
    let good = sweep_file(t, "good.toml", keys, &grid("\"noise[0].mu_per_s\" = [1.0]"));
    let o = sweep(&good, &t.join("o3"), &["--shard", "3/3"]);
    assert_eq!(o.status.code(), Some(2));
    let o = depthsim(
        &[
            "sweep",
            good.to_str().unwrap(),
            "--out",
            t.join("o4").to_str().unwrap(),
        ],
        &[
            ("SLURM_ARRAY_TASK_ID", "7"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("does not name a shard"),
        "{}",
        stderr(&o)
    );
    assert!(!t.join("o3").exists() && !t.join("o4").exists());
}

/// Every shipped sweep file loads: its base scenario and every point check out.
#[test]
fn every_shipped_sweep_file_loads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sweeps");
    let mut n = 0;
    for e in fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            let s = depthsim::sweep::Sweep::load(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(s.runs() > 0, "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 3, "{n} sweep files");
}
