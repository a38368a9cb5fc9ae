use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::T003,
    name: "inconsistent-dates",
    severity: Severity::Error,
    summary: "dates that contradict each other or lie in the future when they cannot",
    doc: r#"
Some dates cannot be in that order: a baseline or forecast finish before the baseline
start, a risk closed before it was raised, a milestone reached (`actual`) after today, a
status update dated after today. The finding points at the later-named date.

```yaml
kind: project
baseline:
  start: 2026-06-01
  finish: 2026-03-31   # T003: baseline finish 2026-03-31 is before baseline start 2026-06-01
```
"#,
};

/// A document's own dates.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let today = ctx.today;
    for (doc, project) in ctx.projects() {
        if let Some(start) = project.baseline.start {
            let finishes = [
                ("baseline", project.baseline.finish),
                ("forecast", project.forecast.finish),
            ];
            for (section, finish) in finishes {
                if let Some(finish) = finish.filter(|f| *f < start) {
                    let message =
                        format!("{section} finish {finish} is before baseline start {start}");
                    let span = doc.span([Seg::Key(section), Seg::Key("finish")]);
                    out.push(ctx.diagnostic(&RULE, doc, span, message));
                }
            }
        }
        for (i, m) in project.milestones.iter().enumerate() {
            if let Some(actual) = m.actual.filter(|a| *a > today) {
                let message = format!(
                    "milestone `{}` has `actual` {actual}, after today ({today})",
                    m.name
                );
                let span = doc.span([Seg::Key("milestones"), Seg::Index(i), Seg::Key("actual")]);
                out.push(
                    ctx.diagnostic(&RULE, doc, span, message)
                        .help("an actual date is when it happened; a date to come is a `forecast`"),
                );
            }
        }
    }
    for (doc, risk) in ctx.risks() {
        if let (Some(raised), Some(closed)) = (risk.raised, risk.closed_on)
            && closed < raised
        {
            let message = format!("risk closed on {closed}, before it was raised on {raised}");
            out.push(ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("closed_on")]), message));
        }
    }
    for (doc, status) in ctx.statuses() {
        if status.date > today {
            let message = format!("status update dated {}, after today ({today})", status.date);
            out.push(
                ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("date")]), message)
                    .help("date the update on the day it reports; pass `--today` to check as of another day"),
            );
        }
    }
}
