//! Change control (SPEC section 5): which level a change falls in and which of its
//! approvals count towards it.

use crate::config::{ChangeControl, ChangeLevel};
use crate::model::records::ApprovalDecision;
use crate::model::{Change, Person};

/// The level that applies to a change: the first whose `max_cost` covers |impact.cost|
/// (a missing cost is 0, a level without `max_cost` takes everything); above every
/// `max_cost`, the last. `None` only when there are no levels at all.
pub fn level<'c>(
    control: &'c ChangeControl,
    change: &Change<'_>,
) -> Option<(usize, &'c ChangeLevel)> {
    let cost = change.impact.cost.unwrap_or(0.0).abs();
    control
        .levels
        .iter()
        .enumerate()
        .find(|(_, l)| l.max_cost.is_none_or(|max| max >= cost))
        .or_else(|| control.levels.iter().enumerate().next_back())
}

/// How each `approve` entry of a change stands against its level.
#[derive(Debug, Default, PartialEq)]
pub struct Review<'a> {
    /// Distinct people whose approval counts, in the order they approved.
    pub qualified: Vec<&'a str>,
    /// Indices of `approve` entries by a person without the level's role.
    pub without_role: Vec<usize>,
    /// Indices of `approve` entries by the requester (with segregation of duties).
    pub by_requester: Vec<usize>,
    /// Whether there is any `approve` entry at all.
    pub any_approval: bool,
}

/// Review the approvals of `change` for `level`. `person` looks a person up by id; an
/// approver who is not a person is a reference finding and is not counted.
pub fn review<'a, 'p>(
    change: &Change<'a>,
    level: &ChangeLevel,
    control: &ChangeControl,
    person: impl Fn(&str) -> Option<&'p Person<'p>>,
) -> Review<'a> {
    let mut out = Review::default();
    for (i, approval) in change.approvals.iter().enumerate() {
        if approval.decision != ApprovalDecision::Approve {
            continue;
        }
        out.any_approval = true;
        if control.segregation_of_duties && approval.by == change.requested_by {
            out.by_requester.push(i);
            continue;
        }
        let Some(approver) = person(approval.by) else {
            continue;
        };
        if let Some(role) = &level.role
            && !approver.has_role(role)
        {
            out.without_role.push(i);
            continue;
        }
        if !out.qualified.contains(&approval.by) {
            out.qualified.push(approval.by);
        }
    }
    out
}

/// Where a change stands: what views, exports and reports show of it.
#[derive(Debug, Default, PartialEq)]
pub struct Standing<'a> {
    /// The level, from 1; `None` without levels.
    pub level: Option<usize>,
    /// Approvals the level needs, and from which role (`None`: anyone).
    pub needed: usize,
    pub role: Option<&'a str>,
    /// The people whose approval counts.
    pub qualified: Vec<&'a str>,
    /// The people who rejected it (shown, never counted).
    pub rejected_by: Vec<&'a str>,
    /// Approved or implemented with fewer qualified approvals than needed (C001).
    pub short: bool,
}

pub fn standing<'a, 'p>(
    control: &'a ChangeControl,
    change: &Change<'a>,
    person: impl Fn(&str) -> Option<&'p Person<'p>>,
) -> Standing<'a> {
    use crate::model::records::ChangeStatus;
    let level = level(control, change);
    let qualified = level
        .map(|(_, l)| review(change, l, control, person).qualified)
        .unwrap_or_default();
    let needed = level.map_or(0, |(_, l)| l.approvers as usize);
    let decided = matches!(
        change.status,
        ChangeStatus::Approved | ChangeStatus::Implemented
    );
    Standing {
        level: level.map(|(i, _)| i + 1),
        needed,
        role: level.and_then(|(_, l)| l.role.as_deref()),
        short: decided && qualified.len() < needed,
        qualified,
        rejected_by: change
            .approvals
            .iter()
            .filter(|a| a.decision == ApprovalDecision::Reject)
            .map(|a| a.by)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::{Value, json};

    fn control() -> ChangeControl {
        let level = |max: Option<f64>, approvers, role: Option<&str>| ChangeLevel {
            max_cost: max,
            approvers,
            role: role.map(str::to_owned),
        };
        ChangeControl {
            segregation_of_duties: true,
            levels: vec![
                level(Some(10_000.0), 1, None),
                level(Some(100_000.0), 1, Some("sponsor")),
                level(None, 2, Some("ccb")),
            ],
        }
    }

    fn change(cost: Option<f64>, approvals: Value) -> Value {
        let mut v = json!({
            "id": "c", "project": "p", "title": "C", "requested_by": "alice",
            "raised": "2026-01-01", "status": "approved", "approvals": approvals
        });
        if let Some(cost) = cost {
            v["impact"] = json!({ "cost": cost });
        }
        v
    }

    fn people() -> Vec<Value> {
        vec![
            json!({"id": "alice", "name": "Alice", "roles": ["ccb"]}),
            json!({"id": "dave", "name": "Dave", "roles": ["ccb"]}),
            json!({"id": "erin", "name": "Erin", "roles": ["pmo"]}),
        ]
    }

    #[test]
    fn the_first_level_covering_the_cost_applies() {
        let c = control();
        let level_of = |cost| {
            let v = change(cost, json!([]));
            level(&c, &Change::deserialize(&v).unwrap()).unwrap().0
        };
        assert_eq!(level_of(None), 0);
        assert_eq!(level_of(Some(10_000.0)), 0);
        assert_eq!(level_of(Some(-10_001.0)), 1);
        assert_eq!(level_of(Some(250_000.0)), 2);
        let capped = ChangeControl {
            levels: control().levels[..2].to_vec(),
            ..control()
        };
        let v = change(Some(1e9), json!([]));
        assert_eq!(
            level(&capped, &Change::deserialize(&v).unwrap()).unwrap().0,
            1
        );
    }

    #[test]
    fn only_distinct_approvers_with_the_role_count() {
        // 250,000 needs 2 approvals from ccb: dave counts once, erin lacks the role,
        // alice requested the change, and a rejection never counts.
        let v = change(
            Some(250_000.0),
            json!([
                {"by": "dave", "date": "2026-02-01", "decision": "approve"},
                {"by": "dave", "date": "2026-02-02", "decision": "approve"},
                {"by": "erin", "date": "2026-02-03", "decision": "approve"},
                {"by": "alice", "date": "2026-02-04", "decision": "approve"},
                {"by": "erin", "date": "2026-02-05", "decision": "reject"}
            ]),
        );
        let people = people();
        let people: Vec<Person> = people
            .iter()
            .map(|p| Person::deserialize(p).unwrap())
            .collect();
        let c = control();
        let ch = Change::deserialize(&v).unwrap();
        let (_, lvl) = level(&c, &ch).unwrap();
        let find = |id: &str| people.iter().find(|p| p.id == id);
        let r = review(&ch, lvl, &c, find);
        assert_eq!(r.qualified, ["dave"]);
        assert_eq!(r.without_role, [2]);
        assert_eq!(r.by_requester, [3]);
        assert!(r.any_approval);
    }
}
