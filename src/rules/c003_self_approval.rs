use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::change::{level, review};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::C003,
    name: "self-approval",
    severity: Severity::Error,
    summary: "the requester approved their own change",
    doc: r#"
With `change_control.segregation_of_duties` (the default), the person who requested a
change may not approve it; their approval does not count either.

```yaml
kind: change
requested_by: alice
approvals:
  - {by: alice, date: 2026-10-02, decision: approve}   # C003: alice approved the change they requested
```
"#,
};

/// Approvers and requesters are looked up among the people.
pub(super) const READS: Reads = Reads::People;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let control = &ctx.config.change_control;
    if !control.segregation_of_duties {
        return;
    }
    for (doc, change) in ctx.changes() {
        let Some((_, lvl)) = level(control, change) else {
            continue;
        };
        for i in review(change, lvl, control, |id| ctx.person(id)).by_requester {
            let by = change.approvals[i].by;
            let message =
                format!("{by} approved the change they requested (segregation of duties)");
            let span = doc.span([Seg::Key("approvals"), Seg::Index(i), Seg::Key("by")]);
            out.push(
                ctx.diagnostic(&RULE, doc, span, message)
                    .help("another person must approve; remove this entry"),
            );
        }
    }
}
