//! The layers of the library (docs/architecture.md), enforced: a module may import
//! only from modules on lower layers. The test reads every file under `src/`: `use
//! crate::...` lines and their `{...}` groups (nested, over several lines), inline
//! `crate::x::` paths, and `super::` paths that climb out of a top-level module. Test
//! code (`#[cfg(test)]` items and the files of `#[cfg(test)] mod x;`) is skipped.
//! There are no exceptions: an import that the order does not allow fails the test,
//! and the fix is to move the code to the layer where it belongs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may import from the layers below its own; two
/// modules of one layer may not import each other. `cli` (src/main.rs, src/cli/) is
/// the binary, on top.
const LAYERS: &[&[&str]] = &[
    &["code", "escape", "suggest", "budget", "amount"],
    &["diagnostic"],
    &["error", "fix"],
    &["source"],
    &["parse"],
    &["git"],
    &["model"],
    &["schema"],
    &["policy"],
    &["config"],
    &["metrics"],
    &["write"],
    &["repository"],
    &["fingerprint"],
    &["changes"],
    &["rules"],
    &["check"],
    &["scaffold"],
    &["views", "import"],
    &["trend"],
    &["render"],
    &["report"],
    &["lsp"],
    &["cli"],
];

/// The module a file belongs to: the first component under `src/`, `cli` for the binary.
fn module_of(relative: &Path) -> String {
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    let first = first.trim_end_matches(".rs");
    if first == "main" {
        "cli".into()
    } else {
        first.into()
    }
}

/// The module path of a file below the crate root: `a/b/c.rs` is `[a, b, c]`,
/// `a/mod.rs` is `[a]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut path: Vec<String> = relative
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    if path.last().is_some_and(|last| last == "mod") {
        path.pop();
    }
    path
}

/// The source with comments, strings and character literals blanked (newlines kept, so
/// that lines still count).
fn strip(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |out: &mut String, c: char| out.push(if c == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
            }
        } else if (c == 'r' || (c == 'b' && next == Some('r')))
            && !chars[..i]
                .last()
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
            && {
                let mut j = i + if c == 'b' { 2 } else { 1 };
                while chars.get(j) == Some(&'#') {
                    j += 1;
                }
                chars.get(j) == Some(&'"')
            }
        {
            // A raw string: r"..", r#".."#, br"..".
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while chars[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if chars[j] == '"' && (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            while i < j {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '"' {
            blank(&mut out, c);
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    blank(&mut out, chars[i]);
                    i += 1;
                }
                blank(&mut out, chars[i]);
                i += 1;
            }
            if i < chars.len() {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\''), not a lifetime.
            blank(&mut out, c);
            i += 1;
            if chars[i] == '\\' {
                blank(&mut out, chars[i]);
                i += 1;
            }
            while i < chars.len() && chars[i] != '\'' {
                blank(&mut out, chars[i]);
                i += 1;
            }
            if i < chars.len() {
                blank(&mut out, chars[i]);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// Blanks every `#[cfg(test)]` item (a module, function, `use`), and returns the names
/// of `#[cfg(test)] mod x;` declarations, whose files are test code.
fn skip_tests(stripped: &str) -> (String, Vec<String>) {
    let mut chars: Vec<char> = stripped.chars().collect();
    let mut test_files = Vec::new();
    let attribute: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + attribute.len() <= chars.len() {
        if chars[i..i + attribute.len()] != attribute[..] {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + attribute.len();
        while j < chars.len() && chars[j] != '{' && chars[j] != ';' {
            j += 1;
        }
        if j < chars.len() && chars[j] == ';' {
            let item: String = chars[start + attribute.len()..j].iter().collect();
            let words: Vec<&str> = item.split_whitespace().collect();
            if let Some(at) = words.iter().position(|w| *w == "mod")
                && let Some(name) = words.get(at + 1)
            {
                test_files.push(name.to_string());
            }
            j += 1;
        } else {
            let mut depth = 0;
            while j < chars.len() {
                match chars[j] {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            j += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        for c in &mut chars[start..j] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = j;
    }
    (chars.into_iter().collect(), test_files)
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Path,
    Open,
    Close,
    Comma,
    Other,
}

fn tokens(code: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            out.push((Token::Ident(word.trim_start_matches('$').to_string()), line));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push((Token::Path, line));
            i += 2;
        } else {
            out.push((
                match c {
                    '{' => Token::Open,
                    '}' => Token::Close,
                    ',' => Token::Comma,
                    _ => Token::Other,
                },
                line,
            ));
            i += 1;
        }
    }
    out
}

/// The first segments named by the path tree at `tokens[at..]` (after a `crate::`):
/// `x` names `x`, `{a, b::c, d}` names `a`, `b` and `d`.
fn first_segments(tokens: &[(Token, usize)], at: usize) -> Vec<(String, usize)> {
    match tokens.get(at) {
        Some((Token::Ident(name), line)) => vec![(name.clone(), *line)],
        Some((Token::Open, _)) => {
            let mut found = Vec::new();
            let mut depth = 0;
            let mut expect = true;
            for (token, line) in &tokens[at..] {
                match token {
                    Token::Open => {
                        depth += 1;
                        expect = depth == 1;
                    }
                    Token::Close => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    Token::Comma if depth == 1 => expect = true,
                    Token::Ident(name) if expect && depth == 1 => {
                        found.push((name.clone(), *line));
                        expect = false;
                    }
                    _ => expect = false,
                }
            }
            found
        }
        _ => Vec::new(),
    }
}

/// Every top-level module the file at `relative` (under `src/`) names, with its line.
/// `roots` maps the crate root's re-exported items (`Error`) to their module.
fn imports(
    relative: &Path,
    source: &str,
    roots: &BTreeMap<String, String>,
) -> Vec<(String, usize)> {
    let (code, _) = skip_tests(&strip(source));
    let tokens = tokens(&code);
    let depth = module_path(relative).len();
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let at_root = match &tokens[i].0 {
            Token::Ident(word)
                if word == "crate" && tokens.get(i + 1).map(|t| &t.0) == Some(&Token::Path) =>
            {
                Some(i + 2)
            }
            Token::Ident(word)
                if word == "super"
                    && tokens.get(i + 1).map(|t| &t.0) == Some(&Token::Path)
                    && !matches!(
                        tokens.get(i.wrapping_sub(1)).map(|t| &t.0),
                        Some(Token::Path)
                    ) =>
            {
                let mut j = i;
                let mut climbs = 0;
                while matches!(&tokens.get(j).map(|t| &t.0), Some(Token::Ident(w)) if w == "super")
                    && tokens.get(j + 1).map(|t| &t.0) == Some(&Token::Path)
                {
                    climbs += 1;
                    j += 2;
                }
                i = j;
                (climbs >= depth).then_some(j)
            }
            _ => None,
        };
        match at_root {
            Some(at) => {
                for (name, line) in first_segments(&tokens, at) {
                    if name == "self" || name == "super" {
                        continue;
                    }
                    found.push((roots.get(&name).cloned().unwrap_or(name), line));
                }
                i = at;
            }
            None => i += 1,
        }
    }
    found
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Whether `from` may import `to`.
fn allowed(from: &str, to: &str) -> bool {
    from == to || matches!((layer_of(from), layer_of(to)), (Some(a), Some(b)) if b < a)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate's top-level modules (from src/lib.rs) and its re-exported root items.
fn crate_root(lib: &str) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut modules = BTreeSet::new();
    let mut roots = BTreeMap::new();
    for statement in strip(lib).split(';') {
        let words: Vec<&str> = statement.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| *w == "mod") {
            modules.insert(words[at + 1].to_string());
        } else if let Some(at) = words.iter().position(|w| *w == "use") {
            let rest = words[at + 1..].concat();
            if let Some((module, items)) = rest.split_once("::") {
                for item in items.trim_matches(|c| c == '{' || c == '}').split(',') {
                    roots.insert(item.to_string(), module.to_string());
                }
            }
        }
    }
    (modules, roots)
}

/// Every import edge between two modules: `(from, to) -> [(file, line)]`.
fn edges() -> BTreeMap<(String, String), Vec<(String, usize)>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (_, roots) = crate_root(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    // The files of `#[cfg(test)] mod x;`: `dir/x.rs` and everything under `dir/x/`.
    let mut test_only: Vec<PathBuf> = Vec::new();
    for file in &files {
        let (_, names) = skip_tests(&strip(&std::fs::read_to_string(file).unwrap()));
        let dir = match file.file_name().unwrap().to_str().unwrap() {
            "mod.rs" | "lib.rs" | "main.rs" => file.parent().unwrap().to_path_buf(),
            _ => file.with_extension(""),
        };
        test_only.extend(names.iter().map(|name| dir.join(name)));
    }
    let mut edges: BTreeMap<(String, String), Vec<(String, usize)>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        if relative == Path::new("lib.rs")
            || test_only
                .iter()
                .any(|t| file.starts_with(t) || *file == t.with_extension("rs"))
        {
            continue;
        }
        let from = module_of(relative);
        let source = std::fs::read_to_string(file).unwrap();
        for (to, line) in imports(relative, &source, &roots) {
            if to != from {
                let place = (format!("src/{}", relative.display()), line);
                edges.entry((from.clone(), to)).or_default().push(place);
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let (modules, _) = crate_root(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut listed: BTreeSet<String> = LAYERS
        .iter()
        .flat_map(|l| l.iter().map(|m| m.to_string()))
        .collect();
    assert!(listed.remove("cli"), "the binary is the top layer");
    assert_eq!(
        modules, listed,
        "LAYERS must name every module of src/lib.rs once"
    );
    let count: usize = LAYERS.iter().map(|l| l.len()).sum();
    assert_eq!(count, listed.len() + 1, "a module is on one layer only");
}

#[test]
fn imports_follow_the_layers() {
    let edges = edges();
    let mut problems = Vec::new();
    for ((from, to), places) in &edges {
        if layer_of(to).is_none() {
            problems.push(format!(
                "{}:{}: {from} names `{to}`, which is no module",
                places[0].0, places[0].1
            ));
            continue;
        }
        if allowed(from, to) {
            continue;
        }
        for (file, line) in places {
            problems.push(format!(
                "{file}:{line}: {from} -> {to} goes against the layers"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The parser, on planted source: what it must catch and what it must let pass.
#[test]
fn the_reader_finds_every_form_of_import() {
    let roots = BTreeMap::from([
        ("Error".to_string(), "error".to_string()),
        ("Result".to_string(), "error".to_string()),
    ]);
    let planted = r#"
use std::fmt;
use crate::code::Code;
use crate::{
    diagnostic::{self, Diagnostic},
    rules::{Rule, p001},
};
use super::sibling;
// use crate::commented;
const TEXT: &str = "crate::quoted::x";
fn f() -> crate::Result<()> {
    let c = 'x';
    crate::render::human(super::super::super::check::run(), crate::Error::Io);
}
#[cfg(test)]
mod tests {
    use crate::report::Something;
}
#[cfg(test)]
mod fixtures;
"#;
    let found = imports(Path::new("parse/fast/inner.rs"), planted, &roots);
    let found: Vec<(&str, usize)> = found.iter().map(|(m, l)| (m.as_str(), *l)).collect();
    assert_eq!(
        found,
        [
            ("code", 3),
            ("diagnostic", 5),
            ("rules", 6),
            ("error", 11),
            ("render", 13),
            ("check", 13),
            ("error", 13),
        ]
    );
    // From a file one level down, one `super::` stays inside the module.
    assert!(imports(Path::new("parse/fast.rs"), "use super::input;", &roots).is_empty());
    assert_eq!(
        imports(
            Path::new("parse/mod.rs"),
            "use super::{source, code::Code};",
            &roots
        ),
        [("source".to_string(), 1), ("code".to_string(), 1)]
    );
    let (_, test_files) = skip_tests(&strip(planted));
    assert_eq!(test_files, ["fixtures"]);
    // The planted violation is caught, the planted allowed import is not.
    assert!(!allowed("parse", "rules"), "parse -> rules goes upwards");
    assert!(allowed("parse", "code"), "parse -> code goes downwards");
    assert!(
        !allowed("changes", "views"),
        "one layer does not import itself"
    );
}

#[test]
#[ignore]
fn print_edges() {
    // `cargo test --test layers -- --ignored --nocapture`: every edge, XX against the order.
    for ((from, to), places) in edges() {
        let mark = if allowed(&from, &to) { "  " } else { "XX" };
        println!("{mark} {from} -> {to}  ({}:{})", places[0].0, places[0].1);
    }
}
