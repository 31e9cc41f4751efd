//! `[output] lobster_levels` and `lobster_book`: the LOBSTER export.

use super::checker::Checker;
use crate::scenario::{BookParams, MAX_LOBSTER_LEVELS, ScenarioError, ScenarioFile};

/// Checks the LOBSTER keys: a level count in range, a book that exists, and a tick whose
/// price × 10,000 (LOBSTER's price unit) is a whole number.
pub(super) fn check_lobster(
    c: &Checker,
    f: &ScenarioFile,
    books: &[BookParams],
) -> Result<(), ScenarioError> {
    let o = &f.output;
    if o.lobster_levels > MAX_LOBSTER_LEVELS {
        return Err(c.fail(
            "output.lobster_levels",
            format!(
                "must be at most {MAX_LOBSTER_LEVELS}, got {}",
                o.lobster_levels
            ),
        ));
    }
    let book = match &o.lobster_book {
        Some(name) => books.iter().find(|b| &b.name == name).ok_or_else(|| {
            let names: Vec<&str> = books.iter().map(|b| b.name.as_str()).collect();
            c.fail(
                "output.lobster_book",
                format!("names no book; the books are: {}", names.join(", ")),
            )
        })?,
        None => &books[0],
    };
    if o.lobster_levels > 0 {
        let units = book.tick_size * 10_000.0;
        if (units - units.round()).abs() > 1e-9 || units.round() < 1.0 {
            return Err(c.fail(
                "output.lobster_levels",
                format!(
                    "needs a tick of whole hundredths of a cent (LOBSTER prices are currency × \
                     10,000); book {:?} has a tick of {}",
                    book.name, book.tick_size
                ),
            ));
        }
    }
    Ok(())
}
