use super::args::{Args, InitArgs, NewArgs};
use anyhow::{Result, bail};
use pmo::model::Kind;
use pmo::scaffold::{NewDocument, init as init_repo, new_document};
use pmo::source::Worktree;
use std::process::ExitCode;

pub fn init(args: &Args, cmd: &InitArgs) -> Result<ExitCode> {
    let base = args.start_dir();
    let dir = match &cmd.dir {
        Some(d) => base.join(d),
        None => base,
    };
    // The example's dates follow --today, so that it is clean the day it is made.
    let example = cmd.example.then(|| args.today());
    let written = init_repo(super::writing(args, &dir)?, example)?;
    if !args.quiet {
        let what = if cmd.example {
            "the example portfolio"
        } else {
            "pmo.yaml"
        };
        super::print(&format!(
            "created a governance repository in {} ({} files: {what})\n",
            dir.display(),
            written.len()
        ))?;
        super::print(&format!("next: pmo -C {} check\n", dir.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn new(args: &Args, cmd: &NewArgs) -> Result<ExitCode> {
    let Some(kind) = Kind::parse(&cmd.kind) else {
        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        let hint = pmo::suggest::did_you_mean(&cmd.kind, kinds.iter().copied())
            .unwrap_or_else(|| format!("the kinds are {}", kinds.join(", ")));
        bail!("unknown kind `{}`: {hint}", cmd.kind);
    };
    let tree = Worktree::discover(&args.start_dir()).map_err(|e| {
        let e = anyhow::Error::from(e);
        match super::git::bare(args, &e) {
            Some(dir) => anyhow::anyhow!(
                "{} is a bare git repository: it has no working tree to write a document into; use a clone with one",
                dir.display()
            ),
            None => e,
        }
    })?;
    // The documents too: a new id must not be one of theirs, a project must exist.
    let repo = pmo::repository::load(&tree)?;
    let request = NewDocument {
        kind,
        project: cmd.project.as_deref(),
        title: cmd.title.as_deref(),
        id: cmd.id.as_deref(),
        today: args.today(),
    };
    let path = new_document(super::writing(args, tree.root())?, &repo, &request)?;
    let shown = path.strip_prefix(std::env::current_dir()?).unwrap_or(&path);
    super::print(&format!("{}\n", shown.display()))?;
    Ok(ExitCode::SUCCESS)
}
