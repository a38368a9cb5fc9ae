//! `pmo trend`: the portfolio at the end of each period, read from the branch's history.

use super::args::{Args, Every, TrendArgs, ViewFormat};
use anyhow::Result;
use pmo::trend::{self, Request};
use pmo::views::periods::{Period, periods};
use serde_json::{Map, json};
use std::io::IsTerminal;
use std::process::ExitCode;

/// More points than a trend can show or a walk should take: ten years of weeks.
const MAX_POINTS: usize = 520;

pub fn run(args: &Args, cmd: &TrendArgs) -> Result<ExitCode> {
    let git = super::open_git(args)?;
    if git.has_no_commits() {
        anyhow::bail!(
            "the repository has no commits yet: there is no history to trend; commit first"
        );
    }
    let tip = git.resolve(args.rev.as_deref().unwrap_or("HEAD"))?;
    let every = match cmd.every {
        Every::Month => Period::Month,
        Every::Week => Period::Week,
        Every::Day => Period::Day,
    };
    let to = cmd.to.unwrap_or_else(|| args.today());
    let from = match cmd.from {
        Some(from) => from,
        // Eleven periods back: twelve points.
        None => earlier(to, every, 11),
    };
    if from > to {
        anyhow::bail!("--from {from} is after --to {to}");
    }
    let spans = periods(from, to, every);
    if spans.len() > MAX_POINTS {
        anyhow::bail!(
            "{from} to {to} is {} points by {}; at most {MAX_POINTS}: narrow --from and --to, or take longer periods (--every)",
            spans.len(),
            every.as_str()
        );
    }
    let grouped = cmd.by.is_some();
    let by = cmd.by.clone().unwrap_or_else(|| "program".into());
    let request = Request {
        periods: spans,
        by: by.clone(),
        findings: true,
    };
    // Progress on a terminal only: a log or a pipe gets the result alone.
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let progress = |done: usize, all: usize| {
        if show_progress {
            note!("\rpmo: trend: {done} of {all} points");
            if done == all {
                note!("\r\x1b[K");
            }
        }
    };
    let trend = trend::walk(&git, tip, &request, &progress)?;
    let mut about = Map::from_iter([
        ("every".into(), json!(every.as_str())),
        ("from".into(), json!(from.to_string())),
        ("to".into(), json!(to.to_string())),
        ("by".into(), json!(cmd.by)),
    ]);
    match cmd.output.format {
        ViewFormat::Json => {
            if let Some(revision) = &args.revision {
                about.insert("revision".into(), revision.json());
            }
            super::print(&trend::json(&trend, about, grouped))?
        }
        _ => super::views::show(args, &cmd.output, &trend::view(&trend, &by, grouped), about)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The day `n` periods of `every` before `day`.
fn earlier(day: jiff::civil::Date, every: Period, n: i64) -> jiff::civil::Date {
    use jiff::ToSpan;
    let span = match every {
        Period::Month => n.months(),
        Period::Week => (7 * n).days(),
        Period::Day => n.days(),
    };
    day.checked_sub(span).unwrap_or(jiff::civil::Date::MIN)
}
