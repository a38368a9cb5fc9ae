use super::Rule;
use crate::check::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::metrics::days_between;
use crate::model::project::State;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: "T002",
    name: "status-overdue",
    severity: Severity::Warning,
    summary: "an active project's latest status update is older than the reporting cadence",
    doc: r#"
Active projects report on a cadence: pmo.yaml `status.cadence_days` (default 14). A
project whose latest status update (by `date`) is older than that, or that has none, is
overdue.

```yaml
kind: project
state: active   # T002: latest status update is 30 days old (2026-10-21), more than 14 (status.cadence_days)
```

Write the update: `pmo new status --project ID`.
"#,
    check: Some(check),
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let cadence = ctx.config.status.cadence_days;
    for (doc, project) in ctx.projects() {
        if project.state != State::Active {
            continue;
        }
        let message = match ctx.latest_status(project.id) {
            None => "active project has no status update".to_owned(),
            Some((_, status)) => {
                let age = days_between(status.date, ctx.today);
                if age <= cadence {
                    continue;
                }
                format!(
                    "latest status update is {age} days old ({}), more than {cadence} (status.cadence_days)",
                    status.date
                )
            }
        };
        out.push(
            ctx.diagnostic(RULE.code, doc, doc.span([Seg::Key("state")]), message)
                .help(format!(
                    "write one: `pmo new status --project {}`",
                    project.id
                )),
        );
    }
}
