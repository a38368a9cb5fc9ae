//! git's index as git itself uses it to avoid reading files: a working-tree file whose
//! metadata is what the index recorded when it last hashed the file still holds the
//! blob the index names, unless the file may have changed in the same second as the
//! index was written ("racy git", below).

use super::{Entries, Git};
use crate::source::{Recorded, Stat as FileStat};
use gix::ObjectId;
use gix::index::entry::stat::Time;
use gix::index::entry::{Flags, Mode, Stage, Stat, stat};
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::BuildHasher;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The index of the working tree around a governance root, and which of its files a walk
/// found unchanged ([`Recorded`]): one per repository ([`Git::worktree_index`]), so the
/// walk that reads the documents and the diff that follows share what it vouched for.
/// The marks are the last walk's: each walk that asks the index forgets the one before.
pub struct Index {
    file: Arc<gix::index::File>,
    /// The governance root from the top of the work tree (index paths start there).
    prefix: String,
    /// The entries below the governance root: a range of the file's, in path order.
    below: Range<usize>,
    /// The unconflicted ones by path: each one's position in `below`.
    positions: HashTable<u32>,
    /// Seeded anew each run, so file names cannot be chosen to collide in the table.
    hasher: DefaultHashBuilder,
    /// How git is configured to compare metadata (`core.trustctime`, `core.checkStat`).
    options: stat::Options,
    /// When the index was written (for the racy-git rule); `None`: out of range, so no
    /// entry is trusted.
    written: Option<Time>,
    /// Which entries below the root the last walk found unchanged, by position in `below`.
    vouched: Vec<AtomicBool>,
}

impl Index {
    fn open(git: &Git) -> Option<Index> {
        let file = git.index_file()?;
        let options = git.local().stat_options().unwrap_or_default();
        let prefix = git.prefix().to_owned();
        let below = file
            .prefixed_entries_range(prefix.as_str().into())
            .unwrap_or_default();
        let written = file.timestamp();
        let written = u32::try_from(written.unix_seconds()).ok().map(|secs| Time {
            secs,
            nsecs: written.nanoseconds(),
        });
        let hasher = DefaultHashBuilder::default();
        // Looked up once for each file of the walk, in the walk's order: a hash of the
        // path costs less than a binary search among 100,000 paths.
        let path = |at: usize| below_root(&file, below.start, prefix.len(), at);
        let mut positions = HashTable::with_capacity(below.len());
        for (at, entry) in file.entries()[below.clone()].iter().enumerate() {
            if entry.stage() == Stage::Unconflicted {
                positions.insert_unique(hasher.hash_one(path(at)), at as u32, |&at| {
                    hasher.hash_one(path(at as usize))
                });
            }
        }
        Some(Index {
            vouched: below.clone().map(|_| AtomicBool::new(false)).collect(),
            positions,
            hasher,
            file,
            prefix,
            below,
            options,
            written,
        })
    }

    /// The entries below the root.
    fn entries(&self) -> &[gix::index::Entry] {
        &self.file.entries()[self.below.clone()]
    }

    /// The path below the root of the entry at `at` in `below`.
    fn path(&self, at: usize) -> &[u8] {
        below_root(&self.file, self.below.start, self.prefix.len(), at)
    }

    /// The position below the root of the unconflicted entry for `rel`.
    fn position(&self, rel: &str) -> Option<usize> {
        let rel = rel.as_bytes();
        self.positions
            .find(self.hasher.hash_one(rel), |&at| {
                self.path(at as usize) == rel
            })
            .map(|&at| at as usize)
    }

    /// Whether the file `rel` at `path`, asked for its metadata now, is unchanged since
    /// the index recorded it (and is remembered so). For a walk that did not read it.
    pub fn unchanged_at(&self, rel: &str, path: &Path) -> bool {
        let Ok(meta) = gix::index::fs::Metadata::from_path_no_follow(path) else {
            return false;
        };
        meta.is_file() && Stat::from_fs(&meta).is_ok_and(|now| self.vouch(rel, &now))
    }

    /// Whether the file `rel` whose metadata is `now` holds the blob its entry names; if
    /// so, that is remembered.
    fn vouch(&self, rel: &str, now: &Stat) -> bool {
        let (Some(at), Some(written)) = (self.position(rel), self.written) else {
            return false;
        };
        let entry = &self.entries()[at];
        let unchanged = recorded(
            entry.flags,
            entry.mode,
            &entry.stat,
            now,
            written,
            self.options,
        );
        if unchanged {
            self.vouched[at].store(true, Ordering::Relaxed);
        }
        unchanged
    }

    /// The files the last walk found unchanged, in path order: each one's path below the
    /// root and the blob id the index names.
    pub fn vouched(&self) -> impl Iterator<Item = (&str, ObjectId)> {
        self.entries()
            .iter()
            .zip(&self.vouched)
            .enumerate()
            .filter(|(_, (_, vouched))| vouched.load(Ordering::Relaxed))
            .filter_map(|(at, (entry, _))| {
                Some((std::str::from_utf8(self.path(at)).ok()?, entry.id))
            })
    }
}

/// The path below the governance root (`prefix` bytes long) of the entry at `at` among
/// the entries below it, which start at `first`.
fn below_root(file: &gix::index::File, first: usize, prefix: usize, at: usize) -> &[u8] {
    let path: &[u8] = file.entries()[first + at].path(file);
    path.get(prefix..).unwrap_or_default()
}

impl Recorded for Index {
    fn forget(&self) {
        for vouched in &self.vouched {
            vouched.store(false, Ordering::Relaxed);
        }
    }

    fn unchanged(&self, rel: &str, stat: &FileStat) -> bool {
        self.vouch(rel, &as_recorded(stat))
    }
}

impl Git {
    /// The index of the working tree at `root`, when the tree is the repository's and the
    /// index can be read; `None`: every file is read and hashed.
    pub fn worktree_index(&self, root: &Path) -> Option<Arc<Index>> {
        if self.workdir_root() != Some(root) {
            return None;
        }
        self.worktree_index
            .get_or_init(|| Index::open(self).map(Arc::new))
            .clone()
    }

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
    use crate::source::{Source, Worktree};

    /// `git` in `dir`, with none of the machine's configuration.
    fn git(dir: &Path, args: &[&str]) {
        let ann = ("Ann", "ann@example.org");
        crate::rules::fixtures::run_git(dir, ann, "2026-11-01T10:00:00Z", args);
    }

    /// The walk that reads the documents asks the index about each file as it reads it:
    /// the files the index vouches for are the unchanged ones, below a governance root
    /// in a folder of the work tree too, and a second walk starts afresh.
    #[test]
    fn a_walk_leaves_the_unchanged_files_to_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let gov = dir.path().join("gov");
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for (path, text) in [
            ("gov/pmo.yaml", "version: 1\n"),
            ("gov/risks/r1.yaml", "kind: risk\nid: r1\n"),
            ("gov/risks/r2.yaml", "kind: risk\nid: r2\n"),
            ("outside.yaml", "kind: risk\nid: r3\n"),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            // Older than the index will be: no entry is racily clean.
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(hour_ago).unwrap();
        }
        git(dir.path(), &["init", "-q"]);
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "portfolio"]);
        let tree = Worktree::discover(&gov).unwrap();
        let git = Git::discover(&gov).unwrap().unwrap();
        let index = git.worktree_index(tree.root()).unwrap();
        let tree = tree.remembering(Some(index.clone()));
        let vouched = || -> Vec<String> {
            tree.for_each_document(&globset::GlobSet::empty(), &|_, _| {});
            index.vouched().map(|(path, _)| path.to_owned()).collect()
        };
        assert_eq!(vouched(), ["risks/r1.yaml", "risks/r2.yaml"]);
        std::fs::write(gov.join("risks/r2.yaml"), "kind: risk\nid: r2\ntitle: T\n").unwrap();
        assert_eq!(vouched(), ["risks/r1.yaml"]);
    }

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
