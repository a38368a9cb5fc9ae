//! `pmo baselines ID`: every change of a project's approved baseline along the history,
//! with the change request that covers it, or none. What an approved baseline is, when it
//! counts as changed and which change request covers the change are defined here once:
//! G005 (`rules/g005_baseline_without_change.rs`) judges a pull request by the same
//! functions, and a history entry is flagged exactly when G005 would have found the
//! commit alone.

use super::fields::{FieldChange, field_changes, mark_amounts};
use super::history::{Event, walk};
use super::{Change, ChangeKind, DocDiff, Note, Subject, diff};
use crate::Error;
use crate::config::Config;
use crate::git::{Git, Head};
use crate::model::Kind;
use gix::ObjectId;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

fn get<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    v?.get(key)
}

/// Whether a project's `baseline` is the approved plan: `approved_by` and `approved_on`
/// are set. Without them it is a draft, which may change freely.
pub fn approved(baseline: Option<&Value>) -> bool {
    get(baseline, "approved_by").is_some() && get(baseline, "approved_on").is_some()
}

/// Whether project version `new` changed the approved baseline of version `old` (the
/// fact G005 starts from): `old` had an approved baseline and `new`'s differs, in any of
/// its fields or by having none.
pub fn approved_baseline_changed(old: Option<&Value>, new: Option<&Value>) -> bool {
    let old_baseline = get(old, "baseline");
    approved(old_baseline) && get(new, "baseline") != old_baseline
}

/// The change requests of `change` that cover a new baseline of project `project` (whose
/// id was `old_id` before the change): of that project, `approved` or `implemented` after
/// the change, and added, approved, or given an approval in it, whether recorded in the
/// document or in the forge's review of the head (`reviewed`: for each change request
/// the change adds or edits, who approved the head). Whether the approvers may approve
/// is C001's question, asked of recorded and reviewed approvals alike.
pub fn covering<'c>(
    change: &'c Change,
    project: &'c str,
    old_id: Option<&'c str>,
    reviewed: &'c HashMap<String, Vec<String>>,
) -> impl Iterator<Item = &'c DocDiff> + 'c {
    let decided = |v: Option<&Value>| {
        matches!(
            get(v, "status").and_then(Value::as_str),
            Some("approved" | "implemented")
        )
    };
    change.documents.iter().filter(move |c| {
        c.kind == Subject::Document(Kind::Change)
            && get(c.new.as_ref(), "project")
                .and_then(Value::as_str)
                .is_some_and(|p| p == project || Some(p) == old_id)
            && decided(c.new.as_ref())
            && (c.change == ChangeKind::Added
                || !decided(c.old.as_ref())
                || c.notes.iter().any(Note::approves)
                || reviewed.get(&c.id).is_some_and(|by| !by.is_empty()))
    })
}

/// What happened to the approved baseline in a commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineChange {
    /// The baseline became the approved plan: the project was added with an approved
    /// baseline, or its draft was approved. Nothing to cover: a draft changes freely.
    Approved,
    /// An approved baseline changed (G005's fact).
    Changed,
}

/// One commit's change of a project's approved baseline.
#[derive(Debug, Clone, Serialize)]
pub struct Baseline {
    pub commit: String,
    pub date: String,
    pub author: String,
    pub email: String,
    pub summary: String,
    /// The project's id and file after the commit.
    pub id: String,
    pub file: String,
    pub change: BaselineChange,
    /// The baseline's fields that changed (`baseline.finish`, `baseline.budget`...).
    pub fields: Vec<FieldChange>,
    /// As the new version has them (`null` when it has none).
    pub approved_by: Option<Value>,
    pub approved_on: Option<Value>,
    /// The change requests of the commit that cover the change (see [`covering`]).
    pub change_requests: Vec<String>,
    /// An approved baseline changed and no change request of the commit covers it: what
    /// G005 finds in a pull request of that commit alone.
    pub without_change_request: bool,
}

/// The baseline fields that differ from `old` to `new` (project versions), amounts
/// marked with each version's currency (its own, else `currency`).
fn baseline_fields(old: Option<&Value>, new: Option<&Value>, currency: &str) -> Vec<FieldChange> {
    let empty = Value::Object(Map::new());
    let mut fields = field_changes(
        get(old, "baseline").unwrap_or(&empty),
        get(new, "baseline").unwrap_or(&empty),
    );
    for f in &mut fields {
        f.field = format!("baseline.{}", f.field);
    }
    let of = |v: Option<&Value>| {
        get(v, "currency")
            .and_then(Value::as_str)
            .unwrap_or(currency)
            .to_owned()
    };
    mark_amounts(Some(Kind::Project), &mut fields, &of(old), &of(new));
    fields
}

/// The change requests that cover the baseline change of `event` (a commit of project
/// `id`, formerly `old_id`): the commit's own diff, from its first parent, as G005 reads
/// a pull request. Approvals given only in a forge's review are not in git: none count.
fn covered_by(
    git: &Git,
    event: &Event,
    (id, old_id): (&str, Option<&str>),
    config: &Config,
) -> Result<Vec<String>, Error> {
    let repo = git.local();
    let Some(&parent) = git.commit(&repo, event.oid)?.parents.first() else {
        return Ok(Vec::new());
    };
    // The date grades only a configured cpi/spi RAG, which coverage does not read: the
    // commit's own day is as good as any.
    let day = event.date.parse().unwrap_or(jiff::civil::date(1970, 1, 1));
    let change = diff(git, parent, Head::Commit(event.oid), config, day)?;
    let none = HashMap::new();
    Ok(covering(&change, id, old_id, &none)
        .map(|c| c.id.clone())
        .collect())
}

/// Every change of the approved baseline of project `id` reachable from `tip`, newest
/// first, following the project across moves and id changes as [`super::history`] does.
/// `None` when `tip` has no document `id`; an error when it is not a project. `config`
/// is the tip's (currency, the documents a diff compares).
pub fn baselines(
    git: &Git,
    tip: ObjectId,
    id: &str,
    config: &Config,
) -> Result<Option<Vec<Baseline>>, Error> {
    let repo = git.local();
    let value = match crate::git::locate(git, &repo, tip, id)? {
        Some((_, value)) => value,
        // Its file does not parse at the tip: the history up to the break still stands.
        None => match super::history::last_readable(git, &repo, tip, id)? {
            Some((_, _, value, _)) => value,
            None => return Ok(None),
        },
    };
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind != "project" {
        return Err(Error::Invalid(format!(
            "`{id}` is a {kind}, not a project: only projects have a baseline"
        )));
    }
    let currency = config.currency.clone().unwrap_or_default();
    let mut events = Vec::new();
    walk(git, tip, id, &currency, &mut |e| {
        events.push(e);
        true
    })?;
    let mut out = Vec::new();
    for e in events {
        let (old, new) = (e.old.as_ref(), e.new.as_ref());
        // A removal or a break of the file's YAML changes no baseline; the commit after
        // a break is credited with the change across it, as in the history.
        let Some(new) = new else { continue };
        let change = if matches!(e.change, ChangeKind::Added) {
            if !approved(get(Some(new), "baseline")) {
                continue;
            }
            BaselineChange::Approved
        } else if approved_baseline_changed(old, Some(new)) {
            BaselineChange::Changed
        } else if approved(get(Some(new), "baseline")) && !approved(get(old, "baseline")) {
            BaselineChange::Approved
        } else {
            continue;
        };
        let id_of = |v: Option<&Value>| get(v, "id").and_then(Value::as_str).map(str::to_owned);
        let new_id = id_of(Some(new)).unwrap_or_default();
        let old_id = id_of(old).filter(|o| *o != new_id);
        let change_requests = match change {
            BaselineChange::Changed => covered_by(git, &e, (&new_id, old_id.as_deref()), config)?,
            BaselineChange::Approved => Vec::new(),
        };
        let baseline = get(Some(new), "baseline");
        out.push(Baseline {
            without_change_request: change == BaselineChange::Changed && change_requests.is_empty(),
            fields: baseline_fields(old, Some(new), &currency),
            approved_by: get(baseline, "approved_by").cloned(),
            approved_on: get(baseline, "approved_on").cloned(),
            commit: e.commit,
            date: e.date,
            author: e.author,
            email: e.email,
            summary: e.summary,
            id: new_id,
            file: e.file,
            change,
            change_requests,
        });
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn project(baseline: Value) -> Value {
        json!({"kind": "project", "id": "p", "baseline": baseline})
    }

    #[test]
    fn only_a_change_of_an_approved_baseline_is_one() {
        let draft = project(json!({"finish": "2026-12-18"}));
        let approved_plan = project(
            json!({"finish": "2026-12-18", "approved_by": "s", "approved_on": "2026-01-02"}),
        );
        let moved = project(
            json!({"finish": "2027-02-01", "approved_by": "s", "approved_on": "2026-01-02"}),
        );
        let half = project(json!({"finish": "2026-12-18", "approved_by": "s"}));
        assert!(approved(approved_plan.get("baseline")));
        assert!(!approved(half.get("baseline")));
        assert!(!approved(None));
        assert!(approved_baseline_changed(
            Some(&approved_plan),
            Some(&moved)
        ));
        // Dropping the baseline, or its approval, changes it too.
        assert!(approved_baseline_changed(
            Some(&approved_plan),
            Some(&json!({"kind": "project", "id": "p"}))
        ));
        assert!(approved_baseline_changed(Some(&approved_plan), Some(&half)));
        assert!(!approved_baseline_changed(
            Some(&approved_plan),
            Some(&approved_plan)
        ));
        // A draft changes freely, into an approved plan too.
        assert!(!approved_baseline_changed(Some(&draft), Some(&moved)));
        assert!(!approved_baseline_changed(None, Some(&moved)));
    }

    #[test]
    fn baseline_fields_are_named_under_baseline_with_amounts_in_the_project_currency() {
        let old = json!({"currency": "USD", "baseline": {"budget": 100, "finish": "2026-12-18"}});
        let new = json!({"baseline": {"budget": 120, "finish": "2026-12-18",
                                      "approved_by": "s"}});
        let fields = baseline_fields(Some(&old), Some(&new), "EUR");
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["baseline.budget", "baseline.approved_by"]);
        assert_eq!(
            fields[0].currency,
            Some(("USD".to_owned(), "EUR".to_owned()))
        );
        assert_eq!(fields[1].currency, None);
        // A project added with its baseline: every field from nothing.
        let fields = baseline_fields(None, Some(&new), "EUR");
        assert_eq!(fields.len(), 3);
        assert!(fields.iter().all(|f| f.old.is_none()));
    }
}
