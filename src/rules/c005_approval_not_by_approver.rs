use super::Rule;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Severity, Span};

/// Found by [`crate::git::provenance`], which reads who committed each approval.
pub static RULE: Rule = Rule {
    code: Code::C005,
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

/// Why the commit that added an approval does not prove who approved: what
/// [`crate::git::provenance`] found, put into words by [`finding`].
pub enum Mismatch<'a> {
    /// The approver is not a person of the base revision.
    NotAPerson,
    /// The approver's addresses differ between the base and the head.
    EmailChanged {
        base: &'a [String],
        head: &'a [String],
    },
    /// The approver has no address in the base to match.
    NoEmail,
    /// The commit's author is none of the approver's addresses in the base.
    OtherAuthor { base: &'a [String] },
}

/// A commit that added an approval.
pub struct Commit<'a> {
    /// Its short id.
    pub short: &'a str,
    /// Its author's email.
    pub email: &'a str,
}

/// The approval by `by` of change `id`, at its `by`.
pub fn finding(
    file: &str,
    span: Span,
    id: &str,
    by: &str,
    commit: Commit<'_>,
    mismatch: Mismatch<'_>,
) -> Diagnostic {
    let Commit { short, email } = commit;
    let shown = |a: &[String]| match a {
        [] => "none".to_owned(),
        a => a.join(", "),
    };
    let message = match mismatch {
        Mismatch::NotAPerson => format!(
            "approval by `{by}` was added in {short} by {email}, and `{by}` is not a person of the base revision, so nothing proves who approved"
        ),
        Mismatch::EmailChanged { base, head } => format!(
            "approval by `{by}` was added in {short} by {email}, and `{by}`'s email changed in this change ({} → {}): pmo matches approvers by the base revision's people",
            shown(base),
            shown(head)
        ),
        Mismatch::NoEmail => format!(
            "approval by `{by}` was added in {short} by {email}; `{by}` has no `email` to match it with"
        ),
        Mismatch::OtherAuthor { base: [one] } => {
            format!("approval by `{by}` was added in {short} by {email}, not by {by}'s email {one}")
        }
        Mismatch::OtherAuthor { base } => format!(
            "approval by `{by}` was added in {short} by {email}, not by one of {by}'s emails {}",
            base.join(", ")
        ),
    };
    Diagnostic::new(RULE.code, file, span, message)
        .id(Some(id))
        .concerning(by)
        .help(format!(
            "have {by} commit the approval, or add the address they commit with to their `email` or `emails`"
        ))
}
