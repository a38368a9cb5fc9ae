//! Source: where document bytes come from. Everything downstream sees relative paths
//! with `/` separators and bytes, whatever the source.

pub mod file;
mod ignores;
mod memory;
mod stat;
mod worktree;

pub use file::{MAX_BYTES, Unread};
pub use ignores::Ignores;
pub use memory::Memory;
pub use stat::{Recorded, Stat};
pub use worktree::{Found, Worktree};

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::Path;

/// Receives one document file: its path and bytes, or why they were not read. A symbolic
/// link in the tree is visited too, as [`Unread::Link`], whatever its name.
pub type Visit<'a> = dyn Fn(String, Result<Vec<u8>, Unread>) + Sync + 'a;

pub trait Source: Sync {
    /// A file at `path` (relative to the root), `None` when there is none. A link, a file
    /// over [`MAX_BYTES`] or one that is not a regular file is refused with the reason.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, crate::Error>;
    /// The names of the files directly in the folder `dir` (relative to the root), in
    /// name order; none when there is no such folder. A folder that is a link is refused.
    fn files_in(&self, dir: &str) -> Result<Vec<String>, crate::Error>;
    /// Hand every document file not matched by `skip` to `visit`, in any order and from
    /// any thread: finding, reading and parsing files then overlap on every core. A path
    /// that cannot be walked or read is visited with the reason.
    fn for_each_document(&self, skip: &GlobSet, visit: &Visit<'_>);
}

/// Paths that are never documents (SPEC section 1), plus the `exclude` globs of pmo.yaml.
pub fn skip_set(exclude: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for pattern in ["templates/**", "schema/**"]
        .iter()
        .copied()
        .chain(exclude.iter().map(String::as_str))
    {
        b.add(Glob::new(pattern).map_err(|e| format!("exclude pattern `{pattern}`: {e}"))?);
    }
    b.build().map_err(|e| e.to_string())
}

/// The configuration's file name, at the root of a governance repository: what the walk
/// up looks for, and the one YAML file that is not a document. `config::FILE` is this.
pub const CONFIG_FILE: &str = "pmo.yaml";

/// Whether `dir` holds a governance repository's configuration. `pmo.yaml` as a link
/// counts (it is then refused, with the reason, when it is read): the walk up must not
/// pass it by for another `pmo.yaml` further up.
pub fn holds_config(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(CONFIG_FILE)).is_ok_and(|m| !m.is_dir())
}

/// Hidden files and folders (a part starting with `.`) are not documents.
pub fn is_hidden(path: &str) -> bool {
    path.split('/').any(|part| part.starts_with('.'))
}

/// Whether a path from a list of files (a git tree) is a document file: what the
/// working-tree walk selects by walking (SPEC section 1).
pub fn is_selected_document(path: &str, skip: &GlobSet) -> bool {
    is_document_path(path) && !is_hidden(path) && !skip.is_match(path)
}

/// Document files are YAML files other than the configuration.
pub fn is_document_path(path: &str) -> bool {
    (path.ends_with(".yaml") || path.ends_with(".yml")) && path != CONFIG_FILE
}
