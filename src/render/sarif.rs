use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules;
use serde_json::{Value, json};

/// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
pub fn sarif(report: &Report) -> String {
    let rule_list: Vec<Value> = rules::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.summary},
                "help": {"text": r.doc.trim(), "markdown": r.doc.trim()},
                "defaultConfiguration": {"level": level(r.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = report.diagnostics.iter().map(result).collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pmo",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rule_list,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A place in a file. The file is a URI reference relative to `%SRCROOT%`: percent-encoded,
/// as SARIF requires (a file named `Q3 status.yaml` is `Q3%20status.yaml`).
fn location(file: &str, span: crate::diagnostic::Span) -> Value {
    json!({"physicalLocation": {
        "artifactLocation": {"uri": crate::escape::uri_path(file), "uriBaseId": "%SRCROOT%"},
        "region": {
            "startLine": span.start.line.max(1),
            "startColumn": span.start.column.max(1),
            "endLine": span.end.line.max(span.start.line).max(1),
            "endColumn": span.end.column.max(1),
        }
    }})
}

fn result(d: &Diagnostic) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text = format!("{text}\nhelp: {help}");
    }
    let mut r = json!({
        "ruleId": d.code,
        "ruleIndex": rules::ALL.iter().position(|r| r.code == d.code),
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [location(&d.file, d.span)],
    });
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let mut loc = location(&rel.file, rel.span);
                loc["id"] = json!(i);
                loc["message"] = json!({"text": rel.message});
                loc
            })
            .collect();
        r["relatedLocations"] = Value::Array(related);
    }
    r
}
