use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::G001,
    name: "gate-not-passed",
    severity: Severity::Error,
    summary: "a project is in a phase whose gate it has not passed",
    doc: r#"
A project enters a phase through a gate: the latest decision recorded in `gates` for its
current phase (by `date`; on a tie, the later entry) must be `go` or `go_with_conditions`.
The methodology's first phase has no gate. Applies to projects that are active, on hold
or closed, unless their methodology sets `gate_decisions: false` in pmo.yaml (a register
that records no decisions; the requirements of its `gates` still apply, G002 and G003).

```yaml
kind: project
phase: execution     # G001: no gate decision for entering `execution`
gates:
  - {phase: planning, decision: go, date: 2026-01-10, approvers: [carol]}
```

Record the decision (`- {phase: execution, decision: go, date: ..., approvers: [...]}`),
or set `phase` back to the phase the project is really in.
"#,
};

/// A project's own phase and gate decisions.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, project, position) in ctx.gated_projects() {
        if position.phase == 0 || !position.methodology.gate_decisions {
            continue;
        }
        let phase = project.phase;
        let (message, help) = match project.latest_gate(phase) {
            Some((_, gate)) if gate.decision.lets_through() => continue,
            Some((_, gate)) => (
                format!(
                    "the latest gate decision for entering `{phase}` ({}) is `{}`, not `go` or `go_with_conditions`",
                    gate.date,
                    gate.decision.as_str()
                ),
                format!(
                    "record the decision that let the project into `{phase}`, or set `phase` back"
                ),
            ),
            None => (
                format!(
                    "no gate decision for entering `{phase}`: methodology `{}` needs `go` or `go_with_conditions`",
                    position.name
                ),
                format!(
                    "add `- {{phase: {phase}, decision: go, date: YYYY-MM-DD, approvers: [...]}}` to `gates`"
                ),
            ),
        };
        out.push(
            ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("phase")]), message)
                .help(help),
        );
    }
}
