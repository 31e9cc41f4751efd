//! The keys the parser accepts, read out of the parser itself.
//!
//! Every table of a scenario file is a serde struct with `deny_unknown_fields`, which refuses
//! an unknown key with "unknown field `x`, expected one of `a`, `b`, …": the list of the keys
//! it accepts. [`parser_tables`] writes a tiny document holding one unknown key in a table,
//! reads the list from the refusal, and then asks the same of every key in it: is it a table
//! (`[a.key]` with an unknown key inside is refused the same way), an array of tables
//! (`[[a.key]]`), a choice (`key = "unknown"` is refused with "unknown variant, expected one
//! of …") or a plain value. So the whole tree of accepted keys, nested tables included, comes
//! from the serde structs, with no second list to maintain: a key added to a struct appears
//! here at once.

use crate::scenario::ScenarioFile;

/// A key nobody would write: the probe's unknown key and unknown choice.
const PROBE: &str = "depthsim_probe_key";

/// What a key of a parser table holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParserValue {
    /// A number, a text, a switch or a list of them.
    Value,
    /// One of these names (a serde enum), or a list of them.
    Choice(Vec<String>),
    /// A table: its path is the parent's path and the key.
    Table,
    /// An array of tables.
    Tables,
}

/// One key the parser accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParserKey {
    /// The key.
    pub name: String,
    /// What it holds.
    pub value: ParserValue,
}

/// One table the parser reads, with the keys it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParserTable {
    /// Keys joined by dots, without indices: `market_maker.hedge`; empty for the file's top.
    pub path: String,
    /// Whether it is an element of an array of tables (`[[noise]]`).
    pub array: bool,
    /// Its keys, in the order of the serde struct.
    pub keys: Vec<ParserKey>,
}

/// Why the parser's keys could not be read: a table that accepts unknown keys (no
/// `deny_unknown_fields`), or a refusal in a form this module does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the keys of `{path}` from the parser: {message}")]
pub struct ProbeError {
    /// The table.
    pub path: String,
    /// What the parser said.
    pub message: String,
}

/// Every table a scenario file may hold, the top first, each followed by its sub-tables.
pub fn parser_tables() -> Result<Vec<ParserTable>, ProbeError> {
    let mut out = Vec::new();
    walk(&mut Vec::new(), &mut out)?;
    Ok(out)
}

/// One step of a table path: a key, and whether it is an array of tables.
type Step = (String, bool);

fn walk(steps: &mut Vec<Step>, out: &mut Vec<ParserTable>) -> Result<(), ProbeError> {
    let names = keys_of(steps).map_err(|message| ProbeError {
        path: dotted(steps),
        message,
    })?;
    let at = out.len();
    out.push(ParserTable {
        path: dotted(steps),
        array: steps.last().is_some_and(|s| s.1),
        keys: Vec::new(),
    });
    let mut keys = Vec::with_capacity(names.len());
    for name in names {
        let value = classify(steps, &name);
        if matches!(value, ParserValue::Table | ParserValue::Tables) {
            steps.push((name.clone(), value == ParserValue::Tables));
            walk(steps, out)?;
            steps.pop();
        }
        keys.push(ParserKey { name, value });
    }
    out[at].keys = keys;
    Ok(())
}

fn classify(steps: &mut Vec<Step>, name: &str) -> ParserValue {
    for array in [false, true] {
        steps.push((name.to_string(), array));
        let table = keys_of(steps).is_ok();
        steps.pop();
        if table {
            return if array {
                ParserValue::Tables
            } else {
                ParserValue::Table
            };
        }
    }
    for value in [format!("\"{PROBE}\""), format!("[\"{PROBE}\"]")] {
        if let Some(m) = refusal(steps, name, &value)
            && let Some(choices) = expected(&m, &format!("unknown variant `{PROBE}`"))
        {
            return ParserValue::Choice(choices);
        }
    }
    ParserValue::Value
}

/// The keys the table at `steps` accepts, or what the parser said instead.
fn keys_of(steps: &[Step]) -> Result<Vec<String>, String> {
    let m = refusal(steps, PROBE, "0").unwrap_or_else(|| "an unknown key was accepted".into());
    expected(&m, &format!("unknown field `{PROBE}`")).ok_or(m)
}

/// The parser's message for a document holding `key = value` in the table at `steps`
/// (`None`: it was read).
pub(super) fn refusal(steps: &[Step], key: &str, value: &str) -> Option<String> {
    let text = document(steps, &format!("{key} = {value}"));
    toml::from_str::<ScenarioFile>(&text)
        .err()
        .map(|e| e.message().trim().to_string())
}

/// A document with the headers of the table at `steps` (each array with one element), then
/// `line`.
pub(super) fn document(steps: &[Step], line: &str) -> String {
    let mut text = String::new();
    for i in 0..steps.len() {
        let path = dotted(&steps[..=i]);
        if steps[i].1 {
            text.push_str(&format!("[[{path}]]\n"));
        } else {
            text.push_str(&format!("[{path}]\n"));
        }
    }
    text.push_str(line);
    text.push('\n');
    text
}

fn dotted(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|s| s.0.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// The names serde lists after `lead` ("unknown field `x`"): ", expected one of `a`, `b`",
/// ", expected `a`", or ", there are no fields".
fn expected(message: &str, lead: &str) -> Option<Vec<String>> {
    let rest = message.strip_prefix(lead)?;
    if rest.starts_with(", there are no") {
        return Some(Vec::new());
    }
    let list = rest
        .strip_prefix(", expected one of ")
        .or_else(|| rest.strip_prefix(", expected "))?;
    // serde writes two names as "`a` or `b`" and more as "`a`, `b`, `c`".
    Some(
        list.split(", ")
            .flat_map(|n| n.split(" or "))
            .map(|n| n.trim().trim_matches('`').to_string())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serdes_lists_are_read() {
        assert_eq!(
            expected(
                "unknown field `q`, expected one of `a`, `b`",
                "unknown field `q`"
            ),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(
            expected("unknown field `q`, expected `a`", "unknown field `q`"),
            Some(vec!["a".to_string()])
        );
        assert_eq!(
            expected(
                "unknown field `q`, there are no fields",
                "unknown field `q`"
            ),
            Some(vec![])
        );
        assert_eq!(
            expected(
                "unknown variant `q`, expected `a` or `b`",
                "unknown variant `q`"
            ),
            Some(vec!["a".to_string(), "b".to_string()])
        );
        assert_eq!(expected("missing field `a`", "unknown field `q`"), None);
    }

    #[test]
    fn nested_tables_arrays_and_choices_are_found() {
        let tables = parser_tables().unwrap();
        let table = |p: &str| tables.iter().find(|t| t.path == p).unwrap();
        let top = table("");
        assert!(top.keys.iter().any(|k| k.name == "run"));
        assert!(table("noise").array);
        let hedge = table("market_maker.hedge");
        assert!(!hedge.array);
        let style = hedge.keys.iter().find(|k| k.name == "style").unwrap();
        assert_eq!(
            style.value,
            ParserValue::Choice(
                ["market", "ioc", "passive", "sliced"]
                    .map(String::from)
                    .to_vec()
            )
        );
        assert!(table("market_maker.options").array);
        table("market_maker.options.strike_ladder");
        table("market_maker.withdrawal.loss");
        table("book.halt");
        let flow = table("market_maker.client_flow");
        let kinds = flow.keys.iter().find(|k| k.name == "kinds").unwrap();
        assert!(matches!(&kinds.value, ParserValue::Choice(c) if c.len() == 2));
        let output = table("output");
        let bands = output
            .keys
            .iter()
            .find(|k| k.name == "depth_bands_ticks")
            .unwrap();
        assert_eq!(bands.value, ParserValue::Value);
    }
}
