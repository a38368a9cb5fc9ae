use crate::check::Report;
use crate::code::Code;
use crate::diagnostic::Rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::sarif_message;
use serde_json::{Value, json};

/// Where the rule catalogue is published when `pmo.yaml` names no `docs_url`:
/// docs/rules.md on the project's repository.
pub const DOCS_URL: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules.md");

/// The address of a built-in rule's section of the catalogue published at `docs`
/// (`docs/rules.md#r002`); none for an organisation's rule (pmo.yaml documents it: `pmo
/// explain`), nor for an address with a character a terminal or a log would act on.
pub fn rule_url(docs: &str, code: Code) -> Option<String> {
    let url = format!("{docs}#{}", code.as_str().to_lowercase());
    (!code.is_org() && !url.chars().any(crate::escape::hidden)).then_some(url)
}

/// The base every artifact URI is relative to: the root of the git work tree (of the
/// governance repository when it is not in git), as GitHub code scanning expects.
const SRCROOT: &str = "%SRCROOT%";

/// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers. `docs` is the rule
/// catalogue each built-in rule's `helpUri` points into; `catalogue` is every rule, the
/// organisation's after the built-in ones ([`crate::rules::catalogue`]).
pub fn sarif(report: &Report, docs: &str, catalogue: &[Rule<'_>]) -> String {
    let rule_list: Vec<Value> = catalogue.iter().map(|r| rule(r, docs)).collect();
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| result(d, catalogue.iter().position(|r| r.code == d.code)))
        .collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "pmo",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rule_list,
            }},
            "originalUriBaseIds": {SRCROOT: {"description": {
                "text": "The root of the git work tree holding the governance repository (the folder of pmo.yaml outside git)."
            }}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn rule(r: &Rule<'_>, docs: &str) -> Value {
    let mut rule = json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": r.summary},
        "help": {"text": r.doc.trim(), "markdown": r.doc.trim()},
        "helpUri": rule_url(docs, r.code),
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {
            "tags": [r.category()],
            // Every rule is a computation on the documents, not a heuristic.
            "precision": "very-high",
            "problem.severity": level(r.severity),
        },
    });
    if rule["helpUri"].is_null()
        && let Some(rule) = rule.as_object_mut()
    {
        rule.remove("helpUri");
    }
    // An organisation's rule is documented in its pmo.yaml (`pmo explain`), not in the
    // catalogue of built-in rules; its words are pmo.yaml's text, escaped as a message.
    if r.code.is_org()
        && let Some(rule) = rule.as_object_mut()
    {
        let summary = sarif_message(r.summary);
        let lines: Vec<_> = r.doc.trim().lines().map(sarif_message).collect();
        let doc = lines.join("\n");
        rule.insert("name".into(), json!(sarif_message(r.name)));
        rule.insert("shortDescription".into(), json!({"text": summary}));
        rule.insert("fullDescription".into(), json!({"text": summary}));
        rule.insert("help".into(), json!({"text": doc, "markdown": doc}));
    }
    rule
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
        "artifactLocation": {"uri": crate::escape::uri_path(file), "uriBaseId": SRCROOT},
        "region": {
            "startLine": span.start.line.max(1),
            "startColumn": span.start.column.max(1),
            "endLine": span.end.line.max(span.start.line).max(1),
            "endColumn": span.end.column.max(1),
        }
    }})
}

fn result(d: &Diagnostic, index: Option<usize>) -> Value {
    let mut text = sarif_message(&d.message).into_owned();
    // Each related place is named in the message as an embedded link to its location.
    for (i, rel) in d.related.iter().enumerate() {
        text += &format!("\n[{}]({i})", sarif_message(&rel.message));
    }
    if let Some(help) = &d.help {
        text += &format!("\nhelp: {}", sarif_message(help));
    }
    let mut r = json!({
        "ruleId": d.code,
        "ruleIndex": index,
        "level": level(d.severity),
        "message": {"text": text},
        "locations": [location(&d.file, d.span)],
        "partialFingerprints": {"pmo/v1": d.fingerprint},
    });
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                let mut loc = location(&rel.file, rel.span);
                loc["id"] = json!(i);
                loc["message"] = json!({"text": sarif_message(&rel.message)});
                loc
            })
            .collect();
        r["relatedLocations"] = Value::Array(related);
    }
    r
}
