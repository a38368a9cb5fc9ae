//! A view's [`Table`] in the forms machines read: CSV and JSON rows, full precision, no
//! separators. `pmo export` writes them and reports embed them, so they sit with the
//! views; `render::table` re-exports them beside the human forms.

use super::{Cell, Table, machine_number};
use crate::escape;
use serde_json::{Map, Value, json};

/// CSV with the column keys as header; totals follow the rows. Numbers are plain (no
/// thousands separators), so that spreadsheets read them as numbers; text is escaped
/// ([`escape::csv`]): one line, and no formula.
pub fn csv(table: &Table) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut write = |record: Vec<String>| {
        // Writing to memory cannot fail.
        let _ = w.write_record(&record);
    };
    write(table.columns.iter().map(|c| c.key.clone()).collect());
    for row in table.rows.iter().chain(&table.footer) {
        write(
            row.iter()
                .map(|c| match c.plain() {
                    Cell::Text(t) => escape::csv(t).into_owned(),
                    _ => machine_text(c),
                })
                .collect(),
        );
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// A cell as plain text for machines: full precision, no separators. A sum past what a
/// float holds is empty, as it is `null` in JSON.
pub fn machine_text(cell: &Cell) -> String {
    if let Some(x) = machine_number(cell) {
        return match x.is_finite() {
            true => x.to_string(),
            false => String::new(),
        };
    }
    match cell.plain() {
        Cell::Bool(b) => b.to_string(),
        other => other.display(),
    }
}

/// A cell as a JSON value: numbers as numbers, empty cells as null.
pub fn json_value(cell: &Cell) -> Value {
    if let Some(x) = machine_number(cell) {
        return json!(x);
    }
    match cell.plain() {
        Cell::Empty => Value::Null,
        Cell::Int(n) => json!(n),
        Cell::Bool(b) => json!(b),
        other => Value::String(other.display()),
    }
}

/// One JSON object per row, keyed by column.
pub fn json_rows(table: &Table, rows: &[Vec<Cell>]) -> Vec<Value> {
    rows.iter()
        .map(|row| {
            let object: Map<String, Value> = table
                .columns
                .iter()
                .zip(row)
                .map(|(c, cell)| (c.key.clone(), json_value(cell)))
                .collect();
            Value::Object(object)
        })
        .collect()
}
