//! The walk of a trend: one repository, brought from point to point by the files that
//! changed between their commits (parse and schema work only for those), then graded as
//! of the point's day. A point whose commit changes `pmo.yaml` or an overlay is loaded
//! again in full: its own configuration grades it.

use super::{Commit, Figures, Findings, Point, Request, State as Graded, Trend};
use crate::Error;
use crate::check::{self, Context, is_configuration};
use crate::diagnostic::Severity;
use crate::git::{Changed, Git, GitTree, Line, Moment};
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
    let mut at: Option<At> = None;
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

/// A commit and its repository as loading it gave it.
struct At {
    id: ObjectId,
    repo: Result<Repository, String>,
}

/// The repository at `id`, from the one at the previous point: the files that changed
/// between them (the two trees walked together, entering only subtrees whose ids
/// differ) are read again, or all of them when the configuration changed (or the
/// previous one could not be loaded).
fn advance(git: &Git, at: Option<At>, id: ObjectId) -> Result<At, Error> {
    let repo = match at {
        Some(at) if at.id == id => return Ok(at),
        Some(At {
            id: before,
            repo: Ok(mut repo),
        }) => {
            let changed = {
                let mut changed = git.changed(before, id)?;
                // In path order, for `content`'s lookups.
                changed.head.sort_unstable();
                changed
            };
            let paths = || {
                let (base, head) = (&changed.base, &changed.head);
                base.iter()
                    .chain(head)
                    .map(|(path, _)| path)
                    .chain(&changed.base_links)
                    .chain(&changed.head_links)
            };
            if paths().any(|path| is_configuration(path)) {
                load(&GitTree::new(git, id)?)
            } else {
                let mut paths: Vec<&String> = paths().collect();
                paths.sort_unstable();
                paths.dedup();
                let local = git.local();
                for path in paths {
                    if repo.selects(path) {
                        repo.set_file(path, content(git, &local, &changed, path));
                    }
                }
                Ok(repo)
            }
        }
        _ => load(&GitTree::new(git, id)?),
    };
    Ok(At { id, repo })
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

/// What a changed `path` holds on the new side, as loading reads it: bytes, a link (not
/// read), or gone.
fn content(
    git: &Git,
    local: &gix::Repository,
    changed: &Changed,
    path: &str,
) -> Option<Result<Vec<u8>, Unread>> {
    if let Ok(i) = changed.head.binary_search_by(|(p, _)| p.as_str().cmp(path)) {
        return Some(git.blob(local, changed.head[i].1));
    }
    changed
        .head_links
        .iter()
        .any(|l| l == path)
        .then_some(Err(Unread::Link))
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
