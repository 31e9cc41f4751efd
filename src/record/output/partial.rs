//! The names of depthsim's temporary folders and files, and how a fresh one is claimed.
//!
//! A temporary thing for `<target>` is named `.<target>.partial-<pid>-<n>` in the target's
//! folder; `<stem>.lock` beside it is its owner's lock file ([`super::owner`]) and
//! `<stem>.replaced` an earlier result that a run moved aside while putting its own in place.
//! These names are reserved: depthsim treats them as its own, and cleans them up only when
//! their owner is provably gone.

use super::owner::Claim;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// What a reserved name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartialKind {
    /// The temporary folder or file itself.
    Main,
    /// An earlier result moved aside (`.replaced`).
    Replaced,
    /// Its owner's lock file (`.lock`).
    Lock,
}

/// A reserved name, taken apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialName<'a> {
    /// The name of what it will become (or was moved aside from).
    pub target: &'a str,
    /// `.<target>.partial-<pid>-<n>`: the name shared by the thing, its lock and its aside.
    pub stem: &'a str,
    /// The pid of the process that made it (in that process's pid namespace).
    pub pid: u32,
    /// Which of the three it is.
    pub kind: PartialKind,
}

/// Takes apart `.<target>.partial-<pid>-<n>`, with an optional `.replaced` or `.lock`.
pub fn parse_partial_name(name: &str) -> Option<PartialName<'_>> {
    let (stem, kind) = if let Some(s) = name.strip_suffix(".replaced") {
        (s, PartialKind::Replaced)
    } else if let Some(s) = name.strip_suffix(".lock") {
        (s, PartialKind::Lock)
    } else {
        (name, PartialKind::Main)
    };
    let rest = stem.strip_prefix('.')?;
    let (target, ids) = rest.rsplit_once(".partial-")?;
    let (pid, n) = ids.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if target.is_empty() || !digits(pid) || !digits(n) {
        return None;
    }
    Some(PartialName {
        target,
        stem,
        pid: pid.parse().ok()?,
        kind,
    })
}

/// Distinguishes the temporary names of one process.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Claims a fresh temporary name for `target` in `parent`: creates and locks its lock file
/// (the name is taken only if that file did not exist), then calls `make` on the
/// temporary path (to create the folder or file). A name in use, by this machine or another
/// process namespace that happens to have the same pid, is skipped, never touched.
pub fn claim<T>(
    parent: &Path,
    target: &str,
    mut make: impl FnMut(&Path) -> io::Result<T>,
) -> io::Result<(Claim, PathBuf, T)> {
    let pid = std::process::id();
    for _ in 0..10_000 {
        let stem = format!(
            ".{target}.partial-{pid}-{}",
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let claim = match Claim::create(&parent.join(format!("{stem}.lock"))) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            r => r?,
        };
        crate::faults::point("claim: lock file created");
        let path = parent.join(&stem);
        match make(&path) {
            Ok(made) => return Ok((claim, path, made)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other(format!(
        "no free temporary name for {target} in {}",
        parent.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_names_are_recognised_exactly() {
        let p = parse_partial_name(".seed-1.partial-42-0").unwrap();
        assert_eq!(
            (p.target, p.stem, p.pid, p.kind),
            ("seed-1", ".seed-1.partial-42-0", 42, PartialKind::Main)
        );
        let p = parse_partial_name(".a.partial-1-2.partial-42-7.replaced").unwrap();
        assert_eq!(
            (p.target, p.pid, p.kind),
            ("a.partial-1-2", 42, PartialKind::Replaced)
        );
        let p = parse_partial_name(".runs.csv.partial-9-3.lock").unwrap();
        assert_eq!(
            (p.target, p.stem, p.kind),
            ("runs.csv", ".runs.csv.partial-9-3", PartialKind::Lock)
        );
        for name in [
            "seed-1",
            "seed-1.partial-42-0",
            "..partial-42-0",
            ".seed-1.partial-42",
            ".seed-1.partial--0",
            ".seed-1.partial-4x-0",
            ".seed-1.partial-42-0.old",
            ".seed-1.partial-42-0-1",
            ".seed-1.partial-42-0.lock.lock",
        ] {
            assert_eq!(parse_partial_name(name), None, "{name}");
        }
    }

    #[test]
    fn a_name_in_use_is_skipped() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, pa, ()) = claim(tmp.path(), "x", |p| std::fs::create_dir(p)).unwrap();
        // someone else's folder under the next name, without a lock file
        let next = NEXT.load(Ordering::Relaxed);
        let theirs = tmp
            .path()
            .join(format!(".x.partial-{}-{next}", std::process::id()));
        std::fs::create_dir(&theirs).unwrap();
        std::fs::write(theirs.join("f"), "theirs").unwrap();
        let (b, pb, ()) = claim(tmp.path(), "x", |p| std::fs::create_dir(p)).unwrap();
        assert_ne!(pa, pb);
        assert_ne!(pb, theirs);
        assert_eq!(std::fs::read_to_string(theirs.join("f")).unwrap(), "theirs");
        assert!(a.path().exists() && b.path().exists());
    }
}
