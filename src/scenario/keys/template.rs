//! A commented scenario file (`depthsim new`): every table of a resolved scenario with every
//! key of its section, each under a comment giving its meaning, unit, default and allowed
//! values. Keys the scenario gives are written with its values; the others are commented
//! out with an example; sections it does not use are named at the end.

use super::render::{default_words, wrap};
use super::{SECTIONS, Section, section_at};
use crate::scenario::ScenarioFile;
use std::collections::BTreeSet;
use toml::{Table, Value};

/// Comment lines are wrapped at this many characters.
const WIDTH: usize = 96;

/// The scenario `file` (resolved: defaults filled in) as a commented scenario file, headed
/// by `intro` (each of its lines becomes a comment). The result reads back as `file`.
pub fn template(file: &ScenarioFile, intro: &str) -> Result<String, toml::ser::Error> {
    let root = match Value::try_from(file)? {
        Value::Table(t) => t,
        _ => Table::new(),
    };
    let mut out = String::new();
    for line in intro.lines() {
        out.push_str(format!("# {line}").trim_end());
        out.push('\n');
    }
    let mut writer = Writer {
        out,
        described: BTreeSet::new(),
    };
    let mut unused = Vec::new();
    for s in SECTIONS.iter().filter(|s| !s.paths[0].contains('.')) {
        match root.get(s.paths[0]) {
            Some(Value::Table(t)) => writer.table(s.paths[0], t, false),
            Some(Value::Array(a)) if !a.is_empty() => {
                for t in a.iter().filter_map(Value::as_table) {
                    writer.table(s.paths[0], t, true);
                }
            }
            _ => unused.push(s),
        }
    }
    let mut out = writer.out;
    if !unused.is_empty() {
        let names: Vec<String> = unused.iter().map(|s| s.header()).collect();
        out.push('\n');
        out.push_str(&wrap(
            &format!(
                "Sections this scenario does not use: {}. `depthsim keys SECTION` lists the \
                 keys of any section.",
                names.join(", ")
            ),
            WIDTH,
            "# ",
            "# ",
        ));
    }
    Ok(out)
}

/// Writes tables, describing each section the first time it appears.
struct Writer {
    out: String,
    described: BTreeSet<&'static str>,
}

impl Writer {
    fn comment(&mut self, text: &str) {
        self.out.push_str(&wrap(text, WIDTH, "# ", "# "));
    }

    /// The table at `path` (keys joined by dots, no indices) holding `t`.
    fn table(&mut self, path: &str, t: &Table, array: bool) {
        self.out.push('\n');
        let section = section_at(path);
        if let Some(s) = section
            && self.described.insert(s.name)
        {
            self.comment(s.about);
        }
        if array {
            self.out.push_str(&format!("[[{path}]]\n"));
        } else {
            self.out.push_str(&format!("[{path}]\n"));
        }
        let Some(s) = section else {
            // A table the key reference does not know (a test keeps this from happening):
            // its values, uncommented.
            for (k, v) in t.iter().filter(|(_, v)| !is_table(v)) {
                self.out.push_str(&format!("{k} = {v}\n"));
            }
            return;
        };
        self.values(s, path, t);
        for k in s.keys {
            let child = format!("{path}.{}", k.name);
            if section_at(&child).is_none() {
                continue;
            }
            match t.get(k.name) {
                Some(Value::Table(c)) => self.table(&child, c, false),
                Some(Value::Array(a)) => {
                    for c in a.iter().filter_map(Value::as_table) {
                        self.table(&child, c, true);
                    }
                }
                _ => {}
            }
        }
    }

    /// The plain keys of `t` (sub-tables follow them), each under its comment.
    fn values(&mut self, s: &Section, path: &str, t: &Table) {
        let mut absent = Vec::new();
        for k in s.keys {
            let child = format!("{path}.{}", k.name);
            if section_at(&child).is_some() {
                if !t.contains_key(k.name) {
                    absent.push(format!("{} ({})", k.name, default_words(k.presence)));
                }
                continue;
            }
            self.comment(&format!(
                "{} Unit: {}; {}; allowed: {}.",
                k.meaning,
                k.unit,
                default_words(k.presence),
                k.range
            ));
            match t.get(k.name) {
                Some(v) => self.out.push_str(&format!("{} = {v}\n", k.name)),
                None => self
                    .out
                    .push_str(&format!("# {} = {}\n", k.name, k.example)),
            }
        }
        for (k, v) in t.iter().filter(|(k, v)| !is_table(v) && s.key(k).is_none()) {
            self.out.push_str(&format!("{k} = {v}\n"));
        }
        if !absent.is_empty() {
            self.comment(&format!(
                "Tables not used here: {}; `depthsim keys {}.<table>` lists their keys.",
                absent.join(", "),
                s.name
            ));
        }
    }
}

/// Whether `v` is written as a table of its own (a table, or an array of tables).
fn is_table(v: &Value) -> bool {
    match v {
        Value::Table(_) => true,
        Value::Array(a) => !a.is_empty() && a.iter().all(Value::is_table),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Overrides, Scenario};
    use std::path::Path;

    #[test]
    fn every_shipped_scenario_reads_back_from_its_template_with_every_key_commented() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let file = Scenario::load(&path, &Overrides::default()).unwrap().params;
            let text = template(&file, "a test\nof two lines").unwrap();
            assert!(text.starts_with("# a test\n# of two lines\n"), "{text}");
            let back: ScenarioFile =
                toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
            assert_eq!(back, file, "{}", path.display());
            // every value line sits under a comment
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if !l.starts_with('#') && !l.starts_with('[') && !l.is_empty() {
                    assert!(lines[i - 1].starts_with('#'), "{}: {l}", path.display());
                }
            }
            seen += 1;
        }
        assert!(seen >= 10, "{seen} scenarios");
    }
}
