use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::gate::missing;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::G002,
    name: "gate-requirement-missing",
    severity: Severity::Error,
    summary: "a field that a passed gate requires is missing or empty",
    doc: r#"
Each gate of a methodology can `require` project fields (dotted paths such as
`baseline.approved_by`). Once a project is in a phase, the requirements of that phase's
gate and of every earlier gate must hold. A field is missing when it is absent, null,
`""` or `[]`; `0` is present. Applies to projects that are active, on hold or closed.

```yaml
# pmo.yaml
methodologies:
  waterfall:
    phases: [initiation, planning, execution, closure]
    gates:
      execution: {require: [baseline.budget, baseline.finish, baseline.approved_by]}
---
kind: project
phase: execution   # G002: gate `execution` requires `baseline.approved_by`, which is missing
baseline: {start: 2026-01-05, finish: 2026-12-18, budget: 1200000}
```
"#,
};

/// A project's own fields.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, _, position) in ctx.gated_projects() {
        for (gate_phase, gate) in position.passed_gates() {
            for field in &gate.require {
                let Some(how) = missing(&doc.value, field) else {
                    continue;
                };
                let message = format!(
                    "gate `{gate_phase}` of methodology `{}` requires `{field}`, which is {how}",
                    position.name
                );
                let help = format!(
                    "set `{field}`, or set `phase` back to before `{gate_phase}` if the gate is not passed"
                );
                out.push(
                    ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("phase")]), message)
                        .help(help),
                );
            }
        }
    }
}
