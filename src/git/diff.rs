//! The semantic diff of two revisions: which documents were added, removed, renamed or
//! changed, field by field in governance terms, and what that does to portfolio totals.
//! Only the files whose blobs differ are read and parsed.

use super::notes::{Note, notes};
use super::{Git, GitTree};
use crate::Error;
use crate::code::Code;
use crate::config::Config;
use crate::metrics::{self, rag};
use crate::model::{Project, Rag, Risk};
use crate::parse::{self, Limits};
use crate::source::{Source, Worktree};
use gix::ObjectId;
use globset::GlobSet;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

/// The head of a diff: a commit, or the working tree.
pub enum Head<'a> {
    Commit(ObjectId),
    Worktree(&'a Worktree),
}

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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Dotted path: `baseline.finish`, `approvals.1.by`.
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// For an amount of money (a field the schema declares so): the currency of the old
    /// and the new value, empty where none is configured. Text outputs write
    /// `1,250,000 EUR`; JSON keeps the number as the document has it.
    #[serde(skip)]
    pub currency: Option<(String, String)>,
}

impl FieldChange {
    /// A change of a field, not yet known to be an amount (see [`mark_amounts`]).
    pub fn new(field: String, old: Option<Value>, new: Option<Value>) -> FieldChange {
        FieldChange {
            field,
            old,
            new,
            currency: None,
        }
    }
}

/// Marks the amounts among `fields` of a `kind` document with the currencies of its two
/// sides.
pub fn mark_amounts(kind: &str, fields: &mut [FieldChange], old: &str, new: &str) {
    let Some(kind) = crate::model::Kind::parse(kind) else {
        return;
    };
    for f in fields {
        if crate::schema::is_amount(kind, &f.field) {
            f.currency = Some((old.to_owned(), new.to_owned()));
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DocDiff {
    pub id: String,
    pub kind: String,
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

/// Portfolio totals moved by the diff, per currency.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Deltas {
    pub budget: BTreeMap<String, f64>,
    pub forecast: BTreeMap<String, f64>,
    pub exposure: BTreeMap<String, f64>,
    /// Computed overall RAG counts: green, amber, red, none.
    pub rag: BTreeMap<String, i64>,
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
    /// Changed files that cannot be read as YAML on one side (`path (base|head)`): their
    /// documents are not counted as added or removed.
    pub unparsed: Vec<String>,
    /// Documents of the head's changed files that pmo could not identify, so could not
    /// compare.
    pub unidentified: Vec<Unidentified>,
    /// With `--check`: findings of the head that the base did not have, and the reverse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub findings: Option<Findings>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub introduced: Vec<Finding>,
    pub fixed: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: String,
    pub file: String,
    pub line: u32,
    pub id: Option<String>,
    pub message: String,
}

impl Findings {
    /// Findings compared by rule, document (else file) and message: moving a line does
    /// not make a finding new.
    pub fn compare(
        base: &[crate::diagnostic::Diagnostic],
        head: &[crate::diagnostic::Diagnostic],
    ) -> Findings {
        type Key<'a> = (Code, &'a str, &'a str);
        fn key(d: &crate::diagnostic::Diagnostic) -> Key<'_> {
            (
                d.code,
                d.id.as_deref().unwrap_or(d.file.as_str()),
                d.message.as_str(),
            )
        }
        let finding = |d: &crate::diagnostic::Diagnostic| Finding {
            code: d.code,
            severity: d.severity.as_str().to_owned(),
            file: d.file.clone(),
            line: d.span.start.line,
            id: d.id.clone(),
            message: d.message.clone(),
        };
        let base_keys: BTreeSet<Key> = base.iter().map(key).collect();
        let head_keys: BTreeSet<Key> = head.iter().map(key).collect();
        Findings {
            introduced: head
                .iter()
                .filter(|d| !base_keys.contains(&key(d)))
                .map(finding)
                .collect(),
            fixed: base
                .iter()
                .filter(|d| !head_keys.contains(&key(d)))
                .map(finding)
                .collect(),
        }
    }
}

/// Reads one file of a side.
type Reader<'a> = Box<dyn Fn(&str) -> Option<Vec<u8>> + 'a>;

impl Change {
    /// What the change touches: changed files and documents, what they name, and
    /// whether the configuration changed.
    pub fn scope(&self) -> Scope<'_> {
        let mut scope = Scope {
            everything: self.documents.iter().any(|c| c.kind == "configuration"),
            files: self.changed_files.iter().map(String::as_str).collect(),
            ..Scope::default()
        };
        for c in &self.documents {
            scope.ids.insert(c.id.as_str());
            scope.ids.extend(c.old_id.as_deref());
            // What the document names (its project, owner, people): findings about them
            // (a project left without a risk, a person over-allocated) are this change's.
            for v in c.old.iter().chain(&c.new) {
                strings(v, &mut scope.named);
            }
        }
        scope
    }
}

/// What a change touches, for `check --changed-since`.
#[derive(Debug, Default)]
pub struct Scope<'a> {
    /// The configuration or a schema overlay changed: any finding may have moved.
    pub everything: bool,
    pub files: BTreeSet<&'a str>,
    pub ids: BTreeSet<&'a str>,
    pub named: BTreeSet<&'a str>,
}

impl Scope<'_> {
    /// Whether a finding concerns the change: it is in a changed file, points at one, is
    /// about a changed or named document, or concerns a changed document (a reference to
    /// a removed one).
    pub fn concerns(&self, d: &crate::diagnostic::Diagnostic) -> bool {
        self.everything
            || self.files.contains(d.file.as_str())
            || d.related
                .iter()
                .any(|r| self.files.contains(r.file.as_str()))
            || d.id
                .as_deref()
                .is_some_and(|id| self.ids.contains(id) || self.named.contains(id))
            || d.concerns.iter().any(|id| self.ids.contains(id.as_str()))
    }
}

fn strings<'v>(v: &'v Value, out: &mut BTreeSet<&'v str>) {
    match v {
        Value::String(s) => {
            out.insert(s);
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// One side's file fingerprints: path -> blob id, and a way to read a file.
struct Side<'a> {
    files: BTreeMap<String, ObjectId>,
    read: Reader<'a>,
}

/// The files a diff compares: documents as SPEC section 1 selects them, the
/// configuration, and schema overlays (which, like pmo.yaml, can move any finding).
fn compared(path: &str, skip: &GlobSet) -> bool {
    path == crate::config::FILE
        || path == IGNORE_FILE
        || (path.starts_with("schema/") && path.ends_with(".schema.json"))
        || crate::source::is_selected_document(path, skip)
}

fn commit_side<'a>(git: &'a Git, commit: ObjectId, skip: &GlobSet) -> Result<Side<'a>, Error> {
    let tree = GitTree::new(git, commit)?;
    let files: BTreeMap<String, ObjectId> = tree
        .files()
        .iter()
        .filter(|(p, _)| compared(p, skip))
        .cloned()
        .collect();
    Ok(Side {
        files,
        read: Box::new(move |path| tree.read(path).ok().flatten()),
    })
}

/// The working tree, hashed as git would store it, so unchanged files compare equal
/// without reading the other side.
fn worktree_side<'a>(tree: &'a Worktree, skip: &GlobSet) -> Result<Side<'a>, Error> {
    // A file that cannot be read has no content to compare: it counts as changed (its
    // P005 is then this change's), with no documents.
    let found: Mutex<Vec<(String, Option<Vec<u8>>)>> = Mutex::new(Vec::new());
    tree.for_each_document(skip, &|path, bytes| {
        found
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path, bytes.ok()));
    });
    let mut contents: HashMap<String, Option<Vec<u8>>> = found
        .into_inner()
        .unwrap_or_else(|e| e.into_inner())
        .into_iter()
        .collect();
    for path in [crate::config::FILE, IGNORE_FILE] {
        if let Some(bytes) = tree.read(path)? {
            contents.insert(path.to_owned(), Some(bytes));
        }
    }
    for kind in crate::model::Kind::ALL {
        let path = format!("schema/{kind}.schema.json");
        if let Some(overlay) = tree.read(&path)? {
            contents.insert(path, Some(overlay));
        }
    }
    let files = contents
        .iter()
        .map(|(p, b)| {
            let id = b
                .as_deref()
                .and_then(|b| {
                    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, b).ok()
                })
                // No blob has the null id: unreadable never equals the base.
                .unwrap_or_else(|| ObjectId::null(gix::hash::Kind::Sha1));
            (p.clone(), id)
        })
        .collect();
    Ok(Side {
        files,
        read: Box::new(move |path| contents.get(path).cloned().flatten()),
    })
}

/// A parsed document of a changed file.
struct Doc {
    file: String,
    kind: String,
    value: Value,
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
                kind: "configuration".into(),
                value: Value::String(String::from_utf8_lossy(bytes).into_owned()),
            },
        )]);
    }
    if path.starts_with("schema/") {
        return Some(vec![(
            Ok(format!(":{path}")),
            Doc {
                file: path.to_owned(),
                kind: "configuration".into(),
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
                kind: "configuration".into(),
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
                kind: kind.unwrap_or_default(),
                value: d.value,
            };
            (id, doc)
        })
        .collect();
    Some(docs)
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
    let base_side = commit_side(git, base, &skip)?;
    let (head_side, head_name) = match head {
        Head::Commit(id) => (
            commit_side(git, id, &skip)?,
            id.to_hex_with_len(12).to_string(),
        ),
        Head::Worktree(tree) => (worktree_side(tree, &skip)?, "working tree".to_owned()),
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

    let mut old: BTreeMap<String, Doc> = BTreeMap::new();
    let mut new: BTreeMap<String, Doc> = BTreeMap::new();
    let mut unparsed = Vec::new();
    let mut unidentified = Vec::new();
    for path in &changed {
        for (side, docs, name) in [
            (&base_side, &mut old, "base"),
            (&head_side, &mut new, "head"),
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
                            Err(kind) if name == "head" => unidentified.push(Unidentified {
                                file: doc.file,
                                kind,
                            }),
                            Err(_) => {}
                        }
                    }
                }
                _ => unparsed.push(format!("{path} ({name})")),
            }
        }
    }
    // Documents of a file that does not parse on one side are not known to be gone.
    let unreadable = |file: &str| unparsed.iter().any(|u| u.split(" (").next() == Some(file));
    old.retain(|id, d| new.contains_key(id) || !unreadable(&d.file));
    new.retain(|id, d| old.contains_key(id) || !unreadable(&d.file));

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
        mark_amounts(kind, &mut fields, &currency.0, &currency.1);
        let mut notes = notes(
            kind,
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

/// New id -> old id of the documents that kept their file but not their id: a file that
/// loses one document of a kind and gains one of the same kind holds the same document.
fn id_changes(
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

/// Every leaf that differs, by dotted path.
pub fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk("", Some(old), Some(new), &mut out);
    out
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            // Keep the document's own order where it has one.
            let mut ordered: Vec<&String> = b.keys().chain(a.keys()).collect();
            ordered.dedup();
            let mut seen = BTreeSet::new();
            for key in ordered.into_iter().filter(|k| keys.contains(k)) {
                if seen.insert(key) {
                    walk(&join(key), a.get(key), b.get(key), out);
                }
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b)))
            if a.iter().chain(b).any(|v| v.is_object()) =>
        {
            for i in 0..a.len().max(b.len()) {
                walk(&join(&i.to_string()), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a != b => out.push(FieldChange::new(path.to_owned(), a.cloned(), b.cloned())),
        _ => {}
    }
}

fn typed<'a, T: serde::Deserialize<'a>>(v: Option<&'a Value>) -> Option<T> {
    T::deserialize(v?).ok()
}

fn rag_name(r: Option<Rag>) -> &'static str {
    r.map_or("none", Rag::as_str)
}

/// One side of a diff.
#[derive(Clone, Copy)]
enum Which {
    Base,
    Head,
}

/// The currency of the amounts of each project the diff reads, on each side.
struct Currencies<'d> {
    base: HashMap<&'d str, String>,
    head: HashMap<&'d str, String>,
    /// pmo.yaml's (empty when it has none).
    default: String,
}

impl<'d> Currencies<'d> {
    fn new(
        old: &'d BTreeMap<String, Doc>,
        new: &'d BTreeMap<String, Doc>,
        config: &Config,
    ) -> Currencies<'d> {
        let default = config.currency.clone().unwrap_or_default();
        let side = |docs: &'d BTreeMap<String, Doc>| {
            docs.iter()
                .filter(|(_, d)| d.kind == "project")
                .map(|(id, d)| {
                    let own = d.value.get("currency").and_then(Value::as_str);
                    (
                        id.as_str(),
                        own.map_or_else(|| default.clone(), str::to_owned),
                    )
                })
                .collect()
        };
        Currencies {
            base: side(old),
            head: side(new),
            default,
        }
    }

    /// The currency of `doc`'s amounts on `side`: a project's own, else pmo.yaml's; a
    /// risk's or a change's is its project's when the diff reads that project (on this
    /// side, else the other), else pmo.yaml's: the diff reads only changed files.
    fn of(&self, doc: &Doc, side: Which) -> String {
        let (this, other) = match side {
            Which::Base => (&self.base, &self.head),
            Which::Head => (&self.head, &self.base),
        };
        let project = match doc.kind.as_str() {
            "project" => doc.value.get("id"),
            _ => doc.value.get("project"),
        }
        .and_then(Value::as_str)
        .unwrap_or_default();
        this.get(project)
            .or_else(|| other.get(project))
            .unwrap_or(&self.default)
            .clone()
    }
}

fn deltas(
    old: &BTreeMap<String, Doc>,
    new: &BTreeMap<String, Doc>,
    currencies: &Currencies<'_>,
    config: &Config,
    today: Date,
) -> Deltas {
    let mut d = Deltas::default();
    for (docs, sign, side) in [(old, -1.0, Which::Base), (new, 1.0, Which::Head)] {
        for doc in docs.values() {
            match doc.kind.as_str() {
                "project" => {
                    let Some(p) = typed::<Project>(Some(&doc.value)) else {
                        continue;
                    };
                    let cur = currencies.of(doc, side);
                    *d.budget.entry(cur.clone()).or_default() +=
                        sign * p.baseline.budget.unwrap_or(0.0);
                    *d.forecast.entry(cur).or_default() += sign * p.forecast.cost.unwrap_or(0.0);
                    let rag = rag_name(rag::computed(&p, &config.rag, today).overall);
                    *d.rag.entry(rag.to_owned()).or_default() += sign as i64;
                }
                "risk" => {
                    let Some(r) = typed::<Risk>(Some(&doc.value)) else {
                        continue;
                    };
                    *d.exposure.entry(currencies.of(doc, side)).or_default() +=
                        sign * metrics::risk::exposure(&r).unwrap_or(0.0);
                }
                _ => {}
            }
        }
    }
    // Money to the cent: a sum of floats carries noise (`98399.99999999999`) that is
    // nobody's money, and a delta that rounds to nothing moved nothing.
    let nonzero = |m: &mut BTreeMap<String, f64>| {
        for v in m.values_mut() {
            *v = metrics::cents(*v);
        }
        m.retain(|_, v| *v != 0.0);
    };
    nonzero(&mut d.budget);
    nonzero(&mut d.forecast);
    nonzero(&mut d.exposure);
    d.rag.retain(|_, v| *v != 0);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TODAY: Date = jiff::civil::date(2026, 11, 20);

    #[test]
    fn field_changes_walk_nested_maps_and_lists_of_maps() {
        let old = json!({"id": "p", "baseline": {"finish": "2026-12-18", "budget": 100},
                         "approvals": [{"by": "a"}], "tags": ["x"]});
        let new = json!({"id": "p", "baseline": {"finish": "2027-02-01", "budget": 100},
                         "approvals": [{"by": "a"}, {"by": "b"}], "tags": ["x", "y"]});
        let fields: Vec<String> = field_changes(&old, &new)
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["baseline.finish", "approvals.1", "tags"]);
    }

    #[test]
    fn scope_covers_changed_files_that_yield_no_document() {
        use crate::diagnostic::{Diagnostic, Span};
        let change = Change {
            base: String::new(),
            head: String::new(),
            documents: Vec::new(),
            deltas: Deltas::default(),
            files_changed: 1,
            changed_files: vec!["risks/broken.yaml".into()],
            unparsed: vec!["risks/broken.yaml (head)".into()],
            unidentified: Vec::new(),
            findings: None,
        };
        let scope = change.scope();
        let at = |file| Diagnostic::new(Code::P001, file, Span::at(2, 5), "invalid YAML");
        assert!(scope.concerns(&at("risks/broken.yaml")));
        assert!(!scope.concerns(&at("risks/old.yaml")));
    }

    #[test]
    fn scope_reads_the_ids_a_finding_concerns_not_its_wording() {
        use crate::diagnostic::{Diagnostic, Span};
        let removed = DocDiff {
            id: "apollo".into(),
            kind: "project".into(),
            change: ChangeKind::Removed,
            file: "projects/apollo.yaml".into(),
            old_file: None,
            old_id: None,
            fields: Vec::new(),
            notes: Vec::new(),
            old: None,
            new: None,
        };
        let change = Change {
            base: String::new(),
            head: String::new(),
            documents: vec![removed],
            deltas: Deltas::default(),
            files_changed: 1,
            changed_files: vec!["projects/apollo.yaml".into()],
            unparsed: Vec::new(),
            unidentified: Vec::new(),
            findings: None,
        };
        let scope = change.scope();
        let dangling = || {
            Diagnostic::new(
                Code::R002,
                "risks/r.yaml",
                Span::at(3, 10),
                "project `apollo` is not a project: no document has that id",
            )
            .id(Some("r"))
        };
        // The wording names `apollo`; only the data says the finding is about it.
        assert!(!scope.concerns(&dangling()));
        assert!(scope.concerns(&dangling().concerning("apollo")));
    }

    /// The notes of a change, in words.
    fn notes(
        kind: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        currency: (&str, &str),
        config: &Config,
        today: Date,
    ) -> Vec<String> {
        super::notes(kind, old, new, currency, config, today)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn notes_speak_governance() {
        let config = Config::default();
        let risk = |p: u8, i: u8| {
            json!({"kind": "risk", "id": "r", "project": "p", "title": "T",
                                         "owner": "o", "probability": p, "impact": i, "status": "open"})
        };
        assert_eq!(
            notes(
                "risk",
                Some(&risk(3, 3)),
                Some(&risk(4, 4)),
                ("", ""),
                &config,
                TODAY
            ),
            ["risk score 9 → 16"]
        );
        let project = |finish: &str| {
            json!({"kind": "project", "id": "p", "title": "P", "sponsor": "s",
            "manager": "m", "state": "active", "phase": "execution",
            "baseline": {"finish": finish, "budget": 100}})
        };
        let n = notes(
            "project",
            Some(&project("2026-12-18")),
            Some(&project("2027-02-01")),
            ("", ""),
            &config,
            TODAY,
        );
        assert!(
            n.contains(&"baseline finish moved by +45 days (2026-12-18 → 2027-02-01)".to_owned()),
            "{n:?}"
        );
        assert!(n.contains(&"baseline changed".to_owned()));
    }

    fn project(currency: &str, budget: f64) -> Value {
        json!({"kind": "project", "id": "p", "title": "P", "sponsor": "s", "manager": "m",
               "state": "active", "phase": "execution", "currency": currency,
               "baseline": {"finish": "2026-12-18", "budget": budget}})
    }

    #[test]
    fn notes_write_amounts_as_money_in_each_side_currency() {
        let config = Config::default();
        let n = notes(
            "project",
            Some(&project("USD", 1_200_000.0)),
            Some(&project("EUR", 1_250_000.5)),
            ("USD", "EUR"),
            &config,
            TODAY,
        );
        assert!(
            n.contains(&"baseline budget 1,200,000 USD → 1,250,000.50 EUR".to_owned()),
            "{n:?}"
        );
        let change = |cost: u32| {
            json!({"kind": "change", "id": "c", "project": "p", "title": "C",
                   "requested_by": "m", "status": "draft", "impact": {"cost": cost}})
        };
        assert_eq!(
            notes(
                "change",
                Some(&change(5000)),
                Some(&change(7500)),
                ("", ""),
                &config,
                TODAY
            ),
            ["cost 5,000 → 7,500"]
        );
    }

    #[test]
    fn deltas_count_each_side_in_its_currency_to_the_cent() {
        let config = Config::default();
        let doc = |kind: &str, value: Value| Doc {
            file: format!("{kind}.yaml"),
            kind: kind.to_owned(),
            value,
        };
        let risk = |probability: u8| {
            json!({"kind": "risk", "id": "r", "project": "p", "title": "T", "owner": "o",
                   "probability": probability, "impact": 3, "status": "open",
                   "cost_impact": 33333})
        };
        let side = |currency: &str, probability: u8| {
            BTreeMap::from([
                ("p".to_owned(), doc("project", project(currency, 100_000.0))),
                ("r".to_owned(), doc("risk", risk(probability))),
            ])
        };
        // The project moves from USD to EUR: its old budget leaves USD, its new one
        // arrives in EUR, and so do its risk's exposures.
        let (old, new) = (side("USD", 1), side("EUR", 2));
        let d = deltas(
            &old,
            &new,
            &Currencies::new(&old, &new, &config),
            &config,
            TODAY,
        );
        let money = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
            pairs.iter().map(|(c, v)| ((*c).to_owned(), *v)).collect()
        };
        assert_eq!(d.budget, money(&[("EUR", 100_000.0), ("USD", -100_000.0)]));
        assert_eq!(d.exposure, money(&[("EUR", 9999.9), ("USD", -3333.3)]));
        // In one currency, 10 % then 30 % of 33,333 differ by 6,666.60, not by the
        // 6666.599999999999 the floats make of it.
        let (old, new) = (side("EUR", 1), side("EUR", 2));
        let d = deltas(
            &old,
            &new,
            &Currencies::new(&old, &new, &config),
            &config,
            TODAY,
        );
        assert_eq!(d.exposure, money(&[("EUR", 6666.6)]));
        assert!(d.budget.is_empty());
    }
}
