//! The organisation's policies (`policies:` in pmo.yaml, compiled when it was loaded),
//! evaluated on every schema-valid document of their kinds, in parallel.
//!
//! Each evaluation is bounded before it starts: a policy whose comprehensions nest `d`
//! deep, with `n` nodes, over values holding `s` list elements and map entries, takes at
//! most about `n x (s + 1)^d` steps; over [`STEPS`], the document gets a "cannot
//! evaluate" finding instead of an evaluation. No variable holds every document (a
//! lookup reads one by id, and cannot be looped over), so `s` is what one evaluation
//! reads, not the size of the portfolio.

use super::Context;
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::{allocation, change, earned_value::earned_value, rag, risk};
use crate::model::{Change, Document, Kind, Project, Risk};
use crate::parse::Seg;
use crate::policy::value::{self, Cel, from_json};
use crate::policy::{Compiled, Part, Policy, env};
use cel::Value;
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// The most steps one evaluation may take (see the module's documentation).
pub const STEPS: f64 = 1e7;

/// The findings of the policies `wanted` names, over the whole portfolio: each document
/// is made a CEL value once, for every policy of its kind.
pub fn run(ctx: &Context<'_>, wanted: impl Fn(Code) -> bool + Sync) -> Vec<Diagnostic> {
    let policies: Vec<(&Policy, &Compiled)> = ctx
        .config
        .policies
        .iter()
        .filter_map(|p| Some((p, p.compiled.as_deref()?)))
        .filter(|(_, c)| wanted(c.code))
        .collect();
    if policies.is_empty() {
        return Vec::new();
    }
    let shared = Shared::new(ctx, &policies);
    let by_kind: Vec<OfKind<'_>> = Kind::ALL
        .iter()
        .map(|&kind| OfKind::new(&policies, kind))
        .collect();
    ctx.documents()
        .par_iter()
        .filter(|doc| doc.valid)
        .flat_map_iter(|doc| {
            let mine = &by_kind[doc.kind as usize];
            if mine.policies.is_empty() {
                return Vec::new();
            }
            let (value, size) = match &mine.fields {
                Some(fields) => value::from_json_fields(&doc.value, fields),
                None => from_json(&doc.value),
            };
            let project = if mine.project {
                shared.project(doc)
            } else {
                None
            };
            let figures = if mine.figures {
                figures(ctx, &shared, doc)
            } else {
                value::map([])
            };
            let related = if mine.related {
                related(ctx, doc)
            } else {
                value::map([])
            };
            let null: Cel<'_> = Box::new(cel::common::types::CelNull);
            let vars = Vars {
                doc: value.as_ref(),
                item: None,
                project: project.map_or(null.as_ref(), |(p, _)| p.as_ref()),
                today: shared.today.as_ref(),
                figures: figures.as_ref(),
                related: related.as_ref(),
                config: shared.config.as_ref(),
                lookups: &shared.lookups,
            };
            let size = size + project.map_or(0, |(_, s)| *s) + shared.largest;
            let mut out = Vec::new();
            for &(policy, compiled) in &mine.policies {
                evaluate(ctx, &vars, size, policy, compiled, doc, &mut out);
            }
            out
        })
        .collect()
}

/// The policies of one kind, and what they read of a document: worked out once per
/// check, not once per document.
struct OfKind<'p> {
    policies: Vec<(&'p Policy, &'p Compiled)>,
    /// The fields they read, unless one reads the document whole (`None`).
    fields: Option<BTreeSet<&'p str>>,
    /// Whether one reads `project`, `figures`, `related`.
    project: bool,
    figures: bool,
    related: bool,
}

impl<'p> OfKind<'p> {
    fn new(all: &[(&'p Policy, &'p Compiled)], kind: Kind) -> OfKind<'p> {
        let policies: Vec<_> = all
            .iter()
            .copied()
            .filter(|(_, c)| c.kinds.contains(&kind))
            .collect();
        let fields = policies
            .iter()
            .try_fold(BTreeSet::new(), |mut all, (_, c)| {
                all.extend(c.doc_fields.as_ref()?.iter().map(String::as_str));
                Some(all)
            });
        let uses = |name: &str| policies.iter().any(|(_, c)| c.uses.contains(name));
        OfKind {
            fields,
            project: uses("project"),
            figures: uses("figures"),
            related: uses("related"),
            policies,
        }
    }
}

/// What every evaluation shares: made once, only for what some policy reads.
struct Shared<'a> {
    today: Cel<'static>,
    config: Cel<'a>,
    /// A kind's plural (`people`) -> its documents by id.
    lookups: HashMap<&'static str, Cel<'a>>,
    /// Project id -> the project, for `project`, with its size.
    projects: HashMap<&'a str, (Cel<'a>, usize)>,
    /// The size of the largest document a lookup can read.
    largest: usize,
    /// Person id -> their allocations over every project, for a person's `figures.fte`.
    bookings: HashMap<&'a str, Vec<allocation::Booking<'a>>>,
}

impl<'a> Shared<'a> {
    fn new(ctx: &Context<'a>, policies: &[(&Policy, &Compiled)]) -> Shared<'a> {
        let uses = |name: &str| policies.iter().any(|(_, c)| c.uses.contains(name));
        let config = match (&ctx.config.source, uses("config")) {
            (Some(doc), true) => from_json(&doc.value).0,
            _ => Box::new(cel::common::types::CelNull),
        };
        let mut lookups = HashMap::new();
        let mut largest = 0;
        for kind in Kind::ALL {
            let plural = kind.spec().plural;
            if uses(plural) {
                let entries: Vec<(&str, Cel<'a>)> = ctx
                    .of_kind(kind)
                    .filter(|d| d.valid)
                    .filter_map(|d| {
                        let (v, size) = from_json(&d.value);
                        largest = largest.max(size);
                        Some((d.id()?, v))
                    })
                    .collect();
                lookups.insert(plural, value::map(entries));
            }
        }
        let projects = if uses("project") {
            ctx.of_kind(Kind::Project)
                .filter(|d| d.valid)
                .filter_map(|d| Some((d.id()?, from_json(&d.value))))
                .collect()
        } else {
            HashMap::new()
        };
        let people_figures = policies
            .iter()
            .any(|(_, c)| c.uses.contains("figures") && c.kinds.contains(&Kind::Person));
        let bookings = if people_figures {
            allocation::bookings(ctx.projects().iter().map(|(_, p)| p))
        } else {
            HashMap::new()
        };
        Shared {
            today: value::day(ctx.today),
            bookings,
            config,
            lookups,
            projects,
            largest,
        }
    }

    /// The project `doc` belongs to (itself for a project), and its size.
    fn project(&self, doc: &Document) -> Option<&(Cel<'a>, usize)> {
        self.projects.get(project_of(doc)?)
    }
}

/// The variables of one evaluation, borrowed from the values made for the document.
struct Vars<'v> {
    doc: &'v (dyn Val + 'v),
    item: Option<&'v (dyn Val + 'v)>,
    project: &'v (dyn Val + 'v),
    today: &'v (dyn Val + 'v),
    figures: &'v (dyn Val + 'v),
    related: &'v (dyn Val + 'v),
    config: &'v (dyn Val + 'v),
    lookups: &'v HashMap<&'static str, Cel<'v>>,
}

impl VariableResolver for Vars<'_> {
    fn resolve<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'b>> {
        let value: &(dyn Val + 'b) = match name {
            "doc" => self.doc,
            "item" => self.item?,
            "project" => self.project,
            "today" => self.today,
            "figures" => self.figures,
            "related" => self.related,
            "config" => self.config,
            _ => self.lookups.get(name)?.as_ref(),
        };
        Some(CowVal::Borrowed(value))
    }
}

/// The policy on one document: on each element of its `each` list, or on it.
fn evaluate(
    ctx: &Context<'_>,
    vars: &Vars<'_>,
    size: usize,
    policy: &Policy,
    compiled: &Compiled,
    doc: &Document,
    out: &mut Vec<Diagnostic>,
) {
    let steps = compiled.nodes as f64 * (size as f64 + 1.0).powi(compiled.depth as i32);
    let items: Vec<Option<(usize, Cel<'_>)>> = match &policy.each {
        Some(each) => match doc.value.get(each).and_then(|v| v.as_array()) {
            Some(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| Some((i, from_json(v).0)))
                .collect(),
            None => Vec::new(),
        },
        None => vec![None],
    };
    let rule = policy.rule().expect("a compiled policy has a rule");
    for item in &items {
        let index = item.as_ref().map(|(i, _)| *i);
        let finding = |message: String| finding(ctx, &rule, policy, doc, index, message);
        if steps > STEPS {
            out.push(cannot(finding(format!(
                "cannot evaluate: over the step limit ({size} values, comprehensions {} deep)",
                compiled.depth
            ))));
            continue;
        }
        let vars = Vars {
            item: item.as_ref().map(|(_, v)| v.as_ref()),
            ..*vars
        };
        let mut cel = cel::Context::with_env(env().clone());
        cel.set_variable_resolver(&vars);
        if let Some(when) = &compiled.when {
            match when.execute(&cel) {
                Ok(Value::Bool(true)) => {}
                Ok(Value::Bool(false)) => continue,
                Ok(other) => {
                    let got = value::type_name(&other);
                    out.push(cannot(finding(format!(
                        "cannot evaluate: `when` gave {got}, not a bool"
                    ))));
                    continue;
                }
                Err(e) => {
                    out.push(cannot(finding(format!("cannot evaluate `when`: {e}"))));
                    continue;
                }
            }
        }
        match compiled.assert.execute(&cel) {
            Ok(Value::Bool(true)) => {}
            Ok(Value::Bool(false)) => out.push(finding(message(&compiled.message, &cel))),
            Ok(other) => {
                let got = value::type_name(&other);
                out.push(cannot(finding(format!(
                    "cannot evaluate: the assertion gave {got}, not a bool"
                ))));
            }
            Err(e) => out.push(cannot(finding(format!("cannot evaluate: {e}")))),
        }
    }
}

/// A finding of `policy` on `doc`, at its `at` field (of element `index` with `each`).
fn finding(
    ctx: &Context<'_>,
    rule: &Rule<'_>,
    policy: &Policy,
    doc: &Document,
    index: Option<usize>,
    message: String,
) -> Diagnostic {
    let mut path: Vec<Seg<'_>> = Vec::new();
    if let (Some(each), Some(i)) = (&policy.each, index) {
        path.extend([Seg::Key(each), Seg::Index(i)]);
    }
    if let Some(at) = &policy.at {
        path.extend(at.split('.').map(Seg::Key));
    }
    let span = if path.is_empty() {
        doc.mapping_span()
    } else {
        doc.span(path)
    };
    Diagnostic::new(rule, ctx.repo.path(doc), span, message)
        .id(doc.id())
        .maybe_help(policy.help.clone())
}

/// A policy that could not be evaluated is an error, whatever its severity: a check that
/// did not run must not pass silently.
fn cannot(mut d: Diagnostic) -> Diagnostic {
    d.severity = Severity::Error;
    d
}

/// The message, its `{{ expression }}` parts evaluated.
fn message(parts: &[Part], cel: &cel::Context<'_, '_>) -> String {
    parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => text.clone(),
            Part::Expr(program) => match program.execute(cel) {
                Ok(v) => value::text(&v),
                Err(_) => "(cannot evaluate)".into(),
            },
        })
        .collect()
}

/// The figures pmo computes for `doc` (docs/policies.md lists them).
fn figures<'a>(ctx: &Context<'a>, shared: &Shared<'a>, doc: &Document) -> Cel<'a> {
    let number = value::number;
    let mut entries: Vec<(&str, Cel<'a>)> = Vec::new();
    match doc.kind {
        Kind::Project => {
            if let Some((_, p)) = viewed(ctx.all::<Project>(), doc) {
                let computed = rag::computed(p, &ctx.config.rag, ctx.today);
                let ev = earned_value(p, ctx.today);
                entries.extend([
                    (
                        "rag",
                        computed
                            .overall
                            .map_or(number(None), |r| value::string(r.as_str())),
                    ),
                    ("cost_overrun_pct", number(computed.cost_overrun_pct)),
                    (
                        "days_late",
                        computed.days_late.map_or(number(None), value::int),
                    ),
                    ("cpi", number(ev.and_then(|e| e.cpi))),
                    ("spi", number(ev.and_then(|e| e.spi))),
                    ("eac", number(ev.and_then(|e| e.eac))),
                    ("vac", number(ev.and_then(|e| e.vac))),
                    (
                        "fte",
                        number(Some(allocation::on_day(&bookings(p), ctx.today))),
                    ),
                ]);
            }
        }
        Kind::Risk => {
            if let Some((_, r)) = viewed(ctx.all::<Risk>(), doc) {
                entries.extend([
                    ("score", value::int(i64::from(risk::score(r)))),
                    (
                        "exposure",
                        number(risk::exposure(r).map(crate::metrics::cents)),
                    ),
                ]);
            }
        }
        Kind::Person => {
            let booked = doc
                .id()
                .and_then(|id| shared.bookings.get(id))
                .map_or(0.0, |b| allocation::on_day(b, ctx.today));
            entries.push(("fte", number(Some(booked))));
        }
        Kind::Change => {
            if let Some((_, c)) = viewed(ctx.all::<Change>(), doc) {
                let level = change::level(&ctx.config.change_control, c);
                entries.push((
                    "level",
                    level.map_or(number(None), |(i, _)| value::int(i as i64 + 1)),
                ));
            }
        }
        _ => {}
    }
    value::map(entries)
}

/// A project's own allocations, as bookings.
fn bookings<'a>(p: &Project<'a>) -> Vec<allocation::Booking<'a>> {
    allocation::bookings([p]).into_values().flatten().collect()
}

/// The typed view of `doc` among `views`: both are in the order of the repository's
/// documents, which is their order in memory.
fn viewed<'v, T>(views: &'v [(&Document, T)], doc: &Document) -> Option<&'v (&'v Document, T)> {
    let at = |d: &Document| d as *const Document;
    views
        .binary_search_by(|(d, _)| at(d).cmp(&at(doc)))
        .ok()
        .map(|i| &views[i])
}

/// The id of the project `doc` belongs to: its `project`, or its own for a project.
fn project_of(doc: &Document) -> Option<&str> {
    if doc.kind == Kind::Project {
        doc.id()
    } else {
        doc.project()
    }
}

/// How many schema-valid documents of each kind belong to `doc`'s project.
fn related<'a>(ctx: &Context<'a>, doc: &Document) -> Cel<'a> {
    let mut counts = [0i64; Kind::ALL.len()];
    let docs = project_of(doc).map_or(&[][..], |p| ctx.of_project(p));
    for d in docs.iter().filter(|d| d.valid) {
        counts[d.kind as usize] += 1;
    }
    value::map(
        Kind::ALL
            .iter()
            .map(|&k| (k.spec().plural, value::int(counts[k as usize]))),
    )
}

#[cfg(test)]
mod tests {
    use crate::model::Kind;

    /// Every recipe of docs/policies.md's cookbook compiles, every field it names is one
    /// the built-in schemas declare, and it agrees with its examples.
    #[test]
    fn cookbook() {
        let doc = include_str!("../../docs/policies.md");
        let cookbook = &doc[doc.find("## Cookbook").unwrap()..];
        let start = cookbook.find("```yaml\n").unwrap() + 8;
        let end = start + cookbook[start..].find("```").unwrap();
        let text = format!("version: 1\nroles: [executive]\n{}", &cookbook[start..end]);
        let config = crate::config::load(text.as_bytes()).unwrap_or_else(|d| panic!("{d:#?}"));
        assert!(config.policies.len() >= 10);
        let schemas: Vec<serde_json::Value> = Kind::ALL
            .iter()
            .map(|k| crate::schema::builtin(&format!("{k}.schema.json")))
            .collect();
        let problems = crate::policy::check_fields(&config.policies, |k| &schemas[k as usize]);
        assert!(problems.is_empty(), "{problems:#?}");
        let outcomes = crate::check::examples(&config, jiff::civil::date(2026, 11, 20));
        assert_eq!(outcomes.len(), 2 * config.policies.len());
        let failed: Vec<_> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
        assert!(failed.is_empty(), "{failed:#?}");
    }
}
