use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::Kind;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::G003,
    name: "too-few-related",
    severity: Severity::Error,
    summary: "fewer related documents than a passed gate's `min_related`",
    doc: r#"
A gate can require a minimum number of related documents of a kind (`min_related`), for
example at least one risk before execution or one lesson before closure. Documents count
whatever their status. Applies to projects that are active, on hold or closed, for the
gate of their phase and every earlier gate.

```yaml
# pmo.yaml: closure: {min_related: {lesson: 1}}
kind: project
phase: closure   # G003: gate `closure` requires at least 1 lesson for this project, found 0
```

Add the documents (`pmo new lesson --project ID`).
"#,
};

/// The documents of a project are counted.
pub(super) const READS: Reads = Reads::Project;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, project, position) in ctx.gated_projects() {
        for (gate_phase, gate) in position.passed_gates() {
            for (kind_name, min) in &gate.min_related {
                let Some(kind) = Kind::parse(kind_name) else {
                    continue;
                };
                let found = ctx.related(kind, project.id).count();
                if found >= *min as usize {
                    continue;
                }
                let message = format!(
                    "gate `{gate_phase}` of methodology `{}` requires at least {min} {kind} for this project, found {found}",
                    position.name
                );
                let help = format!("add one with `pmo new {kind} --project {}`", project.id);
                out.push(
                    ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("phase")]), message)
                        .help(help),
                );
            }
        }
    }
}
