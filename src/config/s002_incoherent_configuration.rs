use crate::code::Code;
use crate::config::FILE;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::Kind;
use crate::suggest::{did_you_mean, list};

pub static RULE: Rule = Rule {
    code: Code::S002,
    name: "incoherent-configuration",
    severity: Severity::Error,
    summary: "pmo.yaml or a schema overlay names something that does not exist or contradicts itself",
    doc: r#"
The configuration is checked before anything else: a `default_methodology` that is not
configured, a gate for a phase the methodology does not have, a phase listed twice, a gate
that requires a field projects do not have, a change-control role missing from `roles`,
levels whose `max_cost` does not ascend, an unknown rule code under `rules:`, an amber
threshold above red, or a schema overlay that is not valid JSON Schema. Any of these stops
the command with exit code 2: a check under a broken configuration cannot be trusted.

```yaml
methodologies:
  waterfall:
    phases: [initiation, planning, execution, closure]
    gates:
      exection: {require: [baseline.budget]}   # not a phase: did you mean `execution`?
```
"#,
};

// The findings, made where pmo.yaml and the schema overlays are read.

/// A problem of pmo.yaml or an overlay that `message` says in full.
pub fn finding(file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&RULE, file, span, message)
}

/// A key of `rules:` that names no rule, at the key.
pub fn unknown_rule(span: Span, written: &str) -> Diagnostic {
    let help = did_you_mean(written, Code::ALL.iter().map(|c| c.as_str()))
        .unwrap_or_else(|| "`pmo rules` lists the rule codes".into());
    finding(FILE, span, format!("`{written}` is not a rule code")).help(help)
}

/// `schema/<name>`, an overlay whose name is no kind's.
pub fn overlay_of_no_kind(path: &str, stem: &str) -> Diagnostic {
    let kinds = Kind::ALL.map(Kind::as_str);
    let help = did_you_mean(stem, kinds.iter().copied())
        .map(|h| format!("{h} (`schema/<kind>.schema.json`)"))
        .unwrap_or_else(|| format!("the kinds are {}", list(&kinds)));
    let message = format!("schema overlay `{path}` names no kind, so it would apply to nothing");
    finding(path, Span::at(1, 1), message).help(help)
}

/// An overlay that is not JSON; `error` says where.
pub fn overlay_not_json(path: &str, error: &serde_json::Error) -> Diagnostic {
    let span = Span::at(error.line().max(1) as u32, error.column().max(1) as u32);
    finding(
        path,
        span,
        format!("schema overlay is not valid JSON: {error}"),
    )
}

/// An overlay that does not compile; `message` starts with its path and a colon.
pub fn overlay_unusable(message: &str) -> Diagnostic {
    let file = message.split(':').next().unwrap_or("schema");
    let message = format!("schema overlay cannot be used: {message}");
    finding(file, Span::at(1, 1), message)
}
