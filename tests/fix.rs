//! `pmo check --fix` and `--diff`: only certain fixes, made at their spans (every other
//! byte stays), a file that does not parse left alone, and a check afterwards finds none
//! of what was fixed.

mod common;

use common::Repo;
use serde_json::Value;

const PERSON: &str = "kind: person\nid: carol\nname: Carol\n";

/// A risk with a misspelt field whose value is a misspelt id, two dates in other forms,
/// a status in the wrong case and comments and quoting that must stay.
const RISK: &str = "\
# Raised at the steering committee.
kind: risk
id: r1   # keep this comment
project: p1
title: \"Vendor delay\"
ownr: carl   # misspelt twice
probability: 3
impact: 3
raised: 2026/09/02
last_reviewed: '28 Oct 2026'
";

const FIXED: &str = "\
# Raised at the steering committee.
kind: risk
id: r1   # keep this comment
project: p1
title: \"Vendor delay\"
owner: carol   # misspelt twice
probability: 3
impact: 3
raised: 2026-09-02
last_reviewed: '2026-10-28'
status: open
";

const PROJECT: &str = "\
kind: project
id: p1
title: P1
sponsor: carol
manager: carol
state: Proposed
phase: initiation
";

fn repo() -> Repo {
    Repo::new()
        .file("people/carol.yaml", PERSON)
        .file("projects/p1/project.yaml", PROJECT)
        .file("projects/p1/risks/r1.yaml", RISK)
}

fn read(repo: &Repo, path: &str) -> String {
    std::fs::read_to_string(repo.join(path)).unwrap()
}

#[test]
fn fixes_change_only_their_spans_and_leave_nothing_they_fixed() {
    let repo = repo();
    let (_, before) = repo.report(&["check"]);
    let fixable: Vec<&Value> = before["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("fix").is_some())
        .collect();
    // `ownr`, two dates, the missing status, `Proposed`; `carl` shows once `owner` is one.
    assert_eq!(fixable.len(), 5, "{before:#}");
    for d in &fixable {
        every_byte_outside_the_edits_stays(&read(&repo, d["file"].as_str().unwrap()), d);
    }

    let out = repo.pmo(&["check", "--fix"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("fixed 6 findings in 2 file(s)"), "{stderr}");
    assert_eq!(read(&repo, "projects/p1/risks/r1.yaml"), FIXED);
    assert_eq!(
        read(&repo, "projects/p1/project.yaml"),
        PROJECT.replace("Proposed", "proposed")
    );
    // The check after the fixes is the one printed, and it is clean.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(repo.findings(), vec![]);
}

/// Each edit's `old` is at its span, and the text outside the edits of a finding's fix is
/// unchanged.
fn every_byte_outside_the_edits_stays(text: &str, d: &Value) {
    {
        for e in d["fix"]["edits"].as_array().unwrap() {
            let at = |line: &str, column: &str| {
                pmo::fix::Lines::new(text)
                    .offset(pmo::diagnostic::Pos {
                        line: e[line].as_u64().unwrap() as u32,
                        column: e[column].as_u64().unwrap() as u32,
                    })
                    .unwrap()
            };
            let (start, end) = (at("line", "column"), at("end_line", "end_column"));
            let old = e["old"].as_str().unwrap();
            assert_eq!(text[start..end].trim_matches(['\'', '"']), old, "{d:#}");
            let new = e["new"].as_str().unwrap();
            let edited = format!("{}{new}{}", &text[..start], &text[end..]);
            assert_eq!(&edited[..start], &text[..start]);
            assert_eq!(&edited[start + new.len()..], &text[end..]);
        }
    }
}

#[test]
fn diff_shows_the_fixes_and_writes_nothing() {
    let repo = repo();
    let out = repo.pmo(&["check", "--diff"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains(
            "--- a/projects/p1/risks/r1.yaml\n+++ b/projects/p1/risks/r1.yaml\n@@ -3,8 +3,9 @@\n"
        ),
        "{diff}"
    );
    assert!(diff.contains("-ownr: carl   # misspelt twice\n+owner: carol   # misspelt twice\n"));
    assert!(diff.contains("+status: open\n"));
    assert_eq!(read(&repo, "projects/p1/risks/r1.yaml"), RISK);
    // Nothing to fix: exit 0, no diff.
    let clean = Repo::new().file("people/carol.yaml", PERSON);
    clean.pmo(&["check", "--diff"]).assert().code(0).stdout("");
}

#[test]
fn uncertain_fixes_broken_files_and_pmo_yaml_are_left_alone() {
    let two_close = "kind: risk\nid: r2\nproject: p1\ntitle: T\nowner: bobby\nprobability: 3\nimpact: 3\nstatus: open\n";
    // `bobby` is as close to `bob` as to `bobbi`: no fix.
    let broken = "kind: risk\nid: r3\nstatus: Open\nowner: [unclosed\n";
    let ambiguous =
        "kind: decision\nid: d1\ntitle: T\ndate: 05/06/2026\ndecided_by: [bob]\nstatus: decided\n";
    let repo = Repo::with_config(
        "version: 1\nroles: [sponsor]\nwaivers:\n  - {rule: K002, id: r2, reason: x, owner: bbo, expires: 2027-01-01}\n",
    )
    .file("people/bob.yaml", "kind: person\nid: bob\nname: Bob\n")
    .file("people/bobbi.yaml", "kind: person\nid: bobbi\nname: Bobbi\n")
    .file("projects/p1/project.yaml", &PROJECT.replace("carol", "bob").replace("Proposed", "proposed"))
    .file("projects/p1/risks/r2.yaml", two_close)
    .file("projects/p1/risks/r3.yaml", broken)
    .file("decisions/d1.yaml", ambiguous);
    let config = read(&repo, "pmo.yaml");
    let out = repo.pmo(&["check", "--fix"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(read(&repo, "projects/p1/risks/r2.yaml"), two_close);
    assert_eq!(read(&repo, "projects/p1/risks/r3.yaml"), broken);
    assert_eq!(read(&repo, "decisions/d1.yaml"), ambiguous);
    // The waiver's owner `bbo` has one close person, but pmo.yaml is never edited.
    assert_eq!(read(&repo, "pmo.yaml"), config);
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());
}

#[test]
fn fixes_are_made_in_the_working_tree_only() {
    let repo = repo();
    repo.refuses(
        &["check", "--fix", "--rev", "HEAD"],
        "fixes are made in the working tree",
    );
    repo.pmo(&["check", "--fix", "--changed-since", "main"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot be used with"));
}

/// A misspelt required field is renamed, never doubled by its default; a quoted value
/// with a comment after it is fixed inside its quotes; a line is added after a last line
/// without a line break, with the file's line endings.
#[test]
fn fixes_never_double_a_field_and_keep_quotes_comments_and_line_endings() {
    let misspelt = "kind: risk\nid: r2\nproject: p1\ntitle: T\nowner: carol\nprobability: 3\nimpact: 3\nlast_reviewed: 2026-11-01\nclosed_on: 2026-11-02\nclosure_reason: Vendor delivered.\nstauts: closed\n";
    let unsure = PROJECT.replace("state: Proposed", "sate: active");
    let quoted = "kind: risk\nid: r3\nproject: p1\ntitle: T\nowner: 'carl'   # the vendor's lead\nprobability: 3\nimpact: 3\nlast_reviewed: \"2026/11/01\" # as minuted\nstatus: open";
    let crlf =
        "kind: issue\r\nid: i1\r\nproject: p1\r\ntitle: T\r\nowner: carol\r\npriority: high\r\n";
    let repo = Repo::new()
        .file("people/carol.yaml", PERSON)
        .file(
            "projects/p1/project.yaml",
            &PROJECT.replace("Proposed", "proposed"),
        )
        .file(
            "projects/p2/project.yaml",
            &unsure.replace("id: p1", "id: p2"),
        )
        .file("projects/p1/risks/r2.yaml", misspelt)
        .file("projects/p1/risks/r3.yaml", quoted)
        .file("projects/p1/issues/i1.yaml", crlf);
    repo.pmo(&["check", "--fix"]).output().unwrap();
    assert_eq!(
        read(&repo, "projects/p1/risks/r2.yaml"),
        misspelt.replace("stauts", "status")
    );
    // `sate` may be `state` misspelt: the user wrote a state, so none is invented.
    assert!(!read(&repo, "projects/p2/project.yaml").contains("state: proposed"));
    assert_eq!(
        read(&repo, "projects/p1/risks/r3.yaml"),
        quoted
            .replace("'carl'", "'carol'")
            .replace("\"2026/11/01\"", "\"2026-11-01\"")
    );
    assert_eq!(
        read(&repo, "projects/p1/issues/i1.yaml"),
        format!("{crlf}status: open\r\n")
    );
    let (code, report) = repo.report(&["check"]);
    let left: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert!(
        left.iter().all(|f| *f == "projects/p2/project.yaml"),
        "{code} {report:#}"
    );
}
