//! `pmo import`: rows of a CSV file (Excel or PPM exports) into governance documents,
//! as a mapping file says, accounting for every row and every cell it could not use.

pub mod cell;
pub mod emit;
pub mod mapping;

use crate::model::Kind;
use mapping::{Column, DocumentMap, FieldMap, Mapping, OnError};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// One cell that could not be used, and what was done about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The row, from 1 (the first row after the header), and its line in the file.
    pub row: usize,
    pub line: u64,
    pub column: String,
    pub raw: String,
    /// What is wrong with the value.
    pub reason: String,
    /// What the import did: "field baseline.budget of project x left out", ...
    pub outcome: String,
}

#[derive(Debug, Default)]
pub struct Outcome {
    /// New documents in layout order: (path relative to the output root, value).
    pub documents: Vec<(String, Value)>,
    pub problems: Vec<Problem>,
    pub rows: usize,
    pub rows_skipped: usize,
    pub documents_skipped: usize,
    pub fields_dropped: usize,
}

impl Outcome {
    /// Documents written per kind.
    pub fn by_kind(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for (_, v) in &self.documents {
            let kind = v.get("kind").and_then(Value::as_str).unwrap_or_default();
            *out.entry(kind.to_owned()).or_default() += 1;
        }
        out
    }

    /// Problems by reason, for the summary.
    pub fn by_reason(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for p in &self.problems {
            *out.entry(p.reason.clone()).or_default() += 1;
        }
        out
    }
}

/// Decode the file as the mapping says (a UTF-8 byte-order mark is skipped).
pub fn decode(bytes: &[u8], encoding: &str) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match encoding {
        "utf-8" => String::from_utf8(bytes.to_vec()).map_err(|e| {
            format!(
                "is not valid UTF-8 (byte {}): set `csv.encoding` in the mapping, e.g. `windows-1252` or `iso-8859-1`",
                e.utf8_error().valid_up_to()
            )
        }),
        // WHATWG maps ISO-8859-1 to windows-1252, its superset.
        _ => Ok(encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned()),
    }
}

/// The documents `mapping` makes of the rows of `text`.
pub fn run(text: &str, mapping: &Mapping) -> Result<Outcome, String> {
    let csv = &mapping.csv;
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(csv.delimiter.as_bytes()[0])
        .quote(csv.quote.as_bytes()[0])
        .has_headers(csv.header)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = if csv.header {
        reader
            .headers()
            .map_err(|e| format!("header row: {e}"))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect()
    } else {
        Vec::new()
    };
    check_columns(mapping, &headers)?;

    let mut out = Outcome::default();
    let mut made: HashMap<String, usize> = HashMap::new();
    let mut created: BTreeMap<String, Value> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| format!("row {row}: {e}"))?;
        let line = record.position().map_or(0, |p| p.line());
        out.rows += 1;
        let cells: Vec<&str> = record.iter().collect();
        let mut row_docs = Vec::new();
        let mut row_problems = Vec::new();
        let mut skip_row = false;
        for doc_map in &mapping.documents {
            let made_doc = document(doc_map, &cells, &headers, row, line, &mut row_problems);
            match made_doc {
                Ok((value, creations)) => row_docs.push((value, creations)),
                Err(()) if doc_map.on_error == OnError::SkipRow => {
                    skip_row = true;
                    break;
                }
                Err(()) => out.documents_skipped += 1,
            }
        }
        if skip_row {
            out.rows_skipped += 1;
            for p in &mut row_problems {
                p.outcome = format!("row {row} skipped");
            }
            out.problems.extend(row_problems);
            continue;
        }
        out.fields_dropped += row_problems
            .iter()
            .filter(|p| p.outcome.contains("left out"))
            .count();
        out.problems.extend(row_problems);
        for (value, creations) in row_docs {
            let id = value["id"].as_str().unwrap_or_default().to_owned();
            if let Some(first) = made.get(&id) {
                out.problems.push(Problem {
                    row,
                    line,
                    column: "id".into(),
                    raw: id.clone(),
                    reason: "id already made".into(),
                    outcome: format!(
                        "{} `{id}` of row {first} kept; this one skipped",
                        value["kind"].as_str().unwrap_or("document")
                    ),
                });
                out.documents_skipped += 1;
                continue;
            }
            made.insert(id, row);
            for c in creations {
                let cid = c["id"].as_str().unwrap_or_default().to_owned();
                created.entry(cid).or_insert(c);
            }
            out.documents.push((path_of(&value), value));
        }
    }
    // Documents the rows name, unless the rows made them themselves.
    for (id, value) in created {
        if !made.contains_key(&id) {
            out.documents.push((path_of(&value), value));
        }
    }
    Ok(out)
}

/// Every named column must exist: a typo in the mapping would silently empty a field.
fn check_columns(mapping: &Mapping, headers: &[String]) -> Result<(), String> {
    let specs = mapping
        .documents
        .iter()
        .flat_map(|d| std::iter::once(&d.id).chain(d.fields.iter().map(|(_, f)| f)));
    for spec in specs {
        for column in spec.column.iter().chain(&spec.columns) {
            if let Column::Name(name) = column
                && !headers.iter().any(|h| h == name)
            {
                let hint = crate::suggest::did_you_mean(name, headers.iter().map(String::as_str))
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                return Err(format!(
                    "the mapping names column `{name}`, which the file does not have{hint}"
                ));
            }
        }
    }
    Ok(())
}

fn column_name(column: &Column, headers: &[String]) -> String {
    match column {
        Column::Name(n) => n.clone(),
        Column::Number(i) => headers
            .get(i - 1)
            .map_or_else(|| format!("column {i}"), |h| format!("{h} (column {i})")),
    }
}

/// The raw text of a field's cell: the first non-empty of its columns.
fn raw<'c>(spec: &FieldMap, cells: &[&'c str], headers: &[String]) -> (String, Option<&'c str>) {
    let columns: Vec<&Column> = spec.column.iter().chain(&spec.columns).collect();
    let cell = |c: &Column| -> Option<&'c str> {
        let index = match c {
            Column::Number(i) => i.checked_sub(1)?,
            Column::Name(n) => headers.iter().position(|h| h == n)?,
        };
        cells.get(index).map(|s| s.trim()).filter(|s| !s.is_empty())
    };
    let found = columns
        .iter()
        .find_map(|c| cell(c).map(|v| (column_name(c, headers), v)));
    match found {
        Some((name, v)) => (name, Some(v)),
        None => (
            columns
                .first()
                .map_or_else(String::new, |c| column_name(c, headers)),
            None,
        ),
    }
}

/// Fields a kind's built-in schema requires.
fn required(kind: Kind) -> Vec<String> {
    crate::schema::builtin(&format!("{kind}.schema.json"))["required"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// One document of one row, with the documents it asks to create; `Err` when it is
/// skipped (its problems are in `problems`).
fn document(
    map: &DocumentMap,
    cells: &[&str],
    headers: &[String],
    row: usize,
    line: u64,
    problems: &mut Vec<Problem>,
) -> Result<(Value, Vec<Value>), ()> {
    let required = required(map.kind);
    let kind = map.kind.as_str();
    let mut value = Map::new();
    value.insert("kind".into(), Value::from(kind));
    let mut creations = Vec::new();
    let mut failed = false;
    let mut problem = |column: String, raw: &str, reason: String, outcome: String| {
        problems.push(Problem {
            row,
            line,
            column,
            raw: raw.to_owned(),
            reason,
            outcome,
        })
    };
    let fields = std::iter::once(("id".to_owned(), &map.id))
        .chain(map.fields.iter().map(|(k, v)| (k.clone(), v)));
    let mut made: Vec<(String, Value)> = Vec::new();
    // How outcomes name the document: with its id once that is made (it comes first).
    let mut name = kind.to_owned();
    for (field, spec) in fields {
        let top = field.split('.').next().unwrap_or_default();
        let must = field == "id" || (required.iter().any(|r| r == top) && !field.contains('.'));
        let (column, cell) = raw(spec, cells, headers);
        let result = match (&spec.value, cell) {
            (Some(constant), _) => Ok(Some(constant.clone())),
            (None, Some(text)) => cell::read(text, spec).map(Some),
            (None, None) => Ok(spec.default.clone()),
        };
        match result {
            Ok(Some(v)) => {
                if let Some(create) = &spec.create
                    && let Value::String(id) = &v
                {
                    let mut doc = Map::new();
                    doc.insert("kind".into(), Value::from(create.kind.as_str()));
                    doc.insert("id".into(), Value::from(id.as_str()));
                    let raw_text = cell.unwrap_or_default();
                    for (k, template) in &create.fields {
                        let text = template
                            .replace("{value}", id)
                            .replace("{raw}", raw_text)
                            .replace("{slug}", &cell::slug(raw_text));
                        doc.insert(k.clone(), Value::from(text));
                    }
                    creations.push(Value::Object(doc));
                }
                if field == "id"
                    && let Value::String(id) = &v
                {
                    name = format!("{kind} `{id}`");
                }
                made.push((field, v));
            }
            Ok(None) if must => {
                problem(
                    column,
                    "",
                    "empty".into(),
                    format!("{kind} skipped: `{field}` is required"),
                );
                failed = true;
            }
            Ok(None) => {}
            Err(cell::Problem(reason)) => {
                let raw_text = cell.unwrap_or_default();
                if must || map.on_error != OnError::DropField {
                    problem(
                        column,
                        raw_text,
                        reason,
                        format!("{kind} skipped (`{field}`)"),
                    );
                    failed = true;
                } else {
                    problem(
                        column,
                        raw_text,
                        reason,
                        format!("field `{field}` of {name} left out"),
                    );
                }
            }
        }
    }
    if failed {
        return Err(());
    }
    for (field, v) in made {
        set(&mut value, &field, v);
    }
    Ok((Value::Object(value), creations))
}

/// Set a dotted field, creating the mappings on the way.
fn set(map: &mut Map<String, Value>, field: &str, value: Value) {
    match field.split_once('.') {
        None => {
            map.insert(field.to_owned(), value);
        }
        Some((head, rest)) => {
            let inner = map
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = inner {
                set(inner, rest, value);
            }
        }
    }
}

/// The suggested layout (SPEC section 1), as `pmo new` writes it.
pub fn path_of(value: &Value) -> String {
    let kind = value["kind"]
        .as_str()
        .and_then(Kind::parse)
        .unwrap_or(Kind::Project);
    let id = value["id"].as_str().unwrap_or_default();
    let folder = crate::views::export::table_name(kind);
    match (kind, value.get("project").and_then(Value::as_str)) {
        (Kind::Project, _) => format!("projects/{id}/project.yaml"),
        (Kind::Status, Some(p)) => format!("projects/{p}/status/{id}.yaml"),
        (_, Some(p)) => format!("projects/{p}/{folder}/{id}.yaml"),
        _ => format!("{folder}/{id}.yaml"),
    }
}
