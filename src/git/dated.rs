//! The history by date: which commit a branch stood at on a given day (`--as-of`,
//! `pmo trend`). Dates are the committer's, the time a commit entered the branch's line
//! of history as far as git records it; the author date can be much older (a rebase
//! keeps it).

use super::{Git, git_error, shallow_hint};
use crate::Error;
use gix::ObjectId;
use jiff::civil::Date;
use jiff::{Timestamp, Zoned, tz::TimeZone};

/// The end of the moment `--as-of` names: commits dated before it count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// The first instant after the moment.
    pub before: Timestamp,
    /// The day it falls on, as given: what date rules and reports take for today.
    pub day: Date,
}

impl Moment {
    /// The end of `date` in UTC.
    pub fn end_of(date: Date) -> Moment {
        Moment::end_of_in(date, &TimeZone::UTC)
    }

    fn end_of_in(date: Date, zone: &TimeZone) -> Moment {
        let next = date.tomorrow().unwrap_or(date);
        let before = next
            .to_zoned(zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX);
        Moment { before, day: date }
    }

    /// `YYYY-MM-DD` (the end of that day in UTC), the day in a zone
    /// (`2026-11-15[Europe/Paris]`, `2026-11-15+01:00`), or an instant
    /// (`2026-11-15T18:00Z`, `2026-11-15T18:00+01:00`, `2026-11-15T18:00[Europe/Paris]`).
    pub fn parse(text: &str) -> Result<Moment, String> {
        let text = text.trim();
        let wrong = || {
            format!(
                "`{text}` is not a date: give YYYY-MM-DD (the end of that day, UTC), a day in a zone (2026-11-15+01:00, 2026-11-15[Europe/Paris]) or an instant (2026-11-15T18:00Z)"
            )
        };
        let (day, rest) = match text.get(..10) {
            Some(day) => (day.parse::<Date>().ok(), &text[10..]),
            None => (None, ""),
        };
        let Some(day) = day else {
            return Err(wrong());
        };
        if rest.is_empty() {
            return Ok(Moment::end_of(day));
        }
        if rest.starts_with(['T', 't', ' ']) {
            // An instant: with an offset, or a zone to find it in.
            if let Ok(ts) = text.parse::<Timestamp>() {
                return Ok(Moment::after(ts, day));
            }
            return text
                .parse::<Zoned>()
                .map(|z| Moment::after(z.timestamp(), day))
                .map_err(|_| format!("{}; an instant needs its offset or zone", wrong()));
        }
        // A day in a zone: a bracketed name, or an offset (whose days are 24 hours long).
        if let Some(name) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let zone = TimeZone::get(name)
                .map_err(|_| format!("unknown time zone `{name}` in `{text}`"))?;
            return Ok(Moment::end_of_in(day, &zone));
        }
        let start = format!("{day}T00:00{rest}")
            .parse::<Timestamp>()
            .map_err(|_| wrong())?;
        let before = start
            .checked_add(jiff::SignedDuration::from_hours(24))
            .map_err(|_| wrong())?;
        Ok(Moment { before, day })
    }

    /// The moment that ends just after instant `ts` of `day`: a commit made at `ts`
    /// counts.
    fn after(ts: Timestamp, day: Date) -> Moment {
        let before = ts
            .checked_add(jiff::SignedDuration::from_secs(1))
            .unwrap_or(Timestamp::MAX);
        // Commit times are whole seconds.
        Moment {
            before: Timestamp::from_second(before.as_second()).unwrap_or(before),
            day,
        }
    }
}

/// A branch's first-parent line of history, newest first, each commit with its committer
/// date: what it looked like on any day.
pub struct Line {
    pub commits: Vec<(ObjectId, Timestamp)>,
    /// Whether the line stops at a shallow clone's boundary rather than at a root commit.
    pub shallow: bool,
}

impl Line {
    /// The first-parent line of history of `tip`, back to its root or to where a shallow
    /// clone stops. Reads each commit's header only.
    pub fn of(git: &Git, tip: ObjectId) -> Result<Line, Error> {
        let repo = git.local();
        let mut commits = Vec::new();
        let mut next = Some(tip);
        let mut shallow = false;
        while let Some(id) = next {
            let commit = match repo.find_commit(id) {
                Ok(commit) => commit,
                // The tip is there; a missing parent is where a shallow clone's history
                // stops (its boundary commit names parents the clone does not hold).
                Err(_) if !commits.is_empty() => {
                    shallow = true;
                    break;
                }
                Err(e) => {
                    return Err(git_error(format!("commit {id}{}", shallow_hint(&repo)), e));
                }
            };
            let seconds = commit
                .committer()
                .ok()
                .and_then(|c| c.time().ok())
                .map_or(0, |t| t.seconds);
            let when = Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH);
            commits.push((id, when));
            next = commit.parent_ids().next().map(|p| p.detach());
        }
        Ok(Line { commits, shallow })
    }

    /// The last commit of the line dated before `moment` ends, if the line reaches back
    /// that far.
    pub fn at(&self, moment: Moment) -> Option<(ObjectId, Timestamp)> {
        self.commits
            .iter()
            .find(|(_, when)| *when < moment.before)
            .copied()
    }

    /// The oldest commit the line holds.
    pub fn oldest(&self) -> Option<(ObjectId, Timestamp)> {
        self.commits.last().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_day_ends_at_midnight_utc_unless_it_carries_a_zone() {
        let m = |text: &str| Moment::parse(text).unwrap().before;
        assert_eq!(m("2026-11-15"), ts("2026-11-16T00:00Z"));
        assert_eq!(m(" 2026-11-15 "), ts("2026-11-16T00:00Z"));
        assert_eq!(m("2026-11-15+01:00"), ts("2026-11-15T23:00Z"));
        assert_eq!(m("2026-11-15-05:00"), ts("2026-11-16T05:00Z"));
        assert_eq!(m("2026-11-15[Europe/Paris]"), ts("2026-11-15T23:00Z"));
        assert_eq!(m("2026-07-15[Europe/Paris]"), ts("2026-07-15T22:00Z"));
        // An instant: a commit made in that second counts.
        assert_eq!(m("2026-11-15T18:00Z"), ts("2026-11-15T18:00:01Z"));
        assert_eq!(m("2026-11-15T18:00:30+01:00"), ts("2026-11-15T17:00:31Z"));
        assert_eq!(
            m("2026-11-15T18:00[Europe/Paris]"),
            ts("2026-11-15T17:00:01Z")
        );
    }

    #[test]
    fn what_is_not_a_date_is_refused_with_the_forms_that_are() {
        for bad in [
            "",
            "yesterday",
            "2026-13-01",
            "2026-11-15T18:00",
            "2026-11-15[Mars/Olympus]",
            "2026-11-15+99:00",
            "15/11/2026",
        ] {
            let e = Moment::parse(bad).unwrap_err();
            assert!(e.contains('`'), "{bad}: {e}");
        }
        assert!(
            Moment::parse("2026-11-15[Mars/Olympus]")
                .unwrap_err()
                .contains("unknown time zone")
        );
    }

    #[test]
    fn the_line_at_a_moment_is_its_last_commit_before_the_moment_ends() {
        let id = |n: u8| ObjectId::from_bytes_or_panic(&[n; 20]);
        let line = Line {
            commits: vec![
                (id(3), ts("2026-11-16T09:00Z")),
                (id(2), ts("2026-11-15T23:59:59Z")),
                (id(1), ts("2026-11-01T10:00Z")),
            ],
            shallow: false,
        };
        let at = |text: &str| line.at(Moment::parse(text).unwrap()).map(|(id, _)| id);
        assert_eq!(at("2026-11-15"), Some(id(2)));
        assert_eq!(at("2026-11-16"), Some(id(3)));
        assert_eq!(at("2026-11-14"), Some(id(1)));
        assert_eq!(at("2026-10-31"), None);
        assert_eq!(at("2026-11-15+01:00"), Some(id(1)));
    }
}
