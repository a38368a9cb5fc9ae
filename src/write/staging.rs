//! The staging folder of one write: the files written in full before any is moved, the
//! journal of the moves, and the lock that tells a live writer from one that is gone.

use serde::{Deserialize, Serialize};
use std::fs::{File, Metadata};
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};

/// What staging folders are named after; hidden, so documents are never read from them.
pub(super) const STAGING: &str = ".pmo-write-";
pub(super) const JOURNAL: &str = "journal";

/// The moves about to be done, written before the first one.
#[derive(Serialize, Deserialize)]
pub(super) struct Journal {
    pub folders: Vec<PathBuf>,
    pub files: Vec<(PathBuf, Identity)>,
    /// Files a replacing write replaces: each target, and the name in the staging folder
    /// of the second name (a hard link) it keeps of the file it replaces, until the set
    /// is complete.
    #[serde(default)]
    pub kept: Vec<(PathBuf, String)>,
}

/// What tells a file pmo moved from any other: a moved file keeps its inode and
/// modification time; a file edited or replaced since does not.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct Identity {
    dev: u64,
    ino: u64,
    len: u64,
    secs: u64,
    nanos: u32,
}

impl Identity {
    pub(super) fn of(m: &Metadata) -> Identity {
        let modified = m
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .unwrap_or_default();
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (m.dev(), m.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Identity {
            dev,
            ino,
            len: m.len(),
            secs: modified.as_secs(),
            nanos: modified.subsec_nanos(),
        }
    }
}

/// A staging folder, locked for as long as the process that made it lives.
pub(super) struct Staging {
    pub dir: tempfile::TempDir,
    pub _lock: Lock,
}

impl Staging {
    pub(super) fn create(root: &Path) -> std::io::Result<Staging> {
        let prefix = format!("{STAGING}{}-", std::process::id());
        let mut tries = 0;
        loop {
            tries += 1;
            let dir = tempfile::Builder::new()
                .prefix(&prefix)
                .rand_bytes(8)
                .tempdir_in(root)?;
            // Another process may take the folder for one left behind between its making
            // and its locking, and remove it: then make another.
            match try_lock(dir.path())? {
                Some(lock) if !removed(&lock) => return Ok(Staging { dir, _lock: lock }),
                _ if tries == 10 => return Err(ErrorKind::ResourceBusy.into()),
                _ => {}
            }
        }
    }

    /// Write `contents` to a new file in the staging folder.
    pub(super) fn stage(&self, contents: &[u8]) -> std::io::Result<(tempfile::TempPath, Identity)> {
        let mut builder = tempfile::Builder::new();
        #[cfg(unix)]
        {
            // As any new file: readable by others unless the umask says otherwise.
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let mut file = builder.tempfile_in(self.dir.path())?;
        file.write_all(contents)?;
        #[cfg(not(target_os = "linux"))]
        file.as_file().sync_all()?;
        let identity = Identity::of(&file.as_file().metadata()?);
        // Closed now: thousands of files must not hold thousands of descriptors.
        Ok((file.into_temp_path(), identity))
    }

    /// Make the staged files durable before the first move, so that a crash of the
    /// system cannot leave an empty file where one was moved. On Linux one `syncfs` does
    /// it for all at once (an `fsync` each costs milliseconds: many seconds for thousands
    /// of documents); elsewhere [`Staging::stage`] synced each.
    pub(super) fn sync(&self) -> std::io::Result<()> {
        match cfg!(target_os = "linux") {
            true => sync_fs(self.dir.path()),
            false => Ok(()),
        }
    }

    /// Write the journal whole (a new file, then renamed) and sync it.
    pub(super) fn journal(&self, journal: &Journal) -> std::io::Result<()> {
        let tmp = self.dir.path().join(format!("{JOURNAL}.tmp"));
        let mut file = File::create_new(&tmp)?;
        file.write_all(&serde_json::to_vec(journal)?)?;
        file.sync_all()?;
        std::fs::rename(&tmp, self.dir.path().join(JOURNAL))?;
        sync_dir(self.dir.path())
    }

    /// Remove the journal: the set is complete and stays. The folder goes on drop.
    pub(super) fn commit(&self) -> std::io::Result<()> {
        std::fs::remove_file(self.dir.path().join(JOURNAL))
    }
}

#[cfg(unix)]
pub(super) type Lock = File;
#[cfg(not(unix))]
pub(super) type Lock = ();

/// Lock the staging folder `dir`, unless a live process holds it. The system releases
/// the lock when its process ends, however it ends.
#[cfg(unix)]
pub(super) fn try_lock(dir: &Path) -> std::io::Result<Option<Lock>> {
    use rustix::fs::{FlockOperation, flock};
    let file = File::open(dir)?;
    match flock(&file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(Some(file)),
        Err(rustix::io::Errno::WOULDBLOCK) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(unix))]
pub(super) fn try_lock(_: &Path) -> std::io::Result<Option<Lock>> {
    Ok(Some(()))
}

/// The lock of staging folder `dir`, held, if the process that made it is gone.
#[cfg(unix)]
pub(super) fn left_behind(dir: &Path) -> std::io::Result<Option<Lock>> {
    try_lock(dir)
}

/// Without a lock, a staging folder untouched for an hour is taken as left behind.
#[cfg(not(unix))]
pub(super) fn left_behind(dir: &Path) -> std::io::Result<Option<Lock>> {
    let age = std::fs::metadata(dir)?
        .modified()?
        .elapsed()
        .unwrap_or_default();
    Ok((age > std::time::Duration::from_secs(3600)).then_some(()))
}

/// Whether the locked folder has been removed meanwhile.
#[cfg(unix)]
pub(super) fn removed(lock: &Lock) -> bool {
    lock.metadata().is_ok_and(|m| {
        use std::os::unix::fs::MetadataExt;
        m.nlink() == 0
    })
}

#[cfg(not(unix))]
pub(super) fn removed(_: &Lock) -> bool {
    false
}

/// Sync the whole file system `dir` is on.
#[cfg(target_os = "linux")]
pub(super) fn sync_fs(dir: &Path) -> std::io::Result<()> {
    Ok(rustix::fs::syncfs(File::open(dir)?)?)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn sync_fs(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
pub(super) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
pub(super) fn sync_dir(_: &Path) -> std::io::Result<()> {
    Ok(())
}
