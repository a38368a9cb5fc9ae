//! A trend as a view: one flat table for CSV (a row per point, and per group and currency
//! of the portfolio view), titled tables for people, and the JSON of its points, whose
//! `rows` and `totals` are `pmo portfolio --format json`'s at that point.

use super::{Figures, Point, State, Trend};
use crate::model;
use crate::views::machine::json_rows;
use crate::views::{Cell, Column, Section, Table, View};
use serde_json::{Map, Value, json};

/// The point's own columns, before the portfolio's.
const POINT: [(&str, &str); 3] = [("period", "Period"), ("date", "Date"), ("commit", "Commit")];

/// The columns of the whole portfolio at a point, after the portfolio's.
fn point_figures() -> Vec<(&'static str, &'static str)> {
    model::project::State::ALL
        .iter()
        .map(|s| (s.as_str(), state_label(*s)))
        .chain([("errors", "Errors"), ("warnings", "Warnings")])
        .collect()
}

fn state_label(state: model::project::State) -> &'static str {
    match state {
        model::project::State::Proposed => "Proposed",
        model::project::State::Active => "Active",
        model::project::State::OnHold => "On hold",
        model::project::State::Closed => "Closed",
        model::project::State::Cancelled => "Cancelled",
    }
}

/// The view of `trend`. `grouped`: a row per group of `pmo portfolio --by` (its `by`
/// column), else a row per currency of its totals.
pub fn view(trend: &Trend, by: &str, grouped: bool) -> View {
    let portfolio_columns = trend.points.iter().find_map(|p| match &p.state {
        State::Read(f) => Some(f.portfolio.columns.clone()),
        _ => None,
    });
    // The portfolio's columns: the group (when grouped), the currency and the figures.
    let skip = usize::from(!grouped);
    let portfolio_columns: Vec<Column> = portfolio_columns
        .unwrap_or_else(|| vec![Column::new(by, by), Column::new("currency", "currency")])
        .into_iter()
        .skip(skip)
        .collect();
    let mut columns: Vec<Column> = POINT.iter().map(|(k, l)| Column::new(*k, *l)).collect();
    columns.extend(portfolio_columns.iter().cloned());
    columns.extend(point_figures().iter().map(|(k, l)| Column::new(*k, *l)));
    let mut data = Table::new(columns);
    for point in &trend.points {
        let head = |commit: Option<&super::Commit>| {
            vec![
                Cell::text(&point.period),
                Cell::Date(point.date),
                commit.map_or(Cell::Empty, |c| {
                    Cell::text(c.id.to_hex_with_len(12).to_string())
                }),
            ]
        };
        match &point.state {
            State::Read(f) => {
                let rows = if grouped {
                    &f.portfolio.rows
                } else {
                    &f.portfolio.footer
                };
                for row in rows {
                    let mut out = head(Some(&f.commit));
                    out.extend(row.iter().skip(skip).cloned());
                    out.extend(whole(f));
                    data.rows.push(out);
                }
                if rows.is_empty() {
                    let mut out = head(Some(&f.commit));
                    out.extend(portfolio_columns.iter().map(|_| Cell::Empty));
                    out.extend(whole(f));
                    data.rows.push(out);
                }
            }
            State::NoCommit | State::Broken { .. } => {
                let commit = match &point.state {
                    State::Broken { commit, .. } => Some(commit),
                    _ => None,
                };
                let mut out = head(commit);
                out.extend(
                    (0..portfolio_columns.len() + point_figures().len()).map(|_| Cell::Empty),
                );
                data.rows.push(out);
            }
        }
    }
    data.notes = notes(trend, grouped);
    let group = grouped.then_some((by, title_case(by)));
    let mut sections = vec![
        section(&data, "Projects and findings", None, &point_figures()),
        section(
            &data,
            "Delivery (RAG computed, and as reported)",
            group.as_ref(),
            &[
                ("projects", "Projects"),
                ("rag_green", "Green"),
                ("rag_amber", "Amber"),
                ("rag_red", "Red"),
                ("rag_none", "No RAG"),
                ("reported_green", "Rep. green"),
                ("reported_amber", "Rep. amber"),
                ("reported_red", "Rep. red"),
            ],
        ),
        section(
            &data,
            "Cost",
            group.as_ref(),
            &[
                ("currency", "Cur"),
                ("budget", "Budget"),
                ("forecast", "Forecast"),
                ("actual", "Actual"),
                ("cpi", "CPI"),
                ("spi", "SPI"),
            ],
        ),
        section(
            &data,
            "Risks and changes",
            group.as_ref(),
            &[
                ("open_risks", "Open risks"),
                ("high_risks", "High"),
                ("exposure", "Exposure"),
                ("open_changes", "Open changes"),
                ("pending_cost", "Pending cost"),
            ],
        ),
    ];
    if let Some(last) = sections.last_mut() {
        last.table.notes = data.notes.clone();
    }
    View { data, sections }
}

/// The figures of the whole portfolio at a point: projects by state, findings.
fn whole(f: &Figures) -> Vec<Cell> {
    let n = |x: usize| Cell::Int(x as i64);
    f.states
        .iter()
        .map(|&x| n(x))
        .chain(match f.findings {
            Some(found) => [n(found.errors), n(found.warnings)],
            None => [Cell::Empty, Cell::Empty],
        })
        .collect()
}

/// A titled table of `data`'s period and `columns` (and the group's, when grouped). With
/// no group, a figure of the whole portfolio shows once per point.
fn section(
    data: &Table,
    title: &str,
    group: Option<&(&str, String)>,
    columns: &[(&str, &str)],
) -> Section {
    let mut keys: Vec<(&str, &str)> = vec![("period", "Period")];
    if let Some((key, label)) = group {
        keys.push((key, label));
    }
    keys.extend(columns.iter().copied());
    let index: Vec<Option<usize>> = keys.iter().map(|(k, _)| data.column(k)).collect();
    let mut table = Table::new(keys.iter().map(|(k, l)| Column::new(*k, *l)).collect());
    let once = columns
        .iter()
        .all(|(k, _)| point_figures().iter().any(|(p, _)| p == k));
    let mut last: Option<&Cell> = None;
    for row in &data.rows {
        if once && last == Some(&row[0]) {
            continue;
        }
        last = Some(&row[0]);
        table.rows.push(
            index
                .iter()
                .map(|i| i.map_or(Cell::Empty, |i| row[i].clone()))
                .collect(),
        );
    }
    Section {
        title: Some(title.to_owned()),
        table,
    }
}

fn title_case(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
        .replace('_', " ")
}

fn notes(trend: &Trend, grouped: bool) -> Vec<String> {
    let mut notes = vec![format!(
        "Each point is the branch's last commit on or before its date, graded by that commit's pmo.yaml as of that date: what `pmo --rev COMMIT --today DATE portfolio{}` and `check` say. Portfolio figures are over projects not closed or cancelled; projects by state count every project.",
        if grouped { " --by …" } else { "" }
    )];
    notes.extend(trend.notes());
    notes
}

/// The JSON of `trend`: `{"version": 1, ..about, "points": [{period, date, commit,
/// committed, states, errors, warnings, rows, totals}], "notes": [..]}`.
pub fn json(trend: &Trend, about: Map<String, Value>, grouped: bool) -> String {
    let points: Vec<Value> = trend.points.iter().map(|p| point(p, grouped)).collect();
    let mut object = Map::new();
    object.insert("version".into(), json!(1));
    object.extend(about);
    object.insert("points".into(), points.into());
    object.insert("notes".into(), json!(notes(trend, grouped)));
    serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default() + "\n"
}

fn point(p: &Point, grouped: bool) -> Value {
    let mut m = Map::new();
    m.insert("period".into(), json!(p.period));
    m.insert("date".into(), json!(p.date.to_string()));
    match &p.state {
        State::Read(f) => {
            m.insert("commit".into(), json!(f.commit.id.to_string()));
            m.insert("committed".into(), json!(f.commit.committed.to_string()));
            let states: Map<String, Value> = model::project::State::ALL
                .iter()
                .zip(f.states)
                .map(|(s, n)| (s.as_str().to_owned(), json!(n)))
                .collect();
            m.insert("states".into(), states.into());
            if let Some(found) = f.findings {
                m.insert("errors".into(), json!(found.errors));
                m.insert("warnings".into(), json!(found.warnings));
            }
            if grouped {
                m.insert(
                    "rows".into(),
                    json_rows(&f.portfolio, &f.portfolio.rows).into(),
                );
            }
            m.insert(
                "totals".into(),
                json_rows(&f.portfolio, &f.portfolio.footer).into(),
            );
        }
        State::NoCommit => {
            m.insert("commit".into(), Value::Null);
        }
        State::Broken { commit, why } => {
            m.insert("commit".into(), json!(commit.id.to_string()));
            m.insert("committed".into(), json!(commit.committed.to_string()));
            m.insert("broken".into(), json!(why));
        }
    }
    Value::Object(m)
}
