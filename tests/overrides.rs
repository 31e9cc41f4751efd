//! End-to-end tests of `--set PATH=VALUE`, of what manifest.json records about it and about
//! every output file (its SHA-256), and of `depthsim reproduce DIR`, on the built binary.

mod common;

use common::{int, num, rows, snapshot};
use sha2::{Digest, Sha256};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn tiny() -> PathBuf {
    repo("scenarios/tiny.toml")
}

/// The binary with `args`, its temp folder set to `tmp` (where reproduce reruns).
fn depthsim(args: &[&str], tmp: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(args)
        .env("TMPDIR", tmp)
        .output()
        .expect("depthsim runs")
}

/// `run tiny.toml --quiet --out OUT` with `extra` flags, which must succeed.
fn run_tiny(out: &Path, extra: &[&str]) {
    let tiny = tiny();
    let mut args = vec![
        "run",
        tiny.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = depthsim(&args, &std::env::temp_dir());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A folder for reproduce's temporary reruns, which must be empty again afterwards.
fn scratch(parent: &Path) -> PathBuf {
    let t = parent.join("systemp");
    fs::create_dir_all(&t).unwrap();
    t
}

fn is_empty(dir: &Path) -> bool {
    fs::read_dir(dir).unwrap().next().is_none()
}

#[test]
fn set_changes_the_run_and_the_manifest_lists_the_overrides_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("short");
    let sets = [
        "run.duration_s=10.0",
        "noise[0].mu_per_s=2.5",
        "output.depth_bands_ticks=[4, 8]",
        "market_maker[0].latency_s=0.002",
    ];
    let mut extra = Vec::new();
    for s in &sets {
        extra.extend(["--set", s]);
    }
    run_tiny(&out, &extra);
    let summary = rows(&out.join("summary.csv"));
    assert_eq!(num(&summary[0], "duration_s"), Some(10.0));
    assert_eq!(int(&summary[0], "steps"), 1000);
    assert_eq!(int(&summary[0], "depth_band_ticks"), 4);
    let book = fs::read_to_string(out.join("book.csv")).unwrap();
    assert!(
        book.starts_with("t_s,book,best_bid,best_ask,mid,spread,resting_orders,depth_bid_4t_lots,")
    );
    assert_eq!(book.lines().count(), 11, "10 s sampled every second");
    let m = manifest(&out);
    assert_eq!(m["overrides"], serde_json::json!(sets));
    let params = &m["scenario"]["params"];
    assert_eq!(params["run"]["duration_s"], 10.0);
    assert_eq!(params["noise"][0]["mu_per_s"], 2.5);
    assert_eq!(
        params["output"]["depth_bands_ticks"],
        serde_json::json!([4, 8])
    );
    // a key tiny.toml leaves out, which the format has
    assert_eq!(params["market_maker"][0]["latency_s"], 0.002);
    assert_eq!(m["scenario"]["steps"], 1000);
    assert_eq!(m["seed"], 1);
}

/// `--seed` is an override of run.seed, applied after every --set: it wins.
#[test]
fn seed_wins_over_set_run_seed_and_set_run_seed_alone_works() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run_tiny(&a, &["--set", "run.seed=5", "--seed", "7"]);
    assert_eq!(manifest(&a)["seed"], 7);
    assert_eq!(int(&rows(&a.join("summary.csv"))[0], "seed"), 7);
    run_tiny(&b, &["--set", "run.seed=5"]);
    assert_eq!(manifest(&b)["seed"], 5);
    assert_eq!(manifest(&b)["scenario"]["params"]["run"]["seed"], 5);
}

/// Without --out, the folder follows the overridden name and seed.
#[test]
fn the_default_folder_follows_overridden_name_and_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .current_dir(tmp.path())
        .args([
            "run",
            "-q",
            "--set",
            "run.name=\"short\"",
            "--set",
            "run.seed=3",
        ])
        .args(["--set", "run.duration_s=5.0"])
        .arg(tiny())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("output/short/seed-3/summary.csv").is_file());
}

/// A bad override exits 2, names the file, the override and what is there or allowed, and
/// writes nothing; `validate` refuses it alike.
fn expect_refused(set: &str, must_mention: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let tiny = tiny();
    for args in [
        vec![
            "run",
            tiny.to_str().unwrap(),
            "--set",
            set,
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["validate", tiny.to_str().unwrap(), "--set", set],
    ] {
        let o = depthsim(&args, tmp.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{set}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(o.stdout.is_empty(), "{set}: nothing on stdout");
        for m in must_mention {
            assert!(err.contains(m), "{set}: should mention {m:?}: {err}");
        }
        assert!(
            is_empty(tmp.path()),
            "{set}: no output folder may be created"
        );
    }
}

#[test]
fn an_unknown_key_is_named_with_the_allowed_ones() {
    expect_refused(
        "market_maker[0].foo=1",
        &[
            "tiny.toml: --set market_maker[0].foo=1: unknown field `foo`, expected one of",
            "`max_position_lots`",
        ],
    );
    expect_refused(
        "run.sede=3",
        &["--set run.sede=3: unknown field `sede`", "`seed`"],
    );
}

#[test]
fn a_wrong_type_is_named() {
    expect_refused(
        "run.duration_s=\"long\"",
        &["tiny.toml: --set run.duration_s=\"long\": invalid type: string \"long\""],
    );
    expect_refused(
        "market_maker[0].max_position_lots=-3",
        &["--set market_maker[0].max_position_lots=-3: invalid value: integer `-3`"],
    );
}

#[test]
fn a_value_out_of_range_is_named_with_its_range_and_the_override() {
    expect_refused(
        "run.duration_s=-5.0",
        &[
            "tiny.toml: `run.duration_s` must be a number > 0, got -5",
            "(set by --set run.duration_s=-5.0)",
        ],
    );
    expect_refused(
        "noise[0].mu_per_s=-1",
        &[
            "`noise[0].mu_per_s`",
            "≥ 0",
            "set by --set noise[0].mu_per_s=-1",
        ],
    );
    expect_refused(
        "output.depth_bands_ticks=[0]",
        &[
            "`output.depth_bands_ticks`",
            "set by --set output.depth_bands_ticks=[0]",
        ],
    );
}

#[test]
fn a_path_that_names_nothing_says_what_is_there() {
    expect_refused(
        "noise[1].mu_per_s=1.0",
        &[
            "--set noise[1].mu_per_s=1.0: index 1 is out of range",
            "noise[0] only",
        ],
    );
    expect_refused(
        "shocks[1].participation=0.5",
        &[
            "`shocks[1]` names nothing",
            "the keys fundamental, informed, market",
        ],
    );
    expect_refused("book[1].tick_size=0.1", &["the file has no `book` list"]);
    expect_refused(
        "noise.count=3",
        &["`noise` is a list of 1 table in the file: give an index, e.g. noise[0]"],
    );
    expect_refused("run.seed.x=1", &["`run.seed` is the integer 1"]);
    // a table the file lacks may be set, but the format then says what it needs
    expect_refused(
        "market_maker[0].hedge.band_lots=3",
        &["missing field `style` in `market_maker[0].hedge`"],
    );
}

#[test]
fn malformed_overrides_are_usage_errors_that_teach() {
    expect_refused(
        "run.duration_s",
        &["expected PATH=VALUE, e.g. run.duration_s=10.0"],
    );
    expect_refused(
        "market_maker[0].quote_rounding=nearest",
        &["a string needs double quotes", "\"nearest\""],
    );
    expect_refused("noise[x].count=1", &["not a whole number"]);
    expect_refused("run.duration_s=", &["VALUE is empty"]);
}

#[test]
fn validate_prints_the_resolved_scenario_with_the_overrides_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = tiny();
    let sets = [
        "market_maker[0].max_position_lots=12",
        "output.trades=false",
    ];
    let o = depthsim(
        &[
            "validate",
            tiny.to_str().unwrap(),
            "--set",
            sets[0],
            "--set",
            sets[1],
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("with --set market_maker[0].max_position_lots=12 --set output.trades=false"),
        "{first}"
    );
    assert!(stderr(&o).contains(": ok — scenario"), "{}", stderr(&o));
    let printed: toml::Table = toml::from_str(&text).unwrap();
    assert_eq!(
        printed["market_maker"][0]["max_position_lots"].as_integer(),
        Some(12)
    );
    assert_eq!(printed["output"]["trades"].as_bool(), Some(false));
    // what it prints is the scenario the run with the same overrides uses
    let overrides = depthsim::scenario::Overrides {
        seed: None,
        set: sets.iter().map(|s| s.parse().unwrap()).collect(),
    };
    let with = depthsim::scenario::Scenario::load(&tiny, &overrides).unwrap();
    let again = depthsim::scenario::Scenario::from_toml(&text, &tiny, &Default::default()).unwrap();
    assert_eq!(again.params, with.params);
}

/// Every file but manifest.json has its SHA-256 in the manifest, checked here with sha2.
#[test]
fn the_manifest_records_every_output_files_sha256() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_tiny(&out, &["--set", "output.trades=false"]);
    let m = manifest(&out);
    let files: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(!files.contains(&"trades.csv"), "{files:?}");
    let sha = m["sha256"].as_object().unwrap();
    let mut hashed: Vec<&str> = sha.keys().map(String::as_str).collect();
    let mut want: Vec<&str> = files
        .iter()
        .copied()
        .filter(|f| *f != "manifest.json")
        .collect();
    hashed.sort();
    want.sort();
    assert_eq!(hashed, want);
    let mut on_disk: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "manifest.json")
        .collect();
    on_disk.sort();
    assert_eq!(
        on_disk, want,
        "every file written, and only those, is hashed"
    );
    for f in want {
        let digest: String = Sha256::digest(fs::read(out.join(f)).unwrap())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha[f], digest.as_str(), "{f}");
    }
}

/// The lines of reproduce's stdout before its last (the verdict), as (file, word).
fn verdicts(o: &Output) -> Vec<(String, String)> {
    let text = stdout(o);
    let lines: Vec<&str> = text.lines().collect();
    lines[..lines.len() - 1]
        .iter()
        .map(|l| {
            let mut w = l.split_whitespace();
            (w.next().unwrap().to_string(), w.next().unwrap().to_string())
        })
        .collect()
}

#[test]
fn reproduce_matches_a_fresh_run_and_names_a_changed_or_missing_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_tiny(&out, &[]);
    let systemp = scratch(tmp.path());
    let before = snapshot(&out);
    let dir = out.to_str().unwrap();
    let o = depthsim(&["reproduce", dir], &systemp);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let v = verdicts(&o);
    let listed = manifest(&out)["sha256"].as_object().unwrap().len();
    assert_eq!(v.len(), listed, "{}", stdout(&o));
    assert!(v.len() >= 6, "{v:?}");
    assert!(v.iter().all(|(_, w)| w == "match"), "{}", stdout(&o));
    assert!(
        stdout(&o).ends_with(&format!("all {listed} files match: the folder holds what the run wrote, and a rerun writes it again\n")),
        "{}",
        stdout(&o)
    );
    assert_eq!(snapshot(&out), before, "reproduce changes nothing in DIR");
    assert!(is_empty(&systemp), "the temporary rerun is removed");

    // one byte of a CSV changed: that file, and only it, differs
    let book = out.join("book.csv");
    let mut bytes = fs::read(&book).unwrap();
    let at = bytes.len() - 2;
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    fs::write(&book, &bytes).unwrap();
    let changed = snapshot(&out);
    let o = depthsim(&["reproduce", dir], &systemp);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    for (file, word) in verdicts(&o) {
        let want = if file == "book.csv" {
            "DIFFERS"
        } else {
            "match"
        };
        assert_eq!(word, want, "{file}: {}", stdout(&o));
    }
    assert!(
        stdout(&o)
            .contains("book.csv      DIFFERS  the folder's copy is not the file the run wrote"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).ends_with(&format!("1 of {listed} files do not match\n")));
    assert_eq!(snapshot(&out), changed, "reproduce changes nothing in DIR");
    assert!(is_empty(&systemp));

    // a file gone from the folder is missing
    fs::remove_file(out.join("l2.csv")).unwrap();
    let o = depthsim(&["reproduce", "--quiet", dir], &systemp);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).is_empty(), "--quiet: {}", stderr(&o));
    let v = verdicts(&o);
    assert!(v.contains(&("l2.csv".into(), "missing".into())), "{v:?}");
    assert!(v.contains(&("book.csv".into(), "DIFFERS".into())), "{v:?}");
    assert!(is_empty(&systemp));
}

/// A rerun that writes other bytes than the run did (here: a manifest whose digest of
/// summary.csv was changed, as a different program version would give) is told apart from a
/// changed copy in the folder.
#[test]
fn reproduce_tells_a_rerun_that_differs_from_a_changed_copy() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_tiny(&out, &[]);
    let mut m = manifest(&out);
    m["sha256"]["summary.csv"] = "0".repeat(64).into();
    fs::write(out.join("manifest.json"), m.to_string()).unwrap();
    let o = depthsim(&["reproduce", out.to_str().unwrap()], &scratch(tmp.path()));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("summary.csv   DIFFERS  the folder's copy is not the file the run wrote, and a rerun writes other bytes again"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_run_made_with_set_reproduces_from_its_manifest_alone() {
    let tmp = tempfile::tempdir().unwrap();
    // the scenario file is gone by the time of the rerun: the manifest is enough
    let file = tmp.path().join("mine.toml");
    fs::copy(tiny(), &file).unwrap();
    let out = tmp.path().join("r");
    let o = depthsim(
        &[
            "run",
            file.to_str().unwrap(),
            "-q",
            "--seed",
            "9",
            "--set",
            "run.duration_s=20.0",
            "--set",
            "market_maker[0].strategy=\"fixed\"",
            "--set",
            "market_maker[0].gamma={}",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    // gamma = {} is a table where a number belongs: refused, naming the override
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--set market_maker[0].gamma={}"),
        "{}",
        stderr(&o)
    );
    let o = depthsim(
        &[
            "run",
            file.to_str().unwrap(),
            "-q",
            "--seed",
            "9",
            "--set",
            "run.duration_s=20.0",
            "--set",
            "noise[0].delta_per_s=0.5",
            "--out",
            out.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    fs::remove_file(&file).unwrap();
    let systemp = scratch(tmp.path());
    let o = depthsim(&["reproduce", out.to_str().unwrap()], &systemp);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(verdicts(&o).iter().all(|(_, w)| w == "match"));
    let err = stderr(&o);
    assert!(
        err.contains("seed 9")
            && err.contains("--set run.duration_s=20.0 --set noise[0].delta_per_s=0.5"),
        "{err}"
    );
    assert!(is_empty(&systemp));
}

#[test]
fn reproduce_refuses_a_folder_without_a_usable_depthsim_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let systemp = scratch(tmp.path());
    let refused = |dir: &Path, why: &str| {
        let before = dir.exists().then(|| snapshot(dir));
        let o = depthsim(&["reproduce", dir.to_str().unwrap()], &systemp);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}: {}",
            dir.display(),
            stderr(&o)
        );
        let err = stderr(&o);
        assert!(
            err.contains(&dir.display().to_string()),
            "names the folder: {err}"
        );
        assert!(err.contains(why), "{why:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(o.stdout.is_empty());
        assert_eq!(dir.exists().then(|| snapshot(dir)), before);
        assert!(is_empty(&systemp));
    };
    refused(&tmp.path().join("absent"), "there is no such folder");
    let mine = tmp.path().join("mine");
    fs::create_dir(&mine).unwrap();
    refused(
        &mine,
        "it holds no manifest.json, so it is not a depthsim result",
    );
    fs::write(mine.join("manifest.json"), "{\"name\": \"my-web-app\"}").unwrap();
    refused(&mine, "not a depthsim manifest");
    fs::write(mine.join("manifest.json"), "not json").unwrap();
    refused(&mine, "its manifest.json is not JSON");
    // a result of a version whose manifests recorded no digests
    let out = tmp.path().join("old");
    run_tiny(&out, &[]);
    let mut m = manifest(&out);
    m.as_object_mut().unwrap().remove("sha256");
    fs::write(out.join("manifest.json"), m.to_string()).unwrap();
    refused(&out, "records no SHA-256 of the files");
    // a manifest naming a file outside the folder
    let mut m = manifest(&out);
    m["sha256"] = serde_json::json!({"../elsewhere.csv": "0"});
    fs::write(out.join("manifest.json"), m.to_string()).unwrap();
    refused(&out, "which is not the name of a file in the folder");
    // a scenario this version refuses is bad input too, named in manifest.json
    let mut m = manifest(&out);
    m["sha256"] = serde_json::json!({"book.csv": "0"});
    m["scenario"]["params"]["noise"][0]["mu_per_s"] = (-1.0).into();
    fs::write(out.join("manifest.json"), m.to_string()).unwrap();
    refused(
        &out,
        "manifest.json: `noise[0].mu_per_s` must be a number ≥ 0",
    );
}

/// Ctrl-C during the rerun removes its temporary folder and leaves DIR as it was.
#[cfg(unix)]
#[test]
fn an_interrupted_reproduce_leaves_nothing_behind() {
    use std::process::Stdio;
    use std::time::Duration;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    run_tiny(&out, &[]);
    // a manifest of a 1,000-hour run (no diffusion, or the value would leave its range)
    let mut m = manifest(&out);
    m["scenario"]["params"]["run"]["duration_s"] = 3.6e6.into();
    m["scenario"]["params"]["fundamental"]["volatility_per_sqrt_s"] = 0.0.into();
    fs::write(out.join("manifest.json"), m.to_string()).unwrap();
    let before = snapshot(&out);
    let systemp = scratch(tmp.path());
    let mut child = Command::new(env!("CARGO_BIN_EXE_depthsim"))
        .args(["reproduce", out.to_str().unwrap()])
        .env("TMPDIR", &systemp)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // wait (bounded) for the rerun's partial folder inside its temporary folder
    let started = (0..6_000).any(|_| {
        let found = fs::read_dir(&systemp).unwrap().any(|e| {
            fs::read_dir(e.unwrap().path())
                .map(|mut d| {
                    d.any(|f| {
                        f.unwrap()
                            .file_name()
                            .to_string_lossy()
                            .contains(".partial-")
                    })
                })
                .unwrap_or(false)
        });
        if !found {
            std::thread::sleep(Duration::from_millis(20));
        }
        found
    });
    if !started {
        let _ = child.kill();
    }
    assert!(started, "the rerun never started");
    let ok = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{err}");
    assert!(
        err.contains("interrupted (SIGINT): removed the temporary rerun;"),
        "{err}"
    );
    assert!(is_empty(&systemp), "the temporary folder is removed");
    assert_eq!(snapshot(&out), before, "DIR is untouched");
}
