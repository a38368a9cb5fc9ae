//! Before any row is read: does the mapping fit the file (its delimiter, quote and
//! columns) and the schemas of the kinds it makes? Each misfit is located in the mapping.

use super::mapping::{self, Column, Create, Mapping};
use super::{ID_HELP, ID_RULE, set, violations};
use crate::diagnostic::Diagnostic;
use crate::model::valid_id;
use crate::parse::Seg;
use crate::schema::Schemas;
use serde_json::{Map, Value};

/// The reader takes one byte for the delimiter and one for the quote.
pub(super) fn check_csv(mapping: &Mapping) -> Vec<Diagnostic> {
    let source = &mapping.source;
    let mut out = Vec::new();
    for (key, text) in [
        ("delimiter", &mapping.csv.delimiter),
        ("quote", &mapping.csv.quote),
    ] {
        if !text.is_ascii() {
            out.push(
                source
                    .diagnostic(
                        &[Seg::Key("csv"), Seg::Key(key)],
                        false,
                        format!("`csv.{key}` must be an ASCII character, found `{text}`"),
                    )
                    .help("use `,`, `;`, a tab (`\"\\t\"`), `|` or another ASCII character"),
            );
        }
    }
    out
}

/// Everything about the mapping that can be checked before the first row: the columns
/// it names exist, the fields it fills exist in the kinds' schemas (overlays included),
/// every required field is filled, constants are valid values, and prefixes and
/// suffixes can be part of an id. Located on the mapping file.
pub(super) fn check_mapping(
    mapping: &Mapping,
    headers: &[String],
    width: usize,
    schemas: &Schemas,
) -> Vec<Diagnostic> {
    let source = &mapping.source;
    let mut out = Vec::new();
    let columns_help = || -> String {
        match (width, headers.is_empty()) {
            (0, _) => "the file is empty".into(),
            (_, true) => {
                format!(
                    "the file has {width} column{}, numbered from 1 (`csv.header` is false)",
                    if width == 1 { "" } else { "s" }
                )
            }
            (_, false) => {
                let named: Vec<String> = headers
                    .iter()
                    .enumerate()
                    .map(|(i, h)| format!("{} `{h}`", i + 1))
                    .collect();
                format!("the file's columns are {}", named.join(", "))
            }
        }
    };
    for (i, condition) in mapping.filter.iter().enumerate() {
        // `where:` is one condition or a list of them.
        let mut base = vec![Seg::Key("where")];
        if source.value.get("where").is_some_and(Value::is_array) {
            base.push(Seg::Index(i));
        }
        let mut path = base.clone();
        path.push(Seg::Key("column"));
        if let Some(d) = misfit(
            source,
            &path,
            &condition.column,
            headers,
            width,
            &columns_help,
        ) {
            out.push(d);
        }
        if let Some(p) = &condition.matches
            && let Err(e) = super::pattern(p)
        {
            let mut path = base;
            path.push(Seg::Key("matches"));
            out.push(
                source
                    .diagnostic(
                        &path,
                        false,
                        format!("`{p}` is not a pattern pmo can use: {e}"),
                    )
                    .help("the `regex` crate's syntax: https://docs.rs/regex/1/regex/#syntax (no look-around, no back-references)"),
            );
        }
    }
    for (i, doc) in mapping.documents.iter().enumerate() {
        let schema = schemas.get(doc.kind);
        let kind = doc.kind;
        let specs = std::iter::once((None, &doc.id))
            .chain(doc.fields.iter().map(|(k, f)| (Some(k.as_str()), f)));
        for (field, spec) in specs {
            let mut base = vec![Seg::Key("documents"), Seg::Index(i)];
            match field {
                None => base.push(Seg::Key("id")),
                Some(f) => base.extend([Seg::Key("fields"), Seg::Key(f)]),
            }
            let at = |tail: &[Seg<'static>]| -> Vec<Seg<'_>> {
                base.iter().copied().chain(tail.iter().copied()).collect()
            };
            let mut located: Vec<(&Column, Vec<Seg<'_>>)> = Vec::new();
            if let Some(c) = &spec.column {
                located.push((c, at(&[Seg::Key("column")])));
            }
            for (j, c) in spec.columns.iter().enumerate() {
                located.push((c, at(&[Seg::Key("columns"), Seg::Index(j)])));
            }
            // The fields of a created document read from the row name columns too.
            if let Some(create) = &spec.create {
                for (name, field) in &create.fields {
                    let mapping::CreateField::Field(f) = field else {
                        continue;
                    };
                    let mut path = at(&[Seg::Key("create"), Seg::Key("fields")]);
                    path.push(Seg::Key(name));
                    if let Some(c) = &f.column {
                        let mut p = path.clone();
                        p.push(Seg::Key("column"));
                        located.push((c, p));
                    }
                    for (j, c) in f.columns.iter().enumerate() {
                        let mut p = path.clone();
                        p.extend([Seg::Key("columns"), Seg::Index(j)]);
                        located.push((c, p));
                    }
                }
            }
            for (column, path) in located {
                if let Some(d) = misfit(source, &path, column, headers, width, &columns_help) {
                    out.push(d);
                }
            }
            // Prefixes and suffixes end up in ids, which name files.
            for (key, affix) in [("prefix", &spec.prefix), ("suffix", &spec.suffix)] {
                let Some(affix) = affix else { continue };
                // Whatever it is put beside must still make an id.
                let example = match key {
                    "prefix" => format!("{affix}x"),
                    _ => format!("x{affix}"),
                };
                if !valid_id(&example) {
                    out.push(
                        source
                            .diagnostic(
                                &at(&[Seg::Key(key)]),
                                false,
                                format!("{key} `{affix}` cannot be part of an id"),
                            )
                            .help(ID_RULE),
                    );
                }
            }
            if field.is_none()
                && let Some(constant) = &spec.value
                && !constant.as_str().is_some_and(valid_id)
            {
                out.push(
                    source
                        .diagnostic(&at(&[Seg::Key("value")]), false, "the id is not a valid id")
                        .help(ID_HELP),
                );
            }
            if let (Some(f), Some(create)) = (field, &spec.create) {
                out.extend(check_create(
                    source,
                    &at(&[Seg::Key("create")]),
                    f,
                    create,
                    schemas,
                ));
            }
        }

        // Fields the kind does not have would be refused in every row.
        for (field, _) in &doc.fields {
            if let Some((parent, name, known)) = unknown_field(&schema.json, field) {
                let path = [
                    Seg::Key("documents"),
                    Seg::Index(i),
                    Seg::Key("fields"),
                    Seg::Key(field),
                ];
                let what = match parent.is_empty() {
                    true => format!("{} {kind} has no field `{name}`", kind.article()),
                    false => format!(
                        "`{parent}` of {} {kind} has no field `{name}`",
                        kind.article()
                    ),
                };
                let known: Vec<&str> = known.iter().map(String::as_str).collect();
                let help = crate::suggest::did_you_mean(&name, known.iter().copied())
                    .unwrap_or_else(|| format!("its fields are {}", crate::suggest::list(&known)));
                out.push(source.diagnostic(&path, true, what).help(format!(
                    "{help}; an organisation adds its own fields in schema/{kind}.schema.json of the repository imported into"
                )));
            }
        }

        // Required fields the mapping does not fill at all.
        let filled: Vec<&str> = doc
            .fields
            .iter()
            .map(|(k, _)| k.split('.').next().unwrap_or_default())
            .chain(["kind", "id"])
            .collect();
        for name in required_fields(&schema.json) {
            if !filled.contains(&name.as_str()) {
                let path = [Seg::Key("documents"), Seg::Index(i), Seg::Key("fields")];
                out.push(
                    source
                        .diagnostic(
                            &path,
                            true,
                            format!(
                                "{} {kind} needs `{name}`, which the mapping does not fill",
                                kind.article()
                            ),
                        )
                        .help(format!(
                            "add `{name}:` under `fields:`, with a `column` or a `value`"
                        )),
                );
            }
        }

        // Constants the kind does not accept would be refused in every row.
        let mut skeleton = Map::new();
        skeleton.insert("kind".into(), Value::from(kind.as_str()));
        skeleton.insert("id".into(), Value::from("x"));
        let constants: Vec<&str> = doc
            .fields
            .iter()
            .filter_map(|(k, f)| {
                let v = f.value.as_ref()?;
                set(&mut skeleton, k, v.clone());
                Some(k.as_str())
            })
            .collect();
        let skeleton = Value::Object(skeleton);
        for v in violations(schema, &skeleton) {
            if v.required {
                continue;
            }
            if let Some(field) = constants.iter().find(|c| v.concerns(c)) {
                let path = [
                    Seg::Key("documents"),
                    Seg::Index(i),
                    Seg::Key("fields"),
                    Seg::Key(field),
                    Seg::Key("value"),
                ];
                out.push(
                    source
                        .diagnostic(&path, false, v.message)
                        .maybe_help(v.help),
                );
            }
        }
    }
    out.sort_by_key(|d| d.span);
    out
}

/// Why the mapping's `column` does not name one column of the file, located at `path`.
fn misfit(
    source: &mapping::Source,
    path: &[Seg<'_>],
    column: &Column,
    headers: &[String],
    width: usize,
    columns_help: &dyn Fn() -> String,
) -> Option<Diagnostic> {
    let message = match column {
        Column::Name(name) if headers.is_empty() && width > 0 => format!(
            "the mapping names column `{name}`, but the file has no header row (`csv.header: false`)"
        ),
        Column::Name(name) if !headers.iter().any(|h| h == name) => {
            format!("the mapping names column `{name}`, which the file does not have")
        }
        // Real exports repeat names (two `colour_rating` columns): taking the first
        // would silently ignore the other.
        Column::Name(name) => {
            let numbers: Vec<String> = headers
                .iter()
                .enumerate()
                .filter(|(_, h)| *h == name)
                .map(|(i, _)| (i + 1).to_string())
                .collect();
            if numbers.len() < 2 {
                return None;
            }
            let (last, rest) = numbers.split_last()?;
            let message = format!(
                "the file has {} columns named `{name}` (columns {} and {last}): the mapping must say which",
                numbers.len(),
                rest.join(", "),
            );
            return Some(source.diagnostic(path, false, message).help(format!(
                "name the column by its number (`{}` for the first), or list them in `columns: [{}]` for the first that is filled",
                numbers[0],
                numbers.join(", ")
            )));
        }
        Column::Number(n) if *n == 0 || *n > width => format!(
            "the mapping names column {n}, which the file does not have: it has {width} column{}",
            if width == 1 { "" } else { "s" }
        ),
        _ => return None,
    };
    let hint = match column {
        Column::Name(name) => {
            crate::suggest::did_you_mean(name, headers.iter().map(String::as_str))
                .map(|h| format!("{h} "))
        }
        Column::Number(_) => None,
    };
    Some(source.diagnostic(path, false, message).help(format!(
        "{}{}",
        hint.unwrap_or_default(),
        columns_help()
    )))
}

/// A `create:` must make documents its kind accepts.
fn check_create(
    source: &mapping::Source,
    path: &[Seg<'_>],
    field: &str,
    create: &Create,
    schemas: &Schemas,
) -> Vec<Diagnostic> {
    let json = &schemas.get(create.kind).json;
    let (kind, a) = (create.kind, create.kind.article());
    let problem =
        |message: String, help: String| source.diagnostic(path, false, message).help(help);
    let mut out = Vec::new();
    for (name, _) in &create.fields {
        if let Some((_, name, known)) = unknown_field(json, name) {
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            let help = crate::suggest::did_you_mean(&name, known.iter().copied())
                .unwrap_or_else(|| format!("its fields are {}", crate::suggest::list(&known)));
            let message = format!("`{field}` creates {a} {kind}, which has no field `{name}`");
            out.push(problem(message, help));
        }
    }
    for name in required_fields(json) {
        if !["kind", "id"].contains(&name.as_str())
            && !create.fields.iter().any(|(k, _)| *k == name)
        {
            let message =
                format!("`{field}` creates {a} {kind} without `{name}`, which {a} {kind} needs");
            let help = format!(
                "add `{name}: \"...\"` to `create.fields` (`{{raw}}` is the cell, `{{value}}` the id)"
            );
            out.push(problem(message, help));
        }
    }
    out
}

/// The first part of a dotted field that the schema does not declare: (the parent,
/// the part, the parent's fields). `None` when every part is declared, or where the
/// schema does not say which fields an object has.
fn unknown_field(schema: &Value, field: &str) -> Option<(String, String, Vec<String>)> {
    let parts: Vec<&str> = field.split('.').collect();
    for depth in 0..parts.len() {
        let path: Vec<Seg<'_>> = parts[..depth].iter().map(|p| Seg::Key(p)).collect();
        let known = crate::schema::known_properties(schema, &path);
        if known.is_empty() {
            return None;
        }
        if !known.contains(&parts[depth]) {
            return Some((
                parts[..depth].join("."),
                parts[depth].to_owned(),
                known.iter().map(|k| (*k).to_owned()).collect(),
            ));
        }
    }
    None
}

/// Fields a kind's schema requires at the top level (an overlay's included).
pub(super) fn required_fields(schema: &Value) -> Vec<String> {
    let overlays = schema["allOf"].as_array().into_iter().flatten();
    let mut out: Vec<String> = Vec::new();
    for node in std::iter::once(schema).chain(overlays) {
        for name in node["required"].as_array().into_iter().flatten() {
            if let Some(name) = name.as_str()
                && !out.iter().any(|n| n == name)
            {
                out.push(name.to_owned());
            }
        }
    }
    out
}
