//! Reading one cell: numbers with separators, currency symbols and units, dates in a
//! given format, value maps, slugs.

use super::mapping::{DateOptions, Day, FieldMap, NumberFormat, NumberOptions};
use jiff::civil::Date;
use serde_json::Value;

/// Why a cell could not be read; the message names what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem(pub String);

/// The most characters of an id made with `slug: true` (ids name files).
pub const SLUG_MAX: usize = 60;

/// A cell as read: its value and, when `slug: true` cut it to [`SLUG_MAX`], the id it
/// would have been uncut (so that two texts cut to one id are told apart).
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    pub value: Value,
    pub uncut: Option<String>,
}

/// The value of a field from its raw cell (already trimmed, not empty).
pub fn read(raw: &str, spec: &FieldMap) -> Result<Value, Problem> {
    read_id(raw, spec).map(|r| r.value)
}

/// [`read`], telling whether an id was cut.
pub fn read_id(raw: &str, spec: &FieldMap) -> Result<Read, Problem> {
    let mut uncut = None;
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
        Value::String(date(raw, &format.options())?)
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
        let full = if spec.slug { slug_full(&text) } else { text };
        let core = if spec.slug { cut(&full) } else { full.clone() };
        if core.is_empty() {
            return Err(Problem("has nothing to make an id of".into()));
        }
        let affix = |core: &str| {
            format!(
                "{}{core}{}",
                spec.prefix.as_deref().unwrap_or_default(),
                spec.suffix.as_deref().unwrap_or_default()
            )
        };
        if core != full {
            uncut = Some(affix(&full));
        }
        value = Value::String(affix(&core));
    }
    if spec.list {
        value = Value::Array(vec![value]);
    }
    Ok(Read { value, uncut })
}

/// A date as YYYY-MM-DD, from the first of the formats (strftime) that reads the cell,
/// or as a fiscal year. A format without a day reads a month. A cell that two formats
/// read as different dates (`01/02/2024` with `%d/%m/%Y` and `%m/%d/%Y`) cannot be used:
/// picking one would be a guess.
pub fn date(raw: &str, options: &DateOptions) -> Result<String, Problem> {
    let mut found: Vec<(String, Date)> = Vec::new();
    for format in &options.formats {
        if let Some(d) = date_in(raw, format, options.day) {
            found.push((format!("`{format}`"), d));
        }
    }
    // Written like a fiscal year, but not one (`2024-26`): said only when nothing else
    // reads the cell (`2011-05` is May with `%Y-%m`).
    let mut not_fiscal = None;
    if let Some(start) = options.fiscal_year_start {
        match fiscal_year(raw, start, options.day) {
            Ok(Some(d)) => found.push(("a fiscal year".into(), d)),
            Ok(None) => {}
            Err(e) => not_fiscal = Some(e),
        }
    }
    if found.is_empty()
        && let Some(problem) = not_fiscal
    {
        return Err(problem);
    }
    match found.as_slice() {
        [] => {
            let mut expected: Vec<String> =
                options.formats.iter().map(|f| format!("`{f}`")).collect();
            if options.fiscal_year_start.is_some() {
                expected.push("a fiscal year (`2024-25`)".into());
            }
            Err(Problem(match expected.len() {
                1 if options.fiscal_year_start.is_none() => {
                    format!("is not a date in the format {}", expected[0])
                }
                _ => format!("is not a date in any of {}", expected.join(", ")),
            }))
        }
        [(_, first), rest @ ..] => match rest.iter().find(|(_, d)| d != first) {
            None => Ok(first.to_string()),
            Some((other, d)) => Err(Problem(format!(
                "is ambiguous: {} reads {first}, {other} reads {d}",
                found[0].0
            ))),
        },
    }
}

/// The date `raw` is in `format`; a month when the format has no day.
fn date_in(raw: &str, format: &str, day: Day) -> Option<Date> {
    let parsed = jiff::fmt::strtime::parse(format, raw).ok()?;
    if let Ok(d) = parsed.to_date() {
        return Some(d);
    }
    match (parsed.year(), parsed.month(), parsed.day()) {
        (Some(y), Some(m), None) if parsed.weekday().is_none() => {
            let first = Date::new(y, m, 1).ok()?;
            Some(match day {
                Day::First => first,
                Day::Last => first.last_of_month(),
            })
        }
        _ => None,
    }
}

/// A fiscal year spanning two calendar years (`2024-25`, `2024/25`, `2024-2025`,
/// `FY2024-25`, `FY 24/25`) starting in month `start` of the first: its first or last
/// day. `Ok(None)`: the cell is not written as one; `Err`: it is, but the years do not
/// follow each other.
fn fiscal_year(raw: &str, start: i8, day: Day) -> Result<Option<Date>, Problem> {
    let text = raw.trim();
    let text = match text.get(..2) {
        Some(fy) if fy.eq_ignore_ascii_case("fy") => text[2..].trim_start(),
        _ => text,
    };
    let Some((a, b)) = text.split_once(['-', '/', '–']) else {
        return Ok(None);
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if !digits(a) || !digits(b) || ![2, 4].contains(&a.len()) || ![2, 4].contains(&b.len()) {
        return Ok(None);
    }
    // Two-digit years are 2000-2099: fiscal years are recent.
    let number = |s: &str| s.parse::<i16>().unwrap_or_default();
    let first = match a.len() {
        2 => 2000 + number(a),
        _ => number(a),
    };
    let follows = match b.len() {
        2 => (first + 1) % 100 == number(b),
        _ => first + 1 == number(b),
    };
    if !follows {
        return Err(Problem(format!(
            "is not a fiscal year: {b} does not follow {a}"
        )));
    }
    let begins = Date::new(first, start, 1).map_err(|e| Problem(e.to_string()))?;
    Ok(Some(match day {
        Day::First => begins,
        Day::Last => begins
            .checked_add(jiff::Span::new().years(1))
            .and_then(|d| d.checked_sub(jiff::Span::new().days(1)))
            .map_err(|e| Problem(e.to_string()))?,
    }))
}

/// A number, ignoring spaces, currency symbols and thousands separators, with an
/// optional unit suffix (`£1.2m`) or percent sign, and scale.
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
    let mut digits = text.trim_start_matches('(').trim_end_matches(')');
    // Divided, not multiplied by 0.01: `90.16%` is 0.9016, not 0.9016000000000001.
    let mut divisor = 1.0;
    if let Some(hundred) = options.percent
        && let Some(rest) = digits.strip_suffix('%')
    {
        digits = rest;
        divisor = 100.0 / hundred;
    }
    let valid = !digits.is_empty()
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
        && digits.chars().filter(|c| *c == '.').count() <= 1;
    if digits.ends_with('%') {
        return Err(Problem(
            "is a percentage: add `percent: 100` (or `1`) to `number:` in the mapping".into(),
        ));
    }
    let value: f64 = valid
        .then(|| digits.parse().ok())
        .flatten()
        .ok_or_else(|| Problem("is not a number".into()))?;
    Ok(if negative { -value } else { value } / divisor * factor)
}

/// `CO_0024_2021-Q2` -> `co-0024-2021-q2`: lower case ASCII letters and digits, `-`
/// between runs, at most [`SLUG_MAX`] characters.
pub fn slug(text: &str) -> String {
    cut(&slug_full(text))
}

/// A slug cut to [`SLUG_MAX`] characters, without a `-` at the end.
fn cut(slug: &str) -> String {
    let mut out: String = slug.chars().take(SLUG_MAX).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// [`slug`], however long.
fn slug_full(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = deunicode(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
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

    fn formats(formats: &[&str]) -> DateOptions {
        DateOptions {
            formats: formats.iter().map(|f| (*f).to_owned()).collect(),
            ..DateOptions::default()
        }
    }

    #[test]
    fn dates_and_slugs() {
        let dotted = formats(&["%d.%m.%Y"]);
        assert_eq!(date("20.05.2020", &dotted), Ok("2020-05-20".into()));
        assert!(date("31.02.2020", &dotted).is_err());
        assert_eq!(
            date("Exempt", &dotted),
            Err(Problem("is not a date in the format `%d.%m.%Y`".into()))
        );
        assert_eq!(slug("CO_0024_2021-Q2"), "co-0024-2021-q2");
        assert_eq!(slug("  Défense & Sécurité "), "defense-securite");
    }

    #[test]
    fn several_formats_read_one_date_or_none() {
        let both = formats(&["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y"]);
        assert_eq!(date("20.05.2020", &both), Ok("2020-05-20".into()));
        assert_eq!(date("2020-05-20", &both), Ok("2020-05-20".into()));
        // Only one of the day-month orders reads it: no doubt.
        assert_eq!(date("20/05/2020", &both), Ok("2020-05-20".into()));
        assert_eq!(date("05/20/2020", &both), Ok("2020-05-20".into()));
        // Both do, differently: a guess either way.
        assert_eq!(
            date("01/02/2024", &both),
            Err(Problem(
                "is ambiguous: `%d/%m/%Y` reads 2024-02-01, `%m/%d/%Y` reads 2024-01-02".into()
            ))
        );
        // The same day either way is no ambiguity.
        assert_eq!(date("03/03/2024", &both), Ok("2024-03-03".into()));
        assert_eq!(
            date("May 2020", &both),
            Err(Problem(
                "is not a date in any of `%d.%m.%Y`, `%Y-%m-%d`, `%d/%m/%Y`, `%m/%d/%Y`".into()
            ))
        );
    }

    #[test]
    fn months_are_their_first_or_last_day() {
        let mut months = formats(&["%b-%y", "%m/%Y"]);
        assert_eq!(date("Jan-23", &months), Ok("2023-01-01".into()));
        assert_eq!(date("02/2024", &months), Ok("2024-02-01".into()));
        months.day = Day::Last;
        assert_eq!(date("Feb-24", &months), Ok("2024-02-29".into()));
        assert_eq!(date("Dec-23", &months), Ok("2023-12-31".into()));
        assert!(date("Jan-23x", &months).is_err());
        assert!(date("Foo-23", &months).is_err());
    }

    #[test]
    fn fiscal_years_start_in_their_month() {
        let mut fy = DateOptions {
            fiscal_year_start: Some(4),
            ..DateOptions::default()
        };
        for cell in [
            "2024-25",
            "2024/25",
            "2024-2025",
            "FY2024-25",
            "fy 24/25",
            "2024–25",
        ] {
            assert_eq!(date(cell, &fy), Ok("2024-04-01".into()), "{cell}");
        }
        assert_eq!(date("2099-00", &fy), Ok("2099-04-01".into()));
        fy.day = Day::Last;
        assert_eq!(date("2024-25", &fy), Ok("2025-03-31".into()));
        fy.fiscal_year_start = Some(7);
        assert_eq!(date("2023-24", &fy), Ok("2024-06-30".into()));
        assert_eq!(
            date("2024-26", &fy),
            Err(Problem(
                "is not a fiscal year: 26 does not follow 2024".into()
            ))
        );
        assert_eq!(
            date("2024", &fy),
            Err(Problem(
                "is not a date in any of a fiscal year (`2024-25`)".into()
            ))
        );
        // With formats: `2011-12` is December 2011 and the fiscal year 2011-12.
        fy.formats = vec!["%Y-%m".into()];
        fy.day = Day::First;
        assert_eq!(
            date("2011-12", &fy),
            Err(Problem(
                "is ambiguous: `%Y-%m` reads 2011-12-01, a fiscal year reads 2011-07-01".into()
            ))
        );
        assert_eq!(date("2011-05", &fy), Ok("2011-05-01".into()));
    }

    #[test]
    fn percentages_say_what_100_percent_is() {
        let points = NumberOptions {
            percent: Some(100.0),
            ..NumberOptions::default()
        };
        assert_eq!(number("90.16%", &points), Ok(90.16));
        assert_eq!(number("90.16 %", &points), Ok(90.16));
        assert_eq!(number("45", &points), Ok(45.0));
        let fraction = NumberOptions {
            percent: Some(1.0),
            ..NumberOptions::default()
        };
        assert_eq!(number("90.16%", &fraction), Ok(0.9016));
        assert_eq!(number("(5%)", &fraction), Ok(-0.05));
        assert_eq!(number("-5%", &fraction), Ok(-0.05));
        let refused = number("90.16%", &NumberOptions::default()).unwrap_err();
        assert!(refused.0.starts_with("is a percentage"), "{refused:?}");
        assert!(number("90%%", &points).is_err());
    }

    #[test]
    fn long_slugs_are_cut_and_say_so() {
        let spec = FieldMap {
            slug: true,
            prefix: Some("dept-".into()),
            ..FieldMap::default()
        };
        let long =
            "Indigenous Services Canada & Crown-Indigenous Relations and Northern Affairs Canada";
        let read = read_id(long, &spec).unwrap();
        let id = read.value.as_str().unwrap();
        assert_eq!(id.len(), "dept-".len() + SLUG_MAX, "{id}");
        assert_eq!(
            id,
            "dept-indigenous-services-canada-crown-indigenous-relations-and-no"
        );
        assert_eq!(
            read.uncut.as_deref(),
            Some(
                "dept-indigenous-services-canada-crown-indigenous-relations-and-northern-affairs-canada"
            )
        );
        assert_eq!(read_id("Short", &spec).unwrap().uncut, None);
        // Without `slug`, text is not cut: an id that is too long is not silently shortened.
        let plain = FieldMap {
            prefix: Some("x-".into()),
            ..FieldMap::default()
        };
        assert_eq!(read_id(long, &plain).unwrap().uncut, None);
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
