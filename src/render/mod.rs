//! Render: a check report as text for people (rustc-style snippets) or machines (JSON,
//! GitHub annotations, SARIF, JUnit, GitLab Code Quality). Renderers return strings; the
//! CLI prints them.

mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod sarif;
pub mod table;

pub use github::github;
pub use gitlab::gitlab;
pub use human::{Style, human};
pub use json::json;
pub use junit::junit;
pub use sarif::{DOCS_URL, rule_url, sarif};

/// `file:line:col: severity[CODE]: message`, the compact form of `-q` and JUnit, with the
/// file and the message escaped for the output.
fn one_line(
    d: &crate::diagnostic::Diagnostic,
    escape: fn(&str) -> std::borrow::Cow<'_, str>,
) -> String {
    let crate::diagnostic::Pos { line, column } = d.span.start;
    format!(
        "{}:{line}:{column}: {}[{}]: {}",
        escape(&d.file),
        d.severity.as_str(),
        d.code,
        escape(&d.message)
    )
}
