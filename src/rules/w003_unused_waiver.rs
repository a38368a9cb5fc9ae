use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "W003",
    name: "unused-waiver",
    severity: Severity::Warning,
    summary: "a waiver that silenced nothing",
    doc: r#"
A valid waiver whose rule raised no finding on its document (the problem was fixed, or the
rule is `off` in `rules:`) should be removed, so that the list of accepted exceptions stays
true. Expired waivers are W001 instead.

```yaml
rules:
  K002: off
waivers:
  - {rule: K002, id: apollo-vendor-delay, reason: "audit", owner: alice, expires: 2026-12-31}   # W003: K002 is off
```
"#,
    check: None,
};
