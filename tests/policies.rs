//! Organisation rules (`policies:` in pmo.yaml) end to end: findings at file:line, a
//! broken policy located inside its expression (exit 2), the catalogue, severities,
//! waivers and the bounds on an evaluation.

mod common;
use common::{APOLLO, BOB, Repo, f};
use predicates::prelude::*;

const SPONSOR: &str = r#"version: 1
roles: [sponsor, executive]
policies:
  - code: ORG-001
    name: large-project-executive-sponsor
    kinds: [project]
    when: has(doc.baseline) && has(doc.baseline.budget) && doc.baseline.budget > 1000000
    assert: "'executive' in people[doc.sponsor].roles"
    message: "project {{ doc.id }} has a budget of {{ doc.baseline.budget }}; its sponsor {{ doc.sponsor }} is not an executive"
    help: a project over 1,000,000 is sponsored by a member of the executive
    at: sponsor
    doc: |
      A large project needs an executive sponsor.
"#;

/// Apollo with a baseline budget written as `budget`.
fn apollo(budget: &str) -> String {
    format!("{APOLLO}baseline: {{start: 2026-01-05, finish: 2026-12-18, budget: {budget}}}\n")
}

#[test]
fn a_policy_finds_at_its_field_and_numbers_compare_across_int_and_float() {
    let repo = Repo::with_config(SPONSOR)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &apollo("1.2e6"));
    assert_eq!(
        repo.findings(),
        [f("ORG-001", "projects/apollo/project.yaml", 4, 10)]
    );
    let json = repo.check_json();
    let finding = &json["diagnostics"][0];
    assert_eq!(
        finding["message"],
        "project apollo has a budget of 1200000; its sponsor bob is not an executive"
    );
    assert_eq!(finding["severity"], "error");
    // Under the threshold, nothing.
    let small = Repo::with_config(SPONSOR)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &apollo("900000"));
    assert_eq!(small.findings(), []);
}

#[test]
fn explain_rules_and_sarif_list_the_policy() {
    let repo = Repo::with_config(SPONSOR)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &apollo("2000000"));
    let explained = repo.stdout(&["explain", "org-001"]);
    assert!(explained.starts_with("ORG-001 large-project-executive-sponsor (error)"));
    assert!(explained.contains("A large project needs an executive sponsor."));
    assert!(repo.stdout(&["rules"]).contains("ORG-001"));
    let sarif = repo.pmo(&["check", "--format", "sarif"]).output().unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = run["results"][0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "ORG-001");
    assert_eq!(rules[index]["properties"]["tags"][0], "organisation");
}

#[test]
fn severity_overrides_and_waivers_apply_to_a_policy() {
    let config = format!("{SPONSOR}rules:\n  ORG-001: warning\n");
    let repo = Repo::with_config(&config)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &apollo("2000000"));
    assert_eq!(repo.check_json()["diagnostics"][0]["severity"], "warning");
    let config = format!(
        "{SPONSOR}waivers:\n  - {{rule: ORG-001, id: apollo, reason: interim sponsor, owner: bob, expires: 2027-01-31}}\n"
    );
    let repo = Repo::with_config(&config)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &apollo("2000000"));
    let json = repo.check_json();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 0, "{json}");
    assert_eq!(json["summary"]["waived"], 1);
}

/// A broken policy stops the check (exit 2) at the character inside its expression.
#[test]
fn a_broken_policy_is_located_inside_its_expression() {
    let broken = |policy: &str, at: &str, says: &str| {
        let config = format!(
            "version: 1\npolicies:\n  - code: ORG-001\n    name: x\n    kinds: [project]\n    message: m\n{policy}"
        );
        let repo = Repo::with_config(&config).file("projects/apollo/project.yaml", APOLLO);
        repo.pmo(&["check"])
            .assert()
            .code(2)
            .stdout(predicate::str::contains(at).and(predicate::str::contains(says)));
    };
    broken(
        "    assert: doc.baseline.budgt > 1\n",
        "pmo.yaml:7:26",
        "`baseline` has no field `budgt`",
    );
    broken(
        "    assert: doc.baseline.budgt > 1\n",
        "",
        "did you mean `budget`?",
    );
    broken(
        "    assert: |\n      doc.state == 'active'\n        && projct.id != ''\n",
        "pmo.yaml:9:12",
        "unknown variable `projct`",
    );
    broken(
        "    assert: \"doc.state == \"\n",
        "pmo.yaml:7:",
        "syntax error",
    );
    broken(
        "    assert: 'true'\n    at: sponsr\n",
        "pmo.yaml:8:9",
        "a project has no field `sponsr`",
    );
    broken(
        "    assert: item.name != ''\n",
        "pmo.yaml:7:13",
        "`item` is only defined with `each`",
    );
    broken(
        "    assert: doc.title > 5\n",
        "pmo.yaml:7:25",
        "`title` of a project is text, compared here with a number",
    );
    broken(
        "    assert: \"doc.baseline.finish < '2027-01-01'\"\n",
        "pmo.yaml:7:36",
        "`baseline.finish` of a project is a date, compared here with text",
    );
    broken(
        "    assert: people.all(p, p != '')\n",
        "pmo.yaml:7:13",
        "cannot loop over every document of `people`",
    );
}

#[test]
fn a_policy_that_cannot_evaluate_is_an_error_not_a_pass() {
    let config = "version: 1\npolicies:\n  - code: ORG-002\n    name: forecast\n    kinds: [project]\n    severity: warning\n    assert: doc.forecast.cost > 0\n    message: m\n";
    let repo = Repo::with_config(config).file("projects/apollo/project.yaml", APOLLO);
    let json = repo.check_json();
    let finding = &json["diagnostics"][0];
    assert_eq!(finding["code"], "ORG-002");
    assert_eq!(finding["severity"], "error");
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("cannot evaluate"),
        "{finding}"
    );
}

/// Nested loops over a document's long list are refused before they start.
#[test]
fn an_evaluation_over_the_step_limit_is_a_finding() {
    let config = "version: 1\npolicies:\n  - code: ORG-003\n    name: tags\n    kinds: [project]\n    assert: doc.tags.all(a, doc.tags.all(b, doc.tags.all(c, a != '')))\n    message: m\n";
    let tags: Vec<String> = (0..400).map(|i| format!("t{i}")).collect();
    let project = format!("{APOLLO}tags: [{}]\n", tags.join(", "));
    let repo = Repo::with_config(config).file("projects/apollo/project.yaml", &project);
    let json = repo.check_json();
    let message = json["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.starts_with("cannot evaluate: over the step limit"),
        "{message}"
    );
}

#[test]
fn each_evaluates_every_element_and_dates_are_dates() {
    let config = "version: 1\nroles: [sponsor]\npolicies:\n  - code: ORG-004\n    name: go-live\n    kinds: [project]\n    each: milestones\n    when: item.name == 'Go-live'\n    assert: inDays(item.forecast - item.baseline) <= 30 && item.baseline + days(1) > item.baseline\n    message: \"Go-live slips {{ inDays(item.forecast - item.baseline) }} days to {{ item.forecast }}\"\n    at: forecast\n";
    let project = format!(
        "{APOLLO}milestones:\n  - {{name: Design, baseline: 2026-03-01, forecast: 2026-09-01}}\n  - {{name: Go-live, baseline: 2026-06-01, forecast: 2026-08-15}}\n"
    );
    let repo = Repo::with_config(config)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &project);
    let json = repo.check_json();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 1, "{json}");
    let d = &json["diagnostics"][0];
    assert_eq!(d["message"], "Go-live slips 75 days to 2026-08-15");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(10), Some(53))
    );
}

const AUTHOR: (&str, &str) = ("Alice Martin", "alice@example.org");

fn commit(repo: &Repo, message: &str) {
    common::git(repo.path(), AUTHOR, &["add", "-A"]);
    common::git(repo.path(), AUTHOR, &["commit", "-qm", message]);
}

/// Bob and Apollo under `config`, committed: the base of a change.
fn committed(config: &str) -> Repo {
    let repo = Repo::with_config(config)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO);
    common::git(repo.path(), AUTHOR, &["init", "-q"]);
    commit(&repo, "base");
    repo
}

/// Under `--changed-since`, the base revision's policies judge the change: a pull
/// request that loosens a policy is still judged by it, and C006 shows the edit.
#[test]
fn the_base_revision_s_policies_judge_a_change() {
    let policy = |minimum: u32| {
        format!(
            "version: 1\nroles: [sponsor]\npolicies:\n  - code: ORG-001\n    name: titled\n    kinds: [project]\n    assert: size(doc.title) > {minimum}\n    message: \"project {{{{ doc.id }}}} has a short title\"\n"
        )
    };
    let repo = committed(&policy(3));
    let short = APOLLO.replace("title: Apollo", "title: Ap");
    let repo = repo
        .file("pmo.yaml", &policy(0))
        .file("projects/apollo/project.yaml", &short);
    let (code, json) = repo.report(&["check", "--changed-since", "HEAD"]);
    let codes: Vec<&str> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["C006", "ORG-001"], "{json:#}");
    assert_eq!(code, 1);
    // Merged, the loosened policy is the one that judges.
    assert_eq!(repo.findings(), []);
}

/// `pmo rules --test` judges each policy on its examples and fails on a disagreement.
#[test]
fn rules_test_judges_policies_on_their_examples() {
    let config = format!(
        "{SPONSOR}    examples:\n      - name: executive passes\n        expect: pass\n        documents:\n          - {{kind: project, id: big, title: Big, sponsor: eve, manager: eve, state: proposed, phase: initiation, baseline: {{budget: 2000000}}}}\n          - {{kind: person, id: eve, name: Eve, roles: [executive]}}\n      - name: a small project fails\n        expect: fail\n        documents:\n          - {{kind: project, id: small, title: Small, sponsor: eve, manager: eve, state: proposed, phase: initiation, baseline: {{budget: 10}}}}\n      - name: a broken document\n        expect: pass\n        documents:\n          - {{kind: project, id: x}}\n"
    );
    let repo = Repo::with_config(&config);
    let out = repo.pmo(&["rules", "--test"]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "ok    ORG-001  executive passes");
    assert_eq!(
        lines[1],
        "FAIL  ORG-001  a small project fails: expected a finding, got none"
    );
    assert!(
        lines[2].starts_with("FAIL  ORG-001  a broken document: examples/0.yaml: S001"),
        "{stdout}"
    );
    assert_eq!(lines[3], "3 examples: 1 passed, 2 failed");
    // The bundled example's policies agree with their examples.
    let acme = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme");
    let mut cmd = assert_cmd::Command::cargo_bin("pmo").unwrap();
    cmd.args(["-C", acme, "--today", "2026-11-20", "rules", "--test"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 examples: 2 passed, 0 failed"));
}

/// `figures` holds pmo's own computed figures, defined as everywhere else.
#[test]
fn figures_are_pmo_s_computed_figures() {
    let config = r#"version: 1
roles: [sponsor]
policies:
  - {code: ORG-010, name: project, kinds: [project], assert: "false", message: "rag {{ figures.rag }}, overrun {{ figures.cost_overrun_pct }}%, fte {{ figures.fte }}"}
  - {code: ORG-011, name: person, kinds: [person], assert: "false", message: "booked {{ figures.fte }}"}
  - {code: ORG-012, name: risk, kinds: [risk], assert: "false", message: "score {{ figures.score }}, exposure {{ figures.exposure }}"}
  - {code: ORG-013, name: change, kinds: [change], assert: "false", message: "level {{ figures.level }}, {{ related.risks }} risks, {{ related.changes }} change"}
"#;
    let project = format!(
        "{APOLLO}baseline: {{start: 2026-01-05, finish: 2026-12-18, budget: 100000}}\nforecast: {{cost: 120000}}\nallocations:\n  - {{person: bob, fte: 0.5, from: 2026-01-01, to: 2026-12-31}}\n  - {{person: bob, fte: 0.25, from: 2027-01-01, to: 2027-06-30}}\n"
    );
    let repo = Repo::with_config(config)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &project)
        .file(
            "projects/apollo/risks/r.yaml",
            "kind: risk\nid: r\nproject: apollo\ntitle: R\nowner: bob\nprobability: 4\nimpact: 5\nstatus: open\ncost_impact: 10000\n",
        )
        .file(
            "projects/apollo/changes/c.yaml",
            "kind: change\nid: c\nproject: apollo\ntitle: C\nrequested_by: bob\nraised: 2026-11-01\nstatus: draft\n",
        );
    let json = repo.check_json();
    let messages: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("ORG"))
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        messages,
        [
            ("ORG-011", "booked 0.5"),
            ("ORG-013", "level 1, 1 risks, 1 change"),
            ("ORG-010", "rag red, overrun 20%, fte 0.5"),
            ("ORG-012", "score 20, exposure 7000"),
        ],
        "{json:#}"
    );
}

#[test]
fn an_unknown_field_names_the_kind_and_each_must_be_a_list() {
    let config = "version: 1\npolicies:\n  - code: ORG-001\n    name: x\n    kinds: [risk]\n    message: m\n    assert: doc.ownr != ''\n";
    Repo::with_config(config)
        .pmo(&["check"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("a risk has no field `ownr`"));
    let config = "version: 1\npolicies:\n  - code: ORG-001\n    name: x\n    kinds: [risk]\n    each: title\n    message: m\n    assert: 'true'\n";
    Repo::with_config(config)
        .pmo(&["check"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("`title` of a risk is not a list"));
}

/// A policy's words are pmo.yaml's text: escaped wherever they are printed.
#[test]
fn a_policy_s_words_cannot_forge_output() {
    let config = "version: 1\npolicies:\n  - code: ORG-001\n    name: \"x\\e[31m\"\n    kinds: [risk]\n    message: m\n    assert: 'true'\n    doc: \"::error::forged\\n[link](http://x) \\e[2J\"\n";
    let repo = Repo::with_config(config);
    let explained = repo.stdout(&["explain", "ORG-001"]);
    assert!(!explained.contains('\u{1b}'), "{explained:?}");
    assert!(
        !explained.lines().any(|l| l.starts_with("::")),
        "{explained}"
    );
    let rules = repo.stdout(&["rules"]);
    assert!(!rules.contains('\u{1b}'), "{rules:?}");
    let sarif = repo.pmo(&["check", "--format", "sarif"]).output().unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "ORG-001")
        .unwrap()
        .clone();
    let help = rule["help"]["markdown"].as_str().unwrap();
    assert!(
        help.contains("\\[link\\]") && !help.contains('\u{1b}'),
        "{help}"
    );
}

/// An expression too long or too deep to parse and evaluate safely is refused when
/// pmo.yaml is read, not a crash when it is evaluated.
#[test]
fn expressions_are_bounded_in_length_and_depth() {
    let policy = |assert: String| {
        format!(
            "version: 1\nroles: [sponsor]\npolicies:\n  - code: ORG-001\n    name: x\n    kinds: [project]\n    message: m\n    assert: \"{assert}\"\n"
        )
    };
    let chain = |n: usize| vec!["1"; n].join("+") + " > 0";
    let refused = |assert: String, says: &str| {
        Repo::with_config(&policy(assert))
            .file("projects/apollo/project.yaml", APOLLO)
            .pmo(&["check"])
            .assert()
            .code(2)
            .stdout(predicate::str::contains(says));
    };
    refused(chain(2000), "nests 2001 levels deep, over 256");
    refused(chain(50_000), "characters long, over 4096");
    let repo = Repo::with_config(&policy(chain(255)))
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO);
    assert_eq!(repo.findings(), []);
}

/// The change's own pmo.yaml is checked as it is, its policies' fields included, while
/// the base's judges; `diff --check` lists a policy's finding the change introduces.
#[test]
fn a_change_s_own_policies_are_checked_and_diff_check_lists_findings() {
    let policy = |field: &str| {
        format!(
            "version: 1\nroles: [sponsor]\npolicies:\n  - code: ORG-001\n    name: titled\n    kinds: [project]\n    assert: size(doc.{field}) > 3\n    message: short\n"
        )
    };
    let repo = committed(&policy("title"));
    let short = APOLLO.replace("title: Apollo", "title: Ap");
    let repo = repo
        .file("pmo.yaml", &policy("titel"))
        .file("projects/apollo/project.yaml", &short);
    let (_, json) = repo.report(&["check", "--changed-since", "HEAD"]);
    let found: Vec<(&str, &str)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["message"].as_str().unwrap()))
        .collect();
    assert!(found.contains(&("ORG-001", "short")), "{json:#}");
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == "S002" && m.contains("has no field `titel`")),
        "{json:#}"
    );
    commit(&repo, "change");
    let out = repo
        .pmo(&["diff", "HEAD~1", "HEAD", "--check", "--format", "json"])
        .output()
        .unwrap();
    let diff = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{diff}");
    let diff: serde_json::Value = serde_json::from_str(&diff).unwrap();
    let introduced = diff["diff"]["findings"]["introduced"].to_string();
    assert!(introduced.contains("\"ORG-001\""), "{diff:#}");
}

/// Document text a message interpolates, and a policy's words in `pmo rules --format
/// md`, cannot forge a line of a CI log or a Markdown structure.
#[test]
fn interpolated_and_configured_text_is_escaped() {
    let config = "version: 1\nroles: [sponsor]\npolicies:\n  - code: ORG-001\n    name: \"x | y\\n## forged\"\n    kinds: [project]\n    assert: 'false'\n    message: \"title {{ doc.title }}\"\n";
    let project = APOLLO.replace(
        "title: Apollo",
        "title: \"Apollo\\n::error file=x.yaml::forged\\e[31m\"",
    );
    let repo = Repo::with_config(config)
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", &project);
    let out = repo.pmo(&["check", "--format", "github"]).output().unwrap();
    let github = String::from_utf8(out.stdout).unwrap();
    assert_eq!(github.lines().count(), 1, "{github}");
    assert!(
        github.starts_with("::error file=projects/apollo/project.yaml"),
        "{github}"
    );
    assert!(!github.contains('\u{1b}'), "{github:?}");
    let human = repo.pmo(&["check", "-q"]).output().unwrap().stdout;
    let human = String::from_utf8(human).unwrap();
    assert_eq!(human.lines().count(), 1, "{human}");
    assert!(!human.lines().any(|l| l.starts_with("::")), "{human}");
    let md = repo.stdout(&["rules", "--format", "md"]);
    let row = md.lines().find(|l| l.contains("[ORG-001]")).unwrap();
    assert_eq!(row.matches(" | ").count(), 3, "{row}");
    assert!(!md.lines().any(|l| l == "## forged"), "{md}");
}
