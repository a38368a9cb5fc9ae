//! Status reporting: whether an active project's latest status update is overdue.

use super::days_between;
use crate::model::Project;
use crate::model::project::State;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overdue {
    /// An active project without any status update.
    Missing,
    /// The latest update is this many days old, more than the cadence.
    Old(i64),
}

/// Whether `project`'s latest status update (dated `latest`) is overdue against a cadence
/// of `cadence_days`. Only active projects report on a cadence.
pub fn overdue(
    project: &Project<'_>,
    latest: Option<Date>,
    cadence_days: i64,
    today: Date,
) -> Option<Overdue> {
    if project.state != State::Active {
        return None;
    }
    match latest {
        None => Some(Overdue::Missing),
        Some(date) => {
            let age = days_between(date, today);
            (age > cadence_days).then_some(Overdue::Old(age))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn only_active_projects_are_overdue() {
        let v = |state: &str| {
            json!({"id": "p", "title": "P", "sponsor": "s", "manager": "m",
                   "state": state, "phase": "x"})
        };
        let (active, closed) = (v("active"), v("closed"));
        let active = Project::deserialize(&active).unwrap();
        let closed = Project::deserialize(&closed).unwrap();
        let today = date(2026, 11, 20);
        assert_eq!(overdue(&active, None, 14, today), Some(Overdue::Missing));
        // 2026-11-06 is exactly 14 days before: on time; a day earlier is late.
        assert_eq!(overdue(&active, Some(date(2026, 11, 6)), 14, today), None);
        assert_eq!(
            overdue(&active, Some(date(2026, 11, 5)), 14, today),
            Some(Overdue::Old(15))
        );
        assert_eq!(overdue(&closed, None, 14, today), None);
    }
}
