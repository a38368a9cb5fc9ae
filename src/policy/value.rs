//! Documents as CEL values, and CEL values as a message's text.
//!
//! A string written as a calendar date (`2026-11-20`) is a date: a CEL timestamp at
//! midnight UTC, so that dates compare, subtract to a duration (`inDays(today -
//! doc.start)`) and take days (`doc.finish + days(14)`). Numbers stay what YAML wrote:
//! CEL compares integers and floats with each other (`budget > 1000000` holds for
//! `1.2e6`).

use cel::common::traits::{self, Container, Indexer, Iterable, Sizer};
use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelTimestamp,
    CelUInt, Kind, MAP_TYPE, Type,
};
use cel::common::value::{CowVal, Val};
use cel::{ExecutionError, Value};
use chrono::{DateTime, FixedOffset, NaiveDate};
use jiff::civil::Date;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

/// A CEL value that borrows its text from the document it was made from.
pub type Cel<'a> = Box<dyn Val + 'a>;

/// `json` as CEL sees it. Text is borrowed, not copied, and a mapping is a [`Lazy`] map:
/// only the fields an expression reads are made CEL values, when it reads them.
pub fn from_json(json: &Json) -> Cel<'_> {
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
        Json::Array(items) => Box::new(CelList::from(
            items.iter().map(from_json).collect::<Vec<_>>(),
        )),
        Json::Object(map) => Box::new(Lazy::new(Fields(map))),
    }
}

/// How many list elements and map entries `json` holds: a term of the step bound.
pub fn size(json: &Json) -> usize {
    match json {
        Json::Array(items) => items.len() + items.iter().map(size).sum::<usize>(),
        Json::Object(map) => map.len() + map.values().map(size).sum::<usize>(),
        _ => 0,
    }
}

/// [`size`] of a mapping's `fields` alone: what a document's policies read of it.
pub fn size_of_fields(json: &Json, fields: &BTreeSet<&str>) -> usize {
    match json {
        Json::Object(map) => map
            .iter()
            .filter(|(k, _)| fields.contains(k.as_str()))
            .map(|(_, v)| 1 + size(v))
            .sum(),
        other => size(other),
    }
}

/// The entries of a map that makes its values when an expression reads them.
pub trait Entries<'a>: std::fmt::Debug + Clone + Send + Sync + 'a {
    /// Whether it can be taken whole: iterated, counted, compared. A lookup of every
    /// document of a kind cannot, so that no evaluation reads them all.
    const WHOLE: bool = true;
    /// Its keys, for iteration, `size()`, equality and text (when [`Self::WHOLE`]).
    fn keys(&self) -> Vec<&'a str>;
    /// The value at `key`, made now.
    fn get(&self, key: &str) -> Option<Cel<'a>>;
    /// Whether it has `key` (`'x' in m`), without making the value.
    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

/// A CEL map whose values are made as they are read: a document's mapping, whose fields
/// a check reads a few of, or the figures pmo computes for one. It is the map a built-in
/// one would be (fields, `has()`, `in`, `size()`, comprehensions, `==`), but for one
/// thing: the interpreter asks only the left operand of `==`, and a map written in the
/// expression, on the left, does not recognise it, so `{'a': 1} == doc.x` is false
/// where `doc.x == {'a': 1}` is true (docs/policies.md).
#[derive(Debug)]
pub struct Lazy<'a, E> {
    entries: E,
    /// Its keys as CEL strings, made when it is iterated.
    keys: OnceLock<Vec<CelString<'a>>>,
}

impl<'a, E: Entries<'a>> Lazy<'a, E> {
    pub fn new(entries: E) -> Self {
        Lazy {
            entries,
            keys: OnceLock::new(),
        }
    }

    pub fn entries(&self) -> &E {
        &self.entries
    }

    /// The built-in map with the same entries.
    fn eager(&self) -> Cel<'a> {
        map(self
            .entries
            .keys()
            .into_iter()
            .filter_map(|k| Some((k, self.entries.get(k)?))))
    }
}

impl<'a, E: Entries<'a>> Val for Lazy<'a, E> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'v>(&'b self) -> Option<&'b (dyn Indexer + 'v)>
    where
        Self: 'v,
    {
        Some(self)
    }

    fn as_iterable<'b, 'v>(&'b self) -> Option<&'b (dyn Iterable + 'v)>
    where
        Self: 'v,
    {
        E::WHOLE.then_some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        E::WHOLE.then_some(self)
    }

    fn equals(&self, other: &dyn Val) -> bool {
        // `project == null` is the common case: decided without making the map.
        if !E::WHOLE || other.get_type().kind() != Kind::Map {
            return false;
        }
        // The built-in map asks for a built-in map: when `other` is lazy too, let it
        // make one of itself.
        let me = self.eager();
        me.equals(other) || other.equals(me.as_ref())
    }

    fn clone_as_boxed<'v>(&self) -> Box<dyn Val + 'v>
    where
        Self: 'v,
    {
        Box::new(Lazy::new(self.entries.clone()))
    }
}

impl<'a, E: Entries<'a>> Indexer for Lazy<'a, E> {
    fn get<'b, 'v>(&'b self, idx: &dyn Val) -> Result<CowVal<'b, 'v>, ExecutionError>
    where
        Self: 'v,
    {
        let key = key(idx)?;
        match self.entries.get(key) {
            Some(v) => Ok(CowVal::Owned(v)),
            None => Err(ExecutionError::no_such_key(key)),
        }
    }

    fn steal<'v>(self: Box<Self>, idx: &dyn Val) -> Result<Box<dyn Val + 'v>, ExecutionError>
    where
        Self: 'v,
    {
        self.get(idx).map(CowVal::into_owned)
    }
}

impl<'a, E: Entries<'a>> Container for Lazy<'a, E> {
    fn contains(&self, value: &dyn Val) -> Result<bool, ExecutionError> {
        Ok(value
            .downcast_ref::<CelString>()
            .is_some_and(|k| self.entries.has(k.inner())))
    }
}

impl<'a, E: Entries<'a>> Sizer for Lazy<'a, E> {
    fn size(&self) -> CelInt {
        CelInt::from(self.entries.keys().len() as i64)
    }
}

impl<'a, E: Entries<'a>> Iterable for Lazy<'a, E> {
    fn iter<'b, 'v>(&'b self) -> Box<dyn traits::Iterator<'b, 'v> + 'b>
    where
        Self: 'v,
    {
        let keys = self.keys.get_or_init(|| {
            let keys = self.entries.keys().into_iter();
            keys.map(CelString::from).collect()
        });
        Box::new(Keys(keys.iter()))
    }
}

struct Keys<'b, 'a>(std::slice::Iter<'b, CelString<'a>>);

impl<'b, 'a: 'v, 'v> traits::Iterator<'b, 'v> for Keys<'b, 'a> {
    fn next(&mut self) -> Option<&'b (dyn Val + 'v)> {
        self.0.next().map(|k| k as &(dyn Val + 'v))
    }
}

/// The text of a map key: only strings are keys of a [`Lazy`] map.
fn key(idx: &dyn Val) -> Result<&str, ExecutionError> {
    match idx.downcast_ref::<CelString>() {
        Some(k) => Ok(k.inner()),
        None => Err(ExecutionError::no_such_key(&text(idx))),
    }
}

/// A JSON mapping's fields, each made a CEL value as it is read.
#[derive(Debug, Clone, Copy)]
pub struct Fields<'a>(pub &'a serde_json::Map<String, Json>);

impl<'a> Entries<'a> for Fields<'a> {
    fn keys(&self) -> Vec<&'a str> {
        self.0.keys().map(String::as_str).collect()
    }

    fn get(&self, key: &str) -> Option<Cel<'a>> {
        self.field(key).map(from_json)
    }

    fn has(&self, key: &str) -> bool {
        self.field(key).is_some()
    }
}

impl<'a> Fields<'a> {
    /// The field named `key`. A document's mapping has a few dozen fields at most, and
    /// comparing their names in order is quicker than hashing the name: the policies of
    /// bench/policies.yaml took a quarter less time.
    fn field(&self, key: &str) -> Option<&'a Json> {
        if self.0.len() > 32 {
            return self.0.get(key);
        }
        self.0.iter().find_map(|(k, v)| (k == key).then_some(v))
    }
}

/// A string in the form of a calendar date, as that day.
fn date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
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
/// float without its `.0`, a list or map in CEL's own notation (a map's entries sorted).
pub fn text(value: &dyn Val) -> String {
    match value.get_type().kind() {
        Kind::List => {
            let items = value.as_iterable().map(|l| l.iter());
            let parts: Vec<String> = items.into_iter().flat_map(each).map(text).collect();
            format!("[{}]", parts.join(", "))
        }
        Kind::Map => {
            let (Some(keys), Some(index)) = (value.as_iterable(), value.as_indexer()) else {
                return "a map".into();
            };
            let mut parts: Vec<String> = each(keys.iter())
                .map(|k| match index.get(k) {
                    Ok(v) => format!("{}: {}", text(k), text(v.as_ref())),
                    Err(_) => text(k),
                })
                .collect();
            parts.sort();
            format!("{{{}}}", parts.join(", "))
        }
        _ => match Value::try_from(value) {
            Ok(Value::String(s)) => s.to_string(),
            Ok(Value::Int(i)) => i.to_string(),
            Ok(Value::UInt(u)) => u.to_string(),
            Ok(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
            Ok(Value::Float(f)) => f.to_string(),
            Ok(Value::Bool(b)) => b.to_string(),
            Ok(Value::Null) => "null".into(),
            Ok(Value::Timestamp(t)) if t.time() == chrono::NaiveTime::MIN => {
                t.format("%Y-%m-%d").to_string()
            }
            Ok(Value::Timestamp(t)) => t.to_rfc3339(),
            Ok(Value::Duration(d)) => format!("{} days", d.num_days()),
            Ok(other) => format!("{other:?}"),
            Err(_) => value.get_type().name().to_owned(),
        },
    }
}

/// The values a CEL iterator gives, as a Rust iterator.
fn each<'b, 'v: 'b>(
    mut it: Box<dyn traits::Iterator<'b, 'v> + 'b>,
) -> impl Iterator<Item = &'b (dyn Val + 'v)> {
    std::iter::from_fn(move || it.next())
}

/// The value as a condition: `None` when it is not a bool.
pub fn truth(value: &dyn Val) -> Option<bool> {
    value.downcast_ref::<CelBool>().map(|b| *b.inner())
}

/// What kind of value it is, for "the assertion gave a string, not a bool".
pub fn type_name(value: &dyn Val) -> &'static str {
    match value.get_type().kind() {
        Kind::String => "a string",
        Kind::Int | Kind::UInt => "an integer",
        Kind::Double => "a number",
        Kind::Boolean => "a bool",
        Kind::NullType => "null",
        Kind::Timestamp => "a date",
        Kind::Duration => "a duration",
        Kind::List => "a list",
        Kind::Map => "a map",
        _ => "a value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// What CEL makes of a JSON value, as a `Value`.
    fn value(json: &Json) -> Value {
        Value::try_from(from_json(json).as_ref()).unwrap()
    }

    #[test]
    fn dates_are_dates_and_sizes_are_counted() {
        let doc = json!({"start": "2026-01-31", "tags": ["a", "b"], "n": 1.5});
        assert_eq!(size(&doc), 3 + 2);
        assert_eq!(size_of_fields(&doc, &BTreeSet::from(["tags"])), 1 + 2);
        let start = value(&json!("2026-01-31"));
        assert!(matches!(start, Value::Timestamp(_)));
        assert_eq!(text(from_json(&json!("2026-01-31")).as_ref()), "2026-01-31");
        for not_a_day in ["2026-02-30", "2026-1-031", "2026-0a-01", " 2026-1-01"] {
            assert!(matches!(value(&json!(not_a_day)), Value::String(_)));
        }
    }

    #[test]
    fn values_as_text() {
        let text_of = |json: Json| text(from_json(&json).as_ref());
        assert_eq!(text_of(json!(1.2e6)), "1200000");
        assert_eq!(text_of(json!(0.85)), "0.85");
        assert_eq!(text_of(json!(["x", 2])), "[x, 2]");
        assert_eq!(
            text_of(json!({"b": [1], "a": {"c": "x"}})),
            "{a: {c: x}, b: [1]}"
        );
    }

    /// A mapping read field by field is the map it would be made whole: the same
    /// fields, size, membership, iteration and equality, nested and in lists.
    #[test]
    fn a_lazy_map_is_its_map() {
        let json = json!({"id": "p1", "budget": 1.2e6, "tags": ["a"], "start": "2026-01-31",
            "baseline": {"budget": 5}, "milestones": [{"name": "Go-live"}]});
        let other = json.clone();
        let program = |src: &str| {
            let env = crate::policy::env();
            let program = env.compile(src).unwrap();
            let mut ctx = cel::Context::with_env(env.clone());
            ctx.add_variable_as_val("doc", from_json(&json));
            ctx.add_variable_as_val("other", from_json(&other).clone_as_boxed());
            program.execute(&ctx)
        };
        for holds in [
            "doc.budget > 1000000 && doc.tags == ['a'] && doc.start == date('2026-01-31')",
            "has(doc.id) && !has(doc.sponsor) && 'tags' in doc && !('x' in doc)",
            "has(doc.baseline.budget) && !has(doc.baseline.start) && doc.baseline.budget == 5",
            "size(doc) == 6 && doc.all(k, k in other) && doc.map(k, k).size() == 6",
            "doc == other && doc.baseline == {'budget': 5} && doc.baseline != {'budget': 6}",
            "doc.milestones.exists(m, m.name == 'Go-live') && doc.milestones == other.milestones",
            "doc.milestones[0] == {'name': 'Go-live'} && [doc.baseline][0].budget == 5",
        ] {
            assert_eq!(program(holds), Ok(Value::Bool(true)), "{holds}");
        }
        assert!(program("doc.sponsor").is_err());
    }
}
