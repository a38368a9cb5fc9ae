//! Fixes that are certain, each declared by the rule whose finding it fixes (S001's
//! misspelt field, wrong-case value, other date format and missing field with a
//! documented default; R002's misspelt id). A fix is edits at the spans pmo already has,
//! so everything outside them (comments, quoting, layout) stays as written. `pmo check
//! --fix` applies them; the editor's server offers them as code actions.

use crate::diagnostic::Pos;
#[cfg(test)]
use crate::diagnostic::Span;
pub use crate::diagnostic::{Edit, Fix};

/// Whether `word` can be written as a plain YAML scalar that reads back as the same
/// text: the words a fix writes (field names, enum values, ids, dates).
pub fn plain(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(
            word.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
        // A word that reads as a number would be one.
        && word.parse::<f64>().is_err()
}

/// The byte offset of `pos` (1-based line, column in characters) in `text`; `None` when
/// the text has no such position.
pub fn offset(text: &str, pos: Pos) -> Option<usize> {
    let mut line_start = 0;
    for _ in 1..pos.line {
        line_start += text[line_start..].find('\n')? + 1;
    }
    let line = &text[line_start..];
    let line = &line[..line.find('\n').unwrap_or(line.len())];
    let column = pos.column.checked_sub(1)? as usize;
    match line.char_indices().nth(column) {
        Some((at, _)) => Some(line_start + at),
        None if line.chars().count() == column => Some(line_start + line.len()),
        None => None,
    }
}

/// `text` with the edits of `fixes` made, and how many fixes were applied. A fix whose
/// text is no longer what it expects, or that overlaps one already taken, is left out.
pub fn apply<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
    let mut taken: Vec<(usize, usize, String)> = Vec::new();
    let mut applied = 0;
    'fixes: for fix in fixes {
        let mut ranges = Vec::new();
        for edit in &fix.edits {
            let Some((start, end, new)) = resolve(text, edit) else {
                continue 'fixes;
            };
            let overlaps = |&(s, e, _): &(usize, usize, String)| {
                start < e && s < end || (start == end && s == e && s == start)
            };
            if taken.iter().chain(&ranges).any(overlaps) {
                continue 'fixes;
            }
            ranges.push((start, end, new));
        }
        taken.extend(ranges);
        applied += 1;
    }
    taken.sort_by_key(|&(start, end, _)| (start, end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, new) in taken {
        out.push_str(&text[at..start]);
        out.push_str(&new);
        at = end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Where `edit` goes in `text` (byte offsets) and what it writes there (`new` in the
/// quotes the old value had); `None` when the text there is no longer `old`.
pub fn resolve(text: &str, edit: &Edit) -> Option<(usize, usize, String)> {
    let start = offset(text, edit.span.start)?;
    let end = offset(text, edit.span.end)?;
    let (inner, quote) = unquoted(text.get(start..end)?);
    (inner == edit.old).then(|| (start, end, format!("{quote}{}{quote}", edit.new)))
}

/// A scalar's text without its quotes, and the quote.
fn unquoted(text: &str) -> (&str, &str) {
    for q in ["\"", "'"] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return (inner, q);
        }
    }
    (text, "")
}

/// `text` as YYYY-MM-DD when it is a date in another form that can be read one way
/// only: year first with `-`, `/` or `.` and one- or two-digit month and day
/// (`2026/11/20`, `2026-1-5`); day and month either way round when only one reading is a
/// date (`20/11/2026`, `11/20/2026`, never `05/06/2026`); a month by name (`20 Nov 2026`,
/// `November 20, 2026`).
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    let parts: Vec<&str> = text
        .split(['-', '/', '.', ' ', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let number = |s: &str, digits: std::ops::RangeInclusive<usize>| {
        (digits.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i16>().ok())
            .flatten()
    };
    let valid = |y: i16, m: i16, d: i16| {
        let date = jiff::civil::Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()?;
        Some(date.to_string())
    };
    let named = |s: &str| month(s);
    let found = if let (Some(y), Some(m), Some(d)) =
        (number(a, 4..=4), number(b, 1..=2), number(c, 1..=2))
    {
        valid(y, m, d)
    } else if let (Some(x), Some(z), Some(y)) =
        (number(a, 1..=2), number(b, 1..=2), number(c, 4..=4))
    {
        match (valid(y, z, x), valid(y, x, z)) {
            (Some(one), None) | (None, Some(one)) => Some(one),
            (Some(one), Some(other)) if one == other => Some(one),
            _ => None,
        }
    } else if let (Some(d), Some(m), Some(y)) = (number(a, 1..=2), named(b), number(c, 4..=4)) {
        valid(y, m, d)
    } else if let (Some(m), Some(d), Some(y)) = (named(a), number(b, 1..=2), number(c, 4..=4)) {
        valid(y, m, d)
    } else {
        None
    };
    found.filter(|f| f != text)
}

/// A month by its English name or its first three letters.
fn month(name: &str) -> Option<i16> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = name.to_ascii_lowercase();
    let at = MONTHS
        .iter()
        .position(|m| lower == *m || (lower.len() == 3 && m.starts_with(&lower)))?;
    Some(at as i16 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_one_reading_only_are_rewritten() {
        for (text, want) in [
            ("2026/11/20", Some("2026-11-20")),
            ("2026.1.5", Some("2026-01-05")),
            ("2026-1-05", Some("2026-01-05")),
            ("20/11/2026", Some("2026-11-20")),
            ("11/20/2026", Some("2026-11-20")),
            ("20.11.2026", Some("2026-11-20")),
            ("05/05/2026", Some("2026-05-05")),
            ("05/06/2026", None),
            ("20 Nov 2026", Some("2026-11-20")),
            ("November 20, 2026", Some("2026-11-20")),
            ("2026-02-30", None),
            ("31/02/2026", None),
            ("2026-11-20", None),
            ("soon", None),
            ("20/11/26", None),
        ] {
            assert_eq!(date(text).as_deref(), want, "{text}");
        }
    }

    #[test]
    fn positions_are_characters_and_edits_keep_everything_else() {
        let text = "kind: risk # é\nstatus: Open  # keep\n";
        assert_eq!(offset(text, Pos { line: 2, column: 9 }), Some(24));
        assert_eq!(
            offset(
                text,
                Pos {
                    line: 1,
                    column: 15
                }
            ),
            Some(15)
        );
        assert_eq!(offset(text, Pos { line: 3, column: 2 }), None);
        let span = Span {
            start: Pos { line: 2, column: 9 },
            end: Pos {
                line: 2,
                column: 13,
            },
        };
        let fix = Fix::replace(span, "Open", "open");
        let (out, n) = apply(text, [&fix, &fix]);
        assert_eq!(
            (out.as_str(), n),
            ("kind: risk # é\nstatus: open  # keep\n", 1)
        );
        // Quotes stay.
        let quoted = "status: 'Open'\n";
        let span = Span {
            start: Pos { line: 1, column: 9 },
            end: Pos {
                line: 1,
                column: 15,
            },
        };
        let fix = Fix::replace(span, "Open", "open");
        assert_eq!(apply(quoted, [&fix]).0, "status: 'open'\n");
        // The text changed since the finding: the fix is not applied.
        let stale = Fix::replace(span, "Closed", "closed");
        assert_eq!(apply(text, [&stale]), (text.to_owned(), 0));
    }

    #[test]
    fn only_words_that_read_back_the_same_are_written_plain() {
        assert!(plain("open") && plain("alice-smith") && plain("2026-11-20"));
        assert!(!plain("yes") && !plain("1e3") && !plain("a b") && !plain("") && !plain("#x"));
    }
}
