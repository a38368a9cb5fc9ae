//! Where every node of a document came from, kept beside its JSON value.
//!
//! One flat vector per document in pre-order (one allocation instead of one per node);
//! a collection's entry records the size of its subtree so a lookup can skip siblings.
//! Object entries are in insertion order, matching the `serde_json` map (built with
//! `preserve_order`), so the k-th key of a map is the k-th child here.

use crate::diagnostic::{Pos, Span};
use serde_json::Value;

#[derive(Debug, Clone, Copy)]
pub struct NodeSpan {
    /// The value itself.
    pub span: Span,
    /// The key this value is stored under; line 0 (no line has it) when its parent is not
    /// a mapping. An `Option` would take four more bytes of every node.
    key: Span,
    /// Entries in this subtree, itself included, with [`ALIAS`] set for an alias: its
    /// expansion has no spans of its own, every path inside points here.
    size_and_alias: u32,
}

const ALIAS: u32 = 1 << 31;

impl NodeSpan {
    pub(crate) fn new(span: Span, key: Option<Span>, alias: bool) -> Self {
        NodeSpan {
            span,
            key: key.unwrap_or_default(),
            size_and_alias: if alias { ALIAS | 1 } else { 1 },
        }
    }

    /// The key this value is stored under, when its parent is a mapping.
    pub fn key(&self) -> Option<Span> {
        (self.key.start.line != 0).then_some(self.key)
    }

    pub(crate) fn size(&self) -> u32 {
        self.size_and_alias & !ALIAS
    }

    /// A file holds far fewer than 2^31 nodes: the byte limit bounds them.
    pub(crate) fn set_size(&mut self, size: u32) {
        self.size_and_alias = (self.size_and_alias & ALIAS) | (size & !ALIAS);
    }

    pub(crate) fn alias(&self) -> bool {
        self.size_and_alias & ALIAS != 0
    }
}

/// A step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

#[derive(Debug, Clone, Default)]
pub struct Spans(pub(crate) Vec<NodeSpan>);

impl Spans {
    /// The node at `path`, or the deepest node on the way when the path leaves the document.
    pub fn locate<'a>(
        &self,
        root: &Value,
        path: impl IntoIterator<Item = Seg<'a>>,
    ) -> Option<&NodeSpan> {
        self.0.get(self.locate_idx(root, path)?)
    }

    fn locate_idx<'a>(
        &self,
        root: &Value,
        path: impl IntoIterator<Item = Seg<'a>>,
    ) -> Option<usize> {
        let mut idx = 0;
        let mut value = root;
        for seg in path {
            if self.0.get(idx)?.alias() {
                return Some(idx);
            }
            let index = match seg {
                Seg::Index(i) => Some(i),
                Seg::Key(k) => k.parse().ok(),
            };
            let (k, child) = match (value, seg, index) {
                (Value::Object(map), Seg::Key(key), _) => match map.get(key) {
                    Some(child) => (map.keys().position(|k| k == key)?, child),
                    None => return Some(idx),
                },
                (Value::Array(items), _, Some(i)) => match items.get(i) {
                    Some(child) => (i, child),
                    None => return Some(idx),
                },
                _ => return Some(idx),
            };
            let mut child_idx = idx + 1;
            for _ in 0..k {
                child_idx += self.0.get(child_idx)?.size() as usize;
            }
            idx = child_idx;
            value = child;
        }
        Some(idx)
    }

    /// Where to point for a value at `path`.
    pub fn value_at<'a>(&self, root: &Value, path: impl IntoIterator<Item = Seg<'a>>) -> Span {
        self.locate(root, path).map(|n| n.span).unwrap_or_default()
    }

    /// Where to point for a key at `path` (an unknown field): the key, else the value.
    pub fn key_at<'a>(&self, root: &Value, path: impl IntoIterator<Item = Seg<'a>>) -> Span {
        self.locate(root, path)
            .map(|n| n.key().unwrap_or(n.span))
            .unwrap_or_default()
    }

    /// Where to point for a mapping (a missing field): the line and column of its first
    /// key, or the mapping itself when it is empty.
    pub fn mapping_at<'a>(&self, root: &Value, path: impl IntoIterator<Item = Seg<'a>>) -> Span {
        // No spans at all (a value built in code, not read): nothing to point at.
        let Some((idx, node)) = self
            .locate_idx(root, path)
            .and_then(|idx| Some((idx, *self.0.get(idx)?)))
        else {
            return Span::default();
        };
        let first_key = match node.alias() || node.size() < 2 {
            true => None,
            false => self.0.get(idx + 1).and_then(NodeSpan::key),
        };
        first_key.unwrap_or(node.span)
    }

    /// The path to the deepest node at `pos`, each step with the value it leads to. A
    /// position at the start of a mapping is the mapping itself, not its first key: that
    /// is where [`Spans::mapping_at`] points.
    pub fn path_to<'v>(&self, root: &'v Value, pos: Pos) -> Vec<(Seg<'v>, &'v Value)> {
        let mut out = Vec::new();
        let (mut idx, mut value) = (0, root);
        let inside = |s: Span| s.start <= pos && (pos < s.end || pos == s.start);
        while let Some(node) = self.0.get(idx) {
            if node.alias() {
                break;
            }
            let children: Box<dyn Iterator<Item = (Seg<'v>, &'v Value)>> = match value {
                Value::Object(map) => Box::new(map.iter().map(|(k, v)| (Seg::Key(k), v))),
                Value::Array(items) => {
                    Box::new(items.iter().enumerate().map(|(i, v)| (Seg::Index(i), v)))
                }
                _ => break,
            };
            let mut child_idx = idx + 1;
            let mut next = None;
            for (seg, child) in children {
                let Some(c) = self.0.get(child_idx) else {
                    break;
                };
                let at_key = c
                    .key()
                    .is_some_and(|k| inside(k) && !(k.start == node.span.start && pos == k.start));
                if inside(c.span) || at_key {
                    next = Some((child_idx, seg, child));
                    break;
                }
                child_idx += c.size() as usize;
            }
            let Some((child_idx, seg, child)) = next else {
                break;
            };
            out.push((seg, child));
            idx = child_idx;
            value = child;
        }
        out
    }

    /// The document's root: where a finding about the whole document points.
    pub fn root(&self) -> Span {
        self.0.first().map(|n| n.span).unwrap_or_default()
    }
}

/// The value at `path` in `root`, when the path is in it.
pub fn value_in<'v>(root: &'v Value, path: &[Seg<'_>]) -> Option<&'v Value> {
    path.iter().try_fold(root, |value, seg| match (seg, value) {
        (Seg::Key(k), Value::Object(map)) => map.get(*k),
        (Seg::Index(i), Value::Array(items)) => items.get(*i),
        _ => None,
    })
}

/// Parse a JSON pointer (`/a/0/b`) into path segments. Numeric segments are indexes;
/// [`Spans::locate`] only treats them as such inside a sequence.
pub fn pointer_segments(pointer: &str) -> Vec<String> {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `baseline.budget`, `approvals[1].by`: a path as people write it.
pub fn display_path(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_without_spans_points_nowhere_rather_than_panicking() {
        let spans = Spans(Vec::new());
        let value = serde_json::json!({"a": 1});
        assert_eq!(spans.mapping_at(&value, []), Span::default());
        assert_eq!(spans.mapping_at(&value, [Seg::Key("a")]), Span::default());
    }
}
