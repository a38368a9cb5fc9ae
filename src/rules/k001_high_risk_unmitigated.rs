use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::risk::{is_high, score};
use crate::model::records::Nature;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::K001,
    name: "high-risk-unmitigated",
    severity: Severity::Error,
    summary: "an open high threat has no mitigation, or is accepted without a decision",
    doc: r#"
An open threat whose score (probability x impact) reaches pmo.yaml `risk.high_score`
(default 15) needs a plan: a `mitigation` when its response is anything but `accept`
(or when it has no response), or, when it is accepted, the `decision` that accepted it.

```yaml
kind: risk
probability: 4   # K001: open threat with score 20 (>= 15) has response `reduce` but no `mitigation`
impact: 5
response: reduce
```
"#,
};

/// A risk's own score and plan.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let high = ctx.config.risk.high_score;
    for (doc, risk) in ctx.risks() {
        if risk.nature != Nature::Threat || !is_high(risk, high) {
            continue;
        }
        let score = score(risk);
        let filled = |s: Option<&str>| s.is_some_and(|s| !s.trim().is_empty());
        let (message, help) = match risk.response {
            Some("accept") if !filled(risk.decision) => (
                format!(
                    "open threat with score {score} (>= {high}) is accepted without a `decision`"
                ),
                "link the decision that accepted it with `decision: <id>`",
            ),
            Some("accept") => continue,
            _ if filled(risk.mitigation) => continue,
            response => (
                format!(
                    "open threat with score {score} (>= {high}) has {} but no `mitigation`",
                    response.map_or("no response".to_owned(), |r| format!("response `{r}`"))
                ),
                "describe the mitigation, or accept the risk with `response: accept` and a `decision`",
            ),
        };
        out.push(
            ctx.diagnostic(&RULE, doc, doc.span([Seg::Key("probability")]), message)
                .help(help),
        );
    }
}
