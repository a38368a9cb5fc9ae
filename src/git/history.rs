//! `pmo history ID`: every commit that changed one document, following it across
//! renames, with the field-level change each made. Walks the first-parent history and
//! looks the document's file up by path in each commit's tree; only the blobs that
//! differ are read.

use super::diff::{ChangeKind, FieldChange, field_changes};
use super::{Commit, Git};
use crate::Error;
use crate::parse::{self, Limits, YamlFile};
use gix::ObjectId;
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub commit: String,
    pub date: String,
    pub author: String,
    pub email: String,
    pub summary: String,
    pub change: ChangeKind,
    pub file: String,
    pub old_file: Option<String>,
    pub fields: Vec<FieldChange>,
}

/// The file at `path` with these bytes, read.
fn read(path: &str, bytes: &[u8]) -> YamlFile {
    parse::load(path, bytes, &Limits::default())
}

/// The document with `id` in a file.
fn find(file: YamlFile, id: &str) -> Option<Value> {
    file.docs
        .into_iter()
        .map(|d| d.value)
        .find(|v| v.get("id").and_then(Value::as_str) == Some(id))
}

/// The document with `id` in a file's bytes.
pub(super) fn find_in(bytes: &[u8], path: &str, id: &str) -> Option<Value> {
    find(read(path, bytes), id)
}

/// Where document `id` is in `commit`: its path and value. Files named after the id are
/// tried first, then every file that mentions it.
fn locate(
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
        if !bytes.windows(id.len()).any(|w| w == id.as_bytes()) {
            continue;
        }
        if let Some(value) = find_in(&bytes, path, id) {
            return Ok(Some((path.clone(), value)));
        }
    }
    Ok(None)
}

/// The changes to document `id` reachable from `tip`, newest first.
pub fn history(git: &Git, tip: ObjectId, id: &str) -> Result<Vec<Event>, Error> {
    let repo = git.local();
    let Some((mut path, mut value)) = locate(git, &repo, tip, id)? else {
        return Err(Error::Invalid(format!(
            "no document `{id}` at {}",
            tip.to_hex_with_len(12)
        )));
    };
    let mut events = Vec::new();
    let mut commit = tip;
    let mut blob = git.blob_at(&repo, commit, &path);
    loop {
        let info: Commit = git.commit(&repo, commit)?;
        let parent = info.parents.first().copied();
        let event = |change, fields, file: &str, old_file| Event {
            commit: info.id.to_hex_with_len(12).to_string(),
            date: info.date.clone(),
            author: info.author.clone(),
            email: info.email.clone(),
            summary: info.summary.clone(),
            change,
            file: file.to_owned(),
            old_file,
            fields,
        };
        let Some(parent) = parent else {
            events.push(event(ChangeKind::Added, Vec::new(), &path, None));
            break;
        };
        let parent_blob = git.blob_at(&repo, parent, &path);
        if parent_blob == blob {
            commit = parent;
            continue;
        }
        // The file changed: is the document still there, and did it change?
        let parent_file = parent_blob
            .and_then(|b| git.blob(&repo, b).ok())
            .map(|bytes| read(&path, &bytes));
        if parent_file.as_ref().is_some_and(YamlFile::is_unreadable) {
            // Broken YAML in that commit: the document is neither gone nor changed there;
            // compare across it with the next readable version.
            blob = parent_blob;
            commit = parent;
            continue;
        }
        let before = parent_file
            .and_then(|file| find(file, id))
            .map(|v| (path.clone(), v));
        let before = match before {
            Some(found) => Some(found),
            // Not at this path before: moved from another file, or added here.
            None => locate(git, &repo, parent, id)?,
        };
        match before {
            None => {
                events.push(event(ChangeKind::Added, Vec::new(), &path, None));
                break;
            }
            Some((old_path, old_value)) => {
                if old_path != path {
                    let fields = field_changes(&old_value, &value);
                    events.push(event(
                        ChangeKind::Renamed,
                        fields,
                        &path,
                        Some(old_path.clone()),
                    ));
                } else if old_value != value {
                    events.push(event(
                        ChangeKind::Modified,
                        field_changes(&old_value, &value),
                        &path,
                        None,
                    ));
                }
                blob = git.blob_at(&repo, parent, &old_path);
                path = old_path;
                value = old_value;
                commit = parent;
            }
        }
    }
    Ok(events)
}
