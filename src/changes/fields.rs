//! Field by field: every leaf that differs between two versions of a document, by
//! dotted path, with the amounts among them marked with their currencies.

use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// Dotted path: `baseline.finish`, `approvals.1.by`.
    pub field: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// For an amount of money (a field the schema declares so): the currency of the old
    /// and the new value, empty where none is configured. Text outputs write
    /// `1,250,000 EUR`; JSON keeps the number as the document has it.
    #[serde(skip)]
    pub currency: Option<(String, String)>,
}

impl FieldChange {
    /// A change of a field, not yet known to be an amount (see [`mark_amounts`]).
    pub fn new(field: String, old: Option<Value>, new: Option<Value>) -> FieldChange {
        FieldChange {
            field,
            old,
            new,
            currency: None,
        }
    }
}

/// Marks the amounts among `fields` of a `kind` document with the currencies of its two
/// sides.
pub fn mark_amounts(
    kind: Option<crate::model::Kind>,
    fields: &mut [FieldChange],
    old: &str,
    new: &str,
) {
    let Some(kind) = kind else {
        return;
    };
    for f in fields {
        if crate::schema::is_amount(kind, &f.field) {
            f.currency = Some((old.to_owned(), new.to_owned()));
        }
    }
}

/// Every leaf that differs, by dotted path.
pub fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk("", Some(old), Some(new), &mut out);
    out
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<FieldChange>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            // Keep the document's own order where it has one.
            let mut ordered: Vec<&String> = b.keys().chain(a.keys()).collect();
            ordered.dedup();
            let mut seen = BTreeSet::new();
            for key in ordered.into_iter().filter(|k| keys.contains(k)) {
                if seen.insert(key) {
                    walk(&join(key), a.get(key), b.get(key), out);
                }
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b)))
            if a.iter().chain(b).any(|v| v.is_object()) =>
        {
            for i in 0..a.len().max(b.len()) {
                walk(&join(&i.to_string()), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a != b => out.push(FieldChange::new(path.to_owned(), a.cloned(), b.cloned())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_changes_walk_nested_maps_and_lists_of_maps() {
        let old = json!({"id": "p", "baseline": {"finish": "2026-12-18", "budget": 100},
                         "approvals": [{"by": "a"}], "tags": ["x"]});
        let new = json!({"id": "p", "baseline": {"finish": "2027-02-01", "budget": 100},
                         "approvals": [{"by": "a"}, {"by": "b"}], "tags": ["x", "y"]});
        let fields: Vec<String> = field_changes(&old, &new)
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(fields, ["baseline.finish", "approvals.1", "tags"]);
    }
}
