//! The checker: each method tests one value and names its key on failure.

use super::{MAX_LOTS, MAX_RATE_PER_S};
use crate::scenario::ScenarioError;
use std::path::Path;

/// Collects the first violation, naming the key.
pub(super) struct Checker<'a> {
    pub(super) path: &'a Path,
}

impl Checker<'_> {
    pub(super) fn fail(&self, key: &str, message: String) -> ScenarioError {
        ScenarioError::Invalid {
            path: self.path.to_path_buf(),
            key: key.to_string(),
            message,
        }
    }

    /// A key that does not apply to the chosen `what` (e.g. the rule or the strategy).
    pub(super) fn not_applicable(&self, key: &str, what: &str, chosen: &str) -> ScenarioError {
        self.fail(
            key,
            format!(
                "does not apply with {what} = \"{chosen}\"; remove it or choose another {what}"
            ),
        )
    }

    /// A finite number > 0.
    pub(super) fn positive(&self, key: &str, v: f64) -> Result<(), ScenarioError> {
        if v.is_finite() && v > 0.0 {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a number > 0, got {v}")))
        }
    }

    /// A finite number ≥ 0.
    pub(super) fn non_negative(&self, key: &str, v: f64) -> Result<(), ScenarioError> {
        if v.is_finite() && v >= 0.0 {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a number ≥ 0, got {v}")))
        }
    }

    /// A finite number.
    pub(super) fn finite(&self, key: &str, v: f64) -> Result<(), ScenarioError> {
        if v.is_finite() {
            Ok(())
        } else {
            Err(self.fail(key, format!("must be a finite number, got {v}")))
        }
    }

    /// An integer ≥ 1.
    pub(super) fn at_least_one(&self, key: &str, v: u64) -> Result<(), ScenarioError> {
        if v >= 1 {
            Ok(())
        } else {
            Err(self.fail(key, "must be at least 1, got 0".to_string()))
        }
    }

    /// A quantity in lots, 1 ..= MAX_LOTS.
    pub(super) fn lots(&self, key: &str, v: u64) -> Result<(), ScenarioError> {
        if (1..=MAX_LOTS).contains(&v) {
            Ok(())
        } else {
            Err(self.fail(
                key,
                format!("must be between 1 and {MAX_LOTS} lots, got {v}"),
            ))
        }
    }

    /// A rate per second, 0 ..= MAX_RATE_PER_S.
    pub(super) fn rate(&self, key: &str, v: f64) -> Result<(), ScenarioError> {
        self.non_negative(key, v)?;
        if v <= MAX_RATE_PER_S {
            Ok(())
        } else {
            Err(self.fail(
                key,
                format!("must be at most {MAX_RATE_PER_S} per second, got {v}"),
            ))
        }
    }

    /// A duration in seconds between `min` and `max`.
    pub(super) fn seconds(
        &self,
        key: &str,
        v: f64,
        min: f64,
        max: f64,
    ) -> Result<(), ScenarioError> {
        if v.is_finite() && v >= min && v <= max {
            Ok(())
        } else {
            Err(self.fail(
                key,
                format!("must be between {min} and {max} seconds, got {v}"),
            ))
        }
    }
}
