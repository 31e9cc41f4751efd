//! The scenario keys, documented: every section and key a scenario file may hold, with its
//! meaning, unit, default, allowed range and an example. This table is the one source of the
//! key reference: `depthsim keys` prints it, `depthsim keys --markdown` writes the reference
//! in docs/scenarios.md, and `depthsim new` comments a template with it.
//!
//! The parser ([`ScenarioFile`](super::ScenarioFile) and the structs under it) stays the
//! authority on what is accepted; [`probe::parser_tables`] reads the accepted keys out of the
//! parser itself, and a test requires the two to agree, key for key. To add a key: add the
//! field to its serde struct, its range check to `validate`, and a [`Key`] to its section
//! here (a new table: a [`Section`] too, and a [`Key`] naming it in its parent section); then
//! regenerate the reference (`scripts/update-keys.sh`).

mod book;
mod maker;
mod options;
mod output;
pub mod probe;
mod render;
mod template;
mod traders;

pub use render::{markdown, terminal};
pub use template::template;

use crate::scenario::ScenarioFile;
use thiserror::Error;

/// Whether a key must be given, and what it is when it is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Every table of the section must give it.
    Required,
    /// Required, refused or optional depending on other keys: the text says when
    /// ("required with style = \"passive\"").
    Conditional(&'static str),
    /// Optional; when left out it takes this value, written as TOML (`1.0`, `"outward"`).
    Default(&'static str),
    /// Optional; what leaving it out means, in words ("the file's stem", "none: no hedging").
    Described(&'static str),
}

impl Presence {
    /// The text of the reference's "default" column.
    pub fn text(self) -> String {
        match self {
            Presence::Required => "required".to_string(),
            Presence::Conditional(t) | Presence::Described(t) => t.to_string(),
            Presence::Default(v) => v.to_string(),
        }
    }
}

/// One key of a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key as written in the file.
    pub name: &'static str,
    /// Its unit (`s`, `ticks`, `lots`, `currency`, `per s`, …), `—` for a name, a choice or
    /// a switch, `table` or `tables` for a sub-table.
    pub unit: &'static str,
    /// Whether it must be given, and its default.
    pub presence: Presence,
    /// The values the checks accept.
    pub range: &'static str,
    /// One value, as TOML, that the parser accepts for it.
    pub example: &'static str,
    /// What it does, in a sentence or two.
    pub meaning: &'static str,
}

/// One table (or array of tables) of a scenario file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The name it is shown and looked up by: `market_maker.hedge`,
    /// `market_maker.withdrawal.<trigger>`.
    pub name: &'static str,
    /// Every table path, keys joined by dots without indices, that holds these keys:
    /// `market.halt` and `book.halt` share one section.
    pub paths: &'static [&'static str],
    /// An array of tables (`[[noise]]`), written once per element.
    pub array: bool,
    /// What the section is, in a sentence or two.
    pub about: &'static str,
    /// Its keys, in the order the reference lists them.
    pub keys: &'static [Key],
}

impl Section {
    /// The header as a file writes it: `[run]`, `[[noise]]`, `[market.halt]` / `[book.halt]`.
    pub fn header(&self) -> String {
        let (open, close) = if self.array { ("[[", "]]") } else { ("[", "]") };
        if self.name.contains('<') {
            return format!("{open}{}{close}", self.name);
        }
        self.paths
            .iter()
            .map(|p| format!("{open}{p}{close}"))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The key named `name`, if the section has it.
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }
}

/// Every section, in the order of a scenario file.
pub fn sections() -> &'static [Section] {
    SECTIONS
}

static SECTIONS: &[Section] = &[
    book::RUN,
    book::MARKET,
    book::HALT,
    book::PRICE_BANDS,
    book::BOOK,
    book::FUNDAMENTAL,
    traders::NOISE,
    traders::STAND_BACK,
    traders::HAWKES,
    traders::FEEDBACK,
    traders::INFORMED,
    maker::MARKET_MAKER,
    maker::WITHDRAWAL,
    maker::TRIGGER,
    maker::HEDGE,
    options::OPTIONS,
    options::STRIKE_LADDER,
    options::CLIENT_FLOW,
    options::OPTION_TIME,
    output::SHOCKS,
    output::OUTPUT,
    output::COLLAPSE,
];

/// The section holding the table at `path` (keys joined by dots, no indices).
pub fn section_at(path: &str) -> Option<&'static Section> {
    SECTIONS.iter().find(|s| s.paths.contains(&path))
}

/// What `depthsim keys WHAT` names: a whole section, or one key of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// A section.
    Section(&'static Section),
    /// One key of a section.
    Key(&'static Section, &'static Key),
}

/// `WHAT` names no section and no key. Its message lists the sections.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error(
    "{what:?} names no scenario section or key; the sections are: {}",
    section_names()
)]
pub struct UnknownSection {
    /// What was asked for.
    pub what: String,
}

fn section_names() -> String {
    SECTIONS
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Finds a section or a key by name, as the reference, a file header or an error message
/// writes it: `market_maker.hedge`, `[market_maker.hedge]`, `[[noise]]`,
/// `market_maker[0].hedge.band_lots`, `market_maker.withdrawal.loss.exit`.
pub fn lookup(what: &str) -> Result<Lookup, UnknownSection> {
    let path = normalise(what);
    let found = SECTIONS
        .iter()
        .find(|s| s.name == path || s.paths.contains(&path.as_str()))
        .map(Lookup::Section)
        .or_else(|| {
            let (table, key) = path.rsplit_once('.')?;
            let s = SECTIONS
                .iter()
                .find(|s| s.name == table || s.paths.contains(&table))?;
            Some(Lookup::Key(s, s.key(key)?))
        });
    found.ok_or_else(|| UnknownSection {
        what: what.to_string(),
    })
}

/// `[[market_maker]]` → `market_maker`; `noise[0].stand_back` → `noise.stand_back`.
fn normalise(what: &str) -> String {
    let mut out = String::with_capacity(what.len());
    let mut depth = 0usize;
    let trimmed = what.trim();
    let bare = trimmed
        .strip_prefix("[[")
        .and_then(|t| t.strip_suffix("]]"))
        .or_else(|| trimmed.strip_prefix('[').and_then(|t| t.strip_suffix(']')))
        .unwrap_or(trimmed);
    for c in bare.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && !c.is_whitespace() => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where the key table and the parser disagree, one line each: a key the parser accepts
/// that no [`Section`] documents, a documented key or section the parser does not accept,
/// a sub-table without a section, or an example the parser refuses. Empty when they agree.
pub fn disagreements(tables: &[probe::ParserTable], sections: &[Section]) -> Vec<String> {
    let mut out = Vec::new();
    let at = |path: &str| sections.iter().find(|s| s.paths.contains(&path));
    for t in tables {
        if t.path.is_empty() {
            for k in &t.keys {
                if at(&k.name).is_none() {
                    out.push(format!(
                        "the parser accepts [{}], which no section documents",
                        k.name
                    ));
                }
            }
            continue;
        }
        let Some(s) = at(&t.path) else {
            out.push(format!(
                "the parser accepts [{}], which no section documents",
                t.path
            ));
            continue;
        };
        if s.array != t.array {
            out.push(format!(
                "{}: the parser's array of tables is {}, the section's {}",
                t.path, t.array, s.array
            ));
        }
        for k in &t.keys {
            if s.key(&k.name).is_none() {
                out.push(format!(
                    "the parser accepts {}.{}, which {} does not document",
                    t.path, k.name, s.name
                ));
            }
        }
        for k in s.keys {
            if !t.keys.iter().any(|p| p.name == k.name) {
                out.push(format!(
                    "{} documents {}.{}, which the parser refuses",
                    s.name, t.path, k.name
                ));
            } else if let Some(m) = example_refusal(tables, &t.path, k) {
                out.push(format!(
                    "{}.{}: the example {} is refused: {m}",
                    t.path, k.name, k.example
                ));
            }
        }
    }
    for s in sections {
        for p in s.paths {
            if !tables.iter().any(|t| t.path == *p) {
                out.push(format!(
                    "{} documents [{p}], which the parser refuses",
                    s.name
                ));
            }
        }
    }
    out
}

/// The parser's complaint about `key = example` in the table at `path`, if it is about that
/// line (a missing required key elsewhere is not). A sub-table's example is written as an
/// inline table or array of inline tables.
fn example_refusal(tables: &[probe::ParserTable], path: &str, key: &Key) -> Option<String> {
    let mut steps = Vec::new();
    let mut prefix = String::new();
    for part in path.split('.') {
        if !prefix.is_empty() {
            prefix.push('.');
        }
        prefix.push_str(part);
        let array = tables.iter().any(|t| t.path == prefix && t.array);
        steps.push((part.to_string(), array));
    }
    let text = probe::document(&steps, &format!("{} = {}", key.name, key.example));
    let line = text.trim_end().rfind('\n').map_or(0, |i| i + 1);
    let e = toml::from_str::<ScenarioFile>(&text).err()?;
    let on_line = e.span().is_none_or(|r| r.start >= line);
    on_line.then(|| e.message().trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_documents_every_key_the_parser_accepts_and_no_other() {
        let tables = probe::parser_tables().unwrap();
        let found = disagreements(&tables, SECTIONS);
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    /// The keys `raw` (a table as written, at `path`) leaves out whose documented default
    /// differs from the value `resolved` (the same table after validation) gives them.
    fn wrong_defaults(
        path: &str,
        raw: &toml::Table,
        resolved: &toml::Table,
        out: &mut Vec<String>,
    ) {
        let Some(s) = section_at(path) else { return };
        for k in s.keys {
            let child = format!("{path}.{}", k.name);
            match (raw.get(k.name), resolved.get(k.name)) {
                (None, Some(got)) => {
                    if let Presence::Default(v) = k.presence {
                        let want: toml::Table = toml::from_str(&format!("v = {v}")).unwrap();
                        let same = match (&want["v"], got) {
                            (a, b) if a == b => true,
                            (a, b) => {
                                a.as_float().or(a.as_integer().map(|i| i as f64))
                                    == b.as_float().or(b.as_integer().map(|i| i as f64))
                                    && a.as_float().or(a.as_integer().map(|i| i as f64)).is_some()
                            }
                        };
                        if !same {
                            out.push(format!("{child}: documented default {v}, resolved {got}"));
                        }
                    }
                }
                (Some(toml::Value::Table(a)), Some(toml::Value::Table(b))) => {
                    wrong_defaults(&child, a, b, out)
                }
                (Some(toml::Value::Array(a)), Some(toml::Value::Array(b))) => {
                    for (a, b) in a.iter().zip(b) {
                        if let (Some(a), Some(b)) = (a.as_table(), b.as_table()) {
                            wrong_defaults(&child, a, b, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn documented_defaults_are_what_validation_fills_in_for_the_shipped_scenarios() {
        use crate::scenario::{Overrides, Scenario};
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut out = Vec::new();
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let raw: toml::Table =
                toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let file = Scenario::load(&path, &Overrides::default()).unwrap().params;
            let toml::Value::Table(resolved) = toml::Value::try_from(&file).unwrap() else {
                panic!("not a table")
            };
            for (name, v) in &raw {
                let mut found = Vec::new();
                match (v, resolved.get(name)) {
                    (toml::Value::Table(a), Some(toml::Value::Table(b))) => {
                        wrong_defaults(name, a, b, &mut found)
                    }
                    (toml::Value::Array(a), Some(toml::Value::Array(b))) => {
                        for (a, b) in a.iter().zip(b) {
                            if let (Some(a), Some(b)) = (a.as_table(), b.as_table()) {
                                wrong_defaults(name, a, b, &mut found);
                            }
                        }
                    }
                    _ => {}
                }
                checked += 1;
                out.extend(
                    found
                        .into_iter()
                        .map(|f| format!("{}: {f}", path.display())),
                );
            }
        }
        assert!(checked > 50, "{checked} tables");
        assert!(out.is_empty(), "{}", out.join("\n"));
    }

    #[test]
    fn a_wrong_default_is_found() {
        let raw: toml::Table = toml::from_str("[output]\nl2_levels = 3").unwrap();
        let resolved: toml::Table =
            toml::from_str("[output]\nl2_levels = 3\nsample_interval_s = 2.0\ntrades = true")
                .unwrap();
        let mut out = Vec::new();
        wrong_defaults(
            "output",
            raw["output"].as_table().unwrap(),
            resolved["output"].as_table().unwrap(),
            &mut out,
        );
        assert_eq!(
            out,
            ["output.sample_interval_s: documented default 1.0, resolved 2.0"]
        );
    }

    #[test]
    fn a_missing_an_extra_or_a_refused_key_is_a_disagreement() {
        let tables = probe::parser_tables().unwrap();
        let mut sections: Vec<Section> = SECTIONS.to_vec();
        let hedge = sections
            .iter_mut()
            .find(|s| s.name == "market_maker.hedge")
            .unwrap();
        let mut keys = hedge.keys.to_vec();
        let dropped = keys.remove(0);
        keys.push(Key {
            name: "hedge_sometimes",
            ..dropped
        });
        let style = keys.iter_mut().find(|k| k.name == "style").unwrap();
        style.example = "\"sometimes\"";
        hedge.keys = Box::leak(keys.into_boxed_slice());
        let found = disagreements(&tables, &sections).join("\n");
        assert!(
            found.contains(&format!("accepts market_maker.hedge.{}", dropped.name)),
            "{found}"
        );
        assert!(
            found.contains("market_maker.hedge.hedge_sometimes, which the parser refuses"),
            "{found}"
        );
        assert!(
            found.contains("market_maker.hedge.style: the example"),
            "{found}"
        );
        sections.retain(|s| s.name != "output.collapse");
        let found = disagreements(&tables, &sections).join("\n");
        assert!(
            found.contains("[output.collapse], which no section documents"),
            "{found}"
        );
    }

    #[test]
    fn sections_and_keys_are_found_as_files_and_errors_write_them() {
        for what in [
            "market_maker.hedge",
            "[market_maker.hedge]",
            "market_maker[1].hedge",
        ] {
            assert!(
                matches!(lookup(what), Ok(Lookup::Section(s)) if s.name == "market_maker.hedge"),
                "{what}"
            );
        }
        assert!(matches!(lookup("[[noise]]"), Ok(Lookup::Section(s)) if s.name == "noise"));
        assert!(matches!(lookup("book.halt"), Ok(Lookup::Section(s)) if s.name == "market.halt"));
        assert!(matches!(
            lookup("market_maker[0].hedge.band_lots"),
            Ok(Lookup::Key(s, k)) if s.name == "market_maker.hedge" && k.name == "band_lots"
        ));
        assert!(matches!(
            lookup("market_maker.withdrawal.loss.exit"),
            Ok(Lookup::Key(_, k)) if k.name == "exit"
        ));
    }

    #[test]
    fn an_unknown_section_lists_the_sections() {
        let e = lookup("market_maker.hedging").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("\"market_maker.hedging\""), "{text}");
        assert!(text.contains("market_maker.hedge"), "{text}");
        assert!(text.contains("output.collapse"), "{text}");
    }

    #[test]
    fn every_section_and_key_is_named_once() {
        let mut paths: Vec<&str> = SECTIONS
            .iter()
            .flat_map(|s| s.paths.iter().copied())
            .collect();
        paths.sort_unstable();
        let n = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), n, "a table path is in two sections");
        for s in SECTIONS {
            let mut names: Vec<&str> = s.keys.iter().map(|k| k.name).collect();
            names.sort_unstable();
            let n = names.len();
            names.dedup();
            assert_eq!(names.len(), n, "{}: a key is listed twice", s.name);
            for k in s.keys {
                assert!(
                    !k.meaning.is_empty() && !k.unit.is_empty(),
                    "{}.{}",
                    s.name,
                    k.name
                );
                assert!(
                    !k.range.is_empty() && !k.example.is_empty(),
                    "{}.{}",
                    s.name,
                    k.name
                );
            }
        }
    }
}
