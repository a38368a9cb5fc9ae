//! What a change gives a person counts once merged: under a base revision, the people
//! of the head are judged with the roles and addresses the base gives them.

use super::Change;
use super::Subject;
use crate::model::Kind;
use crate::repository::Repository;
use serde_json::Value;

/// The fields of a person that approvals are judged by.
pub(crate) const IDENTITY: [&str; 3] = ["roles", "email", "emails"];

/// The roles and emails of the people in `repo` (the head's documents, judged by the
/// base) as the base has them: what the change gives a person counts once merged, so a
/// change cannot make its author an approver of itself. A person the change adds has no
/// roles and no email yet.
pub(crate) fn restore_identities(change: &Change, repo: &mut Repository) {
    for d in change
        .documents
        .iter()
        .filter(|d| d.kind == Subject::Document(Kind::Person))
    {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::{ChangeKind, Deltas, DocDiff};
    use crate::config::FILE;
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
                kind: Subject::Document(Kind::Person),
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
