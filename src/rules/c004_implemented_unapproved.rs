use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::records::{ApprovalDecision, ChangeStatus};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::C004,
    name: "implemented-unapproved",
    severity: Severity::Error,
    summary: "a change was implemented without any approval",
    doc: r#"
A change that is `implemented` must have been approved: at least one `approve` decision
in `approvals`.

```yaml
kind: change
status: implemented   # C004: change is implemented but has no `approve` decision
approvals: []
```
"#,
};

/// A change's own status and approvals.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, change) in ctx.changes() {
        if change.status != ChangeStatus::Implemented
            || change
                .approvals
                .iter()
                .any(|a| a.decision == ApprovalDecision::Approve)
        {
            continue;
        }
        out.push(
            ctx.diagnostic(
                &RULE,
                doc,
                doc.span([Seg::Key("status")]),
                "change is implemented but has no `approve` decision",
            )
            .help("record the approval that authorised it in `approvals`"),
        );
    }
}
