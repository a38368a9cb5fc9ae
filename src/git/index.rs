//! git's index as git itself uses it to avoid reading files: a working-tree file whose
//! metadata is what the index recorded when it last hashed the file still holds the
//! blob the index names, unless the file may have changed in the same second as the
//! index was written ("racy git", below).

use super::{Entries, Git};
use crate::source::Stat as FileStat;
use gix::ObjectId;
use gix::index::entry::stat::Time;
use gix::index::entry::{Flags, Mode, Stage, Stat, stat};
use std::path::Path;
use std::sync::Arc;

/// The index of the working tree around a governance root.
pub struct Index {
    file: Arc<gix::index::File>,
    /// The governance root from the top of the work tree (index paths start there).
    prefix: String,
    /// How git is configured to compare metadata (`core.trustctime`, `core.checkStat`).
    options: stat::Options,
}

impl Index {
    /// The index of `git`'s working tree when it describes the tree at `root`; `None`
    /// when there is none or it cannot be read: every file is then read and hashed.
    pub fn open(git: &Git, root: &Path) -> Option<Index> {
        if git.workdir_root() != Some(root) {
            return None;
        }
        let file = git.index_file()?;
        let options = git.local().stat_options().unwrap_or_default();
        Some(Index {
            file,
            prefix: git.prefix().to_owned(),
            options,
        })
    }

    /// The blob id the index recorded for the file `rel` (relative to the governance
    /// root) at `path`, when the file's metadata shows it has not changed since; `None`
    /// when it must be read and hashed.
    /// `seen` is the file's metadata when the walk read it; without it, the file is asked.
    pub fn unchanged(&self, rel: &str, path: &Path, seen: Option<&FileStat>) -> Option<ObjectId> {
        let full = format!("{}{rel}", self.prefix);
        let entry = self
            .file
            .entry_by_path_and_stage(full.as_str().into(), Stage::Unconflicted)?;
        let now = match seen {
            Some(seen) => as_recorded(seen),
            None => {
                let meta = gix::index::fs::Metadata::from_path_no_follow(path).ok()?;
                if !meta.is_file() {
                    return None;
                }
                Stat::from_fs(&meta).ok()?
            }
        };
        let written = self.file.timestamp();
        let written = Time {
            secs: u32::try_from(written.unix_seconds()).ok()?,
            nsecs: written.nanoseconds(),
        };
        recorded(
            entry.flags,
            entry.mode,
            &entry.stat,
            &now,
            written,
            self.options,
        )
        .then_some(entry.id)
    }
}

impl Git {
    /// The working tree's index, read once; none in a bare repository or when it cannot
    /// be read.
    pub(super) fn index_file(&self) -> Option<Arc<gix::index::File>> {
        self.index
            .get_or_init(|| {
                let repo = self.local();
                repo.workdir()?;
                // Unverified, as git reads it (only `git fsck` checks the index's checksum):
                // verifying costs a SHA-1 of the whole file, 14 MB for 100,000 files.
                let skip_hash = true;
                gix::index::File::at(
                    repo.index_path(),
                    repo.object_hash(),
                    skip_hash,
                    gix::index::decode::Options::default(),
                )
                .ok()
                .map(Arc::new)
            })
            .clone()
    }

    /// The files and links below the governance root of the tree `root` (that root's tree
    /// id), taken from the index when git's cache of trees in it (the `TREE` extension,
    /// which `git commit` and `git checkout` fill) shows that the index holds exactly that
    /// tree there: then no tree object is read. `None`: list the tree.
    pub(super) fn entries_from_index(&self, root: ObjectId) -> Option<Entries> {
        let index = self.index_file()?;
        let mut node = index.tree()?;
        for part in self.prefix.split('/').filter(|part| !part.is_empty()) {
            node = node
                .children
                .iter()
                .find(|child| child.name.as_slice() == part.as_bytes())?;
        }
        // A folder whose cached tree git invalidated (an entry added since) is listed.
        if node.num_entries.is_none() || node.id != root {
            return None;
        }
        let mut entries = Entries::default();
        for entry in index.prefixed_entries(self.prefix.as_str().into())? {
            // Not in any tree git writes: `git add --intent-to-add` only reserves the path.
            if entry.flags.contains(Flags::INTENT_TO_ADD) {
                continue;
            }
            // A conflict or a sparse folder: the index is not a tree there.
            if entry.stage() != Stage::Unconflicted {
                return None;
            }
            let Ok(path) = std::str::from_utf8(entry.path(&index)) else {
                continue; // not a path pmo can name, as when listing the tree
            };
            let rel = path.strip_prefix(self.prefix.as_str())?.to_owned();
            match entry.mode {
                Mode::FILE | Mode::FILE_EXECUTABLE => entries.files.push((rel, entry.id)),
                Mode::SYMLINK => entries.links.push(rel),
                Mode::COMMIT => {}
                _ => return None,
            }
        }
        entries.files.sort_unstable();
        entries.links.sort_unstable();
        Some(entries)
    }
}

/// A file's metadata as the index records it: seconds, device, inode and size truncated
/// to 32 bits, as git truncates them.
fn as_recorded(stat: &FileStat) -> Stat {
    let time = |(secs, nsecs): (i64, u32)| Time {
        secs: secs as u32,
        nsecs,
    };
    Stat {
        mtime: time(stat.mtime),
        ctime: time(stat.ctime),
        dev: stat.dev as u32,
        ino: stat.ino as u32,
        uid: stat.uid,
        gid: stat.gid,
        size: stat.size as u32,
    }
}

/// Whether an index entry (its `flags`, `mode` and the `recorded` metadata) still names
/// the content of a file whose metadata is `now`, in an index written at `written`:
///
/// - the entry is a regular file git tracks in the working tree (not a link, a
///   submodule, a sparse folder, a file added with `--intent-to-add`, nor one marked
///   `assume-unchanged` or `skip-worktree`, whose metadata git does not keep current);
/// - the metadata match as git compares them (mtime, ctime, size, inode, owner);
/// - the entry is not racily clean: a file modified in the same second as the index was
///   written after hashing it keeps its recorded mtime and size (git's "racy git"
///   problem), so an entry whose mtime is not older than the index is not trusted.
pub fn recorded(
    flags: Flags,
    mode: Mode,
    recorded: &Stat,
    now: &Stat,
    written: Time,
    options: stat::Options,
) -> bool {
    let untrusted = Flags::ASSUME_VALID | Flags::SKIP_WORKTREE | Flags::INTENT_TO_ADD;
    // As git's `is_racy_stat`: nanoseconds count only where git is told to compare them.
    let racy = match written.secs.cmp(&recorded.mtime.secs) {
        std::cmp::Ordering::Less => true,
        std::cmp::Ordering::Equal => {
            !(options.use_nsec && options.check_stat) || written.nsecs <= recorded.mtime.nsecs
        }
        std::cmp::Ordering::Greater => false,
    };
    (mode == Mode::FILE || mode == Mode::FILE_EXECUTABLE)
        && !flags.intersects(untrusted)
        && recorded.matches(now, options)
        && !racy
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(mtime: u32, size: u32) -> Stat {
        Stat {
            mtime: Time {
                secs: mtime,
                nsecs: 0,
            },
            ctime: Time {
                secs: mtime,
                nsecs: 0,
            },
            dev: 1,
            ino: 42,
            uid: 1000,
            gid: 1000,
            size,
        }
    }

    fn trusted(flags: Flags, mode: Mode, was: Stat, now: Stat, written: u32) -> bool {
        let written = Time {
            secs: written,
            nsecs: 0,
        };
        recorded(flags, mode, &was, &now, written, stat::Options::default())
    }

    #[test]
    fn an_unchanged_file_is_taken_from_the_index() {
        let file = stat(1000, 20);
        assert!(trusted(Flags::empty(), Mode::FILE, file, file, 1001));
        assert!(trusted(
            Flags::empty(),
            Mode::FILE_EXECUTABLE,
            file,
            file,
            2000
        ));
    }

    #[test]
    fn changed_metadata_means_reading_the_file() {
        let was = stat(1000, 20);
        for now in [
            stat(1001, 20),
            stat(1000, 21),
            Stat { ino: 43, ..was },
            Stat {
                ctime: Time {
                    secs: 1002,
                    nsecs: 0,
                },
                ..was
            },
        ] {
            assert!(
                !trusted(Flags::empty(), Mode::FILE, was, now, 2000),
                "{now:?}"
            );
        }
    }

    #[test]
    fn a_racily_clean_entry_is_not_trusted() {
        // Written in the second the file was last modified, or before: the file may have
        // changed after git hashed it without its mtime or size showing it.
        let file = stat(1000, 20);
        assert!(!trusted(Flags::empty(), Mode::FILE, file, file, 1000));
        assert!(!trusted(Flags::empty(), Mode::FILE, file, file, 999));
    }

    #[test]
    fn entries_git_does_not_keep_current_are_not_trusted() {
        let file = stat(1000, 20);
        for flags in [
            Flags::ASSUME_VALID,
            Flags::SKIP_WORKTREE,
            Flags::INTENT_TO_ADD,
        ] {
            assert!(!trusted(flags, Mode::FILE, file, file, 2000), "{flags:?}");
        }
        for mode in [Mode::SYMLINK, Mode::COMMIT, Mode::DIR] {
            assert!(!trusted(Flags::empty(), mode, file, file, 2000), "{mode:?}");
        }
    }
}
