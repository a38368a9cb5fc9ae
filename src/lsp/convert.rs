//! Between pmo's terms and the protocol's: positions (pmo counts columns in characters,
//! an editor in UTF-16 units unless it accepts characters), file URIs, findings.

use crate::diagnostic::{Diagnostic, Pos, Severity, Span};
use crate::fix::Lines;
use lsp_types::{self as lsp, Uri};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// How the editor counts columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    Utf16,
    /// Characters, as pmo does: nothing to convert.
    Utf32,
}

impl Columns {
    /// The editor's position of `pos` in `lines` (the file the position is in).
    pub fn position(self, lines: &Lines<'_>, pos: Pos) -> lsp::Position {
        let line = pos.line.saturating_sub(1);
        let chars = pos.column.saturating_sub(1);
        let character = match self {
            Columns::Utf32 => chars,
            Columns::Utf16 => {
                let text = lines.line(line);
                let within: u32 = text
                    .chars()
                    .take(chars as usize)
                    .map(|c| c.len_utf16() as u32)
                    .sum();
                // A column past the line's end (pmo points after it): one unit each.
                within + chars.saturating_sub(text.chars().count() as u32)
            }
        };
        lsp::Position { line, character }
    }

    pub fn range(self, lines: &Lines<'_>, span: Span) -> lsp::Range {
        // No span (a finding about a whole file): its first character.
        let span = match span.start.line {
            0 => Span::at(1, 1),
            _ => span,
        };
        lsp::Range {
            start: self.position(lines, span.start),
            end: self.position(lines, span.end.max(span.start)),
        }
    }

    /// The 0-based character column of the editor's `position` in `lines`.
    pub fn column(self, lines: &Lines<'_>, position: lsp::Position) -> usize {
        match self {
            Columns::Utf32 => position.character as usize,
            Columns::Utf16 => {
                let mut units = 0;
                let mut chars = 0;
                for c in lines.line(position.line).chars() {
                    if units >= position.character as usize {
                        break;
                    }
                    units += c.len_utf16();
                    chars += 1;
                }
                chars
            }
        }
    }
}

/// The path of a `file:` URI.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///c:/x` on Windows; a host (`file://server/x`) is not a local file.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    if !rest.starts_with('/') {
        return None;
    }
    let bytes = percent_decode(rest)?;
    #[cfg(windows)]
    let bytes = bytes.strip_prefix('/').map(str::to_owned).unwrap_or(bytes);
    Some(PathBuf::from(bytes))
}

/// The `file:` URI of `path`.
pub fn uri_of(path: &Path) -> Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    Uri::from_str(&uri).expect("a percent-encoded path is a valid URI")
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A finding as the editor shows it: code, fingerprint (in `data`) and the help line
/// under the message; `text` is its file's, `docs` the rule catalogue's address.
pub fn diagnostic(
    d: &Diagnostic,
    lines: &Lines<'_>,
    columns: Columns,
    docs: &str,
    mut related: impl FnMut(&str) -> Option<(Uri, String)>,
) -> lsp::Diagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            let (uri, text) = related(&r.file)?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location {
                    uri,
                    range: columns.range(&Lines::new(&text), r.span),
                },
                message: r.message.clone(),
            })
        })
        .collect();
    let href = format!("{docs}#{}", d.code.as_str().to_lowercase());
    lsp::Diagnostic {
        range: columns.range(lines, d.span),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(d.code.as_str().to_owned())),
        code_description: (!d.code.is_org())
            .then(|| Uri::from_str(&href).ok())
            .flatten()
            .map(|href| lsp::CodeDescription { href }),
        source: Some("pmo".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(serde_json::json!({ "fingerprint": d.fingerprint })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_converted_for_characters_outside_the_basic_plane() {
        let text = &Lines::new("title: 🚀 x\n");
        let pos = Pos {
            line: 1,
            column: 10,
        };
        assert_eq!(Columns::Utf16.position(text, pos).character, 10);
        assert_eq!(Columns::Utf32.position(text, pos).character, 9);
        let back = Columns::Utf16.column(
            text,
            lsp::Position {
                line: 0,
                character: 10,
            },
        );
        assert_eq!(back, 9);
    }

    #[test]
    fn file_uris_round_trip_with_spaces_and_non_ascii_names() {
        let path = Path::new("/tmp/a b/é#1.yaml");
        let uri = uri_of(path);
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A9%231.yaml");
        assert_eq!(path_of(&uri).as_deref(), Some(path));
        assert_eq!(path_of(&Uri::from_str("untitled:1").unwrap()), None);
    }
}
