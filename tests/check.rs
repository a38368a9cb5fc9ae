//! `pmo check` end to end: findings, locations, exit codes and the rest still checked.

mod common;
use common::{APOLLO, BOB, Repo, f};
use predicates::prelude::*;

#[test]
fn the_bundled_example_is_clean() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme");
    let mut cmd = assert_cmd::Command::cargo_bin("pmo").unwrap();
    cmd.args(["-C", root, "--today", "2026-11-20", "check", "--strict"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings"));
}

#[test]
fn a_clean_repository_exits_0_and_errors_exit_1() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO);
    repo.pmo(&["check"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "0 errors, 0 warnings in 2 files (2 documents)",
        ));
    let repo = repo.file("people/eve.yaml", "kind: person\nid: eve\n");
    repo.pmo(&["check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("missing required field `name`"));
}

#[test]
fn warnings_fail_only_with_strict() {
    let repo = Repo::with_config("version: 1\nrules: {R002: warning}\n").file(
        "people/x.yaml",
        "kind: objective\nid: o\ntitle: T\nowner: nobody\n",
    );
    repo.pmo(&["check"]).assert().code(0);
    repo.pmo(&["check", "--strict"]).assert().code(1);
}

#[test]
fn every_bad_input_is_reported_and_the_rest_still_checked() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        bomb += &format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        );
    }
    let deep = format!(
        "kind: risk\nx: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let mut huge =
        String::from("kind: lesson\nid: huge\nproject: apollo\ntitle: T\ndescription: |\n");
    while huge.len() < 50 * 1024 * 1024 {
        huge += "  0123456789012345678901234567890123456789012345678901234567890123456789\n";
    }
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO)
        .file("a/broken.yaml", "kind: risk\ntitle: \"unterminated\n")
        .file("a/list.yaml", "- kind: risk\n")
        .file("a/nokind.yaml", "id: x1\ntitle: T\n")
        .file("a/unknown.yaml", "kind: projet\nid: x2\n")
        .file("a/nokindvalue.yaml", "id: x6\nkind:\n")
        .file("a/tab.yaml", "kind: person\nid: x7\nname: T\n\troles: []\n")
        .file("a/dupkey.yaml", "kind: person\nid: x3\nname: A\nname: B\n")
        .file("a/bomb.yaml", &bomb)
        .file("a/deep.yaml", &deep)
        .file("a/huge.yaml", &huge)
        .bytes("a/latin1.yaml", b"kind: person\nid: x4\nname: Jos\xe9\n")
        .file("a/empty.yaml", "")
        .file("a/comment.yaml", "# nothing yet\n")
        .file(
            "z/late.yaml",
            "kind: person\nid: x5\nname: Still Checked\nroles: [sponser]\n",
        );
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo.join("a"), repo.join("a/loop")).unwrap();
    let findings = repo.findings();
    let mut expected = vec![
        f("P005", "a/bomb.yaml", 1, 1),
        f("P001", "a/broken.yaml", 2, 8),
        // At the bracket past the limit: the 128th under the document's mapping.
        f("P005", "a/deep.yaml", 2, 131),
        f("P004", "a/dupkey.yaml", 4, 1),
        f("P005", "a/huge.yaml", 1, 1),
        f("P005", "a/latin1.yaml", 3, 10),
        f("P002", "a/list.yaml", 1, 1),
        f("P002", "a/nokind.yaml", 1, 1),
        f("P002", "a/nokindvalue.yaml", 2, 1),
        f("P001", "a/tab.yaml", 4, 1),
        f("P003", "a/unknown.yaml", 1, 7),
        f("R005", "z/late.yaml", 4, 9),
    ];
    if cfg!(unix) {
        // A link is not followed: reported where it is (a warning), and not read.
        expected.insert(7, f("P006", "a/loop", 1, 1));
    }
    assert_eq!(findings, expected);
    let report = repo.check_json();
    // Every file read counts, empty and rejected ones included (not pmo.yaml, not a link).
    assert_eq!(report["summary"]["files"], 16);
    assert_eq!(report["summary"]["documents"], 4);
}

#[test]
fn files_larger_than_the_read_buffer_are_read_whole() {
    // Files are read through a 64 KiB buffer; a finding after 100,000 bytes of text
    // shows the whole file was read, and the small file after it is read afresh.
    let long_line = "x".repeat(99);
    let mut long = String::from("kind: person\nid: long\nname: L\nnotes: |\n");
    for _ in 0..1_000 {
        long += &format!("  {long_line}\n");
    }
    long += "rols: [sponsor]\n";
    let repo = Repo::new()
        .file("people/long.yaml", &long)
        .file("people/short.yaml", "kind: person\nid: short\nnme: S\n");
    let findings = repo.findings();
    assert!(
        findings.contains(&f("S001", "people/long.yaml", 1005, 1)),
        "{findings:?}"
    );
    assert!(
        findings.contains(&f("S001", "people/short.yaml", 3, 1)),
        "{findings:?}"
    );
}

#[test]
fn an_invalid_pmo_yaml_is_located_and_exits_2() {
    let repo = Repo::with_config(
        "version: 1\nmethodologies:\n  w:\n    phases: [a, b, a]\nrules: {Q123: off}\n",
    )
    .file("people/bob.yaml", BOB);
    let out = repo.pmo(&["check", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(codes, [("S002", 4), ("S002", 5)]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("pmo.yaml:4:"), "{stderr}");
    repo.pmo(&["check"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("lists phase `a` twice"));
    // Broken YAML is that one finding, not also "pmo.yaml is empty".
    Repo::with_config("version: 1\nrisk: [\n")
        .pmo(&["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pmo.yaml:"))
        .stdout(predicate::str::contains("P001").and(predicate::str::contains("empty").not()));
    // An empty pmo.yaml is located at 1:1, like every other finding (never line 0).
    Repo::with_config("")
        .pmo(&["check", "--format", "github"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("file=pmo.yaml,line=1,col=1,"));
    // A quoted version is named as text, with the fix.
    Repo::with_config("version: \"1\"\n")
        .pmo(&["check"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("found the text `1`"))
        .stdout(predicate::str::contains("write `1` without quotes"));
}

#[test]
fn locations_are_1_based_and_on_lines_that_exist() {
    // A rejected file keeps no text: the location line is all the human output has. An
    // unclosed bracket is found at the end of the file: located after the last text.
    let repo = Repo::new()
        .bytes("people/u.yaml", b"kind: person\nid: \xff\n")
        .file("people/z.yaml", "kind: person\nid: z\nroles: [a, b\n");
    repo.pmo(&["check"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("--> people/u.yaml:2:5"))
        .stdout(predicate::str::contains("--> people/z.yaml:3:13"));
}

#[test]
fn outside_a_repository_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("pmo").unwrap();
    cmd.arg("-C")
        .arg(dir.path())
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not a governance repository"));
}

#[test]
fn a_closed_stderr_does_not_turn_a_failure_into_a_panic() {
    // A pipe whose reader is gone before pmo writes: the message is lost, the exit
    // status stays the documented 2 (not 101, a panic).
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("pmo"))
        .arg("-C")
        .arg(dir.path())
        .arg("check")
        .stdout(std::process::Stdio::null())
        .stderr(writer)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

#[test]
fn the_root_is_found_from_a_subdirectory() {
    let repo = Repo::new().file("people/bob.yaml", BOB);
    let mut cmd = assert_cmd::Command::cargo_bin("pmo").unwrap();
    cmd.arg("-C")
        .arg(repo.join("people"))
        .args(["check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 file "));
}

#[test]
fn references_ids_and_configured_names() {
    // Only the reference rules matter here.
    let repo = Repo::with_config(
        "version: 1\nroles: [sponsor]\nscoring: {criteria: {value: 1}}\nrules: {T002: off, K002: off}\n",
    )
        .file("people/bob.yaml", BOB)
        .file("people/bob-again.yaml", "kind: person\nid: bob\nname: Other Bob\n")
        .file(
            "projects/apollo/project.yaml",
            "kind: project\nid: apollo\ntitle: A\nsponsor: bob\nmanager: apollo\nstate: active\nphase: exection\nmethodology: waterfall\nscores: {value: 3, valeu: 2}\n",
        )
        .file("projects/zeus/project.yaml", "kind: project\nid: zeus\ntitle: Z\nsponsor: bob\nmanager: bob\nstate: proposed\nphase: initiation\nmethodology: scrum\n")
        .file("projects/apollo/risks/r.yaml", "kind: risk\nid: r\nproject: apolo\ntitle: T\nowner: bob\nprobability: 2\nimpact: 2\nstatus: open\n");
    assert_eq!(
        repo.findings(),
        [
            f("R001", "people/bob.yaml", 2, 5),
            f("R003", "projects/apollo/project.yaml", 5, 10),
            f("R004", "projects/apollo/project.yaml", 7, 8),
            f("R005", "projects/apollo/project.yaml", 9, 20),
            f("R002", "projects/apollo/risks/r.yaml", 3, 10),
            f("R005", "projects/zeus/project.yaml", 8, 14),
        ]
    );
    let report = repo.check_json();
    let r001 = &report["diagnostics"][0];
    assert_eq!(r001["related"][0]["file"], "people/bob-again.yaml");
    let r002 = &report["diagnostics"][4];
    assert_eq!(r002["help"], "did you mean `apollo`?");
}

#[test]
fn ignored_hidden_and_excluded_files_are_not_documents() {
    let repo = Repo::with_config("version: 1\nexclude: [drafts/**]\n")
        .file(".hidden/x.yaml", "nonsense: [")
        .file("templates/t.yaml", "nonsense: [")
        .file("schema/notes.yaml", "nonsense: [")
        .file("drafts/d.yaml", "nonsense: [")
        .file("build/out.yaml", "nonsense: [")
        .file(".gitignore", "build/\n")
        .file("notes.txt", "not yaml")
        .file("people/p.yml", "kind: person\nid: p\nname: P\n");
    std::fs::create_dir(repo.join(".git")).unwrap();
    assert_eq!(repo.findings(), []);
    assert_eq!(repo.check_json()["summary"]["files"], 1);
}

#[test]
fn severity_overrides_and_waivers() {
    let config = "version: 1\nrules:\n  R005: warning\n  R004: off\nwaivers:\n  - {rule: R002, id: o1, reason: r, owner: bob, expires: 2026-12-31}\n  - {rule: R002, id: o2, reason: r, owner: bob, expires: 2026-11-19}\n  - {rule: R002, id: o3, reason: r, owner: bob, expires: 2026-12-31}\n  - {rule: R020, id: o3, reason: r, owner: bob, expires: 2026-12-31}\n  - {rule: R002, id: ghost, reason: r, owner: bob, expires: 2026-12-31}\n  - {rule: R004, id: o3, reason: r, owner: bob, expires: 2026-12-31}\n";
    let repo = Repo::with_config(config)
        .file(
            "o1.yaml",
            "kind: objective\nid: o1\ntitle: T\nowner: nobody\n",
        )
        .file(
            "o2.yaml",
            "kind: objective\nid: o2\ntitle: T\nowner: nobody\n",
        )
        .file("o3.yaml", "kind: objective\nid: o3\ntitle: T\n")
        .file("p.yaml", "kind: person\nid: p\nname: P\nroles: [x]\n")
        .file("bob.yaml", "kind: person\nid: bob\nname: Bob\n");
    let report = repo.check_json();
    // o1's R002 is silenced, and counted.
    assert_eq!(report["summary"]["waived"], 1);
    let got: Vec<(&str, &str, &str, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
                d["file"].as_str().unwrap(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("R002", "error", "o2.yaml", 4),
            ("R005", "warning", "p.yaml", 4),
            ("W001", "warning", "pmo.yaml", 7),
            ("W003", "warning", "pmo.yaml", 8),
            ("W002", "error", "pmo.yaml", 9),
            ("W002", "error", "pmo.yaml", 10),
            ("W003", "warning", "pmo.yaml", 11),
        ]
    );
}

#[test]
fn schema_overlays_add_fields_and_constraints() {
    let overlay = r#"{"properties": {"cost_centre": {"type": "string", "pattern": "^CC-[0-9]{4}$"}}, "required": ["cost_centre"]}"#;
    let repo = Repo::new()
        .file("schema/objective.schema.json", overlay)
        .file(
            "a.yaml",
            "kind: objective\nid: a\ntitle: T\ncost_centre: CC-1234\n",
        )
        .file(
            "b.yaml",
            "kind: objective\nid: b\ntitle: T\ncost_centre: 12\n",
        )
        .file("c.yaml", "kind: objective\nid: c\ntitle: T\n");
    assert_eq!(
        repo.findings(),
        [f("S001", "b.yaml", 4, 14), f("S001", "c.yaml", 1, 1)]
    );
    let broken = Repo::new().file("schema/risk.schema.json", "{not json");
    broken
        .pmo(&["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("schema/risk.schema.json"));
    // A misnamed overlay is refused rather than silently applying to nothing; files
    // `pmo schema -o schema` writes (pmo, mapping) and other files are left alone.
    let misnamed = Repo::new()
        .file("schema/risks.schema.json", overlay)
        .file("schema/pmo.schema.json", "{}")
        .file("schema/README.md", "notes");
    misnamed
        .pmo(&["check"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("schema/risks.schema.json"))
        .stdout(predicate::str::contains("names no kind"))
        .stdout(predicate::str::contains("did you mean `risk`?"));
    misnamed
        .file("schema/risk.schema.json", overlay)
        .pmo(&["check"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("risks.schema.json"));

    // An overlay's own definitions resolve: written by hand, or every schema exported by
    // `pmo schema -o schema` (self-contained, with `$defs`).
    let with_defs = r##"{"$defs": {"cc": {"type": "string", "pattern": "^CC-"}},
        "properties": {"cost_centre": {"$ref": "#/$defs/cc"}}}"##;
    let repo = Repo::new()
        .file("schema/objective.schema.json", with_defs)
        .file(
            "a.yaml",
            "kind: objective\nid: a\ntitle: T\ncost_centre: CC-1\n",
        )
        .file(
            "b.yaml",
            "kind: objective\nid: b\ntitle: T\ncost_centre: X\n",
        );
    assert_eq!(repo.findings(), [f("S001", "b.yaml", 4, 14)]);
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme");
    let copy = tempfile::tempdir().unwrap();
    common::copy_dir(std::path::Path::new(root), copy.path());
    let pmo = || {
        let mut cmd = assert_cmd::Command::cargo_bin("pmo").unwrap();
        cmd.arg("-C").arg(copy.path());
        cmd
    };
    pmo().args(["schema", "-o", "schema"]).assert().success();
    pmo()
        .args(["--today", "2026-11-20", "check", "--strict"])
        .assert()
        .success();
}

#[test]
fn multiple_documents_bom_and_crlf() {
    let repo = Repo::new().bytes("people.yaml", b"\xef\xbb\xbfkind: person\r\nid: a\r\nname: A\r\n---\r\nkind: person\r\nid: b\r\nnme: B\r\n---\r\n");
    assert_eq!(
        repo.findings(),
        [
            f("S001", "people.yaml", 5, 1),
            f("S001", "people.yaml", 7, 1)
        ]
    );
}

#[test]
fn a_waiver_owner_is_a_person() {
    let config = "version: 1\nwaivers:\n  - {rule: R002, id: o1, reason: r, owner: bbo, expires: 2026-12-31}\n  - {rule: R002, id: o1, reason: r, owner: o1, expires: 2026-12-31}\n  - {rule: R002, id: o1, reason: r, owner: bob, expires: 2026-12-31}\n";
    let repo = Repo::with_config(config)
        .file(
            "o1.yaml",
            "kind: objective\nid: o1\ntitle: T\nowner: nobody\n",
        )
        .file("bob.yaml", "kind: person\nid: bob\nname: Bob\n");
    let report = repo.check_json();
    let found: Vec<(String, u64, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        // The waivers that silence nothing are W003 findings, not the point here.
        .filter(|d| d["code"] != "W003")
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "R002".to_owned(),
                3,
                44,
                "waiver owner `bbo` is not a person: no document has that id".to_owned()
            ),
            (
                "R003".to_owned(),
                4,
                44,
                "waiver owner `o1` is an objective, not a person".to_owned()
            ),
        ],
        "{report:#}"
    );
    assert!(
        report.to_string().contains("did you mean `bob`?"),
        "{report:#}"
    );
}

#[test]
fn waived_findings_are_counted_in_the_summary() {
    let config = "version: 1\nwaivers:\n  - {rule: R002, id: o1, reason: r, owner: bob, expires: 2026-12-31}\n  - {rule: R002, id: o2, reason: r, owner: bob, expires: 2026-12-31}\n";
    let objective =
        |id: &str| format!("kind: objective\nid: {id}\ntitle: T\nowner: nobody\nparent: nothing\n");
    let repo = Repo::with_config(config)
        .file("o1.yaml", &objective("o1"))
        .file("o2.yaml", &objective("o2"))
        .file("o3.yaml", &objective("o3"))
        .file("bob.yaml", "kind: person\nid: bob\nname: Bob\n");
    let (code, report) = repo.report(&["check"]);
    assert_eq!(code, 1);
    let summary = &report["summary"];
    assert_eq!(
        (&summary["errors"], &summary["warnings"], &summary["waived"]),
        (
            &serde_json::json!(2),
            &serde_json::json!(0),
            &serde_json::json!(4)
        ),
        "{report:#}"
    );
    let human = repo.pmo(&["check"]).output().unwrap();
    let human = String::from_utf8(human.stdout).unwrap();
    assert!(
        human.ends_with("2 errors, 0 warnings, 4 waived in 4 files (4 documents)\n"),
        "{human}"
    );
    // Nothing waived, nothing said.
    let clean = Repo::new().file("bob.yaml", "kind: person\nid: bob\nname: Bob\n");
    assert!(
        clean
            .stdout(&["check"])
            .ends_with("0 errors, 0 warnings in 1 file (1 document)\n")
    );
    assert_eq!(clean.check_json()["summary"]["waived"], 0);
}

#[test]
fn pmo_yaml_may_make_sponsor_and_manager_optional() {
    let unnamed = "kind: project\nid: apollo\ntitle: Apollo\nstate: proposed\nphase: initiation\n";
    // By default a project names both: one S001 per missing field, at the mapping.
    let repo = Repo::new().file("apollo.yaml", unnamed);
    let found = repo.check_json()["diagnostics"].clone();
    let messages: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{found:#}");
    assert!(messages[0].contains("sponsor"), "{messages:?}");
    assert!(messages[1].contains("manager"), "{messages:?}");

    let optional = |fields: &str| format!("{}project: {{optional: [{fields}]}}\n", common::CONFIG);
    let repo = Repo::with_config(&optional("sponsor, manager")).file("apollo.yaml", unnamed);
    assert_eq!(repo.findings(), []);
    // Only what is listed.
    let repo = Repo::with_config(&optional("sponsor")).file("apollo.yaml", unnamed);
    assert_eq!(repo.findings(), [f("S001", "apollo.yaml", 1, 1)]);
    // A field that is not one of the two stops the command: pmo.yaml is broken.
    Repo::with_config(&optional("title"))
        .pmo(&["check"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("pmo.yaml:3"));

    // A gate may still require them from a phase on (G002), as the default waterfall
    // does from `planning`.
    let planning = unnamed.replace(
        "state: proposed\nphase: initiation",
        "state: active\nphase: planning\nobjectives: [o]\ngates:\n  - {phase: planning, decision: go, date: 2026-01-10, approvers: [bob]}",
    );
    let repo = Repo::with_config(&optional("sponsor, manager"))
        .file("apollo.yaml", &planning)
        .file("bob.yaml", common::BOB)
        .file("o.yaml", "kind: objective\nid: o\ntitle: O\n");
    let mut codes: Vec<String> = repo.findings().into_iter().map(|f| f.0).collect();
    codes.sort();
    assert_eq!(codes, ["G002", "G002", "T002"], "{:#}", repo.check_json());
}

#[test]
fn pmo_schema_prints_the_schema_check_uses() {
    let required = |repo: &Repo| -> Vec<String> {
        let schema: serde_json::Value =
            serde_json::from_str(&repo.stdout(&["schema", "project"])).unwrap();
        serde_json::from_value(schema["required"].clone()).unwrap()
    };
    let repo = Repo::new();
    assert_eq!(
        required(&repo),
        [
            "kind", "id", "title", "sponsor", "manager", "state", "phase"
        ]
    );
    let config = format!("{}project: {{optional: [manager]}}\n", common::CONFIG);
    let repo = Repo::with_config(&config);
    assert_eq!(
        required(&repo),
        ["kind", "id", "title", "sponsor", "state", "phase"]
    );
    // Exported for an editor, and as an overlay: the same.
    repo.stdout(&["schema", "-o", "schema"]);
    let exported = std::fs::read_to_string(repo.join("schema/project.schema.json")).unwrap();
    let exported: serde_json::Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(
        exported["required"],
        serde_json::json!(["kind", "id", "title", "sponsor", "state", "phase"])
    );
    // A broken pmo.yaml cannot say which schema holds.
    Repo::with_config("version: 1\nproject: {optional: [title]}\n")
        .refuses(&["schema", "project"], "pmo.yaml");
}
