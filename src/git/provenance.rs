//! The rules that need a base revision: G005 (a baseline changed without an approved
//! change request in the range) and C005 (an approval committed by someone other than
//! the approver).

use super::Git;
use super::diff::{Change, ChangeKind, DocDiff};
use super::notes::{Approval, Note};
use crate::diagnostic::Diagnostic;
use crate::model::Portfolio;
use crate::parse::Seg;
use crate::repository::Repository;
use crate::rules::{
    c005_approval_not_by_approver::{self as c005, Mismatch},
    g005_baseline_without_change as g005,
};
use gix::ObjectId;
use serde_json::Value;

/// G005, C005 and C006 findings of `change` (base..`tip`), located in the head `repo`. `tip`
/// is the head commit (HEAD when the head is the working tree: uncommitted approvals
/// have no author yet and are not judged).
pub fn findings(
    git: &Git,
    base: ObjectId,
    tip: ObjectId,
    change: &Change,
    repo: &Repository,
) -> Result<Vec<Diagnostic>, crate::Error> {
    let portfolio = Portfolio::new(repo);
    let mut out = Vec::new();
    // The range, oldest first, walked once for every change document.
    let mut range: Vec<ObjectId> = git.walk(tip, Some(base))?;
    range.reverse();
    for d in &change.documents {
        match d.kind.as_str() {
            "project" => out.extend(g005(d, change, &portfolio)),
            "change" => out.extend(c005(git, base, &range, d, &portfolio)),
            _ => {}
        }
    }
    out.extend(super::guards::findings(
        change,
        &repo.config_text,
        &portfolio,
    ));
    Ok(out)
}

fn get<'v>(v: Option<&'v Value>, key: &str) -> Option<&'v Value> {
    v?.get(key)
}

fn g005(d: &DocDiff, change: &Change, portfolio: &Portfolio<'_>) -> Option<Diagnostic> {
    if !matches!(
        d.change,
        ChangeKind::Modified | ChangeKind::Renamed | ChangeKind::IdChanged
    ) {
        return None;
    }
    // A draft baseline (not approved: `approved_by` and `approved_on` unset) is
    // planning, not a change to the approved plan.
    let old_baseline = get(d.old.as_ref(), "baseline")?;
    old_baseline.get("approved_by")?;
    old_baseline.get("approved_on")?;
    if get(d.new.as_ref(), "baseline") == Some(old_baseline) {
        return None;
    }
    let decided = |v: Option<&Value>| {
        matches!(
            get(v, "status").and_then(Value::as_str),
            Some("approved" | "implemented")
        )
    };
    // Added in the range, approved in it, or given an approval in it.
    let covered = change.documents.iter().any(|c| {
        c.kind == "change"
            && get(c.new.as_ref(), "project")
                .and_then(Value::as_str)
                .is_some_and(|p| p == d.id || Some(p) == d.old_id.as_deref())
            && decided(c.new.as_ref())
            && (c.change == ChangeKind::Added
                || !decided(c.old.as_ref())
                || c.notes.iter().any(Note::approves))
    });
    if covered {
        return None;
    }
    let doc = portfolio.get(&d.id)?;
    Some(g005::finding(
        portfolio.repo.path(doc),
        doc.key_span([Seg::Key("baseline")]),
        &d.id,
        &change.base,
    ))
}

fn c005(
    git: &Git,
    base: ObjectId,
    range: &[ObjectId],
    d: &DocDiff,
    portfolio: &Portfolio<'_>,
) -> Vec<Diagnostic> {
    let before = Approval::all(d.old.as_ref());
    let after = Approval::all(d.new.as_ref());
    let added: Vec<(usize, &Approval)> = after
        .iter()
        .enumerate()
        .filter(|(_, a)| !before.contains(a))
        .collect();
    if added.is_empty() {
        return Vec::new();
    }
    let Some(doc) = portfolio.get(&d.id) else {
        return Vec::new();
    };
    let repo = git.local();
    // The approvals of the document at each commit of the range, oldest first.
    let paths: Vec<&str> = std::iter::once(d.file.as_str())
        .chain(d.old_file.as_deref())
        .collect();
    let at = |commit: ObjectId| -> Vec<Approval> {
        for path in &paths {
            let Some(blob) = git.blob_at(&repo, commit, path) else {
                continue;
            };
            let Ok(bytes) = git.blob(&repo, blob) else {
                continue;
            };
            // The document by its id then, which may be its id before the change.
            for id in std::iter::once(&d.id).chain(&d.old_id) {
                let found = super::history::find_in(&bytes, path, id);
                if found.is_some() {
                    return Approval::all(found.as_ref());
                }
            }
        }
        Vec::new()
    };
    let mut history: Vec<(ObjectId, Vec<Approval>)> = range.iter().map(|c| (*c, at(*c))).collect();
    history.insert(0, (base, at(base)));
    let mut out = Vec::new();
    let mut base_people = std::collections::HashMap::new();
    for (i, approval) in added {
        let Some(window) = history
            .windows(2)
            .find(|w| w[1].1.contains(approval) && !w[0].1.contains(approval))
        else {
            continue; // not committed yet
        };
        let Ok(commit) = git.commit(&repo, window[1].0) else {
            continue;
        };
        let by = &approval.by;
        // Who the approver is comes from the base: a change cannot vouch for itself by
        // giving the approver the author's address.
        let known = base_people
            .entry(by.clone())
            .or_insert_with(|| person_at(git, &repo, base, by));
        let head_addresses = portfolio
            .person(by)
            .map(|p| addresses(p.addresses()))
            .unwrap_or_default();
        let mismatch = match known {
            None => Mismatch::NotAPerson,
            Some(base) if !same(base, &head_addresses) => Mismatch::EmailChanged {
                base,
                head: &head_addresses,
            },
            Some(base) if base.is_empty() => Mismatch::NoEmail,
            Some(base)
                if base
                    .iter()
                    .any(|e| e.eq_ignore_ascii_case(commit.email.trim())) =>
            {
                continue;
            }
            Some(base) => Mismatch::OtherAuthor { base },
        };
        let short = commit.id.to_hex_with_len(7).to_string();
        out.push(c005::finding(
            portfolio.repo.path(doc),
            doc.span([Seg::Key("approvals"), Seg::Index(i), Seg::Key("by")]),
            &d.id,
            by,
            c005::Commit {
                short: &short,
                email: &commit.email,
            },
            mismatch,
        ));
    }
    out
}

/// Person `id` in `commit`: `None` when there is no such person there, else the
/// addresses they commit with (`email` and `emails`).
fn person_at(git: &Git, repo: &gix::Repository, commit: ObjectId, id: &str) -> Option<Vec<String>> {
    let (_, person) = super::history::locate(git, repo, commit, id).ok()??;
    if person.get("kind").and_then(Value::as_str) != Some("person") {
        return None;
    }
    let email = person.get("email").and_then(Value::as_str);
    let emails = person
        .get("emails")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str);
    Some(addresses(email.into_iter().chain(emails)))
}

/// The same addresses, in any order.
fn same(a: &[String], b: &[String]) -> bool {
    let sorted = |x: &[String]| {
        let mut x = x.to_vec();
        x.sort();
        x
    };
    sorted(a) == sorted(b)
}

/// A person's addresses, trimmed, in order, each once: what base and head compare.
fn addresses<'a>(all: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in all.map(str::trim) {
        if !out.iter().any(|o| o == a) {
            out.push(a.to_owned());
        }
    }
    out
}
