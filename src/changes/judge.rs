//! The findings only a base revision can give: G005 and C005, rules that judge the
//! change and, for C005, the commits of its range (which git reads for them), and C006,
//! what the change does to the inputs that guard the process.

use super::Change;
use crate::Error;
use crate::diagnostic::Diagnostic;
use crate::git::{self, Git};
use crate::model::Portfolio;
use crate::repository::Repository;
use crate::rules::{
    c005_approval_not_by_approver as c005, c006_guard_changed as c006,
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
) -> Result<Vec<Diagnostic>, Error> {
    let portfolio = Portfolio::new(repo);
    let range = Range::new(git, base, tip)?;
    let mut out = Vec::new();
    for d in &change.documents {
        match d.kind.as_str() {
            "project" => out.extend(g005::check(d, change, &portfolio)),
            "change" => out.extend(c005::check(&range, d, &portfolio)),
            _ => {}
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
