//! Metrics: every figure that rules, views and reports show, computed in one place so
//! that a number never disagrees between two outputs.

pub mod allocation;
pub mod change;
pub mod earned_value;
pub mod gate;
pub mod rag;
pub mod risk;
pub mod status;
pub mod tolerance;

use crate::config::Config;
use crate::model::Project;
use jiff::ToSpan;
use jiff::civil::Date;

/// Amounts are written the same way everywhere: [`crate::amount`].
pub use crate::amount::{cents, money};

/// Days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    to.since(from).map_or(0, |span| i64::from(span.get_days()))
}

/// `date` plus `days`, saturating at the calendar's ends.
pub fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(days.days())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// The currency of a project's amounts: its own `currency`, else pmo.yaml's; empty when
/// neither says.
pub fn currency<'a>(project: &Project<'a>, config: &'a Config) -> &'a str {
    project
        .currency
        .or(config.currency.as_deref())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn day_arithmetic() {
        assert_eq!(days_between(date(2026, 1, 1), date(2026, 3, 1)), 59);
        assert_eq!(days_between(date(2026, 3, 1), date(2026, 1, 1)), -59);
        assert_eq!(add_days(date(2026, 12, 18), 45), date(2027, 2, 1));
    }
}
