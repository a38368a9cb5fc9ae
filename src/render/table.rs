//! A view's [`Table`] as a terminal table, a GitHub-flavoured Markdown table, CSV or JSON.
//! Cell text goes through the escaping of the format ([`crate::escape`]); notes are
//! pmo's sentences around ids, codes and numbers the schemas constrain, shown with only
//! their hidden characters escaped.

use crate::escape;
pub use crate::views::machine::{csv, json_rows, json_value, machine_text};
use crate::views::{Cell, Table};
use comfy_table::{
    Attribute, CellAlignment, Color, ColumnConstraint, ContentArrangement, Width, presets,
};
use serde_json::{Map, Value, json};

/// A terminal table that fits the terminal's width; RAG cells and alerts are coloured
/// when `color` is on.
pub fn terminal(table: &Table, color: bool) -> String {
    let mut t = comfy_table::Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    // The width to fit is the terminal's, when stdout is one; piped output keeps rows
    // whole. Styles are only ever added when colour is on.
    if color {
        t.enforce_styling();
    }
    t.set_header(table.columns.iter().map(|c| escape::terminal(&c.label)));
    for row in &table.rows {
        t.add_row(row.iter().map(|c| styled(c, color, false)));
    }
    for row in &table.footer {
        t.add_row(row.iter().map(|c| styled(c, color, true)));
    }
    for (i, column) in t.column_iter_mut().enumerate() {
        if numeric(table, i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
        // On a narrow terminal only free text wraps: ids, numbers, dates and RAG values
        // broken over lines are unreadable.
        // Text keeps a readable width even when the table then overflows.
        column.set_constraint(if i == 0 || !free_text(table, i) {
            ColumnConstraint::ContentWidth
        } else {
            let widest = table
                .rows
                .iter()
                .map(|r| r[i].display().chars().count())
                .max()
                .unwrap_or(0);
            ColumnConstraint::LowerBoundary(Width::Fixed(widest.min(16) as u16))
        });
    }
    let mut out = t.to_string();
    out.push('\n');
    for note in &table.notes {
        out += &escape::terminal(note);
        out.push('\n');
    }
    out
}

fn styled(cell: &Cell, color: bool, bold: bool) -> comfy_table::Cell {
    let mut text = escape::terminal(&cell.display()).into_owned();
    // Without colour, a mark keeps alerts visible.
    if !color && matches!(cell, Cell::Alert(_)) {
        text.push('!');
    }
    let mut out = comfy_table::Cell::new(text);
    if !color {
        return out;
    }
    if bold {
        out = out.add_attribute(Attribute::Bold);
    }
    match cell {
        Cell::Rag(rag) => out.fg(match rag {
            crate::model::Rag::Green => Color::Green,
            crate::model::Rag::Amber => Color::Yellow,
            crate::model::Rag::Red => Color::Red,
        }),
        Cell::Alert(_) => out.fg(Color::Red).add_attribute(Attribute::Bold),
        _ => out,
    }
}

/// Whether a column holds text that may wrap (a title, a list of names).
fn free_text(table: &Table, column: usize) -> bool {
    table
        .rows
        .iter()
        .chain(&table.footer)
        .any(|r| matches!(r[column].plain(), Cell::Text(t) if t.contains(' ')))
}

/// Whether a column holds numbers (right-aligned): it has a number and no text.
fn numeric(table: &Table, column: usize) -> bool {
    let cells = || table.rows.iter().chain(&table.footer).map(|r| &r[column]);
    cells().any(Cell::is_numeric)
        && cells().all(|c| c.is_numeric() || matches!(c.plain(), Cell::Empty))
}

/// A GitHub-flavoured Markdown table, fit for a pull-request comment or a wiki.
pub fn markdown(table: &Table) -> String {
    let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = line(
        table
            .columns
            .iter()
            .map(|c| escape::markdown(&c.label).into_owned())
            .collect(),
    );
    out += &line(
        (0..table.columns.len())
            .map(|i| if numeric(table, i) { "--:" } else { "---" }.to_owned())
            .collect(),
    );
    let md = |c: &Cell, bold: bool| {
        let text = escape::markdown(&c.display()).into_owned();
        if text.is_empty() {
            text
        } else if bold || matches!(c, Cell::Alert(_)) {
            format!("**{text}**")
        } else {
            text
        }
    };
    for row in &table.rows {
        out += &line(row.iter().map(|c| md(c, false)).collect());
    }
    for row in &table.footer {
        out += &line(row.iter().map(|c| md(c, true)).collect());
    }
    if !table.notes.is_empty() {
        out.push('\n');
        // A note can quote a document (a configuration error names its key): plain
        // text, escaped as every cell is.
        for note in &table.notes {
            out += &format!("{}\n", escape::markdown(note));
        }
    }
    out
}

/// The JSON of a view: `{"version": 1, ..about, "rows": [..], "totals": [..], "notes": [..]}`
/// (`totals` only where the view has them).
pub fn json(table: &Table, about: Map<String, Value>) -> String {
    let mut object = Map::new();
    object.insert("version".into(), json!(1));
    object.extend(about);
    object.insert("rows".into(), json_rows(table, &table.rows).into());
    if !table.footer.is_empty() {
        object.insert("totals".into(), json_rows(table, &table.footer).into());
    }
    object.insert("notes".into(), json!(table.notes));
    serde_json::to_string_pretty(&Value::Object(object)).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rag;
    use crate::views::Column;

    fn sample() -> Table {
        let mut t = Table::new(vec![
            Column::new("id", "ID"),
            Column::new("budget", "Budget"),
            Column::new("rag", "RAG"),
        ]);
        t.rows = vec![
            vec![
                Cell::text("a|b"),
                Cell::Money(1_250_000.4),
                Cell::Rag(Rag::Red),
            ],
            vec![Cell::text("c"), Cell::Empty, Cell::Empty],
        ];
        t.footer = vec![vec![
            Cell::text("Total"),
            Cell::Money(1_250_000.4),
            Cell::Empty,
        ]];
        t
    }

    #[test]
    fn markdown_escapes_pipes_and_right_aligns_numbers() {
        let md = markdown(&sample());
        assert_eq!(
            md,
            "| ID | Budget | RAG |\n| --- | --: | --- |\n| a\\|b | 1,250,000 | red |\n| c |  |  |\n| **Total** | **1,250,000** |  |\n"
        );
    }

    #[test]
    fn csv_keeps_numbers_plain_and_quotes_when_needed() {
        let t = Table {
            rows: vec![vec![Cell::text("x, y"), Cell::Money(1e6), Cell::Empty]],
            footer: vec![],
            ..sample()
        };
        assert_eq!(csv(&t), "id,budget,rag\n\"x, y\",1000000,\n");
    }

    #[test]
    fn csv_neutralises_formulas_but_keeps_numbers() {
        let t = Table {
            rows: vec![vec![
                Cell::text("=cmd|' /C calc'!A0"),
                Cell::Money(-2.5),
                Cell::text("-2+3"),
            ]],
            footer: vec![vec![Cell::text("-12"), Cell::Int(-3), Cell::text("a\nb")]],
            ..sample()
        };
        assert_eq!(
            csv(&t),
            "id,budget,rag\n'=cmd|' /C calc'!A0,-2.5,'-2+3\n-12,-3,a\\nb\n"
        );
    }

    #[test]
    fn json_types_its_values() {
        let rows = json_rows(&sample(), &sample().rows);
        assert_eq!(
            rows[0],
            json!({"id": "a|b", "budget": 1_250_000.4, "rag": "red"})
        );
        assert_eq!(rows[1]["budget"], Value::Null);
    }
}
