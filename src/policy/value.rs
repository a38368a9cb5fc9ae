//! Documents as CEL values, and CEL values as a message's text.
//!
//! A string written as a calendar date (`2026-11-20`) is a date: a CEL timestamp at
//! midnight UTC, so that dates compare, subtract to a duration (`inDays(today -
//! doc.start)`) and take days (`doc.finish + days(14)`). Numbers stay what YAML wrote:
//! CEL compares integers and floats with each other (`budget > 1000000` holds for
//! `1.2e6`).

use cel::Value;
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelTimestamp,
    CelUInt,
};
use cel::common::value::Val;
use cel::objects::Key;
use chrono::{DateTime, FixedOffset, NaiveDate};
use jiff::civil::Date;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};

/// A CEL value that borrows its text from the document it was made from.
pub type Cel<'a> = Box<dyn Val + 'a>;

/// `json` as CEL sees it, and how many list elements and map entries it holds (a term
/// of the step bound). Text is borrowed, not copied.
pub fn from_json(json: &Json) -> (Cel<'_>, usize) {
    let mut size = 0;
    let value = convert(json, &mut size);
    (value, size)
}

/// [`from_json`] of a mapping's `fields` alone: what a document's policies read of it.
pub fn from_json_fields<'a>(json: &'a Json, fields: &BTreeSet<&str>) -> (Cel<'a>, usize) {
    let Json::Object(map) = json else {
        return from_json(json);
    };
    let mut size = 0;
    let map: HashMap<CelMapKey<'a>, Cel<'a>> = map
        .iter()
        .filter(|(k, _)| fields.contains(k.as_str()))
        .map(|(k, v)| (CelMapKey::from(k.as_str()), convert(v, &mut size)))
        .collect();
    size += map.len();
    (Box::new(CelMap::from(map)), size)
}

fn convert<'a>(json: &'a Json, size: &mut usize) -> Cel<'a> {
    match json {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Box::new(CelInt::from(i)),
            (None, Some(u)) => Box::new(CelUInt::from(u)),
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        Json::String(s) => match date(s) {
            Some(day) => Box::new(timestamp(day)),
            None => Box::new(CelString::from(s.as_str())),
        },
        Json::Array(items) => {
            *size += items.len();
            let items: Vec<Cel<'a>> = items.iter().map(|i| convert(i, size)).collect();
            Box::new(CelList::from(items))
        }
        Json::Object(map) => {
            *size += map.len();
            let map: HashMap<CelMapKey<'a>, Cel<'a>> = map
                .iter()
                .map(|(k, v)| (CelMapKey::from(k.as_str()), convert(v, size)))
                .collect();
            Box::new(CelMap::from(map))
        }
    }
}

/// A string in the form of a calendar date, as that day.
fn date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn timestamp(day: NaiveDate) -> CelTimestamp {
    let utc = FixedOffset::east_opt(0).expect("zero is a valid offset");
    let at: DateTime<FixedOffset> = day
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
        .with_timezone(&utc);
    CelTimestamp::from(at)
}

/// `text` written as a calendar date, as that day (CEL's `date()`).
pub fn date_of(text: &str) -> Option<CelTimestamp> {
    date(text).map(timestamp)
}

/// A day as CEL's timestamp at midnight UTC (`today`).
pub fn day(d: Date) -> Cel<'static> {
    match NaiveDate::from_ymd_opt(i32::from(d.year()), d.month() as u32, d.day() as u32) {
        Some(day) => Box::new(timestamp(day)),
        None => Box::new(CelNull),
    }
}

/// A number, or null.
pub fn number(x: Option<f64>) -> Cel<'static> {
    match x {
        Some(x) => Box::new(CelDouble::from(x)),
        None => Box::new(CelNull),
    }
}

pub fn int(i: i64) -> Cel<'static> {
    Box::new(CelInt::from(i))
}

pub fn string(s: &str) -> Cel<'_> {
    Box::new(CelString::from(s))
}

/// A map of names to values (`figures`, `related`, a lookup).
pub fn map<'a>(entries: impl IntoIterator<Item = (&'a str, Cel<'a>)>) -> Cel<'a> {
    let map: HashMap<CelMapKey<'a>, Cel<'a>> = entries
        .into_iter()
        .map(|(k, v)| (CelMapKey::from(k), v))
        .collect();
    Box::new(CelMap::from(map))
}

/// A value as a message writes it: text as it is, a date as `YYYY-MM-DD`, a whole
/// float without its `.0`, a list or map in CEL's own notation.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        Value::Timestamp(t) if t.time() == chrono::NaiveTime::MIN => {
            t.format("%Y-%m-%d").to_string()
        }
        Value::Timestamp(t) => t.to_rfc3339(),
        Value::Duration(d) => format!("{} days", d.num_days()),
        Value::List(items) => {
            let parts: Vec<String> = items.iter().map(text).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Map(m) => {
            let mut parts: Vec<String> = m
                .map
                .iter()
                .map(|(k, v)| format!("{}: {}", key(k), text(v)))
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(", "))
        }
        other => format!("{other:?}"),
    }
}

fn key(k: &Key) -> String {
    match k {
        Key::String(s) => s.to_string(),
        Key::Int(i) => i.to_string(),
        Key::Uint(u) => u.to_string(),
        Key::Bool(b) => b.to_string(),
    }
}

/// What kind of value it is, for "the assertion gave a string, not a bool".
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "a string",
        Value::Int(_) | Value::UInt(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Bool(_) => "a bool",
        Value::Null => "null",
        Value::Timestamp(_) => "a date",
        Value::Duration(_) => "a duration",
        Value::List(_) => "a list",
        Value::Map(_) => "a map",
        _ => "a value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What CEL makes of a JSON value, as a `Value`.
    fn value(json: &Json) -> Value {
        Value::try_from(from_json(json).0.as_ref()).unwrap()
    }

    #[test]
    fn dates_are_dates_and_sizes_are_counted() {
        let doc = json!({"start": "2026-01-31", "tags": ["a", "b"], "n": 1.5});
        assert_eq!(from_json(&doc).1, 3 + 2);
        let start = value(&json!("2026-01-31"));
        assert!(matches!(start, Value::Timestamp(_)));
        assert_eq!(text(&start), "2026-01-31");
        assert!(matches!(value(&json!("2026-02-30")), Value::String(_)));
    }

    #[test]
    fn values_as_text() {
        assert_eq!(text(&Value::Float(1.2e6)), "1200000");
        assert_eq!(text(&Value::Float(0.85)), "0.85");
        assert_eq!(text(&value(&json!(["x", 2]))), "[x, 2]");
    }
}
