//! The files that differ between two commits, found as git finds them: the two trees are
//! walked together and only the subtrees whose ids differ are entered, so the work grows
//! with the change, not with the repository.

use super::{Git, git_error, shallow_hint};
use crate::Error;
use gix::ObjectId;
use gix::diff::tree::recorder::Change;

/// The files (not links, not submodules) that differ between two commits below the
/// governance root, with their blob ids on each side: a file missing from a side, or a
/// link there, is absent from that side's list. Paths are relative to the governance
/// root; a file whose mode alone changed is listed on both sides with the same id.
/// The symbolic links among the changed paths are named apart, by side (never read).
#[derive(Debug, Default)]
pub struct Changed {
    pub base: Vec<(String, ObjectId)>,
    pub head: Vec<(String, ObjectId)>,
    pub base_links: Vec<String>,
    pub head_links: Vec<String>,
}

impl Git {
    /// The files that differ between the trees of `base` and `head`.
    pub fn changed(&self, base: ObjectId, head: ObjectId) -> Result<Changed, Error> {
        let repo = self.local();
        let (lhs, rhs) = (self.root_tree(&repo, base)?, self.root_tree(&repo, head)?);
        let kind = repo.object_hash();
        let data =
            |tree: &Option<gix::Tree<'_>>| tree.as_ref().map_or(Vec::new(), |t| t.data.clone());
        let (lhs, rhs) = (data(&lhs), data(&rhs));
        // gix's tree diff (no feature beyond those pmo builds): a breadth-first walk of
        // both trees that skips every subtree whose id is the same on both sides.
        let mut recorder = gix::diff::tree::Recorder::default();
        gix::diff::tree(
            gix::objs::TreeRefIter::from_bytes(&lhs, kind),
            gix::objs::TreeRefIter::from_bytes(&rhs, kind),
            gix::diff::tree::State::default(),
            &repo.objects,
            &mut recorder,
        )
        .map_err(|e| {
            git_error(
                format!(
                    "comparing the trees of {base} and {head}{}",
                    shallow_hint(&repo)
                ),
                e,
            )
        })?;
        let mut changed = Changed::default();
        // Paths that are not UTF-8 are not documents pmo can name: left out, as from a listing.
        let file = |mode: gix::objs::tree::EntryMode, path: &gix::bstr::BStr, oid: ObjectId| {
            let path = std::str::from_utf8(path).ok()?;
            mode.is_blob().then(|| (path.to_owned(), oid))
        };
        let link = |mode: gix::objs::tree::EntryMode, path: &gix::bstr::BStr| {
            let path = std::str::from_utf8(path).ok()?;
            mode.is_link().then(|| path.to_owned())
        };
        for change in recorder.records {
            match change {
                Change::Addition {
                    entry_mode,
                    oid,
                    path,
                    ..
                } => {
                    changed.head.extend(file(entry_mode, path.as_ref(), oid));
                    changed.head_links.extend(link(entry_mode, path.as_ref()));
                }
                Change::Deletion {
                    entry_mode,
                    oid,
                    path,
                    ..
                } => {
                    changed.base.extend(file(entry_mode, path.as_ref(), oid));
                    changed.base_links.extend(link(entry_mode, path.as_ref()));
                }
                Change::Modification {
                    previous_entry_mode,
                    previous_oid,
                    entry_mode,
                    oid,
                    path,
                } => {
                    changed
                        .base
                        .extend(file(previous_entry_mode, path.as_ref(), previous_oid));
                    changed.head.extend(file(entry_mode, path.as_ref(), oid));
                    changed
                        .base_links
                        .extend(link(previous_entry_mode, path.as_ref()));
                    changed.head_links.extend(link(entry_mode, path.as_ref()));
                }
            }
        }
        Ok(changed)
    }

    /// The tree of the governance root in `commit`; `None` when the commit has none there.
    pub(super) fn root_tree<'r>(
        &self,
        repo: &'r gix::Repository,
        commit: ObjectId,
    ) -> Result<Option<gix::Tree<'r>>, Error> {
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(|e| git_error(format!("commit {commit}{}", shallow_hint(repo)), e))?;
        let dir = self.prefix.trim_end_matches('/');
        if dir.is_empty() {
            return Ok(Some(tree));
        }
        let entry = tree
            .lookup_entry_by_path(dir)
            .map_err(|e| git_error(format!("tree of {commit}"), e))?;
        match entry {
            Some(entry) if entry.mode().is_tree() => repo
                .find_tree(entry.object_id())
                .map(Some)
                .map_err(|e| git_error(format!("tree of {commit}"), e)),
            _ => Ok(None),
        }
    }
}
