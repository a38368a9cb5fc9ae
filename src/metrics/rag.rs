//! Computed RAG (SPEC section 5): cost from the forecast against the baseline budget,
//! schedule from the forecast finish against the baseline finish, overall the worst.

use super::days_between;
use crate::config::{RagConfig, Thresholds};
use crate::model::{Project, Rag};

/// A project's computed RAG, with the figures it was graded on.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ComputedRag {
    /// Forecast cost over baseline budget, in percent (negative when under).
    pub cost_overrun_pct: Option<f64>,
    /// Forecast finish after baseline finish, in days (negative when early).
    pub days_late: Option<i64>,
    pub cost: Option<Rag>,
    pub schedule: Option<Rag>,
    /// The worst computed dimension; none when no dimension could be computed.
    pub overall: Option<Rag>,
}

/// Green up to and including `amber`, amber up to and including `red`, red above.
pub fn grade(value: f64, t: &Thresholds) -> Rag {
    if value <= t.amber {
        Rag::Green
    } else if value <= t.red {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// The computed RAG of a project. It uses `baseline` whether or not it is approved yet;
/// a budget of 0 gives no cost RAG.
pub fn computed(project: &Project<'_>, config: &RagConfig) -> ComputedRag {
    let cost_overrun_pct = match (project.forecast.cost, project.baseline.budget) {
        (Some(forecast), Some(budget)) if budget > 0.0 => {
            Some((forecast - budget) / budget * 100.0)
        }
        _ => None,
    };
    let days_late = match (project.forecast.finish, project.baseline.finish) {
        (Some(forecast), Some(baseline)) => Some(days_between(baseline, forecast)),
        _ => None,
    };
    let cost = cost_overrun_pct.map(|pct| grade(pct, &config.cost_pct));
    let schedule = days_late.map(|days| grade(days as f64, &config.schedule_days));
    ComputedRag {
        cost_overrun_pct,
        days_late,
        cost,
        schedule,
        overall: cost.max(schedule),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::add_days;
    use jiff::civil::date;
    use serde::Deserialize;
    use serde_json::{Value, json};

    /// A project document with a baseline and a forecast `late` days after it.
    fn project(budget: f64, forecast: f64, finish: (i16, i8, i8), late: i64) -> Value {
        let baseline = date(finish.0, finish.1, finish.2);
        json!({
            "id": "p", "title": "P", "sponsor": "s", "manager": "m",
            "state": "active", "phase": "execution",
            "baseline": {"budget": budget, "finish": baseline.to_string()},
            "forecast": {"cost": forecast, "finish": add_days(baseline, late).to_string()},
        })
    }

    fn rag_of(value: &Value) -> ComputedRag {
        computed(&Project::deserialize(value).unwrap(), &RagConfig::default())
    }

    #[test]
    fn thresholds_are_inclusive() {
        let t = Thresholds {
            amber: 5.0,
            red: 10.0,
        };
        assert_eq!(grade(5.0, &t), Rag::Green);
        assert_eq!(grade(5.01, &t), Rag::Amber);
        assert_eq!(grade(10.0, &t), Rag::Amber);
        assert_eq!(grade(10.01, &t), Rag::Red);
        assert_eq!(grade(-20.0, &t), Rag::Green);
    }

    #[test]
    fn apollo_is_red_on_cost_and_red_on_schedule() {
        // 1,350,000 against 1,200,000 is 12.5 % over (red above 10 %); finishing
        // 2027-02-01 against 2026-12-18 is 45 days late (red above 30).
        let rag = rag_of(&project(1_200_000.0, 1_350_000.0, (2026, 12, 18), 45));
        assert_eq!(rag.cost_overrun_pct, Some(12.5));
        assert_eq!(rag.days_late, Some(45));
        assert_eq!(rag.cost, Some(Rag::Red));
        assert_eq!(rag.schedule, Some(Rag::Red));
        assert_eq!(rag.overall, Some(Rag::Red));
    }

    #[test]
    fn overall_is_the_worst_dimension() {
        // 104,000 / 100,000 = 4 % (green); 20 days late (amber).
        let rag = rag_of(&project(100_000.0, 104_000.0, (2026, 6, 30), 20));
        assert_eq!(rag.cost, Some(Rag::Green));
        assert_eq!(rag.schedule, Some(Rag::Amber));
        assert_eq!(rag.overall, Some(Rag::Amber));
    }

    #[test]
    fn a_zero_budget_gives_no_cost_rag() {
        let rag = rag_of(&project(0.0, 5_000.0, (2026, 6, 30), 0));
        assert_eq!(rag.cost, None);
        assert_eq!(rag.overall, Some(Rag::Green));
    }
}
