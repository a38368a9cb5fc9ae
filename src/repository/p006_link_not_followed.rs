use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};

pub static RULE: Rule = Rule {
    code: Code::P006,
    name: "link-not-followed",
    severity: Severity::Warning,
    summary: "a symbolic link in the repository, which pmo does not follow",
    doc: r#"
pmo never follows a symbolic link, for reading or for writing. In a pull request a link can
point anywhere on the machine that checks it: `/proc/self/environ` holds a CI job's secrets,
`/` is the whole file system. So a link in the repository is reported where it is, what it
points to is not read (a folder behind it is not walked), and the rest of the repository is
checked. From git, a link is a link: its target is never read as a document.

`pmo.yaml`, a schema overlay or a template that is a link is not a warning but a refusal:
the check or report cannot be trusted without it. Replace a link with the file or folder
itself, or list its path in `exclude` when it is not part of the governance data.

```yaml
# projects/apollo/risks/shared.yaml -> ../../../common/risk.yaml   (a link: not followed)
exclude: [projects/apollo/risks/shared.yaml]   # pmo.yaml: not a document, not reported
```
"#,
};

/// A link at `file` in the tree; what it points to was not read.
pub fn finding(file: &str) -> Diagnostic {
    Diagnostic::new(
        &RULE,
        file,
        Span::at(1, 1),
        "symbolic link not followed: what it points to was not read",
    )
    .help("put the file or folder itself here, or list the path in `exclude` in pmo.yaml")
}
