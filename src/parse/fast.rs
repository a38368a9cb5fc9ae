//! A fast reader for the part of YAML that governance documents are written in.
//!
//! saphyr reads all of YAML one character at a time, and was the largest part of what
//! `pmo check` spent on a large portfolio. Nearly every document uses a small part of
//! YAML: block mappings and sequences, one-line plain and quoted scalars, one-line flow
//! collections and `|` / `>` block scalars. This module reads that part by bytes and gives the events,
//! with the spans, that saphyr gives for the same text. On anything else (anchors, tags,
//! multi-line plain or quoted scalars, escapes, tabs, CR, document markers, any error) it
//! gives up, and the file is read again by saphyr: what pmo accepts and reports is
//! saphyr's in every case. The tests compare the two, event by event, on every document
//! of the repository, on thousands of mutations of them and on thousands of documents
//! generated from a grammar of the constructs read here.

use crate::diagnostic::{Pos, Span};
use saphyr_parser::{Event, ScalarStyle};
use std::borrow::Cow;
use std::cell::Cell;

/// The text uses YAML this reader leaves to saphyr.
#[derive(Debug)]
pub struct Unsupported;

type Step<T = ()> = Result<T, Unsupported>;

/// Where the next content line starts: its indentation, or `None` at the end of the text.
type Next = Option<usize>;

/// Deeper documents are left to saphyr, whose reader enforces the nesting limit.
const MAX_DEPTH: usize = 32;

/// Longer keys are left to saphyr, which limits the length of an implicit key.
const MAX_KEY: usize = 512;

/// Feed `sink` the events saphyr would give for `text`, or stop with [`Unsupported`]
/// (after some events, possibly) where the text leaves the part of YAML read here.
pub fn read<'t>(text: &'t str, sink: impl FnMut(Event<'t>, Span) -> Step) -> Step {
    // Control characters (tabs and CR included) and byte order marks are saphyr's.
    let plain = text
        .bytes()
        .fold(true, |ok, b| ok & (b >= 0x20 || b == b'\n'));
    if !plain || text.contains('\u{feff}') {
        return Err(Unsupported);
    }
    // Where saphyr ends the collections of a text whose last line is a comment without a
    // line break depends on the comment: its own.
    let last_line = &text[text.rfind('\n').map_or(0, |i| i + 1)..];
    if last_line.contains('#') {
        return Err(Unsupported);
    }
    Reader {
        text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        line_start: 0,
        column: Cell::new((0, 0)),
        depth: 0,
        sink,
    }
    .stream()
}

struct Reader<'t, F> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    /// The line of `pos` (from 1) and where it starts.
    line: u32,
    line_start: usize,
    /// A byte of the current line and its column, from the last position computed.
    column: Cell<(usize, usize)>,
    depth: usize,
    sink: F,
}

/// Why a plain scalar ended on its line.
#[derive(PartialEq)]
enum Stop {
    /// At a `:` that makes it a key, at this byte.
    Colon(usize),
    /// At the end of the line or a comment.
    Line,
    /// At a flow indicator (`,[]{}`), in a flow collection.
    Flow,
    /// At text saphyr reports as an error.
    Refused,
}

fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Space, line break, or the end of the text (0: no other 0 byte gets this far).
fn is_blankz(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | 0)
}

impl<'t, F: FnMut(Event<'t>, Span) -> Step> Reader<'t, F> {
    fn stream(&mut self) -> Step {
        let start = self.point(0);
        self.emit(Event::StreamStart, start)?;
        // The root must be a block mapping starting at the first column.
        if self.next_content()? != Some(0) || self.is_entry() {
            return Err(Unsupported);
        }
        let start = self.point(self.pos);
        self.emit(Event::DocumentStart(false), start)?;
        if self.block_map(0)?.is_some() {
            return Err(Unsupported);
        }
        let end = self.token_point();
        self.emit(Event::DocumentEnd, end)?;
        self.emit(Event::StreamEnd, end)
    }

    // --- Block collections -------------------------------------------------------------

    /// A block mapping whose keys are at column `indent`; `pos` is at its first key.
    fn block_map(&mut self, indent: usize) -> Step<Next> {
        self.enter()?;
        let start = self.point(self.pos);
        self.emit(Event::MappingStart(0, None), start)?;
        let next = loop {
            let colon = self.key(false)?;
            let colon = self.pos_at(colon);
            let next = self.map_value(indent, colon)?;
            match next {
                Some(i) if i == indent && !self.is_entry() => continue,
                Some(i) if i < indent => break next,
                None => break next,
                _ => return Err(Unsupported),
            }
        };
        self.close_block(Event::MappingEnd, next)
    }

    /// A block sequence whose `-` are at column `indent`. `under_key`: it is the value of
    /// a mapping key at the same column, so a line there that is not an entry ends it.
    fn block_seq(&mut self, indent: usize, under_key: bool) -> Step<Next> {
        self.enter()?;
        // saphyr starts a sequence under a key at the same column at its first entry's
        // content, any other at its first `-`.
        let dash = self.pos;
        self.pos += 1;
        self.skip_spaces();
        let start = self.point(if under_key { self.pos } else { dash });
        self.emit(Event::SequenceStart(0, None), start)?;
        let next = loop {
            let next = match self.peek() {
                // An empty or nested entry (`-` alone, `- - x`).
                b'\n' | b'#' | 0 | b'-' if !self.plain_start(self.pos, false) => {
                    return Err(Unsupported);
                }
                _ if self.is_key() => self.block_map(self.pos - self.line_start)?,
                _ => self.inline_value(indent)?,
            };
            match next {
                Some(i) if i == indent && self.is_entry() => {
                    self.pos += 1;
                    self.skip_spaces();
                }
                Some(i) if i == indent && under_key => break next,
                Some(i) if i < indent => break next,
                None => break next,
                _ => return Err(Unsupported),
            }
        };
        self.close_block(Event::SequenceEnd, next)
    }

    /// The end of a block collection, at the next token, before the line `next` gives.
    fn close_block(&mut self, end: Event<'t>, next: Next) -> Step<Next> {
        let at = self.token_point();
        self.emit(end, at)?;
        self.depth -= 1;
        Ok(next)
    }

    /// The plain key at `pos`, emitted; `pos` ends after its `:`, whose byte is returned.
    /// In a flow mapping the `:` must follow the key directly.
    fn key(&mut self, in_flow: bool) -> Step<usize> {
        let start = self.pos;
        if !self.plain_start(start, in_flow) {
            return Err(Unsupported);
        }
        let (end, Stop::Colon(colon)) = self.plain(start, in_flow) else {
            return Err(Unsupported);
        };
        // saphyr measures a key's length up to its `:`, and refuses `:[` and `:{` after a
        // key in a flow mapping.
        let refused = in_flow && matches!(self.byte(colon + 1), b'[' | b'{');
        if colon - start > MAX_KEY || (in_flow && colon != end) || refused {
            return Err(Unsupported);
        }
        self.scalar(start, end, ScalarStyle::Plain)?;
        self.pos = colon + 1;
        Ok(colon)
    }

    /// A plain scalar value at `pos`, which must end as `stop` says.
    fn plain_value(&mut self, in_flow: bool, stop: Stop) -> Step {
        let start = self.pos;
        if !self.plain_start(start, in_flow) {
            return Err(Unsupported);
        }
        let (end, found) = self.plain(start, in_flow);
        if found != stop {
            return Err(Unsupported);
        }
        self.scalar(start, end, ScalarStyle::Plain)?;
        self.pos = end;
        Ok(())
    }

    /// The value after a key's `:` (at `colon`), of a mapping at column `indent`.
    fn map_value(&mut self, indent: usize, colon: Pos) -> Step<Next> {
        self.skip_spaces();
        if !matches!(self.peek(), b'\n' | b'#' | 0) {
            return self.inline_value(indent);
        }
        self.end_of_line()?;
        let next = self.next_content()?;
        match next {
            Some(i) if i > indent && self.is_entry() => self.block_seq(i, false),
            Some(i) if i > indent => self.block_map(i),
            Some(i) if i == indent && self.is_entry() => self.block_seq(i, true),
            _ => {
                self.empty(colon)?;
                Ok(next)
            }
        }
    }

    /// A value starting on this line at `pos`, in a block collection at column `indent`.
    fn inline_value(&mut self, indent: usize) -> Step<Next> {
        match self.peek() {
            b'[' => self.flow_seq()?,
            b'{' => self.flow_map()?,
            q @ (b'"' | b'\'') => self.quoted(q)?,
            c @ (b'|' | b'>') => return self.block_scalar(indent, c == b'|'),
            _ => self.plain_value(false, Stop::Line)?,
        }
        self.end_of_line()?;
        self.after_value(indent)
    }

    /// The next content line after a value of a collection at column `indent`. One
    /// indented further would continue the value (or be an error): saphyr's.
    fn after_value(&mut self, indent: usize) -> Step<Next> {
        let next = self.next_content()?;
        match next {
            Some(i) if i > indent => Err(Unsupported),
            _ => Ok(next),
        }
    }

    // --- Scalars -----------------------------------------------------------------------

    /// Whether a plain scalar can start at `at` (YAML 1.2, 7.3.3).
    fn plain_start(&self, at: usize, in_flow: bool) -> bool {
        match self.byte(at) {
            b'-' | b'?' | b':' => {
                let next = self.byte(at + 1);
                !(is_blankz(next) || (in_flow && is_flow(next)))
            }
            b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
            | b'"' | b'%' | b'@' | b'`' | b' ' | b'\n' | 0 => false,
            _ => true,
        }
    }

    /// The plain scalar from `start` on this line: where its text ends (trailing spaces
    /// excluded) and why it stopped.
    fn plain(&self, start: usize, in_flow: bool) -> (usize, Stop) {
        let mut end = start;
        let mut i = start;
        let stop = loop {
            match self.byte(i) {
                b'\n' | 0 => break Stop::Line,
                b':' => {
                    let next = self.byte(i + 1);
                    if is_blankz(next) || (in_flow && is_flow(next)) {
                        break Stop::Colon(i);
                    }
                }
                b'#' if self.byte(i - 1) == b' ' => break Stop::Line,
                c if in_flow && is_flow(c) => break Stop::Flow,
                // saphyr refuses ` -` before a flow indicator inside a flow scalar too.
                b' ' if in_flow && self.byte(i + 1) == b'-' && is_flow(self.byte(i + 2)) => {
                    break Stop::Refused;
                }
                _ => {}
            }
            if self.b[i] != b' ' {
                end = i + 1;
            }
            i += 1;
        };
        (end, stop)
    }

    /// A one-line quoted scalar at `pos`; escapes and line breaks are saphyr's.
    fn quoted(&mut self, quote: u8) -> Step {
        let start = self.pos;
        let mut i = start + 1;
        let mut doubled = false;
        let close = loop {
            match self.byte(i) {
                b'\n' | 0 => return Err(Unsupported),
                b'\\' if quote == b'"' => return Err(Unsupported),
                c if c != quote => i += 1,
                _ if quote == b'\'' && self.byte(i + 1) == b'\'' => {
                    doubled = true;
                    i += 2;
                }
                _ => break i,
            }
        };
        let body = &self.text[start + 1..close];
        let (value, style) = match quote {
            b'"' => (Cow::Borrowed(body), ScalarStyle::DoubleQuoted),
            _ if doubled => (
                Cow::Owned(body.replace("''", "'")),
                ScalarStyle::SingleQuoted,
            ),
            _ => (Cow::Borrowed(body), ScalarStyle::SingleQuoted),
        };
        let span = self.span(start, self.trail(close + 1));
        self.pos = close + 1;
        self.emit(Event::Scalar(value, style, 0, None), span)
    }

    /// A `|` or `>` block scalar (`-` chomping allowed) as the value of a collection at
    /// column `indent`; `pos` is at the indicator.
    fn block_scalar(&mut self, indent: usize, literal: bool) -> Step<Next> {
        self.pos += 1;
        let strip = self.peek() == b'-';
        if strip {
            self.pos += 1;
        }
        // Only spaces may follow the header (no `+`, indentation digit or comment).
        self.skip_spaces();
        if self.peek() != b'\n' {
            return Err(Unsupported);
        }
        self.pos += 1;
        self.new_line();
        let content = self.spaces(self.pos);
        if content <= indent || matches!(self.byte(self.pos + content), b'\n' | 0) {
            return Err(Unsupported);
        }
        let start = self.pos_at(self.pos + content);
        let mut value = String::new();
        let mut blank_lines = 0;
        let mut first = true;
        let end = loop {
            let n = self.spaces(self.pos);
            match self.byte(self.pos + n) {
                // Lines of spaces only: how they count is saphyr's.
                _ if n > 0 && matches!(self.byte(self.pos + n), b'\n' | 0) => {
                    return Err(Unsupported);
                }
                0 => break self.token_point(),
                b'\n' => {
                    blank_lines += 1;
                    self.pos += 1;
                    self.new_line();
                    continue;
                }
                _ if n < content => break self.point(self.pos + n),
                // A more indented line in a folded scalar keeps its break: saphyr's.
                _ if n > content && !literal => return Err(Unsupported),
                _ => {}
            }
            let Some(eol) = self.eol(self.pos) else {
                // The last line without a line break.
                return Err(Unsupported);
            };
            if !first {
                match (literal, blank_lines) {
                    (false, 0) => value.push(' '),
                    (false, n) => value.extend(std::iter::repeat_n('\n', n)),
                    (true, n) => value.extend(std::iter::repeat_n('\n', n + 1)),
                }
            }
            value.push_str(&self.text[self.pos + content..eol]);
            first = false;
            blank_lines = 0;
            self.pos = eol + 1;
            self.new_line();
        };
        if !strip {
            value.push('\n');
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        self.emit(
            Event::Scalar(Cow::Owned(value), style, 0, None),
            Span {
                start,
                end: end.end,
            },
        )?;
        // `pos` is at the start of the line that ended the scalar, or at the end.
        self.after_value(indent)
    }

    // --- Flow collections, on one line --------------------------------------------------

    fn flow_seq(&mut self) -> Step {
        let (open, close) = (Event::SequenceStart(0, None), Event::SequenceEnd);
        self.flow(open, close, b']', Self::flow_node)
    }

    fn flow_map(&mut self) -> Step {
        let (open, close) = (Event::MappingStart(0, None), Event::MappingEnd);
        self.flow(open, close, b'}', Self::flow_pair)
    }

    /// A flow collection from its bracket at `pos` to `close`, its entries read by
    /// `entry`. A `,` just before `close` is saphyr's.
    fn flow(
        &mut self,
        open: Event<'t>,
        end: Event<'t>,
        close: u8,
        entry: fn(&mut Self) -> Step,
    ) -> Step {
        self.enter()?;
        let at = self.token(self.pos);
        self.emit(open, at)?;
        self.pos += 1;
        self.skip_spaces();
        if self.peek() != close {
            loop {
                entry(self)?;
                self.skip_spaces();
                match self.peek() {
                    b',' => {
                        self.pos += 1;
                        self.skip_spaces();
                        if self.peek() == close {
                            return Err(Unsupported);
                        }
                    }
                    c if c == close => break,
                    _ => return Err(Unsupported),
                }
            }
        }
        let at = self.token(self.pos);
        self.emit(end, at)?;
        self.pos += 1;
        self.depth -= 1;
        Ok(())
    }

    /// `key: value` in a flow mapping.
    fn flow_pair(&mut self) -> Step {
        let colon = self.key(true)?;
        self.skip_spaces();
        if matches!(self.peek(), b',' | b'}') {
            self.empty(self.pos_at(colon))
        } else {
            self.flow_node()
        }
    }

    /// A value in a flow collection, not a key.
    fn flow_node(&mut self) -> Step {
        match self.peek() {
            b'[' => self.flow_seq(),
            b'{' => self.flow_map(),
            q @ (b'"' | b'\'') => self.quoted(q),
            _ => self.plain_value(true, Stop::Flow),
        }
    }

    // --- Lines ---------------------------------------------------------------------------

    /// Whether `pos` is at a block sequence entry: `-` then a space or the line's end.
    fn is_entry(&self) -> bool {
        self.peek() == b'-' && is_blankz(self.byte(self.pos + 1))
    }

    /// Whether a plain key (`name:`) starts at `pos`.
    fn is_key(&self) -> bool {
        self.plain_start(self.pos, false)
            && matches!(self.plain(self.pos, false), (_, Stop::Colon(_)))
    }

    /// Past the rest of this line, which may hold only spaces and a comment.
    fn end_of_line(&mut self) -> Step {
        self.skip_spaces();
        match self.peek() {
            b'#' if self.byte(self.pos - 1) == b' ' => {}
            b'\n' | 0 => {}
            _ => return Err(Unsupported),
        }
        match self.eol(self.pos) {
            Some(eol) => {
                self.pos = eol + 1;
                self.new_line();
            }
            None => self.pos = self.b.len(),
        }
        Ok(())
    }

    /// From the start of a line, past blank and comment lines to the first character of
    /// the next content line: its indentation, or `None` at the end of the text.
    fn next_content(&mut self) -> Step<Next> {
        loop {
            let n = self.spaces(self.pos);
            match self.byte(self.pos + n) {
                // saphyr ends a text whose last line is spaces after them.
                0 if n > 0 => return Err(Unsupported),
                0 => return Ok(None),
                b'\n' | b'#' => match self.eol(self.pos + n) {
                    Some(eol) => {
                        self.pos = eol + 1;
                        self.new_line();
                    }
                    None => {
                        self.pos = self.b.len();
                        return Ok(None);
                    }
                },
                _ => {
                    self.pos += n;
                    // Document markers and directives are saphyr's.
                    let rest = &self.b[self.pos..];
                    if n == 0
                        && (rest.starts_with(b"%")
                            || ((rest.starts_with(b"---") || rest.starts_with(b"..."))
                                && is_blankz(self.byte(self.pos + 3))))
                    {
                        return Err(Unsupported);
                    }
                    return Ok(Some(n));
                }
            }
        }
    }

    /// Where the next token is: the start of the content at `pos`, or the end of the
    /// text, which saphyr places at the start of the line after the last one.
    fn token_point(&self) -> Span {
        if self.pos < self.b.len() {
            return self.point(self.pos);
        }
        let line = self.line + u32::from(!self.text.ends_with('\n'));
        let end = Pos { line, column: 1 };
        Span { start: end, end }
    }

    fn new_line(&mut self) {
        self.line += 1;
        self.line_start = self.pos;
    }

    fn skip_spaces(&mut self) {
        self.pos += self.spaces(self.pos);
    }

    fn spaces(&self, from: usize) -> usize {
        self.b[from..].iter().take_while(|&&b| b == b' ').count()
    }

    /// The line break at or after `from`, if the line has one.
    fn eol(&self, from: usize) -> Option<usize> {
        self.b[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map(|i| from + i)
    }

    fn peek(&self) -> u8 {
        self.byte(self.pos)
    }

    fn byte(&self, at: usize) -> u8 {
        self.b.get(at).copied().unwrap_or(0)
    }

    // --- Events and positions ------------------------------------------------------------

    fn enter(&mut self) -> Step {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Unsupported);
        }
        Ok(())
    }

    fn emit(&mut self, event: Event<'t>, span: Span) -> Step {
        (self.sink)(event, span)
    }

    fn scalar(&mut self, start: usize, end: usize, style: ScalarStyle) -> Step {
        let text = Cow::Borrowed(&self.text[start..end]);
        let span = self.span(start, end);
        self.emit(Event::Scalar(text, style, 0, None), span)
    }

    /// A key without a value: saphyr gives an empty plain scalar at its `:`.
    fn empty(&mut self, colon: Pos) -> Step {
        let at = Span {
            start: colon,
            end: colon,
        };
        self.emit(
            Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None),
            at,
        )
    }

    /// The position of byte `at` of the current line; columns count characters, from
    /// the last position asked for when `at` is past it (positions come in order).
    fn pos_at(&self, at: usize) -> Pos {
        let (mut from, mut column) = self.column.get();
        if from < self.line_start || from > at {
            (from, column) = (self.line_start, 0);
        }
        let between = &self.b[from..at];
        column += if between.is_ascii() {
            between.len()
        } else {
            self.text[from..at].chars().count()
        };
        self.column.set((at, column));
        Pos {
            line: self.line,
            column: column as u32 + 1,
        }
    }

    /// The span of the one-byte flow indicator at `at`.
    fn token(&self, at: usize) -> Span {
        self.span(at, self.trail(at + 1))
    }

    /// Where saphyr ends a quoted scalar or flow indicator that ends at `end`: past the
    /// spaces after it, and past a comment that follows them on its line.
    fn trail(&self, end: usize) -> usize {
        let after = end + self.spaces(end);
        if after > end && self.byte(after) == b'#' {
            return self.eol(after).unwrap_or(self.b.len());
        }
        after
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.pos_at(start),
            end: self.pos_at(end),
        }
    }

    fn point(&self, at: usize) -> Span {
        self.span(at, at)
    }
}

#[cfg(test)]
mod tests {
    use super::read;
    use crate::parse::yaml::span_of;
    use saphyr_parser::Parser;
    use std::path::Path;

    /// saphyr's events and spans for `text`, up to its first error.
    fn saphyr(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for event in Parser::new_from_str(text) {
            match event {
                Ok((event, span)) => out.push(format!("{event:?} {:?}", span_of(span))),
                Err(e) => {
                    out.push(format!("error {e:?}"));
                    break;
                }
            }
        }
        out
    }

    /// This reader's events and spans, when it reads `text`.
    fn fast(text: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        read(text, |event, span| {
            out.push(format!("{event:?} {span:?}"));
            Ok(())
        })
        .ok()?;
        Some(out)
    }

    /// Whether this reader read `text`, having given exactly saphyr's events if it did.
    fn agrees(text: &str) -> bool {
        let Some(events) = fast(text) else {
            return false;
        };
        let expected = saphyr(text);
        if let Some(i) =
            (0..events.len().max(expected.len())).find(|&i| events.get(i) != expected.get(i))
        {
            panic!(
                "{text:?}\nevent {i}: read {:?}\nsaphyr {:?}\nbefore: {:?}",
                events.get(i),
                expected.get(i),
                &expected[i.saturating_sub(3)..i.min(expected.len())]
            );
        }
        true
    }

    /// Every YAML file of the repository's examples and test fixtures.
    fn corpus() -> Vec<(String, String)> {
        fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                    && let Ok(text) = std::fs::read_to_string(&path)
                {
                    out.push((path.display().to_string(), text));
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        for dir in ["examples", "tests", "templates"] {
            walk(&root.join(dir), &mut out);
        }
        out.sort();
        out
    }

    #[test]
    fn reads_the_example_portfolio_as_saphyr_does() {
        let corpus = corpus();
        let acme: Vec<_> = corpus
            .iter()
            .filter(|(path, _)| path.contains("examples/acme/"))
            .collect();
        assert!(acme.len() > 50, "{}", acme.len());
        for (path, text) in acme {
            assert!(agrees(text), "{path} was left to saphyr");
        }
    }

    #[test]
    fn reads_what_it_can_as_saphyr_does() {
        let cases = [
            "a: 1",
            "a: 1\n# end\n\n",
            "e :  v  \nf:   # c\ng: \"x\" # c\nh: 'it''s'\n",
            "a:\n  b: |\n    lit\n      more\n\n    x\n\n  c: d\n# trailing\n",
            "a: >-\n  one\n  two\n\n  three\n\n\nb: >\n  x\n",
            "k:\n- a\n- b\nz: 1\n",
            "a:\n  - x: 1\n    y: [1, {b: c, d: }, 'q']\n  - \"s\"\n  - {}\n  - []\n",
            "url: http://x.org/a#b\nneg: -8\nc: a:b\nq: ?x\n",
            "ünï: «värdé» 日本 # c\nb: [é, {ü: 1}]\n",
            "a:\n  b:\n    c:\nd: 1\n",
            "a:\n  - b\n  -  c: 1\n     d: 2\n",
        ];
        for text in cases {
            assert!(agrees(text), "left to saphyr: {text:?}");
        }
        // Left to saphyr (which may accept or refuse them).
        let others = [
            "",
            "# only a comment\n",
            "a: 1\n# c",
            "- a\n",
            "  a: 1\n",
            "a: &x 1\nb: *x\n",
            "a: !t x\n",
            "a: b\n  c\n",
            "a: \"x\ny\"\n",
            "a: \"\\n\"\n",
            "a: |+\n  x\n",
            "a: |2\n  x\n",
            "a: >\n  x\n    y\n",
            "a: |\n\n  x\n",
            "a: |\n  x\n  \n  y\n",
            "a:\tb\n",
            "a: b\r\n",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a: [1,\n  2]\n",
            "a: [1, ]\n",
            "a: [b: c]\n",
            "a: b: c\n",
            "? a\n: b\n",
            "\"a\": 1\n",
            "a:\n-\n",
            "a:\n  - - x\n",
            "a: 1\n - b\n",
            // Errors in saphyr, found by a grammar-based fuzzer.
            "a: {a:[]}",
            "a: [{a:{}}]",
            "a: [b -, c]\n",
            "a: {a: x -}\n",
            &format!("a{}: b\n", " ".repeat(1024)),
            &format!("k:\n- a{}: b\n", " ".repeat(1100)),
        ];
        for text in others {
            assert!(fast(text).is_none(), "read: {text:?}");
        }
    }

    /// A small deterministic generator (xorshift), so that failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        /// A character boundary of `text`.
        fn boundary(&mut self, text: &str) -> usize {
            let mut at = self.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            at
        }
    }

    /// Text that is, or is near, what this reader gives up on.
    const PIECES: &[&str] = &[
        " ", "  ", "\n", "\n\n", ": ", ":", " #", "#", "- ", "-", "'", "''", "\"", "\\", "{", "}",
        "[", "]", ", ", ",", "|", "|-", ">", ">-", "|+", "? ", "&a ", "*a", "!x ", "---\n",
        "...\n", "%", "@", "é", "日本", "\t", "\r\n", "x: y\n", "  - ", "{a: b}", "[1, 2]",
        "\"q\"", "'q'", "~", "null", "0x1F", "1e3", "\u{feff}", "\u{85}", "a:\n", "  b: 1\n",
    ];

    fn mutate(rng: &mut Rng, text: &str) -> String {
        let mut text = text.to_owned();
        for _ in 0..=rng.below(3) {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let line = rng.below(lines.len().max(1));
            text = match rng.below(6) {
                0 => {
                    let at = rng.boundary(&text);
                    let piece = PIECES[rng.below(PIECES.len())];
                    format!("{}{piece}{}", &text[..at], &text[at..])
                }
                1 => {
                    let (a, b) = (rng.boundary(&text), rng.boundary(&text));
                    let (a, b) = (a.min(b), a.max(b).min(a.min(b) + 8));
                    let b = (b..=text.len())
                        .find(|&i| text.is_char_boundary(i))
                        .unwrap();
                    format!("{}{}", &text[..a], &text[b..])
                }
                2 if !lines.is_empty() => {
                    let mut out: Vec<&str> = lines.clone();
                    out.insert(line, lines[line]);
                    out.concat()
                }
                3 if !lines.is_empty() => {
                    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    let l = &mut out[line];
                    *l = match rng.below(3) {
                        0 => format!(" {l}"),
                        1 => format!("  {l}"),
                        _ => l.strip_prefix(' ').unwrap_or(l).to_owned(),
                    };
                    out.concat()
                }
                4 if lines.len() > 1 => {
                    let mut out = lines.clone();
                    out.swap(line, (line + 1) % lines.len());
                    out.concat()
                }
                _ => text[..rng.boundary(&text)].to_owned(),
            };
        }
        text
    }

    #[test]
    fn mutated_documents_read_as_saphyr_reads_them() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut read, mut total) = (0, 0);
        for (_, text) in corpus() {
            for _ in 0..16 {
                let mutated = mutate(&mut rng, &text);
                total += 1;
                read += usize::from(agrees(&mutated));
            }
        }
        // Most mutations leave documents this reader still reads: the comparison bites.
        assert!(read * 4 > total, "read {read} of {total}");
    }

    /// Small documents built from the constructs this reader handles, with words that
    /// mix in the characters that make YAML subtle: they reach cases mutations rarely do.
    struct Grammar(Rng);

    /// What words are made of: mostly plain text, sometimes an indicator.
    const PLAIN: &[&str] = &["a", "b", "1", "-8", ".5", "~", "é", "日", "x y"];
    const ODD: &[&str] = &[
        " ", "-", ":", "#", "?", ",", "[", "]", "{", "}", "'", "\"", "|", ">", "&", "*", "!",
    ];

    impl Grammar {
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.0.below(from.len())]
        }

        fn chance(&mut self, in_10: usize) -> bool {
            self.0.below(10) < in_10
        }

        fn word(&mut self) -> String {
            (0..=self.0.below(4))
                .map(|_| {
                    let from = if self.chance(1) { ODD } else { PLAIN };
                    self.pick(from)
                })
                .collect()
        }

        fn quoted(&mut self) -> String {
            let body = self.pick(&["", "a", "it''s", "a: #b", "é, [x]", "\"q", "'"]);
            if self.chance(5) {
                format!("'{}'", body.replace('\'', "''"))
            } else {
                format!("\"{}\"", body.replace('"', ""))
            }
        }

        fn flow(&mut self, depth: usize) -> String {
            let map = self.chance(5);
            let items: Vec<String> = (0..self.0.below(4))
                .map(|_| {
                    let value = match self.0.below(if depth > 1 { 2 } else { 4 }) {
                        0 => self.word(),
                        1 => self.quoted(),
                        _ => self.flow(depth + 1),
                    };
                    if map {
                        format!("{}{}{value}", self.word(), self.pick(&[": ", ":", " : "]))
                    } else {
                        value
                    }
                })
                .collect();
            let (open, close) = if map { ("{", "}") } else { ("[", "]") };
            let pad = self.pick(&["", " "]);
            let sep = self.pick(&[", ", ",", " , "]);
            format!("{open}{pad}{}{pad}{close}", items.join(sep))
        }

        /// What follows `key:` or `-`, to the end of its lines.
        fn value(&mut self, indent: usize, depth: usize) -> String {
            let comment = self.pick(&["", "", " # c", " #"]);
            match self.0.below(if depth > 3 { 5 } else { 7 }) {
                0 | 1 => format!(" {}{comment}\n", self.word()),
                2 => format!(" {}{comment}\n", self.quoted()),
                3 => format!(" {}{comment}\n", self.flow(0)),
                4 => {
                    let lines = ["one", "two words", "", "  more", "three"];
                    let pad = " ".repeat(indent + 1 + self.0.below(3));
                    let body: String = (0..=self.0.below(4))
                        .map(|_| match self.pick(&lines) {
                            "" => "\n".to_owned(),
                            line => format!("{pad}{line}\n"),
                        })
                        .collect();
                    format!(" {}\n{body}", self.pick(&["|", ">", "|-", ">-"]))
                }
                5 => format!("{comment}\n{}", self.block_map(indent + 2, depth + 1)),
                _ => {
                    let at = indent + if self.chance(4) { 0 } else { 2 };
                    format!("{comment}\n{}", self.block_seq(at, depth + 1))
                }
            }
        }

        fn block_map(&mut self, indent: usize, depth: usize) -> String {
            (0..=self.0.below(3))
                .map(|_| {
                    let key = self.word();
                    let colon = self.pick(&[":", ":", " :"]);
                    let gap = if self.chance(1) { "\n  # note\n" } else { "" };
                    let value = self.value(indent, depth);
                    format!("{}{key}{colon}{value}{gap}", " ".repeat(indent))
                })
                .collect()
        }

        fn block_seq(&mut self, indent: usize, depth: usize) -> String {
            (0..=self.0.below(3))
                .map(|_| {
                    let entry = if self.chance(4) {
                        let map = self.block_map(indent + 2, depth + 1);
                        format!(" {}", &map[indent + 2..])
                    } else {
                        self.value(indent, depth)
                    };
                    format!("{}-{entry}", " ".repeat(indent))
                })
                .collect()
        }
    }

    #[test]
    fn generated_documents_read_as_saphyr_reads_them() {
        let mut grammar = Grammar(Rng(0x2545_f491_4f6c_dd1d));
        let (mut read, total) = (0, 20_000);
        for _ in 0..total {
            let text = grammar.block_map(0, 0);
            read += usize::from(agrees(&text));
        }
        assert!(read * 4 > total, "read {read} of {total}");
    }
}
