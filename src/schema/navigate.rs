//! Walk a schema along an instance path, to name the fields an object may have.

use crate::parse::Seg;
use serde_json::Value;

/// The property names the schema declares for the object at `path`.
pub fn known_properties<'s>(schema: &'s Value, path: &[Seg<'_>]) -> Vec<&'s str> {
    declared(&at_path(schema, path))
}

/// The property names `nodes` declare, each once.
pub fn declared<'s>(nodes: &[&'s Value]) -> Vec<&'s str> {
    let mut names: Vec<&str> = Vec::new();
    // An overlay may declare any number of fields: a set, not a search of `names` per name.
    let mut seen = std::collections::HashSet::new();
    for node in nodes {
        if let Some(props) = node.get("properties").and_then(Value::as_object) {
            names.extend(props.keys().map(String::as_str).filter(|n| seen.insert(*n)));
        }
    }
    names
}

/// Whether an object under `nodes` refuses every field they do not declare, without
/// looking at its value: `additionalProperties` or `unevaluatedProperties` false, and no
/// schema for other fields, nor one that could declare more (`if`, `anyOf`, ...).
pub fn refuses_others(nodes: &[&Value]) -> bool {
    const OPEN: [&str; 8] = [
        "patternProperties",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "dependentSchemas",
        "$dynamicRef",
        "propertyNames",
    ];
    let closed = |n: &&Value| {
        n.get("additionalProperties") == Some(&Value::Bool(false))
            || n.get("unevaluatedProperties") == Some(&Value::Bool(false))
    };
    let open = |n: &&Value| {
        OPEN.iter().any(|k| n.get(k).is_some())
            || n.get("additionalProperties").is_some_and(Value::is_object)
    };
    nodes.iter().any(closed) && !nodes.iter().any(open)
}

/// The subschema nodes that apply at the root of an instance.
pub fn at_root(schema: &Value) -> Vec<&Value> {
    expand(schema, schema)
}

/// The subschema nodes that apply at `path` (through `$ref` and `allOf`).
pub fn at_path<'s>(schema: &'s Value, path: &[Seg<'_>]) -> Vec<&'s Value> {
    let mut current = at_root(schema);
    for seg in path {
        current = step(schema, &current, *seg);
    }
    current
}

/// The subschema nodes that apply one step below where `nodes` apply.
pub fn step<'s>(schema: &'s Value, nodes: &[&'s Value], seg: Seg<'_>) -> Vec<&'s Value> {
    let mut next = Vec::new();
    for node in nodes {
        let child = match seg {
            Seg::Key(key) => node
                .get("properties")
                .and_then(|p| p.get(key))
                .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
            Seg::Index(_) => node.get("items"),
        };
        if let Some(child) = child {
            next.extend(expand(schema, child));
        }
    }
    next
}

/// A node plus what its `$ref` and `allOf` point to.
fn expand<'s>(root: &'s Value, node: &'s Value) -> Vec<&'s Value> {
    let mut out = vec![node];
    let mut i = 0;
    while i < out.len() && out.len() < 32 {
        let n = out[i];
        if let Some(target) = n
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| resolve(root, r))
        {
            out.push(target);
        }
        if let Some(all) = n.get("allOf").and_then(Value::as_array) {
            out.extend(all.iter());
        }
        i += 1;
    }
    out
}

/// Local (`#/$defs/x`) and shared (`defs.schema.json#/$defs/x`) references.
fn resolve<'s>(root: &'s Value, reference: &str) -> Option<&'s Value> {
    let (file, pointer) = reference.split_once('#')?;
    if file.is_empty() {
        return root.pointer(pointer);
    }
    let defs = shared_defs(file)?;
    defs.pointer(pointer)
}

fn shared_defs(file: &str) -> Option<&'static Value> {
    static DEFS: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    (file == "defs.schema.json").then(|| DEFS.get_or_init(|| super::builtin("defs.schema.json")))
}

/// The `description` of the schema at `path`, if it has one: used as help text.
pub fn description<'s>(schema: &'s Value, path: &[Seg<'_>]) -> Option<&'s str> {
    at_path(schema, path)
        .into_iter()
        .find_map(|n| n.get("description").and_then(Value::as_str))
}
