use crate::code::Code;
use crate::diagnostic::{Diagnostic, Pos, Rule, Severity, Span};

pub static RULE: Rule = Rule {
    code: Code::P005,
    name: "rejected-file",
    severity: Severity::Error,
    summary: "a file rejected by a limit, not UTF-8, or unreadable",
    doc: r#"
Limits protect every check from hostile or broken input: a file over 8 MiB, nesting deeper
than 128 levels, or aliases that expand to more than 10 times the file's own nodes (an
"alias bomb") is not read. Files must be UTF-8 (a byte-order mark is accepted). A file
that cannot be read (permissions) or is not a regular file is reported the same way. The
size is checked before a file is read, and no more than the limit is ever read. The other
files are still checked.

```yaml
a: &a [x, x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]   # grows tenfold per line: rejected
```
"#,
};

// The findings, made where a file is read (the source, the YAML reader).

const SPLIT_LARGE_FILE: &str =
    "split it into smaller files (one document per file is the convention)";

/// A file over the size limit; `reason` follows its name (`is 9000000 bytes, over ...`).
pub fn too_large(file: &str, reason: &str) -> Diagnostic {
    unread(file, reason).help(SPLIT_LARGE_FILE)
}

/// A file that could not be read; `reason` follows its name (`cannot be read: ...`).
pub fn unread(file: &str, reason: &str) -> Diagnostic {
    Diagnostic::new(&RULE, file, Span::at(1, 1), format!("file {reason}"))
}

/// `byte` is the first byte that is not UTF-8, at `at`.
pub fn not_utf8(file: &str, at: Pos, byte: u8) -> Diagnostic {
    let message = format!("file is not valid UTF-8 (byte 0x{byte:02x})");
    Diagnostic::new(&RULE, file, Span::at(at.line, at.column), message)
        .help("save the file as UTF-8")
}

/// Nesting deeper than `max_depth`, at the collection that passes it.
pub fn too_deep(file: &str, span: Span, max_depth: usize) -> Diagnostic {
    let message = format!("nesting is deeper than {max_depth} levels; the file was not read");
    Diagnostic::new(&RULE, file, span, message).help("flatten the structure")
}

/// Aliases that expand to `expanded` nodes, over `factor` times the file's `own` nodes.
pub fn alias_bomb(file: &str, expanded: usize, factor: usize, own: usize) -> Diagnostic {
    let message = format!(
        "aliases expand to {expanded} nodes, more than {factor} times the file's own {own} nodes; the file was not read"
    );
    Diagnostic::new(&RULE, file, Span::at(1, 1), message)
        .help("this looks like an alias bomb; write the values out or use fewer nested aliases")
}
