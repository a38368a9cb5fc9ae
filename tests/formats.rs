//! The CI formats of `pmo check` against their official definitions: every JUnit report
//! (each JUnit snapshot and fresh reports of the examples) against Jenkins' JUnit schema
//! (junit-10.xsd) with `xmllint`, and SARIF against the SARIF 2.1.0 JSON Schema with its
//! formats checked. The schemas are vendored in tests/data/formats (see its README).
//!
//! Where `xmllint` is missing the JUnit test says so and passes, except in CI (`CI` set),
//! where it fails: .ci/run installs Debian's libxml2-utils.

mod common;

use common::{BOB, Repo};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

const FORMATS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/formats");

fn pmo() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("pmo").unwrap()
}

/// `pmo -C DIR --today 2026-11-20 check ARGS`: its exit code and standard output.
fn check(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = pmo()
        .arg("-C")
        .arg(dir)
        .args(["--today", "2026-11-20", "check"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

/// A repository with one file that has only a warning (K002: a risk not reviewed for
/// months) and one with an error (R002).
fn warned() -> Repo {
    Repo::new()
        .file("people/bob.yaml", BOB)
        .file(
            "projects/apollo/project.yaml",
            "kind: project\nid: apollo\ntitle: Apollo\nsponsor: bob\nmanager: bob\nstate: proposed\nphase: initiation\n",
        )
        .file(
            "projects/apollo/risks/late.yaml",
            "kind: risk\nid: late\nproject: apollo\ntitle: Vendor delay\nowner: bob\nprobability: 2\nimpact: 2\nstatus: open\nraised: 2026-01-05\n",
        )
        .file(
            "projects/apollo/risks/orphan.yaml",
            "kind: risk\nid: orphan\nproject: apollo\ntitle: Orphan\nowner: nobody\nprobability: 2\nimpact: 2\nstatus: open\nraised: 2026-11-10\n",
        )
}

/// The `failures` count of a JUnit report's root.
fn failures(xml: &str) -> usize {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    root.attribute("failures").unwrap().parse().unwrap()
}

#[test]
fn junit_counts_warnings_as_failures_under_strict() {
    let repo = warned();
    let (code, xml) = check(repo.path(), &["--format", "junit"]);
    assert_eq!(code, 1);
    assert_eq!(failures(&xml), 1, "{xml}");
    insta::assert_snapshot!("junit_warnings", xml);
    let (code, xml) = check(repo.path(), &["--format", "junit", "--strict"]);
    assert_eq!(code, 1);
    assert_eq!(failures(&xml), 2, "{xml}");
    assert!(
        xml.contains("<failure message=\"1 warning\" type=\"pmo\">"),
        "{xml}"
    );
    insta::assert_snapshot!("junit_strict", xml);
    // Warnings alone: the check passes and so does every test case, unless strict.
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file(
            "projects/apollo/project.yaml",
            "kind: project\nid: apollo\ntitle: Apollo\nsponsor: bob\nmanager: bob\nstate: proposed\nphase: initiation\n",
        )
        .file(
            "projects/apollo/risks/late.yaml",
            "kind: risk\nid: late\nproject: apollo\ntitle: Vendor delay\nowner: bob\nprobability: 2\nimpact: 2\nstatus: open\nraised: 2026-01-05\n",
        );
    let (code, xml) = check(repo.path(), &["--format", "junit"]);
    assert_eq!((code, failures(&xml)), (0, 0), "{xml}");
    assert!(xml.contains("<system-out>"), "{xml}");
    let (code, xml) = check(repo.path(), &["--format", "junit", "--strict"]);
    assert_eq!((code, failures(&xml)), (1, 1), "{xml}");
}

#[test]
fn junit_fails_a_test_case_exactly_when_check_fails() {
    for name in ["acme", "failing-pr"] {
        for strict in [false, true] {
            let mut args = vec!["--format", "junit"];
            if strict {
                args.push("--strict");
            }
            let (code, xml) = check(&example(name), &args);
            assert_eq!(
                code == 1,
                failures(&xml) > 0,
                "{name} {args:?}: exit {code}\n{xml}"
            );
        }
    }
    // failing-pr has files with warnings only: --strict fails more test cases.
    let (_, plain) = check(&example("failing-pr"), &["--format", "junit"]);
    let (_, strict) = check(&example("failing-pr"), &["--format", "junit", "--strict"]);
    assert!(failures(&strict) > failures(&plain), "{plain}\n{strict}");
}

/// `xmllint` on PATH.
fn xmllint() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("xmllint"))
        .find(|p| p.is_file())
}

/// `xmllint`'s complaints about `xml` against junit-10.xsd, if any.
fn xsd_errors(xmllint: &Path, xml: &str) -> Option<String> {
    let mut child = Process::new(xmllint)
        .args(["--noout", "--nonet", "--schema"])
        .arg(Path::new(FORMATS).join("jenkins-junit-10.xsd"))
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, xml.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    (!out.status.success()).then_some(log)
}

/// The contents of the insta snapshots that hold a JUnit report, by file name.
fn junit_snapshots() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "snap") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // A snapshot is a `---` header, then the contents.
        let (_, body) = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .unwrap_or_else(|| panic!("{}: no snapshot header", path.display()));
        if body.contains("<testsuites") {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            found.push((name, body.to_owned()));
        }
    }
    found.sort();
    found
}

#[test]
fn junit_reports_are_valid_for_jenkins_schema() {
    let Some(xmllint) = xmllint() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have xmllint: install Debian's libxml2-utils (.ci/run does)"
        );
        eprintln!("SKIPPED: no xmllint found; the JUnit reports were not validated");
        return;
    };
    let mut reports = junit_snapshots();
    let names: Vec<&str> = reports.iter().map(|(n, _)| n.as_str()).collect();
    for snapshot in [
        "commands__format_junit.snap",
        "formats__junit_strict.snap",
        "formats__junit_warnings.snap",
    ] {
        assert!(names.contains(&snapshot), "{snapshot} not among {names:?}");
    }
    for name in ["acme", "failing-pr"] {
        for strict in [false, true] {
            let mut args = vec!["--format", "junit"];
            if strict {
                args.push("--strict");
            }
            reports.push((format!("{name} {args:?}"), check(&example(name), &args).1));
        }
    }
    for (name, xml) in &reports {
        if let Some(errors) = xsd_errors(&xmllint, xml) {
            panic!("{name} is not valid for junit-10.xsd:\n{errors}\n{xml}");
        }
    }
    // The schema is checked: the root's `skipped`, which quick-junit writes, is refused.
    let (_, xml) = &reports[0];
    let planted = xml.replacen("<testsuites ", "<testsuites skipped=\"0\" ", 1);
    let errors = xsd_errors(&xmllint, &planted).expect("a root `skipped` is refused");
    assert!(errors.contains("skipped"), "{errors}");
}

/// The SARIF 2.1.0 schema (draft-04) with every `format` checked. Draft 4 defines no
/// `uri-reference` (the format of `artifactLocation.uri`): it is checked as RFC 3986
/// defines a URI reference, and a format the validator does not know fails the build
/// rather than passing unchecked.
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(Path::new(FORMATS).join("sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .with_format("uri-reference", |s: &str| {
            jsonschema::uri::from_str(s).is_ok()
        })
        .build(&schema)
        .unwrap()
}

fn sarif_errors(validator: &jsonschema::Validator, sarif: &serde_json::Value) -> Vec<String> {
    validator
        .iter_errors(sarif)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// Findings in a file whose name has a space, and in one with a non-ASCII name, with a
/// related location between them (R001).
fn awkward_names() -> Repo {
    Repo::new()
        .file(
            "projects/café.yaml",
            "kind: person\nid: ann\nname: Ann\nrole: pmo\n",
        )
        .file(
            "status/Q3 status.yaml",
            "kind: person\nid: ann\nname: Ann Two\n",
        )
}

#[test]
fn sarif_is_valid_for_the_official_schema() {
    let validator = sarif_validator();
    let awkward = awkward_names();
    let places = [
        example("acme"),
        example("failing-pr"),
        awkward.path().to_owned(),
    ];
    for dir in &places {
        let (_, sarif) = check(dir, &["--format", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
        let errors = sarif_errors(&validator, &sarif);
        assert!(errors.is_empty(), "{}: {errors:#?}", dir.display());
    }
    // File names are percent-encoded URI references, relative to the source root.
    let (_, sarif) = check(awkward.path(), &["--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let uri = |loc: &serde_json::Value| {
        loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let uris: Vec<String> = results.iter().map(|r| uri(&r["locations"][0])).collect();
    assert!(
        uris.contains(&"projects/caf%C3%A9.yaml".to_owned()),
        "{uris:?}"
    );
    assert!(
        uris.contains(&"status/Q3%20status.yaml".to_owned()),
        "{uris:?}"
    );
    let related = results
        .iter()
        .find(|r| r["ruleId"] == "R001")
        .expect("a duplicate id");
    assert_eq!(
        uri(&related["relatedLocations"][0]),
        "projects/caf%C3%A9.yaml"
    );
    // The URIs are checked: an unencoded one fails the validation.
    for broken in ["status/Q3 status.yaml", "a b", "projects/café.yaml"] {
        let mut planted = sarif.clone();
        planted["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
            ["uri"] = broken.into();
        let errors = sarif_errors(&validator, &planted);
        assert!(
            errors.iter().any(|e| e.contains("uri-reference")),
            "{broken:?} passed: {errors:?}"
        );
    }
}
