//! The mapping file of `pmo import` (schema/mapping.schema.json): read, validated with
//! located diagnostics like every other file, and typed.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Kind;
use crate::parse::{self, Limits, Spans};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Mapping {
    #[serde(default)]
    pub csv: CsvOptions,
    pub documents: Vec<DocumentMap>,
    /// Where the mapping came from, to locate problems found later (a column the CSV
    /// file does not have).
    #[serde(skip)]
    pub source: Source,
}

/// The mapping file as read: its path, value and the positions of its nodes.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub path: String,
    pub value: Value,
    pub spans: Spans,
}

impl Source {
    /// A diagnostic on the mapping file, pointing at the value at `path` (or, when
    /// `key` is set, at the key of the last segment).
    pub fn diagnostic(
        &self,
        path: &[parse::Seg<'_>],
        key: bool,
        message: impl Into<String>,
    ) -> Diagnostic {
        let span = match key {
            true => self.spans.key_at(&self.value, path.iter().copied()),
            false => self.spans.value_at(&self.value, path.iter().copied()),
        };
        Diagnostic::new("S001", &self.path, span, message)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CsvOptions {
    pub delimiter: String,
    pub quote: String,
    pub encoding: String,
    pub header: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: ",".into(),
            quote: "\"".into(),
            encoding: "utf-8".into(),
            header: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct DocumentMap {
    #[serde(deserialize_with = "kind")]
    pub kind: Kind,
    pub id: FieldMap,
    #[serde(default)]
    pub on_error: OnError,
    /// In the mapping file's order.
    #[serde(deserialize_with = "crate::config::ordered")]
    pub fields: Vec<(String, FieldMap)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    #[default]
    DropField,
    SkipDocument,
    SkipRow,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FieldMap {
    pub column: Option<Column>,
    pub columns: Vec<Column>,
    pub value: Option<Value>,
    pub default: Option<Value>,
    pub map: Option<BTreeMap<String, Value>>,
    pub date: Option<String>,
    pub number: Option<NumberFormat>,
    pub slug: bool,
    pub prefix: Option<String>,
    pub suffix: Option<String>,
    pub list: bool,
    pub create: Option<Create>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Column {
    Number(usize),
    Name(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum NumberFormat {
    Plain(bool),
    With(NumberOptions),
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NumberOptions {
    pub scale: Option<f64>,
    pub decimal_comma: bool,
    pub units: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Create {
    #[serde(deserialize_with = "kind")]
    pub kind: Kind,
    #[serde(default, deserialize_with = "crate::config::ordered")]
    pub fields: Vec<(String, String)>,
}

fn kind<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
    let name = String::deserialize(d)?;
    Kind::parse(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown kind `{name}`")))
}

/// The mapping in `bytes` (from the file at `path`, for locations), or its problems.
pub fn load(path: &str, bytes: &[u8]) -> Result<Mapping, Vec<Diagnostic>> {
    let mut parsed = parse::load(path, bytes, &Limits::default());
    let mut diags = parsed.diagnostics;
    if parsed.docs.len() != 1 {
        diags.push(Diagnostic::new(
            "S001",
            path,
            Default::default(),
            "a mapping file holds exactly one YAML document",
        ));
        return Err(diags);
    }
    let doc = parsed.docs.remove(0);
    let json = crate::schema::builtin("mapping.schema.json");
    let validator = match crate::schema::compile(&json) {
        Ok(v) => v,
        Err(e) => return Err(vec![Diagnostic::new("S001", path, Default::default(), e)]),
    };
    for error in validator.iter_errors(&doc.value) {
        diags.extend(crate::schema::describe(
            path, &doc.value, &doc.spans, &json, &error,
        ));
    }
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(diags);
    }
    let mut mapping: Mapping = serde_json::from_value(doc.value.clone()).map_err(|e| {
        vec![Diagnostic::new(
            "S001",
            path,
            doc.spans.root(),
            format!("mapping: {e}"),
        )]
    })?;
    mapping.source = Source {
        path: path.to_owned(),
        value: doc.value,
        spans: doc.spans,
    };
    Ok(mapping)
}
