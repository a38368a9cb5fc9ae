//! `pmo report`: every built-in template on the example in both formats (snapshots),
//! repository templates, escaping and the template errors users meet.

mod common;

use assert_cmd::Command;
use common::{APOLLO, BOB, Repo};
use predicates::prelude::*;

/// A report on a copy of the example outside git, so that its trend section says the
/// same wherever the tests run (in a clone of any depth).
fn report(args: &[&str]) -> String {
    let copy = tempfile::tempdir().unwrap();
    common::copy_dir(std::path::Path::new("examples/acme"), copy.path());
    common::succeeds(
        Command::cargo_bin("pmo")
            .unwrap()
            .arg("-C")
            .arg(copy.path())
            .args(["--today", "2026-11-20", "report"])
            .args(args),
    )
}

/// Every built-in report, with the example project it is about when it needs one.
const BUILT_IN: [(&str, Option<&str>); 5] = [
    ("status", Some("apollo")),
    ("portfolio", None),
    ("risks", None),
    ("changes", None),
    ("gate", Some("atlas")),
];

#[test]
fn built_in_reports_in_markdown_and_html() {
    for format in ["md", "html"] {
        for (name, project) in BUILT_IN {
            let mut args = vec![name, "--format", format];
            if let Some(p) = project {
                args.extend(["--project", p]);
            }
            let text = report(&args);
            insta::assert_snapshot!(format!("{name}_{format}"), text);
        }
    }
}

#[test]
fn html_is_self_contained() {
    for (name, project) in [("portfolio", None), ("status", Some("apollo"))] {
        let mut args = vec![name, "--format", "html"];
        if let Some(p) = project {
            args.extend(["--project", p]);
        }
        let html = report(&args);
        for request in ["<script", "<link", "src=", "url(", "@import"] {
            assert!(!html.contains(request), "{name} contains {request}");
        }
        assert!(html.contains("<style>") && html.contains("<svg"));
    }
}

#[test]
fn html_escapes_document_text() {
    let repo = Repo::new().file("people/bob.yaml", BOB).file(
        "projects/apollo.yaml",
        &APOLLO.replace(
            "title: Apollo",
            "title: \"<script>alert('x')</script> & co\"",
        ),
    );
    for name in ["portfolio", "status"] {
        let html = repo.stdout(&["report", name, "--project", "apollo", "--format", "html"]);
        assert!(!html.contains("<script>"), "{name}: unescaped title");
        if name == "status" {
            assert!(html.contains("&lt;script&gt;"), "{html}");
        }
    }
}

#[test]
fn list_shows_where_templates_come_from() {
    let repo = Repo::new()
        .file("templates/status.md.j2", "Status of {{ project.id }}\n")
        .file(
            "templates/weekly.md.j2",
            "{{ projects | length }} projects\n",
        );
    let out = repo.pmo(&["report", "--list"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("status       md    templates/status.md.j2"),
        "{text}"
    );
    assert!(text.contains("status       html  built-in"), "{text}");
    assert!(
        text.contains("weekly       md    templates/weekly.md.j2"),
        "{text}"
    );
    assert!(!text.contains("_base"), "{text}");
}

#[test]
fn repository_templates_override_and_add() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO)
        .file("templates/status.md.j2", "Status of {{ project.id }}\n")
        .file(
            "templates/weekly.md.j2",
            "{{ organisation or 'Us' }}: {{ projects | length }} project(s) on {{ today }}\n",
        );
    repo.pmo(&["report", "status", "--project", "apollo"])
        .assert()
        .success()
        .stdout("Status of apollo\n");
    repo.pmo(&["report", "weekly"])
        .assert()
        .success()
        .stdout("Us: 1 project(s) on 2026-11-20\n");
}

#[test]
fn the_example_custom_template_renders() {
    let text = report(&["board"]);
    assert!(text.contains("apollo"), "{text}");
}

#[test]
fn template_errors_name_the_file_and_line() {
    let repo = Repo::new()
        .file("templates/typo.md.j2", "line one\n{{ projets | length }}\n")
        .file(
            "templates/field.md.j2",
            "{% for p in projects %}{{ p.titel }}{% endfor %}\n",
        )
        .file("templates/broken.md.j2", "{% for p in projects %}\n")
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO);
    repo.pmo(&["report", "typo"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("templates/typo.md.j2:2:"))
        .stderr(predicate::str::contains("did you mean `projects`?"));
    repo.refuses(
        &["report", "field"],
        "templates/field.md.j2:1: undefined value",
    );
    // A template that does not compile fails only where it is used.
    repo.refuses(
        &["report", "broken"],
        "templates/broken.md.j2:1: syntax error",
    );
    repo.pmo(&["report", "--list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "templates/broken.md.j2 (does not compile",
        ));
    repo.pmo(&["report", "portfolio"]).assert().success();
}

#[test]
fn templates_run_out_of_fuel() {
    let repo = Repo::new().file(
        "templates/endless.md.j2",
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
    );
    repo.refuses(&["report", "endless"], "out of fuel");
}

#[test]
fn reports_about_one_project_need_it() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO);
    repo.refuses(&["report", "status"], "add --project ID");
    repo.refuses(
        &["report", "status", "--project", "apolo"],
        "did you mean `apollo`?",
    );
    repo.refuses(&["report", "statsu"], "did you mean `status`?");
}

#[test]
fn output_files_are_never_overwritten() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO);
    let out = repo.join("out/portfolio.html");
    let path = out.to_str().unwrap();
    repo.pmo(&["report", "portfolio", "--format", "html", "-o", path])
        .assert()
        .success();
    let first = std::fs::read_to_string(&out).unwrap();
    assert!(first.starts_with("<!doctype html>"));
    repo.refuses(&["report", "portfolio", "-o", path], "already exists");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first);
    // A relative -o is relative to -C, as if pmo were started there (not to the
    // directory the command was typed in).
    repo.pmo(&["report", "portfolio", "-o", "out/portfolio.md"])
        .assert()
        .success();
    assert!(repo.join("out/portfolio.md").exists());
    repo.pmo(&["export", "-q", "-o", "tables"])
        .assert()
        .success();
    assert!(repo.join("tables/projects.csv").exists());
}

#[test]
fn unreadable_templates_fail_only_when_used() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO)
        .bytes("templates/bad.md.j2", b"line one\nsecond \xff\xfe line\n");
    repo.pmo(&["report", "portfolio"]).assert().success();
    repo.pmo(&[
        "report",
        "status",
        "--project",
        "apollo",
        "--format",
        "html",
    ])
    .assert()
    .success();
    repo.pmo(&["report", "--list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "bad          md    templates/bad.md.j2 (unreadable: not valid UTF-8 (byte 0xff at line 2, column 8, byte offset 16))",
        ))
        .stdout(predicate::str::contains("portfolio    md    built-in"));
    repo.refuses(
        &["report", "bad"],
        "templates/bad.md.j2:2:8: not valid UTF-8 (byte 0xff at byte offset 16)",
    );
}

#[test]
fn a_broken_override_is_not_replaced_by_the_built_in() {
    // An unusable repository template that overrides a built-in (here a partial the
    // built-in HTML reports extend) fails where it is used instead of silently falling
    // back to the built-in one.
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO)
        .bytes("templates/_base.html.j2", b"\xff")
        .file("templates/status.md.j2", "{% if %}\n")
        .file("templates/_p.html.j2", "{% for %}\n")
        .file("templates/uses.html.j2", "{% extends \"_p.html.j2\" %}\n")
        .bytes("templates/_bad.md.j2", b"\xff")
        .file("templates/inc.md.j2", "one\n{% include \"_bad.md.j2\" %}\n");
    repo.refuses(
        &["report", "portfolio", "--format", "html"],
        "templates/_base.html.j2:1:1: not valid UTF-8",
    );
    repo.refuses(
        &["report", "status", "--project", "apollo"],
        "templates/status.md.j2:1: syntax error",
    );
    repo.refuses(
        &["report", "uses", "--format", "html"],
        "templates/_p.html.j2:1: syntax error",
    );
    repo.refuses(
        &["report", "inc"],
        "templates/_bad.md.j2:1:1: not valid UTF-8 (byte 0xff at byte offset 0); save the file as UTF-8; used by templates/inc.md.j2:2",
    );
    repo.pmo(&["report", "portfolio"]).assert().success();
}

#[test]
fn a_report_in_the_other_format_only_says_so() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO)
        .file(
            "templates/weekly.html.j2",
            "<p>{{ projects | length }}</p>\n",
        )
        .file("templates/notes.md.j2", "{{ projects | length }}\n");
    let out = repo.pmo(&["report", "weekly"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "no md template `weekly`: `weekly` exists only as html (templates/weekly.html.j2); use --format html"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("did you mean"), "{stderr}");
    repo.refuses(
        &["report", "notes", "--format", "html"],
        "`notes` exists only as md (templates/notes.md.j2); use --format md",
    );
    repo.pmo(&["report", "weekly", "--format", "html"])
        .assert()
        .success()
        .stdout("<p>1</p>\n");
    // Partials are not reports.
    repo.refuses(
        &["report", "_base", "--format", "html"],
        "`_base` is a partial, not a report",
    );
}

#[test]
fn undefined_names_and_fields_are_named_with_a_suggestion() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO)
        .file(
            "templates/field.md.j2",
            "# Projects\n{% for p in projects %}{{ p.titel }}{% endfor %}\n",
        )
        .file("templates/nested.md.j2", "{{ project.rag.overal }}\n")
        .file("templates/name.md.j2", "{{ organisaton }}\n")
        .file("templates/noneval.md.j2", "{{ project.ev.pv }}\n")
        .file(
            "templates/macro.html.j2",
            "{% import \"_macros.html.j2\" as m %}\n{{ m.card(\"x\", project.titel) }}\n",
        )
        .file("templates/_inc.md.j2", "one\ntwo {{ risk_count }}\n")
        .file("templates/inc.md.j2", "{% include \"_inc.md.j2\" %}\n");
    repo.refuses(
        &["report", "field"],
        "templates/field.md.j2:2: undefined value: `p.titel` is undefined; did you mean `title`?",
    );
    repo.refuses(
        &["report", "nested", "--project", "apollo"],
        "templates/nested.md.j2:1: undefined value: `project.rag.overal` is undefined; did you mean `overall`?",
    );
    repo.refuses(
        &["report", "name"],
        "templates/name.md.j2:1: undefined value: `organisaton` is undefined; did you mean `organisation`?",
    );
    repo.refuses(
        &["report", "noneval", "--project", "apollo"],
        "`project.ev.pv` is undefined; `project.ev` is none",
    );
    // The error is located in the file it happens in, and says where the value came from.
    repo.refuses(
        &["report", "macro", "--project", "apollo", "--format", "html"],
        "built-in _macros.html.j2:5: undefined value: `project.titel` is undefined (from templates/macro.html.j2:2); did you mean `title`?",
    );
    repo.refuses(
        &["report", "inc"],
        "templates/_inc.md.j2:2: undefined value: `risk_count` is undefined; did you mean `risk_counts`?; included from templates/inc.md.j2:1",
    );
}

#[test]
fn markdown_table_cells_are_escaped() {
    // The example portfolio with a `|` in every title and name, and a line break in
    // every name: every row of every table keeps the number of columns of its header.
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("pmo")
        .unwrap()
        .args(["init", "--example"])
        .arg(dir.path().join("acme"))
        .assert()
        .success();
    let root = dir.path().join("acme");
    let mut stack = vec![root.clone()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let piped: Vec<String> = text
                .lines()
                .map(|line| {
                    let trimmed = line.trim_start_matches([' ', '-']);
                    match trimmed.split_once(": ") {
                        Some(("title" | "name", value)) if !value.starts_with(['"', '\'']) => {
                            let indent = &line[..line.len() - trimmed.len()];
                            let key = trimmed.split_once(':').unwrap().0;
                            // A milestone name on two lines too.
                            let more = if key == "name" { "\\nline two" } else { "" };
                            format!("{indent}{key}: \"{value} | piped{more}\"")
                        }
                        // Flow-style milestones: `- {name: Go-live, baseline: ...}`.
                        _ => match trimmed
                            .strip_prefix("{name: ")
                            .and_then(|t| t.split_once(','))
                        {
                            Some((value, rest)) => {
                                let indent = &line[..line.len() - trimmed.len()];
                                format!("{indent}{{name: \"{value} | piped\\nline two\",{rest}")
                            }
                            None => line.to_owned(),
                        },
                    }
                })
                .collect();
            std::fs::write(&path, piped.join("\n") + "\n").unwrap();
        }
    }
    let check = Command::cargo_bin("pmo")
        .unwrap()
        .current_dir(&root)
        .args(["--today", "2026-11-20", "check"])
        .output()
        .unwrap();
    assert!(
        check.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    for (name, project) in BUILT_IN {
        let mut args = vec!["--today", "2026-11-20", "report", name];
        if let Some(p) = project {
            args.extend(["--project", p]);
        }
        let md = common::succeeds(
            Command::cargo_bin("pmo")
                .unwrap()
                .current_dir(&root)
                .args(&args),
        );
        if name != "gate" {
            assert!(md.contains("piped |"), "{name}: no title in a table:\n{md}");
        }
        if name == "status" {
            assert!(md.contains("piped<br>line two |"), "{md}");
        }
        let mut columns = None;
        for line in md.lines() {
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            let pipes = line.matches('|').count() - line.matches("\\|").count();
            let header = *columns.get_or_insert(pipes);
            assert_eq!(pipes, header, "{name}: a broken row:\n{line}\n\n{md}");
        }
    }
}

/// `pmo report ARGS` on `repo` (Markdown unless ARGS say otherwise).
fn report_in(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend(args);
    repo.stdout(&all)
}

fn project(id: &str, extra: &str) -> String {
    format!(
        "kind: project\nid: {id}\ntitle: Project {id}\nsponsor: bob\nmanager: bob\nstate: proposed\nphase: initiation\n{extra}"
    )
}

fn risk(id: &str, project: &str, owner: &str, raised: &str) -> String {
    format!(
        "kind: risk\nid: {id}\nproject: {project}\ntitle: Risk {id}\nowner: {owner}\nprobability: 2\nimpact: 2\nstatus: open\nraised: {raised}\n"
    )
}

#[test]
fn attention_follows_the_check_red_first_then_errors_then_warnings() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        // Computed red (50 % over budget), no finding.
        .file(
            "projects/zz/project.yaml",
            &project(
                "zz",
                "baseline: {start: 2026-01-01, finish: 2026-12-31, budget: 100000}\nforecast: {finish: 2026-12-31, cost: 150000}\n",
            ),
        )
        // An error (R002) on one of its risks.
        .file("projects/mm/project.yaml", &project("mm", ""))
        .file("projects/mm/risk.yaml", &risk("mm-r", "mm", "nobody", "2026-11-10"))
        // A warning (K002): a risk never reviewed.
        .file("projects/aa/project.yaml", &project("aa", ""))
        .file("projects/aa/risk.yaml", &risk("aa-r", "aa", "bob", "2026-01-05"))
        // Clean.
        .file("projects/bb/project.yaml", &project("bb", ""));
    let md = report_in(&repo, &["portfolio"]);
    let rows: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("## Projects needing attention"))
        .filter(|l| l.starts_with("| ") && l.contains(": Project "))
        .collect();
    assert_eq!(rows.len(), 3, "{md}");
    assert!(rows[0].starts_with("| zz:") && rows[0].contains("computed red"));
    assert!(rows[1].starts_with("| mm:") && rows[1].contains("R002"));
    assert!(rows[2].starts_with("| aa:") && rows[2].contains("K002"));
    assert!(rows.iter().all(|r| !r.contains("; |")), "{rows:?}");

    // With K002 off the warning is gone from the report too.
    let off = Repo::with_config("version: 1\nroles: [sponsor]\nrules: {K002: off}\n")
        .file("people/bob.yaml", BOB)
        .file("projects/aa/project.yaml", &project("aa", ""))
        .file(
            "projects/aa/risk.yaml",
            &risk("aa-r", "aa", "bob", "2026-01-05"),
        );
    let md = report_in(&off, &["portfolio"]);
    assert!(md.contains("nothing needs attention"), "{md}");
}

#[test]
fn attention_never_says_nothing_while_check_reports_errors() {
    let repo = Repo::new()
        .file("people/bob.yaml", &format!("{BOB}colour: blue\n"))
        .file("projects/aa/project.yaml", &project("aa", ""));
    for format in ["md", "html"] {
        let out = report_in(&repo, &["portfolio", "--format", format]);
        assert!(
            !out.to_lowercase().contains("nothing needs attention"),
            "{out}"
        );
        assert!(
            out.contains("reports 1 error and 0 warnings elsewhere"),
            "{out}"
        );
    }
}

#[test]
fn pending_changes_are_counted_and_their_cost_is_gross() {
    let change = |id: &str, cost: i64| {
        format!(
            "kind: change\nid: {id}\nproject: aa\ntitle: Change {id}\nrequested_by: bob\nraised: 2026-11-01\nstatus: draft\nimpact: {{cost: {cost}}}\n"
        )
    };
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/aa/project.yaml", &project("aa", ""))
        .file("projects/aa/saving.yaml", &change("c1", -12000))
        .file("projects/aa/cost.yaml", &change("c2", 12000));
    let md = report_in(&repo, &["portfolio"]);
    assert!(md.contains("2 pending changes, 24,000 gross"), "{md}");
    let html = report_in(&repo, &["portfolio", "--format", "html"]);
    assert!(html.contains(r#"<div class="label">Pending changes</div><div class="value">2</div>"#));
    assert!(html.contains(
        r#"<div class="label">Pending cost (gross)</div><div class="value">24,000</div>"#
    ));
}

#[test]
fn the_gate_pack_starts_from_the_first_gate_not_passed() {
    let repo = Repo::new().file("people/bob.yaml", BOB).file(
        "projects/aa/project.yaml",
        "kind: project\nid: aa\ntitle: Project aa\nsponsor: bob\nmanager: bob\nstate: active\nphase: execution\nobjectives: [growth, cost]\ngates:\n  - {phase: planning, decision: go, date: 2026-02-01}\n",
    );
    let md = report_in(&repo, &["gate", "--project", "aa"]);
    assert!(md.contains("Gate not passed: **execution**"), "{md}");
    assert!(md.contains("G001: no gate decision for entering"), "{md}");
    assert!(!md.contains("Next gate: **closure**"), "{md}");
    // A methodology that records no gate decisions has no gate left behind.
    let register = Repo::with_config(
        "version: 1\nroles: [sponsor]\nmethodologies:\n  register:\n    phases: [initiation, planning, execution, closure]\n    gate_decisions: false\n",
    )
    .file("people/bob.yaml", BOB)
    .file(
        "projects/aa/project.yaml",
        "kind: project\nid: aa\ntitle: Project aa\nsponsor: bob\nmanager: bob\nstate: active\nphase: execution\n",
    );
    let md = report_in(&register, &["gate", "--project", "aa"]);
    assert!(md.contains("Next gate: **closure**"), "{md}");

    // Lists are written as lists of words, never as a programming language's list.
    let early = Repo::new().file("people/bob.yaml", BOB).file(
        "projects/aa/project.yaml",
        &project("aa", "objectives: [growth, cost]\n"),
    );
    for format in ["md", "html"] {
        let out = report_in(&early, &["gate", "--project", "aa", "--format", format]);
        assert!(out.contains("growth, cost"), "{out}");
        assert!(
            !out.contains("[&quot;growth") && !out.contains("[\"growth"),
            "{out}"
        );
    }
}

#[test]
fn a_revision_is_reported_with_its_own_templates() {
    let repo = Repo::new().file("people/bob.yaml", BOB).file(
        "templates/custom.md.j2",
        "then: {{ people | length }} people\n",
    );
    let me = ("Ann", "ann@example.org");
    common::git(repo.path(), me, &["init", "-q"]);
    common::git(repo.path(), me, &["add", "-A"]);
    common::git(repo.path(), me, &["commit", "-qm", "first"]);
    std::fs::write(
        repo.join("templates/custom.md.j2"),
        "now: {{ people | length }}\n",
    )
    .unwrap();
    assert_eq!(repo.stdout(&["report", "custom"]), "now: 1\n");
    assert_eq!(
        repo.stdout(&["--rev", "HEAD", "report", "custom"]),
        "then: 1 people\n"
    );
}
