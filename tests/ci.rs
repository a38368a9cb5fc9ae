//! What CI reads from `pmo check`: paths from the root of the git work tree, one stable
//! fingerprint per finding, the GitLab Code Quality report and SARIF's links to the rules.

mod common;

use common::{BOB, Repo, git};
use serde_json::Value;
use std::path::Path;

const ME: (&str, &str) = ("Ann", "ann@example.org");

fn pmo() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("pmo").unwrap()
}

/// `pmo -C DIR --today 2026-11-20 check --format FORMAT`: standard output.
fn check(dir: &Path, format: &str) -> String {
    let out = pmo()
        .arg("-C")
        .arg(dir)
        .args(["--today", "2026-11-20", "check", "--format", format])
        .output()
        .unwrap();
    assert!(out.status.code() == Some(1), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn json(dir: &Path, format: &str) -> Value {
    serde_json::from_str(&check(dir, format)).unwrap()
}

/// A governance repository at `folder` of a new git work tree, with one finding in
/// `people/bob.yaml` (S001, an unknown field).
fn governance_in(folder: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), ME, &["init", "-q"]);
    let root = dir.path().join(folder);
    std::fs::create_dir_all(root.join("people")).unwrap();
    std::fs::write(root.join("pmo.yaml"), "version: 1\n").unwrap();
    std::fs::write(root.join("people/bob.yaml"), format!("{BOB}colour: blue\n")).unwrap();
    dir
}

#[test]
fn ci_formats_name_files_from_the_git_root() {
    let dir = governance_in("governance");
    // Started in the governance folder or below it: the same paths.
    for start in ["governance", "governance/people"] {
        let root = dir.path().join(start);
        assert!(check(&root, "github").contains("::error file=governance/people/bob.yaml,line=5,"));
        let sarif = json(&root, "sarif");
        let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "governance/people/bob.yaml"
        );
        assert!(check(&root, "junit").contains("name=\"governance/people/bob.yaml\""));
        assert_eq!(
            json(&root, "gitlab")[0]["location"]["path"],
            "governance/people/bob.yaml"
        );
        // JSON keeps paths from pmo.yaml's folder and says where that folder is.
        let report = json(&root, "json");
        assert_eq!(report["git_folder"], "governance");
        assert_eq!(report["diagnostics"][0]["file"], "people/bob.yaml");
    }
}

#[test]
fn at_the_git_root_or_outside_git_paths_are_unchanged() {
    let dir = governance_in("");
    assert!(check(dir.path(), "github").contains("::error file=people/bob.yaml,"));
    assert_eq!(
        json(dir.path(), "gitlab")[0]["location"]["path"],
        "people/bob.yaml"
    );
    assert_eq!(json(dir.path(), "json")["git_folder"], "");

    let plain = Repo::new().file("people/bob.yaml", &format!("{BOB}colour: blue\n"));
    assert!(check(plain.path(), "github").contains("::error file=people/bob.yaml,"));
    assert_eq!(json(plain.path(), "json")["git_folder"], Value::Null);
}

const PROJECT: &str = "kind: project\nid: apollo\ntitle: Apollo\nsponsor: bob\nmanager: bob\nstate: active\nphase: initiation\n";

/// Fingerprint of each finding of `code`, by the first word in backquotes of its message.
fn fingerprints(repo: &Repo, code: &str) -> Vec<(String, String)> {
    let report = repo.check_json();
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            let message = d["message"].as_str().unwrap();
            let name = message.split('`').nth(1).unwrap_or(message).to_owned();
            (name, d["fingerprint"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[test]
fn a_fingerprint_survives_moves_and_inserted_elements() {
    let milestones = "milestones:\n  - name: Design\n    baseline: 2026-01-10\n  - name: Go-live\n    baseline: 2026-03-01\n";
    let before = Repo::new().file("people/bob.yaml", BOB).file(
        "projects/apollo/project.yaml",
        &format!("{PROJECT}{milestones}"),
    );
    let before = fingerprints(&before, "T001");
    assert_eq!(before.len(), 2);
    assert_ne!(before[0].1, before[1].1);

    // Ten lines above the findings, and a milestone before the others.
    let moved = format!(
        "{PROJECT}description: |\n{}milestones:\n  - name: Kick-off\n    baseline: 2026-01-02\n{}",
        "  a line\n".repeat(10),
        &milestones["milestones:\n".len()..]
    );
    let after = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &moved);
    let after = fingerprints(&after, "T001");
    assert_eq!(after.len(), 3);
    for finding in &before {
        assert!(after.contains(finding), "{finding:?} not in {after:?}");
    }
}

#[test]
fn findings_that_share_a_place_are_told_apart() {
    // Missing fields of one mapping: same rule, document and field.
    let repo = Repo::new().file("risks/r1.yaml", "kind: risk\nid: r1\n");
    let report = repo.check_json();
    let prints: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["fingerprint"].as_str().unwrap())
        .collect();
    assert!(prints.len() >= 2, "{report}");
    let mut unique = prints.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), prints.len(), "{prints:?}");
    // A file that does not parse is known by its path.
    let broken = Repo::new().file("people/x.yaml", "kind: [person\n");
    let d = &broken.check_json()["diagnostics"][0];
    assert_eq!(d["code"], "P001");
    assert!(d["fingerprint"].as_str().unwrap().ends_with(":1"));
}

#[test]
fn gitlab_report_has_what_code_quality_reads() {
    let repo = Repo::new()
        .file("people/bob.yaml", &format!("{BOB}colour: blue\n"))
        .file(
            "projects/apollo/project.yaml",
            &format!("{PROJECT}milestones:\n  - name: Design\n    baseline: 2026-01-10\n"),
        );
    let report = json(repo.path(), "gitlab");
    let issues = report.as_array().unwrap();
    assert!(issues.len() >= 2);
    let mut severities = Vec::new();
    for issue in issues {
        let code = issue["check_name"].as_str().unwrap();
        assert!(issue["description"].as_str().unwrap().starts_with(code));
        assert!(issue["fingerprint"].as_str().is_some_and(|f| !f.is_empty()));
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        severities.push(issue["severity"].as_str().unwrap().to_owned());
    }
    assert!(severities.contains(&"major".to_owned()), "errors are major");
    assert!(
        severities.contains(&"minor".to_owned()),
        "warnings are minor"
    );
}

#[test]
fn sarif_links_each_rule_to_its_documentation() {
    let finding = format!("{BOB}colour: blue\n");
    let repo = Repo::new().file("people/bob.yaml", &finding);
    let sarif = json(repo.path(), "sarif");
    let driver = &sarif["runs"][0]["tool"]["driver"];
    let repository = env!("CARGO_PKG_REPOSITORY");
    assert_eq!(driver["informationUri"], repository);
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    let s001 = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "S001")
        .unwrap();
    assert_eq!(
        s001["helpUri"],
        format!("{repository}/blob/main/docs/rules.md#s001")
    );
    assert_eq!(s001["properties"]["problem.severity"], "error");
    assert_eq!(s001["properties"]["tags"][0], "parse-and-schema");
    let result = &sarif["runs"][0]["results"][0];
    assert!(result["partialFingerprints"]["pmo/v1"].is_string());

    // An organisation publishes the catalogue itself.
    let own = Repo::with_config("version: 1\ndocs_url: https://wiki.example.org/pmo/rules\n")
        .file("people/bob.yaml", &finding);
    let sarif = json(own.path(), "sarif");
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["helpUri"] == "https://wiki.example.org/pmo/rules#s001")
    );
    // Every finding links its rule: JSON `url`, and the code in a terminal with colour.
    let report = json(own.path(), "json");
    for d in report["diagnostics"].as_array().unwrap() {
        let code = d["code"].as_str().unwrap().to_lowercase();
        assert_eq!(
            d["url"],
            format!("https://wiki.example.org/pmo/rules#{code}")
        );
    }
    let out = pmo()
        .args([
            "-C",
            own.path().to_str().unwrap(),
            "--today",
            "2026-11-20",
            "--color",
            "always",
            "check",
        ])
        .output()
        .unwrap();
    let human = String::from_utf8(out.stdout).unwrap();
    assert!(
        human.contains("\x1b]8;;https://wiki.example.org/pmo/rules#s001\x1b\\S001\x1b]8;;\x1b\\"),
        "{human:?}"
    );
}

#[test]
fn sarif_messages_link_their_related_places_and_no_others() {
    // R001: the later of two documents with one id, related to the first. The title
    // holds what would be a link in a SARIF message.
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("people/bob2.yaml", "kind: person\nid: bob\nname: Bob Two\n")
        .file(
            "projects/apollo/risks/r1.yaml",
            "kind: risk\nid: r1\nproject: apollo\ntitle: t\nowner: '[x](https://e.example)'\nprobability: 2\nimpact: 2\nstatus: open\nraised: 2026-11-01\n",
        );
    let sarif = json(repo.path(), "sarif");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r001 = results.iter().find(|r| r["ruleId"] == "R001").unwrap();
    assert_eq!(r001["relatedLocations"][0]["id"], 0);
    assert!(r001["message"]["text"].as_str().unwrap().contains("](0)"));
    let texts: Vec<&str> = results
        .iter()
        .map(|r| r["message"]["text"].as_str().unwrap())
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.contains(r"\[x\](https://e.example)")),
        "{texts:?}"
    );
    assert!(!texts.iter().any(|t| t.contains("[x](")), "{texts:?}");
}
