//! The shape every view produces: named, typed columns and rows of typed cells, so one
//! renderer gives the terminal table, Markdown, CSV and JSON of any view.

use crate::model::Rag;
use jiff::civil::Date;
use std::cmp::Ordering;

#[derive(Debug, Clone)]
pub struct Column {
    /// The machine name: JSON key and CSV header, snake_case.
    pub key: String,
    /// The header people read.
    pub label: String,
}

impl Column {
    pub fn new(key: impl Into<String>, label: impl Into<String>) -> Column {
        Column {
            key: key.into(),
            label: label.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// A number shown with this many decimals (JSON and CSV keep it whole).
    Number(f64, usize),
    /// An amount of money, shown with thousands separators and no cents.
    Money(f64),
    Date(Date),
    Rag(Rag),
    Bool(bool),
    /// A value to draw attention to (over capacity, over tolerance): red in a terminal,
    /// bold in Markdown; machine formats show the value itself.
    Alert(Box<Cell>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt<T>(value: Option<T>, f: impl FnOnce(T) -> Cell) -> Cell {
        value.map_or(Cell::Empty, f)
    }

    /// A document's value as a cell: scalars as they are, lists of text joined with
    /// `list_separator`, anything else as JSON text.
    pub fn from_json(value: Option<&serde_json::Value>, list_separator: &str) -> Cell {
        use serde_json::Value;
        match value {
            None | Some(Value::Null) => Cell::Empty,
            Some(Value::String(s)) => Cell::text(s.as_str()),
            Some(Value::Bool(b)) => Cell::Bool(*b),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Cell::Int)
                .unwrap_or_else(|| Cell::Number(n.as_f64().unwrap_or_default(), 2)),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => Cell::text(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(list_separator),
            ),
            Some(other) => Cell::text(other.to_string()),
        }
    }

    pub fn alert_if(self, alert: bool) -> Cell {
        if alert {
            Cell::Alert(Box::new(self))
        } else {
            self
        }
    }

    /// The value behind any emphasis.
    pub fn plain(&self) -> &Cell {
        match self {
            Cell::Alert(inner) => inner.plain(),
            other => other,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self.plain(),
            Cell::Int(_) | Cell::Number(..) | Cell::Money(_)
        )
    }

    /// How people read it: `1,250,000`, `0.93`, `2026-11-20`, `red`.
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Number(x, decimals) => format!("{:.decimals$}", unsigned_zero(*x)),
            Cell::Money(x) => crate::metrics::money(unsigned_zero(x.round())),
            Cell::Date(d) => d.to_string(),
            Cell::Rag(r) => r.as_str().to_owned(),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
            Cell::Alert(inner) => inner.display(),
        }
    }

    /// Order for `--sort`: empty cells last, numbers by value, RAG from green to red,
    /// text by its characters.
    pub fn compare(&self, other: &Cell) -> Ordering {
        let number = |c: &Cell| match c {
            Cell::Int(n) => Some(*n as f64),
            Cell::Number(x, _) | Cell::Money(x) => Some(*x),
            _ => None,
        };
        match (self.plain(), other.plain()) {
            (Cell::Empty, Cell::Empty) => Ordering::Equal,
            (Cell::Empty, _) => Ordering::Greater,
            (_, Cell::Empty) => Ordering::Less,
            (Cell::Rag(a), Cell::Rag(b)) => a.cmp(b),
            (Cell::Date(a), Cell::Date(b)) => a.cmp(b),
            (a, b) => match (number(a), number(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a.display().cmp(&b.display()),
            },
        }
    }
}

/// `-0.0` (a sum of nothing, a rounded tiny negative) reads as 0.
fn unsigned_zero(x: f64) -> f64 {
    if x == 0.0 { 0.0 } else { x }
}

/// The value machines get: money to the cent (no float noise such as
/// `59499.99999999999`), other numbers as computed; `-0.0` as 0.
pub fn machine_number(cell: &Cell) -> Option<f64> {
    match cell.plain() {
        Cell::Money(x) => Some(crate::metrics::cents(*x)),
        Cell::Number(x, _) => Some(unsigned_zero(*x)),
        _ => None,
    }
}

/// A view as a table. `footer` rows are totals: drawn under the rows, kept apart in JSON.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    pub footer: Vec<Vec<Cell>>,
    /// Lines printed under the table (what an empty cell or a split total means).
    pub notes: Vec<String>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            ..Table::default()
        }
    }

    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }

    /// Sort the rows by a column (stable: ties keep their order). Empty cells stay last
    /// either way.
    pub fn sort_by(&mut self, column: usize, descending: bool) {
        self.rows.sort_by(|a, b| {
            let (x, y) = (&a[column], &b[column]);
            match (x.plain(), y.plain()) {
                (Cell::Empty, _) | (_, Cell::Empty) => x.compare(y),
                _ if descending => y.compare(x),
                _ => x.compare(y),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorting_keeps_empty_cells_last() {
        let mut t = Table::new(vec![Column::new("n", "N")]);
        t.rows = vec![
            vec![Cell::Int(2)],
            vec![Cell::Empty],
            vec![Cell::Money(10.0)],
            vec![Cell::Alert(Box::new(Cell::Number(3.5, 1)))],
        ];
        t.sort_by(0, true);
        let shown: Vec<String> = t.rows.iter().map(|r| r[0].display()).collect();
        assert_eq!(shown, ["10", "3.5", "2", ""]);
        t.sort_by(0, false);
        let shown: Vec<String> = t.rows.iter().map(|r| r[0].display()).collect();
        assert_eq!(shown, ["2", "3.5", "10", ""]);
    }

    #[test]
    fn rag_sorts_from_green_to_red() {
        assert_eq!(
            Cell::Rag(Rag::Green).compare(&Cell::Rag(Rag::Red)),
            Ordering::Less
        );
    }
}
