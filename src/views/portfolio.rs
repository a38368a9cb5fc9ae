//! `pmo portfolio`: projects rolled up per group and in total. Amounts in different
//! currencies are never added together: each group has one row per currency.

use super::{Cell, Column, Section, Table, View};
use crate::check::Context;
use crate::code::Code;
use crate::metrics::earned_value::{earned_value, totals};
use crate::metrics::{self, rag, risk};
use crate::model::project::State;
use crate::model::records::OpenClosed;
use crate::model::{Kind, Project, Rag};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    Program,
    Objective,
    Phase,
    State,
    Manager,
    /// Any other project field, e.g. one a schema overlay adds.
    Field(String),
}

impl GroupBy {
    pub fn parse(name: &str) -> GroupBy {
        match name {
            "program" => GroupBy::Program,
            "objective" => GroupBy::Objective,
            "phase" => GroupBy::Phase,
            "state" => GroupBy::State,
            "manager" => GroupBy::Manager,
            other => GroupBy::Field(other.to_owned()),
        }
    }

    /// A field no project has is most likely a typo: refused, with the nearest name,
    /// rather than every project under "(none)".
    pub fn check(&self, ctx: &Context<'_>) -> Result<(), crate::Error> {
        let GroupBy::Field(field) = self else {
            return Ok(());
        };
        let mut fields: Vec<&str> = ctx
            .of_kind(Kind::Project)
            .filter_map(|d| d.value.as_object())
            .flat_map(|m| m.keys().map(String::as_str))
            .collect();
        if fields.contains(&field.as_str()) {
            // Groups are named by text: a mapping (`baseline`) has no name to group by.
            let nested = ctx
                .of_kind(Kind::Project)
                .any(|d| d.value.get(field).is_some_and(serde_json::Value::is_object));
            return match nested {
                false => Ok(()),
                true => Err(crate::Error::Invalid(format!(
                    "`{field}` holds a mapping in projects: group by a field whose value is a text or a list of texts"
                ))),
            };
        }
        fields.sort_unstable();
        fields.dedup();
        let named = ["program", "objective", "phase", "state", "manager"];
        let hint = crate::suggest::did_you_mean(field, named.into_iter().chain(fields))
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        Err(crate::Error::Invalid(format!(
            "no project has a field `{field}` to group by{hint}"
        )))
    }

    pub fn as_str(&self) -> &str {
        match self {
            GroupBy::Program => "program",
            GroupBy::Objective => "objective",
            GroupBy::Phase => "phase",
            GroupBy::State => "state",
            GroupBy::Manager => "manager",
            GroupBy::Field(f) => f,
        }
    }
}

/// The label of the group of projects that have no value to group by.
const NONE: &str = "(none)";

/// The figures of one group of projects in one currency. Sums are over the projects
/// that have the figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub projects: usize,
    /// Computed overall RAG: green, amber, red, none.
    pub rag: [usize; 4],
    /// Overall RAG of the latest status update: green, amber, red, none.
    pub reported: [usize; 4],
    /// Projects whose reported overall RAG is not their computed one.
    pub rag_differs: usize,
    /// Projects `check` reports a T002 finding for (overdue status), as configured.
    pub stale_status: usize,
    pub budget: f64,
    pub forecast: f64,
    pub actual: f64,
    /// Budget minus forecast over the projects that have both (negative: overrun).
    pub variance: f64,
    /// Earned value over the projects that have it: BAC, PV, EV, AC.
    pub bac: f64,
    pub pv: f64,
    pub ev: f64,
    pub ac: f64,
    pub open_risks: usize,
    pub high_risks: usize,
    pub exposure: f64,
    pub open_changes: usize,
    pub pending_cost: f64,
    /// Projects without a baseline budget, and without a forecast cost.
    pub no_budget: usize,
    pub no_forecast: usize,
    /// Projects with an actual cost, with both budget and forecast, with earned value.
    pub with_actual: usize,
    pub with_variance: usize,
    pub with_ev: usize,
}

impl Figures {
    fn add(&mut self, o: &Figures) {
        self.projects += o.projects;
        for i in 0..4 {
            self.rag[i] += o.rag[i];
            self.reported[i] += o.reported[i];
        }
        self.rag_differs += o.rag_differs;
        self.stale_status += o.stale_status;
        self.budget += o.budget;
        self.forecast += o.forecast;
        self.actual += o.actual;
        self.variance += o.variance;
        self.bac += o.bac;
        self.pv += o.pv;
        self.ev += o.ev;
        self.ac += o.ac;
        self.open_risks += o.open_risks;
        self.high_risks += o.high_risks;
        self.exposure += o.exposure;
        self.open_changes += o.open_changes;
        self.pending_cost += o.pending_cost;
        self.no_budget += o.no_budget;
        self.no_forecast += o.no_forecast;
        self.with_actual += o.with_actual;
        self.with_variance += o.with_variance;
        self.with_ev += o.with_ev;
    }

    /// A sum as a cell: empty when no project of the group has the figure.
    fn sum(&self, value: f64, projects: usize) -> Cell {
        if projects == 0 {
            Cell::Empty
        } else {
            Cell::Money(value)
        }
    }

    /// CPI and SPI of the group: the ratios of the summed PV, EV and AC.
    pub fn indices(&self) -> (Option<f64>, Option<f64>) {
        let ev = totals(jiff::civil::Date::MIN, self.bac, self.pv, self.ev, self.ac);
        (ev.cpi, ev.spi)
    }
}

/// One project's figures. `stale` holds the projects with a T002 finding.
fn figures(
    ctx: &Context<'_>,
    p: &Project<'_>,
    open: &HashMap<&str, Open>,
    stale: &HashSet<String>,
) -> Figures {
    let slot = |r: Option<Rag>| r.map_or(3, |r| r as usize);
    let computed = rag::computed(p, &ctx.config.rag, ctx.today).overall;
    let latest = ctx.latest_status(p.id).map(|(_, s)| s);
    let reported = latest.map(|s| s.overall);
    let mut f = Figures {
        projects: 1,
        rag_differs: usize::from(reported.is_some() && computed.is_some() && reported != computed),
        stale_status: usize::from(stale.contains(p.id)),
        budget: p.baseline.budget.unwrap_or(0.0),
        forecast: p.forecast.cost.unwrap_or(0.0),
        actual: p.actuals.cost.unwrap_or(0.0),
        no_budget: usize::from(p.baseline.budget.is_none()),
        no_forecast: usize::from(p.forecast.cost.is_none()),
        with_actual: usize::from(p.actuals.cost.is_some()),
        ..Figures::default()
    };
    f.rag[slot(computed)] = 1;
    f.reported[slot(reported)] = 1;
    if let (Some(budget), Some(forecast)) = (p.baseline.budget, p.forecast.cost) {
        f.variance = budget - forecast;
        f.with_variance = 1;
    }
    if let Some(ev) = earned_value(p, ctx.today) {
        (f.bac, f.pv, f.ev, f.ac) = (ev.bac, ev.pv, ev.ev, ev.ac);
        f.with_ev = 1;
    }
    if let Some(o) = open.get(p.id) {
        (f.open_risks, f.high_risks, f.exposure) = (o.risks, o.high_risks, o.exposure);
        (f.open_changes, f.pending_cost) = (o.changes, o.pending_cost);
    }
    f
}

/// A project's open risks and changes.
#[derive(Default)]
struct Open {
    risks: usize,
    high_risks: usize,
    exposure: f64,
    changes: usize,
    pending_cost: f64,
}

fn open_items<'a>(ctx: &Context<'a>) -> HashMap<&'a str, Open> {
    let mut open: HashMap<&str, Open> = HashMap::default();
    let high = ctx.config.risk.high_score;
    for (_, r) in ctx
        .risks()
        .iter()
        .filter(|(_, r)| r.status == OpenClosed::Open)
    {
        let o = open.entry(r.project).or_default();
        o.risks += 1;
        o.high_risks += usize::from(risk::is_high(r, high));
        o.exposure += risk::exposure(r).unwrap_or(0.0);
    }
    for (_, c) in ctx.changes().iter().filter(|(_, c)| c.status.is_open()) {
        let o = open.entry(c.project).or_default();
        o.changes += 1;
        // Gross: a saving waiting for approval is as much to decide as a cost.
        o.pending_cost += c.impact.cost.unwrap_or(0.0).abs();
    }
    open
}

/// The groups a project falls in (one per objective for `--by objective`).
fn groups<'a>(p: &Project<'a>, by: &GroupBy, doc: &'a crate::model::Document) -> Vec<&'a str> {
    let one = |v: Option<&'a str>| vec![v.unwrap_or(NONE)];
    match by {
        GroupBy::Program => one(p.program),
        GroupBy::Phase => one(Some(p.phase)),
        GroupBy::State => one(doc.str("state")),
        GroupBy::Manager => one(p.manager),
        GroupBy::Field(field) => match doc.value.get(field) {
            Some(serde_json::Value::String(s)) => one(Some(s)),
            Some(serde_json::Value::Array(items)) => {
                let mut names: Vec<&str> = items.iter().filter_map(|v| v.as_str()).collect();
                names.sort_unstable();
                names.dedup();
                if names.is_empty() { one(None) } else { names }
            }
            _ => one(None),
        },
        GroupBy::Objective => {
            let mut objectives: Vec<&str> = doc
                .value
                .get("objectives")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            // An objective named twice is still one group.
            objectives.sort_unstable();
            objectives.dedup();
            if objectives.is_empty() {
                one(None)
            } else {
                objectives
            }
        }
    }
}

/// The roll-up: one row per group and currency, totals per currency.
pub struct Rollup<'a> {
    pub by: GroupBy,
    /// (group, currency) -> figures; "(none)" sorts last.
    pub groups: Vec<((&'a str, &'a str), Figures)>,
    pub totals: BTreeMap<&'a str, Figures>,
    /// Projects left out because they fail their schema.
    pub invalid: usize,
    /// Some project counts in several groups (several objectives, a list field).
    pub shared: bool,
    /// Closed and cancelled projects left out of the figures (none with `all`).
    pub ended: usize,
    /// Whether closed and cancelled projects count.
    pub all: bool,
}

/// The roll-up of the projects not closed or cancelled, or of every project with `all`:
/// one basis for every figure.
pub fn rollup<'a>(ctx: &Context<'a>, by: GroupBy, all: bool) -> Rollup<'a> {
    use rayon::prelude::*;
    let open = open_items(ctx);
    let stale: HashSet<String> = crate::check::findings_of(ctx, &[Code::T002])
        .into_iter()
        .filter_map(|d| d.id)
        .collect();
    let counted = |p: &Project<'_>| all || !matches!(p.state, State::Closed | State::Cancelled);
    let per_project: Vec<(&'a str, Vec<&'a str>, Figures)> = ctx
        .projects()
        .par_iter()
        .filter(|(_, p)| counted(p))
        .map(|(doc, p)| {
            (
                metrics::currency(p, ctx.config),
                groups(p, &by, doc),
                figures(ctx, p, &open, &stale),
            )
        })
        .collect();
    let mut groups: BTreeMap<(bool, &str, &str), Figures> = BTreeMap::new();
    let mut totals: BTreeMap<&str, Figures> = BTreeMap::new();
    for (currency, names, f) in &per_project {
        for name in names {
            groups
                .entry((*name == NONE, name, currency))
                .or_default()
                .add(f);
        }
        totals.entry(currency).or_default().add(f);
    }
    Rollup {
        by,
        groups: groups
            .into_iter()
            .map(|((_, name, currency), f)| ((name, currency), f))
            .collect(),
        totals,
        // Schema errors, or values a figure cannot be computed from.
        invalid: ctx.of_kind(Kind::Project).count() - ctx.projects().len(),
        shared: per_project.iter().any(|(_, names, _)| names.len() > 1),
        ended: ctx.projects().len() - per_project.len(),
        all,
    }
}

impl Rollup<'_> {
    /// The flat table for CSV and JSON, and the three titled tables people read.
    pub fn view(&self) -> View {
        let mut data = Table::new(
            [
                (self.by.as_str(), self.by.as_str()),
                ("currency", "currency"),
                ("projects", "projects"),
                ("rag_green", "rag_green"),
                ("rag_amber", "rag_amber"),
                ("rag_red", "rag_red"),
                ("rag_none", "rag_none"),
                ("reported_green", "reported_green"),
                ("reported_amber", "reported_amber"),
                ("reported_red", "reported_red"),
                ("reported_none", "reported_none"),
                ("rag_differs", "rag_differs"),
                ("stale_status", "stale_status"),
                ("budget", "budget"),
                ("forecast", "forecast"),
                ("actual", "actual"),
                ("variance", "variance"),
                ("variance_projects", "variance_projects"),
                ("pv", "pv"),
                ("ev", "ev"),
                ("ac", "ac"),
                ("cpi", "cpi"),
                ("spi", "spi"),
                ("open_risks", "open_risks"),
                ("high_risks", "high_risks"),
                ("exposure", "exposure"),
                ("open_changes", "open_changes"),
                ("pending_cost", "pending_cost"),
            ]
            .iter()
            .map(|(k, l)| Column::new(*k, *l))
            .collect(),
        );
        let flat = |name: &str, currency: &str, f: &Figures| {
            let n = |x: usize| Cell::Int(x as i64);
            let (cpi, spi) = f.indices();
            let mut row = vec![Cell::text(name), currency_cell(currency), n(f.projects)];
            row.extend(f.rag.iter().chain(&f.reported).map(|&x| n(x)));
            row.extend([
                n(f.rag_differs),
                n(f.stale_status),
                f.sum(f.budget, f.projects - f.no_budget),
                f.sum(f.forecast, f.projects - f.no_forecast),
                f.sum(f.actual, f.with_actual),
                f.sum(f.variance, f.with_variance),
                n(f.with_variance),
                f.sum(f.pv, f.with_ev),
                f.sum(f.ev, f.with_ev),
                f.sum(f.ac, f.with_ev),
                Cell::opt(cpi, |x| Cell::Number(x, 2)),
                Cell::opt(spi, |x| Cell::Number(x, 2)),
                n(f.open_risks),
                n(f.high_risks),
                Cell::Money(f.exposure),
                n(f.open_changes),
                Cell::Money(f.pending_cost),
            ]);
            row
        };
        data.rows = self
            .groups
            .iter()
            .map(|((name, cur), f)| flat(name, cur, f))
            .collect();
        data.footer = self
            .totals
            .iter()
            .map(|(cur, f)| flat("Total", cur, f))
            .collect();
        data.notes = self.notes();
        View {
            sections: self.sections(),
            data,
        }
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let count = |f: fn(&Figures) -> usize| self.totals.values().map(f).sum::<usize>();
        let projects = |n: usize| format!("{n} project{}", if n == 1 { "" } else { "s" });
        if self.totals.is_empty() {
            notes.push("No projects in the portfolio.".into());
        }
        // The basis of every figure, said once.
        let counted = count(|f| f.projects);
        notes.push(match (self.all, self.ended) {
            (true, _) => format!("Figures are over {} of every state.", projects(counted)),
            (false, 0) => format!("Figures are over {} not closed or cancelled.", projects(counted)),
            (false, ended) => format!(
                "Figures are over {} not closed or cancelled; {} closed or cancelled left out (`--all` counts them).",
                projects(counted),
                ended
            ),
        });
        if counted > 0 {
            notes.push(format!(
                "Variance is budget minus forecast over the {} with both.",
                projects(count(|f| f.with_variance))
            ));
        }
        if self.totals.len() > 1 {
            let names: Vec<&str> = self
                .totals
                .keys()
                .map(|c| if c.is_empty() { "no currency" } else { c })
                .collect();
            notes.push(format!(
                "Amounts are in {} currencies ({}): each is totalled on its own, never converted.",
                names.len(),
                names.join(", ")
            ));
        }
        if self.shared {
            notes.push(
                "A project with several values counts in each of their groups; the total counts it once."
                    .into(),
            );
        }
        let no_budget = count(|f| f.no_budget);
        if no_budget > 0 {
            notes.push(format!(
                "{} without a baseline budget: not in budget, variance or earned value.",
                projects(no_budget)
            ));
        }
        let no_forecast = count(|f| f.no_forecast);
        if no_forecast > 0 {
            notes.push(format!(
                "{} without a forecast cost: not in forecast or variance.",
                projects(no_forecast)
            ));
        }
        if self.invalid > 0 {
            notes.push(format!(
                "{} project document{} with schema errors left out: run `pmo check`.",
                self.invalid,
                if self.invalid == 1 { "" } else { "s" }
            ));
        }
        notes
    }

    fn sections(&self) -> Vec<Section> {
        let several = self.totals.len() > 1;
        let currency = match self.totals.keys().next() {
            Some(c) if !several && !c.is_empty() => format!(" ({c})"),
            _ => String::new(),
        };
        let rows = || {
            self.groups
                .iter()
                .map(|((name, cur), f)| (*name, *cur, f, false))
                .chain(self.totals.iter().map(|(cur, f)| ("Total", *cur, f, true)))
        };
        let section =
            |title: String, spec: &[(&str, &str)], cells: &dyn Fn(&Figures) -> Vec<Cell>| {
                let mut columns = vec![Column::new(self.by.as_str(), title_case(self.by.as_str()))];
                if several {
                    columns.push(Column::new("currency", "Cur"));
                }
                columns.extend(spec.iter().map(|(k, l)| Column::new(*k, *l)));
                let mut table = Table::new(columns);
                for (name, cur, f, total) in rows() {
                    let mut row = vec![Cell::text(name)];
                    if several {
                        row.push(currency_cell(cur));
                    }
                    row.extend(cells(f));
                    if total {
                        table.footer.push(row);
                    } else {
                        table.rows.push(row);
                    }
                }
                Section {
                    title: Some(title),
                    table,
                }
            };
        let n = |x: usize| Cell::Int(x as i64);
        let mut sections = vec![
            section(
                "Delivery".into(),
                &[
                    ("projects", "Projects"),
                    ("rag_green", "Green"),
                    ("rag_amber", "Amber"),
                    ("rag_red", "Red"),
                    ("rag_none", "No RAG"),
                    ("rag_differs", "Reported ≠ computed"),
                    ("stale_status", "Stale status"),
                ],
                &|f| {
                    vec![
                        n(f.projects),
                        n(f.rag[0]),
                        n(f.rag[1]),
                        n(f.rag[2]).alert_if(f.rag[2] > 0),
                        n(f.rag[3]),
                        n(f.rag_differs).alert_if(f.rag_differs > 0),
                        n(f.stale_status).alert_if(f.stale_status > 0),
                    ]
                },
            ),
            section(
                format!("Cost{currency}"),
                &[
                    ("budget", "Budget"),
                    ("forecast", "Forecast"),
                    ("actual", "Actual"),
                    ("variance", "Variance"),
                    ("cpi", "CPI"),
                    ("spi", "SPI"),
                ],
                &|f| {
                    let (cpi, spi) = f.indices();
                    let below = |x: Option<f64>| x.is_some_and(|x| x < 1.0);
                    vec![
                        f.sum(f.budget, f.projects - f.no_budget),
                        f.sum(f.forecast, f.projects - f.no_forecast),
                        f.sum(f.actual, f.with_actual),
                        f.sum(f.variance, f.with_variance)
                            .alert_if(f.variance < 0.0),
                        Cell::opt(cpi, |x| Cell::Number(x, 2)).alert_if(below(cpi)),
                        Cell::opt(spi, |x| Cell::Number(x, 2)).alert_if(below(spi)),
                    ]
                },
            ),
            section(
                format!("Risks and changes{currency}"),
                &[
                    ("open_risks", "Open risks"),
                    ("high_risks", "High"),
                    ("exposure", "Exposure"),
                    ("open_changes", "Open changes"),
                    ("pending_cost", "Pending cost"),
                ],
                &|f| {
                    vec![
                        n(f.open_risks),
                        n(f.high_risks).alert_if(f.high_risks > 0),
                        Cell::Money(f.exposure),
                        n(f.open_changes),
                        Cell::Money(f.pending_cost),
                    ]
                },
            ),
        ];
        if let Some(last) = sections.last_mut() {
            last.table.notes = self.notes();
        }
        sections
    }
}

/// No currency configured anywhere: an empty cell, not an empty name.
pub fn currency_cell(code: &str) -> Cell {
    if code.is_empty() {
        Cell::Empty
    } else {
        Cell::text(code)
    }
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
