use crate::check::Report;
use crate::diagnostic::Severity;

/// GitHub Actions workflow commands: one annotation per finding on the pull request.
pub fn github(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message = format!("{message}\nhelp: {help}");
        }
        out += &format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            property(&d.file),
            d.span.start.line,
            d.span.start.column,
            d.span.end.line,
            d.span.end.column,
            d.code,
            data(&message)
        );
    }
    out
}

/// Escaping of the GitHub toolkit (`@actions/core` command.ts).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_like_the_toolkit() {
        assert_eq!(super::data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
