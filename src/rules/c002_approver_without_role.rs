use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::change::{level, review};
use crate::metrics::money;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::C002,
    name: "approver-without-role",
    severity: Severity::Error,
    summary: "a change was approved by a person without the role its level needs",
    doc: r#"
An `approve` entry only counts when the approver holds the role of the change's level
(their person document lists it in `roles`). Rejections are never counted, so they are
not checked.

```yaml
kind: change
impact: {cost: 50000}   # level 2: role sponsor
approvals:
  - {by: erin, date: 2026-10-02, decision: approve}   # C002: erin does not hold role `sponsor`
```

Ask a holder of the role to approve, or give the person the role in their document if
they hold it.
"#,
};

/// Approvers' roles are the people's.
pub(super) const READS: Reads = Reads::People;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let control = &ctx.config.change_control;
    for (doc, change) in ctx.changes() {
        let Some((index, lvl)) = level(control, change) else {
            continue;
        };
        let Some(role) = &lvl.role else {
            continue;
        };
        for i in review(change, lvl, control, |id| ctx.person(id)).without_role {
            let by = change.approvals[i].by;
            let message = format!(
                "{by} approved but does not hold role `{role}`, which level {} (cost {}) needs",
                index + 1,
                money(change.impact.cost.unwrap_or(0.0).abs())
            );
            let span = doc.span([Seg::Key("approvals"), Seg::Index(i), Seg::Key("by")]);
            out.push(
                ctx.diagnostic(&RULE, doc, span, message)
                    .help(format!("ask a person with role `{role}` to approve")),
            );
        }
    }
}
