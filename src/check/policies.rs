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
use crate::diagnostic::{Diagnostic, Rule, Severity};
use crate::metrics::{earned_value::earned_value, rag, risk};
use crate::model::{Document, Kind, Project, Risk};
use crate::parse::Seg;
use crate::policy::value::{self, from_json};
use crate::policy::{Compiled, Part, Policy, env};
use cel::Value;
use rayon::prelude::*;
use std::collections::HashMap;

/// The most steps one evaluation may take (see the module's documentation).
pub const STEPS: f64 = 1e7;

/// The findings of every policy the configuration has, over the whole portfolio.
pub fn run(
    ctx: &Context<'_>,
    wanted: impl Fn(crate::code::Code) -> bool + Sync,
) -> Vec<Diagnostic> {
    let shared = Shared::new(ctx);
    ctx.config
        .policies
        .iter()
        .filter_map(|p| Some((p, p.compiled.as_deref()?)))
        .filter(|(_, c)| wanted(c.code))
        .flat_map(|(policy, compiled)| {
            let docs: Vec<&Document> = compiled
                .kinds
                .iter()
                .flat_map(|k| ctx.of_kind(*k))
                .filter(|d| d.valid)
                .collect();
            docs.into_par_iter()
                .flat_map_iter(|doc| evaluate(ctx, &shared, policy, compiled, doc))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// What every evaluation shares: built once, only for what some policy reads.
struct Shared {
    config: Value,
    /// A kind's plural (`people`) -> its documents by id, and the largest one's size.
    lookups: HashMap<&'static str, (Value, usize)>,
}

impl Shared {
    fn new(ctx: &Context<'_>) -> Shared {
        let uses = |name: &str| {
            ctx.config
                .policies
                .iter()
                .filter_map(|p| p.compiled.as_ref())
                .any(|c| c.uses.contains(name))
        };
        let config = match (&ctx.config.source, uses("config")) {
            (Some(doc), true) => from_json(&doc.value).0,
            _ => Value::Null,
        };
        let mut lookups = HashMap::new();
        for kind in Kind::ALL {
            let plural = kind.spec().plural;
            if uses(plural) || (kind == Kind::Project && uses("project")) {
                let mut largest = 0;
                let entries: Vec<(&str, Value)> = ctx
                    .of_kind(kind)
                    .filter(|d| d.valid)
                    .filter_map(|d| {
                        let (v, size) = from_json(&d.value);
                        largest = largest.max(size);
                        Some((d.id()?, v))
                    })
                    .collect();
                lookups.insert(plural, (value::map(entries), largest));
            }
        }
        Shared { config, lookups }
    }

    /// The project `doc` belongs to (itself for a project), and its size.
    fn project(&self, doc: &Document) -> (Value, usize) {
        let id = if doc.kind == Kind::Project {
            doc.id()
        } else {
            doc.value.get("project").and_then(|p| p.as_str())
        };
        match (id, self.lookups.get("projects")) {
            (Some(id), Some((Value::Map(m), largest))) => {
                let key = cel::objects::Key::String(std::sync::Arc::new(id.to_owned()));
                (m.map.get(&key).cloned().unwrap_or(Value::Null), *largest)
            }
            _ => (Value::Null, 0),
        }
    }
}

/// The policy on one document: on each element of its `each` list, or on it.
fn evaluate(
    ctx: &Context<'_>,
    shared: &Shared,
    policy: &Policy,
    compiled: &Compiled,
    doc: &Document,
) -> Vec<Diagnostic> {
    let (doc_value, doc_size) = from_json(&doc.value);
    let (project, project_size) = if compiled.uses.contains("project") {
        shared.project(doc)
    } else {
        (Value::Null, 0)
    };
    let lookup_size = shared.lookups.values().map(|(_, s)| *s).max().unwrap_or(0);
    let size = doc_size + project_size + lookup_size;
    let steps = compiled.nodes as f64 * (size as f64 + 1.0).powi(compiled.depth as i32);
    let items: Vec<Option<(usize, Value)>> = match &policy.each {
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
    let mut out = Vec::new();
    for item in items {
        let index = item.as_ref().map(|(i, _)| *i);
        let finding = |message: String| finding(ctx, &rule, policy, doc, index, message);
        if steps > STEPS {
            out.push(cannot(finding(format!(
                "cannot evaluate: over the step limit ({size} values, comprehensions {} deep)",
                compiled.depth
            ))));
            continue;
        }
        let mut cel = cel::Context::with_env(env().clone());
        let mut bind = |name: &str, value: Value| {
            if compiled.uses.contains(name) {
                cel.add_variable_from_value(name, value);
            }
        };
        bind("doc", doc_value.clone());
        bind("project", project.clone());
        bind("today", value::day(ctx.today));
        bind("config", shared.config.clone());
        if compiled.uses.contains("figures") {
            bind("figures", figures(ctx, doc));
        }
        if compiled.uses.contains("related") {
            bind("related", related(ctx, doc));
        }
        if let Some((_, item)) = item {
            bind("item", item);
        }
        for (name, (lookup, _)) in &shared.lookups {
            bind(name, lookup.clone());
        }
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
    out
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
fn figures(ctx: &Context<'_>, doc: &Document) -> Value {
    let number = |x: Option<f64>| x.map_or(Value::Null, Value::Float);
    let mut entries: Vec<(&str, Value)> = Vec::new();
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
                            .map_or(Value::Null, |r| Value::String(r.as_str().to_owned().into())),
                    ),
                    ("cost_overrun_pct", number(computed.cost_overrun_pct)),
                    (
                        "days_late",
                        computed.days_late.map_or(Value::Null, Value::Int),
                    ),
                    ("cpi", number(ev.and_then(|e| e.cpi))),
                    ("spi", number(ev.and_then(|e| e.spi))),
                    ("eac", number(ev.and_then(|e| e.eac))),
                    ("vac", number(ev.and_then(|e| e.vac))),
                ]);
            }
        }
        Kind::Risk => {
            if let Some((_, r)) = viewed(ctx.all::<Risk>(), doc) {
                entries.extend([
                    ("score", Value::Int(i64::from(risk::score(r)))),
                    (
                        "exposure",
                        number(risk::exposure(r).map(crate::metrics::cents)),
                    ),
                ]);
            }
        }
        _ => {}
    }
    value::map(entries)
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

/// How many documents of each kind belong to `doc`'s project.
fn related(ctx: &Context<'_>, doc: &Document) -> Value {
    let project = if doc.kind == Kind::Project {
        doc.id()
    } else {
        doc.value.get("project").and_then(|p| p.as_str())
    };
    let entries = Kind::ALL.iter().map(|&kind| {
        let count = project.map_or(0, |p| ctx.related(kind, p).filter(|d| d.valid).count());
        (kind.spec().plural, Value::Int(count as i64))
    });
    value::map(entries)
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
