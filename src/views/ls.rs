//! `pmo ls KIND`: the documents of one kind with their key columns and computed figures.

use super::{Cell, Column, Table, View};
use crate::Error;
use crate::check::Context;
use crate::metrics::{self, allocation, change, rag, risk};
use crate::model::kind::Show;
use crate::model::{Document, Kind};
use crate::suggest::{did_you_mean, list};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// What to list. A filter that a kind has no field for is refused, not ignored.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub project: Option<String>,
    pub status: Option<String>,
    pub owner: Option<String>,
    pub min_score: Option<u8>,
    pub open: bool,
    pub tags: Vec<String>,
}

/// The fields of a kind that the filters read: its row's.
struct Fields {
    project: Option<&'static str>,
    status: Option<&'static str>,
    owner: Option<&'static str>,
    statuses: &'static [&'static str],
    /// The status values that count as open.
    open: &'static [&'static str],
}

fn fields(kind: Kind) -> Fields {
    let spec = kind.spec();
    Fields {
        project: spec.project_field,
        status: spec.states.as_ref().map(|s| s.field),
        owner: spec.owner_field,
        statuses: spec.states.as_ref().map_or(&[], |s| s.values),
        open: spec.states.as_ref().map_or(&[], |s| s.open),
    }
}

/// The documents of `kind` that pass the filter, as a table. Documents that fail their
/// schema are left out (a note says how many): their figures cannot be trusted.
pub fn ls(ctx: &Context<'_>, kind: Kind, filter: &Filter) -> Result<View, Error> {
    let fields = fields(kind);
    refuse_inapplicable(kind, &fields, filter)?;
    // Schema errors, or (for kinds with figures) values a figure cannot be computed from.
    let typed = match kind {
        Kind::Project => Some(ctx.projects().len()),
        Kind::Risk => Some(ctx.risks().len()),
        Kind::Change => Some(ctx.changes().len()),
        _ => None,
    };
    let total = ctx.of_kind(kind).count();
    let invalid = typed.map_or_else(
        || ctx.of_kind(kind).filter(|d| !d.valid).count(),
        |n| total - n,
    );
    let keep = |d: &Document| matches(d, &fields, filter);
    let mut table = match kind {
        Kind::Project => projects(ctx, &keep),
        Kind::Risk => risks(ctx, &keep),
        Kind::Change => changes(ctx, &keep),
        _ => {
            let docs: Vec<&Document> = ctx.of_kind(kind).filter(|d| d.valid && keep(d)).collect();
            match kind {
                Kind::Person => people(ctx, &docs),
                _ => generic(ctx, kind, &docs),
            }
        }
    };
    if kind == Kind::Risk {
        let score = table.column("score").unwrap_or(0);
        table.sort_by(score, true);
    }
    if invalid > 0 {
        table.notes.push(format!(
            "{invalid} {kind} document{} with schema errors not listed: run `pmo check`",
            if invalid == 1 { "" } else { "s" }
        ));
    }
    Ok(View::single(table))
}

/// Sort by a column key; `-key` sorts descending.
pub fn sort(table: &mut Table, spec: &str) -> Result<(), Error> {
    let (key, descending) = match spec.strip_prefix('-') {
        Some(key) => (key, true),
        None => (spec, false),
    };
    let Some(i) = table.column(key) else {
        let keys: Vec<&str> = table.columns.iter().map(|c| c.key.as_str()).collect();
        let hint = did_you_mean(key, keys.iter().copied())
            .map(|h| format!("{h} "))
            .unwrap_or_default();
        return Err(Error::Invalid(format!(
            "cannot sort by `{key}`: {hint}the columns are {}",
            list(&keys)
        )));
    };
    table.sort_by(i, descending);
    Ok(())
}

fn refuse_inapplicable(kind: Kind, fields: &Fields, filter: &Filter) -> Result<(), Error> {
    let refuse = |option: &str| {
        Err(Error::Invalid(format!(
            "{option} does not apply to {kind} documents"
        )))
    };
    if filter.project.is_some() && fields.project.is_none() {
        return refuse("--project");
    }
    if filter.owner.is_some() && fields.owner.is_none() {
        return refuse("--owner");
    }
    if filter.open && fields.open.is_empty() {
        return refuse("--open");
    }
    if filter.min_score.is_some() && kind != Kind::Risk {
        return refuse("--min-score (risks only)");
    }
    if let Some(status) = &filter.status {
        if fields.status.is_none() {
            return refuse("--status");
        }
        if !fields.statuses.contains(&status.as_str()) {
            let hint = did_you_mean(status, fields.statuses.iter().copied())
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            return Err(Error::Invalid(format!(
                "no {kind} has status `{status}`: it is one of {}{hint}",
                list(fields.statuses)
            )));
        }
    }
    Ok(())
}

fn matches(doc: &Document, fields: &Fields, filter: &Filter) -> bool {
    // A field holds the value, or a list that contains it.
    let has = |field: Option<&str>, wanted: &str| {
        field
            .and_then(|f| doc.value.get(f))
            .is_some_and(|v| match v {
                Value::String(s) => s == wanted,
                Value::Array(items) => items.iter().any(|i| i.as_str() == Some(wanted)),
                _ => false,
            })
    };
    let status = fields.status.and_then(|f| doc.str(f)).unwrap_or_default();
    filter
        .project
        .as_deref()
        .is_none_or(|p| has(fields.project, p))
        && filter.owner.as_deref().is_none_or(|o| has(fields.owner, o))
        && filter.status.as_deref().is_none_or(|s| s == status)
        && (!filter.open || fields.open.contains(&status))
        && filter.tags.iter().all(|t| has(Some("tags"), t))
        && filter.min_score.is_none_or(|min| {
            let rating = |f| doc.value.get(f).and_then(Value::as_u64).unwrap_or(0);
            rating("probability") * rating("impact") >= u64::from(min)
        })
}

/// The kind's `ls` columns, from its row.
fn columns(kind: Kind) -> Vec<Column> {
    kind.spec()
        .ls
        .iter()
        .map(|(k, l, _)| Column::new(*k, *l))
        .collect()
}

/// A top-level field as a cell; lists of text joined with `, `.
fn text(doc: &Document, field: &str) -> Cell {
    Cell::from_json(doc.value.get(field), ", ")
}

fn date(doc: &Document, field: &str) -> Cell {
    doc.str(field)
        .and_then(|s| s.parse().ok())
        .map_or(Cell::Empty, Cell::Date)
}

/// Which documents to list.
type Keep<'k> = dyn Fn(&Document) -> bool + 'k;

fn projects(ctx: &Context<'_>, keep: &Keep) -> Table {
    let mut table = Table::new(columns(Kind::Project));
    for (doc, p) in ctx.projects().iter().filter(|(d, _)| keep(d)) {
        let computed = rag::computed(p, &ctx.config.rag, ctx.today);
        let reported = ctx.latest_status(p.id).map(|(_, s)| s.overall);
        let ev = metrics::earned_value::earned_value(p, ctx.today);
        let over = |limit: Option<f64>| {
            p.forecast
                .cost
                .zip(limit)
                .is_some_and(|(forecast, limit)| forecast > limit)
        };
        let tolerance = metrics::tolerance::effective(p, &ctx.config.tolerances);
        table.rows.push(vec![
            Cell::text(p.id),
            Cell::text(p.title),
            text(doc, "state"),
            Cell::text(p.phase),
            Cell::opt(p.manager, Cell::text),
            Cell::opt(computed.overall, Cell::Rag),
            Cell::opt(reported, Cell::Rag),
            super::portfolio::currency_cell(metrics::currency(p, ctx.config)),
            Cell::opt(p.baseline.budget, Cell::Money),
            Cell::opt(p.forecast.cost, Cell::Money)
                .alert_if(over(p.baseline.budget.map(|b| tolerance.cost_limit(b)))),
            Cell::opt(p.actuals.cost, Cell::Money),
            Cell::opt(ev.and_then(|e| e.cpi), |x| Cell::Number(x, 2)),
            Cell::opt(ev.and_then(|e| e.spi), |x| Cell::Number(x, 2)),
            Cell::opt(p.forecast.finish.or(p.baseline.finish), Cell::Date),
        ]);
    }
    table
}

fn risks(ctx: &Context<'_>, keep: &Keep) -> Table {
    let mut table = Table::new(columns(Kind::Risk));
    let high = ctx.config.risk.high_score;
    for (doc, r) in ctx.risks().iter().filter(|(d, _)| keep(d)) {
        let score = risk::score(r);
        table.rows.push(vec![
            Cell::text(r.id),
            Cell::text(r.project),
            Cell::text(r.title),
            Cell::text(r.owner),
            Cell::Int(r.probability.into()),
            Cell::Int(r.impact.into()),
            Cell::Int(score.into()).alert_if(risk::is_high(r, high)),
            Cell::opt(r.response, Cell::text),
            text(doc, "status"),
            Cell::opt(r.last_reviewed.or(r.raised), Cell::Date),
            Cell::opt(risk::exposure(r), Cell::Money),
        ]);
    }
    table
}

fn changes(ctx: &Context<'_>, keep: &Keep) -> Table {
    let mut table = Table::new(columns(Kind::Change));
    let control = &ctx.config.change_control;
    for (doc, c) in ctx.changes().iter().filter(|(d, _)| keep(d)) {
        let s = change::standing(control, c, |id| ctx.person(id));
        table.rows.push(vec![
            Cell::text(c.id),
            Cell::text(c.project),
            Cell::text(c.title),
            text(doc, "status"),
            Cell::opt(c.impact.cost, Cell::Money),
            Cell::opt(c.impact.schedule_days, Cell::Int),
            Cell::opt(s.level, |l| Cell::Int(l as i64)),
            Cell::Int(s.qualified.len() as i64).alert_if(s.short),
            Cell::Int(s.needed as i64),
            Cell::Int(s.rejected_by.len() as i64),
        ]);
    }
    table
}

fn people(ctx: &Context<'_>, docs: &[&Document]) -> Table {
    let mut table = Table::new(columns(Kind::Person));
    let bookings = allocation::bookings(ctx.running_projects().map(|(_, p)| p));
    for doc in docs {
        let Some(id) = doc.id() else { continue };
        let capacity = ctx.person(id).map_or(1.0, |p| p.capacity);
        let load = bookings
            .get(id)
            .map_or(0.0, |b| allocation::on_day(b, ctx.today));
        table.rows.push(vec![
            Cell::text(id),
            text(doc, "name"),
            text(doc, "team"),
            text(doc, "roles"),
            Cell::Number(capacity, 2),
            Cell::Number(load, 2).alert_if(load > capacity + 1e-9),
            text(doc, "email"),
        ]);
    }
    table
}

/// Kinds without a typed view: their fields as they are, and (objectives, programs) how
/// many projects name each.
fn generic(ctx: &Context<'_>, kind: Kind, docs: &[&Document]) -> Table {
    let spec = kind.spec().ls;
    let mut table = Table::new(columns(kind));
    for doc in docs {
        let row: Vec<Cell> = spec
            .iter()
            .map(|&(field, _, show)| match show {
                Show::Text => text(doc, field),
                Show::Date => date(doc, field),
                Show::Rag => doc
                    .value
                    .get(field)
                    .and_then(|v| crate::model::Rag::deserialize(v).ok())
                    .map_or(Cell::Empty, Cell::Rag),
                // Filled in below.
                Show::Figure => Cell::Empty,
            })
            .collect();
        table.rows.push(row);
    }
    // An open issue past its due date.
    if let Some(due) = table.column("due")
        && kind == Kind::Issue
    {
        for (row, doc) in table.rows.iter_mut().zip(docs) {
            if kind.spec().is_open(doc.str("status").unwrap_or_default())
                && let Cell::Date(date) = row[due]
                && date < ctx.today
            {
                row[due] = Cell::Date(date).alert_if(true);
            }
        }
    }
    // The project field that refers to this kind (`program`, `objectives`).
    let field = Kind::Project
        .spec()
        .references
        .iter()
        .find(|(_, target)| *target == kind)
        .and_then(|(steps, _)| match steps.first() {
            Some(crate::model::refs::Step::Field(name)) => Some(*name),
            _ => None,
        });
    if let (Some(column), Some(field)) = (table.column("projects"), field) {
        let mut counts: HashMap<&str, i64> = HashMap::new();
        for (doc, _) in ctx.projects() {
            match doc.value.get(field) {
                Some(Value::String(s)) => *counts.entry(s).or_default() += 1,
                Some(Value::Array(a)) => {
                    for s in a.iter().filter_map(Value::as_str) {
                        *counts.entry(s).or_default() += 1;
                    }
                }
                _ => {}
            }
        }
        for (row, doc) in table.rows.iter_mut().zip(docs) {
            let n = doc.id().and_then(|id| counts.get(id)).copied();
            row[column] = Cell::Int(n.unwrap_or(0));
        }
    }
    table
}
