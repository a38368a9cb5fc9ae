use super::Rule;
use crate::check::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: "R003",
    name: "wrong-kind-reference",
    severity: Severity::Error,
    summary: "a reference to a document of the wrong kind",
    doc: r#"
The id exists, but it belongs to a document of another kind than the field expects: a
risk owned by a project, a status update for a program.

```yaml
kind: risk
project: apollo
owner: apollo   # R003: owner `apollo` is a project, not a person
```
"#,
    check: Some(check),
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (doc, refs) in ctx.references() {
        for r in refs {
            let Some(target) = ctx.get(&r.id) else {
                continue;
            };
            if target.kind == r.target {
                continue;
            }
            let message = format!(
                "{} `{}` is {} {}, not {} {}",
                r.field(),
                r.id,
                target.kind.article(),
                target.kind,
                r.target.article(),
                r.target
            );
            let help = did_you_mean(&r.id, ctx.ids_of(r.target))
                .unwrap_or_else(|| format!("use the id of {} {}", r.target.article(), r.target));
            out.push(
                ctx.diagnostic(RULE.code, doc, doc.span(r.path()), message)
                    .help(help),
            );
        }
    }
}
