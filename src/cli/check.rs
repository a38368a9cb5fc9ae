use super::args::{Args, CheckArgs, CheckFormat};
use anyhow::Result;
use pmo::Error;
use pmo::check::{Engine, Report};
use pmo::diagnostic::Severity;
use pmo::render::{self, Style};
use pmo::repository;
use pmo::source::Source;
use std::process::ExitCode;
use std::sync::Arc;

/// The base a change is judged from (its tree, listed once), and the working tree the
/// change is read from (`None`: the commit `--rev` names).
struct Judged<'a> {
    git: &'a pmo::git::Git,
    base: gix::ObjectId,
    judge: pmo::git::GitTree<'a>,
    worktree: Option<&'a pmo::source::Worktree>,
}

pub fn run(args: &Args, cmd: &CheckArgs) -> Result<ExitCode> {
    if cmd.fix || cmd.diff {
        return super::with_source(args, |source, root| {
            super::fix::run(args, cmd, source, root)
        });
    }
    let Some(rev) = &cmd.changed_since else {
        return super::with_source(args, |source, _| run_on(args, cmd, source, None));
    };
    // A change is judged from where it left REV, by that revision's rules.
    let git = super::open_git(args)?;
    let tip = git.resolve(args.rev.as_deref().unwrap_or("HEAD"))?;
    let base = git.branch_point(rev, tip)?;
    let judge = pmo::git::GitTree::new(&git, base)?;
    // A working tree is walked with the base's ignore rules too, and what the walk finds
    // is kept, but the files git's index vouches for as they are read: the diff then
    // needs no walk of its own, and looks again only at the files the index did not know.
    let tree = match args.rev {
        Some(_) => None,
        None => {
            let tree = super::judged_worktree(args, &judge)?;
            let index = git.worktree_index(tree.root());
            Some(tree.remembering(index.map(|i| i as Arc<dyn pmo::source::Recorded>)))
        }
    };
    let judged = Judged {
        git: &git,
        base,
        judge,
        worktree: tree.as_ref(),
    };
    match &tree {
        Some(tree) => run_on(args, cmd, tree, Some(&judged)),
        None => super::with_source(args, |source, _| run_on(args, cmd, source, Some(&judged))),
    }
}

fn run_on(
    args: &Args,
    cmd: &CheckArgs,
    source: &dyn Source,
    judged: Option<&Judged<'_>>,
) -> Result<ExitCode> {
    // With a base, the base's configuration and overlays judge the documents.
    let loaded = match judged {
        Some(judged) => repository::load_judged(source, &judged.judge),
        None => repository::load(source),
    };
    let mut repo = match loaded {
        Ok(repo) => repo,
        Err(e) => return broken(args, cmd, source, e),
    };
    let mut report = match judged {
        None => {
            // The engine an editor's server keeps, run once.
            let mut engine = Engine::new(repo, args.today());
            let report = engine.report();
            repo = engine.into_repository();
            report
        }
        Some(judged) => changed_since(args, cmd, judged, source, &mut repo)?,
    };
    // A baseline matches every finding; the report then shows the paths and rules asked.
    if let Some(file) = &cmd.baseline {
        let judge = judged.map(|j| &j.judge as &dyn Source);
        super::baseline::read(args, file, source, judge)?.apply(&mut report);
    }
    report.retain(super::selection::keep(args, cmd, &repo)?);
    if let Some(file) = &cmd.write_baseline {
        return super::baseline::write(args, &args.start_dir().join(file), &report);
    }
    finish(args, cmd, &report, repo)
}

/// The report of a configuration that cannot be loaded: where it is broken (exit 2).
pub fn broken(args: &Args, cmd: &CheckArgs, source: &dyn Source, e: Error) -> Result<ExitCode> {
    match e {
        Error::Config(diagnostics) => {
            // A broken configuration: show where, and stop (exit 2).
            let cause = Error::Config(diagnostics.clone()).to_string();
            let config_text = source
                .read(pmo::config::FILE)
                .ok()
                .flatten()
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let mut diagnostics = diagnostics;
            pmo::fingerprint::assign(&mut diagnostics, None, &config_text);
            let report = Report {
                files: 0,
                documents: 0,
                diagnostics,
                waived: Vec::new(),
                baseline: None,
            };
            let texts = |path: &str| (path == pmo::config::FILE).then(|| config_text.clone());
            super::print(&render_report(
                args,
                cmd,
                &report,
                &texts,
                &[pmo::config::FILE],
                render::DOCS_URL,
                &pmo::rules::catalogue(&pmo::config::Config::default()),
            ))?;
            noteln!("pmo: {}", pmo::escape::terminal(&cause));
            Ok(ExitCode::from(2))
        }
        e => Err(e.into()),
    }
}

/// Print `report` on the documents of `repo`; exit 1 when it fails the check.
pub fn finish(
    args: &Args,
    cmd: &CheckArgs,
    report: &Report,
    repo: pmo::repository::Repository,
) -> Result<ExitCode> {
    let texts = |path: &str| repo.text(path).map(str::to_owned);
    let files: Vec<&str> = std::iter::once(pmo::config::FILE)
        .chain(repo.files.iter().map(|f| f.path.as_str()))
        .collect();
    let docs = repo.config.docs_url.as_deref().unwrap_or(render::DOCS_URL);
    let catalogue = pmo::rules::catalogue(&repo.config);
    super::print(&render_report(
        args, cmd, report, &texts, &files, docs, &catalogue,
    ))?;
    let fixable = report
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .count();
    if fixable > 0 && !cmd.fix && !args.quiet && matches!(cmd.format, CheckFormat::Human) {
        noteln!("pmo: {fixable} of these can be fixed with `pmo check --fix` (`--diff` shows how)");
    }
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

/// The findings about what changed since the base, with G005, C005 and C006. `repo` holds
/// the head's documents under the base's configuration.
fn changed_since(
    args: &Args,
    cmd: &CheckArgs,
    judged: &Judged<'_>,
    source: &dyn Source,
    repo: &mut pmo::repository::Repository,
) -> Result<Report> {
    use pmo::changes;
    use pmo::git::Head;
    let Judged { git, base, .. } = *judged;
    let (head, tip) = match (judged.worktree, &args.rev) {
        (Some(tree), _) => (Head::Worktree(tree), git.resolve("HEAD")?),
        (None, r) => {
            let id = git.resolve(r.as_deref().unwrap_or("HEAD"))?;
            (Head::Commit(id), id)
        }
    };
    let change = changes::diff(git, base, head, &repo.config, args.today())?;
    let reviews = super::git::approvals(args, cmd.approvals.as_deref(), tip)?;
    let judge = pmo::check::Judge {
        git,
        base,
        tip,
        source,
        today: args.today(),
        reviews: reviews.as_ref(),
    };
    Ok(pmo::check::judge(&judge, &change, repo, None)?.report)
}

fn render_report(
    args: &Args,
    cmd: &CheckArgs,
    report: &Report,
    texts: &dyn Fn(&str) -> Option<String>,
    files: &[&str],
    docs: &str,
    catalogue: &[pmo::diagnostic::Rule<'_>],
) -> String {
    let folder = match cmd.format {
        CheckFormat::Human => None,
        _ => git_folder(args),
    };
    // CI formats name files from the git root, where forges look for them.
    let prefix = folder.as_deref().unwrap_or("");
    let ci = || report.under(prefix);
    match cmd.format {
        CheckFormat::Human => render::human(
            report,
            texts,
            Style {
                color: args.color(),
                quiet: args.quiet,
                docs,
            },
        ),
        CheckFormat::Json => render::json(report, folder.as_deref(), args.revision.as_ref(), docs),
        CheckFormat::Github => render::github(&ci()),
        CheckFormat::Sarif => render::sarif(&ci(), docs, catalogue),
        CheckFormat::Gitlab => render::gitlab(&ci()),
        CheckFormat::Junit => {
            let files: Vec<String> = files.iter().map(|f| format!("{prefix}{f}")).collect();
            let files: Vec<&str> = files.iter().map(String::as_str).collect();
            render::junit(&ci(), &files, cmd.strict)
        }
    }
}

/// The folder of `pmo.yaml` from the root of its git work tree, with a trailing `/`
/// (`governance/`; empty at the root); `None` outside git.
fn git_folder(args: &Args) -> Option<String> {
    let git = pmo::git::Git::discover(&args.start_dir()).ok()??;
    Some(git.prefix().to_owned())
}
