//! What a change does to a document, in governance terms, as data: "risk score 9 → 16",
//! "baseline finish moved by +45 days", "approved by dave". The words are written once,
//! by [`Note`]'s `Display`, which every output (text, Markdown, JSON) uses.

use crate::config::Config;
use crate::metrics::{self, days_between, rag};
use crate::model::Kind;
use crate::model::{Project, Rag, Risk};
use jiff::civil::Date;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::fmt;

/// A field a note names, with its label and where it is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteField {
    State,
    Phase,
    Status,
    Response,
    /// A dimension of a status report: `overall`, `schedule`, `cost`, `scope`, `resources`.
    Overall,
    Schedule,
    Cost,
    Scope,
    Resources,
}

impl NoteField {
    fn label(self) -> &'static str {
        match self {
            NoteField::State => "state",
            NoteField::Phase => "phase",
            NoteField::Status => "status",
            NoteField::Response => "response",
            NoteField::Overall => "status overall",
            NoteField::Schedule => "status schedule",
            NoteField::Cost => "status cost",
            NoteField::Scope => "status scope",
            NoteField::Resources => "status resources",
        }
    }

    fn path(self) -> &'static str {
        match self {
            NoteField::State => "state",
            NoteField::Phase => "phase",
            NoteField::Status => "status",
            NoteField::Response => "response",
            NoteField::Overall => "overall",
            NoteField::Schedule => "schedule",
            NoteField::Cost => "cost",
            NoteField::Scope => "scope",
            NoteField::Resources => "resources",
        }
    }
}

/// An amount of money a note names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountField {
    BaselineBudget,
    ForecastCost,
    /// A change request's `impact.cost`.
    Cost,
}

impl AmountField {
    fn label(self) -> &'static str {
        match self {
            AmountField::BaselineBudget => "baseline budget",
            AmountField::ForecastCost => "forecast cost",
            AmountField::Cost => "cost",
        }
    }

    fn path(self) -> &'static str {
        match self {
            AmountField::BaselineBudget => "baseline.budget",
            AmountField::ForecastCost => "forecast.cost",
            AmountField::Cost => "impact.cost",
        }
    }
}

/// A date of a project's plan that a note says moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    BaselineFinish,
    ForecastFinish,
}

impl DateField {
    fn label(self) -> &'static str {
        match self {
            DateField::BaselineFinish => "baseline finish",
            DateField::ForecastFinish => "forecast finish",
        }
    }

    fn path(self) -> &'static str {
        match self {
            DateField::BaselineFinish => "baseline.finish",
            DateField::ForecastFinish => "forecast.finish",
        }
    }
}

/// What an approval decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
    /// Anything else (the schema reports it): not an approval.
    Other(String),
}

/// An entry of a change request's `approvals`, as written (a missing text is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub by: String,
    pub date: String,
    pub decision: Decision,
}

impl Approval {
    /// The `approvals` of a change request.
    pub fn all(change: Option<&Value>) -> Vec<Approval> {
        change
            .and_then(|v| v.get("approvals"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|e| {
                        let s = |k| e.get(k).and_then(Value::as_str).unwrap_or_default();
                        Approval {
                            by: s("by").to_owned(),
                            date: s("date").to_owned(),
                            decision: match s("decision") {
                                "approve" => Decision::Approve,
                                "reject" => Decision::Reject,
                                other => Decision::Other(other.to_owned()),
                            },
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One thing a change does to a document, in governance terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Note {
    /// The document kept its file and took a new id.
    IdChanged {
        from: String,
    },
    /// A field of state changed (`state`, `phase`, `status`, a status dimension).
    Changed {
        field: NoteField,
        from: Option<Value>,
        to: Option<Value>,
    },
    /// An amount changed; `currency` is that of the old and of the new side.
    Amount {
        field: AmountField,
        from: Option<Value>,
        to: Option<Value>,
        currency: (String, String),
    },
    /// The computed overall RAG of a project changed.
    ComputedRag {
        from: Option<Rag>,
        to: Option<Rag>,
    },
    /// A finish date moved by `days`.
    Moved {
        what: DateField,
        days: i64,
        from: Date,
        to: Date,
    },
    /// Anything in a project's `baseline` changed.
    BaselineChanged,
    RiskScore {
        from: u32,
        to: u32,
    },
    /// An approval was added to a change request.
    Approval {
        by: String,
        decision: Decision,
    },
}

impl Note {
    /// Whether the note is an approval given (not a rejection).
    pub fn approves(&self) -> bool {
        matches!(
            self,
            Note::Approval {
                decision: Decision::Approve,
                ..
            }
        )
    }
}

/// A value as a note writes it: a text as itself, `none` when absent.
fn text(v: &Option<Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "none".into(),
    }
}

/// An amount as the views write it: `1,250,000 EUR`.
fn amount(v: &Option<Value>, currency: &str) -> String {
    match v.as_ref().and_then(Value::as_f64) {
        Some(x) => format!("{} {currency}", metrics::money(x))
            .trim_end()
            .to_owned(),
        None => text(v),
    }
}

fn rag_name(r: Option<Rag>) -> &'static str {
    r.map_or("none", Rag::as_str)
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::IdChanged { from } => {
                write!(
                    f,
                    "id changed from {from}: every reference to {from} must follow"
                )
            }
            Note::Changed { field, from, to } => {
                write!(f, "{} {} → {}", field.label(), text(from), text(to))
            }
            Note::Amount {
                field,
                from,
                to,
                currency,
            } => write!(
                f,
                "{} {} → {}",
                field.label(),
                amount(from, &currency.0),
                amount(to, &currency.1)
            ),
            Note::ComputedRag { from, to } => {
                write!(f, "computed RAG {} → {}", rag_name(*from), rag_name(*to))
            }
            Note::Moved {
                what,
                days,
                from,
                to,
            } => write!(f, "{} moved by {days:+} days ({from} → {to})", what.label()),
            Note::BaselineChanged => f.write_str("baseline changed"),
            Note::RiskScore { from, to } => write!(f, "risk score {from} → {to}"),
            Note::Approval { by, decision } => {
                let verb = match decision {
                    Decision::Approve => "approved",
                    // Whatever else it says, it is not an approval.
                    Decision::Reject | Decision::Other(_) => "rejected",
                };
                write!(f, "{verb} by {by}")
            }
        }
    }
}

/// A note is written in JSON as its words.
impl Serialize for Note {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

fn typed<'a, T: serde::Deserialize<'a>>(v: Option<&'a Value>) -> Option<T> {
    T::deserialize(v?).ok()
}

/// What the change from `old` to `new` does to a `kind` document; `currency` is that of
/// the old and the new document's amounts.
pub(crate) fn notes(
    kind: Option<Kind>,
    old: Option<&Value>,
    new: Option<&Value>,
    currency: (&str, &str),
    config: &Config,
    today: Date,
) -> Vec<Note> {
    let mut out = Vec::new();
    let get = |v: Option<&Value>, path: &str| -> Option<Value> {
        path.split('.').try_fold(v?, |v, k| v.get(k)).cloned()
    };
    let both = old.is_some() && new.is_some();
    let changed = |field: NoteField| {
        let (from, to) = (get(old, field.path()), get(new, field.path()));
        (both && from != to).then_some(Note::Changed { field, from, to })
    };
    let changed_amount = |field: AmountField| {
        let (from, to) = (get(old, field.path()), get(new, field.path()));
        (both && from != to).then(|| Note::Amount {
            field,
            from,
            to,
            currency: (currency.0.to_owned(), currency.1.to_owned()),
        })
    };
    match kind {
        Some(Kind::Project) => {
            out.extend(changed(NoteField::State));
            out.extend(changed(NoteField::Phase));
            out.extend(changed_amount(AmountField::BaselineBudget));
            out.extend(changed_amount(AmountField::ForecastCost));
            let (a, b) = (
                typed::<Project>(old).map(|p| rag::computed(&p, &config.rag, today).overall),
                typed::<Project>(new).map(|p| rag::computed(&p, &config.rag, today).overall),
            );
            if let (Some(from), Some(to)) = (a, b)
                && from != to
            {
                out.push(Note::ComputedRag { from, to });
            }
            let date = |v: Option<&Value>, p: &str| {
                get(v, p).and_then(|d| d.as_str().and_then(|s| s.parse::<Date>().ok()))
            };
            for what in [DateField::BaselineFinish, DateField::ForecastFinish] {
                if let (Some(from), Some(to)) = (date(old, what.path()), date(new, what.path()))
                    && from != to
                {
                    out.push(Note::Moved {
                        what,
                        days: days_between(from, to),
                        from,
                        to,
                    });
                }
            }
            if both && get(old, "baseline") != get(new, "baseline") {
                out.push(Note::BaselineChanged);
            }
        }
        Some(Kind::Risk) => {
            let score = |v| typed::<Risk>(v).map(|r| metrics::risk::score(&r));
            if let (Some(from), Some(to)) = (score(old), score(new))
                && from != to
            {
                out.push(Note::RiskScore { from, to });
            }
            out.extend(changed(NoteField::Status));
            out.extend(changed(NoteField::Response));
        }
        Some(Kind::Change) => {
            out.extend(changed(NoteField::Status));
            out.extend(changed_amount(AmountField::Cost));
            let before = Approval::all(old);
            out.extend(
                Approval::all(new)
                    .into_iter()
                    .filter(|a| !before.contains(a))
                    .map(|a| Note::Approval {
                        by: a.by,
                        decision: a.decision,
                    }),
            );
        }
        Some(Kind::Status) => {
            for field in [
                NoteField::Overall,
                NoteField::Schedule,
                NoteField::Cost,
                NoteField::Scope,
                NoteField::Resources,
            ] {
                out.extend(changed(field));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    use crate::changes::test_docs::{TODAY, project};

    /// The notes of a change, in words.
    fn notes(
        kind: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        currency: (&str, &str),
        config: &Config,
        today: Date,
    ) -> Vec<String> {
        super::notes(Kind::parse(kind), old, new, currency, config, today)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn notes_speak_governance() {
        let config = Config::default();
        let risk = |p: u8, i: u8| {
            json!({"kind": "risk", "id": "r", "project": "p", "title": "T",
                                         "owner": "o", "probability": p, "impact": i, "status": "open"})
        };
        assert_eq!(
            notes(
                "risk",
                Some(&risk(3, 3)),
                Some(&risk(4, 4)),
                ("", ""),
                &config,
                TODAY
            ),
            ["risk score 9 → 16"]
        );
        let project = |finish: &str| {
            json!({"kind": "project", "id": "p", "title": "P", "sponsor": "s",
            "manager": "m", "state": "active", "phase": "execution",
            "baseline": {"finish": finish, "budget": 100}})
        };
        let n = notes(
            "project",
            Some(&project("2026-12-18")),
            Some(&project("2027-02-01")),
            ("", ""),
            &config,
            TODAY,
        );
        assert!(
            n.contains(&"baseline finish moved by +45 days (2026-12-18 → 2027-02-01)".to_owned()),
            "{n:?}"
        );
        assert!(n.contains(&"baseline changed".to_owned()));
    }

    #[test]
    fn notes_write_amounts_as_money_in_each_side_currency() {
        let config = Config::default();
        let n = notes(
            "project",
            Some(&project("USD", 1_200_000.0)),
            Some(&project("EUR", 1_250_000.5)),
            ("USD", "EUR"),
            &config,
            TODAY,
        );
        assert!(
            n.contains(&"baseline budget 1,200,000 USD → 1,250,000.50 EUR".to_owned()),
            "{n:?}"
        );
        let change = |cost: u32| {
            json!({"kind": "change", "id": "c", "project": "p", "title": "C",
                   "requested_by": "m", "status": "draft", "impact": {"cost": cost}})
        };
        assert_eq!(
            notes(
                "change",
                Some(&change(5000)),
                Some(&change(7500)),
                ("", ""),
                &config,
                TODAY
            ),
            ["cost 5,000 → 7,500"]
        );
    }

    #[test]
    fn approvals_are_data_and_notes_are_written_as_their_words() {
        let change = |approvals: Value| {
            json!({"kind": "change", "id": "c", "project": "p", "title": "C",
                   "requested_by": "m", "status": "approved", "approvals": approvals})
        };
        let old = change(json!([{"by": "ann", "date": "2026-10-01", "decision": "reject"}]));
        let new = change(
            json!([{"by": "ann", "date": "2026-10-01", "decision": "reject"},
                                {"by": "dave", "date": "2026-10-02", "decision": "approve"}]),
        );
        assert_eq!(
            Approval::all(Some(&new))[1],
            Approval {
                by: "dave".into(),
                date: "2026-10-02".into(),
                decision: Decision::Approve
            }
        );
        let n = super::notes(
            Some(Kind::Change),
            Some(&old),
            Some(&new),
            ("", ""),
            &Config::default(),
            jiff::civil::date(2026, 11, 20),
        );
        assert_eq!(
            n,
            [Note::Approval {
                by: "dave".into(),
                decision: Decision::Approve
            }]
        );
        assert!(n[0].approves());
        assert_eq!(
            serde_json::to_string(&n).unwrap(),
            r#"["approved by dave"]"#
        );
        let rejected = Note::Approval {
            by: "ann".into(),
            decision: Decision::Reject,
        };
        assert!(!rejected.approves());
        assert_eq!(rejected.to_string(), "rejected by ann");
    }
}
