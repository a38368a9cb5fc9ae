//! `pmo rank`: proposed and active projects ordered by the weighted score of pmo.yaml
//! `scoring`, with the cumulative budget and, given a budget, the cut line.

use super::{Cell, Column, Table, View};
use crate::Error;
use crate::check::Context;
use crate::metrics;
use crate::model::Project;
use crate::model::project::State;
use std::collections::BTreeSet;

/// A project's weighted score: the sum of weight x score over the criteria it has a
/// score for, and the criteria it lacks.
pub fn weighted_score<'c>(
    project: &Project<'_>,
    criteria: &'c [(String, f64)],
) -> (f64, Vec<&'c str>) {
    let mut total = 0.0;
    let mut missing = Vec::new();
    for (name, weight) in criteria {
        match project.scores.get(name.as_str()) {
            Some(score) => total += weight * score,
            None => missing.push(name.as_str()),
        }
    }
    (total, missing)
}

pub struct Options {
    /// The funds available: draw the cut line where the cumulative budget exceeds them.
    pub budget: Option<f64>,
    /// Only projects in this currency.
    pub currency: Option<String>,
}

pub fn rank(ctx: &Context<'_>, options: &Options) -> Result<View, Error> {
    if let Some(funds) = options.budget
        && !(funds.is_finite() && funds >= 0.0)
    {
        return Err(Error::Invalid(format!(
            "--budget must be an amount of 0 or more, not {funds}"
        )));
    }
    let criteria = &ctx.config.scoring.criteria;
    if criteria.is_empty() {
        return Err(Error::Invalid(
            "pmo.yaml has no `scoring.criteria`: give each criterion a weight, e.g. \
             `scoring: {criteria: {strategic_fit: 3, value: 2, risk: -1}}`"
                .into(),
        ));
    }
    let candidates: Vec<(&Project, &str)> = ctx
        .projects()
        .iter()
        .map(|(_, p)| (p, metrics::currency(p, ctx.config)))
        .filter(|(p, _)| matches!(p.state, State::Proposed | State::Active))
        .collect();
    let mut ranked: Vec<(&Project, &str, f64, Vec<&str>)> = candidates
        .iter()
        .copied()
        .filter(|(_, cur)| options.currency.as_deref().is_none_or(|c| c == *cur))
        .map(|(p, cur)| {
            let (score, missing) = weighted_score(p, criteria);
            (p, cur, score, missing)
        })
        .collect();
    ranked.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.id.cmp(b.0.id)));

    let currencies: BTreeSet<&str> = ranked.iter().map(|r| r.1).collect();
    if options.budget.is_some() && currencies.len() > 1 {
        return Err(Error::Invalid(format!(
            "projects are in {} currencies ({}): a budget cut line needs one; add `--currency {}`",
            currencies.len(),
            currencies.iter().copied().collect::<Vec<_>>().join(", "),
            currencies.first().copied().unwrap_or_default()
        )));
    }

    let mut columns = vec![
        Column::new("rank", "#"),
        Column::new("id", "ID"),
        Column::new("title", "Title"),
        Column::new("state", "State"),
    ];
    for (name, weight) in criteria {
        columns.push(Column::new(
            format!("score_{name}"),
            format!("{name} ×{}", number(*weight)),
        ));
    }
    columns.extend([
        Column::new("score", "Score"),
        Column::new("currency", "Cur"),
        Column::new("budget", "Budget"),
        Column::new("cumulative", "Cumulative"),
    ]);
    if options.budget.is_some() {
        columns.push(Column::new("funded", "Funded"));
    }
    let mut table = Table::new(columns);

    let mut cumulative: std::collections::HashMap<&str, f64> = Default::default();
    let mut cut: Option<(usize, &str, f64)> = None;
    let mut incomplete = 0;
    let mut unplaced = 0;
    for (i, (p, cur, score, missing)) in ranked.iter().enumerate() {
        let sum = cumulative.entry(cur).or_default();
        *sum += p.baseline.budget.unwrap_or(0.0);
        let mut row = vec![
            Cell::Int(i as i64 + 1),
            Cell::text(p.id),
            Cell::text(p.title),
            Cell::text(match p.state {
                State::Proposed => "proposed",
                _ => "active",
            }),
        ];
        for (name, _) in criteria {
            row.push(Cell::opt(p.scores.get(name.as_str()), |s| {
                Cell::Number(*s, 0)
            }));
        }
        incomplete += usize::from(!missing.is_empty());
        row.extend([
            Cell::Number(*score, 1).alert_if(!missing.is_empty()),
            super::portfolio::currency_cell(cur),
            Cell::opt(p.baseline.budget, Cell::Money),
            Cell::Money(*sum),
        ]);
        if let Some(funds) = options.budget {
            // Without a budget a project cannot be placed against the funds.
            let cell = p.baseline.budget.map_or(Cell::Empty, |budget| {
                let funded = cut.is_none() && *sum <= funds;
                if !funded && cut.is_none() {
                    cut = Some((i, p.id, *sum - budget));
                }
                Cell::Bool(funded).alert_if(!funded)
            });
            unplaced += usize::from(p.baseline.budget.is_none());
            row.push(cell);
        }
        table.rows.push(row);
    }

    if ranked.is_empty() {
        let note = match &options.currency {
            Some(wanted) if !candidates.is_empty() => {
                let others: BTreeSet<&str> = candidates
                    .iter()
                    .map(|c| if c.1.is_empty() { "(no currency)" } else { c.1 })
                    .collect();
                format!(
                    "No proposed or active projects in {wanted}: theirs are in {}.",
                    others.into_iter().collect::<Vec<_>>().join(", ")
                )
            }
            _ => "No proposed or active projects to rank.".into(),
        };
        table.notes.push(note);
    }
    if incomplete > 0 {
        table.notes.push(format!(
            "{incomplete} project{} lack a score for some criterion (marked): the missing score counts as 0.",
            if incomplete == 1 { "" } else { "s" }
        ));
    }
    if unplaced > 0 {
        table.notes.push(format!(
            "{unplaced} project{} no baseline budget: ranked, but not placed against the funds.",
            if unplaced == 1 { " has" } else { "s have" }
        ));
    }
    if let Some(funds) = options.budget {
        table.notes.push(match cut {
            Some((0, id, _)) => format!(
                "Cut line: not even the first project ({id}) fits in {}.",
                metrics::money(funds)
            ),
            Some((i, id, committed)) => format!(
                "Cut line after #{i}: {} of {} committed; {id} and below do not fit.",
                metrics::money(committed),
                metrics::money(funds)
            ),
            None => format!("Every ranked project fits in {}.", metrics::money(funds)),
        });
    }
    Ok(View::single(table))
}

/// `3`, `-1`, `0.5`: a weight without float noise.
fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        x.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[test]
    fn missing_scores_count_as_zero_and_are_named() {
        let v = json!({"id": "p", "title": "P", "sponsor": "s", "manager": "m",
                       "state": "proposed", "phase": "x",
                       "scores": {"strategic_fit": 4, "risk": 2}});
        let p = Project::deserialize(&v).unwrap();
        let criteria = vec![
            ("strategic_fit".to_owned(), 3.0),
            ("value".to_owned(), 2.0),
            ("risk".to_owned(), -1.0),
        ];
        // 3 x 4 + (-1) x 2 = 10; value is missing.
        assert_eq!(weighted_score(&p, &criteria), (10.0, vec!["value"]));
    }
}
