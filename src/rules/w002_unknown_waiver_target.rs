use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "W002",
    name: "unknown-waiver-target",
    severity: Severity::Error,
    summary: "a waiver names a rule or a document id that does not exist",
    doc: r#"
A waiver must name an existing rule code and the id of an existing document; otherwise
it is a typo that silences nothing, or a leftover of a removed document.

```yaml
waivers:
  - {rule: K020, id: apollo-vendor-delay, reason: "audit", owner: alice, expires: 2026-12-31}   # no rule K020
```
"#,
    check: None,
};
