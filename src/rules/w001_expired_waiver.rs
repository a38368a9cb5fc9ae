use crate::code::Code;
use crate::config::{FILE, Waiver};
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};

pub static RULE: Rule = Rule {
    code: Code::W001,
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
};

/// `waiver`, expired, at its `expires`.
pub fn finding(span: Span, waiver: &Waiver) -> Diagnostic {
    let Waiver {
        rule,
        id,
        owner,
        expires,
        ..
    } = waiver;
    let message =
        format!("waiver of {rule} for `{id}` expired on {expires}; it no longer silences anything");
    let help = format!(
        "renew it with a new `expires` and reason (owner: {owner}), or remove it and fix the finding"
    );
    Diagnostic::new(&RULE, FILE, span, message)
        .concerning(id)
        .concerning(owner)
        .help(help)
}
