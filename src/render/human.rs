use crate::check::Report;
use crate::diagnostic::{Diagnostic, Severity};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// One line per finding, no snippets, no summary.
    pub quiet: bool,
}

pub fn human(report: &Report, texts: &dyn Fn(&str) -> Option<String>, style: Style) -> String {
    let renderer = if style.color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for d in &report.diagnostics {
        if style.quiet {
            out += &d.one_line();
            out.push('\n');
            continue;
        }
        out += &renderer.render(&groups(d, texts));
        out += "\n\n";
    }
    if !style.quiet {
        out += &summary(report);
        out.push('\n');
    }
    out
}

/// `2 errors, 1 warning in 120 files (131 documents)`
pub fn summary(report: &Report) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {} in {} ({})",
        plural(report.count(Severity::Error), "error"),
        plural(report.count(Severity::Warning), "warning"),
        plural(report.files, "file"),
        plural(report.documents, "document")
    )
}

fn groups<'a>(d: &'a Diagnostic, texts: &dyn Fn(&str) -> Option<String>) -> Vec<Group<'a>> {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let mut main = Group::with_title(level.primary_title(d.message.as_str()).id(d.code))
        .element(snippet(&d.file, d.span, "", texts, AnnotationKind::Primary));
    for r in &d.related {
        main = main.element(snippet(
            &r.file,
            r.span,
            &r.message,
            texts,
            AnnotationKind::Context,
        ));
    }
    let mut out = vec![main];
    if let Some(help) = &d.help {
        out.push(Group::with_title(
            Level::HELP.secondary_title(help.as_str()),
        ));
    }
    out
}

/// The lines of the span, with the span marked; a path-only origin when the text is gone.
fn snippet<'a>(
    file: &'a str,
    span: crate::diagnostic::Span,
    label: &str,
    texts: &dyn Fn(&str) -> Option<String>,
    kind: AnnotationKind,
) -> annotate_snippets::Element<'a> {
    let line = span.start.line.max(1) as usize;
    let text = texts(file).unwrap_or_default();
    let Some(source) = text.lines().nth(line - 1) else {
        return annotate_snippets::Origin::path(file)
            .line(line)
            // Shown as given: 1-based, as in every other output.
            .char_column(span.start.column.max(1) as usize)
            .into();
    };
    let source = source.trim_end_matches('\r').to_owned();
    let start = byte_at(&source, span.start.column);
    let end = if span.end.line == span.start.line && span.end.column > span.start.column {
        byte_at(&source, span.end.column)
    } else {
        source.len()
    }
    .max(start);
    let end = if end == start {
        (start + 1).min(source.len()).max(start)
    } else {
        end
    };
    Snippet::source(source)
        .line_start(line)
        .path(file)
        .annotation(kind.span(start..end).label(label.to_owned()))
        .into()
}

/// The byte offset of a 1-based character column.
fn byte_at(line: &str, column: u32) -> usize {
    line.char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i)
}
