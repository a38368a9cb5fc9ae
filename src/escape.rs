//! One escaping function per output format. Text from a document, a file name or a git
//! commit is untrusted: whatever it holds, it stays one value inside the output and
//! cannot add a line, a Markdown construct, an HTML element, a spreadsheet formula or a
//! CI command. pmo's own layout (its newlines, its colours) is not escaped: only values
//! are, where they are printed.
//!
//! Every function returns its input borrowed when nothing in it needs escaping, so
//! harmless text costs one scan.
//!
//! Shared by every format: a character a reader cannot see or that a terminal, a CI log
//! or a text editor interprets ([`hidden`]: line breaks and separators, C0 and C1
//! controls, bidi controls, the non-characters U+FFFE and U+FFFF) is shown visibly, as
//! `\n`, `\t`, `\u{1b}`, `\u{202e}`. A value starting with `::` (after spaces) would be a
//! GitHub Actions workflow command at the start of a log line, and `##[` anywhere one of
//! the runner's older commands: their first `:` and their `[` are escaped (`\:`, `\[`).

use std::borrow::Cow;

/// Whether `c` is shown as an escape: it breaks a line, controls a terminal, reorders
/// text (Unicode Bidi_Control) or is not a character at all (not allowed in XML 1.0).
pub fn hidden(c: char) -> bool {
    matches!(c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{061c}' | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        | '\u{fffe}' | '\u{ffff}')
}

/// The first bytes of the UTF-8 encodings of [`hidden`] characters: a cheap first look.
fn maybe_hidden(b: u8) -> bool {
    b < 0x20 || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2 | 0xef)
}

fn has_hidden(s: &str) -> bool {
    s.bytes().any(maybe_hidden) && s.chars().any(hidden)
}

/// `\n`, `\r`, `\t`, else `\u{hex}` as Rust writes it.
fn visible(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            use std::fmt::Write;
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// Where a value starting a line begins, past the spaces a CI runner trims.
fn lead(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

/// Whether `s` would start a workflow command if it started a line.
fn command_start(s: &str) -> bool {
    s[lead(s)..].starts_with("::")
}

/// Text for a terminal or a log line (tables, `-q` lines, snippets, the `pmo: cause`
/// line, diff and history): one line, no control or bidi character, no CI command.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !(has_hidden(s) || command_start(s) || s.contains("##[")) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(terminal_mapped(s).0)
}

/// [`terminal`], and where each character of `s` starts in the result (then its
/// length): a snippet's annotation keeps pointing at the same characters.
pub fn terminal_mapped(s: &str) -> (String, Vec<usize>) {
    let command = command_start(s).then(|| lead(s));
    let mut out = String::with_capacity(s.len() + 16);
    let mut starts = Vec::with_capacity(s.len() + 1);
    for (i, c) in s.char_indices() {
        starts.push(out.len());
        if hidden(c) {
            visible(c, &mut out);
        } else if Some(i) == command || (c == '[' && s[..i].ends_with("##")) {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    starts.push(out.len());
    (out, starts)
}

/// Text in JUnit XML: as in a terminal (the report is read in CI logs too), so no
/// character XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) reaches the XML writer.
pub fn xml(s: &str) -> Cow<'_, str> {
    terminal(s)
}

/// A CSV cell: as in a terminal (one line, nothing hidden), and a cell that a
/// spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// line break) gets a `'` in front (OWASP), unless it is a plain number such as `-12.5`.
pub fn csv(s: &str) -> Cow<'_, str> {
    let formula = matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n')
    ) && !number(s);
    match (formula, terminal(s)) {
        (false, text) => text,
        (true, text) => Cow::Owned(format!("'{text}")),
    }
}

/// `-12`, `+3.5`, `-1e6`: a number a spreadsheet reads as a number, not a formula.
fn number(s: &str) -> bool {
    let digits = s.trim_start_matches(['+', '-']);
    s.len() - digits.len() == 1
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && digits.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Text in HTML (element text or a quoted attribute): the entities of minijinja's HTML
/// escaping (`&`, `<`, `>`, `"`, `'`, `/`), line breaks as character references (the
/// same white space to a browser, but no new line in a log), other [`hidden`]
/// characters visibly, and `##[` broken.
pub fn html(s: &str) -> Cow<'_, str> {
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | b'/');
    if !(s.bytes().any(special) || has_hidden(s) || s.contains("##[")) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for (i, c) in s.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '/' => out.push_str("&#x2f;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '[' if s[..i].ends_with("##") => out.push_str("&#91;"),
            c if hidden(c) => visible(c, &mut out),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Inline text in GitHub-flavoured Markdown: a table cell, a list item, a heading, a
/// paragraph, or inside a code span of a template. It renders as the text itself, in
/// one line of the source, whatever it holds:
///
/// - `\ * [ ] < | ~ $` are backslash-escaped everywhere: no emphasis, link, image, raw
///   HTML, autolink, table cell end, strikethrough or math; `_` where it could open or
///   close emphasis (not inside a word: `on_hold` stays); `&` where it would start an
///   entity (`&lt;`).
/// - `` ` `` becomes `&#96;`: a backslash is literal inside a code span, so `` \` `` would
///   close a template's code span around the value.
/// - At the start of the value, which may start a line: `# > : =` are escaped, `-` and
///   `+` followed by a space or nothing, the `.` or `)` of `1.`; a leading or trailing
///   space becomes `&#32;` (four leading ones would make a code block, two trailing
///   ones a line break).
/// - A line break (`\n`, `\r\n`, `\r`) becomes `<br>`: the value stays on one line of
///   the source (so no line of it can be a heading, a fence, `</details>` or a CI
///   command) and reads as lines. Other [`hidden`] characters are shown (`\u{202e}`).
/// - `@name`, `#12` and `GH-12` get a zero-width space (`&#8203;`) after `@`, `#` or `-`:
///   they stay readable but mention nobody and link no issue. So do the `:` of `://`
///   and the third `w` of `www.`: a bare address links nowhere (an email address
///   still does, as `mailto:`; it shows what it links to). An entity (not the raw
///   character) keeps the source plain ASCII and survives tools that strip invisible
///   characters; GitHub matches mentions and references on the rendered text, which
///   then no longer holds `@name` or `#12`.
pub fn markdown(s: &str) -> Cow<'_, str> {
    let plain = |b: u8| {
        b.is_ascii_alphanumeric()
            || b" ,;.()/'\"%?!-+={}^:".contains(&b)
            || (b >= 0x80 && !maybe_hidden(b))
    };
    if s.bytes().all(plain) && !edges(s) && !gh_reference(s) && !bare_link(s) {
        return Cow::Borrowed(s);
    }
    let chars: Vec<char> = s.chars().collect();
    let word = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.is_alphanumeric())
    };
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let first = chars.iter().position(|c| *c != ' ').unwrap_or(chars.len());
    // The `.` or `)` that would make `12. ` an ordered list item.
    let digits = chars[first..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let ordinal = ((1..=9).contains(&digits)
        && matches!(chars.get(first + digits), Some('.' | ')'))
        && matches!(chars.get(first + digits + 1), None | Some(' ' | '\t')))
    .then_some(first + digits);
    let mut out = String::with_capacity(s.len() + 16);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1);
        match c {
            // Four leading spaces make a code block; two trailing ones a line break.
            ' ' if i == 0 || i + 1 == chars.len() => out.push_str("&#32;"),
            '\r' if chars.get(i + 1) == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("<br>"),
            '`' => out.push_str("&#96;"),
            '\\' | '*' | '[' | ']' | '<' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(word(prev) && word(Some(i + 1))) => out.push_str("\\_"),
            '&' if entity(&chars[i + 1..]) => out.push_str("\\&"),
            '#' | '>' | ':' | '=' if i == first => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' if i == first && !word(Some(i + 1)) => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if Some(i) == ordinal => {
                out.push('\\');
                out.push(c);
            }
            c if hidden(c) => {
                out.push('\\');
                visible(c, &mut out);
            }
            c => out.push(c),
        }
        // Mentions and references: `@name` (not `me@example.org`), `#12`, `GH-12`; and
        // the links GitHub makes of bare text: `https://…`, `www.…`.
        let defuse = match c {
            '@' => !word(prev) && word(Some(i + 1)),
            ':' => chars.get(i + 1..i + 3) == Some(&['/', '/']),
            'w' | 'W' => {
                i >= 2
                    && chars[i - 2..=i]
                        .iter()
                        .all(|c| c.eq_ignore_ascii_case(&'w'))
                    && chars.get(i + 1) == Some(&'.')
                    && !word(i.checked_sub(3))
            }
            '#' => digit(i + 1),
            '-' => {
                digit(i + 1)
                    && i >= 2
                    && chars[i - 2].eq_ignore_ascii_case(&'g')
                    && chars[i - 1].eq_ignore_ascii_case(&'h')
                    && !word(i.checked_sub(3))
            }
            _ => false,
        };
        if defuse {
            out.push_str("&#8203;");
        }
    }
    Cow::Owned(out)
}

/// Whether `s` starts with something a line start gives a meaning (`#`, `>`, `:`, `=`,
/// a list marker, a leading space), or ends with a space.
fn edges(s: &str) -> bool {
    let t = s.trim_start_matches(' ');
    t.len() != s.len()
        || s.ends_with(' ')
        || t.starts_with(['#', '>', ':', '='])
        || (t.starts_with(['-', '+']) && !t[1..].starts_with(|c: char| c.is_alphanumeric()))
        || {
            let n = t.bytes().take_while(u8::is_ascii_digit).count();
            n > 0 && matches!(t.as_bytes().get(n), Some(b'.' | b')'))
        }
}

/// Whether `s` holds a `GH-12` reference.
fn gh_reference(s: &str) -> bool {
    s.as_bytes()
        .windows(4)
        .any(|w| w[..2].eq_ignore_ascii_case(b"gh") && w[2] == b'-' && w[3].is_ascii_digit())
}

/// Whether `s` holds what GitHub turns into a link when it is bare text: `://` or `www.`.
fn bare_link(s: &str) -> bool {
    s.contains("://")
        || s.as_bytes()
            .windows(4)
            .any(|w| w[..3].eq_ignore_ascii_case(b"www") && w[3] == b'.')
}

/// Whether `&` followed by `rest` is an entity reference (`&amp;`, `&#38;`, `&#x26;`).
fn entity(rest: &[char]) -> bool {
    let name = rest
        .iter()
        .take(33)
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .count();
    name > 0 && rest.get(name) == Some(&';')
}

/// GitHub workflow command data (the message after `::`): as in a terminal, then the
/// percent-encoding of the GitHub toolkit (`@actions/core`), so that pmo's own line
/// breaks (`%0A`) survive and nothing else ends the command.
pub fn github_data(s: &str) -> String {
    let s = terminal(s);
    if !s.contains(['%', '\r', '\n']) {
        return s.into_owned();
    }
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A GitHub workflow command property (`file=`): the data encoding, and `:` and `,`,
/// which would end the property.
pub fn github_property(s: &str) -> String {
    github_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// A repository-relative path as a URI reference (SARIF's `artifactLocation.uri`): every
/// byte of its UTF-8 encoding but the RFC 3986 unreserved characters and the `/` that
/// separates its segments is percent-encoded, so `Q3 status.yaml` becomes
/// `Q3%20status.yaml` and `café` `caf%C3%A9`. A space, a non-ASCII letter, `%`, `#` or `?`
/// would otherwise make an invalid reference or a different file to a URI reader, and a
/// `:` in the first segment would read as a scheme (`a:b.yaml`).
pub fn uri_path(s: &str) -> Cow<'_, str> {
    let kept = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
    if s.bytes().all(kept) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for b in s.bytes() {
        if kept(b) {
            out.push(b as char);
        } else {
            use std::fmt::Write;
            let _ = write!(out, "%{b:02X}");
        }
    }
    Cow::Owned(out)
}

/// A SARIF message (`message.text`): as in a terminal, and `\`, `[` and `]` escaped with
/// `\` (SARIF 3.11.5), so that document text cannot make an embedded link; pmo's own
/// links to related locations are added after escaping.
pub fn sarif_message(s: &str) -> Cow<'_, str> {
    let s = terminal(s);
    if !s.contains(['\\', '[', ']']) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sarif_messages_cannot_hold_a_link() {
        assert_eq!(sarif_message("plain"), "plain");
        assert_eq!(
            sarif_message("see [here](0) or [x](https://e.example)\\"),
            "see \\[here\\](0) or \\[x\\](https://e.example)\\\\"
        );
        assert_eq!(sarif_message("a\n[b]"), "a\\\\n\\[b\\]");
    }

    #[test]
    fn terminal_shows_what_it_would_hide() {
        assert_eq!(terminal("plain: text"), "plain: text");
        assert!(matches!(terminal("Zürich – naïve"), Cow::Borrowed(_)));
        assert_eq!(
            terminal("a\nb\r\x1b[31m\t\u{85}\u{2028}\u{202e}\u{2066}\u{fffe}\x01"),
            "a\\nb\\r\\u{1b}[31m\\t\\u{85}\\u{2028}\\u{202e}\\u{2066}\\u{fffe}\\u{1}"
        );
    }

    #[test]
    fn terminal_maps_characters_to_where_they_are_shown() {
        let (text, starts) = terminal_mapped("a\u{202e}b");
        assert_eq!(text, "a\\u{202e}b");
        assert_eq!(starts, [0, 1, 9, 10]);
    }

    #[test]
    fn terminal_defuses_workflow_commands() {
        assert_eq!(terminal("::error::x"), "\\::error::x");
        assert_eq!(terminal("  ::add-mask::x"), "  \\::add-mask::x");
        assert_eq!(terminal("a ::b"), "a ::b");
        assert_eq!(terminal("x ##[error]y"), "x ##\\[error]y");
        assert_eq!(terminal("x\n::error::y"), "x\\n::error::y");
    }

    #[test]
    fn csv_neutralises_formulas_but_not_numbers() {
        assert_eq!(csv("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv("-2+3"), "'-2+3");
        assert_eq!(csv("+1"), "+1");
        assert_eq!(csv("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv("\tx"), "'\\tx");
        assert_eq!(csv("\rx"), "'\\rx");
        assert_eq!(csv("-12.5"), "-12.5");
        assert_eq!(csv("-1e6"), "-1e6");
        assert_eq!(csv("-"), "'-");
        assert_eq!(csv("-inf"), "'-inf");
        assert_eq!(csv("a-b"), "a-b");
        assert_eq!(csv("x\ny"), "x\\ny");
    }

    #[test]
    fn html_escapes_like_minijinja_and_breaks_no_line() {
        assert_eq!(html("a/b"), "a&#x2f;b");
        assert_eq!(
            html("<a href='x'>&\"\n\r\u{202e}"),
            "&lt;a href=&#x27;x&#x27;&gt;&amp;&quot;&#10;&#13;\\u{202e}"
        );
        assert_eq!(html("##[error]"), "##&#91;error]");
        assert!(matches!(html("Zürich – 2026"), Cow::Borrowed(_)));
    }

    #[test]
    fn markdown_keeps_harmless_text() {
        for s in [
            "Apollo CRM rollout",
            "2026-11-20",
            "-59,500",
            "on_hold",
            "3.5",
            "e.g. (see above): 50% done!",
            "Zürich – naïve",
            "bob@example.org",
            "R&D",
        ] {
            assert_eq!(markdown(s), s, "{s}");
        }
    }

    #[test]
    fn markdown_escapes_constructs() {
        assert_eq!(markdown("# heading"), "\\# heading");
        assert_eq!(markdown("a # b"), "a # b");
        assert_eq!(markdown("- item"), "\\- item");
        assert_eq!(markdown("> quote"), "\\> quote");
        assert_eq!(markdown("1. one"), "1\\. one");
        assert_eq!(markdown("    code"), "&#32;   code");
        assert_eq!(markdown("break  "), "break &#32;");
        assert_eq!(markdown("```"), "&#96;&#96;&#96;");
        assert_eq!(markdown("<!--"), "\\<!--");
        assert_eq!(markdown("</details>"), "\\</details>");
        assert_eq!(markdown("a | b"), "a \\| b");
        assert_eq!(markdown("*x* _y_ a_b"), "\\*x\\* \\_y\\_ a_b");
        assert_eq!(markdown("[x](y)"), "\\[x\\](y)");
        assert_eq!(markdown("a\\b"), "a\\\\b");
        assert_eq!(markdown("&lt; &#60;"), "\\&lt; \\&#&#8203;60;");
        assert_eq!(markdown("~~x~~ $x$"), "\\~\\~x\\~\\~ \\$x\\$");
        assert_eq!(markdown("::error::x"), "\\::error::x");
    }

    #[test]
    fn markdown_keeps_a_value_on_one_line() {
        assert_eq!(
            markdown("a\nb\r\nc\rd\u{2028}e\x1b"),
            "a<br>b<br>c<br>d\\\\u{2028}e\\\\u{1b}"
        );
    }

    #[test]
    fn markdown_defuses_mentions_and_references() {
        assert_eq!(markdown("@team"), "@&#8203;team");
        assert_eq!(markdown("see #12"), "see #&#8203;12");
        assert_eq!(markdown("GH-12, gh-3"), "GH-&#8203;12, gh-&#8203;3");
        assert_eq!(markdown("#1"), "\\#&#8203;1");
        assert_eq!(markdown("HIGH-12"), "HIGH-12");
    }

    #[test]
    fn markdown_defuses_bare_addresses() {
        assert_eq!(
            markdown("see https://evil.example/x"),
            "see https:&#8203;//evil.example/x"
        );
        assert_eq!(
            markdown("or WWW.evil.example"),
            "or WWW&#8203;.evil.example"
        );
        // Not an address: left as it is.
        assert!(matches!(markdown("a:b/c, ww.x"), Cow::Borrowed(_)));
        assert_eq!(markdown("awww.x, a:/b"), "awww.x, a:/b");
    }

    #[test]
    fn github_encodes_like_the_toolkit() {
        assert_eq!(github_data("50% done\nnext"), "50%25 done\\nnext");
        assert_eq!(github_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn uri_path_percent_encodes_all_but_unreserved_and_slashes() {
        assert!(matches!(
            uri_path("projects/apollo/risks/r-1_a.v~2.yaml"),
            Cow::Borrowed(_)
        ));
        assert_eq!(uri_path("status/Q3 status.yaml"), "status/Q3%20status.yaml");
        assert_eq!(uri_path("projects/café.yaml"), "projects/caf%C3%A9.yaml");
        assert_eq!(uri_path("a:b/50%#1?x"), "a%3Ab/50%25%231%3Fx");
        assert_eq!(uri_path("x\\y\n+"), "x%5Cy%0A%2B");
    }
}
