use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::{days_between, tolerance};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::T004,
    name: "schedule-over-tolerance",
    severity: Severity::Warning,
    summary: "the forecast finish is later than the baseline finish plus the schedule tolerance",
    doc: r#"
A project's `forecast.finish` may slip past its `baseline.finish` by at most its schedule
tolerance: the project's `tolerances.schedule_days`, else pmo.yaml
`tolerances.schedule_days` (default 30). Applies to projects that are active or on hold.

```yaml
kind: project
baseline: {finish: 2026-12-18}
forecast:
  finish: 2027-02-01   # T004: forecast finish is 45 days after the baseline finish 2026-12-18; tolerance 30 days
```
"#,
};

/// A project's own milestones.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, project) in ctx.running_projects() {
        let (Some(forecast), Some(baseline)) = (project.forecast.finish, project.baseline.finish)
        else {
            continue;
        };
        let t = tolerance::effective(project, &ctx.config.tolerances);
        if forecast <= t.finish_limit(baseline) {
            continue;
        }
        let message = format!(
            "forecast finish is {} days after the baseline finish {baseline}; tolerance {} days",
            days_between(baseline, forecast),
            t.schedule_days
        );
        let span = doc.span([Seg::Key("forecast"), Seg::Key("finish")]);
        out.push(ctx.diagnostic(&RULE, doc, span, message).help(
            "escalate to the sponsor: raise a change request to re-baseline, or recover the schedule",
        ));
    }
}
