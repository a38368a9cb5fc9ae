use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::model::Kind;
use crate::parse::Seg;
use crate::suggest::{did_you_mean, list};
use serde_json::Value;

pub static RULE: Rule = Rule {
    code: Code::R005,
    name: "unknown-configured-name",
    severity: Severity::Error,
    summary: "a methodology, role or scoring criterion that pmo.yaml does not define",
    doc: r#"
Some values in documents name things that pmo.yaml defines: a project's `methodology`
(a key of `methodologies`), a person's `roles` (listed in `roles`), and the criteria of a
project's `scores` (keys of `scoring.criteria`). A name that is not configured would be
ignored by gates, change control and ranking.

```yaml
kind: person
id: dave
name: Dave Ng
roles: [ccb, sponser]   # R005: role `sponser` is not in pmo.yaml `roles` (did you mean `sponsor`?)
```
"#,
};

/// A document's own names for pmo.yaml's entries.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let config = ctx.config;
    let methodologies: Vec<&str> = config
        .methodologies
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let roles: Vec<&str> = config.roles.iter().map(String::as_str).collect();
    let criteria: Vec<&str> = config
        .scoring
        .criteria
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let unknown = |what: &str, name: &str, known: &[&str], section: &str| {
        let help =
            did_you_mean(name, known.iter().copied()).unwrap_or_else(|| match known.is_empty() {
                true => format!("pmo.yaml has no `{section}`: add `{name}` there"),
                false => format!(
                    "pmo.yaml `{section}` has {}; add `{name}` there if it is new",
                    list(known)
                ),
            });
        (
            format!("{what} `{name}` is not in pmo.yaml `{section}`"),
            help,
        )
    };
    for &doc in ctx.documents() {
        match doc.kind {
            Kind::Project => {
                if let Some(m) = doc.str("methodology")
                    && !methodologies.contains(&m)
                {
                    let (message, help) =
                        unknown("methodology", m, &methodologies, "methodologies");
                    out.push(
                        ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("methodology")]), message)
                            .help(help),
                    );
                }
                if let Some(Value::Object(scores)) = doc.value.get("scores") {
                    for name in scores.keys() {
                        if !criteria.contains(&name.as_str()) {
                            let (message, help) =
                                unknown("scoring criterion", name, &criteria, "scoring.criteria");
                            let span = doc.key_span([Seg::Key("scores"), Seg::Key(name)]);
                            out.push(ctx.diagnostic(&RULE, doc, span, message).help(help));
                        }
                    }
                }
            }
            Kind::Person => {
                if let Some(Value::Array(items)) = doc.value.get("roles") {
                    for (i, role) in items.iter().enumerate() {
                        if let Some(role) = role.as_str()
                            && !roles.contains(&role)
                        {
                            let (message, help) = unknown("role", role, &roles, "roles");
                            let span = doc.span([Seg::Key("roles"), Seg::Index(i)]);
                            out.push(ctx.diagnostic(&RULE, doc, span, message).help(help));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}
