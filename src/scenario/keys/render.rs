//! The key table as text: for a terminal ([`terminal`]) and as the Markdown reference of
//! docs/scenarios.md ([`markdown`]).

use super::{Key, Presence, Section};

/// Lines of terminal text are wrapped at this many characters.
pub const TERMINAL_WIDTH: usize = 96;

/// The sections (or, with `only`, one key of the one section) as plain text, wrapped at
/// [`TERMINAL_WIDTH`]: per section its header and what it is, then per key its name, unit,
/// default and allowed values on one line, its meaning and an example below.
pub fn terminal(sections: &[&Section], only: Option<&Key>) -> String {
    let mut out = String::new();
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&s.header());
        out.push('\n');
        if only.is_none() {
            out.push_str(&wrap(s.about, TERMINAL_WIDTH, "  ", "  "));
            out.push('\n');
        }
        let width = s.keys.iter().map(|k| k.name.len()).max().unwrap_or(0);
        for k in s.keys.iter().filter(|k| only.is_none_or(|o| o == *k)) {
            let facts = format!("{} · {} · {}", k.unit, default_words(k.presence), k.range);
            out.push_str(&wrap(
                &facts,
                TERMINAL_WIDTH,
                &format!("  {:<width$}  ", k.name),
                &" ".repeat(width + 4),
            ));
            out.push_str(&wrap(k.meaning, TERMINAL_WIDTH, "      ", "      "));
            out.push_str(&format!("      e.g. {} = {}\n", k.name, k.example));
        }
    }
    out
}

/// The default as the terminal and the templates say it: `default 1.0`, `required`, or the
/// condition.
pub(super) fn default_words(p: Presence) -> String {
    match p {
        Presence::Required => "required".into(),
        Presence::Default(v) => format!("default {v}"),
        Presence::Described(t) => format!("default: {t}"),
        Presence::Conditional(t) => t.into(),
    }
}

/// The reference of docs/scenarios.md: per section a heading, what it is and a table of its
/// keys (key, meaning, unit, default, allowed values, example).
pub fn markdown(sections: &[&Section]) -> String {
    let mut out = String::new();
    for (i, s) in sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let headers: Vec<String> = s.header().split(" / ").map(|h| format!("`{h}`")).collect();
        out.push_str(&format!("### {}\n\n", headers.join(" / ")));
        out.push_str(&cell(s.about));
        out.push_str("\n\n| key | meaning | unit | default | allowed | example |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for k in s.keys {
            let default = match k.presence {
                Presence::Default(v) => format!("`{v}`"),
                p => cell(&p.text()),
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | `{}` |\n",
                k.name,
                cell(k.meaning),
                cell(k.unit),
                default,
                cell(k.range),
                k.example.replace('|', "\\|")
            ));
        }
    }
    out
}

/// Text for a Markdown table cell: `|` escaped, and `<` and `>` outside code spans written
/// as entities (so `mm<i>` is not read as HTML).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut code = false;
    for c in text.chars() {
        match c {
            '`' => {
                code = !code;
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '<' if !code => out.push_str("&lt;"),
            '>' if !code => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` wrapped at `width` characters, the first line after `first`, the others after
/// `rest`; every line ends with a newline.
pub(super) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_string();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_and_indents() {
        let w = wrap("aa bb cc dd", 7, "- ", "  ");
        assert_eq!(w, "- aa bb\n  cc dd\n");
        assert_eq!(wrap("", 10, "  ", "  "), "\n");
    }

    #[test]
    fn cells_escape_pipes_and_angle_brackets_outside_code() {
        assert_eq!(cell("|x| > mm<i>"), "\\|x\\| &gt; mm&lt;i&gt;");
        assert_eq!(cell("`a<b>`"), "`a<b>`");
    }
}
