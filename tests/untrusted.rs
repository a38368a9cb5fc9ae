//! A pull request is untrusted input: links it adds are never followed, files are
//! size-checked before they are read, and what they point to never reaches an output.
#![cfg(unix)]

mod common;

use common::{APOLLO, BOB, Repo, capped, f, git};
use std::os::unix::fs::symlink;
use std::path::Path;

/// What a link must never leak: a file outside the repository holding a secret.
const SECRET: &str = "TOKEN=ghp_secret_that_must_not_leak";

/// A folder outside the repository with a secret file and a document that, read through a
/// link, would add findings.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("environ"), format!("{SECRET}\n")).unwrap();
    std::fs::create_dir_all(dir.path().join("deep/deeper")).unwrap();
    std::fs::write(
        dir.path().join("deep/deeper/planted.yaml"),
        format!("kind: person\nid: planted\nname: {SECRET}\nroles: [nobody]\n"),
    )
    .unwrap();
    dir
}

/// Every output of `pmo ARGS` (stdout and stderr), with its exit code.
fn run(repo: &Repo, args: &[&str]) -> (i32, String) {
    let out = repo.pmo(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

fn base() -> Repo {
    Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO)
}

#[test]
fn links_in_the_tree_are_reported_and_not_followed() {
    let out = outside();
    let repo = base();
    symlink(out.path().join("environ"), repo.join("people/leak.yaml")).unwrap();
    symlink("/", repo.join("projects/root")).unwrap();
    symlink(out.path().join("deep"), repo.join("projects/deep")).unwrap();
    symlink(repo.join("people"), repo.join("projects/apollo/people")).unwrap();
    symlink(repo.join("missing.yaml"), repo.join("dangling.yaml")).unwrap();
    // A link that is not a document, excluded by the repository, is not reported.
    std::fs::write(
        repo.join("pmo.yaml"),
        "version: 1\nroles: [sponsor]\nexclude: [docs/**]\n",
    )
    .unwrap();
    std::fs::create_dir(repo.join("docs")).unwrap();
    symlink(repo.join("people"), repo.join("docs/people")).unwrap();

    let findings = repo.findings();
    assert_eq!(
        findings,
        [
            f("P006", "dangling.yaml", 1, 1),
            f("P006", "people/leak.yaml", 1, 1),
            f("P006", "projects/apollo/people", 1, 1),
            f("P006", "projects/deep", 1, 1),
            f("P006", "projects/root", 1, 1),
        ]
    );
    let report = repo.check_json();
    assert_eq!(report["summary"]["warnings"], 5);
    // Only the two real documents were read.
    assert_eq!(report["summary"]["files"], 2);
    for args in [
        &["check"][..],
        &["check", "--format", "github"],
        &["check", "--format", "sarif"],
        &["check", "--format", "junit"],
        &["check", "-q"],
        &["ls", "people"],
        &["portfolio"],
    ] {
        let (_, text) = run(&repo, args);
        assert!(!text.contains(SECRET), "{args:?} leaked: {text}");
        assert!(
            !text.contains("planted"),
            "{args:?} read through a link: {text}"
        );
    }
    // Warnings: the check passes unless --strict.
    assert_eq!(run(&repo, &["check"]).0, 0);
    assert_eq!(run(&repo, &["check", "--strict"]).0, 1);
}

#[test]
fn a_linked_configuration_is_refused_without_reading_it() {
    let out = outside();
    let repo = base();
    std::fs::remove_file(repo.join("pmo.yaml")).unwrap();
    symlink(out.path().join("environ"), repo.join("pmo.yaml")).unwrap();
    for args in [
        &["check"][..],
        &["check", "--format", "github"],
        &["portfolio"],
    ] {
        let (code, text) = run(&repo, args);
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(text.contains("pmo.yaml is a symbolic link"), "{text}");
        assert!(!text.contains(SECRET), "{args:?} leaked: {text}");
    }
    // Nor is a parent's pmo.yaml used instead: the link is this repository's.
    let parent = Repo::new();
    std::fs::create_dir(parent.join("inner")).unwrap();
    symlink(out.path().join("environ"), parent.join("inner/pmo.yaml")).unwrap();
    assert_cmd::Command::cargo_bin("pmo")
        .unwrap()
        .arg("-C")
        .arg(parent.join("inner"))
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("pmo.yaml is a symbolic link"));
}

#[test]
fn linked_overlays_and_schema_folders_are_refused() {
    let out = outside();
    let repo = base();
    std::fs::create_dir(repo.join("schema")).unwrap();
    symlink(
        out.path().join("environ"),
        repo.join("schema/risk.schema.json"),
    )
    .unwrap();
    let (code, text) = run(&repo, &["check"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("schema/risk.schema.json is a symbolic link"),
        "{text}"
    );
    assert!(!text.contains(SECRET), "{text}");

    let repo = base();
    symlink(out.path(), repo.join("schema")).unwrap();
    let (code, text) = run(&repo, &["check"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("schema is a symbolic link"), "{text}");
}

#[test]
fn linked_templates_are_not_read() {
    let out = outside();
    std::fs::write(out.path().join("status.md.j2"), format!("{SECRET}\n")).unwrap();
    let repo = base();
    std::fs::create_dir(repo.join("templates")).unwrap();
    symlink(
        out.path().join("environ"),
        repo.join("templates/status.md.j2"),
    )
    .unwrap();
    let (code, text) = run(&repo, &["report", "status", "--project", "apollo"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("templates/status.md.j2 is a symbolic link"),
        "{text}"
    );
    assert!(!text.contains(SECRET), "{text}");
    let list = repo.stdout(&["report", "--list"]);
    assert!(
        list.contains("templates/status.md.j2 (unreadable: it is a symbolic link"),
        "{list}"
    );
    // The other reports still work.
    repo.stdout(&["report", "portfolio"]);

    // A templates folder that is a link: no report reads through it.
    let repo = base();
    symlink(out.path(), repo.join("templates")).unwrap();
    let (code, text) = run(&repo, &["report", "status", "--project", "apollo"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("templates is a symbolic link"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn a_linked_import_mapping_inside_the_repository_is_refused() {
    let out = outside();
    let repo = base().file("import/people.csv", "name\nAda\n");
    symlink(out.path().join("environ"), repo.join("import/mapping.yaml")).unwrap();
    let (code, text) = run(
        &repo,
        &[
            "import",
            "import/people.csv",
            "--map",
            "import/mapping.yaml",
            "--dry-run",
        ],
    );
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("import/mapping.yaml is a symbolic link"),
        "{text}"
    );
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn links_committed_to_git_are_links_not_content() {
    let out = outside();
    let repo = base();
    symlink(out.path().join("environ"), repo.join("people/leak.yaml")).unwrap();
    symlink(out.path().join("deep"), repo.join("projects/deep")).unwrap();
    let me = ("Ann", "ann@example.org");
    git(repo.path(), me, &["init", "-q", "-b", "main"]);
    git(repo.path(), me, &["add", "-A"]);
    git(repo.path(), me, &["commit", "-qm", "links"]);
    let (code, report) = repo.report(&["check", "--rev", "HEAD"]);
    assert_eq!(code, 0);
    assert_eq!(
        common::findings_in(&report),
        [
            f("P006", "people/leak.yaml", 1, 1),
            f("P006", "projects/deep", 1, 1),
        ]
    );
    let (_, text) = run(&repo, &["check", "--rev", "HEAD"]);
    assert!(!text.contains(SECRET), "{text}");
    // A linked pmo.yaml in a revision is refused as in the working tree.
    std::fs::remove_file(repo.join("pmo.yaml")).unwrap();
    symlink(out.path().join("environ"), repo.join("pmo.yaml")).unwrap();
    git(repo.path(), me, &["add", "-A"]);
    git(repo.path(), me, &["commit", "-qm", "linked configuration"]);
    let (code, text) = run(&repo, &["check", "--rev", "HEAD"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("pmo.yaml is a symbolic link"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

/// A sparse file: its size costs no disk.
fn sparse(path: &Path, size: u64) {
    std::fs::File::create(path).unwrap().set_len(size).unwrap();
}

#[test]
fn huge_files_are_refused_before_they_are_read() {
    let repo = base();
    sparse(&repo.join("projects/huge.yaml"), 3 << 30);
    let cmd = repo.pmo(&["check", "--format", "json"]);
    let out = capped(&cmd, 256 << 20)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        common::findings_in(&report),
        [f("P005", "projects/huge.yaml", 1, 1)]
    );
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "file is 3221225472 bytes, over the limit of 8388608 bytes; it was not read"
    );
    // Over the limit by one byte is over.
    sparse(&repo.join("projects/huge.yaml"), (8 << 20) + 1);
    assert_eq!(repo.findings(), [f("P005", "projects/huge.yaml", 1, 1)]);
    // A huge pmo.yaml is refused too.
    sparse(&repo.join("projects/huge.yaml"), 0);
    sparse(&repo.join("pmo.yaml"), 3 << 30);
    let out = capped(&repo.pmo(&["check"]), 256 << 20).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("pmo.yaml is 3221225472 bytes, over the limit"),
        "{stderr}"
    );
}

#[test]
fn huge_git_blobs_are_refused_by_their_header() {
    let repo = base();
    let me = ("Ann", "ann@example.org");
    git(repo.path(), me, &["init", "-q", "-b", "main"]);
    // 300 MB of zeros compress to almost nothing in git, and would need 300 MB to read.
    sparse(&repo.join("projects/huge.yaml"), 300 << 20);
    git(repo.path(), me, &["add", "-A"]);
    git(repo.path(), me, &["commit", "-qm", "huge"]);
    std::fs::remove_file(repo.join("projects/huge.yaml")).unwrap();
    let cmd = repo.pmo(&["check", "--rev", "HEAD", "--format", "json"]);
    let out = capped(&cmd, 128 << 20).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        common::findings_in(&report),
        [f("P005", "projects/huge.yaml", 1, 1)]
    );
    assert_eq!(
        report["diagnostics"][0]["message"],
        "file is 314572800 bytes, over the limit of 8388608 bytes; it was not read"
    );
}
