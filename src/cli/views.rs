//! `pmo ls`, `portfolio`, `capacity`, `rank` and `export`: load, compute a view, print it.

use super::args::{
    Args, CapacityArgs, ExportArgs, ExportFormat, LsArgs, Period, PortfolioArgs, RankArgs,
    ViewFormat, ViewOutput,
};
use anyhow::{Result, bail};
use pmo::check::Context;
use pmo::model::Kind;
use pmo::render::table as render;
use pmo::repository::{self, Repository};
use pmo::suggest::did_you_mean;
use pmo::views::{self, View};
use serde_json::{Map, Value, json};
use std::process::ExitCode;

fn load(args: &Args) -> Result<Repository> {
    super::with_source(args, |source, _| Ok(repository::load(source)?))
}

/// Print a view in the requested format. Notes go under the table, into the JSON, or
/// (for CSV, which has no place for them) to stderr.
pub(super) fn show(
    args: &Args,
    output: &ViewOutput,
    view: &View,
    mut about: Map<String, Value>,
) -> Result<()> {
    if let Some(revision) = &args.revision {
        about.insert("revision".into(), revision.json());
    }
    let sections = || -> Vec<(Option<&str>, &views::Table)> {
        if view.sections.is_empty() {
            vec![(None, &view.data)]
        } else {
            view.sections
                .iter()
                .map(|s| (s.title.as_deref(), &s.table))
                .collect()
        }
    };
    let text = match output.format {
        ViewFormat::Table => sections()
            .iter()
            .map(|(title, table)| {
                let title = title
                    .map(|t| format!("{}\n", pmo::escape::terminal(t)))
                    .unwrap_or_default();
                title + &render::terminal(table, args.color())
            })
            .collect::<Vec<_>>()
            .join("\n"),
        ViewFormat::Md => sections()
            .iter()
            .map(|(title, table)| {
                let title = title
                    .map(|t| format!("### {}\n\n", pmo::escape::markdown(t)))
                    .unwrap_or_default();
                title + &render::markdown(table)
            })
            .collect::<Vec<_>>()
            .join("\n"),
        ViewFormat::Json => render::json(&view.data, about),
        ViewFormat::Csv => {
            if !args.quiet {
                for note in &view.data.notes {
                    noteln!("pmo: {}", pmo::escape::terminal(note));
                }
            }
            render::csv(&view.data)
        }
    };
    super::print(&text)
}

/// `project`, `projects`, `people`, `statuses`: a kind by its name or its table's.
fn kind(name: &str) -> Result<Kind> {
    let name = name.to_ascii_lowercase();
    if let Some(kind) = Kind::parse(&name).or_else(|| Kind::from_plural(&name)) {
        return Ok(kind);
    }
    let names = Kind::ALL.map(Kind::as_str);
    let hint = did_you_mean(&name, names)
        .map(|h| format!("; {h}"))
        .unwrap_or_default();
    bail!("unknown kind `{name}`: one of {}{hint}", names.join(", "))
}

pub fn ls(args: &Args, cmd: &LsArgs) -> Result<ExitCode> {
    let kind = kind(&cmd.kind)?;
    let repo = load(args)?;
    let ctx = Context::new(&repo, args.today());
    let filter = views::ls::Filter {
        project: cmd.project.clone(),
        status: cmd.status.clone(),
        owner: cmd.owner.clone(),
        min_score: cmd.min_score,
        open: cmd.open,
        tags: cmd.tag.clone(),
    };
    let mut view = views::ls::ls(&ctx, kind, &filter)?;
    if let Some(spec) = &cmd.sort {
        views::ls::sort(&mut view.data, spec)?;
    }
    let about = Map::from_iter([("kind".into(), json!(kind.as_str()))]);
    show(args, &cmd.output, &view, about)?;
    Ok(ExitCode::SUCCESS)
}

pub fn portfolio(args: &Args, cmd: &PortfolioArgs) -> Result<ExitCode> {
    let repo = load(args)?;
    let ctx = Context::new(&repo, args.today());
    let by = views::portfolio::GroupBy::parse(&cmd.by);
    by.check(&ctx)?;
    let view = views::portfolio::rollup(&ctx, by.clone(), cmd.all).view();
    let about = Map::from_iter([
        ("by".into(), json!(by.as_str())),
        ("today".into(), json!(ctx.today.to_string())),
    ]);
    show(args, &cmd.output, &view, about)?;
    std::mem::forget(ctx);
    // As for `check`: the process ends here, freeing a large repository only delays it.
    std::mem::forget(repo);
    Ok(ExitCode::SUCCESS)
}

pub fn capacity(args: &Args, cmd: &CapacityArgs) -> Result<ExitCode> {
    let repo = load(args)?;
    let ctx = Context::new(&repo, args.today());
    let by = match cmd.by {
        Period::Month => views::capacity::Period::Month,
        Period::Week => views::capacity::Period::Week,
    };
    let (default_from, default_to) =
        views::capacity::default_range(cmd.from.unwrap_or(ctx.today), by);
    let from = cmd.from.unwrap_or(default_from);
    let to = cmd.to.unwrap_or(default_to);
    let view = views::capacity::capacity(&ctx, from, to, by)?;
    let about = Map::from_iter([
        ("from".into(), json!(from.to_string())),
        ("to".into(), json!(to.to_string())),
        ("by".into(), json!(by.as_str())),
    ]);
    show(args, &cmd.output, &view, about)?;
    Ok(ExitCode::SUCCESS)
}

pub fn rank(args: &Args, cmd: &RankArgs) -> Result<ExitCode> {
    let repo = load(args)?;
    let ctx = Context::new(&repo, args.today());
    let options = views::rank::Options {
        budget: cmd.budget,
        currency: cmd.currency.clone(),
    };
    let view = views::rank::rank(&ctx, &options)?;
    let mut about = Map::new();
    if let Some(budget) = cmd.budget {
        about.insert("budget".into(), json!(budget));
    }
    show(args, &cmd.output, &view, about)?;
    Ok(ExitCode::SUCCESS)
}

pub fn export(args: &Args, cmd: &ExportArgs) -> Result<ExitCode> {
    let repo = load(args)?;
    let ctx = Context::new(&repo, args.today());
    let (tables, invalid) = views::export::tables(&ctx);
    let format = match cmd.format {
        ExportFormat::Csv => views::export::Format::Csv,
        ExportFormat::Jsonl => views::export::Format::Jsonl,
    };
    // Relative to -C, as if started there.
    let out = args.start_dir().join(&cmd.out);
    let mut files = super::writing(args, &out)?;
    files.replacing(cmd.force);
    let paths = views::export::write(files, &tables, format)?;
    if !args.quiet {
        let rows: usize = tables.iter().map(|(_, t)| t.rows.len()).sum();
        noteln!(
            "pmo: wrote {} tables ({rows} rows) to {}",
            paths.len(),
            out.display()
        );
        if invalid > 0 {
            noteln!(
                "pmo: {invalid} document{} with schema errors left out: run `pmo check`",
                if invalid == 1 { "" } else { "s" }
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
