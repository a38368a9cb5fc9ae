use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use serde_json::{Map, Value, json};

/// The `pmo check --format json` object of SPEC section 4. Paths are relative to the
/// folder of `pmo.yaml`; `git_folder` is that folder from the root of its git work tree
/// (`governance`, `""` at the root, `null` outside git). `docs`: where the rule catalogue
/// is published, for each finding's `url`. `revision`: the commit read (`--rev`,
/// `--as-of`), none for the working tree.
pub fn json(
    report: &Report,
    git_folder: Option<&str>,
    revision: Option<&crate::git::Revision>,
    docs: &str,
) -> String {
    let mut value = json!({
        "version": 1,
        "git_folder": git_folder.map(|f| f.trim_end_matches('/')),
    });
    if let Some(revision) = revision {
        value["revision"] = revision.json();
    }
    value["summary"] = json!({
            "files": report.files,
            "documents": report.documents,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "waived": report.waived.len(),
    });
    value["diagnostics"] = report
        .diagnostics
        .iter()
        .map(|d| diagnostic(d, docs))
        .collect();
    if let Some(b) = &report.baseline {
        value["baseline"] = json!({"known": b.known, "stale": b.stale});
    }
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn diagnostic(d: &Diagnostic, docs: &str) -> Value {
    let mut m = Map::new();
    m.insert("code".into(), json!(d.code));
    m.insert("severity".into(), json!(d.severity.as_str()));
    m.insert("message".into(), json!(d.message));
    m.insert("file".into(), json!(d.file));
    m.insert("line".into(), json!(d.span.start.line));
    m.insert("column".into(), json!(d.span.start.column));
    m.insert("end_line".into(), json!(d.span.end.line));
    m.insert("end_column".into(), json!(d.span.end.column));
    if let Some(id) = &d.id {
        m.insert("id".into(), json!(id));
    }
    if let Some(help) = &d.help {
        m.insert("help".into(), json!(help));
    }
    m.insert("fingerprint".into(), json!(d.fingerprint));
    if let Some(url) = super::rule_url(docs, d.code) {
        m.insert("url".into(), json!(url));
    }
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .map(|r| json!({"file": r.file, "line": r.span.start.line, "column": r.span.start.column, "message": r.message}))
            .collect();
        m.insert("related".into(), Value::Array(related));
    }
    if let Some(fix) = &d.fix {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| json!({"line": e.span.start.line, "column": e.span.start.column, "end_line": e.span.end.line, "end_column": e.span.end.column, "old": e.old, "new": e.new}))
            .collect();
        m.insert("fix".into(), json!({"title": fix.title, "edits": edits}));
    }
    Value::Object(m)
}
