//! YAML 1.2 core schema: how a plain (unquoted) scalar becomes a JSON value.
//! Unlike YAML 1.1, `2026-11-20`, `yes`, `no`, `on` and `off` stay strings.

use serde_json::{Number, Value};

pub fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes()[0];
    // Every number starts with a sign, a digit or a dot: skip the parse attempts otherwise.
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::String(text.to_owned());
    }
    if let Some(n) = parse_int(text) {
        return Value::Number(n);
    }
    if is_float(text)
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    // `.inf` and `.nan` are YAML floats that JSON cannot hold: kept as text, so a schema
    // that wants a number reports them.
    Value::String(text.to_owned())
}

/// A scalar with an explicit tag of the core schema (`!!int "12"`), by the tag's suffix:
/// its value, or `None` when the text is not one the tag allows or JSON cannot hold it
/// (`!!float .inf`, a tag the core schema gives no scalar).
pub fn resolve_core(tag: &str, text: &str) -> Option<Value> {
    match tag {
        "str" => Some(Value::String(text.to_owned())),
        "null" => matches!(text, "" | "~" | "null" | "Null" | "NULL").then_some(Value::Null),
        "bool" => match text {
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => None,
        },
        "int" => parse_int(text).map(Value::Number),
        "float" if is_float(text) => text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number),
        _ => None,
    }
}

fn parse_int(text: &str) -> Option<Number> {
    // `from_str_radix` would also take a sign after the prefix (`0x-1`).
    let radix = |digits: &str, radix: u32| {
        let valid = !digits.is_empty() && digits.chars().all(|c| c.is_digit(radix));
        valid.then(|| u64::from_str_radix(digits, radix).ok().map(Number::from))?
    };
    if let Some(oct) = text.strip_prefix("0o") {
        return radix(oct, 8);
    }
    if let Some(hex) = text.strip_prefix("0x") {
        return radix(hex, 16);
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    if let Ok(i) = unsigned.parse::<i64>() {
        return Some(Number::from(i));
    }
    if let Ok(u) = unsigned.parse::<u64>() {
        return Some(Number::from(u));
    }
    unsigned.parse::<f64>().ok().and_then(Number::from_f64)
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(text: &str) -> bool {
    let b = text.strip_prefix(['-', '+']).unwrap_or(text).as_bytes();
    let mut i = 0;
    let int_digits = count_digits(&b[i..]);
    i += int_digits;
    let mut frac_digits = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = count_digits(&b[i..]);
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = count_digits(&b[i..]);
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == b.len()
}

fn count_digits(b: &[u8]) -> usize {
    b.iter().take_while(|c| c.is_ascii_digit()).count()
}

#[cfg(test)]
mod tests {
    use super::{resolve_core, resolve_plain};
    use serde_json::json;

    #[test]
    fn yaml_1_2_core_schema() {
        assert_eq!(resolve_plain("2026-11-20"), json!("2026-11-20"));
        assert_eq!(resolve_plain("yes"), json!("yes"));
        assert_eq!(resolve_plain("off"), json!("off"));
        assert_eq!(resolve_plain("~"), json!(null));
        assert_eq!(resolve_plain("True"), json!(true));
        assert_eq!(resolve_plain("42"), json!(42));
        assert_eq!(resolve_plain("-7"), json!(-7));
        assert_eq!(resolve_plain("+7"), json!(7));
        assert_eq!(resolve_plain("0x1F"), json!(31));
        assert_eq!(resolve_plain("0o17"), json!(15));
        assert_eq!(resolve_plain("1.5"), json!(1.5));
        assert_eq!(resolve_plain("1e3"), json!(1000.0));
        assert_eq!(resolve_plain(".5"), json!(0.5));
        assert_eq!(resolve_plain("1_000"), json!("1_000"));
        assert_eq!(resolve_plain(".inf"), json!(".inf"));
        assert_eq!(resolve_plain("1.2.3"), json!("1.2.3"));
        assert_eq!(resolve_plain("-"), json!("-"));
        assert_eq!(resolve_plain("0x-1"), json!("0x-1"));
        assert_eq!(resolve_plain("0o+7"), json!("0o+7"));
    }

    #[test]
    fn core_schema_tags() {
        assert_eq!(resolve_core("str", "12"), Some(json!("12")));
        assert_eq!(resolve_core("int", "12"), Some(json!(12)));
        assert_eq!(resolve_core("int", "0x1F"), Some(json!(31)));
        assert_eq!(resolve_core("int", "1.5"), None);
        assert_eq!(resolve_core("float", "1"), Some(json!(1.0)));
        assert_eq!(resolve_core("float", "-1.5e2"), Some(json!(-150.0)));
        assert_eq!(resolve_core("float", ".inf"), None);
        assert_eq!(resolve_core("float", "one"), None);
        assert_eq!(resolve_core("bool", "True"), Some(json!(true)));
        assert_eq!(resolve_core("bool", "yes"), None);
        assert_eq!(resolve_core("null", ""), Some(json!(null)));
        assert_eq!(resolve_core("null", "~"), Some(json!(null)));
        assert_eq!(resolve_core("null", "none"), None);
        assert_eq!(resolve_core("binary", "AAAA"), None);
    }
}
