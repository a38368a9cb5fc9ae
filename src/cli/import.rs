//! `pmo import FILE --map MAPPING`: read, map, report every problem, then write the new
//! documents (all or nothing: an existing file stops the import before it writes).

use super::args::{Args, ImportArgs};
use anyhow::{Context, Result, bail};
use pmo::check::Report;
use pmo::import::{self, mapping};
use pmo::render::{self, Style};
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &Args, cmd: &ImportArgs) -> Result<ExitCode> {
    // Paths are relative to where pmo runs (`-C DIR` included), as for git.
    let start = args.start_dir();
    let (file, mapping_file) = (start.join(&cmd.file), start.join(&cmd.mapping));
    let map_path = cmd.mapping.display().to_string();
    let map_bytes =
        std::fs::read(&mapping_file).with_context(|| format!("{map_path}: cannot be read"))?;
    let mapping = match mapping::load(&map_path, &map_bytes) {
        Ok(m) => m,
        Err(diagnostics) => {
            // A broken mapping: show where, like any other file, and stop.
            let report = Report {
                files: 1,
                documents: 0,
                diagnostics,
            };
            let text = String::from_utf8_lossy(&map_bytes).into_owned();
            let texts = |p: &str| (p == map_path).then(|| text.clone());
            let style = Style {
                color: args.color(),
                quiet: args.quiet,
            };
            eprint!("{}", render::human(&report, &texts, style));
            bail!("{map_path} is not a valid mapping");
        }
    };
    let csv_path = cmd.file.display().to_string();
    let bytes = std::fs::read(&file).with_context(|| format!("{csv_path}: cannot be read"))?;
    let text = import::decode(&bytes, &mapping.csv.encoding)
        .map_err(|e| anyhow::anyhow!("{csv_path} {e}"))?;
    let outcome = import::run(&text, &mapping).map_err(|e| anyhow::anyhow!("{csv_path}: {e}"))?;

    let root = match &cmd.out {
        Some(dir) => start.join(dir),
        None => pmo::source::Worktree::discover(&args.start_dir())
            .map(|t| t.root().to_path_buf())
            .unwrap_or_else(|_| args.start_dir()),
    };
    let existing: Vec<&str> = outcome
        .documents
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| root.join(p).exists())
        .collect();

    let mut out = String::new();
    for p in &outcome.problems {
        out += &format!(
            "{csv_path}: row {} (line {}), column {}: `{}` {}: {}\n",
            p.row,
            p.line,
            p.column,
            p.raw.replace('\n', " "),
            p.reason,
            p.outcome
        );
    }
    out += &summary(&outcome, cmd.dry_run, &root);
    super::print(&out)?;
    if let Some(first) = existing.first() {
        bail!(
            "{} already exists{}; nothing was written",
            root.join(first).display(),
            match existing.len() {
                1 => String::new(),
                n => format!(" (and {} more of the files the import would write)", n - 1),
            }
        );
    }
    if !cmd.dry_run {
        write(&root, &outcome)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write(root: &Path, outcome: &import::Outcome) -> Result<()> {
    for (path, value) in &outcome.documents {
        pmo::scaffold::create_file(&root.join(path), &import::emit::document(value))?;
    }
    Ok(())
}

fn summary(o: &import::Outcome, dry_run: bool, root: &Path) -> String {
    let kinds: Vec<String> = o
        .by_kind()
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let mut s = format!(
        "\n{} rows read; {} documents {} {} ({}); {} rows skipped; {} documents skipped; {} fields left out\n",
        o.rows,
        o.documents.len(),
        if dry_run {
            "would be written to"
        } else {
            "written to"
        },
        root.display(),
        kinds.join(", "),
        o.rows_skipped,
        o.documents_skipped,
        o.fields_dropped,
    );
    for (reason, n) in o.by_reason() {
        s += &format!("  {n} × {reason}\n");
    }
    s
}
