//! A file's metadata as git's index records it, taken when the walk reads the file: a
//! later look (is it the file git's index knows?) then needs no system call.

/// Seconds and nanoseconds since the epoch.
pub type Time = (i64, u32);

/// A file's metadata as git compares it with its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub mtime: Time,
    /// The inode's change time (not the creation time), as git records it.
    pub ctime: Time,
    pub dev: u64,
    pub ino: u64,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
}

impl Stat {
    /// From a file's metadata; `None` where the platform does not give what git records
    /// (the file is then read and hashed instead).
    #[cfg(unix)]
    pub fn of(meta: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        let nanos = |n: i64| u32::try_from(n).ok();
        Some(Stat {
            mtime: (meta.mtime(), nanos(meta.mtime_nsec())?),
            ctime: (meta.ctime(), nanos(meta.ctime_nsec())?),
            dev: meta.dev(),
            ino: meta.ino(),
            uid: meta.uid(),
            gid: meta.gid(),
            size: meta.size(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_meta: &std::fs::Metadata) -> Option<Stat> {
        None
    }
}

/// What a walk can tell of a file from its metadata alone: that it still holds what was
/// last recorded of it (git's index does), so that a second look at it need neither keep
/// nor read it. The recorder remembers the files it vouched for.
pub trait Recorded: Sync + Send {
    /// A walk starts: what an earlier walk vouched for no longer holds.
    fn forget(&self);
    /// Whether the file `rel` (below the walked root), whose metadata is `stat`, is
    /// unchanged since it was recorded.
    fn unchanged(&self, rel: &str, stat: &Stat) -> bool;
}
