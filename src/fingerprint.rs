//! One stable fingerprint per finding: what a baseline of known findings, SARIF
//! `partialFingerprints` and the GitLab report match on across commits.
//!
//! A fingerprint is made from the rule code, the document's identity (its `id`; the file
//! path when it has none, as for a file that does not parse or a `pmo.yaml` problem) and
//! the field the finding points at, as a key path in which list elements are named by
//! their key (a milestone by its `name`, an approval by `by` and `date`), never by index
//! or line. Moving a finding down the file, or inserting a list element before it,
//! changes none of these. Findings that share all three (two missing fields of one
//! mapping) are told apart by their order in the report: `…:1`, `…:2`.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Pos};
use crate::parse::{self, Limits, Seg, Spans};
use crate::repository::Repository;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::Value;
use std::collections::HashMap;
use std::hash::Hasher;

/// The fields that name a list element, tried in order; the first combination the
/// element has (all as scalars) names it.
const ELEMENT_KEYS: &[&[&str]] = &[
    &["name"],          // milestones
    &["by", "date"],    // change approvals
    &["person"],        // allocations
    &["phase", "date"], // gate decisions
    &["rule", "id"],    // waivers in pmo.yaml
    &["id"],
    &["url"], // links
];

/// A document a finding may point into: its identity, value and spans.
type Doc<'a> = (Option<&'a str>, &'a Value, &'a Spans);

/// Fill in `fingerprint` of every finding, in report order. `repo` gives the documents;
/// `config_text` is the text the `pmo.yaml` findings point into (the change's own file
/// under a base).
pub fn assign(diagnostics: &mut [Diagnostic], repo: Option<&Repository>, config_text: &str) {
    assign_with(diagnostics, repo, config_text, &mut Memo::default());
}

/// The bases of fingerprints already made, by file, then code and position: a base
/// depends on nothing else but the documents of its file.
#[derive(Default)]
pub struct Memo(FxHashMap<String, FxHashMap<(Code, Pos), u64>>);

impl Memo {
    /// Forgets the bases of findings in `path`, whose documents changed.
    pub fn forget(&mut self, path: &str) {
        self.0.remove(path);
    }
}

/// [`assign`], with the bases `memo` holds, and keeping those it makes.
pub fn assign_with(
    diagnostics: &mut [Diagnostic],
    repo: Option<&Repository>,
    config_text: &str,
    memo: &mut Memo,
) {
    let known = |d: &Diagnostic| {
        memo.0
            .get(d.file.as_str())
            .and_then(|bases| bases.get(&(d.code, d.span.start)))
            .copied()
    };
    let config = diagnostics
        .iter()
        .any(|d| d.file == crate::config::FILE && known(d).is_none())
        .then(|| {
            parse::load(
                crate::config::FILE,
                config_text.as_bytes(),
                &Limits::default(),
            )
        });
    let bases: Vec<(u64, bool)> = diagnostics
        .par_iter()
        .map(|d| {
            if let Some(base) = known(d) {
                return (base, false);
            }
            let docs: Vec<Doc<'_>> = match (&config, repo) {
                (Some(config), _) if d.file == crate::config::FILE => config
                    .docs
                    .iter()
                    .map(|doc| (None, &doc.value, &doc.spans))
                    .collect(),
                (_, Some(repo)) => documents_of(repo, &d.file),
                _ => Vec::new(),
            };
            (base(d, &docs), true)
        })
        .collect();
    let mut seen: HashMap<u64, u32> = HashMap::with_capacity(bases.len());
    for (d, (base, new)) in diagnostics.iter_mut().zip(bases) {
        if new {
            memo.0
                .entry(d.file.clone())
                .or_default()
                .insert((d.code, d.span.start), base);
        }
        let n = seen.entry(base).or_insert(0);
        *n += 1;
        d.fingerprint = format!("{base:016x}:{n}");
    }
}

/// The documents of the file at `path`: files and documents are both in path order.
fn documents_of<'a>(repo: &'a Repository, path: &str) -> Vec<Doc<'a>> {
    let Ok(file) = repo.files.binary_search_by(|f| f.path.as_str().cmp(path)) else {
        return Vec::new();
    };
    repo.documents[repo.documents_of(file)]
        .iter()
        .map(|d| (d.id(), &d.value, &d.spans))
        .collect()
}

/// The hash of code, identity and key path.
fn base(d: &Diagnostic, docs: &[Doc<'_>]) -> u64 {
    let (identity, path) = match document_at(docs, d.span.start) {
        Some((id, value, spans)) => (id.unwrap_or(&d.file), key_path(value, spans, d.span.start)),
        None => (d.file.as_str(), String::new()),
    };
    let mut h = fnv::FnvHasher::default();
    for part in [d.code.as_str(), identity, &path] {
        h.write(part.as_bytes());
        // A separator no part holds: `a`+`bc` and `ab`+`c` differ.
        h.write_u8(0);
    }
    h.finish()
}

/// The document of a file that a position falls in: the last one starting at or
/// before it (a file usually holds one).
fn document_at<'a>(docs: &[Doc<'a>], pos: Pos) -> Option<Doc<'a>> {
    docs.iter()
        .rev()
        .find(|(_, _, spans)| spans.root().start <= pos)
        .or_else(|| docs.first())
        .copied()
}

/// The field at `pos` as a key path: `milestones[Go-live].forecast`,
/// `approvals[carol 2026-01-10]`; empty for the document itself.
pub fn key_path(value: &Value, spans: &Spans, pos: Pos) -> String {
    let mut out = String::new();
    for (seg, element) in spans.path_to(value, pos) {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(_) => {
                out.push('[');
                out.push_str(&element_name(element));
                out.push(']');
            }
        }
    }
    out
}

/// A list element by its key fields, a scalar by itself, anything else by a hash of
/// its content.
fn element_name(element: &Value) -> String {
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    if let Some(s) = scalar(element) {
        return s;
    }
    if let Value::Object(map) = element {
        for keys in ELEMENT_KEYS {
            let parts: Option<Vec<String>> =
                keys.iter().map(|k| map.get(*k).and_then(scalar)).collect();
            if let Some(parts) = parts {
                return parts.join(" ");
            }
        }
    }
    let mut h = fnv::FnvHasher::default();
    h.write(element.to_string().as_bytes());
    format!("#{:08x}", h.finish() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(text: &str, line: u32, column: u32) -> String {
        let file = parse::load("t.yaml", text.as_bytes(), &Limits::default());
        let doc = &file.docs[0];
        key_path(&doc.value, &doc.spans, Pos { line, column })
    }

    #[test]
    fn list_elements_are_named_by_their_key() {
        let text = "kind: project\nmilestones:\n  - name: Design\n    baseline: 2026-01-01\n  - name: Go-live\n    baseline: 2026-06-01\n";
        assert_eq!(path(text, 6, 15), "milestones[Go-live].baseline");
        // The mapping itself (its first key): the element, not its first field.
        assert_eq!(path(text, 5, 5), "milestones[Go-live]");
        assert_eq!(path(text, 5, 11), "milestones[Go-live].name");
        assert_eq!(path(text, 1, 1), "");
        assert_eq!(path(text, 1, 7), "kind");
    }

    #[test]
    fn approvals_gates_and_scalars_are_named_by_content() {
        let text = "approvals:\n  - {by: carol, date: 2026-01-10, decision: approved}\nroles: [ccb, sponsor]\nlinks:\n  - {title: a}\n";
        assert_eq!(path(text, 2, 40), "approvals[carol 2026-01-10].decision");
        assert_eq!(path(text, 3, 14), "roles[sponsor]");
        assert!(
            path(text, 5, 13).starts_with("links[#"),
            "{}",
            path(text, 5, 13)
        );
    }
}
