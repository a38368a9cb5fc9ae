//! `pmo export`: one flat table per kind (and per list inside a kind: milestones, gates,
//! allocations, approvals) with computed columns, for spreadsheets and BI tools. The
//! columns are fixed per kind (its documented fields, `Spec::fields`; docs/views.md);
//! fields that schema overlays add follow them, in name order.

use super::{Cell, Column, Table};
use crate::Error;
use crate::check::Context;
use crate::metrics::earned_value::earned_value;
use crate::metrics::status::overdue;
use crate::metrics::{self, allocation, change, rag, risk};
use crate::model::portfolio::view_of;
use crate::model::{Document, Kind};
use crate::write::Files;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Fields every kind may have, exported after the kind's own.
pub const COMMON: [&str; 2] = ["tags", "description"];

/// Computed columns per kind, after the fields.
fn computed(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Person => &["allocated_today"],
        Kind::Project => &[
            "cost_overrun_pct",
            "days_late",
            "rag_cost",
            "rag_schedule",
            "rag_overall",
            "reported_rag",
            "reported_on",
            "stale_status",
            "pv",
            "ev",
            "cpi",
            "spi",
            "eac",
            "vac",
            "weighted_score",
        ],
        Kind::Risk => &["score", "high", "exposure"],
        Kind::Change => &[
            "level",
            "approvals_needed",
            "approvals_qualified",
            "rejections",
        ],
        _ => &[],
    }
}

/// Every table, named, in a fixed order. Documents that fail their schema are left out;
/// the second value counts them.
pub fn tables(ctx: &Context<'_>) -> (Vec<(&'static str, Table)>, usize) {
    let figures = Figures::new(ctx);
    let mut out = Vec::new();
    for kind in Kind::ALL {
        out.push((kind.spec().plural, kind_table(&figures, kind)));
        match kind {
            Kind::Project => out.extend(project_lists(ctx)),
            Kind::Change => out.push(("change_approvals", approvals(ctx))),
            _ => {}
        }
    }
    let invalid = ctx.repo.documents.iter().filter(|d| !d.valid).count();
    (out, invalid)
}

fn kind_table(figures: &Figures<'_, '_>, kind: Kind) -> Table {
    let ctx = figures.ctx;
    let own = kind.spec().fields;
    let docs: Vec<&Document> = ctx.of_kind(kind).filter(|d| d.valid).collect();
    // Top-level fields that overlays allow beyond the built-in ones.
    let known: BTreeSet<&str> = own
        .iter()
        .map(|f| f.split('.').next().unwrap_or(f))
        .chain(COMMON)
        .chain([
            "kind",
            "links",
            "milestones",
            "gates",
            "allocations",
            "approvals",
            "scores",
        ])
        .collect();
    let extra: BTreeSet<&str> = docs
        .iter()
        .filter_map(|d| d.value.as_object())
        .flat_map(|m| m.keys().map(String::as_str))
        .filter(|k| !known.contains(k))
        // A field named like a computed or flattened column would give two columns of
        // one name: the computed one is kept.
        .filter(|k| !computed(kind).contains(k) && !own.iter().any(|f| f.replace('.', "_") == *k))
        .collect();
    let mut columns: Vec<&str> = own.iter().copied().chain(COMMON).collect();
    columns.extend(computed(kind));
    columns.extend(&extra);
    let mut table = Table::new(
        columns
            .iter()
            .map(|c| Column::new(c.replace('.', "_"), *c))
            .collect(),
    );
    let computed_from = own.len() + COMMON.len();
    let extra_from = computed_from + computed(kind).len();
    for doc in docs {
        let mut row: Vec<Cell> = columns[..computed_from]
            .iter()
            .chain(&columns[extra_from..])
            .map(|path| match (kind, *path) {
                // The currency its amounts are in, pmo.yaml's when it has none of its own.
                (Kind::Project, "currency") => view_of(ctx.projects(), doc)
                    .map_or(Cell::Empty, |p| {
                        Cell::text(metrics::currency(p, ctx.config))
                    }),
                _ => field(&doc.value, path),
            })
            .collect();
        let derived = figures.of(kind, doc);
        row.splice(computed_from..computed_from, derived);
        table.rows.push(row);
    }
    table
}

/// A (dotted) field's value as a cell; lists of text joined with `; `.
fn field(value: &Value, path: &str) -> Cell {
    Cell::from_json(path.split('.').try_fold(value, |v, key| v.get(key)), "; ")
}

/// What the computed columns need, found once.
struct Figures<'c, 'a> {
    ctx: &'c Context<'a>,
    bookings: std::collections::HashMap<&'a str, Vec<allocation::Booking<'a>>>,
}

impl<'c, 'a> Figures<'c, 'a> {
    fn new(ctx: &'c Context<'a>) -> Self {
        Figures {
            ctx,
            bookings: allocation::bookings(ctx.running_projects().map(|(_, p)| p)),
        }
    }

    fn of(&self, kind: Kind, doc: &Document) -> Vec<Cell> {
        let ctx = self.ctx;
        let id = doc.id().unwrap_or_default();
        let n2 = |x: f64| Cell::Number(x, 2);
        match kind {
            Kind::Person => {
                let load = self
                    .bookings
                    .get(id)
                    .map_or(0.0, |b| allocation::on_day(b, ctx.today));
                vec![n2(load)]
            }
            Kind::Project => {
                let Some(p) = view_of(ctx.projects(), doc) else {
                    return vec![Cell::Empty; computed(kind).len()];
                };
                let r = rag::computed(p, &ctx.config.rag, ctx.today);
                let latest = ctx.latest_status(p.id).map(|(_, s)| s);
                let stale = overdue(
                    p,
                    latest.map(|s| s.date),
                    ctx.config.status.cadence_days,
                    ctx.today,
                );
                let ev = earned_value(p, ctx.today);
                let (score, _) = super::rank::weighted_score(p, &ctx.config.scoring.criteria);
                vec![
                    Cell::opt(r.cost_overrun_pct, n2),
                    Cell::opt(r.days_late, Cell::Int),
                    Cell::opt(r.cost, Cell::Rag),
                    Cell::opt(r.schedule, Cell::Rag),
                    Cell::opt(r.overall, Cell::Rag),
                    Cell::opt(latest.map(|s| s.overall), Cell::Rag),
                    Cell::opt(latest.map(|s| s.date), Cell::Date),
                    Cell::Bool(stale.is_some()),
                    Cell::opt(ev.map(|e| e.pv), Cell::Money),
                    Cell::opt(ev.map(|e| e.ev), Cell::Money),
                    Cell::opt(ev.and_then(|e| e.cpi), n2),
                    Cell::opt(ev.and_then(|e| e.spi), n2),
                    Cell::opt(ev.and_then(|e| e.eac), Cell::Money),
                    Cell::opt(ev.and_then(|e| e.vac), Cell::Money),
                    n2(score),
                ]
            }
            Kind::Risk => {
                let Some(r) = view_of(ctx.risks(), doc) else {
                    return vec![Cell::Empty; computed(kind).len()];
                };
                let score = risk::score(r);
                vec![
                    Cell::Int(score.into()),
                    Cell::Bool(risk::is_high(r, ctx.config.risk.high_score)),
                    Cell::opt(risk::exposure(r), Cell::Money),
                ]
            }
            Kind::Change => {
                let Some(c) = view_of(ctx.changes(), doc) else {
                    return vec![Cell::Empty; computed(kind).len()];
                };
                let s = change::standing(&ctx.config.change_control, c, |id| ctx.person(id));
                vec![
                    Cell::opt(s.level, |l| Cell::Int(l as i64)),
                    Cell::opt(s.level.map(|_| s.needed), |n| Cell::Int(n as i64)),
                    Cell::Int(s.qualified.len() as i64),
                    Cell::Int(s.rejected_by.len() as i64),
                ]
            }
            _ => Vec::new(),
        }
    }
}

/// Milestones, gate decisions and allocations: one row per list entry, keyed by project.
fn project_lists(ctx: &Context<'_>) -> Vec<(&'static str, Table)> {
    let lists: [(&str, &str, &[&str]); 3] = [
        (
            "project_milestones",
            "milestones",
            &["name", "baseline", "forecast", "actual"],
        ),
        (
            "project_gates",
            "gates",
            &["phase", "decision", "date", "approvers", "conditions"],
        ),
        (
            "project_allocations",
            "allocations",
            &["person", "fte", "from", "to", "role"],
        ),
    ];
    lists
        .iter()
        .map(|(name, list, columns)| {
            (
                *name,
                list_table(ctx, Kind::Project, "project", list, columns),
            )
        })
        .collect()
}

fn approvals(ctx: &Context<'_>) -> Table {
    let mut table = list_table(
        ctx,
        Kind::Change,
        "change",
        "approvals",
        &["by", "date", "decision", "comment"],
    );
    // The change's project too, to join without the changes table.
    table.columns.insert(1, Column::new("project", "project"));
    let projects = ctx.of_kind(Kind::Change).filter(|d| d.valid).flat_map(|d| {
        let n = d
            .value
            .get("approvals")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        std::iter::repeat_n(d.project().unwrap_or_default(), n)
    });
    for (row, project) in table.rows.iter_mut().zip(projects) {
        row.insert(1, Cell::text(project));
    }
    table
}

fn list_table(ctx: &Context<'_>, kind: Kind, key: &str, list: &str, columns: &[&str]) -> Table {
    let mut table = Table::new(
        std::iter::once(key)
            .chain(columns.iter().copied())
            .map(|c| Column::new(c, c))
            .collect(),
    );
    for doc in ctx.of_kind(kind).filter(|d| d.valid) {
        let Some(items) = doc.value.get(list).and_then(Value::as_array) else {
            continue;
        };
        for item in items {
            let mut row = vec![Cell::text(doc.id().unwrap_or_default())];
            row.extend(columns.iter().map(|c| field(item, c)));
            table.rows.push(row);
        }
    }
    table
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Jsonl,
}

/// Write every table into the folder `files` writes into: all of them, or none when
/// any of the files exists already.
pub fn write(
    mut files: Files,
    tables: &[(&str, Table)],
    format: Format,
) -> Result<Vec<PathBuf>, Error> {
    let ext = match format {
        Format::Csv => "csv",
        Format::Jsonl => "jsonl",
    };
    for (name, table) in tables {
        let text: String = match format {
            Format::Csv => super::machine::csv(table),
            Format::Jsonl => super::machine::json_rows(table, &table.rows)
                .iter()
                .map(|row| row.to_string() + "\n")
                .collect(),
        };
        files.add(&format!("{name}.{ext}"), text);
    }
    files.hint("choose another -o DIR");
    files.write()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_flatten_to_cells() {
        let v = json!({"baseline": {"budget": 1200000, "start": "2026-01-05"},
                       "tags": ["crm", "saas"], "scores": {"value": 4}});
        assert_eq!(field(&v, "baseline.budget"), Cell::Int(1_200_000));
        assert_eq!(field(&v, "tags"), Cell::text("crm; saas"));
        assert_eq!(field(&v, "forecast.cost"), Cell::Empty);
        assert_eq!(field(&v, "scores"), Cell::text(r#"{"value":4}"#));
    }
}
