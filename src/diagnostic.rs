//! Findings are values: every problem `pmo check` reports is a [`Diagnostic`].
//! `Err` is reserved for "the command could not run".

use crate::code::Code;
use serde::Serialize;

/// A 1-based position: line, and column counted in Unicode characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash, Serialize)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    /// Just after `text`, read from the start of a file.
    pub fn after(text: &str) -> Pos {
        let line = text.matches('\n').count() as u32 + 1;
        let last = text.rsplit('\n').next().unwrap_or("");
        Pos {
            line,
            column: last.chars().count() as u32 + 1,
        }
    }
}

/// A range in a file, start inclusive, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn at(line: u32, column: u32) -> Span {
        let p = Pos { line, column };
        Span {
            start: p,
            end: Pos {
                line,
                column: column + 1,
            },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A second place a finding involves (the first occurrence of a duplicate id, the
/// config line that sets a limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: String,
    pub span: Span,
    pub message: String,
}

/// A rule of the catalogue (SPEC section 5): its code, default severity and
/// documentation, which `pmo explain` prints and `docs/rules.md` is generated from. Each
/// rule's file owns its `static RULE` and the constructors of its findings; the stage
/// that detects the problem calls them. The catalogue in code order is
/// `crate::rules::ALL`. An organisation's rule (`policies:` in pmo.yaml) is a `Rule`
/// that borrows its words from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Rule<'a> {
    pub code: Code,
    /// Kebab-case name, e.g. `dangling-reference`.
    pub name: &'a str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'a str,
    /// Markdown: why it matters, an example, how to fix it.
    pub doc: &'a str,
}

impl Rule<'_> {
    /// The part of the catalogue a rule belongs to, named by its code's letter.
    pub fn category(&self) -> &'static str {
        match self.code.as_str().as_bytes().first() {
            Some(b'P' | b'S') => "parse-and-schema",
            Some(b'R') => "references",
            Some(b'G') => "gates",
            Some(b'K') => "risk",
            Some(b'C') => "change-control",
            Some(b'F') => "finance",
            Some(b'T') => "schedule",
            Some(b'A') => "capacity",
            Some(b'W') => "waivers",
            _ if self.code.is_org() => "organisation",
            _ => "other",
        }
    }
}

/// What a finding's fix does (applied by [`crate::fix`]): a title for a menu, and its edits (in one file, the
/// finding's, never overlapping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

/// Replace the text at `span`, which must still read `old` (a scalar, its quotes aside),
/// with `new`, in the same quotes. An empty span inserts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub old: String,
    pub new: String,
}

impl Fix {
    /// `old` at `span` becomes `new`.
    pub fn replace(span: Span, old: &str, new: &str) -> Fix {
        Fix {
            title: format!("replace `{old}` with `{new}`"),
            edits: vec![Edit {
                span,
                old: old.to_owned(),
                new: new.to_owned(),
            }],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Relative to the repository root, with `/` separators.
    pub file: String,
    pub span: Span,
    /// The id of the document concerned, when there is one (waivers match on it).
    pub id: Option<String>,
    pub help: Option<String>,
    pub related: Vec<Related>,
    /// The ids of the other documents the finding is about (the target of a reference,
    /// an approver): a change to one of them brings the finding into that change's
    /// scope (`check --changed-since`), which reads this, never the message's wording.
    pub concerns: Vec<String>,
    /// Stable across commits: see [`crate::fingerprint`]. Empty until the report is made.
    pub fingerprint: String,
    /// The edit that certainly fixes it, when its rule knows one.
    pub fix: Option<Box<Fix>>,
}

impl Diagnostic {
    /// A finding of `rule`, with its default severity; `check` applies overrides later.
    pub fn new(rule: &Rule<'_>, file: &str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: rule.code,
            severity: rule.severity,
            message: message.into(),
            file: file.to_owned(),
            span,
            id: None,
            help: None,
            related: Vec::new(),
            concerns: Vec::new(),
            fingerprint: String::new(),
            fix: None,
        }
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix.map(Box::new);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn maybe_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    pub fn id(mut self, id: Option<&str>) -> Self {
        self.id = id.map(str::to_owned);
        self
    }

    /// Records that the finding is about document `id` too.
    pub fn concerning(mut self, id: &str) -> Self {
        self.concerns.push(id.to_owned());
        self
    }

    pub fn related(mut self, file: &str, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file: file.to_owned(),
            span,
            message: message.into(),
        });
        self
    }

    /// `file:line:col: severity[CODE]: message`, the compact form of `-q` and JUnit.
    pub fn one_line(&self) -> String {
        let Pos { line, column } = self.span.start;
        format!(
            "{}:{line}:{column}: {}[{}]: {}",
            self.file,
            self.severity.as_str(),
            self.code,
            self.message
        )
    }

    /// Report order: by file (byte order of the path), then position, then code.
    pub fn sort_key(&self) -> (&str, Span, Code) {
        (&self.file, self.span, self.code)
    }
}
