//! The walk of a trend: one repository, brought from point to point by the files that
//! changed between their commits (parse and schema work only for those), then graded as
//! of the point's day. A point whose commit changes `pmo.yaml` or an overlay is loaded
//! again in full: its own configuration grades it.

use super::{Commit, Figures, Findings, Point, Request, State as Graded, Trend};
use crate::Error;
use crate::check::{self, Context, is_configuration};
use crate::diagnostic::Severity;
use crate::git::{Git, GitTree, Line, Moment};
use crate::model::project::State;
use crate::repository::{self, Repository};
use crate::source::Unread;
use crate::views::portfolio::{GroupBy, rollup};
use gix::ObjectId;

/// Told the number of points done and the number in all, before each point.
pub type Progress<'a> = &'a dyn Fn(usize, usize);

/// The trend of `request` along the first-parent history of `tip`.
pub fn walk(
    git: &Git,
    tip: ObjectId,
    request: &Request,
    progress: Progress<'_>,
) -> Result<Trend, Error> {
    let line = Line::of(git, tip)?;
    let mut points = Vec::with_capacity(request.periods.len());
    let mut at: Option<At<'_>> = None;
    for (i, span) in request.periods.iter().enumerate() {
        progress(i, request.periods.len());
        let state = match line.at(Moment::end_of(span.to)) {
            None => Graded::NoCommit,
            Some((id, committed)) => {
                let commit = Commit { id, committed };
                let here = advance(git, at.take(), id)?;
                let state = match &here.repo {
                    Ok(repo) => Graded::Read(Box::new(grade(repo, commit, request, span.to)?)),
                    Err(why) => Graded::Broken {
                        commit,
                        why: why.clone(),
                    },
                };
                at = Some(here);
                state
            }
        };
        points.push(Point {
            period: span.label.clone(),
            date: span.to,
            state,
        });
    }
    progress(request.periods.len(), request.periods.len());
    let commit = |(id, committed)| Commit { id, committed };
    Ok(Trend {
        points,
        oldest: line.oldest().map(commit),
        shallow: line.shallow,
    })
}

/// A commit's tree and its repository as loading it gave it.
struct At<'g> {
    id: ObjectId,
    tree: GitTree<'g>,
    repo: Result<Repository, String>,
}

/// The repository at `id`, from the one at the previous point: the files that changed
/// between them are read again, or all of them when the configuration changed (or the
/// previous one could not be loaded).
fn advance<'g>(git: &'g Git, at: Option<At<'g>>, id: ObjectId) -> Result<At<'g>, Error> {
    let at = match at {
        Some(at) if at.id == id => return Ok(at),
        other => other,
    };
    let tree = GitTree::new(git, id)?;
    let repo = match at {
        Some(At {
            tree: old,
            repo: Ok(mut repo),
            ..
        }) => {
            let changed = changed(&old, &tree);
            if changed.iter().any(|path| is_configuration(path)) {
                load(&tree)
            } else {
                for path in &changed {
                    if repo.selects(path) {
                        repo.set_file(path, content(git, &tree, path));
                    }
                }
                Ok(repo)
            }
        }
        _ => load(&tree),
    };
    Ok(At { id, tree, repo })
}

fn load(tree: &GitTree<'_>) -> Result<Repository, String> {
    if !tree
        .files()
        .iter()
        .any(|(path, _)| path == crate::config::FILE)
    {
        return Err("it has no pmo.yaml: the governance repository is not in this commit".into());
    }
    repository::load(tree).map_err(|e| match e {
        Error::Config(found) => found
            .first()
            .map(|d| format!("{}:{}: {}", d.file, d.span.start.line, d.message))
            .unwrap_or_else(|| "its configuration is broken".into()),
        other => other.to_string(),
    })
}

/// The paths whose file or link differs between two trees (both in path order).
fn changed(old: &GitTree<'_>, new: &GitTree<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let (a, b) = (old.files(), new.files());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                if x.1 != y.1 {
                    out.push(x.0.clone());
                }
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                out.push(x.0.clone());
                i += 1;
            }
            (Some(_), Some(y)) | (None, Some(y)) => {
                out.push(y.0.clone());
                j += 1;
            }
            (Some(x), None) => {
                out.push(x.0.clone());
                i += 1;
            }
            (None, None) => break,
        }
    }
    // A link that appears or goes: its path is a finding (P006) or no longer one.
    let (la, lb) = (old.links(), new.links());
    out.extend(
        la.iter()
            .filter(|l| lb.binary_search(l).is_err())
            .chain(lb.iter().filter(|l| la.binary_search(l).is_err()))
            .cloned(),
    );
    out.sort_unstable();
    out.dedup();
    out
}

/// What `path` holds in `tree`, as loading reads it: gone, a link (not read), or bytes.
fn content(git: &Git, tree: &GitTree<'_>, path: &str) -> Option<Result<Vec<u8>, Unread>> {
    if tree
        .links()
        .binary_search_by(|l| l.as_str().cmp(path))
        .is_ok()
    {
        return Some(Err(Unread::Link));
    }
    let files = tree.files();
    let i = files.binary_search_by(|(p, _)| p.as_str().cmp(path)).ok()?;
    Some(git.blob(&git.local(), files[i].1))
}

/// The portfolio at a point, as `pmo portfolio` and `pmo check` show it on `today`.
fn grade(
    repo: &Repository,
    commit: Commit,
    request: &Request,
    today: jiff::civil::Date,
) -> Result<Figures, Error> {
    let ctx = Context::new(repo, today);
    let by = GroupBy::parse(&request.by);
    by.check(&ctx)?;
    let portfolio = rollup(&ctx, by, false).view().data;
    let mut states = [0; State::ALL.len()];
    for (_, project) in ctx.projects() {
        // `State::ALL` is in declaration order.
        states[project.state as usize] += 1;
    }
    let findings = request.findings.then(|| {
        let found = check::unordered(&ctx);
        let count = |severity| found.iter().filter(|d| d.severity == severity).count();
        Findings {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
        }
    });
    Ok(Figures {
        commit,
        states,
        portfolio,
        findings,
    })
}
