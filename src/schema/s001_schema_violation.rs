use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::source::CONFIG_FILE as FILE;

pub static RULE: Rule = Rule {
    code: Code::S001,
    name: "schema-violation",
    severity: Severity::Error,
    summary: "a document (or pmo.yaml) breaks its JSON Schema, built-in or overlay",
    doc: r#"
Each document is validated against the built-in schema of its kind (`pmo schema KIND`
prints it) and, when the repository has one, its overlay `schema/<kind>.schema.json`.
pmo.yaml `project.optional` (`[sponsor, manager]`) takes fields out of what a project
must hold; `pmo schema` prints the schema as the repository's pmo.yaml shapes it.
Every violation is reported on its own: a missing field points at the mapping, an unknown
field at its key, a wrong value at the value. Unknown fields are errors so that typos do
not pass silently; an organisation declares its own fields in an overlay. Dates must be
real calendar dates.

A link's `url` is an `http`, `https` or `mailto` address (in any case), or a reference
relative to the report: `docs/plan.md`, `../a`, `/wiki/page`, `#section`. Any other
scheme (`javascript:`, `data:`, `file:`, ...) is refused, and so are the disguises that
browsers and Markdown undo: a leading space, a control character anywhere (a tab or line
break inside a scheme), an `&` before the first `/`, `?` or `#` (`javascript&#58;`
is `javascript:` to Markdown), a backslash (read as `/`). An address starting with `//`
is refused too: it names another host and takes the scheme of the page, `file:` (a
network share) for a report opened from disk; write `https://host/...`.

At most the first 100 violations of a document are listed. Past them, one more finding,
on the document, says how many more there are: a generated document with 100,000 unknown
fields gets 101 findings, not 100,000. Whether a document is valid is always decided on
all of it, but in a document of more than 50,000 values (no real one comes near) the
violations are looked for only in its first 50,000 values and its field names: that
finding then says "at least" so many more, or that there are violations past them.

```yaml
kind: risk
id: apollo-vendor-delay
ownr: bob            # unknown field `ownr`: did you mean `owner`?
probability: 7       # must be at most 5
raised: 2026-06-31   # June 2026 has 30 days
```
"#,
};

// The findings, made where a document, pmo.yaml or an import mapping is validated.

/// A violation that `message` says in full.
pub fn finding(file: &str, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&RULE, file, span, message)
}

/// pmo.yaml without a document.
pub fn config_empty() -> Diagnostic {
    finding(FILE, Span::at(1, 1), "pmo.yaml is empty").help("start it with `version: 1`")
}

/// pmo.yaml with more than one document, at the second.
pub fn config_documents(span: Span) -> Diagnostic {
    finding(FILE, span, "pmo.yaml must hold exactly one document")
        .help("remove the extra `---` document")
}

/// pmo.yaml that its schema accepts and its reader does not; `error` says why.
pub fn config_unread(span: Span, error: &serde_json::Error) -> Diagnostic {
    finding(FILE, span, format!("pmo.yaml: {error}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_documented_caps_are_the_caps() {
        let listed = format!("first {} violations", crate::schema::LISTED);
        assert!(super::RULE.doc.contains(&listed));
        let values = crate::amount::money(crate::schema::VALUES as f64);
        assert!(super::RULE.doc.contains(&format!("first {values} values")));
    }
}
