use super::args::{Args, CheckArgs, CheckFormat};
use anyhow::Result;
use pmo::Error;
use pmo::check::{Report, check};
use pmo::diagnostic::Severity;
use pmo::render::{self, Style};
use pmo::repository;
use pmo::source::Source;
use std::process::ExitCode;

pub fn run(args: &Args, cmd: &CheckArgs) -> Result<ExitCode> {
    super::with_source(args, |source, _| run_on(args, cmd, source))
}

fn run_on(args: &Args, cmd: &CheckArgs, source: &dyn Source) -> Result<ExitCode> {
    let repo = match repository::load(source) {
        Ok(repo) => repo,
        Err(Error::Config(diagnostics)) => {
            // A broken configuration: show where, and stop (exit 2).
            let cause = Error::Config(diagnostics.clone()).to_string();
            let report = Report {
                files: 0,
                documents: 0,
                diagnostics,
            };
            let config_text = source
                .read(pmo::config::FILE)
                .ok()
                .flatten()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let texts = |path: &str| (path == pmo::config::FILE).then(|| config_text.clone());
            super::print(&render_report(
                args,
                cmd,
                &report,
                &texts,
                &[pmo::config::FILE],
            ))?;
            noteln!("pmo: {}", pmo::escape::terminal(&cause));
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    let report = match &cmd.changed_since {
        None => check(&repo, args.today()),
        Some(rev) => changed_since(args, rev, &repo)?,
    };
    let texts = |path: &str| repo.text(path).map(str::to_owned);
    let files: Vec<&str> = std::iter::once(pmo::config::FILE)
        .chain(repo.files.iter().map(|f| f.path.as_str()))
        .collect();
    super::print(&render_report(args, cmd, &report, &texts, &files))?;
    let failed =
        report.count(Severity::Error) > 0 || (cmd.strict && report.count(Severity::Warning) > 0);
    // The process ends here: freeing a large repository's every node one by one would
    // only delay the exit (about 0.2 s on 100,000 documents).
    std::mem::forget(repo);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The findings about what changed since `rev`, with G005 and C005.
fn changed_since(args: &Args, rev: &str, repo: &pmo::repository::Repository) -> Result<Report> {
    use pmo::git::{self, Head};
    let git = super::open_git(args)?;
    let worktree;
    let (head, tip) = match &args.rev {
        Some(r) => {
            let id = git.resolve(r)?;
            (Head::Commit(id), id)
        }
        None => {
            worktree = pmo::source::Worktree::discover(&args.start_dir())?;
            (Head::Worktree(&worktree), git.resolve("HEAD")?)
        }
    };
    // What this branch does: from where it left REV, not from REV's tip.
    let base = git.branch_point(rev, tip)?;
    let change = git::diff(&git, base, head, &repo.config)?;
    let extra = git::findings(&git, base, tip, &change, repo)?;
    let mut report = pmo::check::check_with(repo, args.today(), extra);
    let scope = change.scope();
    report.diagnostics.retain(|d| scope.concerns(d));
    Ok(report)
}

fn render_report(
    args: &Args,
    cmd: &CheckArgs,
    report: &Report,
    texts: &dyn Fn(&str) -> Option<String>,
    files: &[&str],
) -> String {
    match cmd.format {
        CheckFormat::Human => render::human(
            report,
            texts,
            Style {
                color: args.color(),
                quiet: args.quiet,
            },
        ),
        CheckFormat::Json => render::json(report),
        CheckFormat::Github => render::github(report),
        CheckFormat::Sarif => render::sarif(report),
        CheckFormat::Junit => render::junit(report, files),
    }
}
