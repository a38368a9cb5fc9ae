use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "P002",
    name: "not-a-document",
    severity: Severity::Error,
    summary: "a YAML document that is not a mapping or has no `kind`",
    doc: r#"
Every document in a governance repository is a mapping that says what it is with `kind`.
A list, a single value or a mapping without `kind` (or with `kind:` and no value) cannot
be checked. Empty documents (an empty or comment-only file, a trailing `---`) are ignored
rather than reported.

```yaml
- id: apollo-vendor-delay   # a list: not a document
kind: risk                  # fixed: a mapping with a kind
id: apollo-vendor-delay
```
"#,
    check: None,
};
