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

Some valid YAML is refused on purpose, each with a message that says which:

- collections as mapping keys (`[a, b]: c`, `? {a: b}`): a key is a single value;
- aliases as mapping keys (`*name: value`): write the key out;
- `<<` merge keys (YAML 1.1, not YAML 1.2): write the merged fields out; an alias still
  copies a whole value (`risks: *shared`), and a quoted `"<<"` is an ordinary key;
- tags outside the YAML 1.2 core schema (`!local`, `!!set`, `!!omap`, `!!binary`,
  `!!timestamp`): remove the tag.

Tags of the core schema convert the value (`!!str 12` is the text "12", `!!int "12"`
the number 12); a value its tag does not allow is refused:

```yaml
budget: !!int 12k   # P001: `12k` is not a value of the tag `!!int`
budget: 12000       # fixed
```
"#,
    check: None,
};
