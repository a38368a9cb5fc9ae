//! `pmo history ID`: every commit that changed one document, following it across
//! renames, with the field-level change each made. Walks the first-parent history and
//! looks the document's file up by path in each commit's tree; only the blobs that
//! differ are read. A document the tip no longer has is looked for back in history, and
//! its removal is the first entry. [`walk`] hands the entries over one by one, so that a
//! caller that has what it needs ([`super::blame`]) stops the walk there.

use super::ChangeKind;
use super::fields::{FieldChange, field_changes, mark_amounts};
use crate::Error;
use crate::git::{Commit, Git, find, locate, read};
use crate::model::Kind;
use crate::parse::YamlFile;
use gix::ObjectId;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

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
    /// The commit's full id (`commit` is its short form, for people).
    #[serde(skip)]
    pub oid: ObjectId,
    /// The commit's author time (seconds since the epoch): what `--since` compares.
    #[serde(skip)]
    pub seconds: i64,
    /// The document before and after the change (`None` where it was not there or not
    /// readable): what `baselines` and `blame` read beyond the field changes.
    #[serde(skip)]
    pub old: Option<Value>,
    #[serde(skip)]
    pub new: Option<Value>,
}

/// Which entries a history keeps: those of commits authored at or after `since`, at most
/// `limit` of them (the newest).
#[derive(Debug, Clone, Copy, Default)]
pub struct Select {
    pub since: Option<jiff::Timestamp>,
    pub limit: Option<usize>,
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

/// The event of the commit `info` that left the document's file `file` unparseable.
fn broken_at(info: &Commit, file: &str) -> Event {
    entry(
        info,
        ChangeKind::Unreadable,
        Vec::new(),
        file,
        None,
        (None, None),
    )
}

/// An entry of the history: `info` made this change to the document, from `old` to
/// `new`.
fn entry(
    info: &Commit,
    change: ChangeKind,
    fields: Vec<FieldChange>,
    file: &str,
    old_file: Option<String>,
    (old, new): (Option<&Value>, Option<&Value>),
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
        oid: info.id,
        seconds: info.seconds,
        old: old.cloned(),
        new: new.cloned(),
    }
}

/// Where a document the tip no longer has was last readable.
struct Removal {
    /// The commit that removed its file; `None` when the file was renamed away while it
    /// did not parse (nothing says where the document went).
    removed: Option<ObjectId>,
    /// The commit that made its file unreadable before that, if one did.
    broke: Option<ObjectId>,
    /// Its path and value in `parent`, the newest commit where it was readable.
    path: String,
    value: Value,
    parent: ObjectId,
}

/// Where document `id` was last, when `tip` no longer has it. Each step back reads only
/// the parent's files that the child does not have unchanged ([`Git::changed`]) and
/// that mention the id: a file the child has unchanged cannot hold a document the child
/// lacks. A file that stopped parsing before it was removed is followed through the
/// break: the removal and the break are entries of their own.
fn removal(
    git: &Git,
    repo: &gix::Repository,
    tip: ObjectId,
    id: &str,
) -> Result<Option<Removal>, Error> {
    let unreadable = |commit: ObjectId, path: &str| {
        git.blob_at(repo, commit, path)
            .and_then(|b| git.blob(repo, b).ok())
            .is_some_and(|bytes| read(path, &bytes).is_unreadable())
    };
    // Files that mention the id but did not parse when a commit removed them: path and
    // that commit (the newest, met first).
    let mut deleted: HashMap<String, ObjectId> = HashMap::new();
    let mut child = tip;
    while let Some(&parent) = git.commit(repo, child)?.parents.first() {
        // The parent's side of what the commit changed, but a file whose mode alone
        // changed: its files the child does not have with the same blob, in path order.
        let changed = git.changed(parent, child)?;
        let mut gone: Vec<_> = changed
            .base
            .into_iter()
            .filter(|file| !changed.head.contains(file))
            .collect();
        gone.sort_unstable();
        for (path, blob) in gone {
            if !crate::source::is_document_path(&path) {
                continue;
            }
            let Ok(bytes) = git.blob(repo, blob) else {
                continue;
            };
            if !crate::git::mentions(&bytes, id) {
                continue;
            }
            let file = read(&path, &bytes);
            if file.is_unreadable() {
                if git.blob_at(repo, child, &path).is_none() {
                    deleted.entry(path).or_insert(child);
                }
                continue;
            }
            if let Some(value) = crate::git::find(file, id) {
                let broke = unreadable(child, &path);
                return Ok(Some(Removal {
                    removed: if broke {
                        deleted.get(&path).copied()
                    } else {
                        Some(child)
                    },
                    broke: broke.then_some(child),
                    path,
                    value,
                    parent,
                }));
            }
        }
        child = parent;
    }
    Ok(None)
}

/// Hands a walk's entries to its visitor until the visitor has enough.
struct Visit<'v> {
    visit: &'v mut dyn FnMut(Event) -> bool,
    done: bool,
}

impl Visit<'_> {
    fn push(&mut self, event: Event) {
        if !self.done && !(self.visit)(event) {
            self.done = true;
        }
    }
}

/// Where document `id` was last readable, when `tip` holds it in a file that does not
/// parse: that file's path, the newest commit where it still held the document and the
/// document, and the commit after it, which made the file unreadable.
pub(super) fn last_readable(
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
            || !crate::git::mentions(&bytes, id)
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

/// The changes to document `id` reachable from `tip`, newest first, as `select` keeps
/// them. `currency` is the repository's (pmo.yaml's, empty when it has none).
pub fn history(
    git: &Git,
    tip: ObjectId,
    id: &str,
    currency: &str,
    select: &Select,
) -> Result<Vec<Event>, Error> {
    let mut events = Vec::new();
    // Author dates need not grow along the history (a rebase keeps them), so an old one
    // does not end the walk: only the limit does.
    walk(git, tip, id, currency, &mut |e| {
        if select
            .since
            .is_none_or(|since| e.seconds >= since.as_second())
        {
            events.push(e);
        }
        select.limit.is_none_or(|n| events.len() < n)
    })?;
    Ok(events)
}

/// The changes to document `id` reachable from `tip`, newest first, each handed to
/// `visit`, which says whether to go on. A commit that made the document's file
/// unreadable is an entry of its own, and the commit that made it readable again is
/// credited with what changed across the break. A document `tip` does not have is looked
/// for in its history: the commit that removed it is the first entry. `currency` is the
/// repository's (pmo.yaml's, empty when it has none).
pub fn walk(
    git: &Git,
    tip: ObjectId,
    id: &str,
    currency: &str,
    visit: &mut dyn FnMut(Event) -> bool,
) -> Result<(), Error> {
    let repo = git.local();
    // The document's id in the commit being looked at: it may have changed on the way.
    let mut id = id.to_owned();
    let mut events = Visit { visit, done: false };
    let mut commit = tip;
    let (mut path, mut value) = match locate(git, &repo, tip, &id)? {
        Some(found) => found,
        None => match last_readable(git, &repo, tip, &id)? {
            // The head does not parse: the history up to it still stands.
            Some((path, readable, value, broke)) => {
                let info = git.commit(&repo, broke)?;
                events.push(broken_at(&info, &path));
                commit = readable;
                (path, value)
            }
            None => match removal(git, &repo, tip, &id)? {
                // Removed on the way: its history before still stands, the removal first
                // (after a break of its YAML, if one came before it).
                Some(Removal {
                    removed,
                    broke,
                    path,
                    value,
                    parent,
                }) => {
                    if let Some(removed) = removed {
                        let info = git.commit(&repo, removed)?;
                        let old = broke.is_none().then_some(&value);
                        events.push(entry(
                            &info,
                            ChangeKind::Removed,
                            Vec::new(),
                            &path,
                            None,
                            (old, None),
                        ));
                    }
                    if let Some(broke) = broke {
                        let info = git.commit(&repo, broke)?;
                        events.push(broken_at(&info, &path));
                    }
                    commit = parent;
                    (path, value)
                }
                None => {
                    return Err(Error::Invalid(format!(
                        "no document `{id}` at {} or in its history",
                        tip.to_hex_with_len(12)
                    )));
                }
            },
        },
    };
    let mut blob = git.blob_at(&repo, commit, &path);
    // The commit that made the file readable again, while walking back through versions
    // that do not parse: it is credited with the change across them.
    let mut repaired: Option<Commit> = None;
    while !events.done {
        let info: Commit = git.commit(&repo, commit)?;
        let parent = info.parents.first().copied();
        let Some(parent) = parent else {
            events.push(entry(
                &info,
                ChangeKind::Added,
                Vec::new(),
                &path,
                None,
                (None, Some(&value)),
            ));
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
        let unreadable = |events: &mut Visit<'_>, path: &str| {
            if let Some(broke) = &broke {
                events.push(broken_at(broke, path));
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
                events.push(entry(
                    &maker,
                    ChangeKind::Added,
                    Vec::new(),
                    &path,
                    None,
                    (None, Some(&value)),
                ));
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
                        (Some(&old_value), Some(&value)),
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
                        (Some(&old_value), Some(&value)),
                    ));
                } else if old_value != value {
                    events.push(entry(
                        &maker,
                        ChangeKind::Modified,
                        changes(&old_value, &value, currency),
                        &path,
                        None,
                        (Some(&old_value), Some(&value)),
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
    Ok(())
}

/// The instant `--since DATE` names: the start of a day (`2026-11-01`) or a date and time
/// (`2026-11-01T09:30`), in UTC unless it carries its zone (`2026-11-01T00:00+01:00`,
/// `2026-11-01T00:00[Europe/Paris]`).
pub fn since(text: &str) -> Result<jiff::Timestamp, String> {
    use jiff::{Timestamp, Zoned, civil, tz::TimeZone};
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(zoned) = text.parse::<Zoned>() {
        return Ok(zoned.timestamp());
    }
    let civil = text.parse::<civil::DateTime>().or_else(|_| {
        text.parse::<civil::Date>()
            .map(|d| d.to_datetime(civil::Time::midnight()))
    });
    civil
        .and_then(|dt| dt.to_zoned(TimeZone::UTC))
        .map(|z| z.timestamp())
        .map_err(|_| {
            "not a date: write YYYY-MM-DD (the start of that day, UTC), or a date and time with its zone, e.g. 2026-11-01T00:00+01:00".to_owned()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_a_day_in_utc_or_a_time_in_its_own_zone() {
        let at = |s: &str| since(s).map(|t| t.to_string());
        assert_eq!(at("2026-11-01").unwrap(), "2026-11-01T00:00:00Z");
        assert_eq!(at("2026-11-01T09:30").unwrap(), "2026-11-01T09:30:00Z");
        assert_eq!(
            at("2026-11-01T00:00+01:00").unwrap(),
            "2026-10-31T23:00:00Z"
        );
        assert_eq!(
            at("2026-11-01T00:00[Europe/Paris]").unwrap(),
            "2026-10-31T23:00:00Z"
        );
        assert_eq!(at("2026-11-01T00:00Z").unwrap(), "2026-11-01T00:00:00Z");
        for bad in ["", "yesterday", "2026-13-01", "2026-02-30", "\u{1b}[2J"] {
            assert!(at(bad).unwrap_err().contains("YYYY-MM-DD"), "{bad:?}");
        }
    }
}
