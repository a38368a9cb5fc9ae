//! A document's schema findings, capped: a generated document with 100,000 unknown fields
//! gets the first [`LISTED`] and one finding that counts the rest.

use super::Schema;
use super::message::{count, describe_first};
use super::prune::{Pruned, VALUES, too_large};
use super::s001_schema_violation as s001;
use crate::amount::money as grouped;
use crate::diagnostic::Diagnostic;
use crate::parse::Spans;
use serde_json::Value;

/// S001 findings listed per document. A real document has a handful; past this many,
/// listing more helps no one, and locating each in a large mapping costs a walk of it.
pub const LISTED: usize = 100;

/// The S001 findings of `root` (read from `file` with `spans`) against `schema`: at most
/// [`LISTED`], then one, on the document, that says how many more there are.
pub fn violations(file: &str, root: &Value, spans: &Spans, schema: &Schema) -> Vec<Diagnostic> {
    let pruned = too_large(root).then(|| Pruned::new(root, &schema.json));
    let instance = pruned.as_ref().map_or(root, |p| &p.value);
    let mut found = Vec::new();
    let mut total = pruned.as_ref().map_or(0, |p| p.unknown);
    for error in schema.validator.iter_errors(instance) {
        if pruned.as_ref().is_some_and(|p| p.distorts(&error)) {
            continue;
        }
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
    let listed = found.len();
    let more = total.saturating_sub(listed);
    let s = if more == 1 { "" } else { "s" };
    let partial = pruned.as_ref().is_some_and(Pruned::partial);
    let message = match (partial, more, listed) {
        (false, 0, _) => return found,
        (false, more, _) => format!(
            "this document has {} more schema violation{s} than the {listed} listed",
            grouped(more as f64)
        ),
        // Violations may be past the values looked at: say what is known.
        (true, 0, 0) if schema.validator.is_valid(root) => return found,
        (true, 0, 0) => format!(
            "this document breaks its schema past its first {} values",
            grouped(VALUES as f64)
        ),
        (true, 0, _) => format!(
            "this document may have more schema violations than the {listed} listed, past its first {} values",
            grouped(VALUES as f64)
        ),
        (true, more, _) => format!(
            "this document has at least {} more schema violation{s} than the {listed} listed",
            grouped(more as f64)
        ),
    };
    let help = match partial {
        false => format!("at most {LISTED} are listed per document: fix these and check again"),
        true => format!(
            "at most {LISTED} are listed per document, and a document of more than {values} \
             values is looked through only in its first {values}: fix these and check again",
            values = grouped(VALUES as f64)
        ),
    };
    found.push(s001::finding(file, spans.root(), message).help(help));
    found
}
