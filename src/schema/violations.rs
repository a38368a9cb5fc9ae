//! A document's schema findings, capped: a generated document with 100,000 unknown fields
//! gets the first [`LISTED`] and one finding that counts the rest.

use super::Schema;
use super::message::{count, describe_first};
use crate::diagnostic::Diagnostic;
use crate::parse::Spans;
use serde_json::Value;

/// S001 findings listed per document. A real document has a handful; past this many,
/// listing more helps no one, and locating each in a large mapping costs a walk of it.
pub const LISTED: usize = 100;

/// The S001 findings of `root` (read from `file` with `spans`) against `schema`: at most
/// [`LISTED`], then one, on the document, that says how many more there are.
pub fn violations(file: &str, root: &Value, spans: &Spans, schema: &Schema) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let mut total = 0;
    for error in schema.validator.iter_errors(root) {
        let room = LISTED.saturating_sub(found.len());
        found.extend(describe_first(
            file,
            root,
            spans,
            &schema.json,
            &error,
            room,
        ));
        total += count(&error);
    }
    let more = total.saturating_sub(found.len());
    if more > 0 {
        let s = if more == 1 { "" } else { "s" };
        found.push(
            Diagnostic::new(
                "S001",
                file,
                spans.root(),
                format!(
                    "this document has {} more schema violation{s} than the {} listed",
                    crate::metrics::money(more as f64),
                    found.len()
                ),
            )
            .help(format!(
                "at most {LISTED} are listed per document: fix these and check again"
            )),
        );
    }
    found
}
