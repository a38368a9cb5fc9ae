//! A document: one YAML mapping with a known `kind`, and where its nodes came from.

use super::Kind;
use super::refs::{self, Reference};
use crate::diagnostic::Span;
use crate::parse::{Seg, Spans};
use serde_json::Value;

/// A file that was read: its path and text (kept for snippets in reports).
pub struct File {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Document {
    /// Index of the file in [`crate::repository::Repository::files`].
    pub file: usize,
    pub kind: Kind,
    /// `id` and `project` when they are texts, read once: the portfolio's indices and
    /// every finding look them up.
    id: Option<Box<str>>,
    project: Option<Box<str>>,
    /// The references it makes, found as it is read (see [`refs`]).
    references: Vec<Reference>,
    pub value: Value,
    pub spans: Spans,
    /// Whether it passed its schema (typed views are only taken of valid documents).
    pub valid: bool,
}

impl Document {
    pub fn new(kind: Kind, value: Value, spans: Spans) -> Self {
        let text = |field| value.get(field).and_then(Value::as_str).map(Box::from);
        Document {
            file: 0,
            kind,
            id: text("id"),
            project: text("project"),
            references: refs::references(kind, &value),
            value,
            spans,
            valid: false,
        }
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The project it belongs to (a text `project` field).
    pub fn project(&self) -> Option<&str> {
        self.project.as_deref()
    }

    pub fn references(&self) -> &[Reference] {
        &self.references
    }

    /// A top-level text field.
    pub fn str(&self, field: &str) -> Option<&str> {
        self.value.get(field).and_then(Value::as_str)
    }

    pub fn span<'a>(&self, path: impl IntoIterator<Item = Seg<'a>>) -> Span {
        self.spans.value_at(&self.value, path)
    }

    pub fn key_span<'a>(&self, path: impl IntoIterator<Item = Seg<'a>>) -> Span {
        self.spans.key_at(&self.value, path)
    }

    /// The document itself: the line and column of its first key.
    pub fn mapping_span(&self) -> Span {
        self.spans.mapping_at(&self.value, [])
    }
}
