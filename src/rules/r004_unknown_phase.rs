use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::Kind;
use crate::parse::Seg;
use crate::suggest::{did_you_mean, list};

pub static RULE: Rule = Rule {
    code: Code::R004,
    name: "unknown-phase",
    severity: Severity::Error,
    summary: "a project's phase is not a phase of its methodology",
    doc: r#"
A project's `phase` must be one of the phases of its methodology (its `methodology`, else
pmo.yaml `default_methodology`), because stage-gate rules follow the methodology's order.

```yaml
kind: project
methodology: agile   # phases: discovery, delivery, closure
phase: execution     # R004: `execution` is not a phase of methodology `agile`
```
"#,
};

/// A project's own phase.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for doc in ctx.of_kind(Kind::Project) {
        let Some(phase) = doc.str("phase") else {
            continue;
        };
        let Some(name) = doc
            .str("methodology")
            .or_else(|| ctx.config.default_methodology())
        else {
            continue;
        };
        // An unknown methodology is R005's finding.
        let Some(methodology) = ctx.config.methodology(name) else {
            continue;
        };
        if methodology.phases.iter().any(|p| p == phase) {
            continue;
        }
        let phases: Vec<&str> = methodology.phases.iter().map(String::as_str).collect();
        let help = did_you_mean(phase, phases.iter().copied())
            .unwrap_or_else(|| format!("the phases of `{name}` are {}", list(&phases)));
        let message = format!("phase `{phase}` is not a phase of methodology `{name}`");
        out.push(
            ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("phase")]), message)
                .help(help),
        );
    }
}
