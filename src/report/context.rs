//! The template context (docs/templates.md): every document with its computed figures,
//! the portfolio roll-up and the check's findings. A key is built only when the template
//! uses it, so a report on a large portfolio does not pay for what it does not show.

use crate::check::{self, Context};
use crate::code::Code;
use crate::metrics::earned_value::earned_value;
use crate::metrics::{self, change, gate, rag, risk, tolerance};
use crate::model::portfolio::view_of;
use crate::model::records::OpenClosed;
use crate::model::{Document, Kind};
use crate::views::portfolio::{GroupBy, rollup};
use minijinja::value::Serde;
use rayon::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Every key a template may use, in the order docs/templates.md lists them.
pub const KEYS: [&str; 24] = [
    "today",
    "organisation",
    "currency",
    "repository",
    "project",
    "gate",
    "projects",
    "programs",
    "objectives",
    "people",
    "risks",
    "issues",
    "changes",
    "decisions",
    "statuses",
    "lessons",
    "portfolio",
    "top_risks",
    "risk_counts",
    "pending_changes",
    "attention",
    "diagnostics",
    "summary",
    "trend",
];

/// The values of `keys` for a report on `ctx` (for `project`, when given), as template
/// values. Document lists are built in parallel, each item converted where it is made.
pub fn build(
    ctx: &Context<'_>,
    keys: &BTreeSet<String>,
    project: Option<&Document>,
    past: &super::trend::Past<'_>,
) -> BTreeMap<String, minijinja::Value> {
    let template = |v: &Value| minijinja::Value::from(Serde(v));
    let mut out = BTreeMap::new();
    let report = keys
        .iter()
        .any(|k| matches!(k.as_str(), "diagnostics" | "summary" | "attention"))
        .then(|| check::check(ctx.repo, ctx.today));
    // A project is stale when the check says so (T002 as configured), never by a rule
    // of the report's own.
    let stale: HashSet<String> = match &report {
        Some(report) => t002(&report.diagnostics),
        None if keys.iter().any(|k| k == "projects" || k == "project") => {
            t002(&check::findings_of(ctx, &[Code::T002]))
        }
        None => HashSet::new(),
    };
    let item = |kind: Kind, doc: &Document| item(ctx, &stale, kind, doc);
    for key in keys {
        let value = match key.as_str() {
            "today" => json!(ctx.today.to_string()),
            "organisation" => json!(ctx.config.organisation),
            "currency" => json!(ctx.config.currency),
            "repository" => json!({
                "files": ctx.repo.files.len(),
                "documents": ctx.repo.documents.len(),
            }),
            "project" => project.map_or(Value::Null, |doc| item(Kind::Project, doc)),
            "gate" => project
                .and_then(|doc| {
                    let p = view_of(ctx.projects(), doc)?;
                    let position = ctx.config.position(p)?;
                    let mut gate =
                        serde_json::to_value(gate::readiness(ctx, doc, p, &position)).ok()?;
                    // What check reports about the project's gates, as configured.
                    let findings: Vec<Value> =
                        check::findings_of(ctx, &[Code::G001, Code::G002, Code::G003])
                            .iter()
                            .filter(|d| d.id.as_deref() == Some(p.id))
                            .map(diagnostic)
                            .collect();
                    gate["findings"] = Value::Array(findings);
                    Some(gate)
                })
                .unwrap_or(Value::Null),
            "portfolio" => {
                let view = rollup(ctx, GroupBy::Program, false).view();
                json!({
                    "by": "program",
                    "rows": crate::render::table::json_rows(&view.data, &view.data.rows),
                    "totals": crate::render::table::json_rows(&view.data, &view.data.footer),
                    "notes": view.data.notes,
                })
            }
            // Summaries that spare a dashboard the whole register.
            "top_risks" => {
                let mut open: Vec<&(&Document, crate::model::Risk)> = ctx
                    .risks()
                    .iter()
                    .filter(|(_, r)| r.status == OpenClosed::Open)
                    .collect();
                open.sort_by_key(|(_, r)| std::cmp::Reverse(risk::score(r)));
                Value::Array(
                    open.iter()
                        .take(10)
                        .map(|(d, _)| item(Kind::Risk, d))
                        .collect(),
                )
            }
            "risk_counts" => json!(crate::report::charts::risk_matrix(
                ctx.risks()
                    .iter()
                    .filter(|(_, r)| r.status == OpenClosed::Open)
                    .map(|(_, r)| (r.probability, r.impact))
            )),
            "pending_changes" => Value::Array(
                ctx.changes()
                    .par_iter()
                    .filter(|(_, c)| c.status.is_open())
                    .map(|(d, _)| item(Kind::Change, d))
                    .collect(),
            ),
            "attention" => report.as_ref().map_or(Value::Null, |r| {
                Value::Array(attention(ctx, &r.diagnostics, &|doc| {
                    item(Kind::Project, doc)
                }))
            }),
            "diagnostics" => json!(
                report
                    .as_ref()
                    .map(|r| r.diagnostics.iter().map(diagnostic).collect::<Vec<_>>())
            ),
            "trend" => super::trend::value(ctx, past),
            "summary" => report.as_ref().map_or(Value::Null, |r| {
                use crate::diagnostic::Severity;
                json!({
                    "files": r.files,
                    "documents": r.documents,
                    "errors": r.count(Severity::Error),
                    "warnings": r.count(Severity::Warning),
                })
            }),
            other => {
                let Some(kind) = Kind::from_plural(other) else {
                    continue;
                };
                let docs: Vec<&Document> = ctx.of_kind(kind).filter(|d| d.valid).collect();
                let items: Vec<minijinja::Value> =
                    docs.par_iter().map(|d| template(&item(kind, d))).collect();
                out.insert(key.clone(), minijinja::Value::from(items));
                continue;
            }
        };
        out.insert(key.clone(), template(&value));
    }
    out
}

fn diagnostic(d: &crate::diagnostic::Diagnostic) -> Value {
    json!({
        "code": d.code,
        "severity": d.severity.as_str(),
        "message": d.message,
        "file": d.file,
        "line": d.span.start.line,
        "column": d.span.start.column,
        "id": d.id,
        "help": d.help,
    })
}

/// The ids of the documents with a T002 finding.
fn t002(diagnostics: &[crate::diagnostic::Diagnostic]) -> HashSet<String> {
    diagnostics
        .iter()
        .filter(|d| d.code == Code::T002)
        .filter_map(|d| d.id.clone())
        .collect()
}

/// The projects that are computed red or have findings of `check` on their documents,
/// computed red first, then those with errors, then those with warnings: each with
/// `computed_red`, `errors`, `warnings`, `reasons` (one line each) and `findings`.
fn attention(
    ctx: &Context<'_>,
    diagnostics: &[crate::diagnostic::Diagnostic],
    item: &(dyn Fn(&Document) -> Value + Sync),
) -> Vec<Value> {
    use crate::diagnostic::Severity;
    let mut by_project: BTreeMap<&str, Vec<&crate::diagnostic::Diagnostic>> = BTreeMap::new();
    for d in diagnostics {
        let Some(doc) = d.id.as_deref().and_then(|id| ctx.get(id)) else {
            continue;
        };
        let project = match doc.kind {
            Kind::Project => doc.id(),
            _ => doc.project(),
        };
        if let Some(project) = project {
            by_project.entry(project).or_default().push(d);
        }
    }
    let mut out: Vec<(bool, usize, usize, &str, Value)> = ctx
        .projects()
        .iter()
        .filter_map(|(doc, p)| {
            let red = rag::computed(p, &ctx.config.rag, ctx.today).overall
                == Some(crate::model::Rag::Red);
            let findings = by_project.get(p.id).map_or(&[][..], Vec::as_slice);
            if !red && findings.is_empty() {
                return None;
            }
            let count = |s| findings.iter().filter(|d| d.severity == s).count();
            let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
            let mut reasons: Vec<String> = Vec::new();
            if red {
                reasons.push("computed red".into());
            }
            reasons.extend(
                findings
                    .iter()
                    .map(|d| format!("{}: {}", d.code, d.message)),
            );
            let value = json!({
                "project": item(doc),
                "computed_red": red,
                "errors": errors,
                "warnings": warnings,
                "reasons": reasons,
                "findings": findings.iter().map(|d| diagnostic(d)).collect::<Vec<_>>(),
            });
            Some((red, errors, warnings, p.id, value))
        })
        .collect();
    out.sort_by(|a, b| (!a.0, a.1 == 0, a.2 == 0, a.3).cmp(&(!b.0, b.1 == 0, b.2 == 0, b.3)));
    out.into_iter().map(|(.., v)| v).collect()
}

/// A document's own fields plus `file` and its kind's computed figures; `stale` holds the
/// projects with a T002 finding.
fn item(ctx: &Context<'_>, stale: &HashSet<String>, kind: Kind, doc: &Document) -> Value {
    let mut v = doc.value.clone();
    // Every documented field is there, null when the document leaves it out: a template
    // may test any of them, and only a misspelt name is an error.
    let documented = kind
        .spec()
        .fields
        .iter()
        .chain(&crate::views::export::COMMON);
    for path in documented {
        let mut at = &mut v;
        let mut parts = path.split('.').peekable();
        while let Some(key) = parts.next() {
            let Some(m) = at.as_object_mut() else { break };
            let leaf = parts.peek().is_none();
            at = m.entry(key).or_insert_with(|| {
                if leaf {
                    Value::Null
                } else {
                    Value::Object(Map::new())
                }
            });
        }
    }
    let Some(m) = v.as_object_mut() else {
        return v;
    };
    m.insert("file".into(), json!(ctx.repo.path(doc)));
    match kind {
        Kind::Project => {
            if let Some(p) = view_of(ctx.projects(), doc) {
                project_figures(ctx, p, m);
                m.insert("stale".into(), json!(stale.contains(p.id)));
            }
        }
        Kind::Risk => {
            if let Some(r) = view_of(ctx.risks(), doc) {
                let score = risk::score(r);
                let open = r.status == OpenClosed::Open;
                m.insert("score".into(), json!(score));
                m.insert("exposure".into(), json!(risk::exposure(r)));
                m.insert("open".into(), json!(open));
                m.insert(
                    "high".into(),
                    json!(risk::is_high(r, ctx.config.risk.high_score)),
                );
            }
        }
        Kind::Change => {
            if let Some(c) = view_of(ctx.changes(), doc) {
                let s = change::standing(&ctx.config.change_control, c, |id| ctx.person(id));
                m.insert("open".into(), json!(c.status.is_open()));
                m.insert("level".into(), json!(s.level));
                m.insert("needed".into(), json!(s.needed));
                m.insert("role".into(), json!(s.role));
                m.insert("qualified".into(), json!(s.qualified));
                m.insert("rejected_by".into(), json!(s.rejected_by));
            }
        }
        _ => {}
    }
    v
}

fn project_figures(ctx: &Context<'_>, p: &crate::model::Project<'_>, m: &mut Map<String, Value>) {
    let computed = rag::computed(p, &ctx.config.rag, ctx.today);
    let latest = ctx.latest_status(p.id);
    let tolerances = tolerance::effective(p, &ctx.config.tolerances);
    let cost_limit = p.baseline.budget.map(|b| tolerances.cost_limit(b));
    let finish_limit = p.baseline.finish.map(|f| tolerances.finish_limit(f));
    let ev = earned_value(p, ctx.today);
    let rag_str = |r: Option<crate::model::Rag>| json!(r.map(|r| r.as_str()));
    m.insert("currency".into(), json!(metrics::currency(p, ctx.config)));
    m.insert(
        "rag".into(),
        json!({
            "overall": rag_str(computed.overall),
            "cost": rag_str(computed.cost),
            "schedule": rag_str(computed.schedule),
            "cost_overrun_pct": computed.cost_overrun_pct,
            "days_late": computed.days_late,
        }),
    );
    m.insert(
        "latest_status".into(),
        latest.map_or(Value::Null, |(doc, _)| doc.value.clone()),
    );
    m.insert(
        "tolerance".into(),
        json!({
            "cost_pct": tolerances.cost_pct,
            "schedule_days": tolerances.schedule_days,
            "cost_limit": cost_limit,
            "finish_limit": finish_limit.map(|d| d.to_string()),
            "cost_over": p.forecast.cost.zip(cost_limit).is_some_and(|(f, l)| f > l),
            "schedule_over": p.forecast.finish.zip(finish_limit).is_some_and(|(f, l)| f > l),
        }),
    );
    m.insert(
        "ev".into(),
        ev.map_or(Value::Null, |e| {
            json!({"as_of": e.as_of.to_string(), "bac": e.bac, "pv": e.pv, "ev": e.ev,
                   "ac": e.ac, "cpi": e.cpi, "spi": e.spi, "eac": e.eac, "vac": e.vac})
        }),
    );
    let (score, _) = crate::views::rank::weighted_score(p, &ctx.config.scoring.criteria);
    m.insert("weighted_score".into(), json!(score));
}

#[cfg(test)]
mod tests {
    use super::KEYS;
    use crate::model::kind::KINDS;

    /// Each kind's register is a context key under its plural (what `build` reads).
    #[test]
    fn every_kind_is_a_key() {
        for spec in &KINDS {
            assert!(
                KEYS.contains(&spec.plural),
                "no context key `{}`",
                spec.plural
            );
        }
    }
}
