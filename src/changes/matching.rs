//! Which files a diff compares, the documents they hold, and which document of the base
//! is which of the head: by id, or by file and kind when the id changed.

use super::Subject;
use super::{Unidentified, Unparsed, Which};
use crate::git::Side;
use crate::parse::{self, Limits};
use globset::GlobSet;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The files a diff compares: documents as SPEC section 1 selects them, the
/// configuration, and schema overlays (which, like pmo.yaml, can move any finding).
pub(super) fn compared(path: &str, skip: &GlobSet) -> bool {
    path == crate::config::FILE
        || path == IGNORE_FILE
        || (path.starts_with("schema/") && path.ends_with(".schema.json"))
        || crate::source::is_selected_document(path, skip)
}

/// The files besides documents that a working tree's side reads when they exist: the
/// configuration, the ignore rules and the overlays of the known kinds.
pub(super) fn configuration_files() -> Vec<String> {
    let mut files = vec![crate::config::FILE.to_owned(), IGNORE_FILE.to_owned()];
    files.extend(
        crate::model::Kind::ALL
            .iter()
            .map(|kind| format!("schema/{kind}.schema.json")),
    );
    files
}

/// A parsed document of a changed file.
pub(super) struct Doc {
    pub file: String,
    pub kind: Subject,
    pub value: Value,
}

/// The root's ignore rules: under a base revision, the base's judge which files are read.
const IGNORE_FILE: &str = ".gitignore";

/// The key of the configuration among document ids: no id can start with `:`.
const CONFIGURATION: &str = ":configuration";

/// A document's id, or, for one without a readable `kind` and `id`, its kind if any.
type Identity = Result<String, Option<String>>;

/// The documents of a changed file with their identity; `None` when the file does not
/// parse (its documents are then neither added nor removed, only reported as unreadable).
fn parse_docs(path: &str, bytes: &[u8]) -> Option<Vec<(Identity, Doc)>> {
    if path == IGNORE_FILE {
        return Some(vec![(
            Ok(format!(":{path}")),
            Doc {
                file: path.to_owned(),
                kind: Subject::Configuration,
                value: Value::String(String::from_utf8_lossy(bytes).into_owned()),
            },
        )]);
    }
    if path.starts_with("schema/") {
        return Some(vec![(
            Ok(format!(":{path}")),
            Doc {
                file: path.to_owned(),
                kind: Subject::Configuration,
                value: serde_json::from_slice(bytes).unwrap_or(Value::Null),
            },
        )]);
    }
    let parsed = parse::load(path, bytes, &Limits::default());
    if parsed.is_unreadable() {
        return None;
    }
    if path == crate::config::FILE {
        let value = parsed
            .docs
            .into_iter()
            .next()
            .map_or(Value::Null, |d| d.value);
        return Some(vec![(
            Ok(CONFIGURATION.to_owned()),
            Doc {
                file: path.to_owned(),
                kind: Subject::Configuration,
                value,
            },
        )]);
    }
    let text = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let docs = parsed
        .docs
        .into_iter()
        // An empty document (a trailing `---`) holds nothing to identify.
        .filter(|d| !d.value.is_null())
        .map(|d| {
            let kind = text(&d.value, "kind");
            let id = match (text(&d.value, "id"), &kind) {
                (Some(id), Some(_)) => Ok(id),
                _ => Err(kind.clone()),
            };
            let doc = Doc {
                file: path.to_owned(),
                kind: Subject::of(kind.as_deref().unwrap_or_default()),
                value: d.value,
            };
            (id, doc)
        })
        .collect();
    Some(docs)
}

/// New id -> old id of the documents that kept their file but not their id: a file that
/// loses one document of a kind and gains one of the same kind holds the same document.
pub(super) fn id_changes(
    old: &BTreeMap<String, Doc>,
    new: &BTreeMap<String, Doc>,
) -> BTreeMap<String, String> {
    let gone: Vec<(&String, &Doc)> = old
        .iter()
        .filter(|(id, _)| !new.contains_key(*id))
        .collect();
    let came: Vec<(&String, &Doc)> = new
        .iter()
        .filter(|(id, _)| !old.contains_key(*id))
        .collect();
    let alike = |a: &Doc, b: &Doc| a.file == b.file && a.kind == b.kind;
    came.iter()
        .filter_map(|(id, doc)| {
            let before: Vec<_> = gone.iter().filter(|(_, d)| alike(d, doc)).collect();
            let after = came.iter().filter(|(_, d)| alike(d, doc)).count();
            match before[..] {
                [(old_id, _)] if after == 1 => Some(((*id).clone(), (*old_id).clone())),
                _ => None,
            }
        })
        .collect()
}

/// The documents of the changed files on each side, by id.
pub(super) struct Documents {
    pub old: BTreeMap<String, Doc>,
    pub new: BTreeMap<String, Doc>,
    /// The changed files that do not parse on one side.
    pub unparsed: Vec<Unparsed>,
    pub unidentified: Vec<Unidentified>,
}

/// The documents of the `changed` files of both sides.
pub(super) fn documents(
    changed: &[&String],
    base_side: &Side<'_>,
    head_side: &Side<'_>,
) -> Documents {
    let mut old: BTreeMap<String, Doc> = BTreeMap::new();
    let mut new: BTreeMap<String, Doc> = BTreeMap::new();
    let mut unparsed = Vec::new();
    let mut unidentified = Vec::new();
    let mut unreadable = BTreeSet::new();
    for path in changed {
        for (side, docs, which) in [
            (&base_side, &mut old, Which::Base),
            (&head_side, &mut new, Which::Head),
        ] {
            if !side.files.contains_key(*path) {
                continue;
            }
            match (side.read)(path).as_deref().map(|b| parse_docs(path, b)) {
                // The first document with an id wins, as in the repository (R001).
                Some(Some(found)) => {
                    for (id, doc) in found {
                        match id {
                            Ok(id) => {
                                docs.entry(id).or_insert(doc);
                            }
                            // What the change brings that pmo cannot place is said, not
                            // dropped; the base's is no longer there to review.
                            Err(kind) if which == Which::Head => unidentified.push(Unidentified {
                                file: doc.file,
                                kind,
                            }),
                            Err(_) => {}
                        }
                    }
                }
                _ => {
                    unparsed.push(Unparsed {
                        file: path.to_string(),
                        side: which,
                    });
                    unreadable.insert(path.as_str());
                }
            }
        }
    }
    // Documents of a file that does not parse on one side are not known to be gone.
    old.retain(|id, d| new.contains_key(id) || !unreadable.contains(d.file.as_str()));
    new.retain(|id, d| old.contains_key(id) || !unreadable.contains(d.file.as_str()));
    Documents {
        old,
        new,
        unparsed,
        unidentified,
    }
}
