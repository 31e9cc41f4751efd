//! Cleaning up after processes that were killed outright (see the [parent module](super)).

use super::owner::{Owner, owner_of};
use super::parent_of;
use super::partial::{PartialKind, parse_partial_name};
use super::replace::{refusal, remove_result};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What [`recover_in`] did, or chose not to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// Deleted the temporary folder or file of a process that is gone.
    RemovedPartial(PathBuf),
    /// Put an earlier result, moved aside by a run that died before finishing its commit,
    /// back under its own name.
    Restored(PathBuf),
    /// Deleted an earlier result moved aside by a run that died after putting its own in place.
    RemovedReplaced(PathBuf),
    /// Left a temporary folder or file alone: its owner may be running (on another machine,
    /// say), or it holds something that is not depthsim's to delete.
    LeftAlone {
        /// The folder or file.
        path: PathBuf,
        /// Why, for the user.
        reason: String,
    },
}

/// [`recover_in`] on the folder that holds `final_path`.
pub fn recover_abandoned(final_path: &Path) -> Vec<Recovered> {
    recover_in(parent_of(final_path))
}

/// The temporary things of one stem found in a folder.
#[derive(Default)]
struct Found {
    main: Option<PathBuf>,
    replaced: Option<PathBuf>,
    target: String,
}

/// Cleans up, in `dir`, after processes killed outright: for every reserved name
/// ([`super::partial`]) whose owner is provably gone ([`super::owner`]), the temporary folder
/// or file is deleted, and a `.replaced` folder (the only copy of an earlier result, if the
/// run died mid-commit) is renamed back to its target's name if that name is free, deleted if
/// the name is taken and it is a depthsim result (or empty), and left alone otherwise; then
/// the lock file goes. Temporary things of live owners are never touched, nor are those
/// whose owner cannot be known (another machine, no lock file): those are reported as
/// [`Recovered::LeftAlone`]. Best effort: what cannot be cleaned is left as it is.
pub fn recover_in(dir: &Path) -> Vec<Recovered> {
    let mut done = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return done;
    };
    let mut stems: BTreeMap<String, Found> = BTreeMap::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(p) = name.to_str().and_then(parse_partial_name) else {
            continue;
        };
        let found = stems.entry(p.stem.to_string()).or_default();
        found.target = p.target.to_string();
        match p.kind {
            PartialKind::Main => found.main = Some(entry.path()),
            PartialKind::Replaced if entry.file_type().is_ok_and(|t| t.is_dir()) => {
                found.replaced = Some(entry.path())
            }
            PartialKind::Replaced | PartialKind::Lock => {}
        }
    }
    for (stem, found) in stems {
        let lock = dir.join(format!("{stem}.lock"));
        let guard = match owner_of(&lock) {
            Owner::Alive => continue,
            Owner::Gone(guard) => guard,
            Owner::Unclaimed(guard) if found.main.is_none() && found.replaced.is_none() => {
                let _ = guard.remove();
                continue;
            }
            Owner::Unclaimed(_) => {
                for path in [found.main, found.replaced].into_iter().flatten() {
                    done.push(Recovered::LeftAlone {
                        path,
                        reason: "its lock file holds no owner record, so its owner is unknown: \
                                 delete it yourself once no depthsim process is writing it"
                            .into(),
                    });
                }
                continue;
            }
            Owner::Missing | Owner::Unknown(_)
                if found.main.is_none() && found.replaced.is_none() =>
            {
                continue;
            }
            Owner::Missing => {
                for path in [found.main, found.replaced].into_iter().flatten() {
                    done.push(Recovered::LeftAlone {
                        path,
                        reason: "it has no lock file beside it, so its owner is unknown (an \
                                 earlier version of depthsim, or a process killed as it \
                                 started): delete it yourself once no depthsim process is \
                                 writing it"
                            .into(),
                    });
                }
                continue;
            }
            Owner::Unknown(why) => {
                for path in [found.main, found.replaced].into_iter().flatten() {
                    done.push(Recovered::LeftAlone {
                        path,
                        reason: format!(
                            "it belongs to {why}: delete it yourself once that process has \
                             ended"
                        ),
                    });
                }
                continue;
            }
        };
        crate::faults::point("recovery: owner gone");
        let mut left = false;
        if let Some(path) = found.main {
            let removed = match fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => fs::remove_dir_all(&path),
                Ok(_) => fs::remove_file(&path),
                Err(e) => Err(e),
            };
            match removed {
                Ok(()) => done.push(Recovered::RemovedPartial(path)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(_) => left = true,
            }
        }
        if let Some(path) = found.replaced {
            let target_path = dir.join(&found.target);
            match fs::symlink_metadata(&target_path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    if fs::rename(&path, &target_path).is_ok() {
                        done.push(Recovered::Restored(target_path));
                    } else {
                        left = true;
                    }
                }
                Ok(_) => {
                    let removed = match refusal(&path) {
                        Ok(None) => remove_result(&path).is_ok(),
                        // cut short after deleting the manifest: nothing is left in it
                        _ => fs::remove_dir(&path).is_ok(),
                    };
                    if removed {
                        done.push(Recovered::RemovedReplaced(path));
                    } else {
                        left = true;
                        done.push(Recovered::LeftAlone {
                            reason: format!(
                                "an interrupted run moved it aside from {} and that name is \
                                 taken now; it is not a depthsim result, so it is yours: move \
                                 it back yourself",
                                target_path.display()
                            ),
                            path,
                        });
                    }
                }
                Err(_) => left = true,
            }
        }
        if !left {
            let _ = guard.remove();
        }
        crate::faults::point("recovery: cleaned");
    }
    done
}
