use super::args::{Args, CheckArgs, CheckFormat};
use anyhow::Result;
use pmo::Error;
use pmo::check::baseline::Baseline;
use pmo::check::{Engine, Report};
use pmo::diagnostic::Severity;
use pmo::render::{self, Style};
use pmo::repository;
use pmo::source::Source;
use std::process::ExitCode;

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
        return super::with_source(args, |source, root| fix(args, cmd, source, root));
    }
    let Some(rev) = &cmd.changed_since else {
        return super::with_source(args, |source, _| run_on(args, cmd, source, None));
    };
    // A change is judged from where it left REV, by that revision's rules.
    let git = super::open_git(args)?;
    let tip = git.resolve(args.rev.as_deref().unwrap_or("HEAD"))?;
    let base = git.branch_point(rev, tip)?;
    let judge = pmo::git::GitTree::new(&git, base)?;
    // A working tree is walked with the base's ignore rules too.
    let tree = match args.rev {
        Some(_) => None,
        None => Some(super::judged_worktree(args, &judge)?),
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
        Some(judged) => changed_since(args, judged, source, &mut repo)?,
    };
    // A baseline matches every finding; the report then shows the paths and rules asked.
    if let Some(file) = &cmd.baseline {
        let judge = judged.map(|j| &j.judge as &dyn Source);
        baseline(args, file, source, judge)?.apply(&mut report);
    }
    let keep = selection(args, cmd, &repo)?;
    report.retain(keep);
    if let Some(file) = &cmd.write_baseline {
        return write_baseline(args, &args.start_dir().join(file), &report);
    }
    finish(args, cmd, &report, repo)
}

/// The findings `[PATH…]`, `--select` and `--ignore` keep.
fn selection(
    args: &Args,
    cmd: &CheckArgs,
    repo: &pmo::repository::Repository,
) -> Result<impl Fn(&pmo::diagnostic::Diagnostic) -> bool + use<>> {
    let catalogue: Vec<String> = pmo::rules::catalogue(&repo.config)
        .iter()
        .map(|r| r.code.as_str().to_owned())
        .collect();
    let codes = |given: &[String], option: &str| -> Result<Vec<String>> {
        given
            .iter()
            .map(|c| {
                let c = c.trim().to_ascii_uppercase();
                if catalogue.iter().any(|code| code.starts_with(&c)) && !c.is_empty() {
                    return Ok(c);
                }
                let hint = pmo::suggest::did_you_mean(&c, catalogue.iter().map(String::as_str))
                    .unwrap_or_else(|| "`pmo rules` lists them".into());
                anyhow::bail!(
                    "{option} {}: no rule code starts so; {hint}",
                    pmo::escape::terminal(&c)
                )
            })
            .collect()
    };
    let select = codes(&cmd.select, "--select")?;
    let ignore = codes(&cmd.ignore, "--ignore")?;
    let paths = paths(args, cmd)?;
    Ok(move |d: &pmo::diagnostic::Diagnostic| {
        let code = d.code.as_str();
        let starts = |list: &[String]| list.iter().any(|c| code.starts_with(c.as_str()));
        (select.is_empty() || starts(&select))
            && !starts(&ignore)
            && (paths.is_empty() || paths.iter().any(|p| under(&d.file, p)))
    })
}

/// Whether `file` is `path` or in the folder `path` (both below the root; `""` is the root).
fn under(file: &str, path: &str) -> bool {
    path.is_empty()
        || file == path
        || file
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// `[PATH…]` below the governance root, with `/`. A path that does not exist, or is
/// outside the repository, stops the check.
fn paths(args: &Args, cmd: &CheckArgs) -> Result<Vec<String>> {
    if cmd.paths.is_empty() {
        return Ok(Vec::new());
    }
    let tree = pmo::source::Worktree::discover(&args.start_dir())?;
    cmd.paths
        .iter()
        .map(|path| {
            let shown = pmo::escape::terminal(&path.display().to_string()).into_owned();
            let full = std::env::current_dir()?
                .join(path)
                .canonicalize()
                .map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
            let rel = full.strip_prefix(tree.root()).map_err(|_| {
                anyhow::anyhow!(
                    "{shown} is not in the governance repository {}",
                    tree.root().display()
                )
            })?;
            Ok(rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"))
        })
        .collect()
}

/// The baseline at `file` (relative to the start directory). Under `--changed-since`
/// (`judge`: the base revision), one inside the repository is read as the base has it:
/// a change cannot make its own findings known.
fn baseline(
    args: &Args,
    file: &std::path::Path,
    source: &dyn Source,
    judge: Option<&dyn Source>,
) -> Result<Baseline> {
    let full = args.start_dir().join(file);
    let inside = pmo::source::Worktree::discover(&args.start_dir())
        .ok()
        .and_then(|tree| {
            let dir = full.parent()?.canonicalize().ok()?;
            let rel = dir.strip_prefix(tree.root()).ok()?.join(full.file_name()?);
            Some(rel.to_string_lossy().replace('\\', "/"))
        });
    let bytes = match (inside, judge) {
        (Some(rel), Some(judge)) => judge.read(&rel)?.ok_or_else(|| {
            anyhow::anyhow!(
                "the baseline {rel} is not in the base revision: a change cannot add its own baseline"
            )
        })?,
        (Some(rel), None) => source
            .read(&rel)?
            .ok_or_else(|| anyhow::anyhow!("no baseline {rel}"))?,
        (None, _) => pmo::source::file::read_named(None, &full)
            .map_err(|why| why.refuse(&full.display().to_string()))?,
    };
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("the baseline {} is not UTF-8", full.display()))?;
    Baseline::parse(&text).map_err(|e| {
        anyhow::anyhow!(
            "the baseline {} cannot be read: {e}; write it with --write-baseline",
            full.display()
        )
    })
}

/// `--write-baseline FILE`: today's findings, replacing FILE whole.
fn write_baseline(args: &Args, file: &std::path::Path, report: &Report) -> Result<ExitCode> {
    let text = Baseline::of(report).to_json();
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow::anyhow!("{} is not a file name", file.display()))?;
    match pmo::source::file::read_below(dir, name) {
        Ok(Some(was)) => pmo::write::replace(dir, name, &was, text.as_bytes())?,
        Ok(None) => {
            let mut set = super::writing(args, dir)?;
            set.add(name, text);
            set.write()?;
        }
        Err(why) => return Err(why.refuse(&file.display().to_string()).into()),
    }
    if !args.quiet {
        noteln!(
            "pmo: recorded {} finding(s) in the baseline {}",
            report.diagnostics.len(),
            pmo::escape::terminal(&file.display().to_string())
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `--fix` and `--diff`: the certain fixes, written or shown, then (`--fix`) what is left.
fn fix(
    args: &Args,
    cmd: &CheckArgs,
    source: &dyn Source,
    root: &std::path::Path,
) -> Result<ExitCode> {
    let repo = match repository::load(source) {
        Ok(repo) => repo,
        Err(e) => return broken(args, cmd, source, e),
    };
    let keep = selection(args, cmd, &repo)?;
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
    finish(args, cmd, &report, engine.into_repository())
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

/// The report of a configuration that cannot be loaded: where it is broken (exit 2).
fn broken(args: &Args, cmd: &CheckArgs, source: &dyn Source, e: Error) -> Result<ExitCode> {
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
fn finish(
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
    let judge = pmo::check::Judge {
        git,
        base,
        tip,
        source,
        today: args.today(),
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
        CheckFormat::Json => render::json(report, folder.as_deref(), docs),
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
