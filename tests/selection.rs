//! `pmo check [PATH…]`, `--select` and `--ignore`: the whole repository is checked, and
//! only the findings asked for are reported and set the exit code.

mod common;

use common::Repo;
use serde_json::Value;

const PERSON: &str = "kind: person\nid: bob\nname: Bob\n";
const PROJECT: &str = "kind: project\nid: p1\ntitle: P1\nsponsor: bob\nmanager: bob\nstate: proposed\nphase: initiation\n";
/// A warning only (K002: never reviewed).
const WARNED: &str = "kind: risk\nid: r1\nproject: p1\ntitle: T\nowner: bob\nprobability: 3\nimpact: 3\nstatus: open\n";
/// An error (R002: no person `eve`) and an S001.
const BROKEN: &str = "kind: risk\nid: r2\nproject: p1\ntitle: T\nowner: eve\nprobability: 3\nimpact: 3\nstatus: open\nlast_reviewed: 2026-11-01\ncolour: red\n";

fn repo() -> Repo {
    Repo::new()
        .file("people/bob.yaml", PERSON)
        .file("projects/p1/project.yaml", PROJECT)
        .file("projects/p1/risks/r1.yaml", WARNED)
        .file("projects/p1/risks/r2.yaml", BROKEN)
}

fn found(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["file"].as_str().unwrap()
            )
        })
        .collect()
}

/// `pmo ARGS --format json` run from the repository's root (paths are relative to the
/// current directory).
fn run(repo: &Repo, args: &[&str]) -> (i32, Value) {
    let out = repo
        .pmo(args)
        .current_dir(repo.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

#[test]
fn paths_report_only_their_findings_and_set_the_exit_code() {
    let repo = repo();
    let (code, report) = run(&repo, &["check"]);
    assert_eq!(code, 1);
    assert_eq!(found(&report).len(), 3, "{report:#}");
    // Only a warning in r1: exit 0, though r2 has errors.
    let (code, report) = run(&repo, &["check", "projects/p1/risks/r1.yaml"]);
    assert_eq!(
        (code, found(&report)),
        (0, vec!["K002 projects/p1/risks/r1.yaml".to_owned()])
    );
    // R002 needs the people of the whole repository: found in r2.
    let (code, report) = run(
        &repo,
        &["check", "projects/p1/risks/r2.yaml", "people/bob.yaml"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        found(&report),
        [
            "R002 projects/p1/risks/r2.yaml",
            "S001 projects/p1/risks/r2.yaml"
        ]
    );
    // A folder holds its files; a file that is not a document has no findings.
    let (_, report) = run(&repo, &["check", "projects/p1/risks", "pmo.yaml"]);
    assert_eq!(found(&report).len(), 3);
    repo.pmo(&["check", "nowhere.yaml"])
        .current_dir(repo.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nowhere.yaml:"));
    let outside = tempfile::NamedTempFile::new().unwrap();
    repo.pmo(&["check", outside.path().to_str().unwrap()])
        .current_dir(repo.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "is not in the governance repository",
        ));
}

#[test]
fn rules_are_selected_and_ignored_by_code_or_its_start() {
    let repo = repo();
    let (code, report) = run(&repo, &["check", "--select", "K002"]);
    assert_eq!((code, found(&report).len()), (0, 1));
    let (_, report) = run(&repo, &["check", "--select", "s0,r"]);
    assert_eq!(
        found(&report),
        [
            "R002 projects/p1/risks/r2.yaml",
            "S001 projects/p1/risks/r2.yaml"
        ]
    );
    let (code, report) = run(&repo, &["check", "--ignore", "S001", "--ignore", "R"]);
    assert_eq!(
        (code, found(&report)),
        (0, vec!["K002 projects/p1/risks/r1.yaml".to_owned()])
    );
    repo.refuses(
        &["check", "--select", "K0002"],
        "--select K0002: no rule code starts so; did you mean `K002`?",
    );
}
