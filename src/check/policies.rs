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
use crate::model::portfolio::view_of;
use crate::model::{Change, Document, Kind, Project, Risk};
use crate::parse::Seg;
use crate::policy::value::{self, Cel, Entries, Lazy};
use crate::policy::{Compiled, Part, Policy, env};
use crate::rules::Reads;
use cel::common::types::CelNull;
use cel::common::value::{CowVal, Val};
use cel::context::VariableResolver;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

/// The most steps one evaluation may take (see the module's documentation).
pub const STEPS: f64 = 1e7;

/// What a policy's findings on a document depend on, by the variables it reads.
pub fn reads(compiled: &Compiled) -> Reads {
    let uses = |name: &str| compiled.uses.contains(name);
    // Another document by id, or a figure (a person's FTE sums every project).
    if uses("figures") || Kind::ALL.iter().any(|k| uses(k.spec().plural)) {
        Reads::Portfolio
    } else if uses("project") || uses("related") {
        Reads::Project
    } else {
        Reads::Document
    }
}

/// The findings of the policies `wanted` names, over the whole portfolio. Every value an
/// expression reads is made as it reads it: a document's fields, another document by
/// id, a figure.
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
    let evaluate_all = || {
        ctx.documents()
            .par_iter()
            .filter(|doc| doc.valid)
            .flat_map_iter(|&doc| {
                let mine = &by_kind[doc.kind as usize];
                if mine.policies.is_empty() {
                    return Vec::new();
                }
                let this = value::from_json(&doc.value);
                let project = ProjectOf {
                    shared: &shared,
                    doc,
                    value: OnceLock::new(),
                };
                let figures = Lazy::new(Figures {
                    ctx,
                    shared: &shared,
                    doc,
                });
                let related = Lazy::new(Related { ctx, doc });
                let vars = Vars {
                    doc: this.as_ref(),
                    item: None,
                    project: &project,
                    today: shared.today.as_ref(),
                    figures: &figures,
                    related: &related,
                    config: shared.config.as_ref(),
                    lookups: &shared.lookups,
                };
                // The values an evaluation can read, for the step bound of the policies
                // that loop; the others take one step per node, whatever the size.
                let size = match &mine.sizing {
                    None => 0,
                    Some(fields) => {
                        let of_doc = match fields {
                            Some(fields) => value::size_of_fields(&doc.value, fields),
                            None => value::size(&doc.value),
                        };
                        let owner = mine.project.then(|| shared.project(doc)).flatten();
                        let owner = owner.filter(|p| !std::ptr::eq(*p, doc));
                        of_doc + owner.map_or(0, |p| value::size(&p.value)) + shared.largest
                    }
                };
                let mut out = Vec::new();
                for &(policy, compiled) in &mine.policies {
                    evaluate(ctx, &vars, size, policy, compiled, doc, &mut out);
                }
                out
            })
            .collect()
    };
    match pool() {
        Some(pool) => pool.install(evaluate_all),
        // The system has no threads to give: the global pool's, with their own stacks.
        None => evaluate_all(),
    }
}

/// The threads policies are evaluated on. Evaluating is recursive, one frame per level
/// of an expression ([`crate::policy`] allows 256): more than the 2 MiB a thread has
/// by default. (Only the pages a thread touches are memory.)
fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("pmo-policy-{i}"))
            .stack_size(16 << 20)
            .build()
            .ok()
    })
    .as_ref()
}

/// The policies of one kind: worked out once per check, not once per document.
struct OfKind<'p> {
    policies: Vec<(&'p Policy, &'p Compiled)>,
    /// When one of them loops (its step bound depends on sizes): the fields they read,
    /// unless one reads the document whole (`None`).
    sizing: Option<Option<BTreeSet<&'p str>>>,
    /// Whether one reads `project` (for the step bound).
    project: bool,
}

impl<'p> OfKind<'p> {
    fn new(all: &[(&'p Policy, &'p Compiled)], kind: Kind) -> OfKind<'p> {
        let policies: Vec<_> = all
            .iter()
            .copied()
            .filter(|(_, c)| c.kinds.contains(&kind))
            .collect();
        let fields = || {
            policies
                .iter()
                .try_fold(BTreeSet::new(), |mut all, (_, c)| {
                    all.extend(c.doc_fields.as_ref()?.iter().map(String::as_str));
                    Some(all)
                })
        };
        let loops = policies.iter().any(|(_, c)| c.depth > 0);
        OfKind {
            sizing: loops.then(fields),
            project: policies.iter().any(|(_, c)| c.uses.contains("project")),
            policies,
        }
    }
}

/// What every evaluation shares: made once.
struct Shared<'a> {
    today: Cel<'static>,
    config: Cel<'a>,
    /// The lookups the policies read (`people`), and `projects` for `project`.
    lookups: Vec<(&'static str, Lookup<'a>)>,
    /// The size of the largest document a lookup can read, when a policy that loops
    /// reads one.
    largest: usize,
    /// Person id -> their allocations over every project, for a person's `figures.fte`.
    bookings: HashMap<&'a str, Vec<allocation::Booking<'a>>>,
}

impl<'a> Shared<'a> {
    fn new(ctx: &Context<'a>, policies: &[(&Policy, &Compiled)]) -> Shared<'a> {
        let uses = |name: &str| policies.iter().any(|(_, c)| c.uses.contains(name));
        let config = match &ctx.config.source {
            Some(doc) => value::from_json(&doc.value),
            None => Box::new(CelNull),
        };
        let lookups: Vec<_> = Kind::ALL
            .iter()
            .map(|&kind| (kind.spec().plural, kind))
            .filter(|&(plural, kind)| uses(plural) || kind == Kind::Project && uses("project"))
            .map(|(plural, kind)| (plural, ById::new(ctx, kind)))
            .collect();
        let looped = |name: &str| {
            policies
                .iter()
                .any(|(_, c)| c.depth > 0 && c.uses.contains(name))
        };
        let largest = lookups
            .iter()
            .filter(|(plural, _)| looped(plural))
            .flat_map(|(_, l)| l.entries().by_id.values())
            .map(|d| value::size(&d.value))
            .max()
            .unwrap_or(0);
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
            largest,
        }
    }

    /// The project `doc` belongs to (itself for a project), when a policy reads it.
    fn project(&self, doc: &Document) -> Option<&'a Document> {
        let (_, projects) = self
            .lookups
            .iter()
            .find(|(_, l)| l.entries().kind == Kind::Project)?;
        projects.entries().by_id.get(project_of(doc)?).copied()
    }
}

/// A kind's schema-valid documents by id (`people[doc.sponsor]`, `doc.sponsor in
/// people`): the one read is made a CEL value then. A lookup cannot be iterated,
/// counted or compared, so no evaluation reads every document of a kind. (Its own
/// index, not the portfolio's: a kind's is small enough to stay in the cache.)
#[derive(Clone)]
struct ById<'a> {
    kind: Kind,
    by_id: Arc<FxHashMap<&'a str, &'a Document>>,
}

type Lookup<'a> = Lazy<'a, ById<'a>>;

impl<'a> ById<'a> {
    fn new(ctx: &Context<'a>, kind: Kind) -> Lookup<'a> {
        let mut by_id = FxHashMap::default();
        for doc in ctx.every_of_kind(kind).filter(|d| d.valid) {
            if let Some(id) = doc.id() {
                by_id.entry(id).or_insert(doc);
            }
        }
        Lazy::new(ById {
            kind,
            by_id: Arc::new(by_id),
        })
    }
}

impl std::fmt::Debug for ById<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.kind.spec().plural)
    }
}

impl<'a> Entries<'a> for ById<'a> {
    const WHOLE: bool = false;

    fn keys(&self) -> Vec<&'a str> {
        Vec::new()
    }

    fn get(&self, id: &str) -> Option<Cel<'a>> {
        Some(value::from_json(&self.by_id.get(id)?.value))
    }

    fn has(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }
}

/// The project a document belongs to (itself for a project), or null: found when an
/// expression first reads `project`, which most evaluations never do.
struct ProjectOf<'p, 'a> {
    shared: &'p Shared<'a>,
    doc: &'a Document,
    value: OnceLock<Cel<'a>>,
}

impl<'a> ProjectOf<'_, 'a> {
    fn get(&self) -> &(dyn Val + 'a) {
        let made = || match self.shared.project(self.doc) {
            Some(project) => value::from_json(&project.value),
            None => Box::new(CelNull),
        };
        self.value.get_or_init(made).as_ref()
    }
}

/// The variables of one evaluation, borrowed from the values made for the document.
struct Vars<'v, 'a> {
    doc: &'v (dyn Val + 'v),
    item: Option<&'v (dyn Val + 'v)>,
    project: &'v ProjectOf<'v, 'a>,
    today: &'v (dyn Val + 'v),
    figures: &'v (dyn Val + 'v),
    related: &'v (dyn Val + 'v),
    config: &'v (dyn Val + 'v),
    lookups: &'v [(&'static str, Lookup<'a>)],
}

impl VariableResolver for Vars<'_, '_> {
    fn resolve<'b>(&'b self, name: &str) -> Option<CowVal<'b, 'b>> {
        // The interpreter asks for `doc.baseline.budget` and `doc.baseline` before
        // `doc`: no variable has a dot in its name.
        if name.contains('.') {
            return None;
        }
        let value: &(dyn Val + 'b) = match name {
            "doc" => self.doc,
            "item" => self.item?,
            "project" => self.project.get(),
            "today" => self.today,
            "figures" => self.figures,
            "related" => self.related,
            "config" => self.config,
            _ => &self.lookups.iter().find(|(plural, _)| *plural == name)?.1,
        };
        Some(CowVal::Borrowed(value))
    }
}

/// The policy on one document: on each element of its `each` list, or on it.
fn evaluate(
    ctx: &Context<'_>,
    vars: &Vars<'_, '_>,
    size: usize,
    policy: &Policy,
    compiled: &Compiled,
    doc: &Document,
    out: &mut Vec<Diagnostic>,
) {
    let rule = policy.rule().expect("a compiled policy has a rule");
    let judge = |index: Option<usize>, item: Option<&dyn Val>| {
        let finding = |message: String| finding(ctx, &rule, policy, doc, index, message);
        let steps = compiled.nodes as f64 * (size as f64 + 1.0).powi(compiled.depth as i32);
        if steps > STEPS {
            return Some(cannot(finding(format!(
                "cannot evaluate: over the step limit ({size} values, comprehensions {} deep)",
                compiled.depth
            ))));
        }
        let vars = Vars { item, ..*vars };
        let mut cel = cel::Context::with_env(env());
        cel.set_variable_resolver(&vars);
        let run = |program: &cel::Program| {
            cel::Value::resolve_val(program.expression(), &cel)
                .map(|v| value::truth(v.as_ref()).ok_or_else(|| value::type_name(v.as_ref())))
        };
        if let Some(when) = &compiled.when {
            match run(when) {
                Ok(Ok(true)) => {}
                Ok(Ok(false)) => return None,
                Ok(Err(got)) => {
                    let message = format!("cannot evaluate: `when` gave {got}, not a bool");
                    return Some(cannot(finding(message)));
                }
                Err(e) => return Some(cannot(finding(format!("cannot evaluate `when`: {e}")))),
            }
        }
        match run(&compiled.assert) {
            Ok(Ok(true)) => None,
            Ok(Ok(false)) => Some(finding(message(&compiled.message, &cel))),
            Ok(Err(got)) => Some(cannot(finding(format!(
                "cannot evaluate: the assertion gave {got}, not a bool"
            )))),
            Err(e) => Some(cannot(finding(format!("cannot evaluate: {e}")))),
        }
    };
    match &policy.each {
        None => out.extend(judge(None, None)),
        Some(each) => {
            let items = doc.value.get(each).and_then(|v| v.as_array());
            for (i, item) in items.into_iter().flatten().enumerate() {
                out.extend(judge(Some(i), Some(value::from_json(item).as_ref())));
            }
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
            Part::Expr(program) => match cel::Value::resolve_val(program.expression(), cel) {
                Ok(v) => value::text(v.as_ref()),
                Err(_) => "(cannot evaluate)".into(),
            },
        })
        .collect()
}

/// The figures pmo computes for a document (docs/policies.md lists them), each computed
/// when an expression reads it.
#[derive(Clone, Copy)]
struct Figures<'p, 'a> {
    ctx: &'p Context<'a>,
    shared: &'p Shared<'a>,
    doc: &'a Document,
}

impl std::fmt::Debug for Figures<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "figures of {:?}", self.doc.id())
    }
}

impl<'p, 'a: 'p> Entries<'p> for Figures<'p, 'a> {
    fn keys(&self) -> Vec<&'p str> {
        let keys: &[&str] = match self.doc.kind {
            Kind::Project => &[
                "rag",
                "cost_overrun_pct",
                "days_late",
                "cpi",
                "spi",
                "eac",
                "vac",
                "fte",
            ],
            Kind::Risk => &["score", "exposure"],
            Kind::Person => &["fte"],
            Kind::Change => &["level"],
            _ => &[],
        };
        keys.to_vec()
    }

    fn get(&self, key: &str) -> Option<Cel<'p>> {
        let Figures { ctx, shared, doc } = *self;
        let number = value::number;
        let null = || number(None);
        Some(match doc.kind {
            Kind::Project => {
                let p = view_of(ctx.all::<Project>(), doc)?;
                match key {
                    "rag" | "cost_overrun_pct" | "days_late" => {
                        let computed = rag::computed(p, &ctx.config.rag, ctx.today);
                        match key {
                            "rag" => computed
                                .overall
                                .map_or_else(null, |r| value::string(r.as_str())),
                            "cost_overrun_pct" => number(computed.cost_overrun_pct),
                            _ => computed.days_late.map_or_else(null, value::int),
                        }
                    }
                    "cpi" | "spi" | "eac" | "vac" => {
                        let ev = earned_value(p, ctx.today);
                        number(ev.and_then(|e| match key {
                            "cpi" => e.cpi,
                            "spi" => e.spi,
                            "eac" => e.eac,
                            _ => e.vac,
                        }))
                    }
                    "fte" => {
                        let own = allocation::bookings([p]).into_values().flatten();
                        number(Some(allocation::on_day(
                            &own.collect::<Vec<_>>(),
                            ctx.today,
                        )))
                    }
                    _ => return None,
                }
            }
            Kind::Risk => {
                let r = view_of(ctx.all::<Risk>(), doc)?;
                match key {
                    "score" => value::int(i64::from(risk::score(r))),
                    "exposure" => number(risk::exposure(r).map(crate::metrics::cents)),
                    _ => return None,
                }
            }
            Kind::Person if key == "fte" => {
                let booked = doc
                    .id()
                    .and_then(|id| shared.bookings.get(id))
                    .map_or(0.0, |b| allocation::on_day(b, ctx.today));
                number(Some(booked))
            }
            Kind::Change if key == "level" => {
                let c = view_of(ctx.all::<Change>(), doc)?;
                let level = change::level(&ctx.config.change_control, c);
                level.map_or_else(null, |(i, _)| value::int(i as i64 + 1))
            }
            _ => return None,
        })
    }
}

/// The id of the project `doc` belongs to: its `project`, or its own for a project.
fn project_of(doc: &Document) -> Option<&str> {
    if doc.kind == Kind::Project {
        doc.id()
    } else {
        doc.project()
    }
}

/// How many schema-valid documents of each kind belong to a document's project, by
/// plural, each counted when an expression reads it.
#[derive(Clone, Copy)]
struct Related<'p, 'a> {
    ctx: &'p Context<'a>,
    doc: &'a Document,
}

impl std::fmt::Debug for Related<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "related of {:?}", self.doc.id())
    }
}

impl<'p, 'a: 'p> Entries<'p> for Related<'p, 'a> {
    fn keys(&self) -> Vec<&'p str> {
        Kind::ALL.iter().map(|k| k.spec().plural).collect()
    }

    fn get(&self, key: &str) -> Option<Cel<'p>> {
        let kind = Kind::from_plural(key)?;
        let docs = project_of(self.doc).map_or(&[][..], |p| self.ctx.of_project(p));
        let count = docs.iter().filter(|d| d.valid && d.kind == kind).count();
        Some(value::int(count as i64))
    }
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
