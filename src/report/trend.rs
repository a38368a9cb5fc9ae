//! The `trend` key of a report: each headline figure against its value some days before,
//! and per month the RAG counts and budget against forecast, read from the branch's
//! history as `pmo trend` reads it (each point graded by its own commit's pmo.yaml).

use crate::check::Context;
use crate::git::Git;
use crate::trend::{self, Request, State};
use crate::views::machine::json_rows;
use crate::views::periods::{Period, Span, periods};
use crate::views::portfolio::{GroupBy, rollup};
use gix::ObjectId;
use jiff::ToSpan;
use serde_json::{Map, Value, json};

/// Where a report finds the past: the history of `tip` (HEAD, or `--rev`'s commit), and
/// how many days back the headline figures are compared.
pub struct History<'g> {
    pub git: &'g Git,
    pub tip: ObjectId,
    pub compare_days: i64,
}

/// The past of a report, or why there is none (outside git, no commits yet).
pub type Past<'g> = Result<History<'g>, String>;

/// The headline figures, as the totals of `pmo portfolio` name them, with how to show
/// each (`count`, `money`, `index`).
const HEADLINE: [(&str, &str, &str); 13] = [
    ("projects", "Projects", "count"),
    ("rag_red", "Computed red", "count"),
    ("rag_amber", "Computed amber", "count"),
    ("budget", "Budget", "money"),
    ("forecast", "Forecast", "money"),
    ("actual", "Actual", "money"),
    ("variance", "Variance", "money"),
    ("cpi", "CPI", "index"),
    ("spi", "SPI", "index"),
    ("open_risks", "Open risks", "count"),
    ("high_risks", "High risks", "count"),
    ("exposure", "Risk exposure", "money"),
    ("pending_cost", "Pending cost (gross)", "money"),
];

/// The label of the point `compare_days` before today among the months.
const THEN: &str = "then";

/// The `trend` value of a report on `ctx`: `{available, why, compare_days, then,
/// headline, series, notes}` (docs/templates.md).
pub fn value(ctx: &Context<'_>, past: &Past<'_>) -> Value {
    let compare_days = past.as_ref().map_or(30, |h| h.compare_days);
    let unavailable = |why: String| {
        json!({"available": false, "why": why, "compare_days": compare_days,
               "headline": [], "series": [], "notes": []})
    };
    let history = match past {
        Ok(history) => history,
        Err(why) => return unavailable(why.clone()),
    };
    let today = ctx.today;
    let then = today
        .checked_sub(compare_days.days())
        .unwrap_or(jiff::civil::Date::MIN);
    let first = today
        .checked_sub(11.months())
        .unwrap_or(jiff::civil::Date::MIN);
    let mut spans = periods(first, today, Period::Month);
    spans.push(Span {
        label: THEN.to_owned(),
        from: then,
        to: then,
    });
    spans.sort_by_key(|s| s.to);
    let request = Request {
        periods: spans,
        by: "program".to_owned(),
        findings: false,
    };
    let walked = match trend::walk(history.git, history.tip, &request, &|_, _| {}) {
        Ok(walked) => walked,
        Err(e) => return unavailable(format!("the history cannot be read: {e}")),
    };
    let Some(point) = walked.points.iter().find(|p| p.period == THEN) else {
        return unavailable("no point to compare with".into());
    };
    let figures = match &point.state {
        State::Read(figures) => figures,
        State::NoCommit => {
            let start = walked.oldest.as_ref().map_or(String::new(), |c| {
                format!(
                    ": the history{} starts on {}",
                    if walked.shallow {
                        " in this shallow clone"
                    } else {
                        ""
                    },
                    c.committed.strftime("%Y-%m-%d")
                )
            });
            return unavailable(format!(
                "too little history: no commit of the branch is dated on or before {then}, {compare_days} days before {today}{start}"
            ));
        }
        State::Broken { commit, why } => {
            return unavailable(format!(
                "commit {} of {then} cannot be graded: {why}",
                commit.id.to_hex_with_len(12)
            ));
        }
    };
    let now_view = rollup(ctx, GroupBy::Program, false).view().data;
    let now = json_rows(&now_view, &now_view.footer);
    let before = json_rows(&figures.portfolio, &figures.portfolio.footer);
    let headline: Vec<Value> = now
        .iter()
        .map(|row| {
            let currency = row["currency"].clone();
            let old = before.iter().find(|r| r["currency"] == currency);
            let figures: Vec<Value> = HEADLINE
                .iter()
                .map(|(key, label, kind)| {
                    let (n, t) = (&row[*key], old.map_or(&Value::Null, |o| &o[*key]));
                    let change = match (n.as_i64(), t.as_i64(), n.as_f64(), t.as_f64()) {
                        (Some(n), Some(t), _, _) => json!(n - t),
                        (_, _, Some(n), Some(t)) => json!(n - t),
                        _ => Value::Null,
                    };
                    json!({"key": key, "label": label, "kind": kind, "now": n, "then": t, "change": change})
                })
                .collect();
            json!({"currency": currency, "figures": figures})
        })
        .collect();
    json!({
        "available": true,
        "compare_days": compare_days,
        "then": {
            "date": then.to_string(),
            "commit": figures.commit.id.to_hex_with_len(12).to_string(),
            "committed": figures.commit.committed.to_string(),
        },
        "headline": headline,
        "series": series(&walked.points),
        "notes": walked.notes(),
    })
}

/// Per currency, the months' totals (`period`, `date`, `commit` and the keys of
/// `pmo portfolio`'s totals), oldest first; a month before the history has no entry.
fn series(points: &[trend::Point]) -> Vec<Value> {
    let mut by_currency: Vec<(Value, Vec<Value>)> = Vec::new();
    for point in points.iter().filter(|p| p.period != THEN) {
        let State::Read(f) = &point.state else {
            continue;
        };
        for row in json_rows(&f.portfolio, &f.portfolio.footer) {
            let Value::Object(mut fields) = row else {
                continue;
            };
            let currency = fields.get("currency").cloned().unwrap_or(Value::Null);
            let mut month = Map::new();
            month.insert("period".into(), json!(point.period));
            month.insert("date".into(), json!(point.date.to_string()));
            month.insert(
                "commit".into(),
                json!(f.commit.id.to_hex_with_len(12).to_string()),
            );
            fields.remove("program");
            month.extend(fields);
            match by_currency.iter_mut().find(|(c, _)| *c == currency) {
                Some((_, months)) => months.push(Value::Object(month)),
                None => by_currency.push((currency, vec![Value::Object(month)])),
            }
        }
    }
    by_currency
        .into_iter()
        .map(|(currency, months)| json!({"currency": currency, "months": months}))
        .collect()
}
