//! `check --write-baseline` and `--baseline`: known findings stay known when they move,
//! fixed ones are listed as stale, new ones fail the check; under `--changed-since` the
//! baseline is the base revision's.

mod common;

use common::{Repo, git};
use serde_json::Value;

const ALICE: (&str, &str) = ("Alice", "alice@example.org");
const PERSON: &str = "kind: person\nid: bob\nname: Bob\n";
/// Two known findings: an unknown field and a probability out of range.
const RISK: &str = "kind: risk\nid: r1\nproject: p1\ntitle: T\nowner: bob\nprobability: 9\nimpact: 3\nstatus: open\nlast_reviewed: 2026-11-01\ncolour: red\n";
const PROJECT: &str = "kind: project\nid: p1\ntitle: P1\nsponsor: bob\nmanager: bob\nstate: proposed\nphase: initiation\n";

fn repo() -> Repo {
    Repo::new()
        .file("people/bob.yaml", PERSON)
        .file("projects/p1/project.yaml", PROJECT)
        .file("projects/p1/risks/r1.yaml", RISK)
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d["code"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn known_findings_stay_known_fixed_ones_are_stale_new_ones_fail() {
    let repo = repo();
    repo.pmo(&["check", "--write-baseline", "baseline.json"])
        .assert()
        .code(0);
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(written["version"], 1);
    assert_eq!(written["findings"].as_array().unwrap().len(), 2);

    // Moved: lines inserted above both findings; still known.
    let moved = RISK.replace(
        "title: T\n",
        "title: T\n# a comment\ndescription: moved down\n",
    );
    std::fs::write(repo.join("projects/p1/risks/r1.yaml"), &moved).unwrap();
    let (code, report) = repo.report(&["check", "--baseline", "baseline.json"]);
    assert_eq!((code, codes(&report)), (0, vec![]));
    assert_eq!(report["baseline"]["known"], 2);
    assert_eq!(report["baseline"]["stale"], Value::Array(vec![]));

    // Fixed: the entry is stale, and listed.
    let fixed = moved.replace("colour: red\n", "");
    std::fs::write(repo.join("projects/p1/risks/r1.yaml"), &fixed).unwrap();
    let (code, report) = repo.report(&["check", "--baseline", "baseline.json"]);
    assert_eq!(code, 0);
    assert_eq!(report["baseline"]["known"], 1);
    let stale = report["baseline"]["stale"].as_array().unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["message"], "unknown field `colour`");
    let human = repo.stdout(&["check", "--baseline", "baseline.json"]);
    assert!(
        human.contains("1 known from the baseline")
            && human.contains("1 baseline entry no longer matches a finding")
            && human.contains("projects/p1/risks/r1.yaml: S001: unknown field `colour`"),
        "{human}"
    );

    // New: reported, and the check fails.
    let new = fixed.replace("impact: 3", "impact: 8");
    std::fs::write(repo.join("projects/p1/risks/r1.yaml"), &new).unwrap();
    let (code, report) = repo.report(&["check", "--baseline", "baseline.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&report),
        ["S001 `impact` must be at most 5, found `8`"]
    );

    // Rewritten: the file shrinks to what is there now.
    repo.pmo(&["check", "--write-baseline", "baseline.json"])
        .assert()
        .code(0);
    let (code, report) = repo.report(&["check", "--baseline", "baseline.json"]);
    assert_eq!((code, report["baseline"]["known"].as_u64()), (0, Some(2)));
}

#[test]
fn a_baseline_that_cannot_be_read_stops_the_check() {
    let repo = repo().file(
        "baseline.json",
        "{\"version\": 1, \"findings\": [{\"oops\": 1}]}",
    );
    repo.refuses(&["check", "--baseline", "baseline.json"], "the baseline");
    repo.refuses(
        &["check", "--baseline", "missing.json"],
        "no baseline missing.json",
    );
}

/// A change that adds its own finding to the baseline is still judged by the base's.
#[test]
fn under_changed_since_the_base_revisions_baseline_judges() {
    let repo = repo();
    repo.pmo(&["check", "--write-baseline", "baseline.json"])
        .assert()
        .code(0);
    git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    git(repo.path(), ALICE, &["add", "."]);
    git(repo.path(), ALICE, &["commit", "-q", "-m", "base"]);
    git(repo.path(), ALICE, &["checkout", "-q", "-b", "change"]);
    let broken = RISK.replace("impact: 3", "impact: 8");
    std::fs::write(repo.join("projects/p1/risks/r1.yaml"), &broken).unwrap();
    // The change records its new finding in the baseline too.
    repo.pmo(&["check", "--write-baseline", "baseline.json"])
        .assert()
        .code(0);
    git(repo.path(), ALICE, &["commit", "-q", "-am", "change"]);
    let (code, report) = repo.report(&["check", "--baseline", "baseline.json"]);
    assert_eq!(code, 0, "the change's own baseline knows it: {report:#}");
    let (code, report) = repo.report(&[
        "check",
        "--changed-since",
        "main",
        "--baseline",
        "baseline.json",
    ]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(
        codes(&report),
        ["S001 `impact` must be at most 5, found `8`"]
    );
}
