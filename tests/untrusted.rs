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

/// A string of 100 MB: minijinja's own limit for a repeated string, and within a render's
/// memory, so that what is done with it is what goes over.
const S: &str = r#"("x" * 100000000)"#;

/// Every built-in filter, function and the operators that build values, with arguments that
/// would need gigabytes: each ends with an error naming the template, under a memory cap far
/// below what the arguments ask for.
#[test]
fn templates_cannot_allocate_without_bound() {
    let list = format!("({S}|list)");
    let cases: Vec<(&str, String)> = vec![
        ("join", "range(100000)|join(range(100000)|join)".into()),
        ("indent", r#""a\nb"|indent(1000000000)"#.into()),
        ("format", r#""%01000000000d"|format(1)"#.into()),
        ("* on a list", "([1] * 100000000)|list|length".into()),
        ("* on a string", format!("{S} * 1 ~ {S} * 1 ~ {S}")),
        ("~", format!("{S} ~ {S} ~ {S}")),
        ("+", format!("({list} + {list})|length")),
        ("safe", format!("{S}|safe")),
        ("escape", format!("({S}|replace('x', '<'))|escape")),
        ("lower", format!("{S}|lower")),
        ("upper", format!("{S}|upper")),
        ("title", format!("{S}|title")),
        ("capitalize", format!("{S}|capitalize")),
        ("replace", r#""xxxx"|replace("x", "y" * 100000000)"#.into()),
        ("length", format!("{list}|length")),
        ("count", format!("{list}|count")),
        ("dictsort", format!("{{'a': {S}, 'b': {S}}}|dictsort")),
        ("items", format!("{{'a': {S}, 'b': {S}}}|items")),
        ("reverse", format!("{S}|reverse")),
        ("trim", format!("({S} ~ ' ')|trim")),
        ("split", format!("{S}|split('')")),
        ("lines", format!("({S}|replace('x', '\n'))|lines|length")),
        ("default", format!("none|default({S} ~ {S} ~ {S})")),
        ("round", format!("{list}|map('round')|list|length")),
        (
            "abs",
            format!("{list}|map('length')|map('abs')|list|length"),
        ),
        ("int", format!("{list}|map('int', default=0)|list|length")),
        (
            "float",
            format!("{list}|map('float', default=0)|list|length"),
        ),
        ("attr", format!("{list}|map('attr', 'x')|list|length")),
        ("first", format!("{list}|first")),
        ("last", format!("{list}|last")),
        ("min", format!("{list}|min")),
        ("max", format!("{list}|max")),
        ("sort", format!("{S}|sort|length")),
        ("list", format!("{S}|list|length")),
        ("string", format!("range(100000)|map('string')|join({S})")),
        ("bool", format!("{list}|map('bool')|list|length")),
        ("batch", format!("{S}|batch(1)|list|length")),
        ("slice", format!("{S}|slice(2)|list|length")),
        ("sum", format!("{list}|map('length')|sum")),
        ("select", format!("{S}|select|list|length")),
        ("reject", format!("{S}|reject('none')|list|length")),
        (
            "selectattr",
            format!("{S}|selectattr('x', 'undefined')|list|length"),
        ),
        ("rejectattr", format!("{S}|rejectattr('x')|list|length")),
        (
            "map",
            format!("range(100000)|map('replace', '', {S})|list|length"),
        ),
        ("groupby", format!("{list}|groupby('x')|length")),
        ("unique", format!("{S}|list|unique|list|length")),
        ("chain", format!("{list}|chain({list})|list|length")),
        ("zip", format!("{S}|zip({S})|list|length")),
        ("pprint", format!("{list}|pprint")),
        ("tojson", format!("{{'a': {S}, 'b': {S}}}|tojson")),
        ("urlencode", format!("{S}|urlencode")),
        (
            "range",
            "range(100000)|map('range')|map('list')|list|length".into(),
        ),
        ("dict", format!("dict(a={S}, b={S}, c={S})|tojson")),
        ("namespace", format!("namespace(a={S}, b={S}, c={S})")),
        ("debug", format!("debug({S}, {S})")),
        ("cell", format!("{S}|cell")),
        (
            "money",
            "range(100000)|map('money')|join('x' * 100000)".into(),
        ),
        (
            "number",
            "range(100000)|map('number')|join('x' * 100000)".into(),
        ),
        (
            "rag",
            "range(100000)|map('string')|map('rag')|join('x' * 100000)".into(),
        ),
    ];
    let statements = [
        (
            "macro recursion",
            "{% macro twice(s, n) %}{% if n %}{{ twice(s ~ s, n - 1) }}{% else %}{{ s|length }}\
             {% endif %}{% endmacro %}{{ twice('x', 40) }}",
        ),
        (
            "loop",
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}\
             {% endfor %}{{ ns.s|length }}",
        ),
    ];
    let repo = base();
    std::fs::create_dir(repo.join("templates")).unwrap();
    let all = cases
        .iter()
        .map(|(name, expr)| (*name, format!("{{{{ {expr} }}}}\n")))
        .chain(statements.iter().map(|(n, t)| (*n, t.to_string())));
    let mut failed = Vec::new();
    for (name, template) in all {
        std::fs::write(repo.join("templates/huge.md.j2"), &template).unwrap();
        let mut cmd = repo.pmo(&["report", "huge"]);
        // Had the process run out of memory, it would abort at once, not print a backtrace.
        cmd.env("RUST_BACKTRACE", "0");
        let out = capped(&cmd, 512 << 20)
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(2)
            || !stderr.starts_with("pmo: templates/huge.md.j2")
            || !out.stdout.is_empty()
        {
            failed.push(format!("{name}: {template}{:?}\n{stderr}", out.status));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
