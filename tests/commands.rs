//! init, new, schema, rules, explain end to end, and snapshots of rendered findings.

mod common;
use common::{APOLLO, BOB, Repo};
use predicates::prelude::*;

fn pmo() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("pmo").unwrap()
}

#[test]
fn init_creates_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    pmo()
        .arg("-C")
        .arg(dir.path())
        .args(["init", "acme", "--example"])
        .assert()
        .success();
    // Made today, clean today.
    pmo()
        .arg("-C")
        .arg(dir.path().join("acme"))
        .args(["check", "--strict"])
        .assert()
        .success();
    let config = dir.path().join("acme/pmo.yaml");
    std::fs::write(&config, "version: 1\n# mine\n").unwrap();
    pmo()
        .arg("-C")
        .arg(dir.path())
        .args(["init", "acme"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing was written"));
    pmo()
        .arg("-C")
        .arg(dir.path())
        .args(["init", "acme", "--example"])
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "version: 1\n# mine\n"
    );
    pmo()
        .arg("-C")
        .arg(dir.path())
        .args(["init", "plain"])
        .assert()
        .success();
    pmo()
        .arg("-C")
        .arg(dir.path().join("plain"))
        .args(["check"])
        .assert()
        .success();
}

#[test]
fn new_writes_schema_valid_documents_in_the_layout() {
    let repo = Repo::new().file("people/bob.yaml", BOB);
    for (kind, extra) in [
        ("person", vec!["--title", "Ada Lovelace"]),
        ("project", vec!["--title", "Apollo", "--id", "apollo"]),
        (
            "risk",
            vec!["--project", "apollo", "--title", "Vendor delay"],
        ),
        ("issue", vec!["--project", "apollo"]),
        ("decision", vec!["--title", "Go cloud"]),
        (
            "change",
            vec!["--project", "apollo", "--title", "Add reporting"],
        ),
        ("status", vec!["--project", "apollo"]),
        (
            "lesson",
            vec!["--project", "apollo", "--title", "Test early"],
        ),
        ("objective", vec!["--title", "Grow"]),
        ("program", vec!["--title", "Digital"]),
    ] {
        let mut args = vec!["new", kind];
        args.extend(extra);
        repo.pmo(&args).assert().success();
    }
    assert!(repo.join("people/ada-lovelace.yaml").exists());
    assert!(repo.join("projects/apollo/project.yaml").exists());
    assert!(repo.join("projects/apollo/status/2026-11-20.yaml").exists());
    let risks: Vec<_> = std::fs::read_dir(repo.join("projects/apollo/risks"))
        .unwrap()
        .collect();
    assert_eq!(risks.len(), 1);
    // Schema-valid: the only findings are the TODO references the user must fill in.
    let report = repo.check_json();
    for d in report["diagnostics"].as_array().unwrap() {
        assert_eq!(d["code"], "R002", "{d}");
        assert!(d["message"].as_str().unwrap().contains("`TODO`"), "{d}");
    }
    // A second status the same day does not overwrite the first.
    repo.pmo(&["new", "status", "--project", "apollo"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_dir(repo.join("projects/apollo/status"))
            .unwrap()
            .count(),
        2
    );
    repo.refuses(
        &["new", "project", "--title", "Apollo", "--id", "apollo"],
        "is already the id of a project",
    );
    repo.refuses(&["new", "risk"], "--project");
    repo.refuses(&["new", "rsik"], "did you mean `risk`?");
    repo.pmo(&["new", "person", "--id", "bad id"])
        .assert()
        .code(2);
}

/// Every file below `dir`, relative, sorted.
fn files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(
                files(&path)
                    .into_iter()
                    .map(|f| format!("{}/{f}", path.file_name().unwrap().to_string_lossy())),
            );
        } else {
            out.push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
fn new_refuses_what_check_would_reject() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO);
    let before = files(repo.path());
    let refused: [(&[&str], &str); 7] = [
        // An empty title would be an empty name or title: S001 on the next check.
        (&["new", "person", "--title", ""], "--title is empty"),
        (
            &["new", "risk", "--project", "apollo", "--title", " "],
            "--title is empty",
        ),
        // An id another document has: R001 on the next check.
        (
            &["new", "risk", "--project", "apollo", "--id", "apollo"],
            "--id `apollo` is already the id of a project in projects/apollo/project.yaml",
        ),
        (
            &["new", "person", "--id", "bob"],
            "--id `bob` is already the id of a person in people/bob.yaml",
        ),
        // A project that does not exist: R002 on the next check.
        (
            &["new", "risk", "--project", "apolo"],
            "--project `apolo`: the repository has no such project; did you mean `apollo`?",
        ),
        (
            &["new", "issue", "--project", "nope"],
            "the projects are `apollo`",
        ),
        (
            &["new", "decision", "--project", "bob"],
            "--project `bob` is a person, not a project",
        ),
    ];
    for (args, says) in refused {
        repo.refuses(args, says);
    }
    assert_eq!(files(repo.path()), before, "nothing was written");
    let empty = Repo::new();
    empty.refuses(
        &["new", "lesson", "--project", "apollo"],
        "there are no projects yet",
    );
}

#[test]
fn new_derives_a_free_valid_id() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO);
    let written = |args: &[&str]| -> String {
        let path = repo.stdout(args);
        let path = std::path::Path::new(path.trim());
        let rel = path.strip_prefix(repo.path()).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    };
    // The readable id is taken (by a file, and by a document elsewhere): another one.
    let bob = written(&["new", "person", "--title", "Bob"]);
    assert!(
        bob.starts_with("people/bob-") && bob.len() == "people/bob-xxxx.yaml".len(),
        "{bob}"
    );
    let elsewhere = repo.file("team/apollo.yaml", "kind: person\nid: zed\nname: Zed\n");
    let zed = elsewhere.stdout(&["new", "person", "--title", "Zed"]);
    assert!(zed.contains("people/zed-"), "{zed}");
    // A title with nothing to make an id of still makes one, every time.
    let one = elsewhere.stdout(&["new", "project", "--title", "///"]);
    let two = elsewhere.stdout(&["new", "project", "--title", "///"]);
    assert_ne!(one, two);
    assert!(one.contains("projects/project/"), "{one}");
    assert!(two.contains("projects/project-"), "{two}");
    // Ids YAML would read as something else (a number, a boolean, null) are quoted.
    for args in [
        &["new", "person", "--id", "123", "--title", "B"][..],
        &["new", "person", "--title", "true"],
        &["new", "person", "--id", "1e3", "--title", "E"],
        &["new", "project", "--title", "42"],
        &["new", "risk", "--project", "42", "--title", "null"],
    ] {
        elsewhere.pmo(args).assert().success();
    }
    // No duplicate ids, no schema violations: only the TODOs left to fill in.
    for d in elsewhere.check_json()["diagnostics"].as_array().unwrap() {
        assert_eq!(d["code"], "R002", "{d}");
        assert!(d["message"].as_str().unwrap().contains("`TODO`"), "{d}");
    }
}

#[test]
fn new_uses_the_plain_id_while_it_is_free() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO);
    let written = |args: &[&str]| -> String {
        let path = repo.stdout(args);
        let path = std::path::Path::new(path.trim());
        let rel = path.strip_prefix(repo.path()).unwrap_or(path);
        rel.to_string_lossy().replace('\\', "/")
    };
    let risk = [
        "new",
        "risk",
        "--project",
        "apollo",
        "--title",
        "Vendor delay",
    ];
    assert_eq!(
        written(&risk),
        "projects/apollo/risks/apollo-vendor-delay.yaml"
    );
    for (args, path) in [
        (
            &[
                "new",
                "change",
                "--project",
                "apollo",
                "--title",
                "Add reporting",
            ][..],
            "projects/apollo/changes/apollo-add-reporting.yaml",
        ),
        (
            &["new", "decision", "--title", "Go cloud"],
            "decisions/go-cloud.yaml",
        ),
        (
            &["new", "objective", "--title", "Grow"],
            "objectives/grow.yaml",
        ),
        (
            &["new", "issue", "--project", "apollo"],
            "projects/apollo/issues/apollo-issue.yaml",
        ),
    ] {
        assert_eq!(written(args), path);
    }
    // Taken: a suffix makes it free.
    let again = written(&risk);
    assert!(
        again.starts_with("projects/apollo/risks/apollo-vendor-delay-")
            && again.len() == "projects/apollo/risks/apollo-vendor-delay-xxxx.yaml".len(),
        "{again}"
    );
    let status =
        std::fs::read_to_string(repo.join(&written(&["new", "status", "--project", "apollo"])))
            .unwrap();
    assert!(
        status.contains("\nid: apollo-status-2026-11-20\n"),
        "{status}"
    );
}

#[test]
fn new_status_starts_from_the_computed_rag() {
    // 12.5 % over budget (red above 10 %), 20 days late (amber from 11).
    let project = APOLLO.replace("state: proposed", "state: active")
        + "baseline: {start: 2026-01-05, finish: 2026-12-01, budget: 100000}\n\
           forecast: {finish: 2026-12-21, cost: 112500}\n";
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &project)
        .file(
            "projects/hermes/project.yaml",
            &APOLLO.replace("apollo", "hermes"),
        );
    let path = repo.stdout(&["new", "status", "--project", "apollo"]);
    let status = std::fs::read_to_string(path.trim()).unwrap();
    for line in ["\noverall: red ", "\nschedule: amber ", "\ncost: red "] {
        assert!(status.contains(line), "{line:?} in {status}");
    }
    // What the figures give passes F002 (and nothing else is wrong with it).
    let optimistic: Vec<_> = repo
        .findings()
        .into_iter()
        .filter(|(code, ..)| code == "F002")
        .collect();
    assert_eq!(optimistic, []);
    // Without figures there is nothing to compute: the colours are the user's to set.
    let path = repo.stdout(&["new", "status", "--project", "hermes"]);
    let status = std::fs::read_to_string(path.trim()).unwrap();
    assert!(
        status.contains("\noverall: green ") && status.contains("# TODO: green, amber or red"),
        "{status}"
    );
}

#[test]
fn init_example_is_clean_on_the_day_it_is_made() {
    for today in [
        "2026-11-20",
        "2026-12-03",
        "2024-02-29",
        "2031-07-15",
        "1999-01-01",
    ] {
        let dir = tempfile::tempdir().unwrap();
        common::succeeds(pmo().arg("-C").arg(dir.path()).args([
            "--today",
            today,
            "init",
            "acme",
            "--example",
        ]));
        let acme = dir.path().join("acme");
        let out = pmo()
            .arg("-C")
            .arg(&acme)
            .args(["--today", today, "check", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            report["diagnostics"],
            serde_json::json!([]),
            "{today}: {report:#}"
        );
        assert_eq!(out.status.code(), Some(0), "{today}");
        // The README says the day it is consistent on.
        let readme = std::fs::read_to_string(acme.join("README.md")).unwrap();
        assert!(
            readme.contains(&format!("pmo check --today {today}`")),
            "{today}"
        );
    }
    // A date the example cannot be moved to is refused, and nothing is written.
    let dir = tempfile::tempdir().unwrap();
    pmo()
        .arg("-C")
        .arg(dir.path())
        .args(["--today", "9999-12-01", "init", "acme", "--example"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot be moved to 9999-12-01: they would leave the years 1000 to 9999: choose a --today from ",
        ));
    assert!(!dir.path().join("acme").exists());
}

#[test]
fn global_options_are_refused_where_they_mean_nothing() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO);
    let refused = |args: &[&str], says: &str| {
        let out = pmo().current_dir(repo.path()).args(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        // One line that names the option and the command.
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("pmo: {says}")),
            "{args:?}: {stderr}"
        );
    };
    // (arguments, the option refused, the command it means nothing to)
    let cases: &[(&[&str], &str, &str)] = &[
        // A revision where nothing is read from git: before or after the command alike.
        (&["init", "x", "--rev", "nosuch"], "--rev", "init"),
        (&["--rev", "HEAD", "new", "person"], "--rev", "new"),
        (
            &["import", "a.csv", "--map", "m.yaml", "--rev", "HEAD"],
            "--rev",
            "import",
        ),
        (&["rules", "--rev", "HEAD"], "--rev", "rules"),
        (&["schema", "--rev", "HEAD"], "--rev", "schema"),
        // A date where no date is used.
        (&["init", "x", "--today", "2026-11-20"], "--today", "init"),
        (&["diff", "--today", "2026-11-20"], "--today", "diff"),
        (
            &["history", "apollo", "--today", "2026-11-20"],
            "--today",
            "history",
        ),
        (
            &["explain", "R002", "--today", "2026-11-20"],
            "--today",
            "explain",
        ),
        (&["schema", "--today", "2026-11-20"], "--today", "schema"),
        // A directory where no repository is read and no file written.
        // Colour where nothing is coloured.
        (
            &[
                "--color",
                "always",
                "report",
                "status",
                "--project",
                "apollo",
            ],
            "--color",
            "report",
        ),
        (&["new", "person", "--color", "never"], "--color", "new"),
        (
            &["export", "-o", "out", "--color", "never"],
            "--color",
            "export",
        ),
        // Quiet where there is nothing to leave out.
        (&["-q", "diff"], "-q", "diff"),
        (&["explain", "R002", "-q"], "-q", "explain"),
    ];
    for (args, option, command) in cases {
        refused(args, &format!("{option} means nothing to `pmo {command}`"));
    }
    // Nothing was written by a refused command.
    assert!(!repo.join("x").exists() && !repo.join("out").exists());
    assert!(
        !repo
            .join("people")
            .read_dir()
            .unwrap()
            .any(|e| e.unwrap().file_name() != "bob.yaml")
    );

    // Where they mean something, they are taken.
    for args in [
        &["--today", "2026-11-20", "--color", "never", "-q", "check"][..],
        &["--today", "2026-11-20", "--color", "never", "ls", "project"],
        &[
            "--today",
            "2026-11-20",
            "report",
            "status",
            "--project",
            "apollo",
        ],
        &[
            "-q",
            "--today",
            "2026-11-20",
            "new",
            "risk",
            "--project",
            "apollo",
        ],
        &["--today", "2026-11-20", "init", "x", "--example", "-q"],
        &["schema", "-o", "schemas", "-q"],
        &["rules", "--format", "json"],
    ] {
        common::succeeds(pmo().current_dir(repo.path()).args(args));
    }
}

#[test]
fn readme_install_is_locked_and_names_the_rust_version() {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rust-version = "))
        .unwrap()
        .trim_matches('"');
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let install = &readme[readme.find("## Install").unwrap()..readme.find("## Tour").unwrap()];
    assert!(
        install.contains("cargo install --locked --path ."),
        "{install}"
    );
    assert!(
        install.contains(&format!("Rust {version} or later")),
        "{install}"
    );
    assert!(install.contains("about 10 minutes on 2 cores"), "{install}");
}

#[test]
fn bench_scripts_build_and_run_where_cargo_builds() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let elsewhere = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(root.join("bench/target-dir"))
        .env("CARGO_TARGET_DIR", elsewhere.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        elsewhere.path().to_str().unwrap()
    );
    // No script names `target/` itself (comments aside): each asks bench/target-dir.
    for script in ["run", "compare", "git-run", "many-fields"] {
        let text = std::fs::read_to_string(root.join("bench").join(script)).unwrap();
        assert!(text.contains("$(bench/target-dir)"), "bench/{script}");
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            assert!(
                !line.contains(" target/")
                    && !line.contains("=target/")
                    && !line.contains("\"target/"),
                "bench/{script}: {line}"
            );
        }
    }
}

#[test]
fn schema_rules_and_explain() {
    pmo()
        .args(["schema"])
        .assert()
        .success()
        .stdout(predicate::str::contains("risk"));
    let out = pmo().args(["schema", "risk"]).output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["properties"]["kind"]["const"], "risk");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("defs.schema.json"));
    pmo()
        .args(["schema", "rsk"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `risk`?"));
    let dir = tempfile::tempdir().unwrap();
    pmo()
        .args(["schema", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("pmo.schema.json").exists());
    assert!(dir.path().join("lesson.schema.json").exists());
    pmo()
        .args(["schema", "-o"])
        .arg(dir.path())
        .assert()
        .code(2);
    // One schema already there: none of the others is written either.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("risk.schema.json"), "mine").unwrap();
    pmo()
        .args(["schema", "-o"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing was written"));
    let written: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(written.len(), 1);
    let kept = std::fs::read_to_string(dir.path().join("risk.schema.json")).unwrap();
    assert_eq!(kept, "mine");
    pmo()
        .args(["rules"])
        .assert()
        .success()
        .stdout(predicate::str::contains("dangling-reference"));
    let rules: serde_json::Value = serde_json::from_slice(
        &pmo()
            .args(["rules", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["code"] == "W003")
    );
    pmo()
        .args(["explain", "r002"])
        .assert()
        .success()
        .stdout(predicate::str::contains("R002 dangling-reference"));
    pmo().args(["explain", "R02"]).assert().code(2);
    pmo().args(["check", "--format", "xml"]).assert().code(2);
}

fn broken() -> Repo {
    Repo::new()
        .file("people/bob.yaml", BOB)
        .file("people/bob2.yaml", "kind: person\nid: bob\nname: Bob Two\n")
        .file(
            "projects/apollo/risks/r1.yaml",
            "kind: risk\nid: r1\nproject: apolo\ntitle: Vendor delay\nownr: bob\nowner: bob\nprobability: 7\nimpact: 3\nstatus: opn\nraised: 2026-06-31\n",
        )
}

#[test]
fn human_output() {
    let out = broken().pmo(&["check"]).output().unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
    let out = broken().pmo(&["check", "-q"]).output().unwrap();
    insta::assert_snapshot!("human_quiet", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn machine_outputs() {
    let repo = broken();
    for format in ["json", "github", "sarif", "junit", "gitlab"] {
        let out = repo.pmo(&["check", "--format", format]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        if format == "sarif" {
            // The rule catalogue apart from the results: a rule's documentation changes
            // one snapshot, a finding another.
            let mut sarif: serde_json::Value = serde_json::from_str(&text).unwrap();
            let rules = sarif["runs"][0]["tool"]["driver"]["rules"].take();
            insta::assert_json_snapshot!("format_sarif_rules", rules);
            insta::assert_json_snapshot!("format_sarif", sarif);
            continue;
        }
        insta::assert_snapshot!(format!("format_{format}"), text);
    }
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let repo = broken();
    let coloured = repo.pmo(&["check", "--color", "always"]).output().unwrap();
    assert!(String::from_utf8_lossy(&coloured.stdout).contains("\u{1b}["));
    let mut cmd = repo.pmo(&["check", "--color", "auto"]);
    let plain = cmd.env("NO_COLOR", "1").output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stdout).contains("\u{1b}["));
}

/// pmo turns transparent huge pages off for itself (src/main.rs): each would be a 2 MiB
/// page zeroed on first touch, which made a large check slow and its time erratic. A
/// running pmo (the editor's server, waiting for its first message) shows it.
#[cfg(target_os = "linux")]
#[test]
fn pmo_runs_without_transparent_huge_pages() {
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_pmo"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", server.id());
    let thp = || {
        let status = std::fs::read_to_string(&status).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("THP_enabled:"))
            .map(|v| v.trim().to_owned())
    };
    // It starts with this test's setting, inherited, and turns it off first thing.
    let mut seen = thp();
    for _ in 0..100 {
        if seen.as_deref() == Some("0") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        seen = thp();
    }
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(seen.as_deref(), Some("0"));
}
