//! `pmo check --baseline` and `--write-baseline`: known findings, read and recorded.

use super::args::Args;
use anyhow::Result;
use pmo::check::Report;
use pmo::check::baseline::Baseline;
use pmo::source::Source;
use std::process::ExitCode;

/// The baseline at `file` (relative to the start directory). Under `--changed-since`
/// (`judge`: the base revision), one inside the repository is read as the base has it:
/// a change cannot make its own findings known.
pub fn read(
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
pub fn write(args: &Args, file: &std::path::Path, report: &Report) -> Result<ExitCode> {
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
