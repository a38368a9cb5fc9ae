use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use crate::escape::{terminal, terminal_mapped};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    pub color: bool,
    /// One line per finding, no snippets, no summary.
    pub quiet: bool,
    /// Where the rule catalogue is published: with colour, each finding's rule code links
    /// to its section (a terminal hyperlink).
    pub docs: &'a str,
}

pub fn human(report: &Report, texts: &dyn Fn(&str) -> Option<String>, style: Style<'_>) -> String {
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        if style.quiet {
            out += &super::one_line(d, terminal);
            out.push('\n');
            continue;
        }
        out += &renderer.render(&groups(d, texts, style.docs));
        out += "\n\n";
    }
    if !style.quiet {
        out += &summary(report);
        out.push('\n');
        if let Some(stale) = report.baseline.as_ref().map(|b| &b.stale)
            && !stale.is_empty()
        {
            out += &format!(
                "{} baseline entr{} no longer {} a finding (fixed, or changed); `--write-baseline` drops them:\n",
                stale.len(),
                if stale.len() == 1 { "y" } else { "ies" },
                if stale.len() == 1 { "matches" } else { "match" }
            );
            for e in stale {
                out += &format!(
                    "  {}: {}: {}\n",
                    terminal(&e.file),
                    terminal(&e.code),
                    terminal(&e.message)
                );
            }
        }
    }
    out
}

/// `2 errors, 1 warning in 120 files (131 documents)`, with `, 3 waived` after the
/// warnings when waivers silenced findings and `, 12 known from the baseline` when a
/// baseline left findings out.
pub fn summary(report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let waived = match report.waived.len() {
        0 => String::new(),
        n => format!(", {n} waived"),
    };
    let waived = match &report.baseline {
        Some(b) => format!("{waived}, {} known from the baseline", b.known),
        None => waived,
    };
    format!(
        "{}, {}{waived} in {} ({})",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.files, "file"),
        plural(report.documents, "document")
    )
}

fn groups<'a>(
    d: &'a Diagnostic,
    texts: &dyn Fn(&str) -> Option<String>,
    docs: &str,
) -> Vec<Group<'a>> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut title = level
        .primary_title(terminal(&d.message))
        .id(d.code.as_str());
    // Shown only by a renderer with colour (a terminal that links).
    if let Some(url) = super::rule_url(docs, d.code) {
        title = title.id_url(url);
    }
    let mut main = Group::with_title(title).element(snippet(
        &d.file,
        d.span,
        "",
        texts,
        AnnotationKind::Primary,
    ));
    for r in &d.related {
        main = main.element(snippet(
            &r.file,
            r.span,
            &terminal(&r.message),
            texts,
            AnnotationKind::Context,
        ));
    }
    let mut out = vec![main];
    if let Some(help) = &d.help {
        out.push(Group::with_title(
            Level::HELP.secondary_title(terminal(help)),
        ));
    }
    out
}

/// The lines of the span, with the span marked; a path-only origin when the text is gone.
/// The line is shown as a terminal shows any document text (a control character as
/// `\u{1b}`), the mark under the same characters.
fn snippet<'a>(
    file: &'a str,
    span: crate::diagnostic::Span,
    label: &str,
    texts: &dyn Fn(&str) -> Option<String>,
    kind: AnnotationKind,
) -> annotate_snippets::Element<'a> {
    let line = span.start.line.max(1) as usize;
    let text = texts(file).unwrap_or_default();
    let file = terminal(file);
    let Some(source) = yaml_lines(&text).nth(line - 1) else {
        return annotate_snippets::Origin::path(file)
            .line(line)
            // Shown as given: 1-based, as in every other output.
            .char_column(span.start.column.max(1) as usize)
            .into();
    };
    let (source, starts) = terminal_mapped(source);
    // Character indices (from 1-based columns), then where those characters are shown.
    let chars = starts.len() - 1;
    let index = |column: u32| (column.saturating_sub(1) as usize).min(chars);
    let start = index(span.start.column);
    let end = if span.end.line == span.start.line && span.end.column > span.start.column {
        index(span.end.column)
    } else {
        chars
    };
    // At least one character is marked, where there is one.
    let end = end.max((start + 1).min(chars));
    let (start, end) = (starts[start], starts[end]);
    Snippet::source(source)
        .line_start(line)
        .path(file)
        .annotation(kind.span(start..end).label(label.to_owned()))
        .into()
}

/// The lines of a file as YAML counts them (and so the line numbers of findings): a line
/// break is `\r\n`, `\n` or a lone `\r`.
fn yaml_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let text = rest?;
        let Some(end) = text.find(['\r', '\n']) else {
            rest = None;
            return Some(text);
        };
        let next = if text[end..].starts_with("\r\n") {
            end + 2
        } else {
            end + 1
        };
        rest = Some(&text[next..]).filter(|r| !r.is_empty());
        Some(&text[..end])
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_break_where_yaml_breaks_them() {
        let lines: Vec<&str> = super::yaml_lines("a\rb\r\nc\n\nd\u{2028}e\n").collect();
        assert_eq!(lines, ["a", "b", "c", "", "d\u{2028}e"]);
    }
}
