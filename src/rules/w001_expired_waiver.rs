use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "W001",
    name: "expired-waiver",
    severity: Severity::Warning,
    summary: "a waiver in pmo.yaml has expired",
    doc: r#"
A waiver silences one rule for one document through its `expires` day (compared with
`--today`). After that it silences nothing and is reported, so that an accepted exception
is reviewed instead of living forever. Renew it with a new date and reason, or remove it
and fix the finding.

```yaml
waivers:
  - {rule: K002, id: apollo-vendor-delay, reason: "supplier audit pending", owner: alice, expires: 2026-10-31}
```
"#,
    check: None,
};
