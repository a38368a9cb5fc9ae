//! Risk score and exposure.

use crate::model::Risk;
use crate::model::records::{Nature, OpenClosed};

/// Probability x impact, 1-25.
pub fn score(risk: &Risk<'_>) -> u32 {
    u32::from(risk.probability) * u32::from(risk.impact)
}

/// An open risk scoring at least `high_score` (pmo.yaml `risk.high_score`).
pub fn is_high(risk: &Risk<'_>, high_score: u32) -> bool {
    risk.status == OpenClosed::Open && score(risk) >= high_score
}

/// The likelihood a probability rating stands for: 1-5 are read as the midpoints of
/// five equal bands (10 %, 30 %, 50 %, 70 %, 90 %).
pub fn likelihood(probability: u8) -> f64 {
    (f64::from(probability.clamp(1, 5)) * 2.0 - 1.0) / 10.0
}

/// Expected value of an open threat with a `cost_impact`: likelihood x cost impact.
/// Opportunities and closed risks expose nothing.
pub fn exposure(risk: &Risk<'_>) -> Option<f64> {
    if risk.status != OpenClosed::Open || risk.nature != Nature::Threat {
        return None;
    }
    risk.cost_impact
        .map(|cost| likelihood(risk.probability) * cost)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::{Value, json};

    fn risk(p: u8, i: u8, extra: Value) -> Value {
        let mut v = json!({
            "id": "r", "project": "p", "title": "R", "owner": "o",
            "probability": p, "impact": i, "status": "open"
        });
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    }

    fn typed(v: &Value) -> Risk<'_> {
        Risk::deserialize(v).unwrap()
    }

    #[test]
    fn score_is_probability_times_impact() {
        assert_eq!(score(&typed(&risk(4, 5, json!({})))), 20);
        assert_eq!(score(&typed(&risk(1, 1, json!({})))), 1);
    }

    #[test]
    fn exposure_is_the_expected_value() {
        // Probability 4 reads as 70 %: 0.7 x 200,000 = 140,000.
        let e = exposure(&typed(&risk(4, 3, json!({"cost_impact": 200_000})))).unwrap();
        assert!((e - 140_000.0).abs() < 1e-6);
        assert_eq!(likelihood(1), 0.1);
        assert_eq!(likelihood(5), 0.9);
        assert_eq!(exposure(&typed(&risk(4, 3, json!({})))), None);
        let closed = risk(4, 3, json!({"cost_impact": 1, "status": "closed"}));
        assert_eq!(exposure(&typed(&closed)), None);
        let upside = risk(4, 3, json!({"cost_impact": 1, "nature": "opportunity"}));
        assert_eq!(exposure(&typed(&upside)), None);
    }
}
