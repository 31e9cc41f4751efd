//! Scenario files: TOML → [`ScenarioFile`] (a serde mirror that rejects unknown keys) →
//! [`Scenario`] (checked, with derived integer units). Command-line overrides are applied
//! before the first stage (`--set`, on the file's TOML tree: see [`Override`]) or between the
//! two (`--seed`), so they are checked like the file.

pub mod keys;
mod output;
mod overrides;
mod params;
mod validate;

pub use output::*;
pub use overrides::{Override, OverrideSyntaxError};
pub use params::*;

use serde::Serialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why a scenario could not be loaded. Every variant names the file; `Invalid` names the key.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read the scenario file", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not one to read: not a regular file (a device such as `/dev/zero`, a
    /// FIFO, a folder), or larger than [`MAX_INPUT_BYTES`].
    #[error("{}: {message}", path.display())]
    Input {
        /// The file.
        path: PathBuf,
        /// Why it is not read.
        message: String,
    },
    /// The file is not TOML, or its keys or types do not match the scenario format.
    #[error("{}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's explanation, naming the key and where it is.
        message: String,
    },
    /// A `--set` override names no key of the file, or gives a key a value of the wrong kind.
    #[error("{}: {set}: {message}", path.display())]
    Override {
        /// The file.
        path: PathBuf,
        /// The override(s) at fault, as given: `--set noise[0].mu_per_s=x`.
        set: String,
        /// What is wrong, and what is there or allowed.
        message: String,
    },
    /// A value is out of its allowed range or inconsistent with another.
    #[error("{}: `{key}` {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The offending key, e.g. `noise[0].mu_per_s`.
        key: String,
        /// What is allowed, and what was given.
        message: String,
    },
}

/// Overrides from the command line, applied before validation.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Replaces `run.seed` (after the `--set` overrides, so `--seed` wins).
    pub seed: Option<u64>,
    /// `--set PATH=VALUE` overrides, applied in order to the file's TOML tree.
    pub set: Vec<Override>,
}

/// A checked scenario, ready to run.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// Output name (`run.name` or the file stem).
    pub name: String,
    /// Master seed.
    pub seed: u64,
    /// Step length, nanoseconds.
    pub dt_ns: u64,
    /// Number of steps.
    pub steps: u64,
    /// Steps between book samples.
    pub sample_every_steps: u64,
    /// Steps between agent snapshots.
    pub agents_every_steps: u64,
    /// Steps between the collapse detector's looks at the books (`output.collapse.cadence_s`).
    pub collapse_every_steps: u64,
    /// Every parameter as resolved (defaults filled in, group names given).
    pub params: ScenarioFile,
    /// The books, checked: the `[[book]]` tables, or the `[market]` as one book named "main".
    #[serde(skip)]
    pub books: Vec<BookParams>,
    /// Keys that are accepted but probably not what was meant, each a sentence naming the
    /// file and the key (the command line prints them on stderr as warnings).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

impl Scenario {
    /// Whether the run writes hedges.csv: asked for, and some maker group hedges.
    pub fn writes_hedges(&self) -> bool {
        self.params.output.hedges && self.params.market_maker.iter().any(|g| g.hedge.is_some())
    }

    /// Whether the run writes options.csv: asked for, and some maker group holds options or
    /// takes client flow.
    pub fn writes_options(&self) -> bool {
        self.params.output.options
            && self
                .params
                .market_maker
                .iter()
                .any(|g| !g.options.is_empty() || g.client_flow.is_some())
    }

    /// The index of the book a group names (validated; `None`: the first book).
    pub fn book_index(&self, name: Option<&str>) -> usize {
        name.and_then(|n| self.books.iter().position(|b| b.name == n))
            .unwrap_or(0)
    }

    /// Reads, parses and validates a scenario file.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Scenario, ScenarioError> {
        let text = read_scenario_file(path)?;
        Scenario::from_toml(&text, path, overrides)
    }

    /// Parses and validates scenario text; `path` is used in messages and for the default name.
    /// The `--set` overrides edit the text's TOML tree before it is read; an error they cause
    /// names them.
    pub fn from_toml(
        text: &str,
        path: &Path,
        overrides: &Overrides,
    ) -> Result<Scenario, ScenarioError> {
        if let Ok(t) = text.parse::<toml::Table>()
            && t.contains_key("sweep")
            && !t.contains_key("run")
        {
            return Err(ScenarioError::Parse {
                path: path.to_path_buf(),
                message: "this is a sweep file (it has a [sweep] table), not a scenario: run \
                          it with `depthsim sweep FILE`"
                    .into(),
            });
        }
        let mut file: ScenarioFile = if overrides.set.is_empty() {
            toml::from_str(text).map_err(|e| ScenarioError::Parse {
                path: path.to_path_buf(),
                message: describe_toml_error(&e, text),
            })?
        } else {
            overrides::file_with(text, path, &overrides.set)?
        };
        if let Some(seed) = overrides.seed {
            file.run.seed = seed;
        }
        let asks = asks_for_collapse(text, &overrides.set);
        validate::validate(file, path, asks).map_err(|e| overrides::mention(e, &overrides.set))
    }

    /// Validates a scenario already read into its serde mirror, such as the resolved one a
    /// manifest holds; `path` is used in messages and for the default name. A baseline window
    /// the run cannot fill is then not an error (the file's wish cannot be told apart from the
    /// defaults any more).
    pub fn resolve(file: ScenarioFile, path: &Path) -> Result<Scenario, ScenarioError> {
        validate::validate(file, path, false)
    }

    /// Seconds per step.
    pub fn dt_s(&self) -> f64 {
        self.dt_ns as f64 / 1e9
    }
}

/// Whether the scenario asks for collapse detection: its text has an `[output.collapse]`
/// table, or a `--set` sets a key in it.
fn asks_for_collapse(text: &str, set: &[Override]) -> bool {
    let in_file = toml::from_str::<toml::Table>(text)
        .ok()
        .is_some_and(|t| t.get("output").and_then(|o| o.get("collapse")).is_some());
    in_file
        || set
            .iter()
            .any(|o| o.as_str().trim_start().starts_with("output.collapse"))
}

/// Largest scenario or sweep file read, bytes: real ones are a few KiB.
pub const MAX_INPUT_BYTES: u64 = 4 << 20;

/// Why `path` is not read as an input file: it is not a regular file, or it is larger than
/// [`MAX_INPUT_BYTES`]. Checked before the file is opened, so a device (`/dev/zero`) or a
/// FIFO is never read, and a huge file never read whole.
pub fn input_refusal(path: &Path) -> std::io::Result<Option<String>> {
    let m = std::fs::metadata(path)?;
    Ok(if m.is_dir() {
        Some("is a folder, not a file".into())
    } else if !m.is_file() {
        Some(
            "is not a regular file (a device, a FIFO or a socket): give a file, not a stream"
                .into(),
        )
    } else if m.len() > MAX_INPUT_BYTES {
        Some(format!(
            "is {} bytes; depthsim reads input files of at most {} MiB (real ones are a few \
             KiB): is it the right file?",
            m.len(),
            MAX_INPUT_BYTES >> 20
        ))
    } else {
        None
    })
}

/// Reads an input file of at most [`MAX_INPUT_BYTES`] (a file that grows past it while read
/// is refused too): the refusal, or the bytes.
pub fn read_input(path: &Path) -> std::io::Result<Result<Vec<u8>, String>> {
    use std::io::Read;
    if let Some(why) = input_refusal(path)? {
        return Ok(Err(why));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Ok(Err(format!(
            "grew past {} MiB while it was read",
            MAX_INPUT_BYTES >> 20
        )));
    }
    Ok(Ok(bytes))
}

/// Reads a scenario file as text, refusing devices, FIFOs, folders, files over
/// [`MAX_INPUT_BYTES`] and text that is not UTF-8.
pub fn read_scenario_file(path: &Path) -> Result<String, ScenarioError> {
    let io = |source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    };
    let input = |message: String| ScenarioError::Input {
        path: path.to_path_buf(),
        message,
    };
    let bytes = read_input(path).map_err(io)?.map_err(input)?;
    String::from_utf8(bytes).map_err(|_| {
        input("is not UTF-8 text, so it is not a scenario file (TOML is UTF-8)".into())
    })
}

/// The toml error's message, with the line, section and key it points at (scenario and
/// sweep files alike).
pub(crate) fn describe_toml_error(e: &toml::de::Error, text: &str) -> String {
    let msg = e.message().trim_end().replace('\n', " ");
    let Some(span) = e.span() else {
        return msg;
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    let section = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .unwrap_or("");
    let key = line.split_once('=').map(|(k, _)| k.trim());
    // A missing key is reported at its table's header (a missing section at an empty span at
    // the top): name the table, with its index in an array.
    if msg.starts_with("missing field") {
        return match table_at(text, start).filter(|_| !span.is_empty()) {
            Some(table) => format!("{table}: {msg}"),
            None => msg,
        };
    }
    if line.is_empty() {
        return msg;
    }
    match (line.starts_with('['), key) {
        // the key's full path, as --set and the range checks name it: `noise[0].count`
        (false, Some(k)) => match table_at(text, start).filter(|_| !section.is_empty()) {
            Some(table) => format!("line {line_no}, key `{table}.{k}`: {msg}"),
            None => format!("line {line_no}, key `{k}`: {msg}"),
        },
        _ => format!("line {line_no} (`{line}`): {msg}"),
    }
}

/// The table (`run`, `noise[1]`, `noise[0].stand_back`) whose header is on the line holding
/// byte `at`, or is the last header before it; `None` at the top level.
fn table_at(text: &str, at: usize) -> Option<String> {
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let headers: Vec<(&str, bool)> = text[..line_end]
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('['))
        .map(|l| {
            let l = l.split('#').next().unwrap_or(l).trim();
            let array = l.starts_with("[[");
            (l.trim_matches(|c| c == '[' || c == ']').trim(), array)
        })
        .collect();
    let &(name, array) = headers.last()?;
    let index_of = |array_name: &str| {
        headers
            .iter()
            .filter(|&&(n, a)| a && n == array_name)
            .count()
            .saturating_sub(1)
    };
    if array {
        return Some(format!("{name}[{}]", index_of(name)));
    }
    // a sub-table of the latest element of an array of tables, e.g. [noise.stand_back]
    if let Some((parent, child)) = name.split_once('.')
        && headers.iter().any(|&(n, a)| a && n == parent)
    {
        return Some(format!("{parent}[{}].{child}", index_of(parent)));
    }
    Some(name.to_string())
}

/// Seconds (f64, ≥ 0) to whole nanoseconds, rounded to nearest (saturating; NaN gives 0).
#[inline]
pub fn secs_to_ns(s: f64) -> u64 {
    // `as` saturates; adding ½ before truncating rounds a non-negative value without a libm call.
    (s * 1e9 + 0.5) as u64
}
