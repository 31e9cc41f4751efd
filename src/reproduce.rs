//! `depthsim reproduce DIR`: reruns a finished run from its manifest.json alone and checks
//! every output file against the SHA-256 the manifest recorded.
//!
//! The manifest's `scenario.params` is the resolved scenario (every default filled in, every
//! `--set` applied, the seed included), so the rerun needs neither the scenario file nor the
//! command line. It runs into a temporary folder under the system's temp folder, which is
//! removed afterwards, also when the rerun fails or is interrupted; DIR is only read. Each
//! file is then one of: a match (DIR's copy and the rerun's both have the recorded digest),
//! different (either does not), or missing from DIR.

use crate::record::OutputDir;
use crate::record::summary::file_sha256;
use crate::run::{RunError, run_into};
use crate::scenario::{Scenario, ScenarioError, ScenarioFile};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Largest manifest.json read (real ones are a few kilobytes).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// DIR holds no manifest that a rerun can be made from; `reason` says why.
#[derive(Debug, Error)]
#[error("{}: {reason}", dir.display())]
pub struct NotARecordedRun {
    /// The folder, as given.
    pub dir: PathBuf,
    /// Why, e.g. "it holds no manifest.json, so it is not a depthsim result".
    pub reason: String,
}

/// What a result's manifest.json says about the run that made it.
#[derive(Debug, Clone)]
pub struct RecordedRun {
    /// The result folder.
    pub dir: PathBuf,
    /// The depthsim version that made it.
    pub version: String,
    /// The scenario file it was made from, as given on its command line.
    pub scenario_file: String,
    /// Its master seed.
    pub seed: u64,
    /// Its `--set` overrides, as given (already applied in `params`).
    pub overrides: Vec<String>,
    /// SHA-256 (hex) of each file it wrote but manifest.json.
    pub sha256: BTreeMap<String, String>,
    /// The resolved scenario it ran.
    pub params: ScenarioFile,
    /// Whether it is a sweep's run: a sweep keeps only some files of each run (`keep =
    /// "summary"`), so files its manifest does not record were not kept, not missed.
    pub from_sweep: bool,
}

/// The fields of manifest.json a rerun needs.
#[derive(Deserialize)]
struct ManifestFields {
    version: String,
    #[serde(default)]
    scenario_file: String,
    seed: u64,
    #[serde(default)]
    overrides: Vec<String>,
    sha256: BTreeMap<String, String>,
    scenario: ScenarioField,
    #[serde(default)]
    sweep: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct ScenarioField {
    params: ScenarioFile,
}

impl RecordedRun {
    /// Reads `dir`/manifest.json. Anything but a depthsim manifest recording its files'
    /// digests and a scenario this version can read is refused, saying why.
    pub fn read(dir: &Path) -> Result<RecordedRun, NotARecordedRun> {
        let refuse = |reason: String| NotARecordedRun {
            dir: dir.to_path_buf(),
            reason,
        };
        match fs::metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refuse("there is no such folder".into()));
            }
            Err(e) => return Err(refuse(format!("cannot read it: {e}"))),
            Ok(m) if !m.is_dir() => return Err(refuse("it is not a folder".into())),
            Ok(_) => {}
        }
        let path = dir.join("manifest.json");
        let mut bytes = Vec::new();
        match fs::File::open(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refuse(
                    "it holds no manifest.json, so it is not a depthsim result".into(),
                ));
            }
            Err(e) => return Err(refuse(format!("cannot read its manifest.json: {e}"))),
            Ok(f) => {
                f.take(MAX_MANIFEST_BYTES)
                    .read_to_end(&mut bytes)
                    .map_err(|e| refuse(format!("cannot read its manifest.json: {e}")))?;
            }
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| refuse(format!("its manifest.json is not JSON ({e})")))?;
        if value.get("program").and_then(|p| p.as_str()) != Some("depthsim") {
            return Err(refuse(
                "its manifest.json is not a depthsim manifest (no \"program\": \"depthsim\")"
                    .into(),
            ));
        }
        let version = value.get("version").and_then(|v| v.as_str());
        if value.get("sha256").is_none() {
            return Err(refuse(format!(
                "its manifest.json records no SHA-256 of the files (it was written by depthsim \
                 {}, before manifests recorded them), so there is nothing to compare a rerun \
                 with",
                version.unwrap_or("of an unknown version")
            )));
        }
        let ours = env!("CARGO_PKG_VERSION");
        let written_by = match version {
            Some(v) if v != ours => format!(" (it was written by depthsim {v}; this is {ours})"),
            _ => String::new(),
        };
        let m: ManifestFields = serde_json::from_value(value).map_err(|e| {
            refuse(format!(
                "its manifest.json does not hold what a rerun needs: {e}{written_by}"
            ))
        })?;
        let sha256 = m.sha256;
        if sha256.is_empty() {
            return Err(refuse(
                "its manifest.json records the SHA-256 of no file: there is nothing to compare"
                    .into(),
            ));
        }
        if let Some(bad) = sha256.keys().find(|f| !is_plain_name(f)) {
            return Err(refuse(format!(
                "its manifest.json lists {bad:?}, which is not the name of a file in the folder"
            )));
        }
        if m.scenario.params.run.seed != m.seed {
            return Err(refuse(format!(
                "its manifest.json is inconsistent: seed {} but its scenario's run.seed is {}",
                m.seed, m.scenario.params.run.seed
            )));
        }
        Ok(RecordedRun {
            dir: dir.to_path_buf(),
            version: m.version,
            scenario_file: m.scenario_file,
            seed: m.seed,
            overrides: m.overrides,
            sha256,
            params: m.scenario.params,
            from_sweep: m.sweep.is_some(),
        })
    }

    /// The recorded scenario, checked again by this version (errors name manifest.json).
    pub fn scenario(&self) -> Result<Scenario, ScenarioError> {
        Scenario::resolve(self.params.clone(), &self.dir.join("manifest.json"))
    }
}

/// A file name with no folder in it: what a manifest may list.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && Path::new(name).file_name() == Some(name.as_ref())
}

/// Runs `scenario` into a temporary folder (removed before this returns, whatever happens) and
/// gives the SHA-256 of every file it wrote. `progress` and `should_stop` are
/// [`run_into`]'s.
pub fn rerun_digests(
    scenario: &Scenario,
    progress: &mut dyn FnMut(u64, u64),
    should_stop: &dyn Fn() -> bool,
) -> Result<BTreeMap<String, String>, RunError> {
    let tmp = tempfile::Builder::new()
        .prefix("depthsim-reproduce-")
        .tempdir()
        .map_err(|e| {
            RunError::Output(format!(
                "creating a temporary folder in {}: {e}",
                std::env::temp_dir().display()
            ))
        })?;
    let dir = OutputDir::create(&tmp.path().join("rerun")).map_err(|e| {
        RunError::Output(format!(
            "creating a temporary folder in {}: {e}",
            tmp.path().display()
        ))
    })?;
    run_into(scenario, &dir, progress, should_stop)?;
    let written = |e: io::Error| {
        RunError::Output(format!(
            "reading the rerun's files in {}: {e}",
            dir.temp_path().display()
        ))
    };
    let mut names = Vec::new();
    for entry in fs::read_dir(dir.temp_path()).map_err(written)? {
        let name = entry.map_err(written)?.file_name();
        names.push(name.to_string_lossy().into_owned());
    }
    names.sort();
    // Dropping `dir`, then `tmp`, removes both folders.
    dir.sha256(names.iter().map(String::as_str))
        .map_err(written)
}

/// How one file compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// DIR's copy and the rerun's both have the recorded digest.
    Match,
    /// They do not; why.
    Differs(String),
    /// DIR has no such file; the manifest lists it.
    Missing,
    /// A sweep's run that did not keep this file (`keep = "summary"`): the rerun writes it,
    /// the folder never held it, and there is nothing to compare it with.
    NotKept,
}

/// One line of the comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// The file's name.
    pub file: String,
    /// How it compares.
    pub verdict: Verdict,
}

/// Compares every file the manifest recorded, in name order, as found in DIR and as the rerun
/// wrote it (`rerun`: digests by name), then lists the files the rerun wrote that the
/// manifest does not record: a difference for a run's folder, [`Verdict::NotKept`] for a
/// sweep's run (which keeps what its `keep` says). DIR's files are only read.
pub fn compare(recorded: &RecordedRun, rerun: &BTreeMap<String, String>) -> Vec<FileCheck> {
    let mut checks: Vec<FileCheck> = recorded
        .sha256
        .iter()
        .map(|(file, want)| {
            let in_dir = file_sha256(&recorded.dir.join(file));
            let again = rerun.get(file);
            let verdict = match (in_dir, again) {
                (Err(e), _) if e.kind() == io::ErrorKind::NotFound => Verdict::Missing,
                (Err(e), _) => Verdict::Differs(format!("cannot read the folder's copy: {e}")),
                (Ok(have), Some(again)) if have == *want && again == want => Verdict::Match,
                (Ok(have), again) => Verdict::Differs(
                    match (have == *want, again.map(|a| a == want)) {
                        (false, Some(true)) => {
                            "the folder's copy is not the file the run wrote (a rerun still \
                             writes the recorded bytes)"
                        }
                        (false, Some(false)) => {
                            "the folder's copy is not the file the run wrote, and a rerun \
                             writes other bytes again"
                        }
                        (false, None) => {
                            "the folder's copy is not the file the run wrote, and a rerun does \
                             not write it"
                        }
                        (true, Some(_)) => "a rerun writes other bytes than the run did",
                        (true, None) => "a rerun does not write it",
                    }
                    .to_string(),
                ),
            };
            FileCheck {
                file: file.clone(),
                verdict,
            }
        })
        .collect();
    for file in rerun.keys() {
        if file != "manifest.json" && !recorded.sha256.contains_key(file) {
            checks.push(FileCheck {
                file: file.clone(),
                verdict: if recorded.from_sweep {
                    Verdict::NotKept
                } else {
                    Verdict::Differs(
                        "a rerun writes it, but the manifest records no such file".into(),
                    )
                },
            });
        }
    }
    checks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Overrides;

    /// The resolved scenario, through manifest.json's JSON and back, resolves to itself: the
    /// manifest's copy is a scenario a rerun can use as it stands.
    #[test]
    fn the_manifests_scenario_reads_back_exactly() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut names: Vec<PathBuf> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        names.sort();
        assert!(names.len() >= 8, "{names:?}");
        // awkward floats too: not exactly representable, tiny, many digits
        let awkward = [
            "run.dt_s=0.007",
            "fundamental.volatility_per_sqrt_s=0.000123456789012345678",
            "output.sample_interval_s=0.30000000000000004",
        ];
        for path in &names {
            for set in [&[][..], &awkward[..]] {
                let overrides = Overrides {
                    seed: None,
                    set: set.iter().map(|s| s.parse().unwrap()).collect(),
                };
                let s = Scenario::load(path, &overrides).unwrap();
                let json = serde_json::to_string_pretty(&s).unwrap();
                let v: serde_json::Value = serde_json::from_str(&json).unwrap();
                let params: ScenarioFile = serde_json::from_value(v["params"].clone()).unwrap();
                assert_eq!(params, s.params, "{}", path.display());
                let again = Scenario::resolve(params, path).unwrap();
                assert_eq!(again.params, s.params, "{}", path.display());
                assert_eq!(
                    serde_json::to_string_pretty(&again).unwrap(),
                    json,
                    "{}",
                    path.display()
                );
            }
        }
    }

    /// What `float_roundtrip` buys: every f64 manifest.json writes reads back bit for bit.
    #[test]
    fn json_floats_read_back_bit_for_bit() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            // SplitMix64: mantissas of every kind, exponents from about 1e-30 to 1e30
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            let exponent = 1023 - 100 + (z >> 52) % 200;
            let v = f64::from_bits((exponent << 52) | (z & ((1 << 52) - 1)));
            let back: f64 = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
            assert_eq!(back.to_bits(), v.to_bits(), "{v:e}");
        }
    }

    #[test]
    fn only_plain_file_names_may_be_listed() {
        for ok in ["book.csv", "a b.csv", ".hidden"] {
            assert!(is_plain_name(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x.csv",
            "/etc/passwd",
            "a/b.csv",
            "a\\b.csv",
        ] {
            assert!(!is_plain_name(bad), "{bad}");
        }
    }
}
