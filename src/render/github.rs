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

#[cfg(test)]
mod tests {
    use crate::check::Report;
    use crate::code::Code;
    use crate::diagnostic::{Diagnostic, Span};

    #[test]
    fn one_line_per_finding_whatever_the_text() {
        let d = Diagnostic::new(
            crate::rules::get(Code::S001).unwrap(),
            "a,b:c\n.yaml",
            Span::at(2, 3),
            "50% `x\n::error::y`",
        )
        .help("fix\r\nit");
        let report = Report {
            files: 1,
            documents: 1,
            diagnostics: vec![d],
            waived: Vec::new(),
            baseline: None,
        };
        assert_eq!(
            super::github(&report),
            "::error file=a%2Cb%3Ac\\n.yaml,line=2,col=3,endLine=2,endColumn=4,title=S001::50%25 `x\\n::error::y`%0Ahelp: fix\\r\\nit\n"
        );
    }
}
