//! `pmo check --fix` and `--diff`.

use super::args::{Args, CheckArgs};
use anyhow::Result;
use pmo::check::Engine;
use pmo::repository;
use pmo::source::Source;
use std::process::ExitCode;

/// `--fix` and `--diff`: the certain fixes, written or shown, then (`--fix`) what is left.
pub fn run(
    args: &Args,
    cmd: &CheckArgs,
    source: &dyn Source,
    root: &std::path::Path,
) -> Result<ExitCode> {
    let repo = match repository::load(source) {
        Ok(repo) => repo,
        Err(e) => return super::check::broken(args, cmd, source, e),
    };
    let keep = super::selection::keep(args, cmd, &repo)?;
    let mut engine = Engine::new(repo, args.today());
    let (fixed, mut report) = pmo::check::fix(&mut engine, &keep);
    report.retain(keep);
    let files = fixed.files.len();
    let (count, plural) = (fixed.count, if fixed.count == 1 { "" } else { "s" });
    if cmd.diff {
        let mut out = String::new();
        for (path, (was, now)) in &fixed.files {
            out += &unified_diff(path, was, now);
        }
        super::print(&out)?;
        if !args.quiet {
            noteln!("pmo: {count} finding{plural} in {files} file(s) can be fixed with --fix");
        }
        return Ok(ExitCode::from(u8::from(count > 0)));
    }
    // Every file may be replaced before any is: a refusal leaves them all as they were.
    for path in fixed.files.keys() {
        pmo::write::replaceable(root, path)?;
    }
    for (path, (was, now)) in &fixed.files {
        pmo::write::replace(root, path, was.as_bytes(), now.as_bytes())?;
    }
    if !args.quiet && count > 0 {
        noteln!("pmo: fixed {count} finding{plural} in {files} file(s)");
    }
    super::check::finish(args, cmd, &report, engine.into_repository())
}

/// The lines that differ, with three lines around them, as `git diff` shows them; each
/// line of the document as one terminal line.
fn unified_diff(path: &str, was: &str, now: &str) -> String {
    let path = pmo::escape::terminal(path);
    let diff = similar::TextDiff::from_lines(was, now);
    let mut out = format!("--- a/{path}\n+++ b/{path}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out += &format!("{}\n", hunk.header());
        for change in hunk.iter_changes() {
            let sign = match change.tag() {
                similar::ChangeTag::Delete => '-',
                similar::ChangeTag::Insert => '+',
                similar::ChangeTag::Equal => ' ',
            };
            let line = change.value();
            let line = line.strip_suffix('\n').unwrap_or(line);
            out += &format!("{sign}{}\n", pmo::escape::terminal(line));
        }
    }
    out
}
