use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::R001,
    name: "duplicate-id",
    severity: Severity::Error,
    summary: "two documents share an id",
    doc: r#"
Ids are unique across the whole repository, because every reference is by id. The finding
is on the later file in path order (byte order of the relative path), and names the first.
Two documents with one id in the same file: the later one is reported.

```yaml
# projects/apollo/risks/vendor.yaml
id: apollo-vendor-delay
# projects/apollo/risks/vendor-2.yaml
id: apollo-vendor-delay   # R001: first used in projects/apollo/risks/vendor.yaml
```

`pmo new` adds a random suffix to the ids it derives (people and projects keep the plain
slug of their title while it is free), so two branches do not collide; an explicit `--id`
already in use is refused.
"#,
};

/// Whether an earlier document has the id, and where that one is (its line moves when
/// its file is edited): the duplicates are few, so they are gone through every time.
pub(super) const READS: Reads = Reads::Portfolio;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for &(doc, earlier) in ctx.duplicates() {
        let id = doc.id().unwrap_or_default();
        let where_ = ctx.repo.path(earlier);
        let span = doc.span([Seg::Key("id")]);
        out.push(
            ctx.diagnostic(
                &RULE,
                doc,
                span,
                format!(
                    "duplicate id `{id}`: {} `{id}` is already in {where_}",
                    earlier.kind
                ),
            )
            .related(
                where_,
                earlier.span([Seg::Key("id")]),
                format!("`{id}` first defined here"),
            )
            .help("give one of them a new id and update the references to it"),
        );
    }
}
