//! The two sides of a diff as git sees them: each file's blob id (hashed the way git
//! would store it for the working tree), and a way to read a file's bytes.

use super::{Git, GitTree};
use crate::Error;
use crate::source::{Source, Worktree};
use gix::ObjectId;
use globset::GlobSet;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// The head of a diff: a commit, or the working tree.
pub enum Head<'a> {
    Commit(ObjectId),
    Worktree(&'a Worktree),
}

/// Reads one file of a side.
pub type Reader<'a> = Box<dyn Fn(&str) -> Option<Vec<u8>> + 'a>;

/// One side's file fingerprints: path -> blob id, and a way to read a file.
pub struct Side<'a> {
    pub files: BTreeMap<String, ObjectId>,
    pub read: Reader<'a>,
}

/// The files of `commit`'s tree that `keep` selects.
pub fn commit_side<'a>(
    git: &'a Git,
    commit: ObjectId,
    keep: &dyn Fn(&str) -> bool,
) -> Result<Side<'a>, Error> {
    let tree = GitTree::new(git, commit)?;
    let files: BTreeMap<String, ObjectId> = tree
        .files()
        .iter()
        .filter(|(p, _)| keep(p))
        .cloned()
        .collect();
    Ok(Side {
        files,
        read: Box::new(move |path| tree.read(path).ok().flatten()),
    })
}

/// The documents of the working tree that `skip` leaves, and the `extra` files that
/// exist, hashed as git would store them, so unchanged files compare equal without
/// reading the other side.
pub fn worktree_side<'a>(
    tree: &'a Worktree,
    skip: &GlobSet,
    extra: &[String],
) -> Result<Side<'a>, Error> {
    // A file that cannot be read has no content to compare: it counts as changed (its
    // P005 is then this change's), with no documents.
    let found: Mutex<Vec<(String, Option<Vec<u8>>)>> = Mutex::new(Vec::new());
    tree.for_each_document(skip, &|path, bytes| {
        found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, bytes.ok()));
    });
    let mut contents: HashMap<String, Option<Vec<u8>>> = found
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect();
    for path in extra {
        if let Some(bytes) = tree.read(path)? {
            contents.insert(path.clone(), Some(bytes));
        }
    }
    let files = contents
        .iter()
        .map(|(p, b)| {
            let id = b
                .as_deref()
                .and_then(|b| {
                    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, b).ok()
                })
                // No blob has the null id: unreadable never equals the base.
                .unwrap_or_else(|| ObjectId::null(gix::hash::Kind::Sha1));
            (p.clone(), id)
        })
        .collect();
    Ok(Side {
        files,
        read: Box::new(move |path| contents.get(path).cloned().flatten()),
    })
}
