//! Earned value (PMI): what the work done is worth against what was planned and spent.

use super::days_between;
use crate::model::Project;
use jiff::civil::Date;

/// Earned-value figures of one project at a data date. Indices are `None` where their
/// denominator is zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EarnedValue {
    /// The data date: `actuals.as_of`, else today.
    pub as_of: Date,
    /// Budget at completion: `baseline.budget`.
    pub bac: f64,
    /// Planned value: BAC x the share of the baseline schedule elapsed at the data date
    /// (linear from `baseline.start` to `baseline.finish`, clamped to 0-100 %).
    pub pv: f64,
    /// Earned value: `actuals.percent_complete` x BAC.
    pub ev: f64,
    /// Actual cost: `actuals.cost`.
    pub ac: f64,
    /// Cost performance index EV / AC.
    pub cpi: Option<f64>,
    /// Schedule performance index EV / PV.
    pub spi: Option<f64>,
    /// Estimate at completion BAC / CPI.
    pub eac: Option<f64>,
    /// Variance at completion BAC - EAC.
    pub vac: Option<f64>,
}

/// Needs `baseline.start`, `baseline.finish`, `baseline.budget`, `actuals.cost` and
/// `actuals.percent_complete`; `None` otherwise.
pub fn earned_value(project: &Project<'_>, today: Date) -> Option<EarnedValue> {
    let b = &project.baseline;
    let (start, finish, bac) = (b.start?, b.finish?, b.budget?);
    let ac = project.actuals.cost?;
    let complete = project.actuals.percent_complete?;
    let as_of = project.actuals.as_of.unwrap_or(today);
    let pv = bac * planned_share(start, finish, as_of);
    Some(totals(as_of, bac, pv, bac * complete / 100.0, ac))
}

/// The share of the baseline schedule elapsed at `as_of`, 0.0-1.0.
pub fn planned_share(start: Date, finish: Date, as_of: Date) -> f64 {
    let total = days_between(start, finish);
    if total <= 0 {
        return if as_of >= finish { 1.0 } else { 0.0 };
    }
    (days_between(start, as_of) as f64 / total as f64).clamp(0.0, 1.0)
}

/// The indices from BAC, PV, EV and AC; also how projects roll up (sum PV, EV and AC
/// first, then take the ratios).
pub fn totals(as_of: Date, bac: f64, pv: f64, ev: f64, ac: f64) -> EarnedValue {
    let ratio = |a: f64, b: f64| (b != 0.0).then(|| a / b);
    let cpi = ratio(ev, ac);
    let eac = cpi.and_then(|cpi| ratio(bac, cpi));
    EarnedValue {
        as_of,
        bac,
        pv,
        ev,
        ac,
        cpi,
        spi: ratio(ev, pv),
        eac,
        vac: eac.map(|eac| bac - eac),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use serde::Deserialize;
    use serde_json::json;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn worked_example() {
        // Baseline 2026-01-01 to 2026-12-31 (364 days), BAC 1,000,000. At 2026-07-02
        // (182 days) half the schedule has elapsed: PV = 500,000. 40 % complete:
        // EV = 400,000. AC = 500,000. CPI = 0.8, SPI = 0.8, EAC = 1,250,000,
        // VAC = -250,000.
        let v = json!({
            "id": "p", "title": "P", "sponsor": "s", "manager": "m",
            "state": "active", "phase": "x",
            "baseline": {"start": "2026-01-01", "finish": "2026-12-31", "budget": 1_000_000},
            "actuals": {"cost": 500_000, "percent_complete": 40, "as_of": "2026-07-02"}
        });
        let ev = earned_value(&Project::deserialize(&v).unwrap(), date(2030, 1, 1)).unwrap();
        assert_eq!(ev.as_of, date(2026, 7, 2));
        assert!(close(ev.pv, 500_000.0));
        assert!(close(ev.ev, 400_000.0));
        assert!(close(ev.ac, 500_000.0));
        assert!(close(ev.cpi.unwrap(), 0.8));
        assert!(close(ev.spi.unwrap(), 0.8));
        assert!(close(ev.eac.unwrap(), 1_250_000.0));
        assert!(close(ev.vac.unwrap(), -250_000.0));
    }

    #[test]
    fn planned_share_is_clamped() {
        let (s, f) = (date(2026, 1, 1), date(2026, 12, 31));
        assert_eq!(planned_share(s, f, date(2025, 6, 1)), 0.0);
        assert_eq!(planned_share(s, f, date(2027, 6, 1)), 1.0);
        assert_eq!(planned_share(s, s, date(2026, 1, 1)), 1.0);
    }

    #[test]
    fn no_actual_cost_gives_no_indices() {
        let ev = totals(date(2026, 1, 1), 100.0, 0.0, 0.0, 0.0);
        assert_eq!((ev.cpi, ev.spi, ev.eac, ev.vac), (None, None, None, None));
    }
}
