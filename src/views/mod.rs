//! Views: the portfolio as tables (`ls`, `portfolio`, `capacity`, `rank`, `export`), every
//! figure taken from [`crate::metrics`] so that views, rules and reports agree.

pub mod capacity;
pub mod export;
pub mod ls;
pub(crate) mod machine;
pub mod periods;
pub mod portfolio;
pub mod rank;
mod table;

pub use table::{Cell, Column, Table, machine_number};

/// What a view gives machines (one flat table for CSV and JSON, every figure in its own
/// column) and, where that is too wide to read, what it shows people instead.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub data: Table,
    /// Titled tables for the terminal and Markdown; empty: show `data`.
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: Option<String>,
    pub table: Table,
}

impl View {
    pub fn single(data: Table) -> View {
        View {
            data,
            sections: Vec::new(),
        }
    }
}
