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
        // Approvals given in the forge's review of the change judged count as recorded
        // ones do: from a person holding the level's role, never the requester's own
        // under segregation of duties.
        let reviewed: Vec<&str> = ctx
            .reviewed
            .get(change.id)
            .into_iter()
            .flatten()
            .map(String::as_str)
            .filter(|by| !r.qualified.contains(by))
            .filter(|by| !(control.segregation_of_duties && *by == change.requested_by))
            .filter(|by| {
                ctx.person(by)
                    .is_some_and(|p| lvl.role.as_ref().is_none_or(|role| p.has_role(role)))
            })
            .collect();
        let needed = lvl.approvers as usize;
        if r.qualified.len() + reviewed.len() >= needed {
            continue;
        }
        let from = lvl
            .role
            .as_ref()
            .map_or("anyone".to_owned(), |role| format!("role `{role}`"));
        let names: Vec<String> = r
            .qualified
            .iter()
            .map(|by| (*by).to_owned())
            .chain(reviewed.iter().map(|by| format!("{by} in review")))
            .collect();
        let found = if names.is_empty() {
            "found none".to_owned()
        } else {
            format!("found {} ({})", names.len(), names.join(", "))
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
