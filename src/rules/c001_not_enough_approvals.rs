use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::change::{level, review};
use crate::metrics::money;
use crate::model::records::{ApprovalDecision, ChangeStatus};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::C001,
    name: "not-enough-approvals",
    severity: Severity::Error,
    summary: "an approved or implemented change lacks the approvals its level needs",
    doc: r#"
pmo.yaml `change_control.levels` says how many approvals a change needs, and from which
role, by the size of its cost: the first level whose `max_cost` covers |`impact.cost`|
applies (a missing cost counts as 0). Only `approve` decisions by distinct people holding
the level's role count, and, with `segregation_of_duties`, never the requester's own.

```yaml
kind: change
impact: {cost: 250000}
status: approved   # C001: level 3: cost 250,000 needs 2 approvals from role `ccb`, found 1 (dave)
approvals:
  - {by: dave, date: 2026-10-02, decision: approve}
```
"#,
};

/// Approvers are looked up among the people.
pub(super) const READS: Reads = Reads::People;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let control = &ctx.config.change_control;
    for (doc, change) in ctx.changes() {
        if !matches!(
            change.status,
            ChangeStatus::Approved | ChangeStatus::Implemented
        ) {
            continue;
        }
        let Some((index, lvl)) = level(control, change) else {
            continue;
        };
        let r = review(change, lvl, control, |id| ctx.person(id));
        let needed = lvl.approvers as usize;
        if r.qualified.len() >= needed {
            continue;
        }
        let from = lvl
            .role
            .as_ref()
            .map_or("anyone".to_owned(), |role| format!("role `{role}`"));
        let found = if r.qualified.is_empty() {
            "found none".to_owned()
        } else {
            format!("found {} ({})", r.qualified.len(), r.qualified.join(", "))
        };
        let s = if needed == 1 { "" } else { "s" };
        let mut message = format!(
            "level {}: cost {} needs {needed} approval{s} from {from}, {found}",
            index + 1,
            money(change.impact.cost.unwrap_or(0.0).abs())
        );
        let rejected: Vec<&str> = change
            .approvals
            .iter()
            .filter(|a| a.decision == ApprovalDecision::Reject)
            .map(|a| a.by)
            .collect();
        if !rejected.is_empty() {
            message += &format!("; rejected by {}", rejected.join(", "));
        }
        out.push(
            ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("status")]), message)
                .help("record the missing approvals, or set `status` back to `submitted`"),
        );
    }
}
