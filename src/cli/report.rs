//! `pmo report`: list the templates, or render one to stdout or a new file.

use super::args::{Args, ReportArgs, ReportFormat};
use anyhow::Result;
use pmo::check::Context;
use pmo::report::{Format, Templates};
use pmo::repository;
use std::process::ExitCode;

pub fn run(args: &Args, cmd: &ReportArgs) -> Result<ExitCode> {
    super::with_source(args, |source, _| render(args, cmd, source))
}

fn render(args: &Args, cmd: &ReportArgs, source: &dyn pmo::source::Source) -> Result<ExitCode> {
    // Under `--rev`, the revision's templates: a report of the past as it was made then.
    let templates = Templates::load(source)?;
    if cmd.list {
        let mut out = String::new();
        for t in templates.list() {
            let name = pmo::escape::terminal(&t.name);
            let origin = pmo::escape::terminal(&t.origin);
            out += &format!("{name:<12} {:<5} {origin}\n", t.format);
        }
        super::print(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let repo = repository::load(source)?;
    let ctx = Context::new(&repo, args.today());
    let format = match cmd.format {
        ReportFormat::Md => Format::Md,
        ReportFormat::Html => Format::Html,
    };
    let name = cmd.template.as_deref().unwrap_or_default();
    let git = pmo::git::Git::discover(&args.start_dir()).ok().flatten();
    let past = match &git {
        None => Err("not in a git repository: the trend reads the history".to_owned()),
        Some(git) if git.has_no_commits() => {
            Err("the repository has no commits yet: there is no history".to_owned())
        }
        Some(git) => git
            .resolve(args.rev.as_deref().unwrap_or("HEAD"))
            .map(|tip| pmo::report::History {
                git,
                tip,
                compare_days: i64::from(cmd.compare),
            })
            .map_err(|e| e.to_string()),
    };
    let text = templates.render(&ctx, name, format, cmd.project.as_deref(), &past)?;
    match &cmd.out {
        Some(path) => {
            // Relative to -C, as if started there.
            let path = args.start_dir().join(path);
            let name = path.file_name().and_then(|n| n.to_str());
            let (Some(dir), Some(name)) = (path.parent(), name) else {
                anyhow::bail!("-o {}: not a file name", path.display());
            };
            let mut files = super::writing(args, dir)?;
            files.add(name, text).replacing(cmd.force);
            files.write()?;
            if !args.quiet {
                noteln!(
                    "pmo: wrote {}",
                    pmo::escape::terminal(&path.display().to_string())
                );
            }
        }
        None => super::print(&text)?,
    }
    // As for `check`: the process ends here; freeing a large repository only delays it.
    std::mem::forget(ctx);
    std::mem::forget(repo);
    Ok(ExitCode::SUCCESS)
}
