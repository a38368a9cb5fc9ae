//! Calendar periods: months, ISO weeks (Monday to Sunday) and days, as `capacity` and
//! `trend` divide a range of dates.

use crate::metrics::add_days;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month,
    Week,
    Day,
}

impl Period {
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Week => "week",
            Period::Day => "day",
        }
    }
}

/// One period: `from..=to`, clipped to the requested range.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub label: String,
    pub from: Date,
    pub to: Date,
}

/// The periods covering `from..=to`: calendar months (`2026-11`), ISO weeks (`2026-W47`,
/// Monday to Sunday) or days (`2026-11-20`); the first and last clipped to the range.
pub fn periods(from: Date, to: Date, by: Period) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = match by {
        Period::Month => from.first_of_month(),
        Period::Week => add_days(from, -i64::from(from.weekday().to_monday_zero_offset())),
        Period::Day => from,
    };
    while start <= to {
        let (end, label) = match by {
            Period::Month => (
                start.last_of_month(),
                format!("{}-{:02}", start.year(), start.month()),
            ),
            Period::Week => {
                let week = start.iso_week_date();
                (
                    add_days(start, 6),
                    format!("{}-W{:02}", week.year(), week.week()),
                )
            }
            Period::Day => (start, start.to_string()),
        };
        out.push(Span {
            label,
            from: start.max(from),
            to: end.min(to),
        });
        start = add_days(end, 1);
        if end == Date::MAX {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn periods_end_on_the_last_day_of_a_month_on_sunday_or_each_day_clipped_to_the_range() {
        let ends = |from, to, by| -> Vec<(String, Date)> {
            periods(from, to, by)
                .into_iter()
                .map(|s| (s.label, s.to))
                .collect()
        };
        assert_eq!(
            ends(date(2026, 10, 15), date(2026, 12, 3), Period::Month),
            [
                ("2026-10".into(), date(2026, 10, 31)),
                ("2026-11".into(), date(2026, 11, 30)),
                ("2026-12".into(), date(2026, 12, 3)),
            ]
        );
        // 2026-11-15 is a Sunday.
        assert_eq!(
            ends(date(2026, 11, 10), date(2026, 11, 20), Period::Week),
            [
                ("2026-W46".into(), date(2026, 11, 15)),
                ("2026-W47".into(), date(2026, 11, 20)),
            ]
        );
        assert_eq!(
            ends(date(2026, 12, 30), date(2027, 1, 1), Period::Day).len(),
            3
        );
        assert!(periods(date(2026, 12, 3), date(2026, 12, 2), Period::Day).is_empty());
    }
}
