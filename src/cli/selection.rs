//! Which findings `pmo check` reports: `[PATH…]`, `--select` and `--ignore`.

use super::args::{Args, CheckArgs};
use anyhow::Result;

/// The findings `[PATH…]`, `--select` and `--ignore` keep.
pub fn keep(
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
