//! Arguments and dispatch. Exit codes: 0 success, 1 `check` found errors (or warnings
//! with `--strict`), 2 the command could not run, with a one-line cause on stderr.

/// `eprint!` for messages to the user: a closed stderr (`pmo ... 2>&- `, or a pipe whose
/// reader left) loses the message but must not turn into a panic and exit 101.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprintln!` with [`note!`]'s tolerance of a closed stderr.
macro_rules! noteln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod args;
mod baseline;
mod baselines;
mod blame;
mod check;
mod docs;
mod fix;
mod git;
mod import;
mod report;
mod scaffold;
mod selection;
mod trend;
mod views;

use args::{Args, Command};
use clap::{CommandFactory, FromArgMatches};
use std::io::Write;
use std::process::ExitCode;

pub fn run() -> ExitCode {
    let matches = Args::command().get_matches();
    let mut args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let Err(e) = args.refuse_unused(&matches) {
        noteln!("pmo: {e}");
        return ExitCode::from(2);
    }
    if let Err(e) = pin_revision(&mut args) {
        noteln!("pmo: {}", pmo::escape::terminal(&format!("{e:#}")));
        return ExitCode::from(2);
    }
    let result = match &args.command {
        Command::Check(c) => check::run(&args, c),
        Command::Init(c) => scaffold::init(&args, c),
        Command::New(c) => scaffold::new(&args, c),
        Command::Ls(c) => views::ls(&args, c),
        Command::Portfolio(c) => views::portfolio(&args, c),
        Command::Capacity(c) => views::capacity(&args, c),
        Command::Rank(c) => views::rank(&args, c),
        Command::Export(c) => views::export(&args, c),
        Command::Report(c) => report::run(&args, c),
        Command::Import(c) => import::run(&args, c),
        Command::Diff(c) => git::diff(&args, c),
        Command::History(c) => git::history(&args, c),
        Command::Trend(c) => trend::run(&args, c),
        Command::Baselines(c) => baselines::run(&args, c),
        Command::Blame(c) => blame::run(&args, c),
        Command::Schema(c) => docs::schema(&args, c),
        Command::Rules(c) => docs::rules(&args, c),
        Command::Explain(c) => docs::explain(&args, c),
        Command::Lsp => lsp(&args),
        Command::Completions(c) => docs::completions(c),
        Command::Man(c) => docs::man(&args, c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // The cause can quote a document, a file name or a revision: one line.
            noteln!("pmo: {}", pmo::escape::terminal(&format!("{e:#}")));
            ExitCode::from(2)
        }
    }
}

/// Resolve `--rev` / `--as-of` to one commit before the command runs, and say which
/// (unless -q): every command then reads that commit (`args.rev` holds its id), and the
/// JSON outputs name it (`args.revision`). A reflog lookup is warned about, always: it
/// looks like a date in the history and is not.
fn pin_revision(args: &mut Args) -> anyhow::Result<()> {
    if args.rev.is_none() && args.as_of.is_none() {
        return Ok(());
    }
    if let Some(rev) = &args.rev
        && pmo::git::reads_reflog(rev)
    {
        noteln!(
            "pmo: warning: `{}` is a reflog lookup: where the ref pointed in this clone, not the branch's history; for the history as of a date, use --as-of DATE",
            pmo::escape::terminal(rev)
        );
    }
    let git = open_git(args)?;
    let as_of = args.as_of.as_ref().map(|a| (a.moment, a.text.as_str()));
    let revision = pmo::git::Revision::pin(&git, args.rev.as_deref(), as_of)?;
    if !args.quiet {
        noteln!("pmo: {}", pmo::escape::terminal(&revision.describe()));
    }
    args.rev = Some(revision.id.to_string());
    args.revision = Some(revision);
    Ok(())
}

/// A JSON output of a command that reads history: `{"version": 1, "revision": ...,
/// ...fields}`, `revision` naming the commit `--rev` / `--as-of` named (none without).
pub fn versioned_json(args: &Args, fields: serde_json::Value) -> anyhow::Result<String> {
    let mut out = serde_json::Map::new();
    out.insert("version".into(), 1.into());
    if let Some(revision) = &args.revision {
        out.insert("revision".into(), revision.json());
    }
    if let serde_json::Value::Object(fields) = fields {
        out.extend(fields);
    }
    Ok(serde_json::to_string_pretty(&out)? + "\n")
}

/// `pmo lsp`: serve the editor on stdin and stdout until it says exit.
fn lsp(args: &Args) -> anyhow::Result<ExitCode> {
    let (connection, threads) = lsp_server::Connection::stdio();
    let shut_down = pmo::lsp::serve(&connection, &args.start_dir(), args.today)
        .map_err(|e| anyhow::anyhow!("language server: {e}"))?;
    drop(connection);
    threads.join()?;
    // The protocol's exit code: 1 when the editor said exit without shutting down.
    Ok(ExitCode::from(u8::from(!shut_down)))
}

/// Run `f` on the documents `--rev` names (read from git, no checkout), else on the
/// working tree; `f` also gets the governance root on disk (for repository templates).
pub fn with_source<T>(
    args: &args::Args,
    f: impl FnOnce(&dyn pmo::source::Source, &std::path::Path) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    match &args.rev {
        None => {
            let tree = pmo::source::Worktree::discover(&args.start_dir())
                .map_err(|e| git::no_worktree(args, e.into()))?;
            f(&tree, tree.root())
        }
        Some(rev) => {
            let git = open_git(args)?;
            let id = git.resolve(rev)?;
            let tree = pmo::git::GitTree::new(&git, id)?;
            let root = git
                .workdir_root()
                .map_or_else(|| args.start_dir(), std::path::Path::to_path_buf);
            f(&tree, &root)
        }
    }
}

/// The working tree around the start directory, walked with the `.gitignore` rules of
/// the base tree `judge`: a change judged by its base cannot hide a document by ignoring it.
pub fn judged_worktree(
    args: &args::Args,
    judge: &pmo::git::GitTree<'_>,
) -> anyhow::Result<pmo::source::Worktree> {
    let tree = pmo::source::Worktree::discover(&args.start_dir())
        .map_err(|e| git::no_worktree(args, e.into()))?;
    let ignores = judge.ignores(tree.root());
    Ok(tree.judged_by(ignores))
}

/// The git repository around the start directory.
pub fn open_git(args: &args::Args) -> anyhow::Result<pmo::git::Git> {
    let start = args.start_dir();
    pmo::git::Git::discover(&start)?.ok_or_else(|| {
        anyhow::anyhow!(
            "{} is not in a git repository: revisions, diffs and histories need one",
            start.display()
        )
    })
}

/// Prepare to write into `dir`; what interrupted writes left there is undone first, and
/// said.
pub fn writing(args: &args::Args, dir: &std::path::Path) -> anyhow::Result<pmo::write::Files> {
    let files = pmo::write::Files::open(dir)?;
    if !args.quiet {
        for note in files.undone() {
            noteln!("pmo: {note}");
        }
    }
    Ok(files)
}

/// Print to stdout; a closed pipe (`pmo rules | head`) ends quietly.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
