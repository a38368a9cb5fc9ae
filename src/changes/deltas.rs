//! What a change does to the portfolio's totals: budget, forecast and risk exposure per
//! currency, and the count of projects by computed RAG.

use super::Subject;
use super::Which;
use super::matching::Doc;
use crate::config::Config;
use crate::metrics::{self, rag};
use crate::model::Kind;
use crate::model::{Project, Rag, Risk};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Portfolio totals moved by the diff, per currency.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Deltas {
    pub budget: BTreeMap<String, f64>,
    pub forecast: BTreeMap<String, f64>,
    pub exposure: BTreeMap<String, f64>,
    /// Computed overall RAG counts: green, amber, red, none.
    pub rag: BTreeMap<String, i64>,
}

fn typed<'a, T: serde::Deserialize<'a>>(v: Option<&'a Value>) -> Option<T> {
    T::deserialize(v?).ok()
}

fn rag_name(r: Option<Rag>) -> &'static str {
    r.map_or("none", Rag::as_str)
}

/// The currency of the amounts of each project the diff reads, on each side.
pub(super) struct Currencies<'d> {
    base: HashMap<&'d str, String>,
    head: HashMap<&'d str, String>,
    /// pmo.yaml's (empty when it has none).
    default: String,
}

impl<'d> Currencies<'d> {
    pub(super) fn new(
        old: &'d BTreeMap<String, Doc>,
        new: &'d BTreeMap<String, Doc>,
        config: &Config,
    ) -> Currencies<'d> {
        let default = config.currency.clone().unwrap_or_default();
        let side = |docs: &'d BTreeMap<String, Doc>| {
            docs.iter()
                .filter(|(_, d)| d.kind == Subject::Document(Kind::Project))
                .map(|(id, d)| {
                    let own = d.value.get("currency").and_then(Value::as_str);
                    (
                        id.as_str(),
                        own.map_or_else(|| default.clone(), str::to_owned),
                    )
                })
                .collect()
        };
        Currencies {
            base: side(old),
            head: side(new),
            default,
        }
    }

    /// The currency of `doc`'s amounts on `side`: a project's own, else pmo.yaml's; a
    /// risk's or a change's is its project's when the diff reads that project (on this
    /// side, else the other), else pmo.yaml's: the diff reads only changed files.
    pub(super) fn of(&self, doc: &Doc, side: Which) -> String {
        let (this, other) = match side {
            Which::Base => (&self.base, &self.head),
            Which::Head => (&self.head, &self.base),
        };
        let project = match doc.kind.kind() {
            Some(Kind::Project) => doc.value.get("id"),
            _ => doc.value.get("project"),
        }
        .and_then(Value::as_str)
        .unwrap_or_default();
        this.get(project)
            .or_else(|| other.get(project))
            .unwrap_or(&self.default)
            .clone()
    }
}

pub(super) fn deltas(
    old: &BTreeMap<String, Doc>,
    new: &BTreeMap<String, Doc>,
    currencies: &Currencies<'_>,
    config: &Config,
    today: Date,
) -> Deltas {
    let mut d = Deltas::default();
    for (docs, sign, side) in [(old, -1.0, Which::Base), (new, 1.0, Which::Head)] {
        for doc in docs.values() {
            match doc.kind.kind() {
                Some(Kind::Project) => {
                    let Some(p) = typed::<Project>(Some(&doc.value)) else {
                        continue;
                    };
                    let cur = currencies.of(doc, side);
                    *d.budget.entry(cur.clone()).or_default() +=
                        sign * p.baseline.budget.unwrap_or(0.0);
                    *d.forecast.entry(cur).or_default() += sign * p.forecast.cost.unwrap_or(0.0);
                    let rag = rag_name(rag::computed(&p, &config.rag, today).overall);
                    *d.rag.entry(rag.to_owned()).or_default() += sign as i64;
                }
                Some(Kind::Risk) => {
                    let Some(r) = typed::<Risk>(Some(&doc.value)) else {
                        continue;
                    };
                    *d.exposure.entry(currencies.of(doc, side)).or_default() +=
                        sign * metrics::risk::exposure(&r).unwrap_or(0.0);
                }
                _ => {}
            }
        }
    }
    // Money to the cent: a sum of floats carries noise (`98399.99999999999`) that is
    // nobody's money, and a delta that rounds to nothing moved nothing.
    let nonzero = |m: &mut BTreeMap<String, f64>| {
        for v in m.values_mut() {
            *v = metrics::cents(*v);
        }
        m.retain(|_, v| *v != 0.0);
    };
    nonzero(&mut d.budget);
    nonzero(&mut d.forecast);
    nonzero(&mut d.exposure);
    d.rag.retain(|_, v| *v != 0);
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::changes::test_docs::{TODAY, project};

    #[test]
    fn deltas_count_each_side_in_its_currency_to_the_cent() {
        let config = Config::default();
        let doc = |kind: &str, value: Value| Doc {
            file: format!("{kind}.yaml"),
            kind: Subject::of(kind),
            value,
        };
        let risk = |probability: u8| {
            json!({"kind": "risk", "id": "r", "project": "p", "title": "T", "owner": "o",
                   "probability": probability, "impact": 3, "status": "open",
                   "cost_impact": 33333})
        };
        let side = |currency: &str, probability: u8| {
            BTreeMap::from([
                ("p".to_owned(), doc("project", project(currency, 100_000.0))),
                ("r".to_owned(), doc("risk", risk(probability))),
            ])
        };
        // The project moves from USD to EUR: its old budget leaves USD, its new one
        // arrives in EUR, and so do its risk's exposures.
        let (old, new) = (side("USD", 1), side("EUR", 2));
        let d = deltas(
            &old,
            &new,
            &Currencies::new(&old, &new, &config),
            &config,
            TODAY,
        );
        let money = |pairs: &[(&str, f64)]| -> BTreeMap<String, f64> {
            pairs.iter().map(|(c, v)| ((*c).to_owned(), *v)).collect()
        };
        assert_eq!(d.budget, money(&[("EUR", 100_000.0), ("USD", -100_000.0)]));
        assert_eq!(d.exposure, money(&[("EUR", 9999.9), ("USD", -3333.3)]));
        // In one currency, 10 % then 30 % of 33,333 differ by 6,666.60, not by the
        // 6666.599999999999 the floats make of it.
        let (old, new) = (side("EUR", 1), side("EUR", 2));
        let d = deltas(
            &old,
            &new,
            &Currencies::new(&old, &new, &config),
            &config,
            TODAY,
        );
        assert_eq!(d.exposure, money(&[("EUR", 6666.6)]));
        assert!(d.budget.is_empty());
    }
}
