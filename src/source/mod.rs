//! Source: where document bytes come from. Everything downstream sees relative paths
//! with `/` separators and bytes, whatever the source.

mod worktree;

pub use worktree::Worktree;

use globset::{Glob, GlobSet, GlobSetBuilder};

/// A document file the source found, or a path it could not walk (`problem` says why).
pub struct Entry {
    pub path: String,
    pub problem: Option<String>,
}

pub trait Source: Sync {
    /// A file at `path` (relative to the root), `None` when there is none.
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, crate::Error>;
    /// The document file paths, in path order, skipping what `skip` matches.
    fn document_paths(&self, skip: &GlobSet) -> Vec<Entry>;
    /// The bytes of one document path from `document_paths`.
    fn read_document(&self, path: &str) -> Result<Vec<u8>, String>;
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

/// Document files are YAML files other than the configuration.
pub fn is_document_path(path: &str) -> bool {
    (path.ends_with(".yaml") || path.ends_with(".yml")) && path != crate::config::FILE
}
