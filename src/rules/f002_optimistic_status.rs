use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::rag::computed;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::F002,
    name: "optimistic-status",
    severity: Severity::Error,
    summary: "the latest status reports a better RAG than the figures give, with no reason",
    doc: r#"
pmo computes each project's RAG from its figures: cost from `forecast.cost` against
`baseline.budget`, schedule from `forecast.finish` against `baseline.finish`, with the
thresholds of pmo.yaml `rag`, and overall as the worst of the two. When pmo.yaml sets
`rag.cpi` or `rag.spi`, cost is also graded on the cost performance index and schedule
on the schedule performance index (earned value), each the worse of its two grades. In
a project's latest status update, `overall`, `cost` or `schedule` may not be better than
the computed value unless `override_reason` says why. Applies to projects that are
active or on hold.

```yaml
kind: status
project: apollo
overall: green   # F002: reported `overall: green` but the computed overall RAG is red
```

Report the computed colour, or explain in `override_reason` why the figures mislead.
"#,
};

/// A project's latest status update.
pub(super) const READS: Reads = Reads::Project;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, project) in ctx.running_projects() {
        let Some((doc, status)) = ctx.latest_status(project.id) else {
            continue;
        };
        if status.override_reason.is_some_and(|r| !r.trim().is_empty()) {
            continue;
        }
        let rag = computed(project, &ctx.config.rag, ctx.today);
        // The figures each dimension was graded on; CPI and SPI only when configured.
        let why = |parts: [Option<String>; 2]| {
            let parts: Vec<String> = parts.into_iter().flatten().collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        };
        let cost_why = why([
            rag.cost_overrun_pct
                .map(|p| format!("forecast cost {p:+.1}% against the baseline budget")),
            rag.cpi.map(|cpi| format!("CPI {cpi:.2}")),
        ]);
        let schedule_why = why([
            rag.days_late
                .map(|d| format!("forecast finish {d:+} days against the baseline finish")),
            rag.spi.map(|spi| format!("SPI {spi:.2}")),
        ]);
        let dimensions = [
            ("overall", Some(status.overall), rag.overall, None),
            ("cost", status.cost, rag.cost, cost_why),
            ("schedule", status.schedule, rag.schedule, schedule_why),
        ];
        for (field, reported, actual, why) in dimensions {
            let (Some(reported), Some(actual)) = (reported, actual) else {
                continue;
            };
            if reported >= actual {
                continue;
            }
            let mut message = format!(
                "reported `{field}: {reported}` but the computed {field} RAG of {} is {actual}",
                project.id
            );
            if let Some(why) = why {
                message += &format!(" ({why})");
            }
            out.push(
                ctx.diagnostic(&RULE, doc, doc.span([Seg::Key(field)]), message)
                    .help(format!(
                        "report `{field}: {actual}`, or say why in `override_reason`"
                    )),
            );
        }
    }
}
