//! The events marked on every time plot: shocks, sell and buy programs, halts and makers'
//! withdrawals. From events.csv when the run wrote it (shock_start/shock_end,
//! program_done, halt_start/halt_end, state changes to `withdrawn`), else from the
//! manifest's resolved `[[shocks]]` (start_s and duration_s; no halts or withdrawals then).
//! One pass over events.csv, keeping only these rows.

use super::error::ReportError;
use super::read::{Csv, RunInfo};
use plotters::style::RGBColor;

/// What a marker marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    /// A sell program: from its start until it is done.
    SellProgram,
    /// A buy program: from its start until it is done.
    BuyProgram,
    /// Any other scheduled shock: from its start for its duration.
    Shock,
    /// A halted book: from the halt to the reopening.
    Halt,
    /// A maker's change to the `withdrawn` state (an instant).
    Withdrawal,
}

impl MarkKind {
    /// Its colour.
    pub fn colour(self) -> RGBColor {
        match self {
            MarkKind::SellProgram => RGBColor(170, 0, 30),
            MarkKind::BuyProgram => RGBColor(0, 110, 50),
            MarkKind::Shock => RGBColor(120, 60, 170),
            MarkKind::Halt => RGBColor(60, 60, 60),
            MarkKind::Withdrawal => RGBColor(213, 50, 0),
        }
    }

    /// Its entry in a plot's key.
    pub fn key(self) -> &'static str {
        match self {
            MarkKind::SellProgram => "sell program (line: start; bar: until done)",
            MarkKind::BuyProgram => "buy program (line: start; bar: until done)",
            MarkKind::Shock => "shock (line: start; bar: duration)",
            MarkKind::Halt => "halt (grey: book halted)",
            MarkKind::Withdrawal => "a maker withdraws (▲)",
        }
    }
}

/// One marked event.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// What it is.
    pub kind: MarkKind,
    /// The shock's kind as in scenario files (`volatility`, `sell_program`, …); empty for
    /// halts and withdrawals.
    pub name: String,
    /// Start, s.
    pub start_s: f64,
    /// End, s (an instant: the start).
    pub end_s: f64,
    /// The book it concerns (`None`: every book).
    pub book: Option<usize>,
}

/// The run's marks, in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Marks {
    /// Every mark.
    pub list: Vec<Mark>,
}

impl Marks {
    /// The marks that concern book `b` (market-wide ones included).
    pub fn for_book(&self, b: usize) -> Vec<Mark> {
        self.list
            .iter()
            .filter(|m| m.book.is_none_or(|x| x == b))
            .cloned()
            .collect()
    }

    /// Every mark.
    pub fn all(&self) -> Vec<Mark> {
        self.list.clone()
    }
}

fn kind_of(shock: &str) -> MarkKind {
    match shock {
        "sell_program" => MarkKind::SellProgram,
        "buy_program" => MarkKind::BuyProgram,
        _ => MarkKind::Shock,
    }
}

/// Reads the run's marks (see the module's description).
pub fn marks(run: &RunInfo) -> Result<Marks, ReportError> {
    let end = run.duration_s;
    let mut list = Vec::new();
    if !run.has("events.csv") {
        for s in &run.shocks {
            let kind = kind_of(&s.kind);
            list.push(Mark {
                kind,
                name: s.kind.clone(),
                start_s: s.start_s,
                end_s: s.duration_s.map_or(
                    if kind == MarkKind::Shock {
                        s.start_s
                    } else {
                        end
                    },
                    |d| (s.start_s + d).min(end),
                ),
                book: match kind {
                    MarkKind::Shock => None,
                    _ => Some(
                        s.book
                            .as_deref()
                            .and_then(|b| run.book_index(b))
                            .unwrap_or(0),
                    ),
                },
            });
        }
        list.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
        return Ok(Marks { list });
    }
    let path = run.dir.join("events.csv");
    let mut ev = Csv::open(&path, &["t_s", "book", "agent_id", "kind", "to", "trigger"])?;
    let [t, book, agent, kind, to, trigger] =
        ["t_s", "book", "agent_id", "kind", "to", "trigger"].map(|c| ev.req(c));
    // marks still open, by (kind, shock name, book, agent): their index in `list`
    let mut open: Vec<(String, usize)> = Vec::new();
    while ev.next_row()? {
        let k = ev.str(kind);
        let wanted = matches!(
            k,
            "shock_start" | "shock_end" | "program_done" | "halt_start" | "halt_end"
        ) || (k == "state_change" && ev.str(to) == "withdrawn");
        if !wanted {
            continue;
        }
        let at = ev.num(t)?;
        let b = match ev.str(book) {
            "" => None,
            name => Some(
                run.book_index(name)
                    .ok_or_else(|| ev.bad(book, format!("{name:?} is not a book of this run")))?,
            ),
        };
        let shock = ev.str(trigger).to_string();
        let key = format!("{}|{:?}|{}", shock, b, ev.str(agent));
        match k {
            "shock_start" | "halt_start" => {
                let mk = if k == "halt_start" {
                    MarkKind::Halt
                } else {
                    kind_of(&shock)
                };
                let key = if mk == MarkKind::Halt {
                    format!("halt|{b:?}")
                } else {
                    key
                };
                open.push((key, list.len()));
                list.push(Mark {
                    kind: mk,
                    name: if mk == MarkKind::Halt {
                        String::new()
                    } else {
                        shock
                    },
                    start_s: at,
                    // until closed: the run's end (a program or halt), or an instant
                    end_s: if mk == MarkKind::Shock { at } else { end },
                    book: b,
                });
            }
            "shock_end" | "program_done" | "halt_end" => {
                let key = if k == "halt_end" {
                    format!("halt|{b:?}")
                } else {
                    key
                };
                if let Some(i) = open.iter().position(|(k, _)| *k == key) {
                    let (_, at_list) = open.remove(i);
                    list[at_list].end_s = at;
                }
            }
            _ => list.push(Mark {
                kind: MarkKind::Withdrawal,
                name: String::new(),
                start_s: at,
                end_s: at,
                book: b,
            }),
        }
    }
    // a shock with a duration that events.csv did not end (it outlived the run)
    for (_, i) in open {
        if list[i].kind == MarkKind::Shock
            && let Some(s) = run
                .shocks
                .iter()
                .find(|s| s.kind == list[i].name && s.start_s == list[i].start_s)
        {
            list[i].end_s = s
                .duration_s
                .map_or(list[i].start_s, |d| (s.start_s + d).min(end));
        }
    }
    list.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    Ok(Marks { list })
}
