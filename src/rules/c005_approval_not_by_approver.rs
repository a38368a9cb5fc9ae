use crate::changes::Reviews;
use crate::changes::{Approval, DocDiff};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::Portfolio;
use crate::parse::Seg;
use serde_json::Value;
use std::collections::HashMap;

/// Judged by [`check`] on each change request of a change, with the [`History`] of the
/// range that git supplies ([`crate::check::judge`]).
pub static RULE: Rule = Rule {
    code: Code::C005,
    name: "approval-not-by-approver",
    severity: Severity::Warning,
    summary: "an approval was committed by someone other than the approver",
    doc: r#"
Active only when a base revision is known: `pmo check --changed-since REV` or
`pmo diff --check`. Each approval entry added in the range is traced to the commit that
added it; that commit's author email must be one of the approver's addresses: `email`,
or one of `emails` (a forge's noreply address, a second machine). Anyone can type
`by: dave`; only Dave's own commit shows Dave approved.

Who Dave is comes from the base revision's people, not from the change: an approval by
a person whose `email` or `emails` the range changes, or by a person the range adds, is
reported as unproven. A commit's author is what its author wrote; docs/git.md says what this proves.

```yaml
approvals:
  - {by: dave, date: 2026-11-18, decision: approve}   # C005: added in 3f2a9c1 by erin.walsh@acme.example, not dave's email dave.fischer@acme.example
```

Have the approver commit their approval, or add the address they commit with to their
`email` or `emails` (in a change of its own, which counts once merged).
"#,
};

/// Why the commit that added an approval does not prove who approved: what [`check`]
/// found, put into words by [`finding`].
pub enum Mismatch<'a> {
    /// The approver is not a person of the base revision.
    NotAPerson,
    /// The approver's addresses differ between the base and the head.
    EmailChanged {
        base: &'a [String],
        head: &'a [String],
    },
    /// The approver has no address in the base to match.
    NoEmail,
    /// The commit's author is none of the approver's addresses in the base.
    OtherAuthor { base: &'a [String] },
}

/// A commit that added an approval.
pub struct Commit<'a> {
    /// Its short id.
    pub short: &'a str,
    /// Its author's email.
    pub email: &'a str,
}

/// The approval by `by` of change `id`, at its `by`.
pub fn finding(
    file: &str,
    span: Span,
    id: &str,
    by: &str,
    commit: Commit<'_>,
    mismatch: Mismatch<'_>,
) -> Diagnostic {
    let Commit { short, email } = commit;
    let shown = |a: &[String]| match a {
        [] => "none".to_owned(),
        a => a.join(", "),
    };
    let message = match mismatch {
        Mismatch::NotAPerson => format!(
            "approval by `{by}` was added in {short} by {email}, and `{by}` is not a person of the base revision, so nothing proves who approved"
        ),
        Mismatch::EmailChanged { base, head } => format!(
            "approval by `{by}` was added in {short} by {email}, and `{by}`'s email changed in this change ({} → {}): pmo matches approvers by the base revision's people",
            shown(base),
            shown(head)
        ),
        Mismatch::NoEmail => format!(
            "approval by `{by}` was added in {short} by {email}; `{by}` has no `email` to match it with"
        ),
        Mismatch::OtherAuthor { base: [one] } => {
            format!("approval by `{by}` was added in {short} by {email}, not by {by}'s email {one}")
        }
        Mismatch::OtherAuthor { base } => format!(
            "approval by `{by}` was added in {short} by {email}, not by one of {by}'s emails {}",
            base.join(", ")
        ),
    };
    Diagnostic::new(&RULE, file, span, message)
        .id(Some(id))
        .concerning(by)
        .help(format!(
            "have {by} commit the approval, or add the address they commit with to their `email` or `emails`"
        ))
}

/// What C005 asks of the commits of a range; git answers, the rule judges.
pub(crate) trait History {
    /// A document at the base, then at each commit of the range, oldest first: the first
    /// document with one of `ids` in the first of `paths` that holds one, else `None`.
    fn versions(&self, paths: &[&str], ids: &[&str]) -> Vec<Option<Value>>;
    /// The short id and the author's email of the commit that made version `i`.
    fn made_by(&self, i: usize) -> Option<(String, String)>;
    /// The document with `id` in the base, wherever it is.
    fn base_document(&self, id: &str) -> Option<Value>;
}

/// C005 for change request `d`: each approval the range adds, traced to the commit that
/// added it, whose author must be the approver as the base revision knows them. Located
/// in the head's `portfolio`.
pub(crate) fn check(
    history: &dyn History,
    d: &DocDiff,
    portfolio: &Portfolio<'_>,
    reviews: Option<&Reviews>,
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
    // The approvals of the document at the base and at each commit of the range, by its
    // path and id then, which may be those before the change.
    let paths: Vec<&str> = std::iter::once(d.file.as_str())
        .chain(d.old_file.as_deref())
        .collect();
    let ids: Vec<&str> = std::iter::once(d.id.as_str())
        .chain(d.old_id.as_deref())
        .collect();
    let versions: Vec<Vec<Approval>> = history
        .versions(&paths, &ids)
        .iter()
        .map(|v| Approval::all(v.as_ref()))
        .collect();
    let mut out = Vec::new();
    let mut base_people = HashMap::new();
    for (i, approval) in added {
        let Some(made) = (1..versions.len())
            .find(|&v| versions[v].contains(approval) && !versions[v - 1].contains(approval))
        else {
            continue; // not committed yet
        };
        let Some((short, email)) = history.made_by(made) else {
            continue;
        };
        let by = &approval.by;
        // The approver's own approving review of the head, matched by their handle as
        // the base has it, proves it whoever committed the line.
        let reviewed = reviews.is_some_and(|reviews| {
            history.base_document(by).is_some_and(|p| {
                p.get("kind").and_then(Value::as_str) == Some("person") && reviews.approved(&p)
            })
        });
        if reviewed {
            continue;
        }
        // Who the approver is comes from the base: a change cannot vouch for itself by
        // giving the approver the author's address.
        let known = base_people
            .entry(by.clone())
            .or_insert_with(|| base_person(history, by));
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
            Some(base) if base.iter().any(|e| e.eq_ignore_ascii_case(email.trim())) => {
                continue;
            }
            Some(base) => Mismatch::OtherAuthor { base },
        };
        out.push(finding(
            portfolio.path(doc),
            doc.span([Seg::Key("approvals"), Seg::Index(i), Seg::Key("by")]),
            &d.id,
            by,
            Commit {
                short: &short,
                email: &email,
            },
            mismatch,
        ));
    }
    out
}

/// Person `id` in the base: `None` when there is no such person there, else the
/// addresses they commit with (`email` and `emails`).
fn base_person(history: &dyn History, id: &str) -> Option<Vec<String>> {
    let person = history.base_document(id)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::ChangeKind;
    use serde_json::json;

    /// A range of two commits answered from memory: the rule needs no git.
    struct Range {
        versions: Vec<Option<Value>>,
        author: &'static str,
        people: Vec<Value>,
    }

    impl History for Range {
        fn versions(&self, _: &[&str], _: &[&str]) -> Vec<Option<Value>> {
            self.versions.clone()
        }
        fn made_by(&self, i: usize) -> Option<(String, String)> {
            Some((format!("c{i}"), self.author.to_owned()))
        }
        fn base_document(&self, id: &str) -> Option<Value> {
            self.people.iter().find(|p| p["id"] == id).cloned()
        }
    }

    const CHANGE: &str = "kind: change\nid: cr\nproject: p\ntitle: CR\nrequested_by: m\nstatus: approved\napprovals:\n  - {by: dave, date: 2026-11-18, decision: approve}\n";

    fn messages(author: &'static str, people: Vec<Value>) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(crate::config::FILE), "version: 1\n").unwrap();
        std::fs::write(dir.path().join("cr.yaml"), CHANGE).unwrap();
        std::fs::write(
            dir.path().join("dave.yaml"),
            "kind: person\nid: dave\nname: Dave\nemail: dave@example.org\n",
        )
        .unwrap();
        let repo = crate::repository::load(&crate::source::Worktree::at(dir.path())).unwrap();
        let new = repo
            .documents
            .iter()
            .find(|d| d.id() == Some("cr"))
            .unwrap();
        let mut old = new.value.clone();
        old["approvals"] = json!([]);
        let d = DocDiff {
            id: "cr".into(),
            kind: crate::changes::Subject::Document(crate::model::Kind::Change),
            change: ChangeKind::Modified,
            file: "cr.yaml".into(),
            old_file: None,
            old_id: None,
            fields: Vec::new(),
            notes: Vec::new(),
            old: Some(old.clone()),
            new: Some(new.value.clone()),
        };
        let range = Range {
            versions: vec![Some(old), Some(new.value.clone())],
            author,
            people,
        };
        check(&range, &d, &repo.portfolio(), None)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn an_approval_is_proved_by_the_approvers_own_commit_as_the_base_knows_them() {
        let dave = json!({"kind": "person", "id": "dave", "email": "dave@example.org"});
        assert!(messages("Dave@Example.org", vec![dave.clone()]).is_empty());
        assert_eq!(
            messages("erin@example.org", vec![dave]),
            [
                "approval by `dave` was added in c1 by erin@example.org, not by dave's email dave@example.org"
            ]
        );
        // Not a person of the base: nothing proves who approved.
        let found = messages("dave@example.org", Vec::new());
        assert!(
            found[0].contains("is not a person of the base revision"),
            "{found:?}"
        );
    }
}
