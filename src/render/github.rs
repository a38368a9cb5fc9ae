use crate::check::Report;
use crate::diagnostic::Severity;
use crate::escape::{github_data, github_property};

/// GitHub Actions workflow commands: one annotation per finding on the pull request.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = github_data(&d.message);
        if let Some(help) = &d.help {
            // pmo's own line break, in the encoding the runner decodes.
            message = format!("{message}%0Ahelp: {}", github_data(help));
        }
        out += &format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{message}\n",
            github_property(&d.file),
            d.span.start.line,
            d.span.start.column,
            d.span.end.line,
            d.span.end.column,
            d.code,
        );
    }
    out
}
