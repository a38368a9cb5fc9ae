use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::Kind;
use crate::model::project::State;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::G004,
    name: "closed-with-open-items",
    severity: Severity::Error,
    summary: "a closed project still has open risks, open issues or undecided changes",
    doc: r#"
A project is closed only when nothing is left open: its risks are closed, its issues are
resolved or closed, and none of its changes is still `draft` or `submitted`.

```yaml
kind: project
state: closed   # G004: project is closed but has 1 open risk (orion-data-loss)
```

Close, resolve, withdraw or transfer the items, or set `state` back to `active`.
"#,
};

/// The open items of a project are its documents.
pub(super) const READS: Reads = Reads::Project;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, project) in ctx.projects() {
        if project.state != State::Closed {
            continue;
        }
        // Open as the kind's row has it.
        let open = |kind: Kind| -> Vec<&str> {
            let spec = kind.spec();
            let field = spec.states.as_ref().map_or("status", |s| s.field);
            ctx.related(kind, project.id)
                .filter(|d| d.str(field).is_some_and(|s| spec.is_open(s)))
                .filter_map(|d| d.id())
                .collect()
        };
        let groups = [
            ("open risk", open(Kind::Risk)),
            ("open issue", open(Kind::Issue)),
            ("undecided change", open(Kind::Change)),
        ];
        let parts: Vec<String> = groups
            .iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(what, ids)| {
                let s = if ids.len() == 1 { "" } else { "s" };
                format!("{} {what}{s} ({})", ids.len(), ids.join(", "))
            })
            .collect();
        if parts.is_empty() {
            continue;
        }
        let message = format!("project is closed but has {}", parts.join(", "));
        let mut finding = ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("state")]), message);
        for (_, ids) in &groups {
            for id in ids {
                finding = finding.concerning(id);
            }
        }
        out.push(finding.help("close or resolve them first, or set `state` back to `active`"));
    }
}
