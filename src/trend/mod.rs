//! The portfolio through time (`pmo trend`): at the end of each period, the portfolio as
//! it stood at that day's commit of the branch, graded by that commit's own `pmo.yaml`
//! with that day as today. Each point is what `pmo --rev COMMIT --today DAY portfolio`
//! and `check` say of it; the walk reads again only the files that changed between
//! points.

mod view;
mod walk;

pub use view::{json, view};
pub use walk::{Progress, walk};

use crate::views::Table;
use crate::views::periods::Span;
use gix::ObjectId;
use jiff::Timestamp;
use jiff::civil::Date;

/// One point of the trend: the end of a period and what the portfolio was then.
#[derive(Debug, Clone)]
pub struct Point {
    /// `2026-11`, `2026-W47`, `2026-11-20`.
    pub period: String,
    /// The period's last day (the last point's is `--to`): the day read and graded.
    pub date: Date,
    pub state: State,
}

#[derive(Debug, Clone)]
pub enum State {
    /// The portfolio at `commit`.
    Read(Box<Figures>),
    /// No commit of the branch is dated on or before the point: before the history, or
    /// before where a shallow clone's history stops.
    NoCommit,
    /// The commit's `pmo.yaml` or overlays cannot be loaded: nothing to grade it by.
    Broken { commit: Commit, why: String },
}

/// The commit a point read.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: ObjectId,
    pub committed: Timestamp,
}

/// What the portfolio was at a point.
#[derive(Debug, Clone)]
pub struct Figures {
    pub commit: Commit,
    /// Projects by `state`, in the order of [`crate::model::State::ALL`] (every valid
    /// project, closed and cancelled included).
    pub states: [usize; 5],
    /// The `pmo portfolio` view of the point: rows per group and currency, totals per
    /// currency.
    pub portfolio: Table,
    /// `pmo check`'s errors and warnings, when asked for.
    pub findings: Option<Findings>,
}

/// What `pmo check` reports at a point.
#[derive(Debug, Clone, Copy)]
pub struct Findings {
    pub errors: usize,
    pub warnings: usize,
}

/// What a trend was asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub periods: Vec<Span>,
    /// `pmo portfolio --by`.
    pub by: String,
    /// Whether to run the check at each point (errors and warnings), the most costly
    /// figure of a point.
    pub findings: bool,
}

/// The whole trend: its points, and where the history it read starts.
#[derive(Debug, Clone)]
pub struct Trend {
    pub points: Vec<Point>,
    /// The oldest commit of the branch's history in this clone.
    pub oldest: Option<Commit>,
    /// Whether that history stops at a shallow clone's boundary, not at a root commit.
    pub shallow: bool,
}

impl Trend {
    /// Notes for the reader: what is missing, and why.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let missing = self
            .points
            .iter()
            .filter(|p| matches!(p.state, State::NoCommit))
            .count();
        if missing > 0 {
            let oldest = self
                .oldest
                .as_ref()
                .map(|c| {
                    format!(
                        "{} of {}",
                        c.id.to_hex_with_len(12),
                        c.committed.strftime("%Y-%m-%d %H:%M UTC")
                    )
                })
                .unwrap_or_default();
            notes.push(match self.shallow {
                true => format!(
                    "{missing} point(s) before the history of this shallow clone, which stops at {oldest}: fetch the history with `git fetch --unshallow` (or `fetch-depth: 0` in actions/checkout) for them."
                ),
                false => format!(
                    "{missing} point(s) before the first commit ({oldest}): the repository did not exist yet."
                ),
            });
        }
        for p in &self.points {
            if let State::Broken { commit, why } = &p.state {
                notes.push(format!(
                    "{} ({}): commit {} cannot be graded: {why}",
                    p.period,
                    p.date,
                    commit.id.to_hex_with_len(12)
                ));
            }
        }
        notes
    }
}
