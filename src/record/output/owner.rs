//! Who owns a temporary folder or file, and whether that owner is provably gone.
//!
//! Every temporary thing depthsim makes (a run's partial folder, a report's staging folder, a
//! file written atomically) has a lock file beside it, `<its name>.lock`, created before it.
//! The process that made it holds an exclusive `flock` on that file for as long as the
//! temporary thing exists, and writes into it who it is ([`OwnerRecord`]): the host name, the
//! machine id, the boot id, the pid namespace, the pid and the process's start time.
//!
//! [`owner_of`] decides whether the owner is gone. Only [`Owner::Gone`] allows a clean-up:
//! - the lock is free **and** the record names this very kernel (the same boot id): on one
//!   kernel a lock is released exactly when its holder dies, whatever pid namespace or
//!   container either process is in;
//! - or the record names this machine (host name and machine id) with an earlier boot id: the
//!   machine has restarted since, so every process of that boot is gone;
//! - or, on a file system where locks do not work (the owner recorded `locked: false`, or
//!   taking the lock fails): the record names this kernel and this pid namespace, and no
//!   process with that pid and start time is running.
//!
//! Anything else is [`Owner::Alive`] (the lock is held) or [`Owner::Unknown`] (another machine,
//! another kernel, no readable record): left alone. An empty lock file nobody holds
//! ([`Owner::Unclaimed`]) is a claim its maker never finished; it is deleted when it guards
//! nothing, and a maker that was only slow notices and claims another name. A lock file that another machine's
//! process holds on a network file system with working locks (NFS) also reads as held. On a
//! file system whose locks are local to each machine, a folder of another machine reads as
//! [`Owner::Unknown`] because of its boot id, never as gone.

use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Largest owner record read (real ones are a few hundred bytes).
const MAX_RECORD_BYTES: u64 = 16 << 10;

/// What an owner writes into its lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnerRecord {
    /// "depthsim".
    pub program: String,
    /// The host name (Linux: `/proc/sys/kernel/hostname`).
    pub host: Option<String>,
    /// The machine's id (`/etc/machine-id`), which survives restarts.
    pub machine_id: Option<String>,
    /// The running kernel's boot id (`/proc/sys/kernel/random/boot_id`): one per boot.
    pub boot_id: Option<String>,
    /// The pid namespace (`/proc/self/ns/pid`, e.g. `pid:[4026531836]`).
    pub pid_namespace: Option<String>,
    /// The process id, in that namespace.
    pub pid: u32,
    /// The process's start time, clock ticks after boot (`/proc/self/stat`, field 22): tells a
    /// reused pid from the owner.
    pub start_time_ticks: Option<u64>,
    /// Whether the owner holds the lock (false: the file system refused it).
    pub locked: bool,
}

/// This process's identity, read once.
#[derive(Debug, Clone, Default)]
struct Identity {
    host: Option<String>,
    machine_id: Option<String>,
    boot_id: Option<String>,
    pid_namespace: Option<String>,
    start_time_ticks: Option<u64>,
}

fn first_line(path: &str) -> Option<String> {
    let text = fs::read_to_string(path).ok()?;
    let line = text.lines().next()?.trim();
    (!line.is_empty()).then(|| line.to_string())
}

fn identity() -> &'static Identity {
    static ID: OnceLock<Identity> = OnceLock::new();
    ID.get_or_init(|| Identity {
        host: first_line("/proc/sys/kernel/hostname")
            .or_else(|| first_line("/etc/hostname"))
            .or_else(|| std::env::var("HOSTNAME").ok().filter(|h| !h.is_empty())),
        machine_id: first_line("/etc/machine-id")
            .or_else(|| first_line("/var/lib/dbus/machine-id")),
        boot_id: first_line("/proc/sys/kernel/random/boot_id"),
        pid_namespace: fs::read_link("/proc/self/ns/pid")
            .ok()
            .map(|p| p.to_string_lossy().into_owned()),
        start_time_ticks: start_time_ticks("self"),
    })
}

/// Field 22 of `/proc/<pid>/stat`: the process's start time in clock ticks after boot.
fn start_time_ticks(pid: &str) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // the command name (field 2) is in parentheses and may hold spaces: count after it
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

impl OwnerRecord {
    /// This process's record.
    pub fn this_process(locked: bool) -> OwnerRecord {
        let id = identity();
        OwnerRecord {
            program: "depthsim".into(),
            host: id.host.clone(),
            machine_id: id.machine_id.clone(),
            boot_id: id.boot_id.clone(),
            pid_namespace: id.pid_namespace.clone(),
            pid: std::process::id(),
            start_time_ticks: id.start_time_ticks,
            locked,
        }
    }

    /// "host H, pid P" for messages.
    pub fn describe(&self) -> String {
        format!(
            "a depthsim process on host {} (pid {})",
            self.host.as_deref().unwrap_or("unknown"),
            self.pid
        )
    }
}

/// A lock file this process created and holds: the claim on a temporary folder or file.
/// Dropping it deletes the lock file (and so releases the lock); drop it only after the
/// temporary thing is gone or has been renamed into place.
#[derive(Debug)]
pub struct Claim {
    path: PathBuf,
    file: Option<File>,
    /// Delete the lock file on drop (false: leave it, for a later clean-up to find).
    remove: bool,
}

impl Claim {
    /// Creates the lock file `path` (it must not exist: [`io::ErrorKind::AlreadyExists`]
    /// otherwise), locks it and writes this process's record into it. On a file system
    /// without working locks the claim is still made, recording `locked: false`.
    pub fn create(path: &Path) -> io::Result<Claim> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        let mut claim = Claim {
            path: path.to_path_buf(),
            file: None,
            remove: true,
        };
        crate::faults::point("claim: lock file created, not yet locked");
        // A cleaner may hold the lock for a moment, and may even delete the file while it is
        // still empty (a claim whose maker died before locking it looks the same): wait for
        // the lock, then make sure the name still is this file, or give the name up.
        let locked = file.lock().is_ok();
        if locked && !same_file(&file, path) {
            claim.remove = false;
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "the name was cleaned up before it was locked",
            ));
        }
        let record = OwnerRecord::this_process(locked);
        let text = serde_json::to_string(&record).map_err(io::Error::other)?;
        let written = file.write_all(text.as_bytes()).and_then(|()| file.flush());
        claim.file = Some(file);
        written?;
        Ok(claim)
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Releases the lock but leaves the lock file, with its record, in place: for when what
    /// it guards could not be deleted, so that a later clean-up finds its owner gone.
    pub fn leave(mut self) {
        self.remove = false;
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // delete while still holding the lock, so nobody sees a free lock on a live name
        if self.remove {
            let _ = fs::remove_file(&self.path);
        }
        self.file.take();
    }
}

/// Whether the owner of a lock file is gone.
#[derive(Debug)]
pub enum Owner {
    /// No lock file.
    Missing,
    /// Its owner holds the lock, or is known to run.
    Alive,
    /// Provably gone; the lock is now held by this process (drop the guard, or call
    /// [`GoneGuard::remove`] once what it owned is cleaned up).
    Gone(GoneGuard),
    /// Cannot be known: another machine or kernel, or no readable record (the reason).
    Unknown(String),
    /// An empty lock file whose lock this process now holds: a claim whose maker died
    /// between creating the file and locking it, or one that a live maker will find taken
    /// away and give up ([`Claim::create`] checks). Safe to delete when it guards nothing.
    Unclaimed(GoneGuard),
}

/// The lock of a gone owner, held while its leftovers are cleaned up.
#[derive(Debug)]
pub struct GoneGuard {
    path: PathBuf,
    _file: File,
    /// What the owner recorded (for [`Owner::Unclaimed`], nothing: this process's record).
    pub record: OwnerRecord,
}

impl GoneGuard {
    /// Deletes the lock file, then releases the lock.
    pub fn remove(self) -> io::Result<()> {
        fs::remove_file(&self.path)
    }
}

/// Whether `(dev, inode)` of the open file and of the path agree: the path still names the
/// file that was locked (nobody deleted or replaced it meanwhile).
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere there is no inode to compare: taken as the same.
#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

/// Whether a process with this pid and start time runs in this pid namespace (`None`: no
/// `/proc` to tell).
fn process_runs(pid: u32, start_time_ticks: Option<u64>) -> Option<bool> {
    if !Path::new("/proc/self/stat").exists() {
        return None;
    }
    match start_time_ticks_of(pid) {
        None => Some(false),
        Some(start) => Some(start_time_ticks.is_none_or(|s| s == start)),
    }
}

fn start_time_ticks_of(pid: u32) -> Option<u64> {
    start_time_ticks(&pid.to_string())
}

/// Decides whether the owner of the lock file `path` is gone (see the [module docs](self)).
pub fn owner_of(path: &Path) -> Owner {
    let mut file = match OpenOptions::new().read(true).write(true).open(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Owner::Missing,
        Err(e) => return Owner::Unknown(format!("its lock file cannot be opened: {e}")),
        Ok(f) => f,
    };
    let lock = match file.try_lock() {
        Ok(()) => true,
        Err(TryLockError::WouldBlock) => return Owner::Alive,
        Err(TryLockError::Error(_)) => false,
    };
    if lock && !same_file(&file, path) {
        // deleted (its owner finished) or replaced while we waited: not ours to judge
        return Owner::Alive;
    }
    let mut text = Vec::new();
    if let Err(e) = (&mut file).take(MAX_RECORD_BYTES).read_to_end(&mut text) {
        return Owner::Unknown(format!("its lock file cannot be read: {e}"));
    }
    if lock && text.is_empty() {
        return Owner::Unclaimed(GoneGuard {
            path: path.to_path_buf(),
            _file: file,
            record: OwnerRecord::this_process(false),
        });
    }
    let Ok(record) = serde_json::from_slice::<OwnerRecord>(&text) else {
        return Owner::Unknown(
            "its lock file holds no owner record (a process that was starting, or not \
             depthsim's)"
                .into(),
        );
    };
    if record.program != "depthsim" {
        return Owner::Unknown("its lock file is not depthsim's".into());
    }
    let me = identity();
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    let this_kernel = same(&record.boot_id, &me.boot_id);
    let gone = if this_kernel && lock && record.locked {
        true
    } else if this_kernel && same(&record.pid_namespace, &me.pid_namespace) {
        // no working locks here: go by the process table of this namespace
        match process_runs(record.pid, record.start_time_ticks) {
            Some(true) => return Owner::Alive,
            Some(false) => true,
            None => false,
        }
    } else {
        // this machine, an earlier boot: every process of that boot is gone
        !this_kernel
            && me.boot_id.is_some()
            && record.boot_id.is_some()
            && same(&record.machine_id, &me.machine_id)
            && same(&record.host, &me.host)
    };
    if gone {
        return Owner::Gone(GoneGuard {
            path: path.to_path_buf(),
            _file: file,
            record,
        });
    }
    Owner::Unknown(if this_kernel {
        format!(
            "{} in another pid namespace, on a file system without working locks",
            record.describe()
        )
    } else {
        format!("{} (another machine, or another kernel)", record.describe())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_claim_is_alive_and_a_released_one_is_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = tmp.path().join(".x.partial-1-0.lock");
        let claim = Claim::create(&lock).unwrap();
        assert!(matches!(owner_of(&lock), Owner::Alive));
        assert_eq!(
            Claim::create(&lock).unwrap_err().kind(),
            io::ErrorKind::AlreadyExists
        );
        // a process that died holding it: its file stays, its lock goes
        let text = fs::read(&lock).unwrap();
        drop(claim);
        assert!(matches!(owner_of(&lock), Owner::Missing));
        fs::write(&lock, &text).unwrap();
        match owner_of(&lock) {
            Owner::Gone(g) => {
                assert_eq!(g.record, OwnerRecord::this_process(true));
                g.remove().unwrap();
            }
            o => panic!("{o:?}"),
        }
        assert!(!lock.exists());
    }

    #[test]
    fn records_of_other_machines_and_empty_ones_are_never_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = tmp.path().join("l");
        let mut other = OwnerRecord::this_process(true);
        other.boot_id = Some("another-boot".into());
        other.host = Some("elsewhere".into());
        fs::write(&lock, serde_json::to_string(&other).unwrap()).unwrap();
        assert!(matches!(owner_of(&lock), Owner::Unknown(m) if m.contains("host elsewhere")));
        // the same machine after a restart: gone, when the machine is known
        let mut rebooted = OwnerRecord::this_process(true);
        rebooted.boot_id = Some("an-earlier-boot".into());
        fs::write(&lock, serde_json::to_string(&rebooted).unwrap()).unwrap();
        let known = identity().machine_id.is_some() && identity().boot_id.is_some();
        assert_eq!(matches!(owner_of(&lock), Owner::Gone(_)), known);
        for text in ["{}", "not json", r#"{"program": "other"}"#] {
            fs::write(&lock, text).unwrap();
            assert!(matches!(owner_of(&lock), Owner::Unknown(_)), "{text}");
        }
        fs::write(&lock, "").unwrap();
        assert!(matches!(owner_of(&lock), Owner::Unclaimed(_)));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn without_working_locks_the_process_table_of_this_namespace_decides() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = tmp.path().join("l");
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let mut rec = OwnerRecord::this_process(false);
        rec.pid = dead;
        rec.start_time_ticks = None;
        fs::write(&lock, serde_json::to_string(&rec).unwrap()).unwrap();
        assert!(matches!(owner_of(&lock), Owner::Gone(_)));
        // this process: alive, even though its lock is free
        let rec = OwnerRecord::this_process(false);
        fs::write(&lock, serde_json::to_string(&rec).unwrap()).unwrap();
        assert!(matches!(owner_of(&lock), Owner::Alive));
        // its pid with another start time: a reused pid, so gone
        let mut rec = OwnerRecord::this_process(false);
        rec.start_time_ticks = rec.start_time_ticks.map(|t| t + 1);
        fs::write(&lock, serde_json::to_string(&rec).unwrap()).unwrap();
        assert!(matches!(owner_of(&lock), Owner::Gone(_)));
        // another pid namespace: cannot be known without locks
        let mut rec = OwnerRecord::this_process(false);
        rec.pid = dead;
        rec.pid_namespace = Some("pid:[1]".into());
        fs::write(&lock, serde_json::to_string(&rec).unwrap()).unwrap();
        assert!(matches!(owner_of(&lock), Owner::Unknown(_)));
    }
}
