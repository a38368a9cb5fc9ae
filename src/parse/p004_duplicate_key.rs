use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};

pub static RULE: Rule = Rule {
    code: Code::P004,
    name: "duplicate-key",
    severity: Severity::Error,
    summary: "a key appears twice in one mapping",
    doc: r#"
Most YAML readers silently keep the last value of a repeated key, so a copy-paste mistake
changes data without anyone noticing. pmo keeps the first and reports the second.

```yaml
owner: alice
title: Vendor delay
owner: bob      # P004: which owner is meant?
```
"#,
};

/// The second `name` of a mapping, at `span`; `first` is where the kept one is, when the
/// reader knows it.
pub fn finding(file: &str, span: Span, name: &str, first: Option<Span>) -> Diagnostic {
    let d = Diagnostic::new(
        &RULE,
        file,
        span,
        format!("duplicate key `{name}` in this mapping"),
    )
    .help("remove one of the two; only the first is used");
    match first {
        Some(first) => d.related(file, first, format!("`{name}` first appears here")),
        None => d,
    }
}
