use super::Rule;
use crate::diagnostic::Severity;

/// Found by [`crate::git::guards`], which compares what guards the process at the base
/// revision and in the change.
pub static RULE: Rule = Rule {
    code: "C006",
    name: "guard-changed",
    severity: Severity::Warning,
    summary: "a change edits what guards the process (pmo.yaml, overlays, .gitignore, people)",
    doc: r#"
Active only when a base revision is known: `pmo check --changed-since REV` or
`pmo diff --check`. There, the base revision judges the change: its `pmo.yaml` (rules and
severities, waivers, methodologies and gates, the project fields it makes optional,
change control, risk, status, tolerance and RAG settings, `exclude`, roles), its schema
overlays, its `.gitignore` rules and its people's roles and emails, so that a pull
request cannot switch off the rule that would stop it. What the change does to them
takes effect once it is merged, and each edit is this finding, so that reviewers see it:
a rule switched off or downgraded, a waiver added or extended, a threshold moved, a gate
requirement dropped, a project field made optional, an `exclude` widened, an overlay or
the root `.gitignore` changed, a role or an address (`email` or `emails`) given to a
person.

```yaml
# pmo.yaml in the pull request
rules:
  G005: off        # C006: `rules.G005` none → "off"; G005 still applies to this change
```

Have the owners of the process review such changes: CODEOWNERS on `pmo.yaml`, `schema/`,
`.gitignore` and `people/` makes the forge ask them.
"#,
    check: None,
};
