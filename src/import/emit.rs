//! Documents as YAML text, written with saphyr's emitter (block style; long text as
//! literal blocks), read back by pmo's own parser to the same values (tested).

use saphyr::{Mapping, Scalar, Yaml, YamlEmitter};
use serde_json::Value;
use std::borrow::Cow;

fn yaml(v: &Value) -> Yaml<'_> {
    match v {
        Value::Null => Yaml::Value(Scalar::Null),
        Value::Bool(b) => Yaml::Value(Scalar::Boolean(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Value(Scalar::Integer(i)),
            None => Yaml::Value(Scalar::FloatingPoint(n.as_f64().unwrap_or_default().into())),
        },
        Value::String(s) => Yaml::Value(Scalar::String(Cow::Borrowed(s))),
        Value::Array(items) => Yaml::Sequence(items.iter().map(yaml).collect()),
        Value::Object(map) => {
            let mut out = Mapping::new();
            for (k, v) in map {
                out.insert(Yaml::Value(Scalar::String(Cow::Borrowed(k))), yaml(v));
            }
            Yaml::Mapping(out)
        }
    }
}

/// One document as the text of a YAML file.
pub fn document(value: &Value) -> String {
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    emitter.multiline(true);
    // Writing to a String cannot fail.
    let _ = emitter.dump(&yaml(value));
    let body = out.strip_prefix("---\n").unwrap_or(&out);
    format!("{}\n", body.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Limits, load};
    use serde_json::json;

    #[test]
    fn documents_read_back_the_same() {
        let v = json!({
            "kind": "project", "id": "gmpp-co-0024", "title": "Pensions: 2015 remedy",
            "tags": ["a", "true", "1.5", "2026-01-01"], "empty": "", "quote": "it's \"quoted\"",
            "baseline": {"start": "2020-05-20", "budget": 7900000, "ratio": 0.25},
            "description": "Line one.\nLine two: with a colon.\n",
            "flags": [true, null]
        });
        let text = document(&v);
        let parsed = load("x.yaml", text.as_bytes(), &Limits::default());
        assert!(parsed.diagnostics.is_empty(), "{text}");
        assert_eq!(parsed.docs[0].value, v, "{text}");
    }
}
