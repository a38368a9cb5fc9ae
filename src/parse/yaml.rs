//! YAML text -> JSON values with spans, in one pass over a stream of YAML events: those of
//! the fast reader (`fast.rs`) for the part of YAML it reads, saphyr's for the rest.
//!
//! Building the tree ourselves (rather than through a YAML DOM) is what lets us report
//! duplicate keys (P004), bound nesting and alias expansion as the file is read (P005),
//! and record where every node came from (see [`Spans`]).
//!
//! Values follow the YAML 1.2 core schema, explicit tags included (`!!int "12"` is 12).
//! What pmo does not read is refused with a P001 that says which it is: collections and
//! aliases as keys, `<<` merge keys, tags outside the core schema. The YAML test suite
//! checks all of it (`suite.rs`).

use super::fast::{self, Unsupported};
use super::input::Text;
use super::scalar::{resolve_core, resolve_plain};
use super::spans::{NodeSpan, Spans};
use super::{p001_invalid_yaml as p001, p004_duplicate_key as p004, p005_rejected_file as p005};
use crate::code::Code;
use crate::diagnostic::{Diagnostic, Pos, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Tag};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// The guards of SPEC section 1 against hostile or accidental input.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    pub max_depth: usize,
    /// Alias expansion may add at most this many times the file's own nodes.
    pub alias_factor: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: crate::source::MAX_BYTES,
            max_depth: 128,
            alias_factor: 10,
        }
    }
}

/// What to do with a file over the size limit.
/// One YAML document of a file. Empty documents are dropped by the loader.
#[derive(Debug, Clone)]
pub struct YamlDoc {
    pub value: Value,
    pub spans: Spans,
}

/// Everything a file yielded: its documents (those complete before any fatal error) and
/// the parse diagnostics (P001, P004, P005).
#[derive(Debug, Default)]
pub struct YamlFile {
    pub docs: Vec<YamlDoc>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Read one file's bytes. Never fails: every problem becomes a diagnostic on `file`.
pub fn load(file: &str, bytes: &[u8], limits: &Limits) -> YamlFile {
    if bytes.len() > limits.max_bytes {
        let reason = crate::source::file::too_large(bytes.len() as u64, limits.max_bytes);
        return YamlFile::fatal(p005::too_large(file, &reason));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let pos = Pos::after(std::str::from_utf8(valid).unwrap_or_default());
            return YamlFile::fatal(p005::not_utf8(file, pos, bytes[e.valid_up_to()]));
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    read_text(file, text, limits, true).0
}

/// Read `text`, with the fast reader first when `try_fast`; and whether it read the text.
pub(super) fn read_text(
    file: &str,
    text: &str,
    limits: &Limits,
    try_fast: bool,
) -> (YamlFile, bool) {
    SCRATCH.with_borrow_mut(|scratch| {
        let mut builder = Builder::new(file, limits, true, scratch);
        if try_fast {
            let fast = fast::read(text, |event, span| {
                builder.event(event, span).map_err(|Stop| Unsupported)
            });
            if fast.is_ok() {
                return (builder.finish(), true);
            }
            // Beyond the fast reader's part of YAML: saphyr reads the file from the start.
            builder = Builder::new(file, limits, true, builder.scratch);
        }
        builder.run(text);
        if builder.alias_budget_deferred && !builder.over_alias_budget() {
            // Aliases early in the file outran the nodes read so far, but the whole file
            // is within budget: read it again without the running check (bounded by the
            // budget).
            builder = Builder::new(file, limits, false, builder.scratch);
            builder.run(text);
        }
        (builder.finish(), false)
    })
}

thread_local! {
    /// Each parsing thread's [`Scratch`], reused from file to file.
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// The open collections of a file being read, on stacks shared by all of them: a
/// collection's items (or entries) are moved out at its end into a vector (or map) of
/// exactly their number, and a document's spans are copied out at its end. Growing every
/// collection one push at a time was a tenth of the work of loading a repository.
#[derive(Default)]
struct Scratch {
    stack: Vec<Frame>,
    items: Vec<Value>,
    entries: Vec<(String, Value)>,
    spans: Vec<NodeSpan>,
}

impl Scratch {
    /// Empty, and no larger than an ordinary file needs once an unusual one was read.
    fn reset(&mut self) {
        const KEEP: usize = 1 << 14;
        self.stack.clear();
        self.items.clear();
        self.entries.clear();
        self.spans.clear();
        self.stack.shrink_to(KEEP);
        self.items.shrink_to(KEEP);
        self.entries.shrink_to(KEEP);
        self.spans.shrink_to(KEEP);
    }
}

impl YamlFile {
    /// Whether the file could not be read as YAML at all (P001, P005): its documents are
    /// then the ones before the error, if any, and do not stand for the file.
    pub fn is_unreadable(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| matches!(d.code, Code::P001 | Code::P005))
    }

    fn fatal(d: Diagnostic) -> Self {
        YamlFile {
            docs: Vec::new(),
            diagnostics: vec![d],
        }
    }
}

pub(super) fn span_of(s: saphyr_parser::Span) -> Span {
    Span {
        start: pos_of(s.start),
        end: pos_of(s.end),
    }
}

fn pos_of(m: saphyr_parser::Marker) -> Pos {
    Pos {
        line: m.line() as u32,
        column: m.col() as u32 + 1,
    }
}

/// An open collection. `first` is where its items (or entries) begin on the scratch
/// stack, `start` where its own span is in the document's spans.
enum Frame {
    Seq {
        first: usize,
        start: usize,
        anchor: usize,
        nodes_at_start: usize,
    },
    Map {
        first: usize,
        start: usize,
        anchor: usize,
        nodes_at_start: usize,
        key: Option<PendingKey>,
        /// Key -> position among the entries, once there are too many to compare one by
        /// one (duplicate keys are looked for on every key).
        index: Option<HashMap<String, usize>>,
    },
}

/// Up to this many entries, a new key is compared with each earlier one.
const LINEAR_KEYS: usize = 24;

struct PendingKey {
    name: String,
    span: Span,
    /// A repeated key: its value is read (anchors in it stay usable) and then dropped.
    duplicate: bool,
    spans_len: usize,
}

/// Why reading stopped early.
struct Stop;

struct Builder<'f> {
    file: &'f str,
    limits: Limits,
    /// Check the alias budget as we go (false on a re-read of a file known to be within it).
    running_budget: bool,
    alias_budget_deferred: bool,
    scratch: &'f mut Scratch,
    anchors: HashMap<usize, (Value, usize)>,
    /// Nodes written in the file (keys, values, aliases).
    own_nodes: usize,
    /// Nodes added by alias expansion.
    expanded_nodes: usize,
    root_is_empty: bool,
    docs: Vec<YamlDoc>,
    diagnostics: Vec<Diagnostic>,
}

impl<'f> Builder<'f> {
    fn new(file: &'f str, limits: &Limits, running_budget: bool, scratch: &'f mut Scratch) -> Self {
        scratch.reset();
        Builder {
            file,
            limits: *limits,
            running_budget,
            alias_budget_deferred: false,
            scratch,
            anchors: HashMap::new(),
            own_nodes: 0,
            expanded_nodes: 0,
            root_is_empty: false,
            docs: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn over_alias_budget(&self) -> bool {
        self.expanded_nodes > self.limits.alias_factor.saturating_mul(self.own_nodes)
    }

    fn run(&mut self, text: &str) {
        for event in Parser::new(Text::new(text)) {
            let step = match event {
                Ok((event, span)) => self.event(event, span_of(span)),
                Err(e) => Err(self.scan_error(&e, text)),
            };
            if step.is_err() {
                return;
            }
        }
    }

    fn finish(mut self) -> YamlFile {
        if self.over_alias_budget() && self.diagnostics.iter().all(|d| d.code != Code::P005) {
            self.docs.clear();
            self.diagnostics.push(p005::alias_bomb(
                self.file,
                self.expanded_nodes,
                self.limits.alias_factor,
                self.own_nodes,
            ));
        }
        YamlFile {
            docs: self.docs,
            diagnostics: self.diagnostics,
        }
    }

    fn scan_error(&mut self, e: &ScanError, text: &str) -> Stop {
        let m = e.marker();
        let (mut line, mut column) = (m.line() as u32, m.col() as u32 + 1);
        if e.info().contains("tab") {
            (line, column) = tab_near(text, e.info(), line, column).unwrap_or((line, column));
        }
        let mut span = point_in(text, line, column);
        if e.info() == "recursion limit exceeded" {
            // The scanner's own bound on flow nesting, met before ours when it reads ahead:
            // point where ours is passed, as it is for any other nesting.
            let block = self.block_collections_open(text);
            if let Some(at) = (self.limits.max_depth + 1)
                .checked_sub(block)
                .and_then(|level| flow_opener(text, span.start, level))
            {
                span = point_in(text, at.line, at.column);
            }
            self.docs.clear();
            return self.fail(p005::too_deep(self.file, span, self.limits.max_depth));
        }
        self.fail(p001::syntax(self.file, span, e.info()))
    }

    /// The open collections that are not flow collections (whose span starts at their
    /// bracket): the scanner counts flow levels, some of which may already be open here.
    fn block_collections_open(&self, text: &str) -> usize {
        let lines: Vec<&str> = text.lines().collect();
        let opens_flow = |pos: Pos| {
            let line = lines
                .get(pos.line as usize - 1)
                .copied()
                .unwrap_or_default();
            matches!(line.chars().nth(pos.column as usize - 1), Some('[' | '{'))
        };
        self.scratch
            .stack
            .iter()
            .filter(|frame| {
                let (Frame::Seq { start, .. } | Frame::Map { start, .. }) = frame;
                let pos = self.scratch.spans.get(*start).map(|n| n.span.start);
                !pos.is_some_and(opens_flow)
            })
            .count()
    }

    /// Stop reading at `d`, the finding that says why.
    fn fail(&mut self, d: Diagnostic) -> Stop {
        self.diagnostics.push(d);
        Stop
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Stop> {
        match event {
            Event::DocumentStart(_) => {
                self.scratch.spans.clear();
                self.anchors.clear();
                self.root_is_empty = false;
            }
            Event::Scalar(text, style, anchor, tag) => {
                // A key's tag is checked too; the key stays the text it is written as.
                let tagged = match &tag {
                    Some(tag) => Some(self.tagged(tag, &text, span)?),
                    None => None,
                };
                if self.expecting_key() {
                    if style == ScalarStyle::Plain && tag.is_none() && text == "<<" {
                        return Err(self.fail(p001::merge_key(self.file, span)));
                    }
                    if anchor > 0 {
                        // An anchored key can be copied as a value (`*name`), never as a key.
                        self.anchors
                            .insert(anchor, (Value::String(exact(&text)), 1));
                    }
                    return self.key(exact(&text), span);
                }
                self.own_nodes += 1;
                let value = match tagged {
                    Some(value) => value,
                    None if style == ScalarStyle::Plain => resolve_plain(&text),
                    None => Value::String(exact(&text)),
                };
                if self.scratch.stack.is_empty() {
                    // No text at all: an empty document (`~` or `null` is a written null).
                    // saphyr's span for it reaches over the next `---` or `...`.
                    self.root_is_empty =
                        style == ScalarStyle::Plain && tag.is_none() && text.is_empty();
                }
                if anchor > 0 {
                    self.anchors.insert(anchor, (value.clone(), 1));
                }
                self.push_span(span, false);
                self.complete(value);
            }
            Event::Alias(anchor) => {
                if self.expecting_key() {
                    return Err(self.fail(p001::alias_key(self.file, span)));
                }
                self.own_nodes += 1;
                let Some((value, size)) = self.anchors.get(&anchor) else {
                    return Err(self.fail(p001::undefined_alias(self.file, span)));
                };
                let size = *size;
                self.expanded_nodes = self.expanded_nodes.saturating_add(size);
                let value = if self.running_budget && self.over_alias_budget() {
                    // Stop expanding; `load` decides at the end whether the file is a bomb.
                    self.alias_budget_deferred = true;
                    Value::Null
                } else {
                    value.clone()
                };
                self.push_span(span, true);
                self.complete(value);
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if self.expecting_key() {
                    return Err(self.fail(p001::collection_key(self.file, span)));
                }
                if let Some(tag) = tag {
                    let seq = matches!(event, Event::SequenceStart(..));
                    self.tagged_collection(tag, seq, span)?;
                }
                if self.scratch.stack.len() >= self.limits.max_depth {
                    self.docs.clear();
                    let d = p005::too_deep(self.file, span, self.limits.max_depth);
                    return Err(self.fail(d));
                }
                self.own_nodes += 1;
                let start = self.scratch.spans.len();
                self.push_span(span, false);
                let nodes_at_start = self.own_nodes + self.expanded_nodes - 1;
                let frame = if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq {
                        first: self.scratch.items.len(),
                        start,
                        anchor,
                        nodes_at_start,
                    }
                } else {
                    Frame::Map {
                        first: self.scratch.entries.len(),
                        start,
                        anchor,
                        nodes_at_start,
                        key: None,
                        index: None,
                    }
                };
                self.scratch.stack.push(frame);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let scratch = &mut *self.scratch;
                let (value, start, anchor, nodes_at_start) = match scratch.stack.pop() {
                    Some(Frame::Seq {
                        first,
                        start,
                        anchor,
                        nodes_at_start,
                    }) => {
                        let items = scratch.items.drain(first..).collect();
                        (Value::Array(items), start, anchor, nodes_at_start)
                    }
                    Some(Frame::Map {
                        first,
                        start,
                        anchor,
                        nodes_at_start,
                        ..
                    }) => {
                        let entries = scratch.entries.drain(first..);
                        let mut map = Map::with_capacity(entries.len());
                        map.extend(entries);
                        (Value::Object(map), start, anchor, nodes_at_start)
                    }
                    None => return Ok(()),
                };
                let spans = &mut self.scratch.spans;
                let size = spans.len() - start;
                if let Some(node) = spans.get_mut(start) {
                    node.set_size(size as u32);
                    node.span.end = span.end.max(node.span.end);
                }
                if anchor > 0 {
                    let nodes = self.own_nodes + self.expanded_nodes - nodes_at_start;
                    self.anchors.insert(anchor, (value.clone(), nodes));
                }
                self.complete(value);
            }
            Event::DocumentEnd | Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
        Ok(())
    }

    /// The value of a scalar with an explicit tag: `!` (non-specific) makes it a string,
    /// a tag of the YAML 1.2 core schema converts it as that schema says; any other tag,
    /// or a text its tag does not allow, is refused.
    fn tagged(&mut self, tag: &Tag, text: &str, span: Span) -> Result<Value, Stop> {
        if is_non_specific(tag) {
            return Ok(Value::String(exact(text)));
        }
        let Some(core) = core_tag(tag).filter(|t| !matches!(*t, "seq" | "map")) else {
            let d = match core_tag(tag) {
                Some(t) => p001::tag_misfit(self.file, span, t, "single value"),
                None => return Err(self.unsupported_tag(tag, span)),
            };
            return Err(self.fail(d));
        };
        if let Some(value) = resolve_core(core, text) {
            return Ok(value);
        }
        if !matches!(core, "str" | "null" | "bool" | "int" | "float") {
            return Err(self.unsupported_tag(tag, span));
        }
        Err(self.fail(p001::not_of_tag(self.file, span, text, core)))
    }

    /// A collection's explicit tag: `!`, `!!seq` on a sequence and `!!map` on a mapping are
    /// what it is anyway; anything else is refused.
    fn tagged_collection(&mut self, tag: &Tag, seq: bool, span: Span) -> Result<(), Stop> {
        if is_non_specific(tag) {
            return Ok(());
        }
        let what = if seq { "sequence" } else { "mapping" };
        match core_tag(tag) {
            Some("seq") if seq => Ok(()),
            Some("map") if !seq => Ok(()),
            Some(t @ ("seq" | "map" | "str" | "null" | "bool" | "int" | "float")) => {
                Err(self.fail(p001::tag_misfit(self.file, span, t, what)))
            }
            _ => Err(self.unsupported_tag(tag, span)),
        }
    }

    fn unsupported_tag(&mut self, tag: &Tag, span: Span) -> Stop {
        self.fail(p001::unsupported_tag(self.file, span, &show_tag(tag)))
    }

    fn expecting_key(&self) -> bool {
        matches!(
            self.scratch.stack.last(),
            Some(Frame::Map { key: None, .. })
        )
    }

    fn key(&mut self, name: String, span: Span) -> Result<(), Stop> {
        self.own_nodes += 1;
        let Scratch {
            stack,
            entries,
            spans,
            ..
        } = &mut *self.scratch;
        let spans_len = spans.len();
        let Some(Frame::Map {
            first,
            key,
            start,
            index,
            ..
        }) = stack.last_mut()
        else {
            return Ok(());
        };
        let earlier = match index {
            Some(index) => index.get(&name).copied(),
            None => entries[*first..].iter().position(|(k, _)| *k == name),
        };
        let duplicate = earlier.is_some();
        let first = earlier.and_then(|k| {
            let mut idx = *start + 1;
            for _ in 0..k {
                idx += spans.get(idx).map_or(1, |n| n.size() as usize);
            }
            spans.get(idx).and_then(NodeSpan::key)
        });
        if duplicate {
            self.diagnostics
                .push(p004::finding(self.file, span, &name, first));
        }
        *key = Some(PendingKey {
            name,
            span,
            duplicate,
            spans_len,
        });
        Ok(())
    }

    fn push_span(&mut self, span: Span, alias: bool) {
        let key = match self.scratch.stack.last() {
            Some(Frame::Map { key: Some(k), .. }) => Some(k.span),
            _ => None,
        };
        self.scratch.spans.push(NodeSpan::new(span, key, alias));
    }

    /// A value is complete: store it in its parent, or finish the document.
    fn complete(&mut self, value: Value) {
        let Scratch {
            stack,
            items,
            entries,
            spans,
        } = &mut *self.scratch;
        match stack.last_mut() {
            Some(Frame::Seq { .. }) => items.push(value),
            Some(Frame::Map {
                first, key, index, ..
            }) => {
                let Some(k) = key.take() else { return };
                if k.duplicate {
                    spans.truncate(k.spans_len);
                    return;
                }
                let position = entries.len() - *first;
                match index {
                    Some(index) => {
                        index.insert(k.name.clone(), position);
                    }
                    None if position == LINEAR_KEYS => {
                        let keys = entries[*first..].iter().map(|(k, _)| k.clone());
                        let mut all: HashMap<String, usize> = keys.zip(0..).collect();
                        all.insert(k.name.clone(), position);
                        *index = Some(all);
                    }
                    None => {}
                }
                entries.push((k.name, value));
            }
            None => {
                let doc_spans = Spans(spans.to_vec());
                spans.clear();
                if !self.root_is_empty {
                    self.docs.push(YamlDoc {
                        value,
                        spans: doc_spans,
                    });
                }
            }
        }
    }
}

/// Where to point for a parser error at `line` and `column`: the character there, or the
/// place just after a line's text. An error met at the end of the file (an unclosed
/// bracket or quote) is placed just after its last text, on a line that exists and shows in
/// the snippet; nothing points past the end of the file.
fn point_in(text: &str, line: u32, column: u32) -> Span {
    let lines = text.lines().count() as u32;
    let (line, column) = if line > lines || line == 0 {
        let end = Pos::after(text.trim_end());
        (end.line, end.column)
    } else {
        (line, column.max(1))
    };
    let length = text
        .lines()
        .nth(line as usize - 1)
        .map_or(0, |l| l.chars().count()) as u32;
    let start = Pos {
        line,
        column: column.min(length + 1),
    };
    let end = Pos {
        line,
        column: (start.column + 1).min(length + 1),
    };
    Span { start, end }
}

/// The `[` or `{` that opens flow level `level`, found back from `past`, the opener the
/// scanner stopped at (at its highest level, 256). Brackets in quoted text may skew it;
/// it is only ever a place to point at.
fn flow_opener(text: &str, past: Pos, level: usize) -> Option<Pos> {
    const SCANNER_LEVEL: usize = 256;
    let line_start = text
        .split_inclusive('\n')
        .take(past.line as usize - 1)
        .map(str::len)
        .sum::<usize>();
    let offset = line_start
        + text[line_start..]
            .char_indices()
            .nth(past.column as usize - 1)?
            .0;
    let (mut current, mut closed) = (SCANNER_LEVEL, 0usize);
    for (i, c) in text[..offset].char_indices().rev() {
        match c {
            ']' | '}' => closed += 1,
            '[' | '{' if closed > 0 => closed -= 1,
            '[' | '{' => {
                current -= 1;
                if current == level {
                    return Some(Pos::after(&text[..i]));
                }
                if current == 0 {
                    return None;
                }
            }
            _ => {}
        }
    }
    None
}

/// The tab a parser error about a tab at `line` and `column` is about: the scanner marks a
/// plain scalar a tab broke at the scalar's start, lines before the tab, and other
/// errors after the tabs of an indentation or before the tab.
fn tab_near(text: &str, info: &str, line: u32, column: u32) -> Option<(u32, u32)> {
    let lines = || text.lines().enumerate().map(|(i, l)| (i as u32 + 1, l));
    // Spaces and tabs are one byte: in an indentation the byte is the column.
    let in_indentation = |l: &str| {
        let indentation = &l[..l.len() - l.trim_start_matches([' ', '\t']).len()];
        indentation.find('\t').map(|at| at as u32 + 1)
    };
    if info.contains("plain scalar") {
        return lines()
            .skip(line as usize)
            .find_map(|(n, l)| Some((n, in_indentation(l)?)));
    }
    let (_, marked) = lines().nth(line.checked_sub(1)? as usize)?;
    if let Some(at) = in_indentation(marked) {
        return Some((line, at));
    }
    lines().skip(line as usize - 1).find_map(|(n, l)| {
        let from = if n == line { column as usize - 1 } else { 0 };
        let at = l.chars().skip(from).position(|c| c == '\t')?;
        Some((n, (from + at) as u32 + 1))
    })
}

/// `!` alone: the node is what it looks like, except that a scalar is a string.
fn is_non_specific(tag: &Tag) -> bool {
    tag.handle.is_empty() && tag.suffix == "!"
}

/// The name of a tag of the YAML 1.2 core schema (`int` for `!!int`), however written.
fn core_tag(tag: &Tag) -> Option<&str> {
    const CORE: &str = "tag:yaml.org,2002:";
    match tag.is_yaml_core_schema() {
        true => Some(&tag.suffix),
        // Written in full: `!<tag:yaml.org,2002:str>`.
        false if tag.handle.is_empty() => tag.suffix.strip_prefix(CORE),
        false => None,
    }
}

/// A tag as it can be written: `!!int`, `!local`, or the full name `!<tag:...>`.
fn show_tag(tag: &Tag) -> String {
    let full = format!("{}{}", tag.handle, tag.suffix);
    match core_tag(tag) {
        Some(core) => format!("!!{core}"),
        None if full.starts_with('!') => full,
        None => format!("!<{full}>"),
    }
}

/// A copy of the scanner's text sized to fit: the scanner's own strings carry spare
/// capacity, which kept in 100,000 documents would nearly double the memory held.
fn exact(text: &str) -> String {
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::spans::Seg;
    use serde_json::json;

    fn load_str(text: &str) -> YamlFile {
        load("t.yaml", text.as_bytes(), &Limits::default())
    }

    #[test]
    fn values_and_spans() {
        let f = load_str("kind: risk\nid: r1\nowner: bob\nlist:\n  - a\n  - {x: 1, y: [2, 3]}\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let d = &f.docs[0];
        assert_eq!(
            d.value,
            json!({"kind": "risk", "id": "r1", "owner": "bob", "list": ["a", {"x": 1, "y": [2, 3]}]})
        );
        let owner = d.spans.locate(&d.value, [Seg::Key("owner")]).unwrap();
        assert_eq!((owner.span.start.line, owner.span.start.column), (3, 8));
        assert_eq!(owner.key().unwrap().start.column, 1);
        let y1 = d.spans.value_at(
            &d.value,
            [
                Seg::Key("list"),
                Seg::Index(1),
                Seg::Key("y"),
                Seg::Index(1),
            ],
        );
        assert_eq!((y1.start.line, y1.start.column), (6, 19));
        let m = d.spans.mapping_at(&d.value, []);
        assert_eq!((m.start.line, m.start.column), (1, 1));
    }

    #[test]
    fn unicode_columns_count_characters() {
        let f = load_str("title: \"Café ünïcode\"\nowner: bob\n");
        let d = &f.docs[0];
        let t = d.spans.value_at(&d.value, [Seg::Key("title")]);
        assert_eq!(t.end.column, 22);
        let f = load_str("title: Ärger\nx: é\n");
        let d = &f.docs[0];
        assert_eq!(d.spans.value_at(&d.value, [Seg::Key("x")]).start.column, 4);
    }

    #[test]
    fn duplicate_keys_keep_the_first_and_report_the_second() {
        let f = load_str("a: 1\nb: {c: 2}\nb: {d: 3}\ne: 4\n");
        assert_eq!(f.diagnostics.len(), 1);
        let d = &f.diagnostics[0];
        assert_eq!(
            (d.code, d.span.start.line, d.span.start.column),
            (Code::P004, 3, 1)
        );
        assert_eq!(d.related[0].span.start.line, 2);
        let doc = &f.docs[0];
        assert_eq!(doc.value, json!({"a": 1, "b": {"c": 2}, "e": 4}));
        assert_eq!(
            doc.spans.value_at(&doc.value, [Seg::Key("e")]).start.line,
            4
        );
    }

    #[test]
    fn duplicate_keys_are_found_in_large_mappings() {
        // Past LINEAR_KEYS entries, keys are looked up in an index instead of compared.
        let mut text: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        text += "k3: again\nk39: again\nnested: {a: 1, a: 2}\n";
        let f = load_str(&text);
        let found: Vec<_> = f
            .diagnostics
            .iter()
            .map(|d| (d.code, d.span.start.line, d.related[0].span.start.line))
            .collect();
        assert_eq!(
            found,
            [
                (Code::P004, 41, 4),
                (Code::P004, 42, 40),
                (Code::P004, 43, 43)
            ]
        );
        let doc = &f.docs[0];
        assert_eq!(doc.value["k3"], json!(3));
        assert_eq!(doc.value["nested"], json!({"a": 1}));
        assert_eq!(doc.value.as_object().unwrap().len(), 41);
        let nested = doc.spans.value_at(&doc.value, [Seg::Key("nested")]);
        assert_eq!(nested.start.line, 43);
    }

    #[test]
    fn empty_documents_are_ignored() {
        assert!(load_str("").docs.is_empty());
        assert!(load_str("# only a comment\n").docs.is_empty());
        let f = load_str("kind: a\n---\n");
        assert_eq!(f.docs.len(), 1);
        assert_eq!(load_str("~\n").docs.len(), 1);
        // Empty documents between separators, with or without a comment or an end marker.
        for text in [
            "---\n---\nkind: a\n",
            "---\n# only a comment\n---\nkind: a\n",
            "kind: a\n---\n...\n",
            "---\n...\n---\nkind: a\n---\n",
        ] {
            let f = load_str(text);
            assert_eq!(f.docs.len(), 1, "{text:?}");
            assert!(f.diagnostics.is_empty(), "{text:?}");
        }
        assert!(load_str("---\n...\n").docs.is_empty());
    }

    #[test]
    fn bom_and_crlf() {
        let f = load(
            "t.yaml",
            "\u{feff}kind: risk\r\nid: x\r\n".as_bytes(),
            &Limits::default(),
        );
        assert!(f.diagnostics.is_empty());
        let d = &f.docs[0];
        assert_eq!(d.value, json!({"kind": "risk", "id": "x"}));
        let id = d.spans.value_at(&d.value, [Seg::Key("id")]);
        assert_eq!((id.start.line, id.start.column), (2, 5));
    }

    #[test]
    fn aliases_expand_and_point_at_the_alias() {
        let f = load_str("base: &b {x: 1}\ncopy: *b\n");
        let d = &f.docs[0];
        assert_eq!(d.value["copy"], json!({"x": 1}));
        let x = d
            .spans
            .value_at(&d.value, [Seg::Key("copy"), Seg::Key("x")]);
        assert_eq!((x.start.line, x.start.column), (2, 7));
    }

    #[test]
    fn alias_bomb_is_rejected() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text += &format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            );
        }
        let f = load_str(&text);
        assert!(f.docs.is_empty());
        assert_eq!(f.diagnostics[0].code, Code::P005);
        assert!(f.diagnostics[0].message.contains("aliases expand"));
    }

    #[test]
    fn early_aliases_within_the_whole_file_budget_are_accepted() {
        let mut text = String::from(
            "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
        );
        for i in 0..200 {
            text += &format!("k{i}: v\n");
        }
        let f = load_str(&text);
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(f.docs[0].value["b"][11], json!([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let f = load_str(&text);
        assert_eq!(f.diagnostics[0].code, Code::P005);
        let text = (0..10_000)
            .map(|i| format!("{}- \n", " ".repeat(i * 2)))
            .collect::<String>();
        let f = load_str(&text);
        assert_eq!(f.diagnostics[0].code, Code::P005);
        let ok = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(load_str(&ok).diagnostics.is_empty());
        let over = format!("{}{}", "[".repeat(129), "]".repeat(129));
        assert_eq!(load_str(&over).diagnostics[0].code, Code::P005);
        // Located at the bracket past the limit, however far the scanner read ahead.
        for (text, line, column) in [
            (
                format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)),
                1,
                129,
            ),
            (format!("{}{}", "[".repeat(129), "]".repeat(129)), 1, 129),
            // Level 127 of the flow collections under two block mappings: the 63rd `[`.
            (
                format!("a:\n  b: [[x], {}", "{y: [".repeat(300)),
                2,
                12 + 62 * 5 + 4,
            ),
        ] {
            let d = &load_str(&text).diagnostics[0];
            let at = (d.code, d.span.start.line, d.span.start.column);
            assert_eq!(at, (Code::P005, line, column), "{}", &text[..20]);
        }
    }

    #[test]
    fn broken_yaml_is_located() {
        let f = load_str("kind: risk\ntitle: \"unterminated\nowner: bob\n");
        assert_eq!(f.diagnostics[0].code, Code::P001);
        let f = load_str("kind: risk\n  id: x\n");
        assert_eq!(f.diagnostics[0].code, Code::P001);
        assert_eq!(f.diagnostics[0].span.start.line, 2);
        // Found only at the end of the file: located after the last text, not on a line
        // past the end.
        let f = load_str("kind: person\nroles: [a, b\n\n");
        let start = f.diagnostics[0].span.start;
        assert_eq!((start.line, start.column), (2, 13));
    }

    #[test]
    fn errors_met_at_the_end_of_the_file_end_inside_it() {
        for text in [
            "foo:\n  bar\ninvalid\n",
            "a: [b",
            "a: [b\n\n",
            "%YAML 1.2\n",
        ] {
            let f = load_str(text);
            let span = f.diagnostics[0].span;
            let end = Pos::after(text.trim_end());
            assert_eq!(
                (f.diagnostics[0].code, span.start),
                (Code::P001, end),
                "{text:?}"
            );
            assert_eq!(span.end, end, "{text:?}");
        }
        // Elsewhere the span covers the character the parser stopped at.
        let f = load_str("a: b\n  c: d\n");
        let span = f.diagnostics[0].span;
        assert_eq!((span.start.column, span.end.column), (4, 5));
    }

    #[test]
    fn a_tab_is_located_where_it_is() {
        let f = load_str("a: 1\nkey: val\n\tbad: tab\n");
        let start = f.diagnostics[0].span.start;
        assert_eq!((start.line, start.column), (3, 1));
        let f = load_str("a:\n  b: c\n  \td: e\n");
        let start = f.diagnostics[0].span.start;
        assert_eq!((start.line, start.column), (3, 3));
        let f = load_str("a:\n\tb: c\n");
        let start = f.diagnostics[0].span.start;
        assert_eq!((start.line, start.column), (2, 1));
        let f = load_str("a: |\n\t\nb: 1\n");
        let start = f.diagnostics[0].span.start;
        assert_eq!((start.line, start.column), (2, 1));
    }

    #[test]
    fn a_tab_may_separate_a_value_from_its_colon() {
        let f = load_str("kind:\trisk\nid:\t-1\nlist: [a,\tb]\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        let d = &f.docs[0];
        assert_eq!(
            d.value,
            json!({"kind": "risk", "id": -1, "list": ["a", "b"]})
        );
        let id = d.spans.value_at(&d.value, [Seg::Key("id")]);
        assert_eq!((id.start.line, id.start.column), (2, 5));
        // Only spaces indent a block collection, even after a tab.
        assert_eq!(load_str("? a\n:\t- b\n").diagnostics[0].code, Code::P001);
    }

    #[test]
    fn tags_of_the_core_schema_convert_the_value() {
        let text = "a: !!float \"1\"\nb: !!int \"0x1F\"\nc: !!bool \"true\"\nd: !!null \"\"\n\
                    e: !!str 12\nf: ! 12\ng: !!seq [1]\nh: !!map {x: !!str}\n\
                    i: !<tag:yaml.org,2002:int> '7'\n!!str j: ! {y: 2}\n";
        let f = load_str(text);
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(
            f.docs[0].value,
            json!({"a": 1.0, "b": 31, "c": true, "d": null, "e": "12", "f": "12",
                   "g": [1], "h": {"x": ""}, "i": 7, "j": {"y": 2}})
        );
        assert!(f.docs[0].value["a"].is_f64());
    }

    #[test]
    fn other_tags_and_values_a_tag_does_not_allow_are_refused() {
        for (text, column, says) in [
            ("a: !!int x\n", 4, "`x` is not a value of the tag `!!int`"),
            (
                "a: !!float .inf\n",
                4,
                "`.inf` is not a value of the tag `!!float`",
            ),
            (
                "a: !!bool yes\n",
                4,
                "`yes` is not a value of the tag `!!bool`",
            ),
            (
                "a: !!map [1]\n",
                4,
                "the tag `!!map` does not fit a sequence",
            ),
            (
                "a: !!seq x\n",
                4,
                "the tag `!!seq` does not fit a single value",
            ),
            (
                "a: !local x\n",
                4,
                "tags outside the YAML 1.2 core schema are not supported: `!local`",
            ),
            ("a: !!binary AAAA\n", 4, "not supported: `!!binary`"),
            ("a: !!set {x}\n", 4, "not supported: `!!set`"),
            (
                "a: !<tag:example.com,2000:x> y\n",
                4,
                "not supported: `!<tag:example.com,2000:x>`",
            ),
            ("!!int a: b\n", 1, "`a` is not a value of the tag `!!int`"),
            (
                "a: !!int |\n  one\n  two\n",
                4,
                "`one…` is not a value of the tag `!!int`",
            ),
        ] {
            let f = load_str(text);
            let d = &f.diagnostics[0];
            assert_eq!(
                (d.code, d.span.start.line, d.span.start.column),
                (Code::P001, 1, column),
                "{text:?}"
            );
            assert!(d.message.contains(says), "{text:?}: {}", d.message);
            assert!(d.help.is_some(), "{text:?}");
            let infinity = d.help.as_deref().unwrap_or_default().contains("infinity");
            assert_eq!(infinity, text.contains(".inf"), "{text:?}");
        }
    }

    #[test]
    fn an_anchored_key_can_be_copied_as_a_value() {
        let f = load_str("&k key: v\nother: *k\n? &q quoted\n: *q\n");
        assert!(f.diagnostics.is_empty(), "{:?}", f.diagnostics);
        assert_eq!(
            f.docs[0].value,
            json!({"key": "v", "other": "key", "quoted": "quoted"})
        );
    }

    #[test]
    fn merge_keys_and_complex_keys_are_refused_with_a_hint() {
        for (text, line, column, says) in [
            (
                "base: &b {x: 1}\nuse:\n  <<: *b\n",
                3,
                3,
                "`<<` merge keys are not supported",
            ),
            (
                "a: {<<: {x: 1}}\n",
                1,
                5,
                "`<<` merge keys are not supported",
            ),
            (
                "a: &a x\n*a : y\n",
                2,
                1,
                "aliases as mapping keys are not supported",
            ),
            (
                "[a, b]: c\n",
                1,
                1,
                "collections as mapping keys are not supported",
            ),
            (
                "? {a: b}\n: c\n",
                1,
                3,
                "collections as mapping keys are not supported",
            ),
        ] {
            let f = load_str(text);
            let d = &f.diagnostics[0];
            assert_eq!(
                (d.code, d.span.start.line, d.span.start.column),
                (Code::P001, line, column),
                "{text:?}"
            );
            assert!(d.message.contains(says), "{text:?}: {}", d.message);
        }
        // Quoted, `<<` is a key like any other.
        let f = load_str("'<<': x\n");
        assert_eq!(f.docs[0].value, json!({"<<": "x"}));
    }

    #[test]
    fn non_utf8_and_oversized_files() {
        let f = load("t.yaml", b"kind: risk\nid: caf\xe9\n", &Limits::default());
        assert_eq!(f.diagnostics[0].code, Code::P005);
        assert_eq!(
            (
                f.diagnostics[0].span.start.line,
                f.diagnostics[0].span.start.column
            ),
            (2, 8)
        );
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let f = load("t.yaml", b"kind: risk\nid: x\n", &limits);
        assert_eq!(f.diagnostics[0].code, Code::P005);
    }

    #[test]
    fn multiple_documents() {
        let f = load_str("---\nkind: a\n---\nkind: b\nx: &z 1\ny: *z\n");
        assert_eq!(f.docs.len(), 2);
        assert_eq!(f.docs[1].value, json!({"kind": "b", "x": 1, "y": 1}));
        let s = f.docs[1].spans.value_at(&f.docs[1].value, [Seg::Key("x")]);
        assert_eq!(s.start.line, 5);
    }
}
