//! `pmo import FILE --map MAPPING`: read, map, report every problem, then write the new
//! documents (all or nothing: an existing file stops the import before it writes).

use super::args::{Args, ImportArgs};
use anyhow::{Context, Result, bail};
use pmo::check::Report;
use pmo::diagnostic::Diagnostic;
use pmo::import::{self, mapping};
use pmo::render::{self, Style};
use pmo::schema::Schemas;
use std::collections::HashMap;
use std::path::{Component, Path};
use std::process::ExitCode;

pub fn run(args: &Args, cmd: &ImportArgs) -> Result<ExitCode> {
    // Paths are relative to where pmo runs (`-C DIR` included), as for git.
    let start = args.start_dir();
    let (file, mapping_file) = (start.join(&cmd.file), start.join(&cmd.mapping));
    let map_path = cmd.mapping.display().to_string();
    let map_bytes =
        std::fs::read(&mapping_file).with_context(|| format!("{map_path}: cannot be read"))?;
    let csv_path = cmd.file.display().to_string();
    let root = match &cmd.out {
        Some(dir) => start.join(dir),
        None => pmo::source::Worktree::discover(&args.start_dir())
            .map(|t| t.root().to_path_buf())
            .unwrap_or_else(|_| args.start_dir()),
    };
    // The documents must pass the schemas of the repository they go to.
    let schemas = schemas_at(&root)?;
    let (fits, rows) = match mapping::load(&map_path, &map_bytes) {
        Ok(m) => match rows(&m, &file, &csv_path, &schemas)? {
            Ok(outcome) => (true, Ok(outcome)),
            Err(diagnostics) => (false, Err(diagnostics)),
        },
        Err(diagnostics) => (true, Err(diagnostics)),
    };
    let outcome = match rows {
        Ok(outcome) => outcome,
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
            note!("{}", render::human(&report, &texts, style));
            match fits {
                true => bail!("{map_path} is not a valid mapping"),
                false => bail!("{map_path} is not a valid mapping for {csv_path}"),
            }
        }
    };
    // Defence in depth: ids are checked as they are made, and no path may leave `root`.
    let base = root.canonicalize().ok();
    if let Some((path, _)) = outcome
        .documents
        .iter()
        .find(|(p, _)| !inside(&root, base.as_deref(), Path::new(p)))
    {
        bail!(
            "{path} would be written outside {}; nothing was written",
            root.display()
        );
    }
    let existing: Vec<&str> = outcome
        .documents
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| root.join(p).exists())
        .collect();

    let mut out = String::new();
    for p in &outcome.problems {
        // The cell and the column come from the file: shown as a terminal shows them.
        let text = pmo::escape::terminal;
        out += &format!(
            "{}: row {} (line {}), column {}: `{}` {}: {}\n",
            text(&csv_path),
            p.row,
            p.line,
            text(&p.column),
            text(&p.raw),
            text(&p.reason),
            p.outcome
        );
        if let Some(help) = &p.help {
            out += &format!("  help: {}\n", text(help));
        }
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

/// The rows of the CSV file as the mapping says, or the mapping's located problems (a
/// column the file does not have, a field the kind does not have, ...).
fn rows(
    mapping: &mapping::Mapping,
    file: &Path,
    csv_path: &str,
    schemas: &Schemas,
) -> Result<std::result::Result<import::Outcome, Vec<Diagnostic>>> {
    let bytes = std::fs::read(file).with_context(|| format!("{csv_path}: cannot be read"))?;
    let text = import::decode(&bytes, &mapping.csv.encoding)
        .map_err(|e| anyhow::anyhow!("{csv_path} {e}"))?;
    match import::run(&text, mapping, schemas) {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(import::Error::Mapping(diagnostics)) => Ok(Err(diagnostics)),
        Err(import::Error::Csv(e)) => bail!("{csv_path}: {e}"),
    }
}

/// The kinds' schemas of the governance repository `dir` is in (the nearest folder up
/// holding `pmo.yaml`), with its overlays `schema/<kind>.schema.json`; the built-in
/// schemas outside any repository.
fn schemas_at(dir: &Path) -> Result<Schemas> {
    let overlays = match dir
        .ancestors()
        .find(|d| d.join(pmo::config::FILE).is_file())
    {
        Some(repo) => pmo::repository::overlays(&pmo::source::Worktree::at(repo))?,
        None => HashMap::new(),
    };
    Schemas::compile(&overlays).map_err(|e| anyhow::anyhow!("schema overlay cannot be used: {e}"))
}

/// Whether `rel` stays inside `root` (`base` is `root` canonicalized, if it exists): only
/// plain names (no `..`, no root, no drive), and no folder on the way that already exists
/// is a link out of `root`.
fn inside(root: &Path, base: Option<&Path>, rel: &Path) -> bool {
    if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return false;
    }
    let Some(base) = base else {
        // Nothing exists below a root that does not exist yet.
        return true;
    };
    let target = root.join(rel);
    target
        .ancestors()
        .find(|a| a.exists())
        .and_then(|a| a.canonicalize().ok())
        .is_some_and(|a| a.starts_with(base))
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
    let kinds = match kinds.is_empty() {
        true => String::new(),
        false => format!(" ({})", kinds.join(", ")),
    };
    let mut s = format!(
        "\n{} rows read; {} documents {} {}{}; {} rows skipped; {} documents skipped; {} fields left out\n",
        o.rows,
        o.documents.len(),
        if dry_run {
            "would be written to"
        } else {
            "written to"
        },
        root.display(),
        kinds,
        o.rows_skipped,
        o.documents_skipped,
        o.fields_dropped,
    );
    for (reason, n) in o.by_reason() {
        s += &format!("  {n} × {}\n", pmo::escape::terminal(&reason));
    }
    s
}
