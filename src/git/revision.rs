//! Naming a commit: `--rev` and `--as-of`, resolved once, explained in pmo's own words
//! when they name nothing, and named back to the reader (which commit, of when).

use super::dated::{Line, Moment};
use super::{Git, shallow_hint, unborn_branch};
use crate::Error;
use gix::ObjectId;
use jiff::Timestamp;
use serde_json::{Value, json};

/// The commit a command reads, and what named it.
#[derive(Debug, Clone)]
pub struct Revision {
    pub id: ObjectId,
    /// Its committer date.
    pub committed: Timestamp,
    /// How the user named it: `main`, `HEAD as of 2026-11-15`.
    pub named: String,
}

impl Revision {
    /// The commit that `rev` (default HEAD) names, or with `as_of` the last commit of its
    /// first-parent line dated on or before that moment (`as_of` is the moment and the
    /// text the user gave).
    pub fn pin(git: &Git, rev: Option<&str>, as_of: Option<(Moment, &str)>) -> Result<Self, Error> {
        let tip_name = rev.unwrap_or("HEAD");
        let tip = git.resolve(tip_name)?;
        let Some((moment, text)) = as_of else {
            return Ok(Revision {
                id: tip,
                committed: committed(git, tip),
                named: tip_name.to_owned(),
            });
        };
        let line = Line::of(git, tip)?;
        match line.at(moment) {
            Some((id, committed)) => Ok(Revision {
                id,
                committed,
                named: format!("{tip_name} as of {text}"),
            }),
            None => {
                let (oldest, when) = line.oldest().unwrap_or((tip, Timestamp::UNIX_EPOCH));
                let reach = if line.shallow {
                    " (this is a shallow clone: fetch the history with `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
                } else {
                    ""
                };
                Err(Error::Invalid(format!(
                    "`{tip_name}` has no commit dated on or before {text}: its history{} starts at {} of {}{reach}",
                    if line.shallow { " in this clone" } else { "" },
                    oldest.to_hex_with_len(12),
                    when.strftime("%Y-%m-%d %H:%M UTC"),
                )))
            }
        }
    }

    /// A line for the reader: which commit was read, of when, and what named it.
    pub fn describe(&self) -> String {
        format!(
            "reading commit {} of {} ({})",
            self.id.to_hex_with_len(12),
            self.committed.strftime("%Y-%m-%d %H:%M UTC"),
            self.named
        )
    }

    /// What a JSON output says of it: `{"commit": "<40 hex>", "committed": "<RFC 3339>"}`.
    pub fn json(&self) -> Value {
        json!({
            "commit": self.id.to_string(),
            "committed": self.committed.to_string(),
            "named": self.named,
        })
    }
}

/// The committer date of `id`; the epoch when it cannot be read.
fn committed(git: &Git, id: ObjectId) -> Timestamp {
    git.local()
        .find_commit(id)
        .ok()
        .and_then(|c| c.committer().ok().and_then(|s| s.time().ok()))
        .and_then(|t| Timestamp::from_second(t.seconds).ok())
        .unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Whether `rev` reads a reflog (`HEAD@{2026-11-15}`, `main@{3}`, `@{-1}`): where a ref
/// pointed in this clone, which is not the branch's history (a fresh CI clone has almost
/// no reflog, and a date there is when this clone moved, not when the work was committed).
pub fn reads_reflog(rev: &str) -> bool {
    let mut rest = rev;
    while let Some(at) = rest.find("@{") {
        let inner = &rest[at + 2..];
        let name = inner.split('}').next().unwrap_or_default();
        if !matches!(
            name.to_ascii_lowercase().as_str(),
            "u" | "upstream" | "push"
        ) {
            return true;
        }
        rest = inner;
    }
    false
}

impl Git {
    /// The commit `rev` names. A revision that names nothing is explained in pmo's words,
    /// with the fix for shallow clones or for a repository without commits.
    pub fn resolve(&self, rev: &str) -> Result<ObjectId, Error> {
        let repo = self.local();
        let id = repo
            .rev_parse_single(rev)
            .map_err(|_| Error::Invalid(self.unresolved(&repo, rev)))?;
        let object = id
            .object()
            .map_err(|_| Error::Invalid(format!("revision `{rev}` cannot be read from git")))?;
        let kind = object.kind;
        object.peel_to_commit().map(|c| c.id).map_err(|_| {
            Error::Invalid(format!(
                "revision `{rev}` names a {kind}, not a commit: give a branch, tag or commit"
            ))
        })
    }

    /// Why `rev` names no commit.
    fn unresolved(&self, repo: &gix::Repository, rev: &str) -> String {
        let shallow = shallow_hint(repo);
        if self.has_no_commits() {
            return format!(
                "the repository has no commits yet: `{rev}` does not name a commit; commit first or drop --rev/--changed-since"
            );
        }
        if let Some(branch) = unborn_branch(repo)
            && (rev.starts_with("HEAD") || rev.starts_with('@'))
        {
            return format!(
                "`{rev}` does not name a commit: the current branch `{branch}` has no commits yet"
            );
        }
        if rev.contains("..") {
            return format!("revision `{rev}` is a range: give one revision");
        }
        if reads_reflog(rev) {
            return format!(
                "revision `{rev}` is not in this clone's reflog (a reflog records where a ref pointed in this clone, not the history: for the history as of a date, use --as-of DATE)"
            );
        }
        // `HEAD~500`, `main^2`: the start is there, the walk back from it is not.
        if let Some(cut) = rev.find(['~', '^'])
            && cut > 0
            && repo.rev_parse_single(&rev[..cut]).is_ok()
        {
            return format!(
                "revision `{rev}` goes back past what `{}` holds: it has no such ancestor or parent{shallow}",
                &rev[..cut]
            );
        }
        if let Some((commit, path)) = rev.split_once(':')
            && !commit.is_empty()
        {
            return format!(
                "revision `{rev}` names the file `{path}` of a commit: give the commit (`{commit}`)"
            );
        }
        let names: Vec<String> = repo
            .references()
            .ok()
            .and_then(|refs| {
                refs.all().ok().map(|all| {
                    all.filter_map(Result::ok)
                        .map(|r| r.name().shorten().to_string())
                        .collect()
                })
            })
            .unwrap_or_default();
        let hint = crate::suggest::near(rev, names.iter().map(String::as_str))
            .did_you_mean()
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        format!("revision `{rev}` names no branch, tag or commit of this repository{hint}{shallow}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reflog_lookup_is_told_from_an_upstream() {
        for rev in ["HEAD@{2026-11-15}", "main@{3}", "@{-1}", "main@{u}@{1}"] {
            assert!(reads_reflog(rev), "{rev}");
        }
        for rev in [
            "main",
            "HEAD~3",
            "@{u}",
            "main@{upstream}",
            "@{push}",
            "v1.0^{}",
        ] {
            assert!(!reads_reflog(rev), "{rev}");
        }
    }
}
