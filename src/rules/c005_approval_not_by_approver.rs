use super::Rule;
use crate::diagnostic::Severity;

/// Found by [`crate::git::provenance`], which reads who committed each approval.
pub static RULE: Rule = Rule {
    code: "C005",
    name: "approval-not-by-approver",
    severity: Severity::Warning,
    summary: "an approval was committed by someone other than the approver",
    doc: r#"
Active only when a base revision is known: `pmo check --changed-since REV` or
`pmo diff --check`. Each approval entry added in the range is traced to the commit that
added it; that commit's author email must be one of the approver's addresses: `email`,
or one of `emails` (a forge's noreply address, a second machine). Anyone can type
`by: dave`; only Dave's own commit shows Dave approved.

Who Dave is comes from the base revision's people, not from the change: an approval by
a person whose `email` or `emails` the range changes, or by a person the range adds, is
reported as unproven. A commit's author is what its author wrote; docs/git.md says what this proves.

```yaml
approvals:
  - {by: dave, date: 2026-11-18, decision: approve}   # C005: added in 3f2a9c1 by erin.walsh@acme.example, not dave's email dave.fischer@acme.example
```

Have the approver commit their approval, or add the address they commit with to their
`email` or `emails` (in a change of its own, which counts once merged).
"#,
    check: None,
};
