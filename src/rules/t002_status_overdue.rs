use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::status::{Overdue, overdue};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::T002,
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
};

/// A project's latest status update.
pub(super) const READS: Reads = Reads::Project;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let cadence = ctx.config.status.cadence_days;
    for (doc, project) in ctx.projects() {
        let latest = ctx.latest_status(project.id).map(|(_, s)| s.date);
        let message = match overdue(project, latest, cadence, ctx.today) {
            None => continue,
            Some(Overdue::Missing) => "active project has no status update".to_owned(),
            Some(Overdue::Old(age)) => format!(
                "latest status update is {age} days old ({}), more than {cadence} (status.cadence_days)",
                latest.unwrap_or(ctx.today)
            ),
        };
        out.push(
            ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("state")]), message)
                .help(format!(
                    "write one: `pmo new status --project {}`",
                    project.id
                )),
        );
    }
}
