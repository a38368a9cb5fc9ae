use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::records::OpenClosed;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::K003,
    name: "closed-risk-incomplete",
    severity: Severity::Error,
    summary: "a closed risk has no `closed_on` or no `closure_reason`",
    doc: r#"
Closing a risk is a decision worth recording: when, and why.

```yaml
kind: risk
status: closed   # K003: closed risk has no `closure_reason`
closed_on: 2026-10-01
```
"#,
};

/// A risk's own fields.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, risk) in ctx.risks() {
        if risk.status != OpenClosed::Closed {
            continue;
        }
        let reason = risk.closure_reason.is_some_and(|r| !r.trim().is_empty());
        let missing: Vec<&str> = [
            ("`closed_on`", risk.closed_on.is_some()),
            ("`closure_reason`", reason),
        ]
        .iter()
        .filter(|(_, present)| !present)
        .map(|(name, _)| *name)
        .collect();
        if missing.is_empty() {
            continue;
        }
        let message = format!("closed risk has no {}", missing.join(" and no "));
        out.push(
            ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("status")]), message)
                .help("add `closed_on: YYYY-MM-DD` and `closure_reason: ...`"),
        );
    }
}
