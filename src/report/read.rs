//! The report's inputs: the run's manifest.json (what ran: books, tick sizes, makers' books,
//! sampling) and its CSV files, read row by row with the `csv` crate, each file's header
//! checked for the columns the report reads before any row is.

use super::error::ReportError;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// Largest manifest.json read (real ones are a few kilobytes).
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// One book of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct BookInfo {
    /// Its name (`main` for a `[market]` scenario).
    pub name: String,
    /// Its tick, currency.
    pub tick_size: f64,
}

/// What the manifest says about the run.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// The result folder.
    pub dir: PathBuf,
    /// The scenario's name.
    pub name: String,
    /// The run's seed.
    pub seed: u64,
    /// The files the run wrote, manifest.json included.
    pub files: Vec<String>,
    /// The books, in file order.
    pub books: Vec<BookInfo>,
    /// Each market-maker group's book.
    pub maker_books: BTreeMap<String, String>,
    /// book.csv's sampling interval, s.
    pub sample_interval_s: f64,
    /// The length of the run, s.
    pub duration_s: f64,
    /// Whether the run has only zero-intelligence traders: no makers, informed traders or
    /// shocks (programs included).
    pub zero_intelligence_only: bool,
    /// The scenario's `[[shocks]]`, programs included, as the manifest resolved them.
    pub shocks: Vec<ShockInfo>,
}

/// One `[[shocks]]` entry of the resolved scenario, as far as the plots' markers need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShockInfo {
    /// Its kind, as in scenario files (`sell_program`, `volatility`, …).
    pub kind: String,
    /// Start, s from the open.
    pub start_s: f64,
    /// How long it lasts, s (`None`: an instant, or a program that runs until done).
    pub duration_s: Option<f64>,
    /// The book a program trades (`None`: the first, or a market-wide shock).
    pub book: Option<String>,
}

impl RunInfo {
    /// Reads `dir`/manifest.json. A folder that is not a finished depthsim run is refused
    /// ([`ReportError::NotARun`]), saying why: no such folder, the hidden partial folder of a
    /// run still being written (or killed), no manifest.json (a run writes it last), one that
    /// is not depthsim's, or a file it lists that is gone.
    pub fn read(dir: &Path) -> Result<RunInfo, ReportError> {
        let refuse = |reason: String| ReportError::NotARun {
            dir: dir.to_path_buf(),
            reason,
        };
        match std::fs::metadata(dir) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refuse("there is no such folder".into()));
            }
            Err(e) => return Err(refuse(format!("cannot read it: {e}"))),
            Ok(m) if !m.is_dir() => return Err(refuse("it is not a folder".into())),
            Ok(_) => {}
        }
        let name = dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        if is_partial_name(&name) {
            return Err(refuse(
                "it is the hidden folder of a run that has not finished (still running, or \
                 killed): a run's files are moved to their folder only once it is complete"
                    .into(),
            ));
        }
        let path = dir.join("manifest.json");
        let mut bytes = Vec::new();
        match File::open(&path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refuse(
                    "it holds no manifest.json, so it is not a finished depthsim run (a run \
                     writes its manifest last)"
                        .into(),
                ));
            }
            Err(e) => return Err(refuse(format!("cannot read its manifest.json: {e}"))),
            Ok(f) => {
                f.take(MAX_MANIFEST_BYTES)
                    .read_to_end(&mut bytes)
                    .map_err(|e| refuse(format!("cannot read its manifest.json: {e}")))?;
            }
        }
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| refuse(format!("its manifest.json is not JSON ({e})")))?;
        if v.get("program").and_then(|p| p.as_str()) != Some("depthsim") {
            return Err(refuse(
                "its manifest.json is not a depthsim manifest (no \"program\": \"depthsim\")"
                    .into(),
            ));
        }
        let missing = |what: &str| refuse(format!("its manifest.json has no {what}"));
        let files: Vec<String> = v
            .get("files")
            .and_then(|f| f.as_array())
            .ok_or_else(|| missing("list of `files`"))?
            .iter()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        for f in &files {
            if !dir.join(f).is_file() {
                return Err(refuse(format!(
                    "{f}, which its manifest.json lists, is not there: the run is incomplete"
                )));
            }
        }
        let scenario = v.get("scenario").ok_or_else(|| missing("`scenario`"))?;
        let params = scenario
            .get("params")
            .ok_or_else(|| missing("`scenario.params`"))?;
        let num = |v: &serde_json::Value, key: &str| v.get(key).and_then(|x| x.as_f64());
        let mut books = Vec::new();
        if let Some(m) = params.get("market") {
            books.push(BookInfo {
                name: "main".into(),
                tick_size: num(m, "tick_size").ok_or_else(|| missing("`market.tick_size`"))?,
            });
        }
        for b in params
            .get("book")
            .and_then(|b| b.as_array())
            .into_iter()
            .flatten()
        {
            books.push(BookInfo {
                name: b
                    .get("name")
                    .and_then(|n| n.as_str())
                    .ok_or_else(|| missing("`book[].name`"))?
                    .to_string(),
                tick_size: num(b, "tick_size").ok_or_else(|| missing("`book[].tick_size`"))?,
            });
        }
        if books.is_empty() {
            return Err(missing("book (neither `market` nor `book`)"));
        }
        let mut maker_books = BTreeMap::new();
        for g in params
            .get("market_maker")
            .and_then(|b| b.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(name) = g.get("name").and_then(|n| n.as_str()) {
                let book = g
                    .get("book")
                    .and_then(|n| n.as_str())
                    .unwrap_or(&books[0].name);
                maker_books.insert(name.to_string(), book.to_string());
            }
        }
        let dt_s = scenario
            .get("dt_ns")
            .and_then(|x| x.as_f64())
            .ok_or_else(|| missing("`scenario.dt_ns`"))?
            / 1e9;
        let steps = num(scenario, "steps").ok_or_else(|| missing("`scenario.steps`"))?;
        let every = num(scenario, "sample_every_steps").unwrap_or(1.0);
        let none_of = |key: &str| {
            params
                .get(key)
                .and_then(|a| a.as_array())
                .is_none_or(|a| a.is_empty())
        };
        let zero_intelligence_only =
            none_of("market_maker") && none_of("informed") && none_of("shocks");
        let shocks = params
            .get("shocks")
            .and_then(|a| a.as_array())
            .into_iter()
            .flatten()
            .filter_map(|s| {
                Some(ShockInfo {
                    kind: s.get("kind")?.as_str()?.to_string(),
                    start_s: num(s, "start_s")?,
                    duration_s: num(s, "duration_s"),
                    book: s.get("book").and_then(|b| b.as_str()).map(str::to_string),
                })
            })
            .collect();
        Ok(RunInfo {
            dir: dir.to_path_buf(),
            name: scenario
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or("")
                .to_string(),
            seed: v.get("seed").and_then(|s| s.as_u64()).unwrap_or(0),
            files,
            books,
            maker_books,
            sample_interval_s: every * dt_s,
            duration_s: steps * dt_s,
            zero_intelligence_only,
            shocks,
        })
    }

    /// Whether the run wrote `file`.
    pub fn has(&self, file: &str) -> bool {
        self.files.iter().any(|f| f == file)
    }

    /// The index of the book named `name`, if the run has it.
    pub fn book_index(&self, name: &str) -> Option<usize> {
        self.books.iter().position(|b| b.name == name)
    }
}

/// A name of the form `.<target>.partial-<pid>-<n>`, optionally with `.replaced`: the
/// folder a run writes into before it is moved into place.
fn is_partial_name(name: &str) -> bool {
    let name = name.strip_suffix(".replaced").unwrap_or(name);
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    let Some((_, ids)) = rest.rsplit_once(".partial-") else {
        return false;
    };
    let mut parts = ids.split('-');
    let digits =
        |p: Option<&str>| p.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    digits(parts.next()) && digits(parts.next()) && parts.next().is_none()
}

/// A CSV file read one row at a time, its header checked up front.
pub struct Csv {
    path: PathBuf,
    reader: csv::Reader<BufReader<File>>,
    header: csv::StringRecord,
    record: csv::StringRecord,
}

impl Csv {
    /// Opens `path` and requires each of `required` in its header; the error names the
    /// file and every column missing.
    pub fn open(path: &Path, required: &[&str]) -> Result<Csv, ReportError> {
        let file = File::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => ReportError::MissingFile {
                file: path.to_path_buf(),
                what: "the file is not there".into(),
            },
            _ => ReportError::io(path, e),
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(BufReader::with_capacity(1 << 16, file));
        let header = reader.headers().map_err(|e| csv_error(path, e))?.clone();
        let missing: Vec<String> = required
            .iter()
            .filter(|c| !header.iter().any(|h| h == **c))
            .map(|c| c.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(ReportError::MissingColumns {
                file: path.to_path_buf(),
                columns: missing,
            });
        }
        Ok(Csv {
            path: path.to_path_buf(),
            reader,
            header,
            record: csv::StringRecord::new(),
        })
    }

    /// The header.
    pub fn header(&self) -> &csv::StringRecord {
        &self.header
    }

    /// The index of column `name`, if the header has it.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The index of a column [`Csv::open`] required.
    pub fn req(&self, name: &str) -> usize {
        self.col(name)
            .expect("a required column was checked at open")
    }

    /// Reads the next row; `false` at the end of the file.
    pub fn next_row(&mut self) -> Result<bool, ReportError> {
        self.reader
            .read_record(&mut self.record)
            .map_err(|e| csv_error(&self.path, e))
    }

    /// The current row's cell in column `i` (empty if the row is short).
    pub fn str(&self, i: usize) -> &str {
        self.record.get(i).unwrap_or("")
    }

    /// The current row's cell as a number; `None` when empty.
    pub fn f64(&self, i: usize) -> Result<Option<f64>, ReportError> {
        let s = self.str(i);
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<f64>()
            .map(Some)
            .map_err(|_| self.bad(i, format!("{s:?} is not a number")))
    }

    /// The current row's cell as a number that must be there.
    pub fn num(&self, i: usize) -> Result<f64, ReportError> {
        self.f64(i)?
            .ok_or_else(|| self.bad(i, "is empty, and must hold a number".into()))
    }

    /// An error about the current row's cell in column `i`.
    pub fn bad(&self, i: usize, problem: String) -> ReportError {
        ReportError::BadCell {
            file: self.path.clone(),
            line: self.record.position().map_or(0, |p| p.line()),
            column: self.header.get(i).unwrap_or("?").to_string(),
            problem,
        }
    }
}

fn csv_error(path: &Path, e: csv::Error) -> ReportError {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ReportError::io(path, io),
        kind => ReportError::BadCell {
            file: path.to_path_buf(),
            line,
            column: "-".into(),
            problem: format!("not a well-formed CSV row ({kind:?})"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_names() {
        assert!(is_partial_name(".seed-1.partial-42-0"));
        assert!(is_partial_name(".seed-1.partial-42-0.replaced"));
        assert!(!is_partial_name("seed-1"));
        assert!(!is_partial_name("seed-1.partial-42-0"));
        assert!(!is_partial_name(".seed-1.partial-42"));
        assert!(!is_partial_name(".seed-1.partial-4x-0"));
    }
}
