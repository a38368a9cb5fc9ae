//! `pmo blame ID [FIELD]`: who last set each field of a document, and in which commit.
//! The fields are the document's leaves by path, as `history` names field changes, with
//! list elements named by their key where they have one (a milestone by its `name`, an
//! approval by its `by` and `date`), so that an element keeps its name when another is
//! inserted before it. The walk is [`super::walk`]'s, newest first, and stops as soon as
//! every field is attributed: its cost grows with how far back the oldest field was set.

use super::history::walk;
use crate::Error;
use crate::git::{Git, locate, read};
use gix::ObjectId;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Who last set one field, and to what.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blamed {
    pub field: String,
    pub value: Value,
    /// The commit that set it; all `None` for a value not committed yet (the working
    /// tree's).
    pub commit: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
    pub email: Option<String>,
    pub summary: Option<String>,
}

/// How the working tree's version of the document relates to the blamed revision's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Worktree {
    /// Not read: a revision was named (`--rev`), or the repository is bare.
    NotRead,
    /// The same document, unchanged.
    Same,
    /// Changed and not committed: the fields it changes are "not committed yet".
    Uncommitted,
    /// The file no longer holds the document as a readable YAML version (it moved, was
    /// removed or does not parse): the committed version is blamed.
    Elsewhere,
}

#[derive(Debug, Clone, Serialize)]
pub struct Blame {
    pub id: String,
    /// The document's file at the revision.
    pub file: String,
    pub worktree: Worktree,
    pub fields: Vec<Blamed>,
}

/// Every leaf of a document by path, in the document's order: `baseline.finish`,
/// `milestones[Go-live].forecast`, `approvals[carol 2026-11-03].decision`, `gates.0.phase`.
/// A list of plain values (`tags`) is one leaf, as in a field change.
pub fn leaves(doc: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    walk_leaves(String::new(), doc, &mut out);
    out
}

fn walk_leaves(path: String, v: &Value, out: &mut Vec<(String, Value)>) {
    let dotted = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match v {
        Value::Object(map) if !map.is_empty() => {
            for (key, value) in map {
                walk_leaves(dotted(key), value, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            let keys: Vec<Option<String>> = items.iter().map(element_key).collect();
            for (i, item) in items.iter().enumerate() {
                // A key that two elements share names neither: the index does.
                let unique = keys[i]
                    .as_ref()
                    .filter(|k| keys.iter().filter(|o| o.as_ref() == Some(k)).count() == 1);
                let name = match unique {
                    Some(key) => format!("{path}[{key}]"),
                    None => dotted(&i.to_string()),
                };
                walk_leaves(name, item, out);
            }
        }
        _ => out.push((path, v.clone())),
    }
}

/// What names a list element: a milestone's `name`, an approval's `by` and `date`.
fn element_key(v: &Value) -> Option<String> {
    let text = |k: &str| v.get(k).and_then(Value::as_str);
    if let Some(name) = text("name") {
        return Some(name.to_owned());
    }
    Some(format!("{} {}", text("by")?, text("date")?))
}

/// Whether `path` is `field` or lies under it.
fn under(path: &str, field: &str) -> bool {
    path.strip_prefix(field)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// The paths and the fields above them (`baseline`, `milestones[Go-live]`): what FIELD
/// may name.
fn names(leaves: &[(String, Value)]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, _) in leaves {
        out.insert(path.clone());
        for (i, c) in path.char_indices() {
            if c == '.' || c == '[' {
                out.insert(path[..i].to_owned());
            }
        }
    }
    out
}

/// The working tree's version of document `id`, in `file` below `root`: `Err(())` when
/// the file does not hold it readably (moved, removed, not YAML, over a limit).
fn worktree_version(root: &Path, file: &str, id: &str) -> Result<Value, ()> {
    let bytes = crate::source::file::read_below(root, file)
        .ok()
        .flatten()
        .ok_or(())?;
    crate::git::find(read(file, &bytes), id).ok_or(())
}

/// Who last set each field of document `id` at `tip` (only `field` and what is under it,
/// when given). `worktree`: the governance root on disk, whose version of the document is
/// compared first (its changes are not committed yet). `Ok(None)` when `tip` has no
/// document `id`; an error naming the closest field when `field` names none.
pub fn blame(
    git: &Git,
    tip: ObjectId,
    id: &str,
    field: Option<&str>,
    worktree: Option<&Path>,
) -> Result<Option<Blame>, Error> {
    let repo = git.local();
    let Some((file, committed)) = locate(git, &repo, tip, id)? else {
        // Its file does not parse at the tip: there are no fields to attribute.
        if let Some((file, ..)) = super::history::last_readable(git, &repo, tip, id)? {
            return Err(Error::Invalid(format!(
                "`{id}` is in {file}, which is not readable as YAML at {}: fix it, or blame an older revision with --rev",
                tip.to_hex_with_len(12)
            )));
        }
        return Ok(None);
    };
    let (current, state) = match worktree.map(|root| worktree_version(root, &file, id)) {
        None => (committed.clone(), Worktree::NotRead),
        Some(Ok(v)) if v == committed => (v, Worktree::Same),
        Some(Ok(v)) => (v, Worktree::Uncommitted),
        Some(Err(())) => (committed.clone(), Worktree::Elsewhere),
    };
    let mut fields = leaves(&current);
    if let Some(field) = field {
        if !names(&fields).contains(field) {
            let all = names(&fields);
            let hint = crate::suggest::did_you_mean(field, all.iter().map(String::as_str))
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            return Err(Error::Invalid(format!(
                "`{id}` has no field `{field}`{hint}"
            )));
        }
        fields.retain(|(path, _)| under(path, field));
    }
    let committed: HashMap<String, Value> = leaves(&committed).into_iter().collect();
    let mut blamed: Vec<Blamed> = fields
        .into_iter()
        .map(|(field, value)| Blamed {
            field,
            value,
            commit: None,
            date: None,
            author: None,
            email: None,
            summary: None,
        })
        .collect();
    // The fields whose value the revision has: the others are not committed yet.
    let mut open: Vec<usize> = (0..blamed.len())
        .filter(|&i| committed.get(&blamed[i].field) == Some(&blamed[i].value))
        .collect();
    if !open.is_empty() {
        walk(git, tip, id, "", &mut |e| {
            // A removal or a break of the YAML sets nothing; the commit that repairs a
            // break is credited with what changed across it.
            if e.new.is_none() {
                return true;
            }
            let before: HashMap<String, Value> = e
                .old
                .as_ref()
                .map(leaves)
                .unwrap_or_default()
                .into_iter()
                .collect();
            open.retain(|&i| {
                let b = &mut blamed[i];
                if before.get(&b.field) == Some(&b.value) {
                    return true;
                }
                b.commit = Some(e.commit.clone());
                b.date = Some(e.date.clone());
                b.author = Some(e.author.clone());
                b.email = Some(e.email.clone());
                b.summary = Some(e.summary.clone());
                false
            });
            !open.is_empty()
        })?;
    }
    Ok(Some(Blame {
        id: id.to_owned(),
        file,
        worktree: state,
        fields: blamed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn paths(doc: &Value) -> Vec<String> {
        leaves(doc).into_iter().map(|(p, _)| p).collect()
    }

    #[test]
    fn list_elements_are_named_by_their_key_else_by_index() {
        let doc = json!({
            "id": "p",
            "baseline": {"finish": "2026-12-18"},
            "tags": ["a", "b"],
            "milestones": [{"name": "Design", "baseline": "2026-03-01"},
                           {"name": "Go-live", "baseline": "2026-11-30"}],
            "approvals": [{"by": "carol", "date": "2026-11-03", "decision": "approve"}],
            "gates": [{"phase": "planning", "decision": "go"}],
            "allocations": [{"name": "x", "fte": 1}, {"name": "x", "fte": 2}],
            "links": [],
        });
        assert_eq!(
            paths(&doc),
            [
                "id",
                "baseline.finish",
                "tags",
                "milestones[Design].name",
                "milestones[Design].baseline",
                "milestones[Go-live].name",
                "milestones[Go-live].baseline",
                "approvals[carol 2026-11-03].by",
                "approvals[carol 2026-11-03].date",
                "approvals[carol 2026-11-03].decision",
                "gates.0.phase",
                "gates.0.decision",
                "allocations.0.name",
                "allocations.0.fte",
                "allocations.1.name",
                "allocations.1.fte",
                "links",
            ]
        );
        let all = names(&leaves(&doc));
        assert!(all.contains("milestones[Go-live]") && all.contains("baseline"));
        assert!(under("milestones[Go-live].baseline", "milestones"));
        assert!(under("baseline.finish", "baseline"));
        assert!(!under("baseline_extra", "baseline"));
    }
}
