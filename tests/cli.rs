//! End-to-end tests of the built `depthsim` binary: outputs, exact reproduction, golden files,
//! and bad input.
//!
//! Golden files live in tests/golden/tiny/. After an intended change of behaviour, regenerate
//! them with `UPDATE_GOLDEN=1 cargo test --test cli golden` and review the diff.

mod common;

use common::snapshot;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("depthsim runs")
}

fn run_tiny(out: &Path, extra: &[&str]) {
    let tiny = repo("scenarios/tiny.toml");
    let mut args = vec![
        "run",
        tiny.to_str().unwrap(),
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

const CSV_FILES: [&str; 8] = [
    "book.csv",
    "events.csv",
    "episodes.csv",
    "l2.csv",
    "trades.csv",
    "quotes.csv",
    "agents.csv",
    "summary.csv",
];

fn header(path: &Path) -> String {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn run_writes_every_file_with_the_documented_columns() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tiny");
    run_tiny(&out, &[]);
    for f in CSV_FILES.iter().chain(["manifest.json"].iter()) {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert_eq!(
        header(&out.join("book.csv")),
        "t_s,book,best_bid,best_ask,mid,spread,resting_orders,depth_bid_3t_lots,depth_ask_3t_lots,\
         depth_bid_10t_lots,depth_ask_10t_lots,fundamental,last_trade,volume_lots,trades,\
         makers_quoting_bid,makers_quoting_ask,maker_depth_share"
    );
    assert_eq!(
        header(&out.join("events.csv")),
        "t_s,book,agent_id,group,kind,from,to,trigger,value,threshold"
    );
    assert_eq!(
        header(&out.join("l2.csv")),
        "t_s,book,side,level,price,qty_lots,orders"
    );
    assert_eq!(
        header(&out.join("trades.csv")),
        "t_s,book,price,qty_lots,aggressor,mid_before,fundamental,buyer_id,buyer_kind,buyer_group,\
         seller_id,seller_kind,seller_group"
    );
    assert_eq!(
        header(&out.join("quotes.csv")),
        "t_s,book,agent_id,group,mid,reservation_price,half_spread_ticks,sigma2_ticks2_per_s,\
         inventory_lots,target_bid,target_ask,bid_lots,ask_lots,requoted"
    );
    assert_eq!(
        header(&out.join("agents.csv")),
        "t_s,agent_id,kind,group,inventory_lots,cash,pnl,volume_lots,fills,quoting,markout_per_lot,\
         net_delta_lots,option_delta_lots,option_gamma_lots_per_tick,option_vega,option_theta_per_s,\
         option_value,hedges,hedge_lots,hedge_slippage,pnl_spread,pnl_inventory,pnl_hedging,\
         pnl_option_premium,pnl_option_revaluation,pnl_settlement,state,time_in_state_s,withdrawn_s"
    );
    assert_eq!(
        header(&out.join("summary.csv")),
        "scenario,seed,duration_s,dt_s,steps,agents,order_instructions,limit_orders,market_orders,\
         cancels,expiries,rejections,trades,volume_lots,unfilled_lots,mean_spread_ticks,two_sided_fraction,one_sided_s,first_one_sided_s,\
         depth_band_ticks,mean_depth_bid_lots,mean_depth_ask_lots,final_price,final_fundamental,\
         pnl_market_makers,pnl_informed,pnl_noise,mm_markout_per_lot,pnl_mm_spread,pnl_mm_inventory,\
         pnl_mm_hedging,pnl_mm_option_premium,pnl_mm_option_revaluation,pnl_mm_settlement,hedges,\
         hedges_failed,hedge_lots,hedge_unfilled_lots,hedge_mean_slippage_ticks,withdrawals_loss,\
         withdrawals_inventory,withdrawals_hedge_failure,withdrawals_drawdown,withdrawals_toxicity,\
         withdrawals_volatility,mm_withdrawn_fraction,halts,halted_s,halt_rejected_orders,program_lots,\
         program_filled_lots,\
         program_target_participation,program_participation,hot_potato_ratio,episodes,collapsed_s,\
         worst_trough_ratio,mean_recovery_s,collapse_detectable,longest_empty_side_s,mm_sharpe_per_sample,mm_sharpe_annualised,price_min,\
         price_max,price_max_drawdown_frac,realised_vol_per_sqrt_s,band_repriced_orders"
    );
    assert_eq!(
        header(&out.join("episodes.csv")),
        "book,side,start_s,end_s,duration_s,recovered,detected_by,below_s,baseline_lots,\
         trough_lots,trough_ratio,trough_s,time_to_trough_s,refill_50_s,refill_90_s,mid_start,\
         mid_end,mid_move_frac,max_spread,makers_withdrawn,triggers,maker_share_before,\
         maker_share_trough,volume_lots,impact_q_lots,impact_q_source,impact_sigma_per_sqrt_s,\
         impact_volume_per_s,impact_price_start,impact_price_peak,impact_price_permanent,\
         impact_predicted_frac,impact_peak_frac,impact_permanent_frac,impact_ratio_peak,\
         impact_ratio_permanent"
    );
    // 60 s sampled every second; every row has as many fields as the header.
    let book = fs::read_to_string(out.join("book.csv")).unwrap();
    assert_eq!(book.lines().count(), 61);
    for f in CSV_FILES {
        let text = fs::read_to_string(out.join(f)).unwrap();
        let n = text.lines().next().unwrap().split(',').count();
        for (i, line) in text.lines().enumerate() {
            assert_eq!(line.split(',').count(), n, "{f} line {}: {line}", i + 1);
        }
    }
    let trades = fs::read_to_string(out.join("trades.csv")).unwrap();
    assert!(trades.lines().count() > 10, "the tiny market trades");
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 1);
    assert_eq!(manifest["scenario_sha256"].as_str().unwrap().len(), 64);
    // no temporary folder is left behind
    let names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("tiny")]);
}

fn manifest_without_wall_time(dir: &Path) -> serde_json::Value {
    let mut m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    m.as_object_mut().unwrap().remove("wall_time_s");
    m.as_object_mut().unwrap().remove("command_line");
    m
}

/// The binary pinned to CPU 0 where `taskset` exists, else the binary.
fn pinned_to_one_cpu() -> Command {
    if Path::new("/usr/bin/taskset").exists() {
        let mut cmd = Command::new("/usr/bin/taskset");
        cmd.args(["-c", "0", env!("CARGO_BIN_EXE_depthsim")]);
        cmd
    } else {
        bin()
    }
}

/// Same scenario and seed: identical bytes. One of the two runs is pinned to a single CPU
/// (where `taskset` exists), the other may use every CPU of the machine.
#[test]
fn same_seed_gives_identical_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    let tiny = repo("scenarios/tiny.toml");
    let args = |dir: &Path| {
        [
            "run",
            tiny.to_str().unwrap(),
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
        ]
        .map(String::from)
        .to_vec()
    };
    let pinned = pinned_to_one_cpu();
    for (mut cmd, dir) in [(pinned, &a), (bin(), &b)] {
        let o = cmd.args(args(dir)).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for f in CSV_FILES {
        assert!(
            fs::read(a.join(f)).unwrap() == fs::read(b.join(f)).unwrap(),
            "{f} differs between identical runs"
        );
    }
    assert_eq!(
        manifest_without_wall_time(&a),
        manifest_without_wall_time(&b)
    );
    run_tiny(&c, &["--seed", "2"]);
    assert_ne!(
        fs::read(a.join("book.csv")).unwrap(),
        fs::read(c.join("book.csv")).unwrap()
    );
    assert_ne!(
        fs::read(a.join("trades.csv")).unwrap(),
        fs::read(c.join("trades.csv")).unwrap()
    );
    assert_eq!(manifest_without_wall_time(&c)["seed"], 2);
}

/// The helper threads (the noise flow drawn ahead, trades.csv written on its own thread) change
/// no byte: two minutes of the benchmark day (60,000 noise events, over 10,000 trades: both
/// helpers start) give the same files pinned to one CPU and free on every CPU.
#[test]
fn helper_threads_give_identical_bytes_on_one_cpu_or_many() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo("scenarios/large_market.toml");
    let run = |mut cmd: Command, dir: &Path| {
        let o = cmd
            .args(["run", scenario.to_str().unwrap(), "--quiet", "--out"])
            .arg(dir)
            .args(["--set", "run.duration_s=120.0"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let pinned = pinned_to_one_cpu();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(pinned, &a);
    run(bin(), &b);
    let trades = fs::read_to_string(a.join("trades.csv")).unwrap();
    assert!(
        trades.lines().count() > 4096 + 1,
        "trades.csv's thread starts from 4,096 trades"
    );
    for f in fs::read_dir(&a).unwrap() {
        let name = f.unwrap().file_name();
        if name == "manifest.json" {
            continue;
        }
        assert!(
            fs::read(a.join(&name)).unwrap() == fs::read(b.join(&name)).unwrap(),
            "{name:?} differs between one CPU and many"
        );
    }
    assert_eq!(
        manifest_without_wall_time(&a),
        manifest_without_wall_time(&b)
    );
}

/// Compares `actual` with the golden file, printing the first differing line readably.
fn compare_golden(name: &str, actual: &str) -> Result<(), String> {
    let path = repo("tests/golden/tiny").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, actual).unwrap();
        return Ok(());
    }
    let expected = fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    let (el, al): (Vec<_>, Vec<_>) = (expected.lines().collect(), actual.lines().collect());
    let i = el
        .iter()
        .zip(&al)
        .position(|(e, a)| e != a)
        .unwrap_or(el.len().min(al.len()));
    Err(format!(
        "{name} differs from {} at line {} ({} vs {} lines):\n  expected: {}\n  actual:   {}\n\
         If the change is intended: UPDATE_GOLDEN=1 cargo test --test cli golden",
        path.display(),
        i + 1,
        el.len(),
        al.len(),
        el.get(i).unwrap_or(&"<end of file>"),
        al.get(i).unwrap_or(&"<end of file>"),
    ))
}

#[test]
fn golden_tiny_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tiny");
    run_tiny(&out, &[]);
    let failures: Vec<String> = CSV_FILES
        .iter()
        .filter_map(|f| compare_golden(f, &fs::read_to_string(out.join(f)).unwrap()).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn expect_bad_input(file: &Path, must_mention: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let o = run(&[
        "run",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "exit code for {}: {stderr}",
        file.display()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(&file.display().to_string()),
        "message should name the file: {stderr}"
    );
    for m in must_mention {
        assert!(stderr.contains(m), "message should mention {m:?}: {stderr}");
    }
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "no output folder may be created"
    );
    let v = run(&["validate", file.to_str().unwrap()]);
    assert_eq!(v.status.code(), Some(2));
}

fn tiny_with(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("broken.toml");
    let text = fs::read_to_string(repo("scenarios/tiny.toml")).unwrap();
    fs::write(&path, edit(&text)).unwrap();
    (tmp, path)
}

#[test]
fn unknown_key_is_named_with_the_allowed_ones() {
    let (_t, p) = tiny_with(|s| s.replace("mu_per_s = 1.0", "mu_per_s = 1.0\nmuu = 3"));
    expect_bad_input(&p, &["muu", "mu_per_s"]);
}

#[test]
fn wrong_type_is_named() {
    let (_t, p) = tiny_with(|s| s.replace("delta_per_s = 0.2", "delta_per_s = \"fast\""));
    expect_bad_input(&p, &["delta_per_s"]);
}

#[test]
fn negative_rate_is_named_with_its_range() {
    let (_t, p) = tiny_with(|s| s.replace("mu_per_s = 1.0", "mu_per_s = -1.0"));
    expect_bad_input(&p, &["noise[0].mu_per_s", "≥ 0"]);
}

#[test]
fn missing_section_is_named() {
    let (_t, p) = tiny_with(|s| s.replace("[market]", "[marketplace]"));
    expect_bad_input(&p, &["market"]);
    let (_t, p) = tiny_with(|s| {
        let cut = s.find("[fundamental]").unwrap();
        let end = s[cut..].find("[[noise]]").unwrap();
        format!("{}{}", &s[..cut], &s[cut + end..])
    });
    expect_bad_input(&p, &["fundamental"]);
}

#[test]
fn empty_file_not_toml_and_missing_file_are_bad_input() {
    let (_t, p) = tiny_with(|_| String::new());
    expect_bad_input(&p, &["run"]);
    let (_t, p) = tiny_with(|_| "this is { not toml".to_string());
    expect_bad_input(&p, &["line 1"]);
    let (_t, p) = tiny_with(|_| "\u{0}\u{1}binary".to_string());
    expect_bad_input(&p, &[]);
    let missing = std::env::temp_dir().join("depthsim-no-such-file.toml");
    expect_bad_input(&missing, &["cannot read"]);
}

#[test]
fn shipped_scenarios_validate() {
    // every scenario file shipped, the validation experiments' included
    let mut names: Vec<String> = Vec::new();
    for dir in ["scenarios", "scenarios/validation"] {
        let prefix = dir
            .strip_prefix("scenarios")
            .unwrap()
            .trim_start_matches('/');
        for e in fs::read_dir(repo(dir)).unwrap() {
            let f = e.unwrap().file_name().to_string_lossy().into_owned();
            if let Some(stem) = f.strip_suffix(".toml") {
                names.push(if prefix.is_empty() {
                    stem.to_string()
                } else {
                    format!("{prefix}/{stem}")
                });
            }
        }
    }
    names.sort();
    for must in ["baseline", "short_gamma", "validation/gamma_feedback"] {
        assert!(names.iter().any(|n| n == must), "{must} in {names:?}");
    }
    for name in &names {
        let p = repo(&format!("scenarios/{name}.toml"));
        for (i, line) in fs::read_to_string(&p).unwrap().lines().enumerate() {
            if line.contains('=') && !line.trim_start().starts_with('#') {
                assert!(
                    line.contains('#'),
                    "{name}.toml line {}: key without a comment",
                    i + 1
                );
            }
        }
        let o = run(&["validate", p.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(String::from_utf8_lossy(&o.stderr).contains(": ok — scenario"));
        // stdout is the resolved scenario alone, equal to the original
        let resolved = String::from_utf8(o.stdout).unwrap();
        assert!(resolved.starts_with("# "), "{resolved}");
        let overrides = depthsim::scenario::Overrides::default();
        let again = depthsim::scenario::Scenario::from_toml(&resolved, &p, &overrides).unwrap();
        let original = depthsim::scenario::Scenario::load(&p, &overrides).unwrap();
        assert_eq!(again.params, original.params, "{name}");
    }
}

#[test]
fn help_teaches_the_commands_and_bad_flags_exit_2() {
    let o = run(&["--help"]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("run") && text.contains("validate"));
    let o = run(&["run", "--help"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("--seed"));
    assert_eq!(run(&["run"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

/// Every column a run writes is documented in docs/outputs.md, the reference the README
/// points to.
#[test]
fn docs_document_every_output_column() {
    let outputs = fs::read_to_string(repo("docs/outputs.md")).unwrap();
    assert!(
        fs::read_to_string(repo("README.md"))
            .unwrap()
            .contains("docs/outputs.md"),
        "the README points to the outputs' reference"
    );
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("tiny");
    run_tiny(&out, &[]);
    for f in CSV_FILES {
        assert!(
            outputs.contains(&format!("**{f}**")),
            "docs/outputs.md does not describe {f}"
        );
        for col in header(&out.join(f)).split(',') {
            // depth columns are documented once as a pattern over the bands
            let documented = if col.starts_with("depth_bid_") && col.ends_with("t_lots") {
                "`depth_bid_{k}t_lots`".to_string()
            } else if col.starts_with("depth_ask_") && col.ends_with("t_lots") {
                "`depth_ask_{k}t_lots`".to_string()
            } else {
                format!("`{col}`")
            };
            assert!(
                outputs.contains(&documented),
                "docs/outputs.md does not document {f} column {col}"
            );
        }
    }
    // the files of hedging dealers with options
    let gamma = tmp.path().join("short_gamma");
    let o = run(&[
        "run",
        "--quiet",
        "--out",
        gamma.to_str().unwrap(),
        repo("scenarios/short_gamma.toml").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["hedges.csv", "options.csv"] {
        assert!(
            outputs.contains(&format!("**{f}**")),
            "docs/outputs.md does not describe {f}"
        );
        for col in header(&gamma.join(f)).split(',') {
            assert!(
                outputs.contains(&format!("`{col}`")),
                "docs/outputs.md does not document {f} column {col}"
            );
        }
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

/// The report in the issue: a folder of the user's that happens to hold a manifest.json was
/// taken for an earlier result and replaced, deleting `precious/src`.
#[test]
fn out_never_deletes_a_folder_whose_manifest_is_not_depthsims() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("scenarios")).unwrap();
    fs::copy(
        repo("scenarios/tiny.toml"),
        tmp.path().join("scenarios/tiny.toml"),
    )
    .unwrap();
    let precious = tmp.path().join("precious");
    fs::create_dir_all(precious.join("src")).unwrap();
    fs::write(precious.join("src/main.js"), "console.log(1)\n").unwrap();
    fs::write(
        precious.join("manifest.json"),
        "{\"name\":\"my-web-app\"}\n",
    )
    .unwrap();
    let before = snapshot(tmp.path());
    let o = bin()
        .current_dir(tmp.path())
        .args(["run", "scenarios/tiny.toml", "--out", "precious"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("precious: refusing to replace it: manifest.json is not a depthsim manifest"),
        "{stderr}"
    );
    assert!(stderr.contains("another --out"), "{stderr}");
    assert!(precious.join("src").is_dir());
    assert_eq!(
        fs::read_to_string(precious.join("manifest.json")).unwrap(),
        "{\"name\":\"my-web-app\"}\n"
    );
    assert_eq!(
        snapshot(tmp.path()),
        before,
        "nothing was changed or left behind"
    );
}

/// A real result with a file of the user's added is no longer only depthsim's: refused, and
/// left as it was.
#[test]
fn out_refuses_an_earlier_result_holding_a_file_depthsim_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("result");
    run_tiny(&out, &[]);
    fs::write(out.join("notes.txt"), "my analysis").unwrap();
    let before = snapshot(tmp.path());
    let tiny = repo("scenarios/tiny.toml");
    let o = run(&[
        "run",
        tiny.to_str().unwrap(),
        "-q",
        "--seed",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds notes.txt which depthsim did not write"),
        "{stderr}"
    );
    assert_eq!(snapshot(tmp.path()), before);
}

/// `--out` replaces an earlier result (with the files `report` added to it and listed in its
/// report.json), but never a folder or file that is not one, nor a result holding a file of
/// the user's among the report's (issue 22: `plots/notes.txt` was deleted).
#[test]
fn out_never_replaces_what_is_not_an_earlier_result() {
    let tmp = tempfile::tempdir().unwrap();
    let mine = tmp.path().join("research");
    fs::create_dir_all(mine.join("sub")).unwrap();
    fs::write(mine.join("notes.txt"), "precious").unwrap();
    let tiny = repo("scenarios/tiny.toml");
    for (target, why) in [
        (mine.clone(), "holds no manifest.json"),
        (mine.join("notes.txt"), "it is a file, not a folder"),
    ] {
        let o = run(&[
            "run",
            tiny.to_str().unwrap(),
            "-q",
            "--out",
            target.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(why), "{stderr}");
    }
    assert_eq!(
        fs::read_to_string(mine.join("notes.txt")).unwrap(),
        "precious"
    );
    assert!(mine.join("sub").is_dir());
    // an earlier result is replaced, with what the report command adds to it
    let out = tmp.path().join("result");
    run_tiny(&out, &[]);
    let o = run(&["report", "-q", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("report.json").is_file() && out.join("plots/depth.svg").is_file());
    // ...but not with a file of the user's among the report's
    fs::write(out.join("plots/notes.txt"), "mine").unwrap();
    let before = snapshot(&out);
    let o = run(&[
        "run",
        tiny.to_str().unwrap(),
        "-q",
        "--seed",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("holds plots/notes.txt which depthsim did not write"),
        "{stderr}"
    );
    assert_eq!(
        snapshot(&out),
        before,
        "the user's notes and the result untouched"
    );
    fs::remove_file(out.join("plots/notes.txt")).unwrap();
    run_tiny(&out, &["--seed", "5"]);
    assert_eq!(manifest_without_wall_time(&out)["seed"], 5);
    assert!(
        !out.join("plots").exists()
            && !out.join("index.html").exists()
            && !out.join("report.json").exists()
    );
    assert_eq!(
        names(tmp.path()),
        ["research", "result"],
        "nothing else is left behind"
    );
    // a symbolic link is not replaced, even one to an earlier result
    #[cfg(unix)]
    {
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        let o = run(&[
            "run",
            tiny.to_str().unwrap(),
            "-q",
            "--out",
            link.to_str().unwrap(),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("it is a symbolic link"), "{stderr}");
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

/// The manifest without what names the scenario file or the moment: what two runs of the same
/// scenario from different files share.
fn manifest_of_the_run(dir: &Path) -> serde_json::Value {
    let mut m = manifest_without_wall_time(dir);
    for key in ["scenario_file", "scenario_sha256"] {
        m.as_object_mut().unwrap().remove(key);
    }
    m
}

/// `validate FILE > resolved.toml` gives a scenario that validates and runs exactly like
/// FILE: the same output folder and byte-identical CSV files.
#[test]
fn validate_output_is_a_scenario_that_reproduces_the_run() {
    for name in ["tiny", "baseline"] {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        let original = repo(&format!("scenarios/{name}.toml"));
        let o = run(&["validate", original.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let resolved = b.join("resolved.toml");
        fs::write(&resolved, &o.stdout).unwrap();
        let v = run(&["validate", resolved.to_str().unwrap()]);
        assert!(
            v.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&v.stderr)
        );
        assert_eq!(
            v.stdout[v.stdout.iter().position(|&c| c == b'\n').unwrap()..],
            o.stdout[o.stdout.iter().position(|&c| c == b'\n').unwrap()..],
            "{name}: resolving again changes nothing but the header"
        );
        for (cwd, file) in [(&a, &original), (&b, &resolved)] {
            let o = bin()
                .current_dir(cwd)
                .args(["run", "-q"])
                .arg(file)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        let seed = depthsim::scenario::Scenario::load(&original, &Default::default())
            .unwrap()
            .seed;
        let rel = format!("output/{name}/seed-{seed}");
        let (ra, rb) = (a.join(&rel), b.join(&rel));
        assert!(rb.is_dir(), "{name}: the resolved file writes to {rel} too");
        let csvs: Vec<_> = names(&ra)
            .into_iter()
            .filter(|n| n.ends_with(".csv"))
            .collect();
        assert_eq!(
            csvs,
            names(&rb)
                .into_iter()
                .filter(|n| n.ends_with(".csv"))
                .collect::<Vec<_>>()
        );
        assert!(csvs.len() >= 4, "{csvs:?}");
        for f in &csvs {
            assert!(
                fs::read(ra.join(f)).unwrap() == fs::read(rb.join(f)).unwrap(),
                "{name}: {f} differs"
            );
        }
        assert_eq!(manifest_of_the_run(&ra), manifest_of_the_run(&rb), "{name}");
    }
}

/// Starts depthsim with stdout and stderr as given, the others null.
fn spawn(args: &[&str], stdout: Stdio, stderr: Stdio) -> std::process::Child {
    bin()
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .unwrap()
}

/// A reader that goes away (`| head -1`, `| true`) is no error for any command: exit 0, no
/// panic. A failure whose message cannot be written keeps its own exit code.
#[test]
fn closed_pipe_is_a_quiet_success_for_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = repo("scenarios/baseline.toml");
    let tiny = repo("scenarios/tiny.toml");
    let out = tmp.path().join("r");
    let validate = ["validate", baseline.to_str().unwrap()];
    let run_tiny = [
        "run",
        tiny.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let help = ["--help"];
    let run_help = ["run", "--help"];
    let version = ["--version"];
    let keys = ["keys"];

    // stdout closed at once: the reader left before anything was written
    for args in [&validate[..], &help, &run_help, &version, &keys, &run_tiny] {
        let mut child = spawn(args, Stdio::piped(), Stdio::piped());
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // `| head -1`: one line read, then the reader leaves
    let mut child = spawn(&validate, Stdio::piped(), Stdio::piped());
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert!(first.starts_with('#'), "{first}");
    let o = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // stderr closed: the run still completes, validate still prints the scenario
    for args in [&validate[..], &run_tiny] {
        let mut child = spawn(args, Stdio::piped(), Stdio::piped());
        drop(child.stderr.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}");
    }
    assert!(out.join("manifest.json").is_file());
    let o = {
        let mut child = spawn(&validate, Stdio::piped(), Stdio::piped());
        drop(child.stderr.take());
        child.wait_with_output().unwrap()
    };
    assert!(String::from_utf8_lossy(&o.stdout).contains("[run]"));

    // `2>&1 | true`: both on one pipe whose reader is gone
    for args in [&validate[..], &help, &run_tiny] {
        let (reader, writer) = std::io::pipe().unwrap();
        let child = spawn(args, writer.try_clone().unwrap().into(), writer.into());
        drop(reader);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}");
    }
    // a failure keeps its exit code when its message cannot be written (a panic gives 101)
    let missing = tmp.path().join("missing.toml");
    let (reader, writer) = std::io::pipe().unwrap();
    let child = spawn(
        &["run", missing.to_str().unwrap()],
        writer.try_clone().unwrap().into(),
        writer.into(),
    );
    drop(reader);
    assert_eq!(child.wait_with_output().unwrap().status.code(), Some(2));
}

/// Issue 22: an `--out` folder made with mkdir (empty) was refused, and replacing an earlier
/// result printed nothing. An empty folder is used (as is an empty findings folder), and
/// replacing a result says so on stderr.
#[test]
fn an_empty_out_folder_is_used_and_replacing_a_result_is_said() {
    let tmp = tempfile::tempdir().unwrap();
    let tiny = repo("scenarios/tiny.toml");
    let out = tmp.path().join("made-with-mkdir");
    fs::create_dir(&out).unwrap();
    let args = |seed: &'static str| {
        vec![
            "run".to_string(),
            tiny.to_str().unwrap().to_string(),
            "--seed".into(),
            seed.into(),
            "--out".into(),
            out.to_str().unwrap().to_string(),
        ]
    };
    let say = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let o = bin().args(args("1")).output().unwrap();
    assert!(o.status.success(), "{}", say(&o));
    assert!(!say(&o).contains("replaced"), "{}", say(&o));
    assert!(out.join("manifest.json").is_file());
    let o = bin().args(args("2")).output().unwrap();
    assert!(o.status.success(), "{}", say(&o));
    assert!(
        say(&o).contains("(it replaced the earlier result there)"),
        "{}",
        say(&o)
    );
    assert_eq!(manifest_without_wall_time(&out)["seed"], 2);
    let f = tmp.path().join("findings");
    fs::create_dir(&f).unwrap();
    let o = run(&[
        "findings",
        tiny.to_str().unwrap(),
        "--seeds",
        "1",
        "--out",
        f.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", say(&o));
    assert!(f.join("findings.md").is_file());
    // and an earlier findings folder is replaced, a file of the user's in it refused
    fs::write(f.join("notes.md"), "mine").unwrap();
    let o = run(&[
        "findings",
        tiny.to_str().unwrap(),
        "--seeds",
        "1",
        "--out",
        f.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", say(&o));
    assert!(say(&o).contains("holds notes.md which depthsim did not write"));
    assert_eq!(fs::read_to_string(f.join("notes.md")).unwrap(), "mine");
}

/// The text of `doc` between `<!-- name:start -->` and `<!-- name:end -->`.
fn between_markers(doc: &str, name: &str) -> String {
    let text = fs::read_to_string(repo(doc)).unwrap();
    let start = format!("<!-- {name}:start -->\n");
    let a = text
        .find(&start)
        .unwrap_or_else(|| panic!("{doc}: no {start}"))
        + start.len();
    let b = text
        .find(&format!("<!-- {name}:end -->"))
        .unwrap_or_else(|| panic!("{doc}: no {name}:end"));
    text[a..b].to_string()
}

fn stdout_of(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn docs_key_reference_and_calibration_table_are_what_the_code_prints() {
    // Regenerate with scripts/update-keys.sh.
    let keys = stdout_of(&["keys", "--markdown"]);
    assert_eq!(
        between_markers("docs/scenarios.md", "keys"),
        format!("{}\n", keys.trim_end()),
        "docs/scenarios.md's key reference is stale: run scripts/update-keys.sh"
    );
    let calibration = stdout_of(&["keys", "--calibrate"]);
    assert_eq!(
        between_markers("docs/calibration.md", "calibration"),
        format!("{}\n", calibration.trim_end()),
        "docs/calibration.md's table is stale: run scripts/update-keys.sh"
    );
}

#[test]
fn keys_prints_every_section_one_section_or_one_key_and_refuses_an_unknown_one() {
    let all = stdout_of(&["keys"]);
    for header in [
        "[run]",
        "[[noise]]",
        "[noise.hawkes]",
        "[market_maker.hedge]",
        "[output]",
    ] {
        assert!(all.lines().any(|l| l == header), "{header} missing:\n{all}");
    }
    assert!(all.contains("lobster_levels") && all.contains("branching_ratio"));
    let hedge = stdout_of(&["keys", "[market_maker.hedge]"]);
    assert!(hedge.starts_with("[market_maker.hedge]\n"), "{hedge}");
    assert!(
        hedge.contains("band_lots") && !hedge.contains("[run]"),
        "{hedge}"
    );
    let one = stdout_of(&["keys", "market_maker[0].hedge.band_lots"]);
    assert!(
        one.contains("band_lots") && one.contains("lots · required"),
        "{one}"
    );
    assert!(!one.contains("max_slippage_ticks"), "{one}");
    let md = stdout_of(&["keys", "noise.feedback", "--markdown"]);
    assert!(md.starts_with("### `[noise.feedback]`"), "{md}");
    let o = run(&["keys", "market_maker.hedging"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("SECTION|KEY") && err.contains("\"market_maker.hedging\""),
        "{err}"
    );
    assert!(err.contains("market_maker.hedge,"), "{err}");
}

#[test]
fn new_writes_a_commented_scenario_that_validates_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let new_in = |args: &[&str]| {
        bin()
            .current_dir(d)
            .args(["new"])
            .args(args)
            .output()
            .unwrap()
    };
    let o = new_in(&["mine", "--from", "baseline"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = fs::read_to_string(d.join("mine.toml")).unwrap();
    assert!(
        text.contains("# mine.toml: made by `depthsim new`"),
        "{text}"
    );
    assert!(text.contains("name = \"mine\"\n"), "{text}");
    // each key under its comment from the table, keys left out commented with an example
    assert!(
        text.contains("# n: market orders one market order triggers directly"),
        "{text}"
    );
    assert!(text.contains("# lobster_levels = 10\n"), "{text}");
    // it runs like the shipped one: the same resolved scenario, but for its name
    let resolved = |path: &Path| {
        let o = bin().arg("validate").arg(path).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        text.lines()
            .skip(1)
            .filter(|l| !l.starts_with("name = "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        resolved(&d.join("mine.toml")),
        resolved(&repo("scenarios/baseline.toml"))
    );
    // never overwritten: exit 2, naming NAME, the file unchanged
    fs::write(d.join("mine.toml"), "mine").unwrap();
    let o = new_in(&["mine.toml", "--from", "tiny"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("NAME \"mine.toml\"") && err.contains("exists"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(d.join("mine.toml")).unwrap(), "mine");
    // --from a file, NAME a path; nothing else left in the folder
    fs::create_dir(d.join("sub")).unwrap();
    let tiny = repo("scenarios/tiny.toml");
    let o = new_in(&["sub/t.v2", "--from", tiny.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(names(&d.join("sub")), ["t.v2.toml"]);
    resolved(&d.join("sub/t.v2.toml"));
    // bad --from and a missing folder: exit 2 naming the argument
    let o = new_in(&["other", "--from", "no_such_scenario"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--from \"no_such_scenario\""));
    let o = new_in(&["nowhere/x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("NAME \"nowhere/x\""));
    assert!(!d.join("other.toml").exists());
}

#[test]
fn new_from_every_shipped_scenario_validates() {
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(repo("scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let dest = dir.path().join(format!("new_{stem}"));
        let o = run(&["new", dest.to_str().unwrap(), "--from", stem]);
        assert!(
            o.status.success(),
            "{stem}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = run(&["validate", &format!("{}.toml", dest.display())]);
        assert!(
            o.status.success(),
            "{stem}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
