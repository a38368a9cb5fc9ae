//! Git, read with gix (no `git` process, no checkout): the files of any revision or of
//! the working tree as git hashes them, blobs, commits and their authors, and where a
//! document is at a commit. What a change means is [`crate::changes`]'s.

mod changed;
mod dated;
mod index;
mod lookup;
mod revision;
mod sides;
mod tree;

pub use changed::Changed;
pub use dated::{Line, Moment};
pub use index::Index;
pub(crate) use lookup::{find, find_in, locate, mentions, read};
pub use revision::{Revision, reads_reflog};
pub use sides::Head;
pub(crate) use sides::{Side, commit_sides, worktree_sides};
pub use tree::GitTree;

use crate::Error;
use crate::source::{MAX_BYTES, Unread};
use gix::ObjectId;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// A git repository holding a governance repository at `prefix` (`""` at its root).
pub struct Git {
    repo: gix::ThreadSafeRepository,
    /// The governance root inside the repository, with a trailing `/` unless empty.
    prefix: String,
    /// The governance root in the working tree, when there is one.
    workdir_root: Option<PathBuf>,
    /// Each commit's listing, once made: a tree of 100,000 files takes a third of a
    /// second to list, and `check --changed-since` needs its base's twice (the judge's
    /// ignore rules and configuration, and the diff).
    listed: Mutex<HashMap<ObjectId, Arc<Entries>>>,
    /// The working tree's index, read once when asked for.
    index: OnceLock<Option<Arc<gix::index::File>>>,
    /// The same, with what a walk of the working tree found unchanged in it.
    worktree_index: OnceLock<Option<Arc<Index>>>,
}

/// The files and the symbolic links of a commit's tree, each in path order.
#[derive(Debug, Default)]
pub struct Entries {
    /// Path (relative to the governance root) and blob id.
    pub files: Vec<(String, ObjectId)>,
    /// Paths of links: a link's blob holds where it points, never what is there.
    pub links: Vec<String>,
}

/// A commit, as histories and provenance need it.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: ObjectId,
    pub author: String,
    pub email: String,
    /// Author date, `YYYY-MM-DD`.
    pub date: String,
    /// Author time, seconds since the Unix epoch: what `--since` compares.
    pub seconds: i64,
    pub summary: String,
    pub parents: Vec<ObjectId>,
}

fn git_error(what: impl std::fmt::Display, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("{what}: {e}"))
}

/// What to do when history is missing from a shallow clone; empty for a full clone.
fn shallow_hint(repo: &gix::Repository) -> &'static str {
    if repo.is_shallow().unwrap_or(false) {
        " (this is a shallow clone: fetch the history with `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
    } else {
        ""
    }
}

/// The current branch, when it has no commits yet.
fn unborn_branch(repo: &gix::Repository) -> Option<String> {
    let head = repo.head().ok()?;
    if !head.is_unborn() {
        return None;
    }
    Some(head.referent_name()?.shorten().to_string())
}

impl Git {
    /// The git repository around `start`, and where the governance repository (the
    /// nearest `pmo.yaml`) sits in it. `None` outside any git repository.
    pub fn discover(start: &Path) -> Result<Option<Git>, Error> {
        let Ok(repo) = gix::discover(start) else {
            return Ok(None);
        };
        let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let start = canonical(start);
        let workdir = repo.workdir().map(canonical);
        let (prefix, workdir_root) = match &workdir {
            Some(workdir) => {
                let root = start
                    .ancestors()
                    .take_while(|d| d.starts_with(workdir))
                    .find(|d| crate::source::holds_config(d))
                    // No pmo.yaml in the working tree: the repository's root.
                    .unwrap_or(workdir)
                    .to_path_buf();
                let rel = root.strip_prefix(workdir).unwrap_or(Path::new(""));
                let parts: Vec<&str> = rel
                    .components()
                    .filter_map(|c| c.as_os_str().to_str())
                    .collect();
                let prefix = if parts.is_empty() {
                    String::new()
                } else {
                    format!("{}/", parts.join("/"))
                };
                (prefix, Some(root))
            }
            // A bare repository: the governance repository is the root of its trees.
            None => (String::new(), None),
        };
        Ok(Some(Git {
            repo: repo.into_sync(),
            prefix,
            workdir_root,
            listed: Mutex::default(),
            index: OnceLock::new(),
            worktree_index: OnceLock::new(),
        }))
    }

    pub(crate) fn local(&self) -> gix::Repository {
        self.repo.to_thread_local()
    }

    /// A repository without a working tree: only revisions can be read.
    pub fn is_bare(&self) -> bool {
        self.workdir_root.is_none()
    }

    /// The governance root's folder from the root of the git work tree, with a trailing
    /// `/` (`governance/`); empty when `pmo.yaml` is at the root.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The governance root in the working tree (none in a bare repository).
    pub fn workdir_root(&self) -> Option<&Path> {
        self.workdir_root.as_deref()
    }

    /// Whether the repository has no commits at all: HEAD is unborn and no reference
    /// exists (a new branch without commits in a repository that has some is not empty).
    pub fn has_no_commits(&self) -> bool {
        let repo = self.local();
        let unborn = repo.head().is_ok_and(|head| head.is_unborn());
        unborn
            && repo
                .references()
                .ok()
                .and_then(|refs| refs.all().ok().map(|mut all| all.next().is_none()))
                .unwrap_or(true)
    }

    /// The base a pull request is compared with: the merge base of the default branch
    /// (`origin/HEAD`, else `main`, else `master`) and HEAD.
    pub fn default_base(&self) -> Result<ObjectId, Error> {
        let repo = self.local();
        let head = self.resolve("HEAD").map_err(|_| {
            Error::Invalid(
                "the repository has no commits yet: there is no base to compare with".into(),
            )
        })?;
        let branch = ["origin/HEAD", "origin/main", "origin/master", "main", "master"]
            .into_iter()
            .find_map(|name| self.resolve(name).ok())
            .ok_or_else(|| {
                Error::Invalid(
                    "no default branch (origin/HEAD, main or master) to compare with: name the base, e.g. `pmo diff origin/main`"
                        .into(),
                )
            })?;
        self.merge_base(branch, head).map_err(|_| {
            Error::Invalid(format!(
                "no common ancestor of the default branch and HEAD{}",
                shallow_hint(&repo)
            ))
        })
    }

    /// Where the histories of `a` and `b` meet (git's best merge base): what a branch `b`
    /// does since it left `a` is the change from there to `b`, whatever `a` did since.
    pub fn merge_base(&self, a: ObjectId, b: ObjectId) -> Result<ObjectId, Error> {
        let repo = self.local();
        match repo.merge_base(a, b) {
            Ok(Some(id)) => Ok(id.detach()),
            _ => Err(Error::Invalid(format!(
                "no common ancestor of {} and {}{}",
                a.to_hex_with_len(12),
                b.to_hex_with_len(12),
                shallow_hint(&repo)
            ))),
        }
    }

    /// The base a change to `tip` is judged from when the user names `rev`: where `tip`'s
    /// history left `rev`'s, so that what `rev` did since is not taken for the change.
    pub fn branch_point(&self, rev: &str, tip: ObjectId) -> Result<ObjectId, Error> {
        self.merge_base(self.resolve(rev)?, tip)
    }

    /// Every file of the commit's tree below the governance root: path (relative to that
    /// root) and blob id, in path order. `pmo.yaml` is included; links are not.
    pub fn files(&self, commit: ObjectId) -> Result<Vec<(String, ObjectId)>, Error> {
        Ok(self.entries(commit)?.files.clone())
    }

    /// The files and the symbolic links of the commit's tree below the governance root,
    /// listed once.
    pub fn entries(&self, commit: ObjectId) -> Result<Arc<Entries>, Error> {
        let listed = |cache: &Mutex<HashMap<ObjectId, Arc<Entries>>>| {
            cache
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&commit)
                .cloned()
        };
        if let Some(entries) = listed(&self.listed) {
            return Ok(entries);
        }
        let entries = Arc::new(self.list(commit)?);
        self.listed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(commit, Arc::clone(&entries));
        Ok(entries)
    }

    /// Every file and link of the commit's tree below the governance root: from the
    /// index when it holds that tree (the common case of the commit checked out), else a
    /// walk of the whole tree.
    fn list(&self, commit: ObjectId) -> Result<Entries, Error> {
        let repo = self.local();
        if let Some(root) = self.root_tree(&repo, commit)?
            && let Some(entries) = self.entries_from_index(root.id)
        {
            return Ok(entries);
        }
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| git_error(format!("commit {commit}{}", shallow_hint(&repo)), e))?;
        let found = tree
            .traverse()
            .breadthfirst
            .files()
            .map_err(|e| git_error(format!("tree of {commit}"), e))?;
        let mut entries = Entries::default();
        for e in found {
            let Some(rel) = std::str::from_utf8(&e.filepath)
                .ok()
                .and_then(|path| path.strip_prefix(self.prefix.as_str()))
            else {
                continue;
            };
            if e.mode.is_blob() {
                entries.files.push((rel.to_owned(), e.oid));
            } else if e.mode.is_link() {
                entries.links.push(rel.to_owned());
            }
        }
        entries.files.sort_unstable();
        entries.links.sort_unstable();
        Ok(entries)
    }

    /// A blob's bytes, refused unread when its header says it is over the limit.
    pub fn blob(&self, repo: &gix::Repository, id: ObjectId) -> Result<Vec<u8>, Unread> {
        let failed = |e: &dyn std::fmt::Display| Unread::Failed(format!("from git: {e}"));
        let size = repo.find_header(id).map_err(|e| failed(&e))?.size();
        if size > MAX_BYTES as u64 {
            return Err(Unread::TooLarge(size));
        }
        repo.find_blob(id)
            .map(|mut b| b.take_data())
            .map_err(|e| failed(&e))
    }

    /// The blob at `path` (relative to the governance root) in `commit`'s tree, found by
    /// path: no walk of the whole tree.
    pub fn blob_at(
        &self,
        repo: &gix::Repository,
        commit: ObjectId,
        path: &str,
    ) -> Option<ObjectId> {
        let tree = repo.find_commit(commit).ok()?.tree().ok()?;
        let entry = tree
            .lookup_entry_by_path(format!("{}{path}", self.prefix))
            .ok()??;
        entry.mode().is_blob().then(|| entry.object_id())
    }

    /// `commit`'s configuration as a source holding only `pmo.yaml`, found by path (no
    /// walk of the whole tree): empty when the file is missing, a link, over the size
    /// limit or unreadable, as a listed tree would refuse it.
    pub fn config_at(&self, commit: ObjectId) -> crate::source::Memory {
        let repo = self.local();
        let bytes = self
            .blob_at(&repo, commit, crate::source::CONFIG_FILE)
            .and_then(|id| self.blob(&repo, id).ok());
        match bytes {
            Some(bytes) => crate::source::Memory::new().file(crate::source::CONFIG_FILE, bytes),
            None => crate::source::Memory::new(),
        }
    }

    pub fn commit(&self, repo: &gix::Repository, id: ObjectId) -> Result<Commit, Error> {
        let c = repo
            .find_commit(id)
            .map_err(|e| git_error(format!("commit {id}"), e))?;
        let author = c
            .author()
            .map_err(|e| git_error(format!("commit {id}"), e))?;
        let time = author.time().ok().map(|t| t.seconds);
        let date = time
            .and_then(|s| jiff::Timestamp::from_second(s).ok())
            .map(|ts| ts.to_zoned(jiff::tz::TimeZone::UTC).date().to_string())
            .unwrap_or_default();
        let seconds = time.unwrap_or_default();
        let message = c.message_raw_sloppy().to_string();
        Ok(Commit {
            id,
            author: author.name.to_string(),
            email: author.email.to_string(),
            date,
            seconds,
            summary: message.lines().next().unwrap_or_default().to_owned(),
            parents: c.parent_ids().map(|p| p.detach()).collect(),
        })
    }

    /// The commits reachable from `tip`, newest first, stopping at (and excluding) those
    /// reachable from `stop`.
    pub fn walk(&self, tip: ObjectId, stop: Option<ObjectId>) -> Result<Vec<ObjectId>, Error> {
        let repo = self.local();
        let mut walk = repo.rev_walk([tip]);
        if let Some(stop) = stop {
            walk = walk.with_hidden([stop]);
        }
        let iter = walk
            .all()
            .map_err(|e| git_error("walking the history", e))?;
        let mut out = Vec::new();
        for info in iter {
            let info = info
                .map_err(|e| git_error(format!("walking the history{}", shallow_hint(&repo)), e))?;
            out.push(info.id);
        }
        Ok(out)
    }
}

impl std::fmt::Debug for Git {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Git({:?})", self.prefix)
    }
}
