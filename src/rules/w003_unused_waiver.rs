use crate::code::Code;
use crate::config::{FILE, Waiver};
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};

pub static RULE: Rule = Rule {
    code: Code::W003,
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
};

/// `waiver` of a rule that is `off` in `rules:`, at its `rule`.
pub fn rule_off(span: Span, waiver: &Waiver) -> Diagnostic {
    let Waiver { rule, id, .. } = waiver;
    let message =
        format!("waiver of {rule} for `{id}` silences nothing: {rule} is off in `rules:`");
    Diagnostic::new(&RULE, FILE, span, message)
        .concerning(id)
        .help("remove the waiver")
}

/// `waiver` that silenced no finding, at its `rule`.
pub fn unused(span: Span, waiver: &Waiver) -> Diagnostic {
    let Waiver { rule, id, .. } = waiver;
    let message =
        format!("waiver of {rule} for `{id}` silenced nothing: {rule} reports no finding on it");
    Diagnostic::new(&RULE, FILE, span, message)
        .concerning(id)
        .help("the problem is gone: remove the waiver")
}
