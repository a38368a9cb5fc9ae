//! A project's tolerances: its own `tolerances`, field by field, else pmo.yaml's.

use super::add_days;
use crate::config::Tolerances;
use crate::model::Project;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effective {
    pub cost_pct: f64,
    pub schedule_days: i64,
}

pub fn effective(project: &Project<'_>, defaults: &Tolerances) -> Effective {
    Effective {
        cost_pct: project.tolerances.cost_pct.unwrap_or(defaults.cost_pct),
        schedule_days: project
            .tolerances
            .schedule_days
            .unwrap_or(defaults.schedule_days),
    }
}

impl Effective {
    /// The highest forecast cost within tolerance: budget x (1 + cost_pct / 100).
    pub fn cost_limit(&self, budget: f64) -> f64 {
        budget * (1.0 + self.cost_pct / 100.0)
    }

    /// The latest forecast finish within tolerance.
    pub fn finish_limit(&self, baseline_finish: Date) -> Date {
        add_days(baseline_finish, self.schedule_days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn project_tolerances_fall_back_field_by_field() {
        let v = json!({
            "id": "p", "title": "P", "sponsor": "s", "manager": "m",
            "state": "active", "phase": "x", "tolerances": {"cost_pct": 5}
        });
        let p = Project::deserialize(&v).unwrap();
        let t = effective(&p, &Tolerances::default());
        assert_eq!(t.cost_pct, 5.0);
        assert_eq!(t.schedule_days, 30);
        assert_eq!(t.cost_limit(1_200_000.0), 1_260_000.0);
        assert_eq!(t.finish_limit(date(2026, 12, 18)), date(2027, 1, 17));
    }
}
