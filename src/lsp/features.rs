//! What the server answers: hovers, completions, definitions and code actions, each
//! from the engine's repository and its latest report.

use super::convert::{self, Columns};
use super::cursor::{self, Cursor, Step};
use crate::check::Report;
use crate::diagnostic::{Diagnostic, Pos};
use crate::escape;
use crate::fix::Lines;
use crate::model::{Document, Kind, refs};
use crate::repository::Repository;
use crate::schema::navigate;
use lsp_types as lsp;
use serde_json::Value;
use std::collections::HashMap;

/// The most completions sent at once; the editor asks again as the word grows.
const MOST: usize = 200;

/// The file a request is about, as the editor has it.
pub struct At<'a> {
    pub path: &'a str,
    pub lines: Lines<'a>,
    pub uri: &'a lsp::Uri,
    pub columns: Columns,
}

impl At<'_> {
    /// The 1-based position of the editor's `position`.
    fn pos(&self, position: lsp::Position) -> Pos {
        let column = self.columns.column(&self.lines, position);
        Pos {
            line: position.line.saturating_add(1),
            column: u32::try_from(column).unwrap_or(u32::MAX).saturating_add(1),
        }
    }

    fn cursor(&self, position: lsp::Position) -> Option<Cursor> {
        cursor::at(
            self.lines.text(),
            position.line as usize,
            self.columns.column(&self.lines, position),
        )
    }
}

/// The findings at the cursor with their rule's explanation, else the explanation of a
/// rule code under it (`rule: K002` in a waiver), else what a referenced id is.
pub fn hover(
    at: &At<'_>,
    position: lsp::Position,
    report: &Report,
    repo: Option<&Repository>,
) -> Option<lsp::Hover> {
    let pos = at.pos(position);
    let catalogue = repo
        .map(|r| crate::rules::catalogue(&r.config))
        .unwrap_or_default();
    let explain = |code: &str| {
        catalogue
            .iter()
            .find(|r| r.code.as_str() == code)
            .map(crate::rules::explanation)
    };
    let here: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| d.file == at.path && d.span.start <= pos && pos <= d.span.end.max(d.span.start))
        .collect();
    let mut parts = Vec::new();
    for d in &here {
        let mut text = format!(
            "**{}** {}: {}",
            d.code,
            d.severity.as_str(),
            escape::markdown(&d.message)
        );
        if let Some(help) = &d.help {
            text += &format!("\n\nhelp: {}", escape::markdown(help));
        }
        parts.push(text);
    }
    let mut codes: Vec<&str> = here.iter().map(|d| d.code.as_str()).collect();
    codes.dedup();
    parts.extend(codes.iter().filter_map(|c| explain(c)));
    if parts.is_empty() {
        let cursor = at.cursor(position)?;
        let word = cursor.word.2.as_str();
        if let Some(text) = explain(word) {
            parts.push(format!("**{word}** {text}"));
        } else if let Some(doc) = repo.and_then(|r| target(r, &cursor)) {
            let repo = repo?;
            let title = doc.str("title").or_else(|| doc.str("name")).unwrap_or("");
            parts.push(format!(
                "{} `{}`: {}\n\n{}",
                doc.kind,
                escape::markdown(doc.id().unwrap_or("")),
                escape::markdown(title),
                escape::markdown(repo.path(doc))
            ));
        }
    }
    (!parts.is_empty()).then(|| lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: parts.join("\n\n---\n\n"),
        }),
        range: None,
    })
}

/// The document a reference under the cursor names: of the field's kind where the field
/// is a reference, else any document with that id.
fn target<'r>(repo: &'r Repository, cursor: &Cursor) -> Option<&'r Document> {
    let id = cursor.word.2.as_str();
    if id.is_empty() {
        return None;
    }
    let kind = cursor.kind.and_then(|k| reference_kind(k, &cursor.path));
    repo.documents
        .iter()
        .find(|d| d.id() == Some(id) && kind.is_none_or(|k| d.kind == k))
}

/// The kind a field at `path` of a `kind` document refers to.
fn reference_kind(kind: Kind, path: &[Step]) -> Option<Kind> {
    kind.spec().references.iter().find_map(|&(steps, target)| {
        let same = steps.len() == path.len()
            && steps.iter().zip(path).all(|(s, p)| match (s, p) {
                (refs::Step::Field(f), Step::Key(k)) => f == k,
                (refs::Step::Each, Step::Item) => true,
                _ => false,
            });
        same.then_some(target)
    })
}

/// Ids where a field takes a reference; the values a field's schema allows.
pub fn complete(
    at: &At<'_>,
    position: lsp::Position,
    repo: &Repository,
) -> Option<lsp::CompletionResponse> {
    let cursor = at.cursor(position)?;
    if !cursor.value {
        return None;
    }
    let kind = cursor.kind?;
    let (start, end, word) = &cursor.word;
    let range = lsp::Range {
        start: lsp::Position {
            line: position.line,
            character: units(at, position.line, *start),
        },
        end: lsp::Position {
            line: position.line,
            character: units(at, position.line, *end),
        },
    };
    let item = |label: &str, detail: Option<String>, kind| lsp::CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range,
            new_text: label.to_owned(),
        })),
        ..Default::default()
    };
    let lower = word.to_lowercase();
    let matches = |s: &str| s.to_lowercase().contains(&lower);
    if let Some(target) = reference_kind(kind, &cursor.path) {
        let mut items: Vec<lsp::CompletionItem> = repo
            .documents
            .iter()
            .filter(|d| d.kind == target)
            .filter_map(|d| Some((d, d.id()?)))
            .filter(|(_, id)| matches(id))
            .take(MOST + 1)
            .map(|(d, id)| {
                let title = d.str("title").or_else(|| d.str("name")).map(str::to_owned);
                item(id, title, lsp::CompletionItemKind::REFERENCE)
            })
            .collect();
        let incomplete = items.len() > MOST;
        items.truncate(MOST);
        return Some(lsp::CompletionResponse::List(lsp::CompletionList {
            is_incomplete: incomplete,
            items,
        }));
    }
    let schema = &repo.schemas().get(kind).json;
    let path: Vec<crate::parse::Seg<'_>> = cursor
        .path
        .iter()
        .map(|s| match s {
            Step::Key(k) => crate::parse::Seg::Key(k),
            Step::Item => crate::parse::Seg::Index(0),
        })
        .collect();
    let mut values: Vec<&str> = navigate::at_path(schema, &path)
        .iter()
        .filter_map(|n| n.get("enum").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    values.dedup();
    let items: Vec<lsp::CompletionItem> = values
        .into_iter()
        .filter(|v| matches(v))
        .map(|v| item(v, None, lsp::CompletionItemKind::ENUM_MEMBER))
        .collect();
    (!items.is_empty()).then_some(lsp::CompletionResponse::Array(items))
}

/// The editor's column of character column `chars` on line `line`.
fn units(at: &At<'_>, line: u32, chars: usize) -> u32 {
    at.columns
        .position(
            &at.lines,
            Pos {
                line: line.saturating_add(1),
                column: u32::try_from(chars).unwrap_or(u32::MAX).saturating_add(1),
            },
        )
        .character
}

/// The document a reference under the cursor names.
pub fn definition(
    at: &At<'_>,
    position: lsp::Position,
    repo: &Repository,
    columns: Columns,
    uri_of: impl Fn(&str) -> lsp::Uri,
) -> Option<lsp::Location> {
    let cursor = at.cursor(position)?;
    let doc = target(repo, &cursor)?;
    let path = repo.path(doc);
    let lines = Lines::new(repo.text(path).unwrap_or(""));
    Some(lsp::Location {
        uri: uri_of(path),
        range: columns.range(&lines, doc.mapping_span()),
    })
}

/// A quick fix for each finding with a fix in `range`.
pub fn actions(
    at: &At<'_>,
    range: lsp::Range,
    report: &Report,
    docs: &str,
) -> Vec<lsp::CodeActionOrCommand> {
    let (from, to) = (at.pos(range.start), at.pos(range.end));
    report
        .diagnostics
        .iter()
        .filter(|d| d.file == at.path && d.span.start <= to && from <= d.span.end)
        .filter_map(|d| {
            let fix = d.fix.as_ref()?;
            let edits = fix
                .edits
                .iter()
                .map(|e| {
                    let (start, end, new) = crate::fix::resolve(&at.lines, e)?;
                    Some(lsp::TextEdit {
                        range: lsp::Range {
                            start: at.columns.position(&at.lines, at.lines.pos(start)),
                            end: at.columns.position(&at.lines, at.lines.pos(end)),
                        },
                        new_text: new,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            let diagnostic = convert::diagnostic(d, &at.lines, at.columns, docs, |_| None);
            Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: fix.title.clone(),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(at.uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }))
        })
        .collect()
}
