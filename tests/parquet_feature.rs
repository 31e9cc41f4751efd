//! `output.format`: the default build (no `parquet` feature) refuses `"parquet"` with exit
//! code 2, naming the key and the feature, and writes nothing; `"csv"` is the default and is
//! left out of the resolved scenario, so CSV runs are byte-identical to before the key.
//! Parquet itself is tested from Python (python/tests/test_parquet.py), with the binary built
//! with `--features parquet`.

use std::process::Command;

fn depthsim() -> Command {
    Command::new(env!("CARGO_BIN_EXE_depthsim"))
}

#[cfg(not(feature = "parquet"))]
#[test]
fn parquet_without_the_feature_is_refused_naming_the_key_and_the_feature() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("never");
    let o = depthsim()
        .args([
            "run",
            "scenarios/tiny.toml",
            "--set",
            "output.format=\"parquet\"",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("`output.format` \"parquet\" needs depthsim built with the `parquet` feature"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn csv_is_the_default_and_unknown_formats_are_refused() {
    let o = depthsim()
        .args([
            "validate",
            "scenarios/tiny.toml",
            "--set",
            "output.format=\"csv\"",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    // the default is not written into the resolved scenario
    let resolved = String::from_utf8_lossy(&o.stdout);
    assert!(
        !resolved.lines().any(|l| l.starts_with("format")),
        "{resolved}"
    );
    let o = depthsim()
        .args([
            "validate",
            "scenarios/tiny.toml",
            "--set",
            "output.format=\"xlsx\"",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("output.format") && err.contains("expected `csv` or `parquet`"),
        "{err}"
    );
}
