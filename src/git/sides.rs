//! The two sides of a diff as git sees them: each file's blob id (hashed the way git
//! would store it for the working tree), and a way to read a file's bytes.

use super::{Git, Index};
use crate::Error;
use crate::source::{Recorded, Source, Stat, Unread, Worktree};
use gix::ObjectId;
use globset::GlobSet;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
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

/// The files that differ between `base`'s tree and the working tree (the documents that
/// `skip` leaves and the `extra` files: [`worktree_side`]); of the base's, those `keep`
/// selects. Both sides hold only those files, so what follows reads and compares only
/// them. The base's listing and the working tree's are merged in path order: no file
/// that is the same on both sides costs more than one comparison of paths.
pub fn worktree_sides<'a>(
    git: &'a Git,
    base: ObjectId,
    tree: &'a Worktree,
    skip: &GlobSet,
    extra: &[String],
    keep: &dyn Fn(&str) -> bool,
) -> Result<(Side<'a>, Side<'a>), Error> {
    let listed = git.entries(base)?;
    let index = git.worktree_index(tree.root());
    let (looked, read) = worktree_side(tree, index.as_deref(), skip, extra)?;
    // The working tree's files in path order: those the index vouched for (but the extra
    // files, read as such) and those looked at.
    let vouched = index
        .iter()
        .flat_map(|index| index.vouched())
        .filter(|(path, _)| !extra.iter().any(|e| e == path));
    let looked = looked.iter().map(|(path, id)| (path.as_str(), *id));
    let mut theirs = merged(vouched, looked).peekable();
    // A file of the working tree with a real blob id is one `keep` selects (the walk
    // selects documents as `keep` does, and `extra` is configuration): the same id on both
    // sides is the same file. A file only in the base counts when `keep` selects it.
    let mut head_files = BTreeMap::new();
    let mut base_files = BTreeMap::new();
    for (path, id) in &listed.files {
        while let Some((p, theirs)) = theirs.next_if(|(p, _)| *p < path.as_str()) {
            head_files.insert(p.to_owned(), theirs); // only in the working tree
        }
        match theirs.next_if(|(p, _)| p == path) {
            Some((_, theirs)) if theirs == *id => {}
            Some((p, theirs)) => {
                head_files.insert(p.to_owned(), theirs);
                if keep(path) {
                    base_files.insert(path.clone(), *id);
                }
            }
            None if keep(path) => {
                base_files.insert(path.clone(), *id);
            }
            None => {}
        }
    }
    head_files.extend(theirs.map(|(p, id)| (p.to_owned(), id)));
    let head = Side {
        files: head_files,
        read,
    };
    let blobs = base_files.clone();
    let base_side = Side {
        files: base_files,
        read: Box::new(move |path| {
            let id = blobs.get(path)?;
            git.blob(&git.local(), *id).ok()
        }),
    };
    Ok((base_side, head))
}

/// The files the index vouched for and those looked at, each list in path order, as one
/// in path order. A path in both is two files whose names read the same once made
/// readable (a name that is not UTF-8 beside one that is): it counts as changed (the
/// null id), so that neither file can stand in for the other.
fn merged<'p>(
    a: impl Iterator<Item = (&'p str, ObjectId)>,
    b: impl Iterator<Item = (&'p str, ObjectId)>,
) -> impl Iterator<Item = (&'p str, ObjectId)> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y.0 < x.0 => b.next(),
        (Some(x), Some(y)) if y.0 == x.0 => {
            b.next();
            a.next()
                .map(|(path, _)| (path, ObjectId::null(gix::hash::Kind::Sha1)))
        }
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
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

/// A working-tree file looked at: its path, its blob id, and its bytes when they were read.
type Looked = (String, ObjectId, Option<Vec<u8>>);

/// The documents of the working tree that `skip` leaves, and the `extra` files that
/// exist, with the blob id git would store for each, so unchanged files compare equal
/// without reading the other side. A file git's `index` shows unchanged (its metadata as
/// the index recorded it, and not racily clean: [`Index`]) is left to the index, which
/// remembers it with its id, unread, as `git status` does; every other file is read and
/// hashed.
///
/// The files looked at in path order (each path once), and a way to read any file.
fn worktree_side<'a>(
    tree: &'a Worktree,
    index: Option<&Index>,
    skip: &GlobSet,
    extra: &[String],
) -> Result<(Vec<(String, ObjectId)>, Reader<'a>), Error> {
    let null = ObjectId::null(gix::hash::Kind::Sha1);
    let hash = |bytes: &[u8]| {
        gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes).unwrap_or(null)
    };
    // A file that cannot be read has no content to compare: it counts as changed (its
    // P005 is then this change's), with no documents. No blob has the null id.
    let found: Mutex<Vec<Looked>> = Mutex::new(Vec::new());
    let look = |rel: String, file: Result<(&Path, Option<&Stat>), Unread>| {
        let seen = match file {
            Err(_) => (null, None),
            Ok((path, stat)) => {
                let unchanged = index.is_some_and(|index| match stat {
                    Some(stat) => index.unchanged(&rel, stat),
                    None => index.unchanged_at(&rel, path),
                });
                if unchanged {
                    return; // the index has it
                }
                match tree.read_found(path) {
                    // A name that is not UTF-8 is known by its readable form, which may
                    // be another file's name: its bytes are not that name's.
                    Ok(bytes) if path.to_str().is_none() => (hash(&bytes), None),
                    Ok(bytes) => (hash(&bytes), Some(bytes)),
                    Err(_) => (null, None),
                }
            }
        };
        found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel, seen.0, seen.1));
    };
    // The walk `check` made, when it kept what it found; else a walk of its own.
    if !tree.for_each_remembered(skip, index.map(|i| i as &dyn Recorded), &look) {
        if let Some(index) = index {
            index.forget();
        }
        tree.for_each_document_file(skip, &|rel, path| look(rel, path.map(|p| (p, None))));
    }
    let mut files = Vec::new();
    let mut contents: HashMap<String, Vec<u8>> = HashMap::new();
    for (path, id, bytes) in found.into_inner().unwrap_or_else(|e| e.into_inner()) {
        if let Some(bytes) = bytes {
            contents.insert(path.clone(), bytes);
        }
        files.push((path, id));
    }
    // An extra file is read as such, whatever the walk found there.
    files.retain(|(path, _)| !extra.contains(path));
    for path in extra {
        if let Some(bytes) = tree.read(path)? {
            files.push((path.clone(), hash(&bytes)));
            contents.insert(path.clone(), bytes);
        }
    }
    files.par_sort_unstable();
    // The same path twice: folders the walk could not enter and could not name ("."),
    // each unreadable, or two names that are not UTF-8 and read the same once made
    // readable. Whatever their contents, such a path counts as changed.
    files.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same && later.1 != kept.1 {
            kept.1 = null;
        }
        same
    });
    let read: Reader<'a> = Box::new(move |path| match contents.get(path) {
        Some(bytes) => Some(bytes.clone()),
        // A file taken from the index is read when it differs from the base (a change
        // staged but not committed).
        None => tree.read(path).ok().flatten(),
    });
    Ok((files, read))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_two_files_share_counts_as_changed() {
        let id = |n: u8| ObjectId::from_bytes_or_panic(&[n; 20]);
        let null = ObjectId::null(gix::hash::Kind::Sha1);
        let vouched = [("a.yaml", id(1)), ("x\u{fffd}.yaml", id(2))];
        let looked = [("b.yaml", id(3)), ("x\u{fffd}.yaml", id(4))];
        let all: Vec<_> = merged(vouched.into_iter(), looked.into_iter()).collect();
        assert_eq!(
            all,
            [
                ("a.yaml", id(1)),
                ("b.yaml", id(3)),
                ("x\u{fffd}.yaml", null)
            ]
        );
    }
}
