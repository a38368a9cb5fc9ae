//! What a change does to the portfolio, as data: which documents were added, removed,
//! renamed or changed, field by field ([`fields`]) and in governance terms ([`notes`]),
//! what that does to portfolio totals ([`deltas`]), which findings it introduces and
//! fixes ([`findings`]) and which are about it ([`scope`]); a document's past
//! ([`history`]), its approved baselines ([`baselines`]), who set each field ([`blame`]). git ([`crate::git`]) only
//! supplies the two sides; only the files whose blobs differ are read and parsed.

mod baselines;
mod blame;
mod deltas;
mod fields;
mod findings;
mod history;
mod identities;
mod matching;
mod notes;
mod reviews;
mod scope;

pub use baselines::{
    Baseline, BaselineChange, approved, approved_baseline_changed, baselines, covering,
};
pub use blame::{Blame, Blamed, Worktree, blame, leaves};
pub use deltas::Deltas;
pub use fields::FieldChange;
pub(crate) use fields::{field_changes, mark_amounts};
pub use findings::{Finding, Findings};
pub use history::{Event, Select, history, since, walk};
pub(crate) use identities::{IDENTITY, restore_identities};
pub(crate) use notes::Approval;
pub use notes::{AmountField, DateField, Decision, Note, NoteField};
pub use reviews::Reviews;

use crate::Error;
use crate::config::Config;
use crate::git::{self, Git, Head};
use crate::model::Kind;
use deltas::{Currencies, deltas};
use gix::ObjectId;
use jiff::civil::Date;
use matching::{Documents, compared, configuration_files, documents, id_changes};
use notes::notes;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Renamed,
    Modified,
    /// The document kept its file and changed its id: it is the same document.
    IdChanged,
    /// In a history: the commit made the document's file unreadable as YAML.
    Unreadable,
}

/// What an entry of a change is: a document of a kind pmo knows, a document whose `kind`
/// it does not know (kept as written), or the configuration (`pmo.yaml`, a schema
/// overlay, `.gitignore`). Written as its text: `project`, `riskk`, `configuration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Document(Kind),
    Unknown(String),
    Configuration,
}

impl Subject {
    /// The subject of a document whose `kind` is `text`.
    pub fn of(text: &str) -> Subject {
        Kind::parse(text).map_or_else(|| Subject::Unknown(text.to_owned()), Subject::Document)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Subject::Document(kind) => kind.as_str(),
            Subject::Unknown(text) => text,
            Subject::Configuration => "configuration",
        }
    }

    /// The kind, for a document of a kind pmo knows.
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Subject::Document(kind) => Some(*kind),
            _ => None,
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DocDiff {
    pub id: String,
    pub kind: Subject,
    pub change: ChangeKind,
    pub file: String,
    pub old_file: Option<String>,
    /// The id before, when it changed (`id_changed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    pub fields: Vec<FieldChange>,
    /// The changes in governance terms: "risk score 9 → 16", "baseline finish moved by
    /// +45 days", "approved by dave", as data (written as these words in JSON).
    pub notes: Vec<Note>,
    /// The document before and after (for the rules that need a base revision).
    #[serde(skip)]
    pub old: Option<Value>,
    #[serde(skip)]
    pub new: Option<Value>,
}

/// One side of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Base,
    Head,
}

impl Which {
    pub fn as_str(self) -> &'static str {
        match self {
            Which::Base => "base",
            Which::Head => "head",
        }
    }
}

/// A changed file that cannot be read as YAML on one side. Written `path (base|head)`,
/// in JSON too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    pub file: String,
    pub side: Which,
}

impl std::fmt::Display for Unparsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.file, self.side.as_str())
    }
}

impl Serialize for Unparsed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A document of a changed file that pmo cannot match with its other side: it has no
/// `kind` or no `id` it can read (missing, empty, not a text). Listed, never left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unidentified {
    pub file: String,
    /// Its `kind`, when that can be read.
    pub kind: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub base: String,
    pub head: String,
    pub documents: Vec<DocDiff>,
    pub deltas: Deltas,
    /// Files whose content differs (read and parsed on both sides).
    pub files_changed: usize,
    /// Their paths, in path order: a finding in one of them belongs to the change even
    /// when the file yields no document (invalid YAML, a list, no `kind`).
    #[serde(skip)]
    pub changed_files: Vec<String>,
    /// Changed files that cannot be read as YAML on one side: their documents are not
    /// counted as added or removed.
    pub unparsed: Vec<Unparsed>,
    /// Documents of the head's changed files that pmo could not identify, so could not
    /// compare.
    pub unidentified: Vec<Unidentified>,
    /// With `--check`: findings of the head that the base did not have, and the reverse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Findings>,
}

/// The semantic diff of `base` and `head`.
/// `today` dates the earned value a configured `rag.cpi` / `rag.spi` grades.
pub fn diff(
    git: &Git,
    base: ObjectId,
    head: Head<'_>,
    config: &Config,
    today: Date,
) -> Result<Change, Error> {
    let skip = crate::source::skip_set(&config.exclude).map_err(Error::Invalid)?;
    let keep = |path: &str| compared(path, &skip);
    // Each side holds only the files whose blobs differ. Two commits: only the subtrees
    // that differ are walked. The working tree: the base is listed whole, since any of
    // its files may differ from the file on disk.
    let (base_side, head_side, head_name) = match head {
        Head::Commit(id) => {
            let (base_side, head_side) = git::commit_sides(git, base, id, &keep)?;
            (base_side, head_side, id.to_hex_with_len(12).to_string())
        }
        Head::Worktree(tree) => {
            let (base_side, head_side) =
                git::worktree_sides(git, base, tree, &skip, &configuration_files(), &keep)?;
            (base_side, head_side, "working tree".to_owned())
        }
    };
    let paths: BTreeSet<&String> = base_side
        .files
        .keys()
        .chain(head_side.files.keys())
        .collect();
    let changed: Vec<&String> = paths
        .into_iter()
        .filter(|p| base_side.files.get(*p) != head_side.files.get(*p))
        .collect();

    let Documents {
        old,
        new,
        unparsed,
        unidentified,
    } = documents(&changed, &base_side, &head_side);
    let currencies = Currencies::new(&old, &new, config);
    let reidentified = id_changes(&old, &new);
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut documents = Vec::new();
    for id in ids {
        let old_id = reidentified.get(id);
        if reidentified.values().any(|o| o == id) {
            continue; // the same document as the one with its new id
        }
        let (o, n) = (old.get(old_id.unwrap_or(id)), new.get(id));
        let (change, file, old_file, kind) = match (o, n) {
            (Some(_), Some(n)) if old_id.is_some() => {
                (ChangeKind::IdChanged, &n.file, None, &n.kind)
            }
            (None, Some(n)) => (ChangeKind::Added, &n.file, None, &n.kind),
            (Some(o), None) => (ChangeKind::Removed, &o.file, None, &o.kind),
            (Some(o), Some(n)) if o.file != n.file => {
                (ChangeKind::Renamed, &n.file, Some(o.file.clone()), &n.kind)
            }
            (Some(o), Some(n)) if o.value != n.value => {
                (ChangeKind::Modified, &n.file, None, &n.kind)
            }
            _ => continue,
        };
        let empty = Value::Null;
        let mut fields = field_changes(
            o.map_or(&empty, |d| &d.value),
            n.map_or(&empty, |d| &d.value),
        );
        let currency = (
            o.map(|d| currencies.of(d, Which::Base)).unwrap_or_default(),
            n.map(|d| currencies.of(d, Which::Head)).unwrap_or_default(),
        );
        mark_amounts(kind.kind(), &mut fields, &currency.0, &currency.1);
        let mut notes = notes(
            kind.kind(),
            o.map(|d| &d.value),
            n.map(|d| &d.value),
            (&currency.0, &currency.1),
            config,
            today,
        );
        if let Some(old_id) = old_id {
            notes.insert(
                0,
                Note::IdChanged {
                    from: old_id.clone(),
                },
            );
        }
        documents.push(DocDiff {
            id: id.clone(),
            kind: kind.clone(),
            change,
            file: file.clone(),
            old_file,
            old_id: old_id.cloned(),
            fields: if matches!(change, ChangeKind::Added | ChangeKind::Removed) {
                Vec::new()
            } else {
                fields
            },
            notes,
            old: o.map(|d| d.value.clone()),
            new: n.map(|d| d.value.clone()),
        });
    }
    let deltas = deltas(&old, &new, &currencies, config, today);
    Ok(Change {
        base: base.to_hex_with_len(12).to_string(),
        head: head_name,
        documents,
        deltas,
        files_changed: changed.len(),
        changed_files: changed.into_iter().cloned().collect(),
        unparsed,
        unidentified,
        findings: None,
    })
}

/// Documents the tests of the change model share.
#[cfg(test)]
mod test_docs {
    use jiff::civil::Date;
    use serde_json::{Value, json};

    pub const TODAY: Date = jiff::civil::date(2026, 11, 20);

    /// An active project in `currency` with a baseline `budget`.
    pub fn project(currency: &str, budget: f64) -> Value {
        json!({"kind": "project", "id": "p", "title": "P", "sponsor": "s", "manager": "m",
               "state": "active", "phase": "execution", "currency": currency,
               "baseline": {"finish": "2026-12-18", "budget": budget}})
    }
}
