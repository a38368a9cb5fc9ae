//! The mapping file of `pmo import` (schema/mapping.schema.json): read, validated with
//! located diagnostics like every other file, and typed.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Kind;
use crate::parse::{self, Limits, Spans};
use crate::schema::s001_schema_violation as s001;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Mapping {
    #[serde(default)]
    pub csv: CsvOptions,
    /// Only the rows that meet every condition are imported.
    #[serde(default, rename = "where", deserialize_with = "conditions")]
    pub filter: Vec<Condition>,
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
        s001::finding(&self.path, span, message)
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
    /// Join the cells of `columns` with this text instead of taking the first filled one.
    pub join: Option<String>,
    pub value: Option<Value>,
    pub default: Option<Value>,
    pub map: Option<BTreeMap<String, Value>>,
    pub date: Option<DateFormat>,
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
    /// What 100% is written as (1 or 100); `None`: a cell ending in `%` is refused.
    pub percent: Option<f64>,
}

/// How a date cell is written: one strftime format, several, or with options.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum DateFormat {
    One(String),
    Many(Vec<String>),
    With(DateOptions),
}

impl DateFormat {
    pub fn options(&self) -> DateOptions {
        match self {
            DateFormat::One(f) => DateOptions {
                formats: vec![f.clone()],
                ..DateOptions::default()
            },
            DateFormat::Many(f) => DateOptions {
                formats: f.clone(),
                ..DateOptions::default()
            },
            DateFormat::With(o) => o.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DateOptions {
    #[serde(deserialize_with = "one_or_many")]
    pub formats: Vec<String>,
    /// The month (2-12) a fiscal year such as `2024-25` starts in; `None`: fiscal years
    /// are not read.
    pub fiscal_year_start: Option<i8>,
    pub day: Day,
}

/// The day a month (`Jan-23`) or a fiscal year (`2024-25`) is written as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Day {
    #[default]
    First,
    Last,
}

/// A row filter: the cell of `column` is `equals`, one of `in`, or `matches` a regular
/// expression (the whole cell).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub column: Column,
    #[serde(default, deserialize_with = "text")]
    pub equals: Option<String>,
    #[serde(default, rename = "in", deserialize_with = "texts")]
    pub one_of: Option<Vec<String>>,
    pub matches: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Create {
    #[serde(deserialize_with = "kind")]
    pub kind: Kind,
    #[serde(default, deserialize_with = "crate::config::ordered")]
    pub fields: Vec<(String, CreateField)>,
}

/// A field of a created document: a template of the naming cell, or read from the row
/// like any field (another column, a constant).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CreateField {
    Template(String),
    Field(Box<FieldMap>),
}

/// A scalar as the text a cell would hold (`2023` for a number in the mapping).
fn scalar_text(v: Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("expected a text, found {other}")),
    }
}

fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    scalar_text(Value::deserialize(d)?)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn texts<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    Vec::<Value>::deserialize(d)?
        .into_iter()
        .map(scalar_text)
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
        .map_err(serde::de::Error::custom)
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

fn conditions<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Condition>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(Condition),
        Many(Vec<Condition>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(c) => vec![c],
        OneOrMany::Many(v) => v,
    })
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
        diags.push(s001::finding(
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
        Err(e) => return Err(vec![s001::finding(path, Default::default(), e)]),
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
        vec![s001::finding(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The yaml blocks of docs/import.md that start with `start`.
    fn examples(start: &str) -> Vec<String> {
        let docs = include_str!("../../docs/import.md");
        docs.split("```yaml\n")
            .skip(1)
            .filter_map(|b| b.split("```").next())
            .filter(|b| b.starts_with(start))
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_documented_examples_are_valid_mappings() {
        let full = examples("version: 1");
        assert_eq!(full.len(), 1);
        let m = load("import.md", full[0].as_bytes()).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(m.filter.len(), 1);
        let fields = |doc: &DocumentMap| -> Vec<String> {
            doc.fields.iter().map(|(k, _)| k.clone()).collect()
        };
        assert!(fields(&m.documents[0]).contains(&"actuals.percent_complete".to_owned()));

        let filter = examples("where:");
        assert_eq!(filter.len(), 1);
        let text = format!(
            "version: 1\n{}documents: [{{kind: person, id: {{column: 1}}, fields: {{}}}}]\n",
            filter[0]
        );
        let m = load("import.md", text.as_bytes()).unwrap_or_else(|d| panic!("{d:?}"));
        assert_eq!(m.filter.len(), 3);
        assert_eq!(m.filter[2].equals.as_deref(), Some("2023"));

        // The field examples, each under a document.
        for block in examples("start:").into_iter().chain(examples("program:")) {
            let fields: String = block.lines().map(|l| format!("      {l}\n")).collect();
            // One field per key: the examples repeat `start:` to show alternatives.
            for (i, chunk) in fields.split("\n      start:").enumerate() {
                let chunk = match i {
                    0 => chunk.to_owned(),
                    _ => format!("      start:{chunk}"),
                };
                let text = format!(
                    "version: 1\ndocuments:\n  - kind: project\n    id: {{column: 1}}\n    fields:\n{chunk}\n"
                );
                load("import.md", text.as_bytes()).unwrap_or_else(|d| panic!("{text}\n{d:?}"));
            }
        }
    }
}
