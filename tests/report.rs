//! `pmo report`: every built-in template on the example in both formats (snapshots),
//! repository templates, escaping and the template errors users meet.

mod common;

use assert_cmd::Command;
use common::{APOLLO, BOB, Repo};
use predicates::prelude::*;

fn report(args: &[&str]) -> String {
    let out = Command::cargo_bin("pmo")
        .unwrap()
        .args(["-C", "examples/acme", "--today", "2026-11-20", "report"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn built_in_reports_in_markdown_and_html() {
    for format in ["md", "html"] {
        for (name, project) in [
            ("status", Some("apollo")),
            ("portfolio", None),
            ("risks", None),
            ("changes", None),
            ("gate", Some("atlas")),
        ] {
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
        let out = repo
            .pmo(&["report", name, "--project", "apollo", "--format", "html"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = String::from_utf8(out.stdout).unwrap();
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
    repo.pmo(&["report", "field"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "templates/field.md.j2:1: undefined value",
        ));
    // A template that does not compile fails only where it is used.
    repo.pmo(&["report", "broken"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "templates/broken.md.j2:1: syntax error",
        ));
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
}
