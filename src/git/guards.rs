//! C006: what a change does to the inputs that guard the process. Under a base revision
//! the base's `pmo.yaml`, overlays, `.gitignore` rules and people judge the change; the
//! change's own edits to them take effect once merged, so each is shown.

use super::diff::{Change, ChangeKind, DocDiff, FieldChange};
use crate::config::FILE;
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Kind, Portfolio};
use crate::parse::{self, Limits, Seg};
use crate::repository::Repository;
use crate::rules::c006_guard_changed as c006;
use serde_json::Value;
use std::collections::BTreeMap;

/// The sections of `pmo.yaml` that decide what passes.
const GUARDS: [&str; 12] = [
    "rules",
    "waivers",
    "methodologies",
    "default_methodology",
    "project",
    "change_control",
    "risk",
    "status",
    "tolerances",
    "rag",
    "exclude",
    "roles",
];

/// The fields of a person that approvals are judged by.
const IDENTITY: [&str; 3] = ["roles", "email", "emails"];

/// C006 findings of `change`, located in the head: `config_text` is its `pmo.yaml`.
pub fn findings(change: &Change, config_text: &str, portfolio: &Portfolio<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &change.documents {
        match d.kind.as_str() {
            "configuration" if d.file == FILE => out.extend(configuration(d, config_text)),
            "configuration" => out.push(c006::file_changed(&d.file, verb(d.change))),
            "person" => out.extend(person(d, portfolio)),
            _ => {}
        }
    }
    out
}

fn verb(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        _ => "changed",
    }
}

/// One finding per changed entry of a guarding section (`rules.G005`, `waivers.2`,
/// `risk.high_score`), at its line in the head's `pmo.yaml`.
fn configuration(d: &DocDiff, config_text: &str) -> Vec<Diagnostic> {
    let head = parse::load(FILE, config_text.as_bytes(), &Limits::default())
        .docs
        .into_iter()
        .next();
    let fields: Vec<FieldChange> = d.fields.iter().flat_map(leaves).collect();
    let mut entries: BTreeMap<String, Vec<&FieldChange>> = BTreeMap::new();
    for f in &fields {
        let mut parts = f.field.split('.');
        let Some(section) = parts.next().filter(|s| GUARDS.contains(s)) else {
            continue;
        };
        let entry = match parts.next() {
            Some(key) => format!("{section}.{key}"),
            None => section.to_owned(),
        };
        entries.entry(entry).or_default().push(f);
    }
    entries
        .into_iter()
        .map(|(entry, fields)| {
            let span = head.as_ref().map_or(Span::at(1, 1), |doc| {
                doc.spans.key_at(&doc.value, segments(&doc.value, &entry))
            });
            c006::config_changed(span, &entry, &summary(&fields))
        })
        .collect()
}

/// A section or entry added or removed whole, as the leaves it adds or removes: a new
/// `rules:` section is `rules.G005: none → "off"`.
fn leaves(f: &FieldChange) -> Vec<FieldChange> {
    let children: Vec<(String, &Value)> = match (&f.old, &f.new) {
        (None, Some(v)) | (Some(v), None) => match v {
            Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return vec![f.clone()],
        },
        _ => return vec![f.clone()],
    };
    let added = f.new.is_some();
    children
        .into_iter()
        .flat_map(|(key, v)| {
            let (old, new) = if added {
                (None, Some(v.clone()))
            } else {
                (Some(v.clone()), None)
            };
            leaves(&FieldChange::new(format!("{}.{key}", f.field), old, new))
        })
        .collect()
}

/// A person given roles or an email (`email` or `emails`), or added with them.
fn person(d: &DocDiff, portfolio: &Portfolio<'_>) -> Option<Diagnostic> {
    let fields: Vec<FieldChange> = match d.change {
        ChangeKind::Added => IDENTITY
            .iter()
            .filter_map(|k| {
                let new = d.new.as_ref()?.get(*k)?;
                Some(FieldChange::new((*k).to_owned(), None, Some(new.clone())))
            })
            .collect(),
        ChangeKind::Removed => return None,
        _ => d
            .fields
            .iter()
            .filter(|f| IDENTITY.contains(&f.field.split('.').next().unwrap_or_default()))
            .cloned()
            .collect(),
    };
    if fields.is_empty() {
        return None;
    }
    let doc = portfolio.get(&d.id)?;
    let first = fields[0].field.split('.').next().unwrap_or_default();
    Some(c006::person_changed(
        portfolio.repo.path(doc),
        doc.key_span([Seg::Key(first)]),
        &d.id,
        &summary(&fields.iter().collect::<Vec<_>>()),
    ))
}

/// The roles and emails of the people in `repo` (the head's documents, judged by the
/// base) as the base has them: what the change gives a person counts once merged, so a
/// change cannot make its author an approver of itself. A person the change adds has no
/// roles and no email yet.
pub fn restore_identities(change: &Change, repo: &mut Repository) {
    for d in change.documents.iter().filter(|d| d.kind == "person") {
        let person = repo
            .documents
            .iter_mut()
            .find(|doc| doc.kind == Kind::Person && doc.id() == Some(d.id.as_str()));
        let Some(map) = person.and_then(|doc| doc.value.as_object_mut()) else {
            continue;
        };
        for key in IDENTITY {
            match d.old.as_ref().and_then(|old| old.get(key)) {
                Some(base) => {
                    map.insert(key.to_owned(), base.clone());
                }
                None if key == "roles" => {
                    map.insert(key.to_owned(), Value::Array(Vec::new()));
                }
                None => {
                    map.remove(key);
                }
            }
        }
    }
}

/// `field: old → new; ...`
fn summary(fields: &[&FieldChange]) -> String {
    let show = |v: &Option<Value>| v.as_ref().map_or("none".to_owned(), Value::to_string);
    fields
        .iter()
        .map(|f| format!("{}: {} → {}", f.field, show(&f.old), show(&f.new)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `waivers.2` as path segments of `value`: a number under a list is an index.
fn segments<'a>(value: &Value, dotted: &'a str) -> Vec<Seg<'a>> {
    let mut at = Some(value);
    dotted
        .split('.')
        .map(|part| {
            let seg = match (at, part.parse::<usize>()) {
                (Some(Value::Array(_)), Ok(i)) => Seg::Index(i),
                _ => Seg::Key(part),
            };
            at = at.and_then(|v| match seg {
                Seg::Index(i) => v.get(i),
                Seg::Key(k) => v.get(k),
            });
            seg
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::git::diff::Deltas;
    use serde_json::json;

    /// A person as the head has them and as the base had them, restored.
    fn restored(head: &str, base: Value) -> Value {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "version: 1\nroles: [ccb]\n").unwrap();
        std::fs::write(dir.path().join("carol.yaml"), head).unwrap();
        let mut repo = crate::repository::load(&crate::source::Worktree::at(dir.path())).unwrap();
        let change = Change {
            base: "base".into(),
            head: "head".into(),
            documents: vec![DocDiff {
                id: "carol".into(),
                kind: "person".into(),
                change: ChangeKind::Modified,
                file: "carol.yaml".into(),
                old_file: None,
                old_id: None,
                fields: Vec::new(),
                notes: Vec::new(),
                old: Some(base),
                new: None,
            }],
            deltas: Deltas::default(),
            files_changed: 1,
            changed_files: vec!["carol.yaml".into()],
            unparsed: Vec::new(),
            unidentified: Vec::new(),
            findings: None,
        };
        restore_identities(&change, &mut repo);
        repo.documents[0].value.clone()
    }

    #[test]
    fn addresses_a_change_gives_a_person_count_once_merged() {
        let head = "kind: person\nid: carol\nname: Carol\nemail: erin@example.org\nemails: [erin@users.example]\nroles: [ccb]\n";
        // The base had other addresses: they come back.
        let base = json!({"kind": "person", "id": "carol", "name": "Carol",
            "email": "carol@example.org", "emails": ["carol@users.example"]});
        let v = restored(head, base);
        assert_eq!(v["email"], "carol@example.org");
        assert_eq!(v["emails"], json!(["carol@users.example"]));
        assert_eq!(v["roles"], json!([]));
        // The base had none: the change's are dropped.
        let v = restored(
            head,
            json!({"kind": "person", "id": "carol", "name": "Carol"}),
        );
        assert_eq!(v.get("email"), None);
        assert_eq!(v.get("emails"), None);
    }
}
