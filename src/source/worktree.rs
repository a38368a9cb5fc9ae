//! The working tree: a directory on disk, walked with git's ignore rules.

use super::file::{self, Unread};
use super::{Ignores, Recorded, Source, Stat, Visit, holds_config, is_document_path, is_hidden};
use crate::Error;
use globset::GlobSet;
use rayon::prelude::*;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub struct Worktree {
    root: PathBuf,
    /// Another revision's `.gitignore` rules in place of the tree's own (a change judged
    /// by its base); `None`: the tree's own, as git applies them.
    ignores: Option<Arc<Ignores>>,
    /// What the walk of [`Source::for_each_document`] found, when it is kept for a second
    /// look ([`Worktree::remembering`]).
    walked: Option<Remembered>,
}

/// What a walk keeps for a second look: each file it found, but those `recorded` vouched
/// for, which it alone remembers; `found` is `None` before the first walk.
struct Remembered {
    recorded: Option<Arc<dyn Recorded>>,
    found: Mutex<Option<Vec<(String, Seen)>>>,
}

/// What the walk found at a path, kept for a second look.
#[derive(Debug, Clone)]
enum Seen {
    /// A document file, with its metadata when it was read; none when it was not read
    /// (the walk's `skip` left it).
    File(Option<Stat>),
    /// A link, a file that could not be read, a folder the walk could not enter.
    Unread(Unread),
}

impl Worktree {
    /// The governance repository containing `start`: the nearest directory, walking up,
    /// that holds a `pmo.yaml` (as git finds `.git`).
    pub fn discover(start: &Path) -> Result<Worktree, Error> {
        let start = start.canonicalize().map_err(|e| Error::io(start, e))?;
        let root = start
            .ancestors()
            .find(|dir| holds_config(dir))
            .ok_or_else(|| Error::NotARepository(start.clone()))?;
        Ok(Worktree::at(root))
    }

    pub fn at(root: impl Into<PathBuf>) -> Worktree {
        Worktree {
            root: root.into(),
            ignores: None,
            walked: None,
        }
    }

    /// The tree walked with `ignores` instead of its own `.gitignore` files.
    pub fn judged_by(self, ignores: Ignores) -> Worktree {
        Worktree {
            ignores: Some(Arc::new(ignores)),
            ..self
        }
    }

    /// The tree, keeping what its next walk finds (each document file's metadata as it
    /// is read) for [`Worktree::for_each_remembered`]: a second look at every file (is it
    /// the file git's index knows?) then costs neither a walk nor a system call. A file
    /// that `recorded` vouches for as it is read is left to it: on 100,000 files, keeping
    /// each one's path and metadata cost more than asking then.
    pub fn remembering(self, recorded: Option<Arc<dyn Recorded>>) -> Worktree {
        Worktree {
            walked: Some(Remembered {
                recorded,
                found: Mutex::default(),
            }),
            ..self
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Whether the walk visits `rel` (below the root): not hidden, and not ignored by the
    /// `.gitignore` files on its way nor by `.git/info/exclude`, which apply inside a git
    /// work tree, as the walk applies them. (The user's global ignore file is not read.)
    /// For a file that appears after the walk, such as one an editor creates.
    pub fn walks(&self, rel: &str) -> bool {
        if is_hidden(rel) {
            return false;
        }
        let Some(top) = self.root.ancestors().find(|d| d.join(".git").exists()) else {
            return true;
        };
        let full = self.root.join(rel);
        let read = |path: &Path| std::fs::read_to_string(path).unwrap_or_default();
        // Each folder from the top of the work tree to the file's, with its rules; git's
        // exclude file counts as rules of the top folder, below its `.gitignore`.
        let mut files = Vec::new();
        let mut dir = PathBuf::new();
        files.push((String::new(), read(&top.join(".gitignore"))));
        files.push((String::new(), read(&top.join(".git/info/exclude"))));
        let Ok(below) = full.strip_prefix(top) else {
            return true;
        };
        let mut parts: Vec<_> = below.components().collect();
        parts.pop();
        let mut folders = Vec::new();
        for part in parts {
            dir.push(part);
            folders.push(top.join(&dir));
            files.push((
                dir.to_string_lossy().into_owned(),
                read(&top.join(&dir).join(".gitignore")),
            ));
        }
        let ignores = Ignores::new(top, files);
        !folders.iter().any(|f| ignores.ignored(f, true)) && !ignores.ignored(&full, false)
    }
}

impl Source for Worktree {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        file::read_below(&self.root, path).map_err(|why| why.refuse(path))
    }

    fn files_in(&self, dir: &str) -> Result<Vec<String>, Error> {
        if file::first_link(&self.root, dir)
            .map_err(|why| why.refuse(dir))?
            .is_some()
        {
            return Err(Unread::Link.refuse(dir));
        }
        let full = self.root.join(dir);
        let entries = match std::fs::read_dir(&full) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(full, e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&full, e))?;
            // The entry's own type: a link to a folder is listed, and refused when read.
            if entry.file_type().is_ok_and(|t| !t.is_dir()) {
                names.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        names.sort_unstable();
        Ok(names)
    }

    fn for_each_document(&self, skip: &GlobSet, visit: &Visit<'_>) {
        let Some(walked) = &self.walked else {
            self.for_each_document_file(skip, &|rel, path| {
                visit(rel, path.and_then(read_document));
            });
            return;
        };
        // What an earlier walk found is replaced, not added to.
        *walked.found.lock().unwrap_or_else(|e| e.into_inner()) = Some(Vec::new());
        if let Some(recorded) = &walked.recorded {
            recorded.forget();
        }
        let keep = |rel: String, seen: Seen| {
            walked
                .found
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_or_insert_default()
                .push((rel, seen));
        };
        let vouched = |rel: &str, stat: Option<&Stat>| match (&walked.recorded, stat) {
            (Some(recorded), Some(stat)) => recorded.unchanged(rel, stat),
            _ => false,
        };
        self.walk(&|rel, found| match found {
            Walked::File(_) if skip.is_match(&rel) => keep(rel, Seen::File(None)),
            Walked::File(path) => match read_document_stat(path) {
                Ok((bytes, stat)) => {
                    if !vouched(&rel, stat.as_ref()) {
                        keep(rel.clone(), Seen::File(stat));
                    }
                    visit(rel, Ok(bytes));
                }
                Err(why) => {
                    keep(rel.clone(), Seen::Unread(why.clone()));
                    visit(rel, Err(why));
                }
            },
            Walked::Link => {
                keep(rel.clone(), Seen::Unread(Unread::Link));
                if !skip.is_match(&rel) {
                    visit(rel, Err(Unread::Link));
                }
            }
            Walked::Failed(why) => {
                keep(rel.clone(), Seen::Unread(why.clone()));
                visit(rel, Err(why));
            }
        });
    }
}

/// What the walk finds: a document file, a link, or a folder it cannot enter.
enum Walked<'a> {
    File(&'a Path),
    Link,
    Failed(Unread),
}

/// What [`Worktree::for_each_remembered`] hands on: a document file's full path and its
/// metadata when the walk read it, or why it cannot be read.
pub type Kept<'a> = dyn Fn(String, Result<(&Path, Option<&Stat>), Unread>) + Sync + 'a;

/// Where the walk found a document: the file's full path, or why it cannot be read.
pub type Found<'a> = dyn Fn(String, Result<&Path, Unread>) + Sync + 'a;

impl Worktree {
    /// Every document file that [`Source::for_each_document`] visits, found by the same
    /// walk but not read: its path (relative to the root) and its full path, or the reason
    /// it cannot be read (a link, a folder the walk cannot enter). For a caller that can
    /// tell from a file's metadata that it need not read it (git's index).
    pub fn for_each_document_file(&self, skip: &GlobSet, found: &Found<'_>) {
        self.walk(&|rel, walked| match walked {
            Walked::File(path) if !skip.is_match(&rel) => found(rel, Ok(path)),
            Walked::Link if !skip.is_match(&rel) => found(rel, Err(Unread::Link)),
            Walked::File(_) | Walked::Link => {}
            Walked::Failed(why) => found(rel, Err(why)),
        });
    }

    /// What the last walk of a [`Worktree::remembering`] tree found, as
    /// [`Worktree::for_each_document_file`] finds it with `skip`, with each file's
    /// metadata when the walk read it, but the files its recorder vouched for; `false`
    /// when nothing was remembered, or when the walk's recorder is not `recorded` (only
    /// that one knows which files it was left).
    pub fn for_each_remembered(
        &self,
        skip: &GlobSet,
        recorded: Option<&dyn Recorded>,
        found: &Kept<'_>,
    ) -> bool {
        let Some(walked) = &self.walked else {
            return false;
        };
        let same = match (&walked.recorded, recorded) {
            (None, None) => true,
            (Some(theirs), Some(ours)) => std::ptr::addr_eq(Arc::as_ptr(theirs), ours),
            _ => false,
        };
        if !same {
            return false;
        }
        let kept = walked.found.lock().unwrap_or_else(|e| e.into_inner());
        let Some(kept) = kept.as_ref() else {
            return false;
        };
        kept.par_iter().for_each(|(rel, seen)| match seen {
            Seen::File(stat) if !skip.is_match(rel) => {
                found(rel.clone(), Ok((&self.root.join(rel), stat.as_ref())));
            }
            Seen::Unread(Unread::Link) if !skip.is_match(rel) => {
                found(rel.clone(), Err(Unread::Link));
            }
            Seen::File(_) | Seen::Unread(Unread::Link) => {}
            Seen::Unread(why) => found(rel.clone(), Err(why.clone())),
        });
        true
    }

    /// The walk: every document file (by its name: [`is_document_path`]) and every link
    /// the ignore rules leave, and every folder it cannot enter.
    fn walk(&self, found: &(dyn Fn(String, Walked<'_>) + Sync)) {
        let mut walk = ignore::WalkBuilder::new(&self.root);
        walk.hidden(true)
            .ignore(false)
            .git_ignore(self.ignores.is_none())
            .git_exclude(true)
            .git_global(true)
            // Never: a link is visited as a link, and a folder behind one is not walked.
            .follow_links(false);
        if let Some(ignores) = &self.ignores {
            let ignores = Arc::clone(ignores);
            walk.filter_entry(move |entry| {
                let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                !ignores.ignored(entry.path(), is_dir)
            });
        }
        walk.build_parallel().run(|| {
            Box::new(|item| {
                match item {
                    Ok(entry) => {
                        let Some(kind) = entry.file_type() else {
                            return ignore::WalkState::Continue;
                        };
                        let Some(rel) = relative(&self.root, entry.path()) else {
                            return ignore::WalkState::Continue;
                        };
                        if kind.is_symlink() {
                            found(rel, Walked::Link);
                        } else if kind.is_file() && is_document_path(&rel) {
                            found(rel, Walked::File(entry.path()));
                        }
                    }
                    Err(e) => {
                        // An unreadable directory: reported on that path, and the walk
                        // goes on.
                        let path = error_path(&e)
                            .and_then(|p| relative(&self.root, &p))
                            .unwrap_or_else(|| ".".into());
                        found(
                            path,
                            Walked::Failed(Unread::Failed(describe_walk_error(&e))),
                        );
                    }
                }
                ignore::WalkState::Continue
            })
        });
    }
}

impl Worktree {
    /// A file [`Worktree::for_each_document_file`] found, read as
    /// [`Source::for_each_document`] reads it (no link followed, at most the size limit).
    pub fn read_found(&self, path: &Path) -> Result<Vec<u8>, Unread> {
        read_document(path)
    }
}

/// A document file's bytes and its metadata as they were before it was read (a file
/// that changes later shows it in its metadata).
fn read_document_stat(path: &Path) -> Result<(Vec<u8>, Option<Stat>), Unread> {
    let file = file::open(path)?;
    let stat = file.metadata().ok().and_then(|m| Stat::of(&m));
    read_open(file).map(|bytes| (bytes, stat))
}

/// A document file's bytes, read into this thread's buffer and copied out at their size.
/// Unlike `std::fs::read`, this does not ask the file system for the size first: for
/// small files that query is one system call in four.
fn read_document(path: &Path) -> Result<Vec<u8>, Unread> {
    read_open(file::open(path)?)
}

/// An open document file's bytes, as [`read_document`] reads them.
fn read_open(file: std::fs::File) -> Result<Vec<u8>, Unread> {
    const KEEP: usize = 64 << 10;
    thread_local! {
        static BUFFER: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(KEEP));
    }
    BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        file::read_to_end(&file, buffer)?;
        Ok(if buffer.len() > KEEP {
            // A large file: hand the buffer itself over rather than hold it twice.
            std::mem::replace(buffer, Vec::with_capacity(KEEP))
        } else {
            buffer.to_vec()
        })
    })
}

/// `path` below `root`, with `/` separators. The walk joins every path onto the root,
/// so a byte comparison finds the prefix without parsing both paths into components
/// (which showed in profiles of 100,000 files).
fn relative(root: &Path, path: &Path) -> Option<String> {
    let (root, path) = (root.as_os_str(), path.as_os_str());
    let rest = path
        .as_encoded_bytes()
        .strip_prefix(root.as_encoded_bytes())?;
    let is_separator = |b: &u8| *b == b'/' || *b == std::path::MAIN_SEPARATOR as u8;
    let rest = match rest.split_first() {
        Some((first, rest)) if is_separator(first) => rest,
        // A root given with a trailing separator.
        Some(_) if root.as_encoded_bytes().last().is_some_and(is_separator) => rest,
        _ => return None,
    };
    let rel = match std::str::from_utf8(rest) {
        Ok(rel) => rel.to_owned(),
        Err(_) => String::from_utf8_lossy(rest).into_owned(),
    };
    Some(match std::path::MAIN_SEPARATOR {
        '/' => rel,
        sep => rel.replace(sep, "/"),
    })
}

fn error_path(e: &ignore::Error) -> Option<PathBuf> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn describe_walk_error(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => describe_walk_error(err),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::Worktree;
    use super::relative;
    use crate::source::{Recorded, Source, Stat};
    use std::path::Path;
    use std::sync::{Arc, Mutex};

    /// Vouches for every risk.
    struct Risks;

    impl Recorded for Risks {
        fn forget(&self) {}
        fn unchanged(&self, rel: &str, _: &Stat) -> bool {
            rel.starts_with("risks/")
        }
    }

    #[test]
    fn a_walk_keeps_for_a_second_look_only_what_its_recorder_did_not_vouch_for() {
        let dir = tempfile::tempdir().unwrap();
        for path in ["risks/r1.yaml", "risks/r2.yaml", "people/ann.yaml"] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "kind: risk\n").unwrap();
        }
        let none = globset::GlobSet::empty();
        let recorder: Arc<dyn Recorded> = Arc::new(Risks);
        let tree = Worktree::at(dir.path()).remembering(Some(recorder.clone()));
        assert!(!tree.for_each_remembered(&none, Some(&*recorder), &|_, _| {}));
        tree.for_each_document(&none, &|_, _| {});
        let kept = Mutex::new(Vec::new());
        let keep = |rel: String, _: Result<(&Path, Option<&Stat>), _>| {
            kept.lock().unwrap().push(rel);
        };
        assert!(tree.for_each_remembered(&none, Some(&*recorder), &keep));
        assert_eq!(kept.into_inner().unwrap(), ["people/ann.yaml"]);
        // Only that recorder knows which files it was left.
        let other: Arc<dyn Recorded> = Arc::new(Risks);
        assert!(!tree.for_each_remembered(&none, Some(&*other), &|_, _| {}));
        assert!(!tree.for_each_remembered(&none, None, &|_, _| {}));
    }

    #[test]
    fn a_new_file_is_walked_unless_git_would_ignore_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("gov");
        std::fs::create_dir_all(root.join("risks/old")).unwrap();
        std::fs::write(root.join("risks/.gitignore"), "old/\ndraft-*.yaml\n").unwrap();
        let tree = Worktree::at(&root);
        // Outside git, .gitignore files are not read (as the walk does not).
        assert!(tree.walks("risks/draft-1.yaml"));
        std::fs::create_dir_all(dir.path().join(".git/info")).unwrap();
        std::fs::write(dir.path().join(".git/info/exclude"), "*.local.yaml\n").unwrap();
        assert!(tree.walks("risks/r1.yaml"));
        assert!(!tree.walks("risks/draft-1.yaml"));
        assert!(!tree.walks("risks/old/r2.yaml"));
        assert!(!tree.walks("people/me.local.yaml"));
        assert!(!tree.walks(".hidden/r.yaml"));
    }

    #[test]
    fn relative_paths_use_slashes_and_need_the_root() {
        let rel = |root: &str, path: &str| relative(Path::new(root), &Path::new(root).join(path));
        assert_eq!(
            rel("repo", "projects/a.yaml").as_deref(),
            Some("projects/a.yaml")
        );
        assert_eq!(rel("repo/", "a.yaml").as_deref(), Some("a.yaml"));
        assert_eq!(relative(Path::new("repo"), Path::new("repo2/a.yaml")), None);
        assert_eq!(relative(Path::new("repo"), Path::new("repo")), None);
    }
}
