//! `pmo history ID`: every commit that changed one document, following it across
//! renames, with the field-level change each made. Walks the first-parent history and
//! looks the document's file up by path in each commit's tree; only the blobs that
//! differ are read.

use super::ChangeKind;
use super::fields::{FieldChange, field_changes, mark_amounts};
use crate::Error;
use crate::git::{Commit, Git, find, locate, read};
use crate::model::Kind;
use crate::parse::YamlFile;
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

/// The fields that changed from `old` to `new`, amounts marked with their currency: a
/// project's own, else `currency` (pmo.yaml's), which is also that of a risk's or a
/// change's amounts, since a history reads no other document.
fn changes(old: &Value, new: &Value, currency: &str) -> Vec<FieldChange> {
    let kind = new.get("kind").and_then(Value::as_str).unwrap_or_default();
    let of = |v: &Value| {
        v.get("currency")
            .and_then(Value::as_str)
            .filter(|_| kind == "project")
            .unwrap_or(currency)
            .to_owned()
    };
    let mut fields = field_changes(old, new);
    mark_amounts(Kind::parse(kind), &mut fields, &of(old), &of(new));
    fields
}

/// An entry of the history: `info` made this change to the document.
fn entry(
    info: &Commit,
    change: ChangeKind,
    fields: Vec<FieldChange>,
    file: &str,
    old_file: Option<String>,
) -> Event {
    Event {
        commit: info.id.to_hex_with_len(12).to_string(),
        date: info.date.clone(),
        author: info.author.clone(),
        email: info.email.clone(),
        summary: info.summary.clone(),
        change,
        file: file.to_owned(),
        old_file,
        fields,
    }
}

/// Where document `id` was last readable, when `tip` holds it in a file that does not
/// parse: that file's path, the newest commit where it still held the document and the
/// document, and the commit after it, which made the file unreadable.
fn last_readable(
    git: &Git,
    repo: &gix::Repository,
    tip: ObjectId,
    id: &str,
) -> Result<Option<(String, ObjectId, Value, ObjectId)>, Error> {
    for (path, blob) in git.files(tip)? {
        let Ok(bytes) = git.blob(repo, blob) else {
            continue;
        };
        if !crate::source::is_document_path(&path)
            || !bytes.windows(id.len()).any(|w| w == id.as_bytes())
            || !read(&path, &bytes).is_unreadable()
        {
            continue;
        }
        let mut commit = tip;
        while let Some(&parent) = git.commit(repo, commit)?.parents.first() {
            let child = commit;
            commit = parent;
            let Some(bytes) = git
                .blob_at(repo, commit, &path)
                .and_then(|b| git.blob(repo, b).ok())
            else {
                break;
            };
            let file = read(&path, &bytes);
            if file.is_unreadable() {
                continue;
            }
            if let Some(value) = find(file, id) {
                return Ok(Some((path, commit, value, child)));
            }
            break;
        }
    }
    Ok(None)
}

/// The changes to document `id` reachable from `tip`, newest first. A commit that made the
/// document's file unreadable is an entry of its own, and the commit that made it readable
/// again is credited with what changed across the break. `currency` is the repository's
/// (pmo.yaml's, empty when it has none).
pub fn history(git: &Git, tip: ObjectId, id: &str, currency: &str) -> Result<Vec<Event>, Error> {
    let repo = git.local();
    // The document's id in the commit being looked at: it may have changed on the way.
    let mut id = id.to_owned();
    let mut events = Vec::new();
    let mut commit = tip;
    let (mut path, mut value) = match locate(git, &repo, tip, &id)? {
        Some(found) => found,
        None => match last_readable(git, &repo, tip, &id)? {
            // The head does not parse: the history up to it still stands.
            Some((path, readable, value, broke)) => {
                let info = git.commit(&repo, broke)?;
                events.push(entry(
                    &info,
                    ChangeKind::Unreadable,
                    Vec::new(),
                    &path,
                    None,
                ));
                commit = readable;
                (path, value)
            }
            None => {
                return Err(Error::Invalid(format!(
                    "no document `{id}` at {}",
                    tip.to_hex_with_len(12)
                )));
            }
        },
    };
    let mut blob = git.blob_at(&repo, commit, &path);
    // The commit that made the file readable again, while walking back through versions
    // that do not parse: it is credited with the change across them.
    let mut repaired: Option<Commit> = None;
    loop {
        let info: Commit = git.commit(&repo, commit)?;
        let parent = info.parents.first().copied();
        let Some(parent) = parent else {
            events.push(entry(&info, ChangeKind::Added, Vec::new(), &path, None));
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
            // Broken YAML before this commit: the document is neither gone nor changed
            // there; what changed is measured against the last readable version.
            repaired.get_or_insert(info);
            blob = parent_blob;
            commit = parent;
            continue;
        }
        // `info` made the change from the parent's version, or, after a break, made the
        // file unreadable, and the commit that repaired it made the change.
        let (maker, broke) = match repaired.take() {
            Some(repairer) => (repairer, Some(info)),
            None => (info, None),
        };
        let unreadable = |events: &mut Vec<Event>, path: &str| {
            if let Some(broke) = &broke {
                events.push(entry(broke, ChangeKind::Unreadable, Vec::new(), path, None));
            }
        };
        let docs: Vec<Value> = parent_file.map_or_else(Vec::new, |file| {
            file.docs.into_iter().map(|d| d.value).collect()
        });
        let found = docs
            .iter()
            .find(|v| v.get("id").and_then(Value::as_str) == Some(id.as_str()));
        let mut alike = docs.iter().filter(|v| v.get("kind") == value.get("kind"));
        let only = match (alike.next(), alike.next()) {
            (Some(v), None) => Some(v),
            _ => None,
        };
        let before = match found {
            Some(v) => Some((path.clone(), v.clone())),
            // Not at this path before: moved from another file, or added here.
            None => match locate(git, &repo, parent, &id)? {
                Some(found) => Some(found),
                // The only document of its kind in its file before: the same document,
                // under another id.
                None => only.map(|v| (path.clone(), v.clone())),
            },
        };
        match before {
            None => {
                events.push(entry(&maker, ChangeKind::Added, Vec::new(), &path, None));
                unreadable(&mut events, &path);
                break;
            }
            Some((old_path, old_value)) => {
                let old_id = old_value
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if old_id != id {
                    events.push(entry(
                        &maker,
                        ChangeKind::IdChanged,
                        changes(&old_value, &value, currency),
                        &path,
                        None,
                    ));
                    id = old_id.to_owned();
                } else if old_path != path {
                    let fields = changes(&old_value, &value, currency);
                    events.push(entry(
                        &maker,
                        ChangeKind::Renamed,
                        fields,
                        &path,
                        Some(old_path.clone()),
                    ));
                } else if old_value != value {
                    events.push(entry(
                        &maker,
                        ChangeKind::Modified,
                        changes(&old_value, &value, currency),
                        &path,
                        None,
                    ));
                }
                unreadable(&mut events, &path);
                blob = git.blob_at(&repo, parent, &old_path);
                path = old_path;
                value = old_value;
                commit = parent;
            }
        }
    }
    Ok(events)
}
