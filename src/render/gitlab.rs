use crate::check::Report;
use crate::diagnostic::Severity;
use serde_json::{Value, json};

/// The GitLab Code Quality report (the subset of CodeClimate's format GitLab reads):
/// merge requests show each finding on its line. Paths are from the git root.
pub fn gitlab(report: &Report) -> String {
    let issues: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "description": format!("{}: {}", d.code, crate::escape::terminal(&d.message)),
                "check_name": d.code,
                "fingerprint": d.fingerprint,
                "severity": match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                "location": {"path": d.file, "lines": {"begin": d.span.start.line.max(1)}},
            })
        })
        .collect();
    serde_json::to_string_pretty(&issues).unwrap_or_default() + "\n"
}
