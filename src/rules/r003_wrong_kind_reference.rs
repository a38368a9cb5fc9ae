use super::{Context, Reads};
use crate::code::Code;
use crate::config::FILE;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::Kind;
use crate::suggest::did_you_mean;

pub static RULE: Rule = Rule {
    code: Code::R003,
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

A waiver's `owner` in pmo.yaml must be a person as well.
"#,
};

/// The kind of a reference's target.
pub(super) const READS: Reads = Reads::Ids;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    waiver_owners(ctx, out);
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
                ctx.diagnostic(&RULE, doc, doc.span(r.path()), message)
                    .concerning(&r.id)
                    .help(help),
            );
        }
    }
}

/// A waiver's `owner` that is the id of a document other than a person.
fn waiver_owners(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (i, w) in ctx.config.waivers.iter().enumerate() {
        let Some(target) = ctx.get(&w.owner) else {
            continue;
        };
        if target.kind == Kind::Person {
            continue;
        }
        let span = ctx.config.waiver_span(i, "owner");
        let help = did_you_mean(&w.owner, ctx.ids_of(Kind::Person))
            .unwrap_or_else(|| "use the id of a person".into());
        out.push(
            Diagnostic::new(
                &RULE,
                FILE,
                span,
                format!(
                    "waiver owner `{}` is {} {}, not a person",
                    w.owner,
                    target.kind.article(),
                    target.kind
                ),
            )
            .concerning(&w.owner)
            .help(help),
        );
    }
}
