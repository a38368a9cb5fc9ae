use super::Rule;
use crate::diagnostic::Severity;

pub static RULE: Rule = Rule {
    code: "P005",
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
    check: None,
};
