use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::Kind;
use crate::suggest::list;

pub static RULE: Rule = Rule {
    code: Code::P002,
    name: "not-a-document",
    severity: Severity::Error,
    summary: "a YAML document that is not a mapping or has no `kind`",
    doc: r#"
Every document in a governance repository is a mapping that says what it is with `kind`.
A list, a single value or a mapping without `kind` (or with `kind:` and no value) cannot
be checked. Empty documents (an empty or comment-only file, a trailing `---`) are ignored
rather than reported.

```yaml
- id: apollo-vendor-delay   # a list: not a document
kind: risk                  # fixed: a mapping with a kind
id: apollo-vendor-delay
```
"#,
};

// The findings, made where the repository sorts a file's documents by kind.

/// A document that is not a mapping; `found` says what it is (`a list`).
pub fn not_a_mapping(file: &str, span: Span, found: &str) -> Diagnostic {
    let message = format!("a document must be a mapping with a `kind`, this one is {found}");
    Diagnostic::new(&RULE, file, span, message)
        .help("start the document with `kind: <kind>` and `id: <id>` lines")
}

/// A mapping without `kind`, at its first key; `id` is the document's, if it has one.
pub fn no_kind(file: &str, span: Span, id: Option<&str>) -> Diagnostic {
    let kinds = Kind::ALL.map(Kind::as_str);
    Diagnostic::new(&RULE, file, span, "document has no `kind`")
        .help(format!("add `kind:` with one of {}", list(&kinds)))
        .id(id)
}

/// `kind:` with nothing after it: missing, not an unknown kind named "null".
pub fn kind_without_value(file: &str, span: Span, id: Option<&str>) -> Diagnostic {
    let kinds = Kind::ALL.map(Kind::as_str);
    Diagnostic::new(&RULE, file, span, "`kind` has no value")
        .help(format!("write one of {} after `kind:`", list(&kinds)))
        .id(id)
}
