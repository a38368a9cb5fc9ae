use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "P004",
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
    check: None,
};
