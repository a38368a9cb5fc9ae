//! Where a document is at a commit: by path, or by id in any file that mentions it.

use super::Git;
use crate::Error;
use crate::parse::{self, Limits, YamlFile};
use gix::ObjectId;
use serde_json::Value;

/// The file at `path` with these bytes, read.
pub(crate) fn read(path: &str, bytes: &[u8]) -> YamlFile {
    parse::load(path, bytes, &Limits::default())
}

/// Whether `bytes` mention `id`: a cheap test before a file is parsed. An empty id is
/// mentioned nowhere (no document has one).
pub(crate) fn mentions(bytes: &[u8], id: &str) -> bool {
    !id.is_empty() && bytes.windows(id.len()).any(|w| w == id.as_bytes())
}

/// The document with `id` in a file.
pub(crate) fn find(file: YamlFile, id: &str) -> Option<Value> {
    file.docs
        .into_iter()
        .map(|d| d.value)
        .find(|v| v.get("id").and_then(Value::as_str) == Some(id))
}

/// The document with `id` in a file's bytes.
pub(crate) fn find_in(bytes: &[u8], path: &str, id: &str) -> Option<Value> {
    find(read(path, bytes), id)
}

/// Where document `id` is in `commit`: its path and value. Files named after the id are
/// tried first, then every file that mentions it.
pub(crate) fn locate(
    git: &Git,
    repo: &gix::Repository,
    commit: ObjectId,
    id: &str,
) -> Result<Option<(String, Value)>, Error> {
    let files = git.files(commit)?;
    let named = |p: &str| p.rsplit('/').next().is_some_and(|f| f.starts_with(id));
    let (first, rest): (Vec<_>, Vec<_>) = files
        .iter()
        .filter(|(p, _)| crate::source::is_document_path(p))
        .partition(|(p, _)| named(p));
    for (path, blob) in first.into_iter().chain(rest) {
        let Ok(bytes) = git.blob(repo, *blob) else {
            continue;
        };
        if !mentions(&bytes, id) {
            continue;
        }
        if let Some(value) = find_in(&bytes, path, id) {
            return Ok(Some((path.clone(), value)));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::mentions;

    #[test]
    fn an_empty_id_is_mentioned_nowhere() {
        assert!(mentions(b"id: apollo\n", "apollo"));
        assert!(!mentions(b"id: apollo\n", "zeus"));
        assert!(!mentions(b"id: apollo\n", ""));
        assert!(!mentions(b"", "apollo"));
    }
}
