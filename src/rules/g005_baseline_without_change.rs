use crate::changes::{Change, ChangeKind, DocDiff, approved_baseline_changed, covering};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::Portfolio;
use crate::parse::Seg;
use std::collections::HashMap;

/// Judged by [`check`] on a change, which [`crate::check::judge`] gives it.
pub static RULE: Rule = Rule {
    code: Code::G005,
    name: "baseline-without-change",
    severity: Severity::Error,
    summary: "a project's baseline changed without an approved change request in the range",
    doc: r#"
Active only when a base revision is known: `pmo check --changed-since REV` or
`pmo diff --check`. A project's `baseline` (the approved plan) may change only through
change control: the same range must add, or approve, a change request of that project
whose status in the head is `approved` or `implemented`. A request the change edits and
that the forge's review of the head approves (`--approvals`) counts as approved in the
range.

```yaml
kind: project
id: apollo
baseline:        # G005: baseline changed since origin/main without an approved change request of apollo
  finish: 2027-02-01
```

Raise the change request (`pmo new change --project apollo`), have it approved in the
same pull request, or take the baseline change out.
"#,
};

/// The baseline of project `id`, changed since `base` with no approved change request.
pub fn finding(file: &str, span: Span, id: &str, base: &str) -> Diagnostic {
    let message = format!(
        "baseline of `{id}` changed since {base} without a change request of `{id}` approved in the range"
    );
    Diagnostic::new(&RULE, file, span, message)
        .id(Some(id))
        .help(format!(
            "add an approved change request (`pmo new change --project {id}`), or take the baseline change out"
        ))
}

/// G005 for project `d` of `change`, located in the head's `portfolio`: its approved
/// baseline changed, and no change request of the project was added, approved or given
/// an approval in the range, whether recorded in it or in the forge's review of the head
/// (`reviewed`: for each change request the change adds or edits, who approved the head).
pub(crate) fn check(
    d: &DocDiff,
    change: &Change,
    reviewed: &HashMap<String, Vec<String>>,
    portfolio: &Portfolio<'_>,
) -> Option<Diagnostic> {
    if !matches!(
        d.change,
        ChangeKind::Modified | ChangeKind::Renamed | ChangeKind::IdChanged
    ) {
        return None;
    }
    // A draft baseline (not approved: `approved_by` and `approved_on` unset) is
    // planning, not a change to the approved plan. What counts as changed and as covered
    // is defined once, in `changes::baselines`, which `pmo baselines` shares.
    if !approved_baseline_changed(d.old.as_ref(), d.new.as_ref()) {
        return None;
    }
    if covering(change, &d.id, d.old_id.as_deref(), reviewed)
        .next()
        .is_some()
    {
        return None;
    }
    let doc = portfolio.get(&d.id)?;
    Some(finding(
        portfolio.path(doc),
        doc.key_span([Seg::Key("baseline")]),
        &d.id,
        &change.base,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::{Decision, Deltas, Note, Subject};
    use serde_json::Value;
    use serde_json::json;

    fn modified(id: &str, kind: &str, old: Value, new: Value, notes: Vec<Note>) -> DocDiff {
        DocDiff {
            id: id.into(),
            kind: Subject::of(kind),
            change: ChangeKind::Modified,
            file: format!("{id}.yaml"),
            old_file: None,
            old_id: None,
            fields: Vec::new(),
            notes,
            old: Some(old),
            new: Some(new),
        }
    }

    /// Whether G005 finds the replanned project `p`, beside a change request of `p`
    /// that was approved before the range and has these notes in it.
    fn found(notes: Vec<Note>) -> bool {
        found_reviewed(notes, &HashMap::new())
    }

    /// [`found`], with approvals of the forge's review.
    fn found_reviewed(notes: Vec<Note>, reviewed: &HashMap<String, Vec<String>>) -> bool {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(crate::config::FILE), "version: 1\n").unwrap();
        std::fs::write(
            dir.path().join("p.yaml"),
            "kind: project\nid: p\ntitle: P\nsponsor: s\nmanager: m\nstate: active\nphase: execution\nbaseline:\n  finish: 2027-02-01\n",
        )
        .unwrap();
        let repo = crate::repository::load(&crate::source::Worktree::at(dir.path())).unwrap();
        let baseline = |finish: &str| {
            json!({"kind": "project", "id": "p", "baseline": {"finish": finish,
                   "approved_by": "s", "approved_on": "2026-01-02"}})
        };
        let request = json!({"kind": "change", "id": "cr", "project": "p", "status": "approved"});
        let change = Change {
            base: "base".into(),
            head: "head".into(),
            documents: vec![
                modified(
                    "p",
                    "project",
                    baseline("2026-12-18"),
                    baseline("2027-02-01"),
                    Vec::new(),
                ),
                modified("cr", "change", request.clone(), request, notes),
            ],
            deltas: Deltas::default(),
            files_changed: 2,
            changed_files: Vec::new(),
            unparsed: Vec::new(),
            unidentified: Vec::new(),
            findings: None,
        };
        check(&change.documents[0], &change, reviewed, &repo.portfolio()).is_some()
    }

    #[test]
    fn an_approval_given_in_the_range_covers_the_new_baseline_a_rejection_does_not() {
        let approval = |decision| Note::Approval {
            by: "dave".into(),
            decision,
        };
        assert!(found(Vec::new()));
        assert!(found(vec![approval(Decision::Reject)]));
        assert!(!found(vec![approval(Decision::Approve)]));
    }

    #[test]
    fn an_approval_given_in_the_forge_review_of_the_change_request_covers_the_new_baseline() {
        let reviewed = |cr: &str, by: &[&str]| {
            HashMap::from([(cr.to_owned(), by.iter().map(|b| (*b).to_owned()).collect())])
        };
        assert!(!found_reviewed(Vec::new(), &reviewed("cr", &["dave"])));
        assert!(found_reviewed(Vec::new(), &reviewed("cr", &[])));
        assert!(found_reviewed(Vec::new(), &reviewed("other", &["dave"])));
    }
}
