use super::{Context, Reads};
use crate::code::Code;
use crate::config::FILE;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::fix::{self, Fix};
use crate::model::Kind;
use crate::suggest::{did_you_mean, near};

pub static RULE: Rule = Rule {
    code: Code::R002,
    name: "dangling-reference",
    severity: Severity::Error,
    summary: "a reference to an id that no document has",
    doc: r#"
References between documents are by id: a risk's `owner` is the id of a person, a status
update's `project` the id of a project. A reference that resolves to nothing breaks
roll-ups and reports, and usually means a typo or a document that was renamed or removed.

```yaml
kind: risk
owner: bbo   # R002: owner `bbo` is not a person: no document has that id (did you mean `bob`?)
```

The `owner` of a waiver in pmo.yaml is a reference to a person too: someone answers for
the silenced finding until the waiver expires.

```yaml
waivers:
  - {rule: K002, id: apollo-vendor-delay, reason: "audit pending", owner: alcie, expires: 2026-12-31}   # R002
```
"#,
};

/// Whether a reference's target exists.
pub(super) const READS: Reads = Reads::Ids;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    waiver_owners(ctx, out);
    for (doc, refs) in ctx.references() {
        for r in refs {
            if ctx.get(&r.id).is_some() {
                continue;
            }
            let field = r.field();
            let near = near(&r.id, ctx.ids_of(r.target));
            let span = doc.span(r.path());
            let fix = near
                .only()
                .filter(|id| fix::plain(id))
                .map(|id| Fix::replace(span, &r.id, id));
            let help = near.did_you_mean().unwrap_or_else(|| {
                format!(
                    "create the {} with `pmo new {}` or correct the id",
                    r.target, r.target
                )
            });
            let message = format!(
                "{field} `{}` is not {} {}: no document has that id",
                r.id,
                r.target.article(),
                r.target
            );
            out.push(
                ctx.diagnostic(&RULE, doc, span, message)
                    .concerning(&r.id)
                    .help(help)
                    .fix(fix),
            );
        }
    }
}

/// A waiver's `owner` that no document has, located on it in pmo.yaml.
fn waiver_owners(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (i, w) in ctx.config.waivers.iter().enumerate() {
        if ctx.get(&w.owner).is_some() {
            continue;
        }
        let span = ctx.config.waiver_span(i, "owner");
        let help = did_you_mean(&w.owner, ctx.ids_of(Kind::Person)).unwrap_or_else(|| {
            "name the person who answers for the waiver, or create them with `pmo new person`"
                .into()
        });
        out.push(
            Diagnostic::new(
                &RULE,
                FILE,
                span,
                format!(
                    "waiver owner `{}` is not a person: no document has that id",
                    w.owner
                ),
            )
            .concerning(&w.owner)
            .help(help),
        );
    }
}
