//! Cleaning up after runs that were killed outright (see the [parent module](super)).

use super::parent_of;
use super::replace::{refusal, remove_result};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What [`recover_abandoned`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovered {
    /// Deleted the partial folder of a run that is gone.
    RemovedPartial(PathBuf),
    /// Put an earlier result, moved aside by a run that died before finishing its commit,
    /// back under its own name.
    Restored(PathBuf),
    /// Deleted an earlier result moved aside by a run that died after putting its own in place.
    RemovedReplaced(PathBuf),
}

/// A name of the form `.<target>.partial-<pid>-<n>` or the same plus `.replaced`: the
/// target's name, the pid, and whether it is an aside folder.
pub(super) fn parse_partial_name(name: &str) -> Option<(&str, u32, bool)> {
    let rest = name.strip_prefix('.')?;
    let (rest, replaced) = match rest.strip_suffix(".replaced") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let (target, ids) = rest.rsplit_once(".partial-")?;
    let (pid, n) = ids.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if target.is_empty() || !digits(pid) || !digits(n) {
        return None;
    }
    Some((target, pid.parse().ok()?, replaced))
}

/// Whether process `pid` exists, where that can be known: on Linux with `/proc` mounted.
pub(super) fn pid_alive(pid: u32) -> Option<bool> {
    let proc = Path::new("/proc");
    if cfg!(target_os = "linux") && proc.join("self").exists() {
        Some(proc.join(pid.to_string()).exists())
    } else {
        None
    }
}

/// Cleans up after runs that were killed outright, in the folder that holds `final_path`
/// (every target there, not only this one). For each partial folder whose process is known to
/// be gone ([module docs](self)): a `.partial-` folder is deleted; a `.replaced` folder (the
/// only copy of an earlier result, if the run died mid-commit) is renamed back to its
/// target's name if that name is free, deleted if the name is taken and it is a depthsim
/// result (or empty), and left alone otherwise. Folders of this process and of live processes
/// are never touched, nor is anything not named like a partial folder. Best effort: what
/// cannot be cleaned is left as it is, silently.
pub fn recover_abandoned(final_path: &Path) -> Vec<Recovered> {
    let parent = parent_of(final_path);
    let mut done = Vec::new();
    let Ok(entries) = fs::read_dir(parent) else {
        return done;
    };
    let me = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some((target, pid, replaced)) = name.to_str().and_then(parse_partial_name) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || pid == me || pid_alive(pid) != Some(false) {
            continue;
        }
        let path = entry.path();
        if !replaced {
            if fs::remove_dir_all(&path).is_ok() {
                done.push(Recovered::RemovedPartial(path));
            }
            continue;
        }
        let target_path = parent.join(target);
        match fs::symlink_metadata(&target_path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if fs::rename(&path, &target_path).is_ok() {
                    done.push(Recovered::Restored(target_path));
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
                }
            }
            Err(_) => {}
        }
    }
    done
}
