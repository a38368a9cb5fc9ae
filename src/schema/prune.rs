//! A bounded copy of a document too large to collect every violation of.
//!
//! The validator collects every violation of a document before the first can be read,
//! about 440 bytes each: a list of millions of numbers where text is expected (repeated
//! through aliases, 18 million of them from a 6 MB file) took 10 GB. Past [`VALUES`]
//! values, the violations are collected on a copy that keeps the first [`VALUES`] values
//! in document order, and every field the schema declares, so that no required field goes
//! missing. The value of an unknown field is never validated, only its name: the first
//! [`LISTED`] unknown fields of an object are kept, with no value, and the others counted,
//! so a million of them are still counted exactly.

use super::navigate::{at_root, declared, refuses_others, step};
use super::violations::LISTED;
use crate::parse::Seg;
use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind as E;
use jsonschema::paths::Location;
use serde_json::{Map, Value};
use std::collections::HashSet;

/// Values of a document its violations are looked for in, past which the copy stops.
pub const VALUES: usize = 50_000;

/// Whether `value` holds more than [`VALUES`] values (itself included).
pub fn too_large(value: &Value) -> bool {
    let mut stack = vec![value];
    let mut seen = 0;
    while let Some(v) = stack.pop() {
        seen += 1;
        if seen > VALUES {
            return true;
        }
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    false
}

pub struct Pruned {
    pub value: Value,
    /// Unknown fields left out of the copy: one violation each.
    pub unknown: usize,
    /// Lists and mappings that lost entries which may hold violations; their size and
    /// content keywords (`minItems`, `contains`, ...) do not hold for the copy.
    cut: HashSet<Location>,
}

impl Pruned {
    /// The copy of `value` under `schema`.
    pub fn new(value: &Value, schema: &Value) -> Pruned {
        let mut pruner = Pruner {
            schema,
            budget: VALUES,
            unknown: 0,
            cut: HashSet::new(),
        };
        let value = pruner.copy(value, &at_root(schema), &Location::new());
        Pruned {
            value,
            unknown: pruner.unknown,
            cut: pruner.cut,
        }
    }

    /// Whether violations may have been left out with the values (not only unknown fields).
    pub fn partial(&self) -> bool {
        !self.cut.is_empty()
    }

    /// Whether `error` is the copy's, not the document's: about the size or content of a
    /// list or mapping that lost entries.
    pub fn distorts(&self, error: &ValidationError<'_>) -> bool {
        matches!(
            error.kind(),
            E::MinItems { .. }
                | E::MaxItems { .. }
                | E::Contains
                | E::UniqueItems
                | E::MinProperties { .. }
                | E::MaxProperties { .. }
        ) && self.cut.contains(error.instance_path())
    }
}

struct Pruner<'s> {
    schema: &'s Value,
    budget: usize,
    unknown: usize,
    cut: HashSet<Location>,
}

impl<'s> Pruner<'s> {
    fn copy(&mut self, value: &Value, nodes: &[&'s Value], at: &Location) -> Value {
        self.budget = self.budget.saturating_sub(1);
        match value {
            Value::Array(items) => {
                let mut kept = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    if self.budget == 0 {
                        self.cut.insert(at.clone());
                        break;
                    }
                    let below = step(self.schema, nodes, Seg::Index(i));
                    kept.push(self.copy(item, &below, &at.join(i)));
                }
                Value::Array(kept)
            }
            Value::Object(map) => {
                let names: HashSet<&str> = declared(nodes).into_iter().collect();
                let refuses = refuses_others(nodes);
                let mut kept = Map::new();
                let mut unknown = 0;
                for (key, item) in map {
                    let copy = match (names.contains(key.as_str()), refuses, self.budget) {
                        (true, _, _) | (false, false, 1..) => {
                            let below = step(self.schema, nodes, Seg::Key(key));
                            self.copy(item, &below, &at.join(key))
                        }
                        // An unknown field: its name is the violation, its value is never
                        // looked at. The first are kept, to be listed; the others counted.
                        (false, true, _) if unknown < LISTED => {
                            unknown += 1;
                            Value::Null
                        }
                        (false, true, _) => {
                            self.unknown += 1;
                            continue;
                        }
                        (false, false, 0) => {
                            self.cut.insert(at.clone());
                            continue;
                        }
                    };
                    kept.insert(key.clone(), copy);
                }
                Value::Object(kept)
            }
            scalar => scalar.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_documents_of_more_values_are_too_large() {
        // The list and its items: VALUES values.
        assert!(!too_large(&json!(vec![0; VALUES - 1])));
        assert!(too_large(&json!(vec![0; VALUES])));
        assert!(too_large(&json!({"a": {"b": vec![0; VALUES]}})));
    }

    #[test]
    fn unknown_fields_are_counted_past_the_first_listed() {
        let schema = json!({
            "properties": {"kind": {"type": "string"}, "id": {"type": "string"}},
            "required": ["kind", "id"],
            "unevaluatedProperties": false
        });
        let mut doc = serde_json::Map::new();
        doc.insert("kind".into(), json!("risk"));
        for i in 0..VALUES {
            doc.insert(format!("x{i}"), json!([1, 2, 3]));
        }
        // Declared fields are kept wherever they are.
        doc.insert("id".into(), json!("r1"));
        let pruned = Pruned::new(&Value::Object(doc), &schema);
        let kept = pruned.value.as_object().unwrap();
        assert_eq!(kept.len(), 2 + LISTED);
        assert_eq!(kept["x0"], Value::Null);
        assert_eq!(kept["id"], "r1");
        assert_eq!(pruned.unknown, VALUES - LISTED);
        assert!(!pruned.partial());
    }

    #[test]
    fn lists_are_cut_and_what_that_changes_is_not_reported() {
        let schema = json!({
            "properties": {
                "tags": {"type": "array", "minItems": 60000, "items": {"type": "string"}},
                "name": {"type": "string"}
            },
            "required": ["name"]
        });
        let doc = json!({"tags": vec![1; 60_000], "name": "x"});
        let pruned = Pruned::new(&doc, &schema);
        assert!(pruned.partial());
        assert_eq!(pruned.value["tags"].as_array().unwrap().len(), VALUES - 2);
        assert_eq!(pruned.value["name"], "x");
        let validator = crate::schema::compile(&schema).unwrap();
        let errors: Vec<_> = validator.iter_errors(&pruned.value).collect();
        let (distorted, kept): (Vec<_>, Vec<_>) = errors.iter().partition(|e| pruned.distorts(e));
        assert_eq!(distorted.len(), 1);
        assert!(matches!(distorted[0].kind(), E::MinItems { .. }));
        assert_eq!(kept.len(), VALUES - 2);
        assert!(kept.iter().all(|e| matches!(e.kind(), E::Type { .. })));
    }
}
