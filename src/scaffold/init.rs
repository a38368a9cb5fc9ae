use super::example;
use crate::Error;
use crate::write::Files;
use jiff::ToSpan;
use jiff::civil::Date;
use std::borrow::Cow;
use std::path::PathBuf;

/// The day the bundled example (`examples/acme`) is written for: on it, `pmo check`
/// finds nothing. Tests and snapshots read the folder as of this day.
pub const EXAMPLE_DAY: Date = Date::constant(2026, 11, 20);

/// Create a governance repository in the folder `files` writes into: pmo.yaml and the
/// suggested folders, or with `example` the bundled example portfolio as of that day.
/// Refuses, writing nothing, when any file it would write exists. Returns the files
/// written.
pub fn init(mut files: Files, example: Option<Date>) -> Result<Vec<PathBuf>, Error> {
    let dir = files.path();
    if let Some(today) = example {
        for (path, text) in example_as_of(today)? {
            files.add(&path, text);
        }
    } else {
        let organisation = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "My organisation".into());
        let config = super::new::render(
            "pmo.yaml",
            minijinja::context! { organisation => serde_json::to_string(&organisation).unwrap_or_default() },
        )?;
        files.add("pmo.yaml", config);
    }
    for folder in ["people", "objectives", "programs", "projects"] {
        files.add_folder(folder);
    }
    let existing: Vec<String> = files
        .existing()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Invalid(format!(
            "{} already has {}; nothing was written",
            dir.display(),
            existing.join(", ")
        )));
    }
    files.write()
}

/// The example's files (path, text) as of `today`: every date moved by the days from
/// [`EXAMPLE_DAY`] to `today`, in values, ids, file names and the README alike. Every
/// rule compares dates with each other or with today, so the moved portfolio is as
/// clean on `today` as the fixture is on its day, instead of decaying into overdue
/// status reports and unreviewed risks.
pub fn example_as_of(today: Date) -> Result<Vec<(String, String)>, Error> {
    let days = EXAMPLE_DAY.until(today).map_or(0, |span| span.get_days());
    let far = || {
        // The days the example reaches before and after its day bound the days it can move to.
        let (mut first, mut last) = (EXAMPLE_DAY, EXAMPLE_DAY);
        for (path, text) in example::FILES {
            for t in [path, text] {
                map_dates(t, |d| {
                    (first, last) = (first.min(d), last.max(d));
                    Some(d)
                });
            }
        }
        let (lowest, highest) = (Date::constant(1000, 1, 1), Date::constant(9999, 12, 31));
        let from = lowest.checked_add(first.until(EXAMPLE_DAY).unwrap_or_default());
        let to = highest.checked_sub(EXAMPLE_DAY.until(last).unwrap_or_default());
        let range = match (from, to) {
            (Ok(from), Ok(to)) => format!(": choose a --today from {from} to {to}"),
            _ => String::new(),
        };
        Error::Invalid(format!(
            "the example portfolio's dates cannot be moved to {today}: they would leave the years 1000 to 9999{range}"
        ))
    };
    // Prose names the reference day once ("consistent as of 20 November 2026").
    let long = |d: Date| d.strftime("%-d %B %Y").to_string();
    let new_day = shift(EXAMPLE_DAY, days).ok_or_else(far)?;
    let (old_long, new_long) = (long(EXAMPLE_DAY), long(new_day));
    example::FILES
        .iter()
        .map(|(path, text)| {
            let path = shift_dates(path, days).ok_or_else(far)?.into_owned();
            let text = shift_dates(text, days)
                .ok_or_else(far)?
                .replace(&old_long, &new_long);
            Ok((path, text))
        })
        .collect()
}

/// `date` plus `days`, if the result is still written with four digits.
fn shift(date: Date, days: i32) -> Option<Date> {
    date.checked_add(days.days())
        .ok()
        .filter(|d| (1000..=9999).contains(&d.year()))
}

/// `text` with every date moved by `days`; `None` when one would leave the four-digit
/// years.
fn shift_dates(text: &str, days: i32) -> Option<Cow<'_, str>> {
    if days == 0 {
        return Some(Cow::Borrowed(text));
    }
    map_dates(text, |d| shift(d, days)).map(Cow::Owned)
}

/// `text` with every `YYYY-MM-DD` that is a calendar date (and not part of a longer
/// number) replaced by what `f` makes of it; `None` when `f` gives none.
fn map_dates(text: &str, mut f: impl FnMut(Date) -> Option<Date>) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i + 10 <= bytes.len() {
        let candidate = &bytes[i..i + 10];
        let shape = candidate.iter().enumerate().all(|(k, b)| match k {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
        let digit_at =
            |k: Option<usize>| k.and_then(|k| bytes.get(k)).is_some_and(u8::is_ascii_digit);
        if shape && !digit_at(i.checked_sub(1)) && !digit_at(Some(i + 10)) {
            // Ten ASCII bytes: a valid str slice.
            if let Ok(date) = text[i..i + 10].parse::<Date>() {
                out.push_str(&text[copied..i]);
                out.push_str(&f(date)?.to_string());
                i += 10;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_and_other_numbers_stay() {
        let text = "date: 2026-11-20\nid: apollo-status-2026-10-30\ncost: 2026-1120\nx: 12026-11-20\nbad: 2026-02-30\n";
        assert_eq!(
            shift_dates(text, 13).unwrap(),
            "date: 2026-12-03\nid: apollo-status-2026-11-12\ncost: 2026-1120\nx: 12026-11-20\nbad: 2026-02-30\n"
        );
        assert_eq!(shift_dates("2024-02-28", 1).unwrap(), "2024-02-29");
        assert!(shift_dates("9999-12-01", 40).is_none());
    }

    #[test]
    fn the_example_on_its_own_day_is_the_folder() {
        let files = example_as_of(EXAMPLE_DAY).unwrap();
        for ((path, text), (orig_path, orig_text)) in files.iter().zip(example::FILES) {
            assert_eq!((path.as_str(), text.as_str()), (*orig_path, *orig_text));
        }
    }

    #[test]
    fn the_readme_names_the_new_day() {
        let files = example_as_of(Date::constant(2027, 3, 1)).unwrap();
        let readme = &files.iter().find(|(p, _)| p == "README.md").unwrap().1;
        assert!(
            readme.contains("as of 1 March 2027: run `pmo check --today 2027-03-01`"),
            "{readme}"
        );
        assert!(
            files
                .iter()
                .any(|(p, _)| p == "projects/apollo/status/2027-02-22.yaml")
        );
    }
}
