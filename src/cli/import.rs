//! `pmo import FILE --map MAPPING`: read, map, report every problem, then write the new
//! documents (all or nothing: an existing file, or a link in the way, stops the import
//! before it writes).

use super::args::{Args, ImportArgs};
use anyhow::{Result, bail};
use pmo::check::Report;
use pmo::diagnostic::Diagnostic;
use pmo::import::{self, mapping};
use pmo::render::{self, Style};
use pmo::schema::Schemas;
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &Args, cmd: &ImportArgs) -> Result<ExitCode> {
    // Paths are relative to where pmo runs (`-C DIR` included), as for git.
    let start = args.start_dir();
    // Resolved as the user named it, so that a file inside the repository is known by path.
    let resolved = start.canonicalize().unwrap_or_else(|_| start.clone());
    let (file, mapping_file) = (resolved.join(&cmd.file), resolved.join(&cmd.mapping));
    let map_path = cmd.mapping.display().to_string();
    let repository = pmo::source::Worktree::discover(&start)
        .ok()
        .map(|t| t.root().to_path_buf());
    let map_bytes = read(repository.as_deref(), &mapping_file, &map_path)?;
    let csv_path = cmd.file.display().to_string();
    let root = match (&cmd.out, &repository) {
        (Some(dir), _) => start.join(dir),
        (None, Some(repository)) => repository.clone(),
        (None, None) => start.clone(),
    };
    // The documents must pass the schemas of the repository they go to.
    let schemas = schemas_at(&root)?;
    let (fits, rows) = match mapping::load(&map_path, &map_bytes) {
        Ok(m) => match rows(
            &m,
            &read(repository.as_deref(), &file, &csv_path)?,
            &csv_path,
            &schemas,
        )? {
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
                waived: Vec::new(),
                baseline: None,
            };
            let text = String::from_utf8_lossy(&map_bytes).into_owned();
            let texts = |p: &str| (p == map_path).then(|| text.clone());
            let style = Style {
                color: args.color(),
                quiet: args.quiet,
                docs: render::DOCS_URL,
            };
            note!("{}", render::human(&report, &texts, style));
            match fits {
                true => bail!("{map_path} is not a valid mapping"),
                false => bail!("{map_path} is not a valid mapping for {csv_path}"),
            }
        }
    };
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
    if cmd.dry_run {
        out += &summary(&outcome, "would be written to", &root);
        super::print(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    super::print(&out)?;
    // All or nothing; the summary says which, after the fact.
    let mut files = super::writing(args, &root)?;
    for (path, value) in &outcome.documents {
        files.add(path, import::emit::document(value));
    }
    match files.write() {
        Ok(_) => {
            super::print(&summary(&outcome, "written to", &root))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            super::print(&summary(&outcome, "not written to", &root))?;
            Err(e.into())
        }
    }
}

/// The rows of the CSV file as the mapping says, or the mapping's located problems (a
/// column the file does not have, a field the kind does not have, ...).
fn rows(
    mapping: &mapping::Mapping,
    bytes: &[u8],
    csv_path: &str,
    schemas: &Schemas,
) -> Result<std::result::Result<import::Outcome, Vec<Diagnostic>>> {
    let text = import::decode(bytes, &mapping.csv.encoding)
        .map_err(|e| anyhow::anyhow!("{csv_path} {e}"))?;
    match import::run(&text, mapping, schemas) {
        Ok(outcome) => Ok(Ok(outcome)),
        Err(import::Error::Mapping(diagnostics)) => Ok(Err(diagnostics)),
        Err(import::Error::Csv(e)) => bail!("{csv_path}: {e}"),
    }
}

/// A file named on the command line, as `shown`; no link on the way inside the repository.
fn read(repository: Option<&Path>, path: &Path, shown: &str) -> Result<Vec<u8>> {
    pmo::source::file::read_named(repository, path).map_err(|why| match why {
        pmo::source::Unread::Failed(e) => anyhow::anyhow!("{shown}: cannot be read: {e}"),
        why => anyhow::anyhow!("{shown} {}", why.describe()),
    })
}

/// The kinds' schemas of the governance repository `dir` is in (the nearest folder up
/// holding `pmo.yaml`), as its `pmo.yaml` shapes them and with its overlays
/// `schema/<kind>.schema.json`; the built-in schemas outside any repository.
fn schemas_at(dir: &Path) -> Result<Schemas> {
    let (overlays, config) = match dir.ancestors().find(|d| pmo::source::holds_config(d)) {
        Some(repo) => {
            let tree = pmo::source::Worktree::at(repo);
            (
                pmo::repository::overlays(&tree)?,
                pmo::repository::load_config(&tree)?,
            )
        }
        None => (HashMap::new(), pmo::config::Config::default()),
    };
    Schemas::compile(&overlays, &config.project.optional)
        .map_err(|e| anyhow::anyhow!("schema overlay cannot be used: {e}"))
}

/// The counts; `done` says what happened to the documents (`written to`, ...).
fn summary(o: &import::Outcome, done: &str, root: &Path) -> String {
    let kinds: Vec<String> = o
        .by_kind()
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    let kinds = match kinds.is_empty() {
        true => String::new(),
        false => format!(" ({})", kinds.join(", ")),
    };
    let filtered = match o.rows_filtered {
        0 => String::new(),
        n => format!("; {n} rows left out by `where`"),
    };
    let empty: usize = o.empty.values().map(|e| e.cells).sum();
    let mut s = format!(
        "\n{} rows read; {} documents {} {}{}; {} rows skipped{filtered}; {} documents skipped; {} fields left out; {empty} empty cells\n",
        o.rows,
        o.documents.len(),
        done,
        root.display(),
        kinds,
        o.rows_skipped,
        o.documents_skipped,
        o.fields_dropped,
    );
    for (reason, n) in o.by_reason() {
        s += &format!("  {n} × {}\n", pmo::escape::terminal(&reason));
    }
    // An empty cell is not a problem, but the field it would fill is not written:
    // counted per column, so that no gap in the data goes unnoticed.
    for (column, e) in &o.empty {
        let fields: Vec<&str> = e.fields.iter().map(String::as_str).collect();
        s += &format!(
            "  {} empty in column {}: {} not written\n",
            e.cells,
            pmo::escape::terminal(column),
            pmo::escape::terminal(&fields.join(", "))
        );
    }
    s
}
