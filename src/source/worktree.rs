//! The working tree: a directory on disk, walked with git's ignore rules.

use super::{Source, Visit, is_document_path};
use crate::Error;
use globset::GlobSet;
use std::path::{Path, PathBuf};

pub struct Worktree {
    root: PathBuf,
}

impl Worktree {
    /// The governance repository containing `start`: the nearest directory, walking up,
    /// that holds a `pmo.yaml` (as git finds `.git`).
    pub fn discover(start: &Path) -> Result<Worktree, Error> {
        let start = start.canonicalize().map_err(|e| Error::io(start, e))?;
        let root = start
            .ancestors()
            .find(|dir| dir.join(crate::config::FILE).is_file())
            .ok_or_else(|| Error::NotARepository(start.clone()))?;
        Ok(Worktree {
            root: root.to_path_buf(),
        })
    }

    pub fn at(root: impl Into<PathBuf>) -> Worktree {
        Worktree { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Source for Worktree {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        let full = self.root.join(path);
        match std::fs::read(&full) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(full, e)),
        }
    }

    fn for_each_document(&self, skip: &GlobSet, visit: &Visit<'_>) {
        ignore::WalkBuilder::new(&self.root)
            .hidden(true)
            .ignore(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .follow_links(true)
            .build_parallel()
            .run(|| {
                Box::new(|item| {
                    match item {
                        Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                            if let Some(rel) = relative(&self.root, entry.path())
                                && is_document_path(&rel)
                                && !skip.is_match(&rel)
                            {
                                let bytes = std::fs::read(entry.path())
                                    .map_err(|e| format!("cannot be read: {e}"));
                                visit(rel, bytes);
                            }
                        }
                        Ok(_) => {}
                        Err(e) => {
                            // A symlink loop or an unreadable directory: reported on that
                            // path, and the walk goes on.
                            let path = error_path(&e)
                                .and_then(|p| relative(&self.root, &p))
                                .unwrap_or_else(|| ".".into());
                            visit(path, Err(describe_walk_error(&e)));
                        }
                    }
                    ignore::WalkState::Continue
                })
            });
    }
}

fn relative(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .filter_map(|c| c.as_os_str().to_str())
        .collect();
    Some(parts.join("/"))
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
        ignore::Error::Loop { ancestor, .. } => {
            format!(
                "symbolic link loop: it leads back to {}; it was not read",
                ancestor.display()
            )
        }
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => describe_walk_error(err),
        other => format!("cannot be read: {other}"),
    }
}
