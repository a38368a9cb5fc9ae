use super::Rule;
use crate::diagnostic::Severity;

/// Found by [`crate::git::provenance`], which knows the base revision.
pub static RULE: Rule = Rule {
    code: "G005",
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
