//! Stage gates: whether a gate's requirements are met (rules G002 and G003 for the gates
//! passed, the gate review pack for the next one).

use crate::config::Position;
use crate::model::{Document, Kind, Portfolio, Project};
use serde::Serialize;
use serde_json::Value;

/// Why a dotted field counts as missing, or `None` when it is present. Missing means
/// absent, null, `""` or `[]`; `0` is present.
pub fn missing(root: &Value, field: &str) -> Option<&'static str> {
    let mut value = root;
    for part in field.split('.') {
        match value.get(part) {
            Some(v) => value = v,
            None => return Some("missing"),
        }
    }
    match value {
        Value::Null => Some("null"),
        Value::String(s) if s.is_empty() => Some("empty"),
        Value::Array(a) if a.is_empty() => Some("empty"),
        _ => None,
    }
}

/// How a project stands against the first gate it has not passed: a gate up to its
/// current phase without a `go` decision, else the gate into its next phase.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    pub methodology: String,
    pub phase: String,
    /// The phase of the gate under review; `None` when every gate is passed and the
    /// project is in the last phase.
    pub next: Option<String>,
    /// The project is already in that phase (or past it) without a decision that let it
    /// through (rule G001).
    pub entered: bool,
    pub require: Vec<Requirement>,
    pub min_related: Vec<RelatedCount>,
    /// Every requirement met.
    pub ready: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requirement {
    pub field: String,
    /// `None` when present, else why missing ("missing", "null", "empty").
    pub missing: Option<&'static str>,
    pub value: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelatedCount {
    pub kind: String,
    pub required: u32,
    pub found: usize,
}

/// The readiness of `doc` (`project`, at `position`) for the first gate it has not
/// passed.
pub fn readiness(
    portfolio: &Portfolio<'_>,
    doc: &Document,
    project: &Project<'_>,
    position: &Position<'_>,
) -> Readiness {
    let phases = &position.methodology.phases;
    // The first phase has no gate; a gate is passed by its latest decision, and every
    // gate of a methodology that records no decisions.
    let recorded = position.methodology.gate_decisions;
    let not_passed = phases[..=position.phase].iter().skip(1).find(|phase| {
        recorded
            && !project
                .latest_gate(phase)
                .is_some_and(|(_, g)| g.decision.lets_through())
    });
    let entered = not_passed.is_some();
    let next = not_passed
        .or_else(|| phases.get(position.phase + 1))
        .cloned();
    let gate = next.as_ref().and_then(|next| {
        position
            .methodology
            .gates
            .iter()
            .find(|(phase, _)| phase == next)
            .map(|(_, g)| g)
    });
    let id = doc.id().unwrap_or_default();
    let require: Vec<Requirement> = gate
        .map(|g| {
            g.require
                .iter()
                .map(|field| {
                    let value = field
                        .split('.')
                        .try_fold(&doc.value, |v, k| v.get(k))
                        .cloned();
                    Requirement {
                        field: field.clone(),
                        missing: missing(&doc.value, field),
                        value,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let min_related: Vec<RelatedCount> = gate
        .map(|g| {
            g.min_related
                .iter()
                .map(|(kind, required)| RelatedCount {
                    kind: kind.clone(),
                    required: *required,
                    found: Kind::parse(kind).map_or(0, |k| portfolio.related(k, id).count()),
                })
                .collect()
        })
        .unwrap_or_default();
    let ready = require.iter().all(|r| r.missing.is_none())
        && min_related.iter().all(|r| r.found >= r.required as usize);
    Readiness {
        methodology: position.name.to_owned(),
        phase: phases[position.phase].clone(),
        next,
        entered,
        require,
        min_related,
        ready,
    }
}

#[cfg(test)]
mod tests {
    use super::missing;
    use serde_json::json;

    #[test]
    fn present_versus_empty() {
        let v = json!({"a": {"b": 0, "c": "", "d": [], "e": null, "f": "x"}});
        assert_eq!(missing(&v, "a.b"), None);
        assert_eq!(missing(&v, "a.f"), None);
        assert_eq!(missing(&v, "a.c"), Some("empty"));
        assert_eq!(missing(&v, "a.d"), Some("empty"));
        assert_eq!(missing(&v, "a.e"), Some("null"));
        assert_eq!(missing(&v, "a.x"), Some("missing"));
        assert_eq!(missing(&v, "z.y"), Some("missing"));
    }
}
