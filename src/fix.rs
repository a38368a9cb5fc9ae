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

/// A text and where each of its lines starts: a position to an offset, or a line by
/// number, without reading the text again (a file with thousands of findings).
pub struct Lines<'t> {
    text: &'t str,
    /// Byte offsets of each line's start (after a `\n`).
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Lines<'t> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The 0-based line `n`, without its line break; empty past the end.
    pub fn line(&self, n: u32) -> &'t str {
        let Some(&start) = self.starts.get(n as usize) else {
            return "";
        };
        let end = self
            .starts
            .get(n as usize + 1)
            .map_or(self.text.len(), |next| next - 1);
        self.text[start..end].trim_end_matches('\r')
    }

    /// The byte offset of `pos` (1-based line, column in characters); `None` when the
    /// text has no such position.
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let start = *self.starts.get((pos.line as usize).checked_sub(1)?)?;
        let line = self.line(pos.line - 1);
        let column = pos.column.checked_sub(1)? as usize;
        match line.char_indices().nth(column) {
            Some((at, _)) => Some(start + at),
            None if line.chars().count() == column => Some(start + line.len()),
            None => None,
        }
    }

    /// The position of byte offset `at`.
    pub fn pos(&self, at: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts[line - 1];
        let column = self.text.get(start..at).map_or(0, |t| t.chars().count());
        Pos {
            line: line as u32,
            column: column as u32 + 1,
        }
    }
}

/// `text` with the edits of `fixes` made, and how many fixes were applied. A fix whose
/// text is no longer what it expects, or that overlaps one already taken, is left out.
pub fn apply<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
    let lines = Lines::new(text);
    let mut taken: Vec<(usize, usize, String)> = Vec::new();
    let mut applied = 0;
    'fixes: for fix in fixes {
        let mut ranges = Vec::new();
        for edit in &fix.edits {
            let Some((start, end, new)) = resolve(&lines, edit) else {
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

/// Where `edit` goes in the text (byte offsets) and what it writes there: `new` in the
/// quotes the old value had; an inserted line with the text's line ending, after the
/// last line when the text does not end with one. `None` when the text there is no
/// longer `old`.
pub fn resolve(lines: &Lines<'_>, edit: &Edit) -> Option<(usize, usize, String)> {
    let text = lines.text();
    if edit.span.start == edit.span.end && edit.old.is_empty() {
        let crlf = text.contains("\r\n");
        let new = match crlf {
            true => edit.new.replace('\n', "\r\n"),
            false => edit.new.clone(),
        };
        let at = edit.span.start;
        return match lines.offset(at) {
            Some(start) => Some((start, start, new)),
            // After a last line that has no line break.
            None if at.column == 1 && at.line as usize == lines.starts.len() + 1 => {
                let end = if crlf { "\r\n" } else { "\n" };
                Some((text.len(), text.len(), format!("{end}{}", new.trim_end())))
            }
            None => None,
        };
    }
    let start = lines.offset(edit.span.start)?;
    let mut end = lines.offset(edit.span.end)?;
    let found = text.get(start..end)?;
    // A quoted scalar ends at its closing quote, whatever the span holds after it.
    if let Some(close) = closing_quote(found) {
        end = start + close;
    }
    let (inner, quote) = unquoted(&text[start..end]);
    (inner == edit.old).then(|| (start, end, format!("{quote}{}{quote}", edit.new)))
}

/// Just after the closing quote of a quoted scalar at the start of `text`.
fn closing_quote(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.first().filter(|q| matches!(q, b'"' | b'\''))?;
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
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
        assert_eq!(
            Lines::new(text).offset(Pos { line: 2, column: 9 }),
            Some(24)
        );
        assert_eq!(
            Lines::new(text).offset(Pos {
                line: 1,
                column: 15
            }),
            Some(15)
        );
        assert_eq!(Lines::new(text).offset(Pos { line: 3, column: 2 }), None);
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
        // A span that runs on past the closing quote: the quote ends it.
        let commented = "status: \"Open\"   # c\n";
        let span = Span {
            start: Pos { line: 1, column: 9 },
            end: Pos {
                line: 1,
                column: 20,
            },
        };
        let fix = Fix::replace(span, "Open", "open");
        assert_eq!(apply(commented, [&fix]).0, "status: \"open\"   # c\n");
        // The text changed since the finding: the fix is not applied.
        let stale = Fix::replace(span, "Closed", "closed");
        assert_eq!(apply(text, [&stale]), (text.to_owned(), 0));
    }

    #[test]
    fn lines_are_inserted_with_the_texts_line_ending_even_after_a_last_line_without_one() {
        let insert = |line| Fix {
            title: String::new(),
            edits: vec![Edit {
                span: Span {
                    start: Pos { line, column: 1 },
                    end: Pos { line, column: 1 },
                },
                old: String::new(),
                new: "status: open\n".into(),
            }],
        };
        assert_eq!(
            apply("a: 1\r\nb: 2\r\n", [&insert(3)]).0,
            "a: 1\r\nb: 2\r\nstatus: open\r\n"
        );
        assert_eq!(
            apply("a: 1\nb: 2", [&insert(3)]).0,
            "a: 1\nb: 2\nstatus: open"
        );
        assert_eq!(apply("a: 1\nb: 2", [&insert(4)]).1, 0);
        let lines = Lines::new("a\r\nbé\nc");
        assert_eq!(
            (lines.line(0), lines.line(1), lines.line(2), lines.line(3)),
            ("a", "bé", "c", "")
        );
        assert_eq!(lines.pos(6), Pos { line: 2, column: 3 });
        assert_eq!(lines.offset(Pos { line: 2, column: 3 }), Some(6));
    }

    #[test]
    fn only_words_that_read_back_the_same_are_written_plain() {
        assert!(plain("open") && plain("alice-smith") && plain("2026-11-20"));
        assert!(!plain("yes") && !plain("1e3") && !plain("a b") && !plain("") && !plain("#x"));
    }
}
