//! Computed RAG (SPEC section 5): cost from the forecast against the baseline budget,
//! schedule from the forecast finish against the baseline finish, overall the worst.
//! With `rag.cpi` / `rag.spi` configured, cost is also graded on the cost performance
//! index and schedule on the schedule performance index, each dimension the worse of its
//! two grades. This is the one definition views, reports, F002 and `pmo diff` use.

use super::days_between;
use super::earned_value::earned_value;
use crate::config::{RagConfig, Thresholds};
use crate::model::{Project, Rag};
use jiff::civil::Date;

/// A project's computed RAG, with the figures it was graded on.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ComputedRag {
    /// Forecast cost over baseline budget, in percent (negative when under).
    pub cost_overrun_pct: Option<f64>,
    /// Forecast finish after baseline finish, in days (negative when early).
    pub days_late: Option<i64>,
    /// The cost performance index cost was graded on: set only when `rag.cpi` is.
    pub cpi: Option<f64>,
    /// The schedule performance index schedule was graded on: set only when `rag.spi` is.
    pub spi: Option<f64>,
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

/// For an index, where lower is worse: green down to and including `amber`, amber down to
/// and including `red`, red below.
pub fn grade_index(value: f64, t: &Thresholds) -> Rag {
    if value >= t.amber {
        Rag::Green
    } else if value >= t.red {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// The computed RAG of a project. It uses `baseline` whether or not it is approved yet;
/// a budget of 0 gives no cost RAG. `today` is the earned-value data date of a project
/// without `actuals.as_of`; it matters only when `rag.cpi` or `rag.spi` is configured.
pub fn computed(project: &Project<'_>, config: &RagConfig, today: Date) -> ComputedRag {
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
    // Earned value only when an index is graded: without `rag.cpi` and `rag.spi` the
    // computed RAG is what it always was.
    let ev = (config.cpi.is_some() || config.spi.is_some())
        .then(|| earned_value(project, today))
        .flatten();
    let cpi = config.cpi.as_ref().and(ev.and_then(|ev| ev.cpi));
    let spi = config.spi.as_ref().and(ev.and_then(|ev| ev.spi));
    let by_index =
        |value: Option<f64>, t: &Option<Thresholds>| Some(grade_index(value?, t.as_ref()?));
    let cost = cost_overrun_pct
        .map(|pct| grade(pct, &config.cost_pct))
        .max(by_index(cpi, &config.cpi));
    let schedule = days_late
        .map(|days| grade(days as f64, &config.schedule_days))
        .max(by_index(spi, &config.spi));
    ComputedRag {
        cost_overrun_pct,
        days_late,
        cpi,
        spi,
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
        computed(
            &Project::deserialize(value).unwrap(),
            &RagConfig::default(),
            date(2030, 1, 1),
        )
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

    fn index_thresholds() -> Option<Thresholds> {
        Some(Thresholds {
            amber: 0.95,
            red: 0.9,
        })
    }

    #[test]
    fn index_thresholds_are_inclusive_and_lower_is_worse() {
        let t = index_thresholds().unwrap();
        assert_eq!(grade_index(1.2, &t), Rag::Green);
        assert_eq!(grade_index(0.95, &t), Rag::Green);
        assert_eq!(grade_index(0.9499, &t), Rag::Amber);
        assert_eq!(grade_index(0.9, &t), Rag::Amber);
        assert_eq!(grade_index(0.8999, &t), Rag::Red);
    }

    /// The worked example of earned value (CPI 0.8, SPI 0.8) with a forecast that is
    /// within budget and on time: green on the forecast alone.
    fn earning_badly() -> Value {
        json!({
            "id": "p", "title": "P", "sponsor": "s", "manager": "m",
            "state": "active", "phase": "execution",
            "baseline": {"start": "2026-01-01", "finish": "2026-12-31", "budget": 1_000_000},
            "forecast": {"cost": 1_000_000, "finish": "2026-12-31"},
            "actuals": {"cost": 500_000, "percent_complete": 40, "as_of": "2026-07-02"}
        })
    }

    #[test]
    fn indices_count_only_when_configured() {
        let rag = rag_of(&earning_badly());
        assert_eq!((rag.cpi, rag.spi), (None, None));
        assert_eq!(rag.overall, Some(Rag::Green));

        let value = earning_badly();
        let project = Project::deserialize(&value).unwrap();
        let cpi_only = RagConfig {
            cpi: index_thresholds(),
            ..RagConfig::default()
        };
        let rag = computed(&project, &cpi_only, date(2030, 1, 1));
        assert!((rag.cpi.unwrap() - 0.8).abs() < 1e-9);
        assert_eq!(rag.spi, None);
        assert_eq!(rag.cost, Some(Rag::Red));
        assert_eq!(rag.schedule, Some(Rag::Green));
        assert_eq!(rag.overall, Some(Rag::Red));

        let spi_only = RagConfig {
            spi: Some(Thresholds {
                amber: 0.85,
                red: 0.75,
            }),
            ..RagConfig::default()
        };
        let rag = computed(&project, &spi_only, date(2030, 1, 1));
        assert_eq!(rag.cost, Some(Rag::Green));
        assert_eq!(rag.schedule, Some(Rag::Amber));
        assert_eq!(rag.overall, Some(Rag::Amber));
    }

    #[test]
    fn an_index_grades_a_dimension_the_forecast_cannot() {
        // No forecast at all: cost and schedule come from the indices alone.
        let mut value = earning_badly();
        value.as_object_mut().unwrap().remove("forecast");
        let project = Project::deserialize(&value).unwrap();
        assert_eq!(rag_of(&value).overall, None);
        let both = RagConfig {
            cpi: index_thresholds(),
            spi: index_thresholds(),
            ..RagConfig::default()
        };
        let rag = computed(&project, &both, date(2030, 1, 1));
        assert_eq!((rag.cost, rag.schedule), (Some(Rag::Red), Some(Rag::Red)));
        assert_eq!((rag.cost_overrun_pct, rag.days_late), (None, None));
    }

    #[test]
    fn the_data_date_defaults_to_today() {
        // Without `actuals.as_of`, planned value (and so SPI) is taken at `today`.
        let mut value = earning_badly();
        value["actuals"].as_object_mut().unwrap().remove("as_of");
        let project = Project::deserialize(&value).unwrap();
        let spi = RagConfig {
            spi: index_thresholds(),
            ..RagConfig::default()
        };
        // On 2026-05-21 (140 of 364 days) PV is 384,615: SPI 1.04, green.
        let early = computed(&project, &spi, date(2026, 5, 21));
        assert_eq!(early.schedule, Some(Rag::Green));
        let late = computed(&project, &spi, date(2026, 7, 2));
        assert_eq!(late.schedule, Some(Rag::Red));
    }
}
