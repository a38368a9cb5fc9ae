//! The YAML test suite (<https://github.com/yaml/yaml-test-suite>), vendored under
//! `tests/data/yaml-test-suite`, read case by case by both readers.
//!
//! - An invalid case (an `error` file) is refused with a P001 located inside the file.
//! - A valid case is read without a diagnostic, to the values of its `in.json` when it has
//!   one, unless it is one of [`REFUSALS`]: YAML pmo refuses on purpose, each with its own
//!   hint. The list is checked both ways, so it stays true: a listed case that is read, or
//!   an unlisted case that is refused, fails the test.
//! - Where the fast reader reads a case, saphyr alone must give the same values, spans and
//!   diagnostics.
//!
//! pmo reads a stream into the documents it holds: empty documents (no text at all) are
//! dropped, so a `null` of `in.json` may be missing from what pmo read. A root that is not
//! a mapping is a value like any other here (P002 is the repository's, not the parser's).

use super::yaml::{Limits, YamlFile, load, read_text};
use crate::code::Code;
use crate::diagnostic::Pos;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Valid YAML that pmo refuses on purpose: the case, the code of the finding and a part of
/// its message. Each is listed in the README's YAML section and in P001's documentation.
const REFUSALS: &[(&str, Code, &str)] = &[
    // A collection as a mapping key: a JSON key is text.
    ("4FJ6", Code::P001, COLLECTION_KEY),
    ("6BFJ", Code::P001, COLLECTION_KEY),
    ("6PBE", Code::P001, COLLECTION_KEY),
    ("9MMW", Code::P001, COLLECTION_KEY),
    ("KK5P", Code::P001, COLLECTION_KEY),
    ("LX3P", Code::P001, COLLECTION_KEY),
    ("M2N8/00", Code::P001, COLLECTION_KEY),
    ("M2N8/01", Code::P001, COLLECTION_KEY),
    ("M5DY", Code::P001, COLLECTION_KEY),
    ("Q9WF", Code::P001, COLLECTION_KEY),
    ("RZP5", Code::P001, COLLECTION_KEY),
    ("SBG9", Code::P001, COLLECTION_KEY),
    ("V9D5", Code::P001, COLLECTION_KEY),
    ("X38W", Code::P001, COLLECTION_KEY),
    ("XW4D", Code::P001, COLLECTION_KEY),
    // An alias as a mapping key.
    ("26DV", Code::P001, ALIAS_KEY),
    ("E76Z", Code::P001, ALIAS_KEY),
    // A tag outside the YAML 1.2 core schema: local (`!foo`), of another domain, or of
    // YAML 1.1 (`!!set`, `!!omap`, `!!binary`).
    ("2XXW", Code::P001, OTHER_TAG),
    ("565N", Code::P001, OTHER_TAG),
    ("5TYM", Code::P001, OTHER_TAG),
    ("6CK3", Code::P001, OTHER_TAG),
    ("6WLZ", Code::P001, OTHER_TAG),
    ("7FWL", Code::P001, OTHER_TAG),
    ("9WXW", Code::P001, OTHER_TAG),
    ("C4HZ", Code::P001, OTHER_TAG),
    ("CC74", Code::P001, OTHER_TAG),
    ("CUP7", Code::P001, OTHER_TAG),
    ("J7PZ", Code::P001, OTHER_TAG),
    ("M5C3", Code::P001, OTHER_TAG),
    ("P76L", Code::P001, OTHER_TAG),
    ("UGM3", Code::P001, OTHER_TAG),
    ("Z67P", Code::P001, OTHER_TAG),
    ("Z9M4", Code::P001, OTHER_TAG),
    // Two empty keys in one mapping: a duplicate key, which pmo reports.
    ("2JQS", Code::P004, "duplicate key"),
];

const COLLECTION_KEY: &str = "collections as mapping keys are not supported";
const ALIAS_KEY: &str = "aliases as mapping keys are not supported";
const OTHER_TAG: &str = "tags outside the YAML 1.2 core schema are not supported";

struct Case {
    /// `2SXE`, or `2SXE/01` for the second of a folder's cases.
    id: String,
    name: String,
    yaml: String,
    json: Option<String>,
    error: bool,
}

fn cases() -> Vec<Case> {
    fn case(id: String, dir: &Path) -> Option<Case> {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
        Some(Case {
            id,
            name: read("===").unwrap_or_default().trim().to_owned(),
            yaml: read("in.yaml")?,
            json: read("in.json"),
            error: dir.join("error").exists(),
        })
    }
    let root: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests/data/yaml-test-suite/cases",
    ]
    .iter()
    .collect();
    let mut out = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("the vendored suite")
        .flatten()
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for dir in dirs {
        let id = dir.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(c) = case(id.clone(), &dir) {
            out.push(c);
            continue;
        }
        let mut subs: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        subs.sort_by_key(|e| e.file_name());
        for sub in subs {
            let sub_id = format!("{id}/{}", sub.file_name().to_string_lossy());
            out.extend(case(sub_id, &sub.path()));
        }
    }
    out
}

/// `load`, and whether the fast reader read the text, after checking that saphyr alone
/// reads it to the same values, spans and diagnostics when it did.
fn read_both(case: &Case) -> (YamlFile, bool) {
    let limits = Limits::default();
    let file = load("in.yaml", case.yaml.as_bytes(), &limits);
    let (fast, by_fast) = read_text("in.yaml", &case.yaml, &limits, true);
    let (saphyr, _) = read_text("in.yaml", &case.yaml, &limits, false);
    if by_fast {
        let show = |f: &YamlFile| {
            let docs: Vec<_> = f
                .docs
                .iter()
                .map(|d| format!("{} {:?}", d.value, d.spans))
                .collect();
            format!("{docs:?} {:?}", f.diagnostics)
        };
        assert_eq!(
            show(&fast),
            show(&saphyr),
            "{} {}: the readers differ",
            case.id,
            case.name
        );
    }
    (file, by_fast)
}

/// Whether `pos` is a place in `text`: on one of its lines, at most just after its end.
fn inside(text: &str, pos: Pos) -> bool {
    let end = Pos::after(text);
    let line = text.split('\n').nth(pos.line.saturating_sub(1) as usize);
    pos.line >= 1
        && pos.column >= 1
        && (pos.line, pos.column) <= (end.line, end.column)
        && line.is_some_and(|l| pos.column as usize <= l.chars().count() + 1)
}

/// The JSON values of `in.json`: a stream of them, one per document.
fn expected(json: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(json)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .expect("in.json")
}

/// Equal as JSON, numbers by value (`1` and `1.0` are the same number).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        // Unordered, as JSON objects are.
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

/// Whether `read` is `expected` less some of its `null` documents (empty ones).
fn same_documents(read: &[Value], expected: &[Value]) -> bool {
    let mut read = read.iter().peekable();
    for e in expected {
        match read.peek() {
            Some(r) if same(r, e) => {
                read.next();
            }
            _ if e.is_null() => {}
            _ => return false,
        }
    }
    read.next().is_none()
}

#[test]
fn the_yaml_test_suite_reads_as_the_suite_says() {
    let cases = cases();
    assert!(cases.len() > 350, "{} cases", cases.len());
    let mut failures = Vec::new();
    let mut by_fast = 0;
    let mut refused = Vec::new();
    for case in &cases {
        let (file, fast) = read_both(case);
        by_fast += usize::from(fast);
        let p001 = file.diagnostics.iter().find(|d| d.code == Code::P001);
        let what = format!("{} ({})", case.id, case.name);
        if case.error {
            match p001 {
                None => failures.push(format!("{what}: accepted, {:?}", file.diagnostics)),
                Some(d) if !inside(&case.yaml, d.span.start) || !inside(&case.yaml, d.span.end) => {
                    failures.push(format!("{what}: P001 outside the file at {:?}", d.span));
                }
                Some(_) => {}
            }
            continue;
        }
        if let Some((_, code, hint)) = REFUSALS.iter().find(|(id, ..)| *id == case.id) {
            refused.push(case.id.as_str());
            let found = file.diagnostics.iter().find(|d| d.code == *code);
            let hinted =
                found.is_some_and(|d| d.message.contains(hint) && inside(&case.yaml, d.span.start));
            if !hinted {
                failures.push(format!(
                    "{what}: listed as refused, but read with {:?}",
                    file.diagnostics
                ));
            }
            continue;
        }
        if !file.diagnostics.is_empty() {
            failures.push(format!("{what}: refused with {:?}", file.diagnostics));
            continue;
        }
        if let Some(json) = &case.json {
            let read: Vec<Value> = file.docs.iter().map(|d| d.value.clone()).collect();
            let want = expected(json);
            if !same_documents(&read, &want) {
                failures.push(format!("{what}: read {read:?}, the suite says {want:?}"));
            }
        }
    }
    for (id, ..) in REFUSALS {
        assert!(
            refused.contains(id),
            "{id} is listed as refused but is not a valid case of the suite"
        );
    }
    // The fast reader meets enough of the suite for the comparison to bite.
    assert!(by_fast >= 15, "the fast reader read {by_fast} cases");
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn a_position_past_the_end_is_not_inside() {
    assert!(inside("a: b\n", Pos { line: 1, column: 5 }));
    assert!(inside("a: b\n", Pos { line: 2, column: 1 }));
    assert!(!inside("a: b\n", Pos { line: 2, column: 2 }));
    assert!(!inside("a: b", Pos { line: 1, column: 6 }));
    assert!(!inside("a: b\nc", Pos { line: 1, column: 6 }));
}

/// Every prefix of every case, so that errors meet the end of the text in every way the
/// suite's YAML can: each finding stays inside the text.
#[test]
fn findings_on_every_prefix_of_the_suite_are_inside_the_text() {
    let mut outside = Vec::new();
    let mut found = 0;
    for case in cases() {
        let text = &case.yaml;
        for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let prefix = &text[..end];
            let file = load("in.yaml", prefix.as_bytes(), &Limits::default());
            for d in &file.diagnostics {
                found += 1;
                if !inside(prefix, d.span.start) || !inside(prefix, d.span.end) {
                    outside.push(format!("{} at {end}: {prefix:?} {d:?}", case.id));
                }
            }
        }
    }
    assert!(found > 1_000, "{found}");
    assert!(
        outside.is_empty(),
        "{}:\n{}",
        outside.len(),
        outside[..outside.len().min(20)].join("\n")
    );
}

/// The refusals, as their messages name them, are each listed in the README's YAML
/// section and in P001's documentation.
#[test]
fn every_refusal_is_documented() {
    let readme = include_str!("../../README.md");
    let yaml = &readme[readme.find("### YAML").expect("a YAML section")..];
    let p001 = super::p001_invalid_yaml::RULE.doc;
    for what in [
        COLLECTION_KEY,
        ALIAS_KEY,
        OTHER_TAG,
        "`<<` merge keys are not supported",
    ] {
        let name = what.trim_end_matches(" are not supported");
        assert!(yaml.contains(name), "README: {name}");
        assert!(p001.contains(name), "P001: {name}");
    }
}
