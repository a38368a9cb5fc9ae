//! The documents of one commit, read from git's object database without a checkout.

use super::{Entries, Git};
use crate::Error;
use crate::source::{Source, Unread, Visit, is_selected_document};
use gix::ObjectId;
use globset::GlobSet;
use rayon::prelude::*;
use std::sync::Arc;

pub struct GitTree<'g> {
    git: &'g Git,
    /// Path (relative to the governance root) -> blob, in path order; and the paths of
    /// symbolic links, in path order: never read.
    entries: Arc<Entries>,
}

impl<'g> GitTree<'g> {
    pub fn new(git: &'g Git, commit: ObjectId) -> Result<GitTree<'g>, Error> {
        Ok(GitTree {
            git,
            entries: git.entries(commit)?,
        })
    }

    /// The link that `path` is or goes through, if any.
    fn link_on(&self, path: &str) -> Option<&str> {
        self.entries.links.iter().map(String::as_str).find(|link| {
            path == *link || path.strip_prefix(link).is_some_and(|r| r.starts_with('/'))
        })
    }

    /// Its `.gitignore` rules, for the working tree at `root` when this tree judges it.
    pub fn ignores(&self, root: &std::path::Path) -> crate::source::Ignores {
        let repo = self.git.local();
        let files = self
            .entries
            .files
            .iter()
            .filter(|(path, _)| path == ".gitignore" || path.ends_with("/.gitignore"))
            .filter_map(|(path, blob)| {
                let text = String::from_utf8(self.git.blob(&repo, *blob).ok()?).ok()?;
                let dir = path.strip_suffix(".gitignore")?.trim_end_matches('/');
                Some((dir.to_owned(), text))
            })
            .collect();
        crate::source::Ignores::new(root, files)
    }

    /// Path -> blob id of every file, for diffs that read only what changed.
    pub fn files(&self) -> &[(String, ObjectId)] {
        &self.entries.files
    }

    /// The paths of its symbolic links, in path order.
    pub fn links(&self) -> &[String] {
        &self.entries.links
    }
}

impl Source for GitTree<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        if self.link_on(path).is_some() {
            return Err(Unread::Link.refuse(path));
        }
        let Ok(i) = self
            .entries
            .files
            .binary_search_by(|(p, _)| p.as_str().cmp(path))
        else {
            return Ok(None);
        };
        let repo = self.git.local();
        self.git
            .blob(&repo, self.entries.files[i].1)
            .map(Some)
            .map_err(|why| why.refuse(path))
    }

    fn files_in(&self, dir: &str) -> Result<Vec<String>, Error> {
        if self.link_on(dir).is_some() {
            return Err(Unread::Link.refuse(dir));
        }
        let prefix = format!("{dir}/");
        Ok(self
            .entries
            .files
            .iter()
            .filter_map(|(path, _)| path.strip_prefix(&prefix))
            .filter(|name| !name.contains('/'))
            .map(str::to_owned)
            .collect())
    }

    fn for_each_document(&self, skip: &GlobSet, visit: &Visit<'_>) {
        self.entries
            .files
            .par_iter()
            .filter(|(path, _)| is_selected_document(path, skip))
            .for_each_init(
                || self.git.local(),
                |repo, (path, id)| visit(path.clone(), self.git.blob(repo, *id)),
            );
        for link in &self.entries.links {
            if !crate::source::is_hidden(link) && !skip.is_match(link) {
                visit(link.clone(), Err(Unread::Link));
            }
        }
    }
}
