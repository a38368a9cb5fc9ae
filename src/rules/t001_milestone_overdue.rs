use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::T001,
    name: "milestone-overdue",
    severity: Severity::Warning,
    summary: "a milestone's date has passed and it has no `actual`",
    doc: r#"
A milestone whose `forecast` date (else its `baseline` date) is before today is either
done, and needs its `actual` date, or late, and needs a new `forecast`. Applies to
projects that are active or on hold.

```yaml
kind: project
milestones:
  - {name: Go-live, baseline: 2026-10-30}   # T001: milestone `Go-live` was due 2026-10-30 and has no `actual`
```
"#,
};

/// A project's own milestones.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, project) in ctx.running_projects() {
        for (i, m) in project.milestones.iter().enumerate() {
            let (field, due) = match m.forecast {
                Some(f) => ("forecast", f),
                None => ("baseline", m.baseline),
            };
            if m.actual.is_some() || due >= ctx.today {
                continue;
            }
            let message = format!(
                "milestone `{}` was due {due} ({field}) and has no `actual`",
                m.name
            );
            let span = doc.span([Seg::Key("milestones"), Seg::Index(i), Seg::Key(field)]);
            out.push(
                ctx.diagnostic(&RULE, doc, span, message)
                    .help("record the `actual` date if it was reached, else a new `forecast`"),
            );
        }
    }
}
