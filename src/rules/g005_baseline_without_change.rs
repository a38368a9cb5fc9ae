use super::Rule;
use crate::changes::{Change, ChangeKind, DocDiff, Note};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::model::Portfolio;
use crate::parse::Seg;
use serde_json::Value;

/// Judged by [`check`] on a change, which [`crate::changes::judge`] gives it.
pub static RULE: Rule = Rule {
    code: Code::G005,
    name: "baseline-without-change",
    severity: Severity::Error,
    summary: "a project's baseline changed without an approved change request in the range",
    doc: r#"
Active only when a base revision is known: `pmo check --changed-since REV` or
`pmo diff --check`. A project's `baseline` (the approved plan) may change only through
change control: the same range must add, or approve, a change request of that project
whose status in the head is `approved` or `implemented`.

```yaml
kind: project
id: apollo
baseline:        # G005: baseline changed since origin/main without an approved change request of apollo
  finish: 2027-02-01
```

Raise the change request (`pmo new change --project apollo`), have it approved in the
same pull request, or take the baseline change out.
"#,
    check: None,
};

/// The baseline of project `id`, changed since `base` with no approved change request.
pub fn finding(file: &str, span: Span, id: &str, base: &str) -> Diagnostic {
    let message = format!(
        "baseline of `{id}` changed since {base} without a change request of `{id}` approved in the range"
    );
    Diagnostic::new(RULE.code, file, span, message)
        .id(Some(id))
        .help(format!(
            "add an approved change request (`pmo new change --project {id}`), or take the baseline change out"
        ))
}

fn get<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    v?.get(key)
}

/// G005 for project `d` of `change`, located in the head's `portfolio`: its approved
/// baseline changed, and no change request of the project was added, approved or given
/// an approval in the range.
pub(crate) fn check(d: &DocDiff, change: &Change, portfolio: &Portfolio<'_>) -> Option<Diagnostic> {
    if !matches!(
        d.change,
        ChangeKind::Modified | ChangeKind::Renamed | ChangeKind::IdChanged
    ) {
        return None;
    }
    // A draft baseline (not approved: `approved_by` and `approved_on` unset) is
    // planning, not a change to the approved plan.
    let old_baseline = get(d.old.as_ref(), "baseline")?;
    old_baseline.get("approved_by")?;
    old_baseline.get("approved_on")?;
    if get(d.new.as_ref(), "baseline") == Some(old_baseline) {
        return None;
    }
    let decided = |v: Option<&Value>| {
        matches!(
            get(v, "status").and_then(Value::as_str),
            Some("approved" | "implemented")
        )
    };
    // Added in the range, approved in it, or given an approval in it.
    let covered = change.documents.iter().any(|c| {
        c.kind == "change"
            && get(c.new.as_ref(), "project")
                .and_then(Value::as_str)
                .is_some_and(|p| p == d.id || Some(p) == d.old_id.as_deref())
            && decided(c.new.as_ref())
            && (c.change == ChangeKind::Added
                || !decided(c.old.as_ref())
                || c.notes.iter().any(Note::approves))
    });
    if covered {
        return None;
    }
    let doc = portfolio.get(&d.id)?;
    Some(finding(
        portfolio.repo.path(doc),
        doc.key_span([Seg::Key("baseline")]),
        &d.id,
        &change.base,
    ))
}
