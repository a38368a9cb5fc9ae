//! A change judged by its base: what `check --changed-since` and `diff --check` share.
//! The head is checked with the findings only a base revision can give (G005 and C005,
//! rules that judge the change and, for C005, the commits of its range, which git reads
//! for them; C006, what the change does to the inputs that guard the process), then
//! scoped to the change, and compared with the base's findings when those are asked for.

use super::{Report, check};
use crate::Error;
use crate::changes::{Change, Findings, restore_identities};
use crate::code::Code;
use crate::diagnostic::Diagnostic;
use crate::git::{self, Git};
use crate::model::Kind;
use crate::repository::Repository;
use crate::rules::{
    c005_approval_not_by_approver as c005, c006_guard_changed as c006,
    g005_baseline_without_change as g005,
};
use crate::source::Source;
use gix::ObjectId;
use jiff::civil::Date;
use serde_json::Value;
use std::cell::LazyCell;
use std::collections::HashMap;

/// A change from `base` to the head `source`, whose tip commit is `tip` (HEAD when the
/// head is the working tree: uncommitted approvals have no author yet and are not
/// judged).
pub struct Judge<'a> {
    pub git: &'a Git,
    pub base: ObjectId,
    pub tip: ObjectId,
    pub source: &'a dyn Source,
    pub today: Date,
    /// The approvals the forge recorded for the head (`--approvals`).
    pub reviews: Option<&'a crate::changes::Reviews>,
}

/// A judged change.
pub struct Judged {
    /// The head's findings about the change, as `check --changed-since` reports them.
    pub report: Report,
    /// Given the base's documents: the findings the change introduces and fixes, as
    /// `diff --check` reports them.
    pub findings: Option<Findings>,
}

/// Judges `change`: checks the head `repo` (the head's documents under the base's
/// configuration and overlays, `repository::load_judged`) with G005, C005 and C006, the
/// people as the base has them, and the change's own `pmo.yaml` and overlays checked as
/// documents; keeps the findings about the change; and, given the base's documents
/// (`base`), compares the head's findings with theirs.
pub fn judge(
    judge: &Judge<'_>,
    change: &Change,
    repo: &mut Repository,
    base: Option<&Repository>,
) -> Result<Judged, Error> {
    let mut extra = findings(judge, change, repo)?;
    restore_identities(change, repo);
    let reviewed = judge
        .reviews
        .map(|reviews| reviewed(reviews, change, repo))
        .unwrap_or_default();
    extra.extend(baselines(change, &reviewed, repo));
    let mut report = super::reviewed_check(repo, judge.today, extra, reviewed);
    // The change's own pmo.yaml and overlays are checked as documents.
    let mut own = crate::repository::configuration_problems(judge.source);
    crate::fingerprint::assign(&mut own, None, &repo.config_text);
    let findings = base.map(|base| {
        let before = check(base, judge.today);
        let after: Vec<Diagnostic> = report.diagnostics.iter().chain(&own).cloned().collect();
        Findings::compare(&before.diagnostics, &after)
    });
    let mut scope = change.scope();
    // The base's configuration judges: the change's edits to it move no finding (they
    // are C006 findings of their own).
    scope.everything = false;
    // Other findings in pmo.yaml are about the base's file, at its lines, not the change's.
    report
        .diagnostics
        .retain(|d| scope.concerns(d) && (d.file != crate::config::FILE || d.code == Code::C006));
    // Only the waived findings about the change count too.
    report.waived.retain(|d| scope.concerns(d));
    if !own.is_empty() {
        report.diagnostics.extend(own);
        report
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    Ok(Judged { report, findings })
}

/// For each change request the change adds or edits, the people (as the base has them:
/// `repo` after `restore_identities`) who approved the head in the forge's review.
fn reviewed(
    reviews: &crate::changes::Reviews,
    change: &Change,
    repo: &Repository,
) -> HashMap<String, Vec<String>> {
    let approvers: Vec<String> = repo
        .documents
        .iter()
        .filter(|d| d.kind == Kind::Person && reviews.approved(&d.value))
        .filter_map(|d| d.id().map(str::to_owned))
        .collect();
    change
        .documents
        .iter()
        .filter(|d| d.kind.kind() == Some(Kind::Change) && d.new.is_some())
        .map(|d| (d.id.clone(), approvers.clone()))
        .collect()
}

/// G005 findings of `change`, whose change requests `reviewed` names who approved in the
/// forge's review, located in the head `repo`.
fn baselines(
    change: &Change,
    reviewed: &HashMap<String, Vec<String>>,
    repo: &Repository,
) -> Vec<Diagnostic> {
    // Made only when a project changed: on 100,000 documents it takes a few hundredths.
    let portfolio = LazyCell::new(|| repo.portfolio());
    change
        .documents
        .iter()
        .filter(|d| d.kind.kind() == Some(Kind::Project))
        .filter_map(|d| g005::check(d, change, reviewed, &portfolio))
        .collect()
}

/// C005 and C006 findings of `change` (base..`tip`), located in the head `repo` (whose
/// people still have the head's addresses, which C005 compares with the base's).
fn findings(
    judge: &Judge<'_>,
    change: &Change,
    repo: &Repository,
) -> Result<Vec<Diagnostic>, Error> {
    let portfolio = LazyCell::new(|| repo.portfolio());
    let range = Range::new(judge.git, judge.base, judge.tip)?;
    let mut out = Vec::new();
    for d in &change.documents {
        if d.kind.kind() == Some(Kind::Change) {
            out.extend(c005::check(&range, d, &portfolio, judge.reviews));
        }
    }
    out.extend(c006::check(change, &repo.config_text, &portfolio));
    Ok(out)
}

/// The base and the commits of the range after it, oldest first, walked once for every
/// change request: what C005 asks of git.
struct Range<'g> {
    git: &'g Git,
    repo: gix::Repository,
    commits: Vec<ObjectId>,
}

impl<'g> Range<'g> {
    fn new(git: &'g Git, base: ObjectId, tip: ObjectId) -> Result<Range<'g>, Error> {
        let mut commits = git.walk(tip, Some(base))?;
        commits.push(base);
        commits.reverse();
        Ok(Range {
            git,
            repo: git.local(),
            commits,
        })
    }
}

impl c005::History for Range<'_> {
    fn versions(&self, paths: &[&str], ids: &[&str]) -> Vec<Option<Value>> {
        let at = |commit: ObjectId| {
            for path in paths {
                let Some(blob) = self.git.blob_at(&self.repo, commit, path) else {
                    continue;
                };
                let Ok(bytes) = self.git.blob(&self.repo, blob) else {
                    continue;
                };
                for id in ids {
                    let found = git::find_in(&bytes, path, id);
                    if found.is_some() {
                        return found;
                    }
                }
            }
            None
        };
        self.commits.iter().map(|c| at(*c)).collect()
    }

    fn made_by(&self, i: usize) -> Option<(String, String)> {
        let commit = self.git.commit(&self.repo, *self.commits.get(i)?).ok()?;
        Some((commit.id.to_hex_with_len(7).to_string(), commit.email))
    }

    fn base_document(&self, id: &str) -> Option<Value> {
        let (_, found) = git::locate(self.git, &self.repo, self.commits[0], id).ok()??;
        Some(found)
    }
}
