use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "P003",
    name: "unknown-kind",
    severity: Severity::Error,
    summary: "`kind` names no document kind",
    doc: r#"
The kinds are `person`, `objective`, `program`, `project`, `risk`, `issue`, `decision`,
`change`, `status` and `lesson`. A misspelt kind would otherwise hide the document from
every rule and report.

```yaml
kind: risks   # did you mean `risk`?
```
"#,
    check: None,
};
