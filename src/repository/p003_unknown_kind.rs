use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::Kind;
use crate::suggest::{did_you_mean, list};
use serde_json::Value;

pub static RULE: Rule = Rule {
    code: Code::P003,
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
};

/// A `kind` that is no kind, at its value; `id` is the document's, if it has one.
pub fn finding(file: &str, span: Span, kind: &Value, id: Option<&str>) -> Diagnostic {
    let kinds = Kind::ALL.map(Kind::as_str);
    let name = kind.as_str().unwrap_or_default();
    let help = did_you_mean(name, kinds.iter().copied())
        .unwrap_or_else(|| format!("the kinds are {}", list(&kinds)));
    // A kind that is not a text (`kind: 3`) is shown as written.
    let shown = if name.is_empty() {
        kind.to_string()
    } else {
        format!("`{name}`")
    };
    Diagnostic::new(&RULE, file, span, format!("unknown kind {shown}"))
        .help(help)
        .id(id)
}
