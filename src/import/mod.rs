//! `pmo import`: rows of a CSV file (Excel or PPM exports) into governance documents,
//! as a mapping file says, accounting for every row and every cell it could not use.

pub mod cell;
pub mod emit;
mod fit;
pub mod mapping;

use crate::diagnostic::Diagnostic;
use crate::model::{Kind, valid_id};
use crate::parse::Spans;
use crate::schema::s001_schema_violation as s001;
use crate::schema::{Schema, Schemas};
use jsonschema::error::ValidationErrorKind as E;
use jsonschema::paths::LocationSegment;
use mapping::{Column, Condition, Create, CreateField, DocumentMap, FieldMap, Mapping, OnError};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

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
    /// What to do about it, when there is more to say than the reason.
    pub help: Option<String>,
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
    /// Rows the mapping's `where:` leaves out (not read further).
    pub rows_filtered: usize,
    pub documents_skipped: usize,
    pub fields_dropped: usize,
    /// Optional fields of the documents written that were not filled because their cell
    /// was empty, by column (all its columns, for `columns:`).
    pub empty: BTreeMap<String, Empty>,
}

/// The empty cells of one column.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Empty {
    /// Rows whose cell was empty.
    pub cells: usize,
    /// The fields not written for it: "project baseline.budget", ...
    pub fields: BTreeSet<String>,
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

/// Why an import cannot run at all.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The mapping does not fit the file or the kinds' schemas (a column the file does
    /// not have, a field a kind does not have, ...): located on the mapping file.
    Mapping(Vec<Diagnostic>),
    /// The file cannot be read as CSV.
    Csv(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Mapping(diags) => {
                let lines: Vec<String> = diags.iter().map(Diagnostic::one_line).collect();
                write!(f, "{}", lines.join("\n"))
            }
            Error::Csv(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {}

/// What an id may be made of (SPEC section 1).
macro_rules! id_rule {
    () => {
        "an id is letters, digits, `.`, `_` and `-`, starting with a letter or digit"
    };
}
const ID_RULE: &str = id_rule!();
const ID_HELP: &str = concat!(
    id_rule!(),
    ": add `slug: true` to this field in the mapping to make one of any text"
);

/// The documents `mapping` makes of the rows of `text`. `schemas` are the kinds'
/// schemas of the repository written to (built-in plus its overlays): every document
/// written passes them, and a value they refuse is a cell that cannot be used.
pub fn run(text: &str, mapping: &Mapping, schemas: &Schemas) -> Result<Outcome, Error> {
    let csv = &mapping.csv;
    let diagnostics = fit::check_csv(mapping);
    if !diagnostics.is_empty() {
        return Err(Error::Mapping(diagnostics));
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(csv.delimiter.as_bytes()[0])
        .quote(csv.quote.as_bytes()[0])
        .has_headers(csv.header)
        .flexible(true)
        .from_reader(text.as_bytes());
    // The header row; without one, the first row (not consumed): its width.
    let first: Vec<String> = reader
        .headers()
        .map_err(|e| Error::Csv(format!("header row: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let headers = if csv.header {
        first.clone()
    } else {
        Vec::new()
    };
    let diagnostics = fit::check_mapping(mapping, &headers, first.len(), schemas);
    if !diagnostics.is_empty() {
        return Err(Error::Mapping(diagnostics));
    }

    let filter = Filter::compile(&mapping.filter).map_err(|e| {
        // Not reached: the patterns were compiled when the mapping was checked.
        Error::Mapping(vec![mapping.source.diagnostic(&[], false, e)])
    })?;

    let mut out = Outcome::default();
    let mut made: HashMap<String, usize> = HashMap::new();
    let mut created: BTreeMap<String, Created> = BTreeMap::new();
    let mut ids = Ids::default();
    for (i, record) in reader.records().enumerate() {
        let row = i + 1;
        let record = record.map_err(|e| Error::Csv(format!("row {row}: {e}")))?;
        let line = record.position().map_or(0, |p| p.line());
        out.rows += 1;
        let cells: Vec<&str> = record.iter().collect();
        if !filter.keeps(&cells, &headers) {
            out.rows_filtered += 1;
            continue;
        }
        let mut row_docs = Vec::new();
        let mut row_problems = Vec::new();
        let mut skip_row = false;
        for doc_map in &mapping.documents {
            let at = At { row, line };
            let row = Row {
                cells: &cells,
                headers: &headers,
                at,
            };
            match document(doc_map, &row, schemas, &mut ids, &mut row_problems) {
                Ok(made_doc) => row_docs.push(made_doc),
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
        let mut row_empty: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (value, creations, empties) in row_docs {
            let id = value["id"].as_str().unwrap_or_default().to_owned();
            if let Some(first) = made.get(&id) {
                out.problems.push(Problem {
                    row,
                    line,
                    column: "id".into(),
                    raw: id.clone(),
                    reason: "id already made".into(),
                    help: None,
                    outcome: format!(
                        "{} `{id}` of row {first} kept; this one skipped",
                        value["kind"].as_str().unwrap_or("document")
                    ),
                });
                out.documents_skipped += 1;
                continue;
            }
            let Some(path) = path_of(&value) else {
                // Not reached: ids are checked as they are made. Defence in depth.
                out.problems.push(unplaceable(row, line, &value));
                out.documents_skipped += 1;
                continue;
            };
            made.insert(id, row);
            for c in creations {
                let cid = c.value["id"].as_str().unwrap_or_default().to_owned();
                match created.entry(cid) {
                    std::collections::btree_map::Entry::Vacant(e) => {
                        e.insert(Created {
                            row,
                            line,
                            value: c.value,
                            others: Vec::new(),
                        });
                    }
                    std::collections::btree_map::Entry::Occupied(mut e) => {
                        if lost(&e.get().value, &c.value).is_some() {
                            e.get_mut().others.push((At { row, line }, c));
                        }
                    }
                }
            }
            for (column, field) in empties {
                row_empty.entry(column).or_default().insert(field);
            }
            out.documents.push((path, value));
        }
        for (column, fields) in row_empty {
            let e = out.empty.entry(column).or_default();
            e.cells += 1;
            e.fields.extend(fields);
        }
    }
    // Documents the rows name, unless the rows made them themselves.
    for (id, c) in created {
        if made.contains_key(&id) {
            continue;
        }
        // Another row named the same document differently: the first row's is kept,
        // and the difference is reported rather than lost.
        for (at, other) in &c.others {
            out.problems.push(differing(&c, at, other));
        }
        match path_of(&c.value) {
            Some(path) => out.documents.push((path, c.value)),
            None => {
                out.problems.push(unplaceable(c.row, c.line, &c.value));
                out.documents_skipped += 1;
            }
        }
    }
    Ok(out)
}

/// A document a `create:` makes, from the first row that names it, and what later
/// rows would have made of it when that differs.
struct Created {
    row: usize,
    line: u64,
    value: Value,
    others: Vec<(At, Creation)>,
}

/// The document a field asks to create, and the cell that named it.
struct Creation {
    value: Value,
    column: String,
    raw: String,
}

/// A field of `later` that `first` does not have as it: what keeping `first` loses. A
/// field `later` leaves empty loses nothing.
fn lost<'v>(first: &Value, later: &'v Value) -> Option<(&'v str, &'v Value)> {
    later
        .as_object()?
        .iter()
        .find(|(k, v)| first.get(k.as_str()) != Some(v))
        .map(|(k, v)| (k.as_str(), v))
}

/// A row names a document to create that an earlier row made with other fields.
fn differing(first: &Created, at: &At, other: &Creation) -> Problem {
    let kind = first.value["kind"].as_str().unwrap_or("document");
    let id = first.value["id"].as_str().unwrap_or_default();
    let (a, b) = (&first.value, &other.value);
    let field = lost(a, b);
    let shown = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "nothing".to_owned(),
        Some(Value::String(s)) => format!("`{s}`"),
        Some(v) => format!("`{v}`"),
    };
    let reason = match field {
        Some((k, v)) => format!(
            "names {kind} `{id}` with {k} {}, but row {} made it with {}",
            shown(Some(v)),
            first.row,
            shown(a.get(k)),
        ),
        None => format!("names {kind} `{id}` differently from row {}", first.row),
    };
    Problem {
        row: at.row,
        line: at.line,
        column: other.column.clone(),
        raw: other.raw.clone(),
        reason,
        help: Some(format!(
            "a {kind} is made once, from the first row that names it; make the rows agree, or key `create:` on a column that tells them apart"
        )),
        outcome: format!("{kind} `{id}` of row {} kept", first.row),
    }
}

/// The mapping's `where:`, ready to test rows.
struct Filter<'m> {
    conditions: Vec<(&'m Condition, Option<regex::Regex>)>,
}

impl<'m> Filter<'m> {
    fn compile(conditions: &'m [Condition]) -> Result<Self, String> {
        let conditions = conditions
            .iter()
            .map(|c| match &c.matches {
                Some(p) => pattern(p).map(|r| (c, Some(r))),
                None => Ok((c, None)),
            })
            .collect::<Result<_, _>>()?;
        Ok(Filter { conditions })
    }

    /// Whether the row meets every condition (its cells trimmed; a missing cell is
    /// empty).
    fn keeps(&self, cells: &[&str], headers: &[String]) -> bool {
        self.conditions.iter().all(|(c, re)| {
            let cell = index(&c.column, headers)
                .and_then(|i| cells.get(i))
                .map_or("", |s| s.trim());
            match (re, &c.equals, &c.one_of) {
                (Some(re), _, _) => re.is_match(cell),
                (None, Some(text), _) => cell == text,
                (None, None, Some(list)) => list.iter().any(|t| t == cell),
                (None, None, None) => true,
            }
        })
    }
}

/// The most memory a compiled `matches:` pattern may take: a mapping may come from
/// anyone, and `a{1000}{1000}` is short.
const PATTERN_LIMIT: usize = 1 << 20;

/// A `matches:` pattern, matching the whole cell. The `regex` crate runs in time linear
/// in the cell, whatever the pattern: no pattern can make an import hang.
pub(crate) fn pattern(p: &str) -> Result<regex::Regex, String> {
    let build = |p: &str| {
        regex::RegexBuilder::new(p)
            .size_limit(PATTERN_LIMIT)
            .dfa_size_limit(PATTERN_LIMIT)
            .build()
    };
    // The pattern alone first, so that a message is about what the mapping says.
    build(p)
        .and_then(|_| build(&format!("^(?:{p})$")))
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "the pattern is too large".to_owned(),
            // The last line says what is wrong; the lines above draw where.
            e => {
                let text = e.to_string();
                let last = text.lines().last().unwrap_or_default();
                last.trim_start_matches("error: ").to_owned()
            }
        })
}

/// Where a column is in a row: its index, if the header has it.
fn index(column: &Column, headers: &[String]) -> Option<usize> {
    match column {
        Column::Number(i) => i.checked_sub(1),
        Column::Name(n) => headers.iter().position(|h| h == n),
    }
}

/// Ids made with `slug: true`, with the uncut id each stands for: two texts cut to the
/// same id must not become one document.
#[derive(Default)]
struct Ids {
    seen: HashMap<String, (String, usize, String)>,
}

impl Ids {
    /// Record that row `row` made `id` (uncut: `full`) from `raw`; `Err` names the earlier
    /// row whose different text was cut to the same id.
    fn add(&mut self, id: &str, full: &str, row: usize, raw: &str) -> Result<(), (usize, String)> {
        match self.seen.get(id) {
            Some((other, first, text)) if other != full => Err((*first, text.clone())),
            Some(_) => Ok(()),
            None => {
                self.seen
                    .insert(id.to_owned(), (full.to_owned(), row, raw.to_owned()));
                Ok(())
            }
        }
    }
}

fn unplaceable(row: usize, line: u64, value: &Value) -> Problem {
    Problem {
        row,
        line,
        column: "id".into(),
        raw: value["id"].as_str().unwrap_or_default().to_owned(),
        reason: "is not a valid id".into(),
        help: Some(ID_HELP.into()),
        outcome: format!(
            "{} skipped: it cannot be given a file name",
            value["kind"].as_str().unwrap_or("document")
        ),
    }
}

/// One way a document fails its schema, in governance terms.
#[derive(Debug)]
struct Violation {
    /// The field concerned, dotted (`baseline.budget`; list indexes left out), and the
    /// object it is in (`baseline`; empty for the document itself).
    path: String,
    within: String,
    /// A required field is missing.
    required: bool,
    message: String,
    help: Option<String>,
}

impl Violation {
    /// Whether this is about the mapped `field`: the field itself, a value inside it, or
    /// (for a problem with the object it is in) one of the object's fields.
    fn concerns(&self, field: &str) -> bool {
        self.path == field
            || self.path.starts_with(&format!("{field}."))
            || (!self.within.is_empty() && field.starts_with(&format!("{}.", self.within)))
    }
}

/// The violations of `doc` against `schema`; none when it is valid.
fn violations(schema: &Schema, doc: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    // The messages come from the schema module, which points into a file: the document
    // as it would be written, read back (only when there is something to say).
    let mut spans: Option<Spans> = None;
    for error in schema.validator.iter_errors(doc) {
        let mut within: Vec<String> = Vec::new();
        for seg in error.instance_path().iter() {
            match seg {
                LocationSegment::Property(p) => within.push(p.into_owned()),
                LocationSegment::Index(_) => break,
            }
        }
        let within = within.join(".");
        let join = |name: &str| match within.is_empty() {
            true => name.to_owned(),
            false => format!("{within}.{name}"),
        };
        let (paths, required): (Vec<String>, bool) = match error.kind() {
            E::AdditionalProperties { unexpected } | E::UnevaluatedProperties { unexpected } => {
                (unexpected.iter().map(|n| join(n)).collect(), false)
            }
            E::Required { property } => (vec![join(property.as_str().unwrap_or_default())], true),
            _ => (vec![within.clone()], false),
        };
        // A number written as text: the mapping should read it as one.
        let as_number = matches!(error.kind(), E::Type { .. })
            && error
                .instance()
                .as_str()
                .is_some_and(|s| cell::number(s, &Default::default()).is_ok());
        let spans = spans.get_or_insert_with(|| {
            let text = emit::document(doc);
            let mut parsed = crate::parse::load("", text.as_bytes(), &Default::default());
            match parsed.docs.is_empty() {
                true => Spans::default(),
                false => parsed.docs.swap_remove(0).spans,
            }
        });
        let described = match spans.root() == Default::default() {
            // Not reached (written documents read back); never panic on a message.
            true => vec![s001::finding(
                "",
                Default::default(),
                error.masked().to_string(),
            )],
            false => crate::schema::describe("", doc, spans, &schema.json, &error),
        };
        for (i, d) in described.into_iter().enumerate() {
            let path = paths.get(i).or(paths.last()).cloned().unwrap_or_default();
            let help = match as_number {
                true => Some("add `number: true` to this field in the mapping".to_owned()),
                false => d.help,
            };
            out.push(Violation {
                path,
                within: within.clone(),
                required,
                message: d.message,
                help,
            });
        }
    }
    out
}

fn column_name(column: &Column, headers: &[String]) -> String {
    match column {
        Column::Name(n) => n.clone(),
        Column::Number(i) => headers
            .get(i.saturating_sub(1))
            .filter(|_| *i > 0)
            .map_or_else(|| format!("column {i}"), |h| format!("{h} (column {i})")),
    }
}

/// The raw text of a field's cell and the column it is from: the first non-empty of its
/// columns, or with `join`, the non-empty ones joined. For an empty cell, the column
/// names all the columns looked at.
fn raw(spec: &FieldMap, cells: &[&str], headers: &[String]) -> (String, Option<String>) {
    let columns: Vec<&Column> = spec.column.iter().chain(&spec.columns).collect();
    let cell = |c: &Column| -> Option<&str> {
        cells
            .get(index(c, headers)?)
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
    };
    let all = || {
        let names: Vec<String> = columns.iter().map(|c| column_name(c, headers)).collect();
        match names.is_empty() {
            true => "(value)".to_owned(),
            false => names.join(" or "),
        }
    };
    if let Some(separator) = &spec.join {
        let filled: Vec<&str> = columns.iter().filter_map(|c| cell(c)).collect();
        let names: Vec<String> = columns.iter().map(|c| column_name(c, headers)).collect();
        return match filled.is_empty() {
            true => (all(), None),
            false => (names.join(" + "), Some(filled.join(separator))),
        };
    }
    let found = columns
        .iter()
        .find_map(|c| cell(c).map(|v| (column_name(c, headers), v)));
    match found {
        Some((name, v)) => (name, Some(v.to_owned())),
        None => (all(), None),
    }
}

/// Where in the file a row is.
#[derive(Debug, Clone, Copy)]
struct At {
    row: usize,
    line: u64,
}

/// One row: its cells, the header, and where it is.
struct Row<'r> {
    cells: &'r [&'r str],
    headers: &'r [String],
    at: At,
}

/// A field's value as made from its cell, with where it came from.
struct Made {
    field: String,
    value: Value,
    column: String,
    raw: String,
    /// The document cannot be written without it.
    must: bool,
    /// The document the value names, to create unless the rows make it.
    creation: Option<Value>,
}

/// The document a `create:` makes for the value `id` read from the cell `raw`; a field
/// read from the row that cannot be read makes none.
fn creation(
    create: &Create,
    id: &str,
    raw: &str,
    row: &Row<'_>,
    ids: &mut Ids,
) -> Result<Value, String> {
    let mut doc = Map::new();
    doc.insert("kind".into(), Value::from(create.kind.as_str()));
    doc.insert("id".into(), Value::from(id));
    for (k, field) in &create.fields {
        let value = match field {
            CreateField::Template(template) => Value::from(
                template
                    .replace("{value}", id)
                    .replace("{raw}", raw)
                    .replace("{slug}", &cell::slug(raw)),
            ),
            CreateField::Field(spec) => {
                let (column, cell) = raw_of(spec, row);
                let read = match (&spec.value, cell) {
                    (Some(constant), _) => Some(constant.clone()),
                    (None, Some(text)) => {
                        read_cell(&text, spec, ids, row.at.row).map_err(|(reason, _)| {
                            format!("`{column}` of the row: `{text}` {reason}")
                        })?
                    }
                    (None, None) => spec.default.clone(),
                };
                // Empty: left out; the schema says whether the document needs it.
                let Some(value) = read else { continue };
                value
            }
        };
        set(&mut doc, k, value);
    }
    Ok(Value::Object(doc))
}

/// A cell's value. An id made with `slug: true` is recorded in `ids`: one that a
/// different text was cut to in an earlier row cannot be used, since it would silently
/// merge the two.
fn read_cell(
    text: &str,
    spec: &FieldMap,
    ids: &mut Ids,
    row: usize,
) -> Result<Option<Value>, (String, Option<String>)> {
    let read = cell::read_id(text, spec).map_err(|cell::Problem(reason)| (reason, None))?;
    let id = match &read.value {
        Value::String(s) => Some(s.as_str()),
        Value::Array(a) => a.first().and_then(Value::as_str),
        _ => None,
    };
    let Some(id) = id.filter(|_| spec.slug) else {
        return Ok(Some(read.value));
    };
    let full = read.uncut.as_deref().unwrap_or(id);
    match ids.add(id, full, row, text) {
        Ok(()) => Ok(Some(read.value)),
        Err((first, other)) => Err((
            format!(
                "is the id `{id}` once cut to {} characters, as `{other}` of row {first} is",
                cell::SLUG_MAX
            ),
            Some(format!(
                "ids made with `slug: true` are cut to {} characters: give this column shorter ids with `map:`, or make the id of a shorter column (a code)",
                cell::SLUG_MAX
            )),
        )),
    }
}

fn raw_of(spec: &FieldMap, row: &Row<'_>) -> (String, Option<String>) {
    raw(spec, row.cells, row.headers)
}

/// What one document of one row makes: the document, the documents it asks to create,
/// and its optional fields left empty (column, "kind field").
type Document = (Value, Vec<Creation>, Vec<(String, String)>);

/// One document of one row; `Err` when it is skipped (its problems are in `problems`).
/// Every document returned passes `schemas`.
fn document(
    map: &DocumentMap,
    row: &Row<'_>,
    schemas: &Schemas,
    ids: &mut Ids,
    problems: &mut Vec<Problem>,
) -> Result<Document, ()> {
    let at = row.at;
    let schema = schemas.get(map.kind);
    let required = fit::required_fields(&schema.json);
    let kind = map.kind.as_str();
    let mut failed = false;
    let mut problem = |column: &str, raw: &str, reason: String, help: Option<String>, outcome| {
        problems.push(Problem {
            row: at.row,
            line: at.line,
            column: column.to_owned(),
            raw: raw.to_owned(),
            reason,
            help,
            outcome,
        })
    };
    let fields = std::iter::once(("id".to_owned(), &map.id))
        .chain(map.fields.iter().map(|(k, v)| (k.clone(), v)));
    let mut made: Vec<Made> = Vec::new();
    let mut empties = Vec::new();
    // How outcomes name the document: with its id once that is made (it comes first).
    let mut name = kind.to_owned();
    for (field, spec) in fields {
        let top = field.split('.').next().unwrap_or_default();
        let must = field == "id" || (required.iter().any(|r| r == top) && !field.contains('.'));
        let (column, cell) = raw_of(spec, row);
        let raw_text = cell.clone().unwrap_or_default();
        let result: Result<Option<Value>, (String, Option<String>)> = match (&spec.value, &cell) {
            (Some(constant), _) => Ok(Some(constant.clone())),
            (None, Some(text)) => read_cell(text, spec, ids, at.row),
            (None, None) => Ok(spec.default.clone()),
        };
        // An id names a file: nothing else may become one.
        let result = result.and_then(|v| match &v {
            Some(id) if field == "id" && !id.as_str().is_some_and(valid_id) => {
                Err(("is not a valid id".to_owned(), Some(ID_HELP.to_owned())))
            }
            _ => Ok(v),
        });
        // The document the value names, to create: valid, or the value cannot be used.
        let mut created = None;
        let result = result.and_then(|v| match (&spec.create, &v) {
            (Some(create), Some(Value::String(id))) => {
                let what = format!("{} {}", create.kind.article(), create.kind);
                if !valid_id(id) {
                    return Err((
                        format!("is not a valid id for {what} to create"),
                        Some(ID_HELP.to_owned()),
                    ));
                }
                let doc = creation(create, id, &raw_text, row, ids)
                    .map_err(|p| (format!("cannot make {what}: {p}"), None))?;
                if let Some(v) = violations(schemas.get(create.kind), &doc)
                    .into_iter()
                    .next()
                {
                    return Err((format!("cannot make {what}: {}", v.message), v.help));
                }
                created = Some(doc);
                Ok(v)
            }
            _ => Ok(v),
        });
        match result {
            Ok(Some(v)) => {
                if field == "id"
                    && let Value::String(id) = &v
                {
                    name = format!("{kind} `{id}`");
                }
                made.push(Made {
                    field,
                    value: v,
                    column,
                    raw: raw_text,
                    must,
                    creation: created,
                });
            }
            Ok(None) if must => {
                problem(
                    &column,
                    "",
                    "empty".into(),
                    None,
                    format!("{kind} skipped: `{field}` is required"),
                );
                failed = true;
            }
            Ok(None) => empties.push((column, format!("{kind} {field}"))),
            Err((reason, help)) => {
                if must || map.on_error != OnError::DropField {
                    let outcome = format!("{kind} skipped (`{field}`)");
                    problem(&column, &raw_text, reason, help, outcome);
                    failed = true;
                } else {
                    let outcome = format!("field `{field}` of {name} left out");
                    problem(&column, &raw_text, reason, help, outcome);
                }
            }
        }
    }
    if failed {
        return Err(());
    }
    // The document against its schema (the repository's overlays included): a value the
    // kind does not accept (`capacity: -3`, a reference that is not an id) is a cell that
    // cannot be used, like any other. Each round leaves a field out or skips the document.
    loop {
        let mut value = Map::new();
        value.insert("kind".into(), Value::from(kind));
        for m in &made {
            set(&mut value, &m.field, m.value.clone());
        }
        let value = Value::Object(value);
        let found = violations(schema, &value);
        if found.is_empty() {
            let creations = made
                .into_iter()
                .filter_map(|m| {
                    m.creation.map(|value| Creation {
                        value,
                        column: m.column,
                        raw: m.raw,
                    })
                })
                .collect();
            return Ok((value, creations, empties));
        }
        let mut drop: Vec<usize> = Vec::new();
        for v in found {
            let (column, raw_text) = match made.iter().position(|m| v.concerns(&m.field)) {
                Some(i) if !made[i].must && map.on_error == OnError::DropField => {
                    let m = &made[i];
                    let outcome = format!("field `{}` of {name} left out", m.field);
                    problem(&m.column, &m.raw, v.message, v.help, outcome);
                    drop.push(i);
                    continue;
                }
                Some(i) => (made[i].column.clone(), made[i].raw.clone()),
                // Not about one field: the document as a whole, named by its id.
                None => made
                    .first()
                    .map(|m| (m.column.clone(), m.raw.clone()))
                    .unwrap_or_default(),
            };
            let field = made
                .iter()
                .find(|m| v.concerns(&m.field))
                .map_or("", |m| m.field.as_str());
            let outcome = match field {
                "" => format!("{name} skipped"),
                f => format!("{kind} skipped (`{f}`)"),
            };
            problem(&column, &raw_text, v.message, v.help, outcome);
            failed = true;
        }
        if failed || drop.is_empty() {
            return Err(());
        }
        drop.sort_unstable();
        drop.dedup();
        for i in drop.into_iter().rev() {
            made.remove(i);
        }
    }
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

/// The document's file in the suggested layout; `None` when the id (or the project, which
/// names a folder) is not a valid id: such a document has no file.
pub fn path_of(value: &Value) -> Option<String> {
    let kind = value["kind"]
        .as_str()
        .and_then(Kind::parse)
        .unwrap_or(Kind::Project);
    let id = value["id"].as_str().filter(|id| valid_id(id))?;
    let project = match value.get("project") {
        None | Some(Value::Null) => None,
        Some(p) => Some(p.as_str().filter(|p| valid_id(p))?),
    };
    Some(crate::scaffold::layout(kind, project, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    fn mapping(text: &str) -> Mapping {
        mapping::load("map.yaml", text.as_bytes()).unwrap_or_else(|d| panic!("{d:?}"))
    }

    fn builtin() -> Schemas {
        Schemas::compile(&HashMap::new(), &[]).unwrap()
    }

    const PEOPLE: &str = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields:\n      name: {column: Name}\n      capacity: {column: Capacity, number: true}\n";

    #[test]
    fn no_path_leaves_the_output_directory() {
        let doc = |id: &str, project: Option<&str>| {
            let mut v = json!({"kind": "risk", "id": id});
            if let Some(p) = project {
                v["project"] = json!(p);
            }
            v
        };
        assert_eq!(
            path_of(&doc("r1", Some("apollo"))).as_deref(),
            Some("projects/apollo/risks/r1.yaml")
        );
        assert_eq!(path_of(&doc("../../escaped", None)), None);
        assert_eq!(path_of(&doc("r1", Some("../.."))), None);
        assert_eq!(
            path_of(&json!({"kind": "risk", "id": "r1", "project": 7})),
            None
        );
    }

    #[test]
    fn invalid_ids_skip_their_document_and_the_rest_is_imported() {
        let text = "Id,Name,Capacity\n../../escaped,Eve,1\n\"a b\",Spacey,1\nok,Fine,0.5\n";
        let out = run(text, &mapping(PEOPLE), &builtin()).unwrap();
        let paths: Vec<&str> = out.documents.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["people/ok.yaml"]);
        assert_eq!(out.documents_skipped, 2);
        let first = &out.problems[0];
        assert_eq!(
            (
                first.row,
                first.line,
                first.column.as_str(),
                first.raw.as_str()
            ),
            (1, 2, "Id", "../../escaped")
        );
        assert_eq!(first.reason, "is not a valid id");
        assert!(first.help.as_deref().unwrap().contains("slug: true"));
    }

    #[test]
    fn values_the_schema_refuses_are_cells_that_cannot_be_used() {
        let text = "Id,Name,Capacity\nann,Ann,-3\n";
        let out = run(text, &mapping(PEOPLE), &builtin()).unwrap();
        assert_eq!(out.documents.len(), 1);
        assert_eq!(out.documents[0].1.get("capacity"), None);
        let p = &out.problems[0];
        assert_eq!((p.column.as_str(), p.raw.as_str()), ("Capacity", "-3"));
        assert!(p.reason.contains("at least 0"), "{p:?}");
        assert_eq!(p.outcome, "field `capacity` of person `ann` left out");
        assert_eq!(out.fields_dropped, 1);

        // skip_document: the document is not written at all.
        let strict = PEOPLE.replace("    id:", "    on_error: skip_document\n    id:");
        let out = run(text, &mapping(&strict), &builtin()).unwrap();
        assert!(out.documents.is_empty());
        assert_eq!(out.problems[0].outcome, "person skipped (`capacity`)");
    }

    #[test]
    fn the_mapping_must_fit_the_file_and_the_schemas() {
        let text = "Id,Name,Capacity,Team\nann,Ann,1,x\n";
        let far = PEOPLE.replace(
            "{column: Capacity, number: true}",
            "{column: 99, number: true}",
        );
        let Err(Error::Mapping(d)) = run(text, &mapping(&far), &builtin()) else {
            panic!("column 99 accepted")
        };
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].file.as_str(), d[0].span.start.line), ("map.yaml", 7));
        assert!(d[0].message.contains("column 99") && d[0].message.contains("4 columns"));
        assert!(d[0].help.as_deref().unwrap().contains("4 `Team`"), "{d:?}");

        let wrong = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id, prefix: ../}\n    fields:\n      nmae: {column: Name}\n      capacity: {value: -1}\n";
        let Err(Error::Mapping(d)) = run(text, &mapping(wrong), &builtin()) else {
            panic!("accepted")
        };
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "prefix `../` cannot be part of an id",
                "a person needs `name`, which the mapping does not fill",
                "a person has no field `nmae`",
                "`capacity` must be at least 0, found `-1`"
            ],
            "{d:?}"
        );
        assert!(
            d[2].help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `name`?")
        );

        let odd = PEOPLE.replace("version: 1\n", "version: 1\ncsv: {delimiter: \"é\"}\n");
        let Err(Error::Mapping(d)) = run("Idé\n", &mapping(&odd), &builtin()) else {
            panic!("accepted")
        };
        assert_eq!(
            d[0].message,
            "`csv.delimiter` must be an ASCII character, found `é`"
        );
    }

    #[test]
    fn created_documents_must_be_valid() {
        let map = "version: 1\ndocuments:\n  - kind: program\n    id: {column: Id}\n    fields:\n      title: {column: Id}\n      manager: {column: Boss, create: {kind: person, fields: {name: \"{raw}\"}}}\n";
        let text = "Id,Boss\nprg,a b\nprg2,bob\n";
        let out = run(text, &mapping(map), &builtin()).unwrap();
        let paths: Vec<&str> = out.documents.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["programs/prg2.yaml", "people/bob.yaml"]);
        assert_eq!(
            out.problems[0].reason,
            "is not a valid id for a person to create"
        );
        assert_eq!(out.problems[0].outcome, "program skipped (`manager`)");
    }

    const ISC: &str =
        "Indigenous Services Canada & Crown-Indigenous Relations and Northern Affairs Canada";
    const ISC2: &str =
        "Indigenous Services Canada & Crown-Indigenous Relations and Northern Development";

    #[test]
    fn texts_cut_to_one_id_are_not_merged() {
        let map = "version: 1\ndocuments:\n  - kind: project\n    id: {column: Code}\n    fields:\n      title: {column: Code}\n      state: {value: active}\n      phase: {value: delivery}\n      sponsor: {value: ann}\n      manager: {value: ann}\n      program:\n        column: Dept\n        slug: true\n        prefix: dept-\n        create: {kind: program, fields: {title: \"{raw}\", manager: ann}}\n";
        let text = format!(
            "Code,Dept\na,{ISC}\nb,{ISC2}\nc,{ISC}\nd,{}\n",
            ISC.to_uppercase()
        );
        let out = run(&text, &mapping(map), &builtin()).unwrap();
        let programs: Vec<&Value> = out
            .documents
            .iter()
            .filter(|(p, _)| p.starts_with("programs/"))
            .map(|(_, v)| v)
            .collect();
        assert_eq!(programs.len(), 1);
        assert_eq!(programs[0]["title"], ISC);
        let b = &out
            .documents
            .iter()
            .find(|(_, v)| v["id"] == "b")
            .unwrap()
            .1;
        assert_eq!(b.get("program"), None, "{b}");
        // The same text in capitals is the same id, uncut as cut: only the title differs.
        let d = &out
            .documents
            .iter()
            .find(|(_, v)| v["id"] == "d")
            .unwrap()
            .1;
        assert_eq!(d["program"], programs[0]["id"]);
        assert_eq!(out.problems.len(), 2, "{:?}", out.problems);
        assert!(out.problems[1].reason.contains("with title `INDIGENOUS"));
        let p = &out.problems[0];
        assert_eq!(
            (p.row, p.line, p.column.as_str(), p.raw.as_str()),
            (2, 3, "Dept", ISC2)
        );
        assert_eq!(
            p.reason,
            format!(
                "is the id `dept-indigenous-services-canada-crown-indigenous-relations-and-no` once cut to 60 characters, as `{ISC}` of row 1 is"
            )
        );
        assert!(p.help.as_deref().unwrap().contains("cut to 60"), "{p:?}");
        assert_eq!(p.outcome, "field `program` of project `b` left out");

        // A document id: the second document is skipped, naming the first.
        let people = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Name, slug: true}\n    fields: {name: {column: Name}}\n";
        let out = run(
            &format!("Name\n{ISC}\n{ISC2}\n"),
            &mapping(people),
            &builtin(),
        )
        .unwrap();
        assert_eq!(out.documents.len(), 1);
        assert_eq!(out.documents_skipped, 1);
        assert_eq!(out.problems[0].outcome, "person skipped (`id`)");
    }

    #[test]
    fn where_keeps_the_rows_that_meet_every_condition() {
        let map = |filter: &str| {
            mapping(&format!(
                "version: 1\nwhere: {filter}\ndocuments:\n  - kind: person\n    id: {{column: Id}}\n    fields: {{name: {{column: Id}}}}\n"
            ))
        };
        let text =
            "Id,Status,Year\nann,Active,2023\nbob,Closed,2023\ncat, active ,2024\ndan,,2023\n";
        let ids = |out: &Outcome| -> Vec<String> {
            out.documents
                .iter()
                .map(|(_, v)| v["id"].as_str().unwrap().to_owned())
                .collect()
        };
        let out = run(text, &map("{column: Status, equals: Active}"), &builtin()).unwrap();
        assert_eq!(ids(&out), ["ann"]);
        assert_eq!((out.rows, out.rows_filtered), (4, 3));
        let out = run(text, &map("{column: 3, equals: 2023}"), &builtin()).unwrap();
        assert_eq!(ids(&out), ["ann", "bob", "dan"]);
        let out = run(
            text,
            &map("{column: Status, in: [Closed, \"\"]}"),
            &builtin(),
        )
        .unwrap();
        assert_eq!(ids(&out), ["bob", "dan"]);
        // The whole cell, spaces around ignored; `(?i)` ignores case.
        let out = run(
            text,
            &map("{column: Status, matches: \"(?i)active\"}"),
            &builtin(),
        )
        .unwrap();
        assert_eq!(ids(&out), ["ann", "cat"]);
        let out = run(
            text,
            &map("{column: Status, matches: \"ctiv\"}"),
            &builtin(),
        )
        .unwrap();
        assert_eq!(ids(&out), Vec::<String>::new());
        let both = "[{column: Status, matches: \"(?i)active\"}, {column: Year, equals: 2024}]";
        assert_eq!(ids(&run(text, &map(both), &builtin()).unwrap()), ["cat"]);
    }

    #[test]
    fn patterns_are_linear_and_bounded() {
        // A pattern that takes a backtracking engine exponential time on this cell.
        let re = pattern("(a+)+b").unwrap();
        let cell = "a".repeat(100_000);
        let started = std::time::Instant::now();
        assert!(!re.is_match(&cell));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(
            pattern("a{1000}{1000}").unwrap_err(),
            "the pattern is too large"
        );
        assert!(pattern("(").is_err());
    }

    #[test]
    fn columns_join_and_created_documents_read_other_columns() {
        let map = "version: 1\ndocuments:\n  - kind: project\n    id: {columns: [Dept, Code], join: \"-\", slug: true}\n    fields:\n      title: {columns: [Code, Name], join: \": \"}\n      state: {value: active}\n      phase: {value: delivery}\n      sponsor: {value: ann}\n      manager: {value: ann}\n      program:\n        column: Dept\n        slug: true\n        create: {kind: program, fields: {title: {column: DeptName}, manager: \"sro-{slug}\", description: {column: Boss}}}\n";
        let text = "Dept,DeptName,Code,Name,Boss\nHO,Home Office,A1,Passports,Ann Lee\nHO,Home Office,A2,,\nDFE,Education,B1,Schools,\nCO,Cabinet,C1,Census,\nCO,Cabinet Office,C2,Census 2,\n";
        let out = run(text, &mapping(map), &builtin()).unwrap();
        let doc = |id: &str| &out.documents.iter().find(|(_, v)| v["id"] == id).unwrap().1;
        assert_eq!(doc("ho-a1")["title"], "A1: Passports");
        // An empty cell is left out of the join.
        assert_eq!(doc("ho-a2")["title"], "A2");
        assert_eq!(doc("ho")["title"], "Home Office");
        assert_eq!(doc("ho")["manager"], "sro-ho");
        assert_eq!(doc("ho")["description"], "Ann Lee");
        // An empty optional field of a created document is left out.
        assert_eq!(doc("dfe").get("description"), None);
        // A later row that would make the program differently: reported, the first kept.
        assert_eq!(doc("co")["title"], "Cabinet");
        let p = out.problems.iter().find(|p| p.row == 5).unwrap();
        assert_eq!(
            (p.line, p.column.as_str(), p.raw.as_str()),
            (6, "Dept", "CO")
        );
        assert_eq!(
            p.reason,
            "names program `co` with title `Cabinet Office`, but row 4 made it with `Cabinet`"
        );
        assert_eq!(p.outcome, "program `co` of row 4 kept");
        // The row that created it the same way (row 2, `ho`) is no problem.
        assert_eq!(out.problems.len(), 1, "{:?}", out.problems);
    }

    #[test]
    fn empty_optional_cells_are_counted_per_column() {
        let map = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields:\n      name: {column: Id}\n      capacity: {column: FTE, number: true}\n      email: {columns: [Mail, Alt]}\n  - kind: person\n    id: {column: Id, suffix: \"-2\"}\n    fields:\n      name: {column: Id}\n      capacity: {column: FTE, number: true, default: 1}\n";
        let text = "Id,FTE,Mail,Alt\nann,,,\nbob,1,,b@example.org\ncat,,c@example.org,\n";
        let out = run(text, &mapping(map), &builtin()).unwrap();
        assert_eq!(out.fields_dropped, 0);
        let empty: Vec<(&str, usize, Vec<&str>)> = out
            .empty
            .iter()
            .map(|(c, e)| {
                (
                    c.as_str(),
                    e.cells,
                    e.fields.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            empty,
            [
                ("FTE", 2, vec!["person capacity"]),
                ("Mail or Alt", 1, vec!["person email"]),
            ]
        );
    }

    #[test]
    fn a_repeated_header_is_named_by_number() {
        let map = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields:\n      name: {column: Name}\n";
        let text = "Id,Name,Name\nann,Ann,Anne\n";
        let Err(Error::Mapping(d)) = run(text, &mapping(map), &builtin()) else {
            panic!("a repeated header accepted")
        };
        assert_eq!((d[0].span.start.line, d[0].span.start.column), (6, 22));
        assert_eq!(
            d[0].message,
            "the file has 2 columns named `Name` (columns 2 and 3): the mapping must say which"
        );
        assert!(
            d[0].help.as_deref().unwrap().contains("`2` for the first"),
            "{d:?}"
        );
        let by_number = map.replace("{column: Name}", "{column: 3}");
        let out = run(text, &mapping(&by_number), &builtin()).unwrap();
        assert_eq!(out.documents[0].1["name"], "Anne");
        // Named in `where:` too.
        let filtered = map.replace(
            "documents:",
            "where: {column: Name, equals: Ann}\ndocuments:",
        );
        let Err(Error::Mapping(d)) = run(text, &mapping(&filtered), &builtin()) else {
            panic!("a repeated header accepted in where")
        };
        assert_eq!(d[0].span.start.line, 2, "{d:?}");
    }
}
