//! Governance schemas: the built-in JSON Schemas (the files in the repository's
//! `schema/` folder, embedded here) plus a governance repository's overlays.

mod message;
pub(crate) mod navigate;
mod prune;
pub(crate) mod s001_schema_violation;
mod violations;

pub use message::describe;
pub use navigate::known_properties;
pub use prune::VALUES;
pub use violations::{LISTED, violations};

use crate::model::Kind;
use crate::model::kind::ROWS;
use jsonschema::{Registry, Validator};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The built-in schema files, by file name; `pmo schema` exports these: the shared
/// definitions, pmo.yaml's, each kind's (its row's, in table order), import mappings'.
pub const BUILTIN: [(&str, &str); ROWS.len() + 3] = {
    const NONE: (&str, &str) = ("", "");
    let mut all = [NONE; ROWS.len() + 3];
    all[0] = (
        "defs.schema.json",
        include_str!("../../schema/defs.schema.json"),
    );
    all[1] = (
        "pmo.schema.json",
        include_str!("../../schema/pmo.schema.json"),
    );
    let mut i = 0;
    while i < ROWS.len() {
        all[i + 2] = ROWS[i].schema;
        i += 1;
    }
    all[ROWS.len() + 2] = (
        "mapping.schema.json",
        include_str!("../../schema/mapping.schema.json"),
    );
    all
};

/// Relative `$ref`s resolve against the validator's default base URI.
const BASE: &str = "json-schema:///";

pub fn builtin_text(file: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| *text)
}

/// A built-in schema as JSON. The embedded files are ours and tested, so they parse.
pub fn builtin(file: &str) -> Value {
    builtin_text(file)
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// The built-in schema as the configuration shapes it: the project fields pmo.yaml
/// `project.optional` lists (`optional`) are no longer required. S001 checks against this and
/// `pmo schema` prints it, so a check and an editor agree.
pub fn configured(file: &str, optional: &[String]) -> Value {
    let mut json = builtin(file);
    if file == "project.schema.json"
        && !optional.is_empty()
        && let Some(Value::Array(required)) = json.get_mut("required")
    {
        required.retain(|field| !optional.iter().any(|o| field == o.as_str()));
    }
    json
}

/// The configured schema with the shared definitions copied in, for editors and the YAML
/// language server: one self-contained file per kind.
pub fn bundled(file: &str, optional: &[String]) -> Value {
    const SHARED: &str = "defs.schema.json#";
    fn rewrite(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get_mut("$ref")
                    && let Some(local) = r.strip_prefix(SHARED)
                {
                    *r = format!("#{local}");
                }
                map.values_mut().for_each(rewrite);
            }
            Value::Array(items) => items.iter_mut().for_each(rewrite),
            _ => {}
        }
    }
    let mut schema = configured(file, optional);
    if file == "defs.schema.json" || !builtin_text(file).is_some_and(|t| t.contains(SHARED)) {
        return schema;
    }
    rewrite(&mut schema);
    if let (Some(root), Value::Object(shared)) = (
        schema.as_object_mut(),
        builtin("defs.schema.json")["$defs"].take(),
    ) {
        let defs = root.entry("$defs").or_insert_with(|| json!({}));
        if let Some(defs) = defs.as_object_mut() {
            for (name, def) in shared {
                defs.entry(name).or_insert(def);
            }
        }
    }
    schema
}

fn registry() -> Result<Registry<'static>, jsonschema::ReferencingError> {
    Registry::new()
        .add(
            format!("{BASE}defs.schema.json"),
            builtin("defs.schema.json"),
        )?
        .prepare()
}

/// Whether the built-in schema of `kind` declares the value at the dotted `field`
/// (`baseline.budget`, `approvals.1.by`) an amount of money (`$defs/money` or
/// `$defs/amount`): the schema, not a list kept apart, says which numbers are money.
pub fn is_amount(kind: Kind, field: &str) -> bool {
    static SCHEMAS: std::sync::OnceLock<HashMap<Kind, Value>> = std::sync::OnceLock::new();
    let schemas = SCHEMAS.get_or_init(|| {
        Kind::ALL
            .iter()
            .map(|k| (*k, builtin(&format!("{k}.schema.json"))))
            .collect()
    });
    let path: Vec<crate::parse::Seg<'_>> = field
        .split('.')
        .map(|part| match part.parse() {
            Ok(i) => crate::parse::Seg::Index(i),
            Err(_) => crate::parse::Seg::Key(part),
        })
        .collect();
    navigate::at_path(&schemas[&kind], &path).iter().any(|n| {
        n.get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| r.ends_with("/$defs/money") || r.ends_with("/$defs/amount"))
    })
}

/// A compiled schema and the JSON it came from (kept to name fields in messages).
pub struct Schema {
    pub validator: Validator,
    pub json: Value,
}

/// The schemas a check validates against: one per kind, with overlays applied.
pub struct Schemas {
    kinds: HashMap<Kind, Schema>,
}

impl Schemas {
    /// `overlays` holds a governance repository's `schema/<kind>.schema.json`, parsed.
    /// An overlay applies in addition to the built-in schema, as [`configured`] by the
    /// project fields pmo.yaml makes `optional`, and
    /// may declare extra fields.
    pub fn compile(
        overlays: &HashMap<Kind, Value>,
        optional: &[String],
    ) -> Result<Schemas, String> {
        let mut kinds = HashMap::new();
        for kind in Kind::ALL {
            let file = format!("{kind}.schema.json");
            let mut json = configured(&file, optional);
            if let Some(overlay) = overlays.get(&kind) {
                json = with_overlay(json, overlay.clone());
            }
            let validator = compile(&json).map_err(|e| format!("schema/{file}: {e}"))?;
            kinds.insert(kind, Schema { validator, json });
        }
        Ok(Schemas { kinds })
    }

    pub fn get(&self, kind: Kind) -> &Schema {
        &self.kinds[&kind]
    }
}

/// The configuration schema.
pub fn config_schema() -> Schema {
    let json = builtin("pmo.schema.json");
    let validator = compile(&json).expect("the built-in pmo.yaml schema compiles");
    Schema { validator, json }
}

pub fn compile(json: &Value) -> Result<Validator, String> {
    let registry = registry().map_err(|e| e.to_string())?;
    jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(json)
        .map_err(|e| e.to_string())
}

/// Combine the built-in schema and an overlay: both must hold, and the fields the
/// overlay declares become known fields (so a wrong value is one finding, not two).
fn with_overlay(mut builtin: Value, mut overlay: Value) -> Value {
    if let Some(map) = overlay.as_object_mut() {
        map.remove("$schema");
        map.remove("$id");
    }
    let declared: Vec<String> = overlay
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    if let Some(props) = builtin.get_mut("properties").and_then(Value::as_object_mut) {
        for name in declared {
            props.entry(name).or_insert(Value::Bool(true));
        }
    }
    // The overlay's own `#/$defs/x` references (a schema `pmo schema -o` exported, or
    // written by hand) resolve against the combined root: its definitions go there. The
    // built-in kind schemas have none of their own (theirs are in defs.schema.json).
    if let Some(Value::Object(defs)) = overlay.as_object_mut().and_then(|m| m.remove("$defs"))
        && let Some(root) = builtin.as_object_mut()
        && let Value::Object(combined) = root.entry("$defs").or_insert_with(|| json!({}))
    {
        for (name, def) in defs {
            combined.entry(name).or_insert(def);
        }
    }
    builtin["allOf"] = json!([overlay]);
    builtin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_schema_compiles_and_bundles() {
        for (file, _) in BUILTIN {
            let json = builtin(file);
            assert!(json.is_object(), "{file} is not JSON");
            compile(&json).unwrap_or_else(|e| panic!("{file}: {e}"));
            let bundled = bundled(file, &[]);
            assert!(
                !bundled.to_string().contains("defs.schema.json#"),
                "{file} bundle still refers out"
            );
            jsonschema::validator_for(&bundled).unwrap_or_else(|e| panic!("{file} bundled: {e}"));
        }
    }

    #[test]
    fn the_schema_says_which_fields_are_money() {
        for (kind, field) in [
            (Kind::Project, "baseline.budget"),
            (Kind::Project, "forecast.cost"),
            (Kind::Project, "actuals.cost"),
            (Kind::Risk, "cost_impact"),
            (Kind::Change, "impact.cost"),
        ] {
            assert!(is_amount(kind, field), "{kind} {field}");
        }
        for (kind, field) in [
            (Kind::Project, "actuals.percent_complete"),
            (Kind::Risk, "impact"),
            (Kind::Change, "impact.schedule_days"),
            (Kind::Person, "capacity"),
            (Kind::Project, "nosuch.field"),
        ] {
            assert!(!is_amount(kind, field), "{kind} {field}");
        }
    }

    #[test]
    fn dates_must_be_real() {
        let schemas = Schemas::compile(&HashMap::new(), &[]).unwrap();
        let v = &schemas.get(Kind::Status).validator;
        let ok = json!({"kind": "status", "id": "s", "project": "p", "date": "2026-06-30", "overall": "red"});
        assert!(v.is_valid(&ok));
        let bad = json!({"kind": "status", "id": "s", "project": "p", "date": "2026-06-31", "overall": "red"});
        assert!(!v.is_valid(&bad));
    }

    /// Links a report may render: a web or mail address, or a place relative to the report.
    const SAFE_URLS: &[&str] = &[
        "https://example.org/a?b=1&c=2#d",
        "HTTP://EXAMPLE.ORG",
        "http:relative",
        "mailto:pmo@example.org",
        "MailTo:pmo@example.org",
        "docs/plan.md",
        "plan.md",
        "../a",
        "./notes:2026.md",
        "/wiki/Talk:Page",
        "/",
        "#anchor",
        "?q=1",
        "docs/my plan.md",
        "https://例え.テスト/パス",
    ];

    /// Links that would run script, read a local file, or leave for a host the report's
    /// own scheme decides; and the disguises browsers and Markdown undo.
    const HOSTILE_URLS: &[&str] = &[
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        " javascript:alert(1)",
        "\u{1}javascript:alert(1)",
        "\u{7f}javascript:alert(1)",
        "javascript&#58;alert(1)",
        "&#106;avascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.org",
        "//evil.example",
        " //evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "https://example.org/\nx",
    ];

    #[test]
    fn links_are_web_mail_or_relative() {
        let schemas = Schemas::compile(&HashMap::new(), &[]).unwrap();
        let v = &schemas.get(Kind::Lesson).validator;
        let with = |url: &str| json!({"kind": "lesson", "id": "l", "project": "p", "title": "t", "links": [{"url": url}]});
        for url in SAFE_URLS {
            assert!(v.is_valid(&with(url)), "{url:?} is refused");
        }
        for url in HOSTILE_URLS {
            assert!(!v.is_valid(&with(url)), "{url:?} is accepted");
        }
    }

    #[test]
    fn overlays_add_fields_and_tighten() {
        let overlay = json!({
            "properties": {"cost_centre": {"type": "string", "pattern": "^CC-[0-9]{4}$"}},
            "required": ["cost_centre"]
        });
        let schemas = Schemas::compile(&HashMap::from([(Kind::Lesson, overlay)]), &[]).unwrap();
        let v = &schemas.get(Kind::Lesson).validator;
        let base = json!({"kind": "lesson", "id": "l", "project": "p", "title": "t"});
        assert!(!v.is_valid(&base));
        let mut good = base.clone();
        good["cost_centre"] = json!("CC-1234");
        assert!(v.is_valid(&good));
        good["cost_centre"] = json!("1234");
        assert!(!v.is_valid(&good));
        let mut unknown = base;
        unknown["cost_centre"] = json!("CC-1234");
        unknown["colour"] = json!("blue");
        assert!(!v.is_valid(&unknown));
    }
}
