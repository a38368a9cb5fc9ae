//! Reading one cell: numbers with separators, currency symbols and units, dates in a
//! given format, value maps, slugs.

use super::mapping::{FieldMap, NumberFormat, NumberOptions};
use serde_json::Value;

/// Why a cell could not be read; the message names what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem(pub String);

/// The value of a field from its raw cell (already trimmed, not empty).
pub fn read(raw: &str, spec: &FieldMap) -> Result<Value, Problem> {
    let mut value = if let Some(map) = &spec.map {
        map.get(raw)
            .or_else(|| {
                map.iter()
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case(raw))
                    .map(|(_, v)| v)
            })
            .cloned()
            .ok_or_else(|| {
                let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                Problem(format!("is not in the value map ({})", keys.join(", ")))
            })?
    } else if let Some(format) = &spec.date {
        Value::String(date(raw, format)?)
    } else if let Some(number_format) = &spec.number {
        let options = match number_format {
            NumberFormat::Plain(_) => NumberOptions::default(),
            NumberFormat::With(o) => o.clone(),
        };
        serde_json::Number::from_f64(number(raw, &options)?)
            .map(|n| {
                // Whole numbers are written as integers.
                match n.as_f64() {
                    Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => Value::from(f as i64),
                    _ => Value::Number(n),
                }
            })
            .ok_or_else(|| Problem("is not a finite number".into()))?
    } else {
        Value::String(raw.to_owned())
    };
    if spec.slug || spec.prefix.is_some() || spec.suffix.is_some() {
        let text = match &value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let core = if spec.slug { slug(&text) } else { text };
        if core.is_empty() {
            return Err(Problem("has nothing to make an id of".into()));
        }
        value = Value::String(format!(
            "{}{core}{}",
            spec.prefix.as_deref().unwrap_or_default(),
            spec.suffix.as_deref().unwrap_or_default()
        ));
    }
    if spec.list {
        value = Value::Array(vec![value]);
    }
    Ok(value)
}

/// A date in `format` (strftime) as YYYY-MM-DD.
pub fn date(raw: &str, format: &str) -> Result<String, Problem> {
    jiff::civil::Date::strptime(format, raw)
        .map(|d| d.to_string())
        .map_err(|_| Problem(format!("is not a date in the format `{format}`")))
}

/// A number, ignoring spaces, currency symbols and thousands separators, with an
/// optional unit suffix (`£1.2m`) and scale.
pub fn number(raw: &str, options: &NumberOptions) -> Result<f64, Problem> {
    let mut text: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '£' | '$' | '€' | '¥' | '\''))
        .collect();
    let mut factor = options.scale.unwrap_or(1.0);
    // The longest unit that ends the text.
    if let Some((unit, f)) = options
        .units
        .iter()
        .filter(|(u, _)| !u.is_empty() && text.to_lowercase().ends_with(&u.to_lowercase()))
        .max_by_key(|(u, _)| u.len())
    {
        text.truncate(text.len() - unit.len());
        factor *= f;
    }
    let text = if options.decimal_comma {
        text.replace('.', "").replace(',', ".")
    } else {
        text.replace(',', "")
    };
    let negative = text.starts_with('(') && text.ends_with(')');
    let digits = text.trim_start_matches('(').trim_end_matches(')');
    let valid = !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
        && digits.chars().filter(|c| *c == '.').count() <= 1;
    let value: f64 = valid
        .then(|| digits.parse().ok())
        .flatten()
        .ok_or_else(|| Problem("is not a number".into()))?;
    Ok(if negative { -value } else { value } * factor)
}

/// `CO_0024_2021-Q2` -> `co-0024-2021-q2`: lower case ASCII letters and digits, `-`
/// between runs, at most 60 characters.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = deunicode(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(60).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Latin letters with accents as their base letter (for ids from names).
fn deunicode(c: char) -> char {
    match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'Ò'..='Ö' | 'ø' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn numbers_in_the_wild() {
        let plain = NumberOptions::default();
        assert_eq!(number("1,234,567.5", &plain), Ok(1_234_567.5));
        assert_eq!(number("£ 2 500", &plain), Ok(2500.0));
        assert_eq!(number("(1,000)", &plain), Ok(-1000.0));
        let euro = NumberOptions {
            decimal_comma: true,
            ..NumberOptions::default()
        };
        assert_eq!(number("1.234,5", &euro), Ok(1234.5));
        let units = NumberOptions {
            units: BTreeMap::from([("m".into(), 1e6), ("bn".into(), 1e9)]),
            ..NumberOptions::default()
        };
        assert_eq!(number("£1.2m", &units), Ok(1_200_000.0));
        assert_eq!(number("£3bn", &units), Ok(3e9));
        let millions = NumberOptions {
            scale: Some(1e6),
            ..NumberOptions::default()
        };
        assert_eq!(number("7.9", &millions), Ok(7_900_000.0));
        // A spreadsheet turned 7.09 into a date.
        assert!(number("07. Sep", &plain).is_err());
        assert!(number("1.2.3", &plain).is_err());
        assert!(number("", &plain).is_err());
    }

    #[test]
    fn dates_and_slugs() {
        assert_eq!(date("20.05.2020", "%d.%m.%Y"), Ok("2020-05-20".into()));
        assert!(date("31.02.2020", "%d.%m.%Y").is_err());
        assert!(date("Exempt", "%d.%m.%Y").is_err());
        assert_eq!(slug("CO_0024_2021-Q2"), "co-0024-2021-q2");
        assert_eq!(slug("  Défense & Sécurité "), "defense-securite");
    }

    #[test]
    fn value_maps_match_exactly_then_ignoring_case() {
        let spec = FieldMap {
            map: Some(BTreeMap::from([("Amber".into(), Value::from("amber"))])),
            ..FieldMap::default()
        };
        assert_eq!(read("AMBER", &spec), Ok(Value::from("amber")));
        assert!(read("Exempt under Section 43", &spec).is_err());
    }
}
