//! Documents as CEL values, and CEL values as a message's text.
//!
//! A string written as a calendar date (`2026-11-20`) is a date: a CEL timestamp at
//! midnight UTC, so that dates compare, subtract to a duration (`inDays(today -
//! doc.start)`) and take days (`doc.finish + days(14)`). Numbers stay what YAML wrote:
//! CEL compares integers and floats with each other (`budget > 1000000` holds for
//! `1.2e6`).

use cel::Value;
use cel::objects::{Key, Map};
use chrono::{DateTime, FixedOffset, NaiveDate};
use jiff::civil::Date;
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::Arc;

/// `json` as CEL sees it, and how many list elements and map entries it holds (a term
/// of the step bound).
pub fn from_json(json: &Json) -> (Value, usize) {
    let mut size = 0;
    let value = convert(json, &mut size);
    (value, size)
}

fn convert(json: &Json, size: &mut usize) -> Value {
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::Int(i),
            (None, Some(u)) => Value::UInt(u),
            _ => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => date(s).unwrap_or_else(|| Value::String(Arc::new(s.clone()))),
        Json::Array(items) => {
            *size += items.len();
            Value::List(Arc::new(items.iter().map(|i| convert(i, size)).collect()))
        }
        Json::Object(map) => {
            *size += map.len();
            let map: HashMap<Key, Value> = map
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), convert(v, size)))
                .collect();
            Value::Map(Map { map: Arc::new(map) })
        }
    }
}

/// A string in the form of a calendar date, as a timestamp.
fn date(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let day = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    Some(timestamp(day))
}

fn timestamp(day: NaiveDate) -> Value {
    let utc = FixedOffset::east_opt(0).expect("zero is a valid offset");
    let at: DateTime<FixedOffset> = day
        .and_time(chrono::NaiveTime::MIN)
        .and_utc()
        .with_timezone(&utc);
    Value::Timestamp(at)
}

/// A day as CEL's timestamp at midnight UTC (`today`).
pub fn day(d: Date) -> Value {
    NaiveDate::from_ymd_opt(
        i32::from(d.year()),
        u32::from(d.month() as u8),
        u32::from(d.day() as u8),
    )
    .map_or(Value::Null, timestamp)
}

/// A map of names to values (`figures`, `related`).
pub fn map<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let map: HashMap<Key, Value> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_owned())), v))
        .collect();
    Value::Map(Map { map: Arc::new(map) })
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

    #[test]
    fn dates_are_dates_and_sizes_are_counted() {
        let (v, size) = from_json(&json!({"start": "2026-01-31", "tags": ["a", "b"], "n": 1.5}));
        assert_eq!(size, 3 + 2);
        let Value::Map(m) = v else { panic!() };
        let start = &m.map[&Key::String(Arc::new("start".into()))];
        assert!(matches!(start, Value::Timestamp(_)));
        assert_eq!(text(start), "2026-01-31");
        assert_eq!(text(&from_json(&json!("2026-02-30")).0), "2026-02-30");
        assert!(matches!(
            from_json(&json!("2026-02-30")).0,
            Value::String(_)
        ));
    }

    #[test]
    fn values_as_text() {
        assert_eq!(text(&Value::Float(1.2e6)), "1200000");
        assert_eq!(text(&Value::Float(0.85)), "0.85");
        assert_eq!(text(&from_json(&json!(["x", 2])).0), "[x, 2]");
    }
}
