use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::{money, tolerance};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::F001,
    name: "cost-over-tolerance",
    severity: Severity::Warning,
    summary: "the forecast cost exceeds the baseline budget plus the cost tolerance",
    doc: r#"
A project's `forecast.cost` may exceed its `baseline.budget` by at most its cost tolerance:
the project's `tolerances.cost_pct`, else pmo.yaml `tolerances.cost_pct` (default 10).
Beyond it, the project is out of tolerance and the overrun goes to the sponsor, usually
as a change request. Applies to projects that are active or on hold.

```yaml
kind: project
baseline: {budget: 1200000}
forecast:
  cost: 1350000   # F001: forecast cost 1,350,000 is 12.5% over the baseline budget 1,200,000; tolerance 10%
```
"#,
};

/// A project's own figures.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, project) in ctx.running_projects() {
        let (Some(forecast), Some(budget)) = (project.forecast.cost, project.baseline.budget)
        else {
            continue;
        };
        let t = tolerance::effective(project, &ctx.config.tolerances);
        if forecast <= t.cost_limit(budget) {
            continue;
        }
        let over = if budget > 0.0 {
            format!("{:.1}% over", (forecast - budget) / budget * 100.0)
        } else {
            "over".to_owned()
        };
        let message = format!(
            "forecast cost {} is {over} the baseline budget {}; tolerance {}%",
            money(forecast),
            money(budget),
            t.cost_pct
        );
        let span = doc.span([Seg::Key("forecast"), Seg::Key("cost")]);
        out.push(ctx.diagnostic(&RULE, doc, span, message).help(
            "escalate to the sponsor: raise a change request to re-baseline, or bring the forecast back within tolerance",
        ));
    }
}
