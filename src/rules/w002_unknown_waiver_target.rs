use crate::code::Code;
use crate::config::{FILE, Waiver};
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: Code::W002,
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
};

/// `waiver` names no rule, at its `rule`.
pub fn unknown_rule(span: Span, waiver: &Waiver) -> Diagnostic {
    let written = &waiver.rule.written;
    let help = did_you_mean(written, Code::ALL.iter().map(|c| c.as_str()))
        .unwrap_or_else(|| "`pmo rules` lists the rule codes".into());
    let message = format!("waiver names rule `{written}`, which does not exist");
    Diagnostic::new(&RULE, FILE, span, message).help(help)
}

/// `waiver` names an id no document has, at its `id`; `ids` are the ones there are.
pub fn unknown_id<'a>(
    span: Span,
    waiver: &Waiver,
    ids: impl IntoIterator<Item = &'a str>,
) -> Diagnostic {
    let help = did_you_mean(&waiver.id, ids)
        .unwrap_or_else(|| "remove the waiver if the document is gone".into());
    let message = format!("waiver names id `{}`, which no document has", waiver.id);
    Diagnostic::new(&RULE, FILE, span, message)
        .concerning(&waiver.id)
        .help(help)
}
