use super::Rule;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity, Span};

/// Found by [`crate::git::provenance`], which knows the base revision.
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
