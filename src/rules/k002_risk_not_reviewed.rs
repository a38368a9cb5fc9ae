use super::{Context, Reads};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::days_between;
use crate::model::records::OpenClosed;
use crate::parse::Seg;

pub static RULE: Rule = Rule {
    code: Code::K002,
    name: "risk-not-reviewed",
    severity: Severity::Warning,
    summary: "an open risk has not been reviewed within `risk.review_days`",
    doc: r#"
Open risks are reviewed regularly. A risk whose `last_reviewed` date (else its `raised`
date) is more than pmo.yaml `risk.review_days` days (default 30) before today, or that
has neither date, is due for review.

```yaml
kind: risk
status: open
last_reviewed: 2026-08-01   # K002: last reviewed 111 days ago, more than 30 (risk.review_days)
```

Review the risk and set `last_reviewed` to the review date.
"#,
};

/// A risk's own review date.
pub(super) const READS: Reads = Reads::Document;

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let limit = ctx.config.risk.review_days;
    for (doc, risk) in ctx.risks() {
        if risk.status != OpenClosed::Open {
            continue;
        }
        let (field, date) = match (risk.last_reviewed, risk.raised) {
            (Some(d), _) => ("last_reviewed", d),
            (None, Some(d)) => ("raised", d),
            (None, None) => {
                out.push(
                    ctx.diagnostic(
                        &RULE,
                        doc,
                        doc.mapping_span(),
                        "open risk has neither `last_reviewed` nor `raised`: it cannot be known to be reviewed",
                    )
                    .help("add `last_reviewed: YYYY-MM-DD` with the date of the last review"),
                );
                continue;
            }
        };
        let age = days_between(date, ctx.today);
        if age <= limit {
            continue;
        }
        let message = if field == "raised" {
            format!(
                "open risk raised {age} days ago and never reviewed, more than {limit} (risk.review_days)"
            )
        } else {
            format!("open risk last reviewed {age} days ago, more than {limit} (risk.review_days)")
        };
        out.push(
            ctx.diagnostic(&RULE, doc, doc.span([Seg::Key(field)]), message)
                .help("review the risk and set `last_reviewed` to the review date"),
        );
    }
}
