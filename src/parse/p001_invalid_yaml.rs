use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};

pub static RULE: Rule = Rule {
    code: Code::P001,
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
};

// The findings, made by the YAML reader where it stops.

fn finding(file: &str, span: Span, message: impl Into<String>, help: &str) -> Diagnostic {
    Diagnostic::new(&RULE, file, span, message).help(help)
}

/// The scanner's own error, `info` in its words, with a hint for the ones people meet most.
pub fn syntax(file: &str, span: Span, info: &str) -> Diagnostic {
    Diagnostic::new(&RULE, file, span, format!("invalid YAML: {info}"))
        .maybe_help(syntax_help(info).map(str::to_owned))
}

fn syntax_help(info: &str) -> Option<&'static str> {
    Some(if info.contains("mapping values are not allowed") {
        "a `:` followed by a space starts a mapping here; quote the text if it contains `: `, or fix the indentation"
    } else if info.contains("did not find expected key") || info.contains("block mapping") {
        "check that the fields of this mapping are indented alike"
    } else if info.contains("tab") {
        "YAML indentation uses spaces, not tabs"
    } else if info.contains("quoted scalar") {
        "a quoted value is missing its closing quote"
    } else if info.contains("flow") {
        "a `[` or `{` is missing its closing bracket"
    } else {
        return None;
    })
}

pub fn merge_key(file: &str, span: Span) -> Diagnostic {
    finding(
        file,
        span,
        "`<<` merge keys are not supported: they are YAML 1.1, not YAML 1.2",
        "write the merged fields out in this mapping (`field: *name` still copies a whole value)",
    )
}

pub fn alias_key(file: &str, span: Span) -> Diagnostic {
    finding(
        file,
        span,
        "aliases as mapping keys are not supported: a key is written out",
        "write the key out in full",
    )
}

pub fn collection_key(file: &str, span: Span) -> Diagnostic {
    finding(
        file,
        span,
        "collections as mapping keys are not supported: a key is a single value",
        "write the key as plain text such as `owner`",
    )
}

pub fn undefined_alias(file: &str, span: Span) -> Diagnostic {
    finding(
        file,
        span,
        "alias to an anchor that is not defined before it",
        "define the anchor (`&name`) before using `*name`",
    )
}

/// A core tag on a node it cannot describe: `!!seq` on a single value, `!!int` on a
/// mapping. `what` is `single value`, `sequence` or `mapping`.
pub fn tag_misfit(file: &str, span: Span, tag: &str, what: &str) -> Diagnostic {
    let message = format!("the tag `!!{tag}` does not fit a {what}");
    finding(file, span, message, "remove the tag")
}

/// A single value that its core tag does not allow (`!!int abc`).
pub fn not_of_tag(file: &str, span: Span, text: &str, tag: &str) -> Diagnostic {
    // A value of many lines is shown by its start.
    let first = text.lines().next().unwrap_or_default();
    let mut shown: String = first.chars().take(40).collect();
    if shown.len() < text.trim_end().len() {
        shown.push('…');
    }
    let message = format!("`{shown}` is not a value of the tag `!!{tag}`");
    let lower = text.to_ascii_lowercase();
    let help = if tag == "float" && (lower.ends_with(".inf") || lower == ".nan") {
        "JSON, which pmo checks, has no infinity or NaN: write a number, or remove the tag to keep the text"
    } else {
        "remove the tag, or write a value of its type"
    };
    finding(file, span, message, help)
}

/// `shown` is the tag as written.
pub fn unsupported_tag(file: &str, span: Span, shown: &str) -> Diagnostic {
    finding(
        file,
        span,
        format!("tags outside the YAML 1.2 core schema are not supported: `{shown}`"),
        "remove the tag; pmo reads `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!seq`, `!!map` and `!`",
    )
}
