use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "S002",
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
    check: None,
};
