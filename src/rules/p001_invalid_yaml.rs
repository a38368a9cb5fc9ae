use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "P001",
    name: "invalid-yaml",
    severity: Severity::Error,
    summary: "the file is not valid YAML",
    doc: r#"
The YAML parser stopped at the position shown. Documents of the file before that point
are still checked; the rest of the file is not.

Common causes: a value containing `: ` that is not quoted, mixed indentation, a tab used
for indentation, an unclosed quote or bracket.

```yaml
title: Phase 2: rollout     # `: ` inside a plain value
title: "Phase 2: rollout"   # fixed
```
"#,
    check: None,
};
