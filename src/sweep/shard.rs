//! `--shard I/N`: which of a sweep's runs one process does, and its defaults from Slurm's
//! job-array variables.
//!
//! Shard `I` of `N` (0 ≤ I < N) does the runs whose index `r` has `r % N == I`: round robin,
//! so that each shard gets a share of every region of the grid, the slow ones included. The
//! shards together do every run exactly once, and a run's result does not depend on the shard
//! that did it.

use super::SweepError;
use std::fmt;
use std::str::FromStr;

/// One shard of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: u64,
    /// How many shards there are.
    pub count: u64,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether run `run` is this shard's.
    pub fn has(&self, run: u64) -> bool {
        run % self.count == self.index
    }

    /// The shard from Slurm's job-array variables, if `SLURM_ARRAY_TASK_ID` is set: index
    /// `SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN` (MIN 0 when unset), count
    /// `SLURM_ARRAY_TASK_COUNT`, or else `SLURM_ARRAY_TASK_MAX − MIN + 1`. `var` reads a
    /// variable (the process environment, or a test's).
    pub fn from_slurm(var: &dyn Fn(&str) -> Option<String>) -> Result<Option<Shard>, SweepError> {
        if var("SLURM_ARRAY_TASK_ID").is_none() {
            return Ok(None);
        }
        let num = |name: &str| -> Result<Option<u64>, SweepError> {
            match var(name) {
                None => Ok(None),
                Some(v) => v.trim().parse::<u64>().map(Some).map_err(|_| {
                    SweepError::Shard(format!(
                        "{name}={v:?} is not a whole number ≥ 0 (set by Slurm for a job array)"
                    ))
                }),
            }
        };
        let id = num("SLURM_ARRAY_TASK_ID")?.unwrap_or_default();
        let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let count = match (num("SLURM_ARRAY_TASK_COUNT")?, num("SLURM_ARRAY_TASK_MAX")?) {
            (Some(c), _) => c,
            (None, Some(max)) if max >= min => max
                .checked_sub(min)
                .and_then(|d| d.checked_add(1))
                .ok_or_else(|| {
                    SweepError::Shard(format!(
                        "SLURM_ARRAY_TASK_MAX={max} with SLURM_ARRAY_TASK_MIN={min} makes more \
                         tasks than can be counted: submit a contiguous array (e.g. \
                         --array=0-9), or give --shard I/N"
                    ))
                })?,
            (None, Some(max)) => {
                return Err(SweepError::Shard(format!(
                    "SLURM_ARRAY_TASK_MAX={max} is below SLURM_ARRAY_TASK_MIN={min}: submit a \
                     contiguous array (e.g. --array=0-9), or give --shard I/N"
                )));
            }
            (None, None) => {
                return Err(SweepError::Shard(
                    "SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor \
                     SLURM_ARRAY_TASK_MAX is: give --shard I/N"
                        .into(),
                ));
            }
        };
        if count == 0 {
            return Err(SweepError::Shard(
                "SLURM_ARRAY_TASK_COUNT=0: a job array has at least one task; give --shard I/N"
                    .into(),
            ));
        }
        match id.checked_sub(min) {
            Some(index) if index < count => Ok(Some(Shard { index, count })),
            _ => Err(SweepError::Shard(format!(
                "SLURM_ARRAY_TASK_ID={id} with SLURM_ARRAY_TASK_MIN={min} and {count} tasks does \
                 not name a shard: submit a contiguous array (e.g. --array=0-{}, no step), or \
                 give --shard I/N",
                count.saturating_sub(1)
            ))),
        }
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("expected I/N with 0 ≤ I < N, e.g. 0/4, got {s:?}");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn parses_and_partitions() {
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { index: 1, count: 3 }));
        for bad in ["3/3", "0/0", "1", "a/2", "-1/2", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (0..3).map(|i| Shard { index: i, count: 3 }).collect();
        for run in 0..20 {
            assert_eq!(shards.iter().filter(|s| s.has(run)).count(), 1);
        }
    }

    #[test]
    fn slurm_variables() {
        assert_eq!(Shard::from_slurm(&env(&[])).unwrap(), None);
        let s = Shard::from_slurm(&env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]));
        assert_eq!(s.unwrap(), Some(Shard { index: 2, count: 4 }));
        // --array=1-5
        let s = Shard::from_slurm(&env(&[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "5"),
        ]));
        assert_eq!(s.unwrap(), Some(Shard { index: 0, count: 5 }));
        for vars in [
            &[
                ("SLURM_ARRAY_TASK_ID", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ][..],
            &[
                ("SLURM_ARRAY_TASK_ID", "x"),
                ("SLURM_ARRAY_TASK_COUNT", "4"),
            ][..],
            &[("SLURM_ARRAY_TASK_ID", "0")][..],
            // issue 22: wrapped to "0 tasks"
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_MAX", "18446744073709551615"),
            ][..],
            &[
                ("SLURM_ARRAY_TASK_ID", "0"),
                ("SLURM_ARRAY_TASK_COUNT", "0"),
            ][..],
            &[
                ("SLURM_ARRAY_TASK_ID", "3"),
                ("SLURM_ARRAY_TASK_MIN", "5"),
                ("SLURM_ARRAY_TASK_MAX", "4"),
            ][..],
        ] {
            let e = Shard::from_slurm(&env(vars)).unwrap_err();
            assert!(e.is_bad_input(), "{e}");
            assert!(!e.to_string().contains("0 tasks"), "{e}");
        }
    }
}
