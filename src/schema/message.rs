//! Schema violations in governance terms: which field, what is wrong, what is allowed.

use super::navigate::{at_path, description, known_properties};
use super::s001_schema_violation as s001;
use crate::diagnostic::{Diagnostic, Span};
use crate::fix::{self, Edit, Fix};
use crate::parse::{Seg, Spans};
use crate::suggest::{did_you_mean, list, only_close};
use jsonschema::ValidationError;
use jsonschema::error::{TypeKind, ValidationErrorKind as E};
use jsonschema::paths::LocationSegment;
use serde_json::Value;

/// One S001 per violation (an object with three unknown fields gives three).
pub fn describe(
    file: &str,
    root: &Value,
    spans: &Spans,
    schema: &Value,
    error: &ValidationError<'_>,
) -> Vec<Diagnostic> {
    describe_first(file, root, spans, schema, error, usize::MAX)
}

/// How many violations `error` stands for: one per unknown field, else one.
pub(super) fn count(error: &ValidationError<'_>) -> usize {
    match error.kind() {
        E::AdditionalProperties { unexpected } | E::UnevaluatedProperties { unexpected } => {
            unexpected.len()
        }
        _ => 1,
    }
}

/// [`describe`], but only the first `limit` of the violations [`count`]s: the others are
/// not looked up in the document, which costs a walk of their mapping each.
pub(super) fn describe_first(
    file: &str,
    root: &Value,
    spans: &Spans,
    schema: &Value,
    error: &ValidationError<'_>,
    limit: usize,
) -> Vec<Diagnostic> {
    if limit == 0 {
        return Vec::new();
    }
    enum Owned {
        Key(String),
        Index(usize),
    }
    let owned: Vec<Owned> = error
        .instance_path()
        .iter()
        .map(|s| match s {
            LocationSegment::Property(p) => Owned::Key(p.into_owned()),
            LocationSegment::Index(i) => Owned::Index(i),
        })
        .collect();
    let path: Vec<Seg<'_>> = owned
        .iter()
        .map(|s| match s {
            Owned::Key(k) => Seg::Key(k),
            Owned::Index(i) => Seg::Index(*i),
        })
        .collect();
    describe_at(file, root, spans, schema, &path, error, limit)
}

fn describe_at(
    file: &str,
    root: &Value,
    spans: &Spans,
    schema: &Value,
    path: &[Seg<'_>],
    error: &ValidationError<'_>,
    limit: usize,
) -> Vec<Diagnostic> {
    let field = field_name(path);
    let instance = error.instance();
    let value_span = || spans.value_at(root, path.iter().copied());
    let one = |span, message: String, help: Option<String>| {
        vec![s001::finding(file, span, message).maybe_help(help)]
    };
    match error.kind() {
        E::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let mut full = path.to_vec();
            full.push(Seg::Key(name));
            let what = description(schema, &full).map(|d| format!(": {}", lowercase_first(d)));
            let message = match path.is_empty() {
                true => format!("missing required field `{name}`"),
                false => format!("`{field}` is missing required field `{name}`"),
            };
            let help = format!("add `{name}:`{}", what.unwrap_or_default());
            let fix = add_default(root, spans, schema, path, name);
            vec![
                s001::finding(file, spans.mapping_at(root, path.iter().copied()), message)
                    .help(help)
                    .fix(fix),
            ]
        }
        E::AdditionalProperties { unexpected } | E::UnevaluatedProperties { unexpected } => {
            let known = known_properties(schema, path);
            let present = |name: &str| {
                crate::parse::spans::value_in(root, path).is_some_and(|v| v.get(name).is_some())
            };
            // A rename is certain when one field is close, it is not there already, and
            // no other unknown field of the mapping would take the same name.
            let renames: Vec<Option<&str>> = unexpected
                .iter()
                .map(|name| only_close(name, known.iter().copied()).filter(|c| !present(c)))
                .collect();
            let unique = |c: &str| renames.iter().filter(|r| **r == Some(c)).count() == 1;
            unexpected
                .iter()
                .zip(&renames)
                .take(limit)
                .map(|(name, rename)| {
                    let mut full = path.to_vec();
                    full.push(Seg::Key(name));
                    let span = spans.key_at(root, full.iter().copied());
                    let message = match path.is_empty() {
                        true => format!("unknown field `{name}`"),
                        false => format!("unknown field `{name}` in `{field}`"),
                    };
                    let help = did_you_mean(name, known.iter().copied()).or_else(|| {
                        (!known.is_empty()).then(|| {
                            format!(
                                "allowed fields: {}; an organisation adds its own fields in schema/<kind>.schema.json",
                                list(&known)
                            )
                        })
                    });
                    let fix = rename
                        .filter(|c| unique(c) && fix::plain(c))
                        .map(|c| Fix::replace(span, name, c));
                    s001::finding(file, span, message).maybe_help(help).fix(fix)
                })
                .collect()
        }
        E::Enum { options } => {
            let allowed: Vec<&str> = options
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let found = show(instance);
            let help = instance
                .as_str()
                .and_then(|s| did_you_mean(s, allowed.iter().copied()));
            let span = value_span();
            // Only a difference of case is certain: `Open` is `open`.
            let fix = instance.as_str().and_then(|s| {
                let mut same = allowed.iter().filter(|a| a.eq_ignore_ascii_case(s));
                match (same.next(), same.next()) {
                    (Some(one), None) if fix::plain(one) => Some(Fix::replace(span, s, one)),
                    _ => None,
                }
            });
            vec![
                s001::finding(
                    file,
                    span,
                    format!("`{field}` is {found}, expected one of {}", list(&allowed)),
                )
                .maybe_help(help)
                .fix(fix),
            ]
        }
        E::Constant { expected_value } => {
            // `"1"` for `1`: shown alike, so say which is text and how to fix it.
            let quoted = instance.is_string() && !expected_value.is_string();
            let found = match quoted {
                true => format!("the text {}", show(instance)),
                false => show(instance),
            };
            let help = quoted.then(|| format!("write `{expected_value}` without quotes"));
            one(
                value_span(),
                format!("`{field}` must be {expected_value}, found {found}"),
                help,
            )
        }
        E::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article_type(&t.to_string()),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| article_type(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let help = type_help(instance, &expected);
            one(
                value_span(),
                format!("`{field}` must be {expected}, found {}", show(instance)),
                help,
            )
        }
        E::Minimum { limit } => one(
            value_span(),
            format!(
                "`{field}` must be at least {limit}, found {}",
                show(instance)
            ),
            None,
        ),
        E::Maximum { limit } => one(
            value_span(),
            format!(
                "`{field}` must be at most {limit}, found {}",
                show(instance)
            ),
            None,
        ),
        E::ExclusiveMinimum { limit } => one(
            value_span(),
            format!(
                "`{field}` must be greater than {limit}, found {}",
                show(instance)
            ),
            None,
        ),
        E::ExclusiveMaximum { limit } => one(
            value_span(),
            format!(
                "`{field}` must be less than {limit}, found {}",
                show(instance)
            ),
            None,
        ),
        E::MinLength { .. } => one(value_span(), format!("`{field}` must not be empty"), None),
        E::MinItems { limit } => one(
            value_span(),
            format!(
                "`{field}` needs at least {limit} entr{}",
                if *limit == 1 { "y" } else { "ies" }
            ),
            None,
        ),
        E::MinProperties { limit } => one(
            value_span(),
            format!("`{field}` needs at least {limit} entries"),
            None,
        ),
        E::Pattern { pattern } => {
            let help = description(schema, path)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("the pattern is `{pattern}`"));
            one(
                value_span(),
                format!("`{field}` has an invalid value {}", show(instance)),
                Some(help),
            )
        }
        E::Format { format } if format == "date" => {
            let text = instance.as_str().unwrap_or_default();
            let span = value_span();
            let fix = fix::date(text).map(|date| Fix::replace(span, text, &date));
            vec![
                s001::finding(
                    file,
                    span,
                    format!("`{field}` is not a calendar date: {}", date_problem(text)),
                )
                .help("write dates as YYYY-MM-DD, e.g. 2026-11-20")
                .fix(fix),
            ]
        }
        _ => one(value_span(), format!("`{field}`: {}", error.masked()), None),
    }
}

/// The missing field `name` of the mapping at `path` with the default its schema
/// documents, written as a line after the mapping's last field, at its indentation. None
/// for a flow mapping (`{a: 1}`), an empty one, or a field without a plain default.
fn add_default(
    root: &Value,
    spans: &Spans,
    schema: &Value,
    path: &[Seg<'_>],
    name: &str,
) -> Option<Fix> {
    let mut full = path.to_vec();
    full.push(Seg::Key(name));
    let default = at_path(schema, &full)
        .into_iter()
        .find_map(|n| n.get("default"))?;
    let default = match default {
        Value::String(s) if fix::plain(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    let map = crate::parse::spans::value_in(root, path)?.as_object()?;
    // A key that may be this field misspelt (`stauts`, `Status`): the user wrote a
    // value, which the rename (or the user) brings; a default beside it is not certain.
    if map
        .keys()
        .any(|k| crate::suggest::closest(k, [name]).is_some())
    {
        return None;
    }
    let mapping = spans.locate(root, path.iter().copied())?;
    if mapping.alias() {
        return None;
    }
    let mapping = mapping.span;
    let first = spans.mapping_at(root, path.iter().copied());
    // A block mapping starts at its first key; a flow mapping at its brace.
    if map.is_empty() || first.start != mapping.start {
        return None;
    }
    let last = map.keys().next_back()?;
    full.pop();
    full.push(Seg::Key(last));
    let end = spans.locate(root, full.iter().copied())?.span.end;
    let line = if end.column == 1 {
        end.line
    } else {
        end.line + 1
    };
    let at = Span::at(line, 1);
    let indent = " ".repeat(first.start.column as usize - 1);
    Some(Fix {
        title: format!("add `{name}: {default}`"),
        edits: vec![Edit {
            span: Span {
                start: at.start,
                end: at.start,
            },
            old: String::new(),
            new: format!("{indent}{name}: {default}\n"),
        }],
    })
}

/// `baseline.budget`, `milestones[1].baseline`; `document` for the root.
fn field_name(path: &[Seg<'_>]) -> String {
    match crate::parse::spans::display_path(path) {
        p if p.is_empty() => "document".into(),
        p => p,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        Value::Null => "nothing (null)".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
        other => format!("`{other}`"),
    }
}

fn article_type(t: &str) -> String {
    match t {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "an integer".into(),
        "null" => "null".into(),
        other => format!("a {other}"),
    }
}

fn type_help(instance: &Value, expected: &str) -> Option<String> {
    match instance {
        Value::String(s) if expected.contains("number") || expected.contains("integer") => {
            Some(format!(
                "write the number without quotes or units, e.g. `{}`",
                s.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '.')
                    .collect::<String>()
            ))
        }
        Value::String(_) if expected == "a list" => {
            Some("write a list: `[a, b]` or one `- item` per line".into())
        }
        Value::Number(_) | Value::Bool(_) if expected == "a string" => {
            Some("quote the value to make it text".into())
        }
        _ => None,
    }
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Why a string is not a YYYY-MM-DD calendar date.
fn date_problem(text: &str) -> String {
    let parts: Vec<&str> = text.split('-').collect();
    if let [y, m, d] = parts.as_slice()
        && y.len() == 4
        && m.len() == 2
        && d.len() == 2
        && let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>())
    {
        if !(1..=12).contains(&m) {
            return format!("`{text}` has no month {m}");
        }
        if let Ok(first) = jiff::civil::Date::new(y, m, 1) {
            let days = first.days_in_month();
            if d < 1 || d > days {
                return format!("`{text}`: {} {y} has {days} days", first.strftime("%B"));
            }
        }
    }
    format!("`{text}` is not in the form YYYY-MM-DD")
}

#[cfg(test)]
mod tests {
    use super::date_problem;

    #[test]
    fn date_problems_are_explained() {
        assert_eq!(
            date_problem("2026-06-31"),
            "`2026-06-31`: June 2026 has 30 days"
        );
        assert_eq!(
            date_problem("2027-02-29"),
            "`2027-02-29`: February 2027 has 28 days"
        );
        assert_eq!(date_problem("2026-13-01"), "`2026-13-01` has no month 13");
        assert_eq!(
            date_problem("20.11.2026"),
            "`20.11.2026` is not in the form YYYY-MM-DD"
        );
    }
}
