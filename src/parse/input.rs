//! The text handed to saphyr's scanner: its own `StrInput`, with a smaller reported
//! buffer.
//!
//! The scanner reserves `bufmaxlen()` bytes past the first character of every plain
//! scalar, in a string it allocated with room for 32. `StrInput` reports 128 (it has no
//! buffer; the number only paces the scanner's loops), so every key and plain value was
//! allocated twice: a tenth of the work of loading a repository. Reporting 30 keeps
//! scalars of up to 32 bytes in their first allocation. Any value from 8 up is valid
//! (saphyr's own `BufferedInput` uses 16).
//!
//! It also lets a tab separate a value from its `:` (`key:<TAB>value`), as YAML 1.2 does:
//! the scanner refuses a value after tabs alone when it starts with a letter or `-`, to
//! refuse a block collection started there (`? a` / `:<TAB>- b`), which only spaces may
//! indent. Here only those are refused. Everything else is `StrInput`'s.

use saphyr_parser::input::SkipTabs;
use saphyr_parser::{Input, StrInput};

pub struct Text<'a>(StrInput<'a>);

impl<'a> Text<'a> {
    pub fn new(text: &'a str) -> Self {
        Text(StrInput::new(text))
    }
}

/// What the scanner reserves past a scalar's first character: its first allocation (32
/// bytes) less that character and one to spare.
const RESERVE: usize = 30;

/// Methods handed to `StrInput` as they are; one arm per kind of receiver.
macro_rules! delegate {
    ($(fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        $(
            #[inline]
            fn $name(&self $(, $arg: $ty)*) -> $ret {
                self.0.$name($($arg),*)
            }
        )*
    };
    ($(fn $name:ident(&mut self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        $(
            #[inline]
            fn $name(&mut self $(, $arg: $ty)*) -> $ret {
                self.0.$name($($arg),*)
            }
        )*
    };
}

impl Input for Text<'_> {
    #[inline]
    fn bufmaxlen(&self) -> usize {
        RESERVE
    }

    /// Whether spaces were skipped is read by the scanner only after a `:`, to refuse a
    /// value after tabs alone: reported as found unless a block collection starts there.
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> (usize, Result<SkipTabs, &'static str>) {
        let (skipped, result) = self.0.skip_ws_to_eol(skip_tabs);
        match result {
            Ok(SkipTabs::Result(true, false)) if !starts_block_collection(self.0) => {
                (skipped, Ok(SkipTabs::Result(true, true)))
            }
            _ => (skipped, result),
        }
    }

    delegate! {
        fn buflen(&self) -> usize;
        fn buf_is_empty(&self) -> bool;
        fn peek(&self) -> char;
        fn peek_nth(&self, n: usize) -> char;
        fn peek_opt(&self) -> Option<char>;
        fn next_char_is(&self, c: char) -> bool;
        fn nth_char_is(&self, n: usize, c: char) -> bool;
        fn next_2_are(&self, c1: char, c2: char) -> bool;
        fn next_3_are(&self, c1: char, c2: char, c3: char) -> bool;
        fn next_is_document_indicator(&self) -> bool;
        fn next_is_document_start(&self) -> bool;
        fn next_is_document_end(&self) -> bool;
        fn next_can_be_plain_scalar(&self, in_flow: bool) -> bool;
        fn next_is_blank_or_break(&self) -> bool;
        fn next_is_blank_or_breakz(&self) -> bool;
        fn next_is_blank(&self) -> bool;
        fn next_is_break(&self) -> bool;
        fn next_is_breakz(&self) -> bool;
        fn next_is_z(&self) -> bool;
        fn next_is_flow(&self) -> bool;
        fn next_is_digit(&self) -> bool;
        fn next_is_alpha(&self) -> bool;
    }

    delegate! {
        fn lookahead(&mut self, count: usize) -> ();
        fn raw_read_ch(&mut self) -> char;
        fn raw_read_non_breakz_ch(&mut self) -> Option<char>;
        fn skip(&mut self) -> ();
        fn skip_n(&mut self, count: usize) -> ();
        fn look_ch(&mut self) -> char;
        fn skip_while_non_breakz(&mut self) -> usize;
        fn skip_while_blank(&mut self) -> usize;
        fn fetch_while_is_alpha(&mut self, out: &mut String) -> usize;
        fn fetch_while_is_yaml_non_space(&mut self, out: &mut String) -> usize;
    }
}

/// Whether a block collection starts at `input`: an entry (`- `) or an implicit key (text
/// up to `: `) on this line. The search stops at a tab, where the next search would
/// start, so the text is searched once however many tabs it holds; and at 1024
/// characters, past which YAML allows no implicit key.
fn starts_block_collection(mut input: StrInput<'_>) -> bool {
    let blank = |c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\0');
    if input.peek() == '-' && blank(input.peek_nth(1)) {
        return true;
    }
    let mut previous = '\0';
    for _ in 0..1024 {
        let Some(c) = input.raw_read_non_breakz_ch() else {
            return false;
        };
        match c {
            ':' if blank(input.peek()) => return true,
            '#' if previous == ' ' => return false,
            '\t' => return false,
            _ => previous = c,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::Text;
    use saphyr_parser::Parser;

    /// Every event and span as saphyr reads `text`, up to its first error.
    fn events<'a, T: saphyr_parser::Input>(parser: Parser<'a, T>) -> Vec<String> {
        let mut out = Vec::new();
        for event in parser {
            out.push(format!("{event:?}"));
            if event.is_err() {
                break;
            }
        }
        out
    }

    #[test]
    fn reads_as_saphyr_reads_a_string() {
        let long = "x".repeat(200);
        let deep = " ".repeat(40);
        let texts = [
            "kind: risk\nid: r-1\ntitle: short\n".to_owned(),
            format!("title: {long}\nnote: {long} and more words {long}\n"),
            "summary: a plain scalar\n  folded over\n\n  three lines # comment\nnext: 1\n"
                .to_owned(),
            format!(
                "a:\n{deep}b: |\n{deep}  block kept\n{deep}  {long}\n{deep}c: >-\n{deep}  folded\n"
            ),
            "flow: {a: [1, 2, {b: c}], d: 'q''uoted', e: \"esc\\n\"}\n".to_owned(),
            "- &anchor {x: 1}\n- *anchor\n---\nsecond: doc\n...\n".to_owned(),
            "bad: [unclosed\n".to_owned(),
            "k: v\n\tbad: tab\n".to_owned(),
            "k: v\t\nl:\t \"q\"\nm: [a,\tb]\n".to_owned(),
            "ünïcødé: «värdé» 日本語 with 🚀 past thirty-two bytes of text\n".to_owned(),
        ];
        for text in &texts {
            assert_eq!(
                events(Parser::new(Text::new(text))),
                events(Parser::new_from_str(text)),
                "{text}"
            );
        }
    }

    #[test]
    fn a_tab_separates_a_value_from_its_colon() {
        let read = |text: &str| events(Parser::new(Text::new(text)));
        for (tab, space) in [
            ("key:\tvalue\n", "key: value\n"),
            ("key:\t-1\n", "key: -1\n"),
            ("- key:\tvalue\n", "- key: value\n"),
            ("{key:\tvalue}\n", "{key: value}\n"),
            ("? a\n:\tb # c\n", "? a\n: b # c\n"),
        ] {
            let spaced: Vec<_> = read(space).iter().map(|e| e.replace(' ', "")).collect();
            let tabbed: Vec<_> = read(tab)
                .iter()
                .map(|e| e.replace(['\t', ' '], ""))
                .collect();
            assert_eq!(tabbed, spaced, "{tab:?}");
            assert!(!format!("{tabbed:?}").contains("Err"), "{tab:?}");
        }
        // A block collection cannot start after tabs: only spaces indent one.
        for text in ["? a\n:\t- b\n", "? a\n:\tb: c\n", "? a\n:\tb:\tc\n"] {
            assert!(read(text).last().unwrap().contains("Err"), "{text:?}");
        }
    }
}
