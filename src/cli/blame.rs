//! `pmo blame ID [FIELD]`: who last set each field of a document, as a table (terminal or
//! Markdown, through the views' renderer and its escaping) or JSON.

use super::args::{Args, BlameArgs, DiffFormat};
use anyhow::Result;
use pmo::changes::{Blame, Worktree};
use pmo::views::{Cell, Column, Table};
use serde_json::json;
use std::process::ExitCode;

/// What the commit columns say of a value the working tree changed.
const UNCOMMITTED: &str = "not committed yet";

pub fn run(args: &Args, cmd: &BlameArgs) -> Result<ExitCode> {
    let (git, tip) = super::git::start(args, &cmd.id)?;
    // The working tree's uncommitted changes are its own, not a commit's: compared
    // first, unless a revision is named (or there is no working tree).
    let worktree = match args.rev {
        Some(_) => None,
        None => git.workdir_root(),
    };
    let Some(blame) = pmo::changes::blame(&git, tip, &cmd.id, cmd.field.as_deref(), worktree)?
    else {
        return Err(super::git::missing(&git, tip, &cmd.id, None));
    };
    if blame.worktree == Worktree::Elsewhere {
        noteln!(
            "pmo: the working tree's {} does not hold `{}` readably (moved, removed or not YAML): blaming the committed version",
            pmo::escape::terminal(&blame.file),
            pmo::escape::terminal(&cmd.id)
        );
    }
    let text = match cmd.format {
        DiffFormat::Json => super::versioned_json(args, json!({"blame": blame}))?,
        DiffFormat::Table => pmo::render::table::terminal(&table(&blame), false),
        DiffFormat::Md => pmo::render::table::markdown(&table(&blame)),
    };
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A row per field: its value, and the commit that set it.
fn table(blame: &Blame) -> Table {
    let mut table = Table::new(vec![
        Column::new("field", "field"),
        Column::new("value", "value"),
        Column::new("commit", "commit"),
        Column::new("date", "date"),
        Column::new("author", "author"),
        Column::new("summary", "summary"),
    ]);
    let text = |s: &Option<String>| Cell::opt(s.as_deref(), Cell::text);
    for b in &blame.fields {
        table.rows.push(vec![
            Cell::text(b.field.as_str()),
            Cell::from_json(Some(&b.value), ", "),
            match &b.commit {
                Some(commit) => Cell::text(commit.as_str()),
                None => Cell::text(UNCOMMITTED),
            },
            text(&b.date),
            text(&b.author),
            text(&b.summary),
        ]);
    }
    table
}
