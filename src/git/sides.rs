//! The two sides of a diff as git sees them: each file's blob id (hashed the way git
//! would store it for the working tree), and a way to read a file's bytes.

use super::{Git, GitTree, Index};
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

/// The files that `keep` selects and that differ between the trees of `base` and `head`:
/// the two trees are compared as git compares them (entering only the subtrees that
/// differ), and only these files' blobs are read, so the work grows with the change.
pub fn commit_sides<'a>(
    git: &'a Git,
    base: ObjectId,
    head: ObjectId,
    keep: &dyn Fn(&str) -> bool,
) -> Result<(Side<'a>, Side<'a>), Error> {
    let changed = git.changed(base, head)?;
    let side = |files: Vec<(String, ObjectId)>| {
        let files: BTreeMap<String, ObjectId> =
            files.into_iter().filter(|(p, _)| keep(p)).collect();
        let blobs = files.clone();
        let read: Reader<'a> = Box::new(move |path| {
            // A blob over the size limit or that cannot be read has no bytes, as from a
            // listed tree.
            let id = blobs.get(path)?;
            git.blob(&git.local(), *id).ok()
        });
        Side { files, read }
    };
    Ok((side(changed.base), side(changed.head)))
}

/// The documents of the working tree that `skip` leaves, and the `extra` files that
/// exist, with the blob id git would store for each, so unchanged files compare equal
/// without reading the other side. A file git's index shows unchanged (its metadata as
/// the index recorded it, and not racily clean: [`Index`]) takes the index's id unread,
/// as `git status` does; every other file is read and hashed.
pub fn worktree_side<'a>(
    git: &Git,
    tree: &'a Worktree,
    skip: &GlobSet,
    extra: &[String],
) -> Result<Side<'a>, Error> {
    let index = Index::open(git, tree.root());
    let null = ObjectId::null(gix::hash::Kind::Sha1);
    let hash = |bytes: &[u8]| {
        gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).unwrap_or(null)
    };
    // A file that cannot be read has no content to compare: it counts as changed (its
    // P005 is then this change's), with no documents. No blob has the null id.
    let found: Mutex<Vec<(String, ObjectId, Option<Vec<u8>>)>> = Mutex::new(Vec::new());
    tree.for_each_document_file(skip, &|rel, path| {
        let seen = match path {
            Err(_) => (null, None),
            Ok(path) => match index.as_ref().and_then(|index| index.unchanged(&rel, path)) {
                // Read later only if it differs from the base.
                Some(id) => (id, None),
                None => match tree.read_found(path) {
                    Ok(bytes) => (hash(&bytes), Some(bytes)),
                    Err(_) => (null, None),
                },
            },
        };
        found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel, seen.0, seen.1));
    });
    let mut files = BTreeMap::new();
    let mut contents: HashMap<String, Vec<u8>> = HashMap::new();
    for (path, id, bytes) in found.into_inner().unwrap_or_else(|e| e.into_inner()) {
        if let Some(bytes) = bytes {
            contents.insert(path.clone(), bytes);
        }
        files.insert(path, id);
    }
    for path in extra {
        if let Some(bytes) = tree.read(path)? {
            files.insert(path.clone(), hash(&bytes));
            contents.insert(path.clone(), bytes);
        }
    }
    Ok(Side {
        files,
        // A file taken from the index is read when it differs from the base (a change
        // staged but not committed).
        read: Box::new(move |path| match contents.get(path) {
            Some(bytes) => Some(bytes.clone()),
            None => tree.read(path).ok().flatten(),
        }),
    })
}
