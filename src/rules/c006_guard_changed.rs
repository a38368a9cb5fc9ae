use super::Rule;
use crate::code::Code;
use crate::config::FILE;
use crate::diagnostic::{Diagnostic, Severity, Span};

/// Found by [`crate::git::guards`], which compares what guards the process at the base
/// revision and in the change.
pub static RULE: Rule = Rule {
    code: Code::C006,
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

const HELP: &str = "have the owners of the process review it (CODEOWNERS on pmo.yaml, schema/, .gitignore and people/); it applies once merged";

/// A schema overlay or ignore file that the change adds, removes or changes (`verb`).
pub fn file_changed(file: &str, verb: &str) -> Diagnostic {
    let (what, judges) = if file.ends_with(".gitignore") {
        ("ignore rules", "ignore rules")
    } else {
        ("schema overlay", "overlays")
    };
    let message = format!("{what} {file} {verb}: the base revision's {judges} judge this change");
    Diagnostic::new(RULE.code, file, Span::at(1, 1), message).help(HELP)
}

/// An entry of a guarding section of pmo.yaml (`rules.G005`), at its key; `summary` says
/// how it changed.
pub fn config_changed(span: Span, entry: &str, summary: &str) -> Diagnostic {
    let message =
        format!("`{entry}` changed ({summary}): the base revision's pmo.yaml judges this change");
    Diagnostic::new(RULE.code, FILE, span, message).help(HELP)
}

/// The fields of person `id` that approvals are judged by, at the first that changed;
/// `summary` says how they changed.
pub fn person_changed(file: &str, span: Span, id: &str, summary: &str) -> Diagnostic {
    let message = format!(
        "person `{id}`: {summary}: approvals in this change are judged by the base revision's people"
    );
    Diagnostic::new(RULE.code, file, span, message)
        .id(Some(id))
        .help(HELP)
}
