//! `pmo baselines ID`: every change of a project's approved baseline, with the change
//! request of the same commit that covers it, or the flag G005 would raise. (Not
//! `check --baseline`, which is `baseline.rs`: a file of known findings.)

use super::args::{Args, BaselinesArgs, DiffFormat};
use super::git::{Escape, commit_block, value};
use anyhow::Result;
use pmo::changes::{Baseline, BaselineChange};
use pmo::escape;
use serde_json::json;
use std::process::ExitCode;

pub fn run(args: &Args, cmd: &BaselinesArgs) -> Result<ExitCode> {
    let (git, tip) = super::git::start(args, &cmd.id)?;
    let config =
        pmo::repository::load_config(&pmo::git::GitTree::new(&git, tip)?).unwrap_or_default();
    let Some(entries) = pmo::changes::baselines(&git, tip, &cmd.id, &config)? else {
        return Err(super::git::missing(
            &git,
            tip,
            &cmd.id,
            Some(pmo::model::Kind::Project),
        ));
    };
    let text = match cmd.format {
        DiffFormat::Json => {
            super::versioned_json(args, json!({"id": cmd.id, "baselines": entries}))?
        }
        DiffFormat::Table => text(&cmd.id, &entries, false),
        DiffFormat::Md => text(&cmd.id, &entries, true),
    };
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The entries as `history` writes its own: a line per commit (Markdown: a list item),
/// then the baseline's field changes, its approval and the change request, indented.
fn text(id: &str, entries: &[Baseline], md: bool) -> String {
    let esc: Escape = if md {
        escape::markdown
    } else {
        escape::terminal
    };
    // An id: a code span in Markdown.
    let code = |s: &str| {
        if md {
            format!("`{}`", esc(s))
        } else {
            esc(s).into_owned()
        }
    };
    if entries.is_empty() {
        return format!("The baseline of {} was never approved.\n", code(id));
    }
    let mut out = String::new();
    for b in entries {
        let what = match b.change {
            BaselineChange::Approved => "baseline approved",
            BaselineChange::Changed => "baseline changed",
        };
        let approval = format!(
            "approved by {} on {}",
            value(&b.approved_by, None, esc),
            value(&b.approved_on, None, esc)
        );
        let covered = match (b.change, b.without_change_request) {
            (BaselineChange::Approved, _) => None,
            (_, true) => Some(if md {
                "**no change request approved in this commit** (G005)".to_owned()
            } else {
                "no change request approved in this commit (G005)".to_owned()
            }),
            (_, false) => {
                let ids: Vec<String> = b.change_requests.iter().map(|c| code(c)).collect();
                Some(format!("change request: {}", ids.join(", ")))
            }
        };
        let made = [&b.date, &b.commit, &b.author, &b.email, &b.summary];
        out += &commit_block(md, made.map(String::as_str), what, &b.fields);
        let item = if md { "  - " } else { "    " };
        for line in std::iter::once(approval).chain(covered) {
            out += &format!("{item}{line}\n");
        }
    }
    out
}
