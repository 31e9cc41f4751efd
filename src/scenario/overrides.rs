//! `--set PATH=VALUE`: one scenario key changed from the command line.
//!
//! PATH names a key the way the validation errors do: keys joined by dots, an array of tables
//! indexed from 0 (`run.duration_s`, `noise[1].mu_per_s`, `market_maker[0].hedge.band_lots`,
//! `output.depth_bands_ticks[0]`). VALUE is a TOML value (`10.0`, `5`, `true`, `[5, 10]`,
//! `"ioc"`, `{ band_lots = 2, style = "market" }`).
//!
//! An override edits the file's TOML tree before the tree is read into the serde mirror, so the
//! value is checked exactly like the file's: an unknown key, a wrong type or a value out of
//! range is refused, naming the key. Walking the path, a missing plain table is created (the
//! mirror then says what it lacks), but an array of tables must exist and the index must be
//! within it: [`apply`] refuses anything else, saying what is there.

use super::{ScenarioError, ScenarioFile, describe_toml_error};
use serde::Deserialize;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use thiserror::Error;
use toml::{Table, Value};

/// One step of a PATH: a key, and an index into the array it names.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Step {
    key: String,
    index: Option<usize>,
}

/// One `--set PATH=VALUE`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// The argument as given.
    text: String,
    steps: Vec<Step>,
    value: Value,
}

/// Why a `--set` argument is not `PATH=VALUE`.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("{message}")]
pub struct OverrideSyntaxError {
    message: String,
}

fn syntax(message: String) -> OverrideSyntaxError {
    OverrideSyntaxError { message }
}

impl FromStr for Override {
    type Err = OverrideSyntaxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some((path, value)) = text.split_once('=') else {
            return Err(syntax(
                "expected PATH=VALUE, e.g. run.duration_s=10.0 or noise[0].mu_per_s=2.5".into(),
            ));
        };
        let steps = parse_path(path.trim())?;
        let value = parse_value(value.trim())?;
        Ok(Override {
            text: text.to_string(),
            steps,
            value,
        })
    }
}

impl fmt::Display for Override {
    /// The argument as given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Override {
    /// The argument as given, `PATH=VALUE`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The key it sets, written as the validation errors write keys: `noise[1].mu_per_s`.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.steps.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&s.key);
            if let Some(j) = s.index {
                out.push_str(&format!("[{j}]"));
            }
        }
        out
    }

    /// The value it sets.
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The key `k` that a serde mirror error names without indices, a key related to this
    /// override's path (see [`related`]), with the path's indices: `market_maker.hedge` is
    /// `market_maker[0].hedge` for `market_maker[0].hedge.band_lots`.
    fn indexed(&self, k: &str) -> String {
        let parts: Vec<&str> = k.split('.').collect();
        let shared = self
            .steps
            .iter()
            .zip(&parts)
            .take_while(|(s, p)| s.key == **p)
            .count();
        let mut out = Override {
            text: String::new(),
            steps: self.steps[..shared].to_vec(),
            value: Value::Boolean(true),
        }
        .path();
        for p in &parts[shared..] {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(p);
        }
        out
    }

    /// The path without indices (`noise.mu_per_s`), as the serde mirror's errors name keys.
    fn unindexed_path(&self) -> String {
        self.steps
            .iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>()
            .join(".")
    }
}

fn parse_path(path: &str) -> Result<Vec<Step>, OverrideSyntaxError> {
    let bad = |why: &str| {
        syntax(format!(
            "PATH `{path}` {why}: PATH is keys joined by dots, each optionally followed by an \
             index, e.g. run.duration_s or market_maker[0].hedge.band_lots"
        ))
    };
    if path.is_empty() {
        return Err(bad("is empty"));
    }
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            None => (part, None),
            Some((key, rest)) => {
                let Some(digits) = rest.strip_suffix(']') else {
                    return Err(bad(&format!("has `{part}`, whose index does not end in ]")));
                };
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(&format!(
                        "has `{part}`, whose index is not a whole number ≥ 0"
                    )));
                }
                let Ok(i) = digits.parse::<usize>() else {
                    return Err(bad(&format!("has `{part}`, whose index is too large")));
                };
                (key, Some(i))
            }
        };
        if key.is_empty() {
            return Err(bad("has an empty key"));
        }
        if let Some(c) = key
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        {
            return Err(bad(&format!("has the character {c:?} in key `{key}`")));
        }
        steps.push(Step {
            key: key.to_string(),
            index,
        });
    }
    Ok(steps)
}

fn parse_value(value: &str) -> Result<Value, OverrideSyntaxError> {
    if value.is_empty() {
        return Err(syntax(
            "VALUE is empty: give a TOML value, e.g. 10.0, 5, true, [5, 10] or \"ioc\"".into(),
        ));
    }
    value.parse::<Value>().map_err(|e| {
        let bare_word = value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if bare_word {
            syntax(format!(
                "VALUE `{value}` is not a TOML value: a string needs double quotes, which the \
                 shell keeps inside single quotes: --set 'KEY=\"{value}\"'"
            ))
        } else {
            syntax(format!(
                "VALUE `{value}` is not a TOML value ({}): write it as in a scenario file, \
                 e.g. 10.0, 5, true, [5, 10] or \"ioc\"",
                e.message().trim_end().replace('\n', " ")
            ))
        }
    })
}

/// What a TOML value is, for messages: `a table`, `the integer 5`.
fn describe(v: &Value) -> String {
    match v {
        Value::Table(_) => "a table".into(),
        Value::Array(a) => format!("a list of {} values", a.len()),
        Value::String(_) | Value::Integer(_) | Value::Float(_) | Value::Boolean(_) => {
            format!("the {} {v}", v.type_str())
        }
        Value::Datetime(_) => format!("the datetime {v}"),
    }
}

/// The keys of a table, for messages: `the keys name, count, mu_per_s`.
fn keys_of(t: &Table) -> String {
    if t.is_empty() {
        return "no keys".into();
    }
    format!(
        "the keys {}",
        t.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
    )
}

/// `1 entry`, `2 entries`, `0 tables`.
fn count(n: usize, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

/// Applies one override to the file's tree. Refuses (saying what is there) a path that walks
/// through a value that is not a table, an array of tables the file does not have, an index
/// outside the array, or an index on what is not an array. A missing plain table on the way is
/// created, and any key may be set in a table: the serde mirror then refuses unknown keys and
/// incomplete tables, naming them.
pub(super) fn apply(root: &mut Table, o: &Override) -> Result<(), String> {
    let mut table = root;
    let mut at = String::new();
    let last = o.steps.len() - 1;
    for (n, step) in o.steps.iter().enumerate() {
        let here = if at.is_empty() {
            step.key.clone()
        } else {
            format!("{at}.{}", step.key)
        };
        let where_ = if at.is_empty() {
            "the file".to_string()
        } else {
            format!("`{at}`")
        };
        let slot: &mut Value = match step.index {
            None if n == last => {
                table.insert(step.key.clone(), o.value.clone());
                return Ok(());
            }
            None => {
                let v = table
                    .entry(step.key.clone())
                    .or_insert_with(|| Value::Table(Table::new()));
                if let Value::Array(a) = v {
                    return Err(format!(
                        "`{here}` is a list of {} in the file: give an index, e.g. {here}[0]",
                        count(a.len(), "table")
                    ));
                }
                v
            }
            Some(i) => {
                let keys = keys_of(table);
                let Some(v) = table.get_mut(&step.key) else {
                    return Err(format!(
                        "{where_} has no `{}` list, so `{here}[{i}]` names nothing ({where_} has \
                         {keys})",
                        step.key
                    ));
                };
                let Value::Array(a) = v else {
                    return Err(format!(
                        "`{here}` is {} in the file, not a list: remove the index [{i}]",
                        describe(v)
                    ));
                };
                let len = a.len();
                let Some(e) = a.get_mut(i) else {
                    return Err(format!(
                        "index {i} is out of range: `{here}` has {} in the file ({})",
                        count(len, "entry"),
                        match len {
                            0 => "none".to_string(),
                            1 => format!("{here}[0] only"),
                            _ => format!("{here}[0] to {here}[{}]", len - 1),
                        }
                    ));
                };
                if n == last {
                    *e = o.value.clone();
                    return Ok(());
                }
                e
            }
        };
        at = match step.index {
            Some(i) => format!("{here}[{i}]"),
            None => here,
        };
        let Value::Table(t) = slot else {
            return Err(format!(
                "`{at}` is {} in the file, not a table, so it has no keys to set",
                describe(slot)
            ));
        };
        table = t;
    }
    unreachable!("an override's path has at least one step, and the last one returns")
}

/// Whether key `a` is `b`, or a key inside it, or holds it: `noise[0]` and `noise[0].mu_per_s`
/// are related, `noise[0]` and `noise[1]` are not.
fn related(a: &str, b: &str) -> bool {
    let inside = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
    };
    inside(a, b) || inside(b, a)
}

/// The key a serde mirror error on a tree names (`market_maker.hedge`, no indices), from the
/// `in `...`` line toml's error ends with when it has no place in a text to point at.
fn error_key(e: &toml::de::Error) -> Option<String> {
    let shown = e.to_string();
    let line = shown.lines().rev().find(|l| l.starts_with("in `"))?;
    Some(line.strip_prefix("in `")?.strip_suffix('`')?.to_string())
}

/// `--set A, --set B`: the overrides, as a message names them.
fn named(set: &[&Override]) -> String {
    set.iter()
        .map(|o| format!("--set {o}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `text` as TOML, applies the overrides in order, and reads the result into the serde
/// mirror. A file error (not TOML; or a key, type or table wrong in the file itself) is
/// reported like the file's own, with its line; an error the overrides cause names them.
pub(super) fn file_with(
    text: &str,
    path: &Path,
    set: &[Override],
) -> Result<ScenarioFile, ScenarioError> {
    let file_error = |e: &toml::de::Error| ScenarioError::Parse {
        path: path.to_path_buf(),
        message: describe_toml_error(e, text),
    };
    let original: Table = toml::from_str(text).map_err(|e| file_error(&e))?;
    let mut tree = original.clone();
    for o in set {
        apply(&mut tree, o).map_err(|message| ScenarioError::Override {
            path: path.to_path_buf(),
            set: format!("--set {o}"),
            message,
        })?;
    }
    let err = match ScenarioFile::deserialize(tree) {
        Ok(f) => return Ok(f),
        Err(e) => e,
    };
    // The same error without the overrides is the file's: report it with its line.
    let alone = ScenarioFile::deserialize(original).err();
    if alone.is_some_and(|a| a.to_string() == err.to_string())
        && let Err(e) = toml::from_str::<ScenarioFile>(text)
    {
        return Err(file_error(&e));
    }
    let message = err.message().trim_end().replace('\n', " ");
    let key = error_key(&err);
    let blamed: Vec<&Override> = match &key {
        Some(k) => set
            .iter()
            .filter(|o| related(&o.unindexed_path(), k))
            .collect(),
        None => set.iter().collect(),
    };
    let all: Vec<&Override> = set.iter().collect();
    Err(match (blamed.as_slice(), key) {
        ([one], key) => ScenarioError::Override {
            path: path.to_path_buf(),
            set: format!("--set {one}"),
            message: match key.map(|k| one.indexed(&k)) {
                // which table lacks a key, or holds a wrong one, when it is not the path itself
                Some(k) if k != one.path() && !message.starts_with("unknown field") => {
                    format!("{message} in `{k}`")
                }
                _ => message,
            },
        },
        ([], Some(k)) => ScenarioError::Parse {
            path: path.to_path_buf(),
            message: format!("{message} in `{k}` (with {} applied)", named(&all)),
        },
        (some, Some(k)) => ScenarioError::Override {
            path: path.to_path_buf(),
            set: named(some),
            message: format!("{message} in `{k}`"),
        },
        (_, None) => ScenarioError::Override {
            path: path.to_path_buf(),
            set: named(&all),
            message,
        },
    })
}

/// A validation error, saying which override set the key it names, or that overrides were
/// applied when none of them set it.
pub(super) fn mention(e: ScenarioError, set: &[Override]) -> ScenarioError {
    match e {
        ScenarioError::Invalid { path, key, message } if !set.is_empty() => {
            let setters: Vec<&Override> = set.iter().filter(|o| related(&o.path(), &key)).collect();
            let note = if setters.is_empty() {
                let all: Vec<&Override> = set.iter().collect();
                format!("with {} applied", named(&all))
            } else {
                format!("set by {}", named(&setters))
            };
            ScenarioError::Invalid {
                path,
                key,
                message: format!("{message} ({note})"),
            }
        }
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(s: &str) -> Override {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn syntax_error(s: &str) -> String {
        s.parse::<Override>().unwrap_err().to_string()
    }

    fn tree(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn paths_and_values_parse() {
        let x = o("market_maker[0].hedge.band_lots=3");
        assert_eq!(x.path(), "market_maker[0].hedge.band_lots");
        assert_eq!(x.unindexed_path(), "market_maker.hedge.band_lots");
        assert_eq!(x.value(), &Value::Integer(3));
        assert_eq!(x.as_str(), "market_maker[0].hedge.band_lots=3");
        assert_eq!(x.indexed("market_maker.hedge"), "market_maker[0].hedge");
        assert_eq!(x.indexed("market_maker"), "market_maker[0]");
        assert_eq!(
            x.indexed("market_maker.hedge.band_lots.x"),
            "market_maker[0].hedge.band_lots.x"
        );
        assert_eq!(o("run.duration_s=10.0").value(), &Value::Float(10.0));
        assert_eq!(o("a.b = true").value(), &Value::Boolean(true));
        assert_eq!(
            o("output.depth_bands_ticks=[5, 10]").value(),
            &Value::Array(vec![Value::Integer(5), Value::Integer(10)])
        );
        assert_eq!(o("x=\"ioc\"").value(), &Value::String("ioc".into()));
        // only the first = splits
        assert_eq!(o("run.name=\"a=b\"").value(), &Value::String("a=b".into()));
        assert!(
            o("m[0].hedge={ band_lots = 2, style = \"market\" }")
                .value()
                .is_table()
        );
    }

    #[test]
    fn bad_syntax_is_explained() {
        assert!(syntax_error("run.duration_s").contains("expected PATH=VALUE"));
        assert!(syntax_error("=5").contains("is empty"));
        assert!(syntax_error("run..x=5").contains("empty key"));
        assert!(syntax_error("noise[a].x=5").contains("not a whole number"));
        assert!(syntax_error("noise[-1].x=5").contains("not a whole number"));
        assert!(syntax_error("noise[1.x=5").contains("does not end in ]"));
        assert!(syntax_error("noise[99999999999999999999999].x=5").contains("too large"));
        assert!(syntax_error("no ise.x=5").contains("' '"));
        assert!(syntax_error("run.x=").contains("VALUE is empty"));
        let e = syntax_error("market_maker[0].hedge.style=ioc");
        assert!(e.contains("double quotes") && e.contains("\"ioc\""), "{e}");
        let e = syntax_error("run.x=[1,");
        assert!(e.contains("is not a TOML value"), "{e}");
    }

    #[test]
    fn apply_sets_replaces_and_creates_plain_tables() {
        let mut t = tree("[run]\nseed = 1\n[[noise]]\ncount = 1\n[[noise]]\ncount = 2\n");
        apply(&mut t, &o("run.seed=5")).unwrap();
        apply(&mut t, &o("run.name=\"x\"")).unwrap();
        apply(&mut t, &o("noise[1].count=7")).unwrap();
        apply(&mut t, &o("output.trades=false")).unwrap();
        apply(&mut t, &o("noise[0].stand_back.limit_rate_factor=0.5")).unwrap();
        let want = tree(
            "[run]\nseed = 5\nname = \"x\"\n[[noise]]\ncount = 1\n\
             [noise.stand_back]\nlimit_rate_factor = 0.5\n[[noise]]\ncount = 7\n\
             [output]\ntrades = false\n",
        );
        assert_eq!(t, want);
        let mut t = tree("[output]\ndepth_bands_ticks = [5, 10]\n");
        apply(&mut t, &o("output.depth_bands_ticks[1]=20")).unwrap();
        assert_eq!(t, tree("[output]\ndepth_bands_ticks = [5, 20]\n"));
    }

    #[test]
    fn apply_refuses_paths_that_name_nothing_and_says_what_is_there() {
        let text = "[run]\nseed = 1\n[[noise]]\ncount = 1\n[[noise]]\ncount = 2\n";
        let err = |s: &str| apply(&mut tree(text), &o(s)).unwrap_err();
        let e = err("noise[2].count=1");
        assert_eq!(
            e,
            "index 2 is out of range: `noise` has 2 entries in the file (noise[0] to noise[1])"
        );
        let e = err("noise.count=1");
        assert!(
            e.contains("is a list of 2 tables") && e.contains("noise[0]"),
            "{e}"
        );
        let e = err("shocks[1].participation=0.5");
        assert_eq!(
            e,
            "the file has no `shocks` list, so `shocks[1]` names nothing (the file has the \
             keys noise, run)"
        );
        let e = err("run.seed.x=1");
        assert!(e.contains("`run.seed` is the integer 1"), "{e}");
        let e = err("run[0].seed=1");
        assert!(
            e.contains("`run` is a table in the file, not a list"),
            "{e}"
        );
        let e = err("noise[0].count[0]=1");
        assert!(e.contains("`noise[0].count` is the integer 1"), "{e}");
    }

    #[test]
    fn counts_read_well() {
        assert_eq!(count(1, "entry"), "1 entry");
        assert_eq!(count(2, "entry"), "2 entries");
        assert_eq!(count(0, "table"), "0 tables");
    }

    #[test]
    fn related_keys() {
        assert!(related("noise[0]", "noise[0].mu_per_s"));
        assert!(related("noise[0].mu_per_s", "noise[0].mu_per_s"));
        assert!(related(
            "output.depth_bands_ticks",
            "output.depth_bands_ticks[0]"
        ));
        assert!(!related("noise[0]", "noise[1].mu_per_s"));
        assert!(!related("noise[1]", "noise[10]"));
        assert!(!related("run.dt_s", "run.duration_s"));
    }
}
