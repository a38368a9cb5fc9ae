//! `pmo history` (removed documents, `--since`, `--limit`), `pmo baselines` and `pmo
//! blame` on real temporary repositories: commits by several authors at fixed dates (so
//! that commit ids, and the snapshots that show them, do not change from run to run). The
//! tests build history with the `git` command; pmo reads it with gix.

mod common;

use common::Repo;
use serde_json::Value;

const ALICE: (&str, &str) = ("Alice Martin", "alice@example.org");
const CAROL: (&str, &str) = ("Carol Nguyen", "carol@example.org");
const ERIN: (&str, &str) = ("Erin Walsh", "erin@example.org");

/// Commit the working tree as `author` on `day` at 10:00 UTC.
fn commit(repo: &Repo, author: (&str, &str), day: &str, message: &str) {
    common::commit_at(repo.path(), author, &format!("{day}T10:00:00Z"), message);
}

/// A repository with its first branch, `main`.
fn repo() -> Repo {
    let repo = Repo::new();
    common::git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    repo.file("people/bob.yaml", common::BOB).file(
        "people/carol.yaml",
        "kind: person\nid: carol\nname: Carol\nroles: [sponsor]\n",
    )
}

/// `pmo -C REPO ARGS`: the commands of this file take no date and no colour.
fn pmo(repo: &Repo, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("pmo").unwrap();
    cmd.arg("-C").arg(repo.path()).args(args);
    cmd
}

fn stdout(repo: &Repo, args: &[&str]) -> String {
    common::succeeds(&mut pmo(repo, args))
}

fn json(repo: &Repo, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&stdout(repo, &all)).unwrap()
}

/// `pmo ARGS` exits 2 and says `says` on stderr.
fn refuses(repo: &Repo, args: &[&str], says: &str) {
    pmo(repo, args)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(says));
}

/// The short id git gives `rev`, as pmo shows commits.
fn short(repo: &Repo, rev: &str) -> String {
    common::git(repo.path(), ALICE, &["rev-parse", "--short=12", rev])
        .trim()
        .to_owned()
}

fn risk(probability: u8) -> String {
    format!(
        "kind: risk\nid: apollo-vendor\nproject: apollo\ntitle: Vendor delay\nowner: bob\n\
         probability: {probability}\nimpact: 4\nstatus: open\nraised: 2026-11-01\n"
    )
}

const VENDOR: &str = "projects/apollo/risks/apollo-vendor.yaml";

/// A risk added by Alice (October 1st), raised by Erin (October 15th), removed by Carol
/// (November 2nd) with a commit message `summary`.
fn removed_risk(summary: &str) -> Repo {
    let repo = repo()
        .file("projects/apollo/project.yaml", common::APOLLO)
        .file(VENDOR, &risk(3));
    commit(&repo, ALICE, "2026-10-01", "Apollo and its vendor risk");
    let repo = repo.file(VENDOR, &risk(4));
    commit(&repo, ERIN, "2026-10-15", "Vendor risk up");
    std::fs::remove_file(repo.join(VENDOR)).unwrap();
    commit(&repo, CAROL, "2026-11-02", summary);
    repo
}

fn changes(v: &Value) -> Vec<(&str, &str)> {
    v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["change"].as_str().unwrap(), e["author"].as_str().unwrap()))
        .collect()
}

#[test]
fn the_history_of_a_removed_document_starts_with_its_removal() {
    let repo = removed_risk("Vendor risk closed out");
    let v = json(&repo, &["history", "apollo-vendor"]);
    assert_eq!(
        changes(&v),
        [
            ("removed", "Carol Nguyen"),
            ("modified", "Erin Walsh"),
            ("added", "Alice Martin")
        ],
        "{v:#}"
    );
    let removal = &v["history"][0];
    assert_eq!(removal["commit"], short(&repo, "HEAD"));
    assert_eq!(removal["file"], VENDOR);
    assert_eq!(removal["date"], "2026-11-02");
    assert_eq!(v["history"][1]["fields"][0]["field"], "probability");

    let text = stdout(&repo, &["history", "apollo-vendor"]);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("2026-11-02 {} Carol Nguyen", short(&repo, "HEAD"))),
        "{text}"
    );
    assert!(
        first.ends_with(&format!("(removed from {VENDOR})")),
        "{text}"
    );
    let md = stdout(&repo, &["history", "apollo-vendor", "--format", "md"]);
    assert!(md.starts_with("- **2026-11-02**"), "{md}");
    assert!(
        md.lines().next().unwrap().contains("(removed from "),
        "{md}"
    );

    // Before its removal, the document is where it was: no removal entry.
    let v = json(&repo, &["--rev", "HEAD~1", "history", "apollo-vendor"]);
    assert_eq!(changes(&v)[0], ("modified", "Erin Walsh"));
    // A document that never was, in any commit, is still an error.
    refuses(
        &repo,
        &["history", "apollo-vendr"],
        "no document `apollo-vendr`",
    );
}

#[test]
fn since_keeps_the_commits_of_a_day_and_after_in_utc_or_the_given_zone() {
    let repo = removed_risk("Vendor risk closed out");
    let authors = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["history", "apollo-vendor"];
        all.extend(args);
        changes(&json(&repo, &all))
            .into_iter()
            .map(|(_, a)| a.to_owned())
            .collect()
    };
    assert_eq!(
        authors(&["--since", "2026-10-15"]),
        ["Carol Nguyen", "Erin Walsh"]
    );
    assert_eq!(authors(&["--since", "2026-10-16"]), ["Carol Nguyen"]);
    assert_eq!(authors(&["--since", "2026-12-01"]), Vec::<String>::new());
    // Erin committed at 10:00 UTC: 11:00 in +01:00 is that instant, 11:01 is after it.
    assert_eq!(
        authors(&["--since", "2026-10-15T11:00+01:00"]),
        ["Carol Nguyen", "Erin Walsh"]
    );
    assert_eq!(
        authors(&["--since", "2026-10-15T11:01+01:00"]),
        ["Carol Nguyen"]
    );
    assert_eq!(authors(&["--limit", "2"]), ["Carol Nguyen", "Erin Walsh"]);
    assert_eq!(
        authors(&["--since", "2026-10-01", "--limit", "1"]),
        ["Carol Nguyen"]
    );
    // Nothing since: the text formats print nothing, as for any empty list.
    assert_eq!(
        stdout(
            &repo,
            &["history", "apollo-vendor", "--since", "2027-01-01"]
        ),
        ""
    );
    refuses(
        &repo,
        &["history", "apollo-vendor", "--since", "last week"],
        "YYYY-MM-DD",
    );
    refuses(
        &repo,
        &["history", "apollo-vendor", "--limit", "0"],
        "--limit",
    );
}

/// No line of `text` shows the raw hostile text's pieces.
fn inert(text: &str) {
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("# Heading")), "{text}");
    assert!(
        !text.lines().any(|l| l.trim_start().starts_with("::error")),
        "{text}"
    );
}

/// A commit summary (one line: git keeps a message's first line as its summary) that
/// would change the structure of each output: a workflow command, a table pipe, an ANSI
/// escape, a mention.
const HOSTILE_SUMMARY: &str = "::error::x | y \u{1b}[31mred\u{1b}[0m @everyone";

#[test]
fn a_hostile_summary_of_a_removal_stays_inert() {
    let repo = removed_risk(HOSTILE_SUMMARY);
    let table = stdout(&repo, &["history", "apollo-vendor"]);
    inert(&table);
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(table.contains("\\u{1b}[31mred"), "{table}");
    let md = stdout(&repo, &["history", "apollo-vendor", "--format", "md"]);
    inert(&md);
    assert!(md.contains("x \\| y"), "{md}");
    assert!(md.contains("@&#8203;everyone"), "{md}");
    let v = json(&repo, &["history", "apollo-vendor"]);
    assert_eq!(v["history"][0]["summary"], HOSTILE_SUMMARY);
}

/// Project `id` with a baseline, approved by carol on `approved_on` unless that is empty.
fn project(id: &str, finish: &str, budget: u32, approved_on: &str) -> String {
    let approval = if approved_on.is_empty() {
        String::new()
    } else {
        format!("  approved_by: carol\n  approved_on: {approved_on}\n")
    };
    format!(
        "kind: project\nid: {id}\ntitle: Apollo\nsponsor: carol\nmanager: bob\nstate: active\nphase: execution\n\
         baseline:\n  start: 2026-01-05\n  finish: {finish}\n  budget: {budget}\n{approval}"
    )
}

fn change_request(id: &str, project: &str, status: &str) -> String {
    format!(
        "kind: change\nid: {id}\nproject: {project}\ntitle: Replan\nrequested_by: bob\nraised: 2026-02-20\n\
         status: {status}\napprovals:\n  - {{by: carol, date: 2026-02-25, decision: approve}}\n"
    )
}

const PROJECT: &str = "projects/apollo/project.yaml";
const MOVED: &str = "projects/crm/project.yaml";

/// Apollo's plan: a draft (Alice), approved (Carol), moved with a change request (Erin),
/// moved to another file with a higher budget and no approved request (Erin), renamed
/// `apollo-crm` with a higher budget and its request approved (Alice), retitled (Carol).
fn replanned() -> Repo {
    let repo = repo().file(PROJECT, &project("apollo", "2026-12-18", 100_000, ""));
    commit(&repo, ALICE, "2026-01-02", "Apollo, draft plan");
    let repo = repo.file(
        PROJECT,
        &project("apollo", "2026-12-18", 100_000, "2026-01-10"),
    );
    commit(&repo, CAROL, "2026-01-10", "Apollo baseline approved");
    let repo = repo
        .file(
            PROJECT,
            &project("apollo", "2027-02-01", 100_000, "2026-01-10"),
        )
        .file(
            "projects/apollo/changes/cr-1.yaml",
            &change_request("cr-1", "apollo", "approved"),
        );
    commit(&repo, ERIN, "2026-03-01", "Replan Apollo through cr-1");
    std::fs::remove_file(repo.join(PROJECT)).unwrap();
    let repo = repo
        .file(
            MOVED,
            &project("apollo", "2027-02-01", 120_000, "2026-01-10"),
        )
        .file(
            "projects/apollo/changes/cr-2.yaml",
            &change_request("cr-2", "apollo", "submitted"),
        );
    commit(&repo, ERIN, "2026-04-01", "More budget for Apollo");
    let repo = repo
        .file(
            MOVED,
            &project("apollo-crm", "2027-02-01", 130_000, "2026-01-10"),
        )
        .file(
            "projects/apollo/changes/cr-2.yaml",
            &change_request("cr-2", "apollo", "approved"),
        );
    commit(
        &repo,
        ALICE,
        "2026-05-01",
        "Apollo is now apollo-crm, cr-2 approved",
    );
    let text = std::fs::read_to_string(repo.join(MOVED)).unwrap();
    let repo = repo.file(MOVED, &text.replace("title: Apollo", "title: Apollo CRM"));
    commit(&repo, CAROL, "2026-06-01", "Retitle");
    repo
}

#[test]
fn baselines_lists_each_change_of_the_approved_plan_with_its_change_request() {
    let repo = replanned();
    let v = json(&repo, &["baselines", "apollo-crm"]);
    let entries = v["baselines"].as_array().unwrap();
    let summary: Vec<(&str, &str, &str, Vec<&str>, bool)> = entries
        .iter()
        .map(|b| {
            (
                b["change"].as_str().unwrap(),
                b["author"].as_str().unwrap(),
                b["id"].as_str().unwrap(),
                b["change_requests"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap())
                    .collect(),
                b["without_change_request"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("changed", "Alice Martin", "apollo-crm", vec!["cr-2"], false),
            ("changed", "Erin Walsh", "apollo", vec![], true),
            ("changed", "Erin Walsh", "apollo", vec!["cr-1"], false),
            ("approved", "Carol Nguyen", "apollo", vec![], false),
        ],
        "{v:#}"
    );
    let moved = &entries[1];
    assert_eq!(moved["commit"], short(&repo, "HEAD~2"));
    assert_eq!(moved["date"], "2026-04-01");
    assert_eq!(moved["file"], MOVED);
    assert_eq!(moved["fields"][0]["field"], "baseline.budget");
    assert_eq!(moved["fields"][0]["old"], 100_000);
    assert_eq!(moved["fields"][0]["new"], 120_000);
    assert_eq!(moved["approved_by"], "carol");
    assert_eq!(moved["approved_on"], "2026-01-10");
    let approval: Vec<&str> = entries[3]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(approval, ["baseline.approved_by", "baseline.approved_on"]);

    let table = stdout(&repo, &["baselines", "apollo-crm"]);
    let expected = format!(
        "2026-04-01 {} Erin Walsh <erin@example.org>  More budget for Apollo  (baseline changed)\n    \
         baseline.budget: 100,000 → 120,000\n    approved by carol on 2026-01-10\n    \
         no change request approved in this commit (G005)\n",
        short(&repo, "HEAD~2")
    );
    assert!(table.contains(&expected), "{table}");
    assert!(table.contains("    change request: cr-1\n"), "{table}");
    let md = stdout(&repo, &["baselines", "apollo-crm", "--format", "md"]);
    assert!(
        md.contains("  - **no change request approved in this commit** (G005)\n"),
        "{md}"
    );
    assert!(md.contains("  - change request: `cr-2`\n"), "{md}");
    assert!(
        md.contains("  - `baseline.finish`: 2026-12-18 → 2027-02-01\n"),
        "{md}"
    );

    // At an older revision, the project under its id there.
    let v = json(&repo, &["--rev", "HEAD~3", "baselines", "apollo"]);
    assert_eq!(v["baselines"].as_array().unwrap().len(), 2, "{v:#}");
    // At the draft, nothing was approved yet.
    let v = json(&repo, &["--rev", "HEAD~5", "baselines", "apollo"]);
    assert_eq!(v["baselines"], serde_json::json!([]));
    assert_eq!(
        stdout(&repo, &["--rev", "HEAD~5", "baselines", "apollo"]),
        "The baseline of apollo was never approved.\n"
    );
}

#[test]
fn a_flagged_baseline_change_is_exactly_what_g005_finds_in_its_commit() {
    let repo = replanned();
    let v = json(&repo, &["baselines", "apollo-crm"]);
    let flagged: Vec<&str> = v["baselines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["without_change_request"] == true)
        .map(|b| b["commit"].as_str().unwrap())
        .collect();
    let mut g005 = Vec::new();
    for n in 0..5 {
        let (parent, child) = (format!("HEAD~{}", n + 1), format!("HEAD~{n}"));
        let out = pmo(
            &repo,
            &[
                "--today",
                "2026-11-20",
                "diff",
                &parent,
                &child,
                "--check",
                "--format",
                "json",
            ],
        )
        .output()
        .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let found = v["diff"]["findings"]["introduced"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "G005");
        if found {
            g005.push(short(&repo, &child));
        }
    }
    assert_eq!(flagged, g005);
    assert_eq!(flagged, [short(&repo, "HEAD~2")]);
}

#[test]
fn baselines_of_a_project_the_revision_does_not_have_is_an_error_with_a_hint() {
    let repo = replanned();
    refuses(
        &repo,
        &["baselines", "apolo-crm"],
        "no project `apolo-crm` at ",
    );
    refuses(
        &repo,
        &["baselines", "apolo-crm"],
        "did you mean `apollo-crm`?",
    );
    refuses(
        &repo,
        &["baselines", "cr-1"],
        "`cr-1` is a change, not a project",
    );
    refuses(
        &repo,
        &["baselines", "apollo-crm", "--today", "2026-11-20"],
        "uses no date",
    );
}

#[test]
fn hostile_text_in_a_baseline_stays_inert() {
    let repo = repo().file(
        PROJECT,
        &project("apollo", "2026-12-18", 100_000, "2026-01-10"),
    );
    commit(&repo, ALICE, "2026-01-10", "Apollo approved");
    let text = std::fs::read_to_string(repo.join(PROJECT))
        .unwrap()
        .replace(
            "approved_by: carol",
            "approved_by: \"x | y\\n# Heading \\e[31mred\\e[0m\\n::error::fake @everyone\"",
        );
    let repo = repo.file(PROJECT, &text.replace("2026-12-18", "2027-01-31"));
    commit(&repo, ERIN, "2026-02-01", HOSTILE_SUMMARY);
    let table = stdout(&repo, &["baselines", "apollo"]);
    inert(&table);
    // A line per header, field, approval and request: 5 for the change, 7 for the approval.
    assert_eq!(table.lines().count(), 5 + 7, "{table}");
    let md = stdout(&repo, &["baselines", "apollo", "--format", "md"]);
    inert(&md);
    assert!(md.contains("approved by x \\| y<br>"), "{md}");
    let v = json(&repo, &["baselines", "apollo"]);
    assert_eq!(v["baselines"][0]["summary"], HOSTILE_SUMMARY);
    assert_eq!(
        v["baselines"][0]["approved_by"],
        "x | y\n# Heading \u{1b}[31mred\u{1b}[0m\n::error::fake @everyone"
    );
}

/// `(field, author)` of every row of `pmo blame ARGS --format json`; `None` for a value
/// not committed yet.
fn blamed(repo: &Repo, args: &[&str]) -> Vec<(String, Option<String>)> {
    let mut all = vec!["blame"];
    all.extend(args);
    json(repo, &all)["blame"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["author"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn row<'a>(rows: &'a [(String, Option<String>)], field: &str) -> Option<&'a str> {
    rows.iter()
        .find(|(f, _)| f == field)
        .unwrap_or_else(|| panic!("no {field} in {rows:?}"))
        .1
        .as_deref()
}

#[test]
fn blame_names_who_last_set_each_field_across_moves_and_id_changes() {
    let repo = replanned();
    let rows = blamed(&repo, &["apollo-crm"]);
    assert_eq!(row(&rows, "id"), Some("Alice Martin"));
    assert_eq!(row(&rows, "title"), Some("Carol Nguyen"));
    assert_eq!(row(&rows, "baseline.budget"), Some("Alice Martin"));
    assert_eq!(row(&rows, "baseline.finish"), Some("Erin Walsh"));
    assert_eq!(row(&rows, "baseline.approved_on"), Some("Carol Nguyen"));
    assert_eq!(row(&rows, "baseline.start"), Some("Alice Martin"));
    let v = json(&repo, &["blame", "apollo-crm", "baseline.finish"]);
    let finish = &v["blame"]["fields"][0];
    assert_eq!(finish["commit"], short(&repo, "HEAD~3"));
    assert_eq!(finish["date"], "2026-03-01");
    assert_eq!(finish["email"], "erin@example.org");
    assert_eq!(finish["summary"], "Replan Apollo through cr-1");
    assert_eq!(finish["value"], "2027-02-01");
    assert_eq!(v["blame"]["file"], MOVED);
    assert_eq!(v["blame"]["worktree"], "same");

    // FIELD: that field and what is under it.
    let fields: Vec<String> = blamed(&repo, &["apollo-crm", "baseline"])
        .into_iter()
        .map(|(f, _)| f)
        .collect();
    assert_eq!(
        fields,
        [
            "baseline.start",
            "baseline.finish",
            "baseline.budget",
            "baseline.approved_by",
            "baseline.approved_on"
        ]
    );
    refuses(
        &repo,
        &["blame", "apollo-crm", "basline"],
        "`apollo-crm` has no field `basline`; did you mean `baseline`?",
    );
    refuses(
        &repo,
        &["blame", "apolo-crm"],
        "no document `apolo-crm` at ",
    );
    refuses(&repo, &["blame", "apolo-crm"], "did you mean `apollo-crm`?");
    // At an older revision, under the id it had there.
    let rows = blamed(&repo, &["apollo", "--rev", "HEAD~2"]);
    assert_eq!(row(&rows, "baseline.budget"), Some("Erin Walsh"));
}

#[test]
fn blame_stops_at_the_commit_that_set_the_oldest_field_asked_for() {
    let repo = replanned();
    // Lose the commit that moved the finish date: a walk that reached it would fail.
    let lost = common::git(repo.path(), ALICE, &["rev-parse", "HEAD~3"]);
    let lost = lost.trim();
    std::fs::remove_file(repo.join(&format!(".git/objects/{}/{}", &lost[..2], &lost[2..])))
        .unwrap();
    let rows = blamed(&repo, &["apollo-crm", "title"]);
    assert_eq!(
        rows,
        [("title".to_owned(), Some("Carol Nguyen".to_owned()))]
    );
    let rows = blamed(&repo, &["apollo-crm", "baseline.budget"]);
    assert_eq!(row(&rows, "baseline.budget"), Some("Alice Martin"));
    pmo(&repo, &["blame", "apollo-crm", "baseline.finish"])
        .assert()
        .code(2);
}

#[test]
fn list_elements_keep_their_names_and_uncommitted_values_are_said_so() {
    let milestone = |name: &str, date: &str| format!("  - {{name: {name}, baseline: {date}}}\n");
    let base = project("apollo", "2026-12-18", 100_000, "2026-01-10");
    let repo = repo().file(
        PROJECT,
        &format!("{base}milestones:\n{}", milestone("Go-live", "2026-11-30")),
    );
    commit(&repo, ALICE, "2026-01-10", "Apollo with its go-live");
    // Erin inserts a milestone before it: the go-live's fields are still Alice's.
    let repo = repo.file(
        PROJECT,
        &format!(
            "{base}milestones:\n{}{}",
            milestone("Design", "2026-03-01"),
            milestone("Go-live", "2026-11-30")
        ),
    );
    commit(&repo, ERIN, "2026-02-01", "Design milestone");
    let rows = blamed(&repo, &["apollo", "milestones"]);
    assert_eq!(
        rows.iter()
            .map(|(f, a)| (f.as_str(), a.as_deref()))
            .collect::<Vec<_>>(),
        [
            ("milestones[Design].name", Some("Erin Walsh")),
            ("milestones[Design].baseline", Some("Erin Walsh")),
            ("milestones[Go-live].name", Some("Alice Martin")),
            ("milestones[Go-live].baseline", Some("Alice Martin")),
        ]
    );

    // A change in the working tree is nobody's commit yet.
    let text = std::fs::read_to_string(repo.join(PROJECT)).unwrap();
    let repo = repo.file(PROJECT, &text.replace("2026-11-30", "2026-12-15"));
    let v = json(&repo, &["blame", "apollo", "milestones[Go-live]"]);
    assert_eq!(v["blame"]["worktree"], "uncommitted");
    let go_live = &v["blame"]["fields"][1];
    assert_eq!(go_live["field"], "milestones[Go-live].baseline");
    assert_eq!(go_live["value"], "2026-12-15");
    assert_eq!(go_live["commit"], Value::Null);
    assert_eq!(v["blame"]["fields"][0]["author"], "Alice Martin");
    let table = stdout(&repo, &["blame", "apollo", "milestones[Go-live]"]);
    assert!(table.contains("not committed yet"), "{table}");
    // A revision is what it committed.
    let rows = blamed(&repo, &["apollo", "milestones[Go-live]", "--rev", "HEAD"]);
    assert_eq!(
        row(&rows, "milestones[Go-live].baseline"),
        Some("Alice Martin")
    );
    // A working tree that no longer holds the document: the committed version, said so.
    std::fs::remove_file(repo.join(PROJECT)).unwrap();
    pmo(&repo, &["blame", "apollo", "title"])
        .assert()
        .success()
        .stderr(predicates::str::contains("blaming the committed version"));
}

#[test]
fn hostile_text_in_a_blamed_value_or_summary_stays_inert() {
    let repo = repo().file(
        PROJECT,
        &project("apollo", "2026-12-18", 100_000, "2026-01-10"),
    );
    commit(&repo, ALICE, "2026-01-10", "Apollo approved");
    let text = std::fs::read_to_string(repo.join(PROJECT))
        .unwrap()
        .replace(
            "title: Apollo",
            "title: \"x | y\\n# Heading \\e[31mred\\e[0m\\n::error::fake @everyone\"",
        );
    let repo = repo.file(PROJECT, &text);
    commit(&repo, ERIN, "2026-02-01", HOSTILE_SUMMARY);
    for format in ["table", "md"] {
        let out = stdout(&repo, &["blame", "apollo", "--format", format]);
        inert(&out);
        insta::assert_snapshot!(format!("blame_hostile_{format}"), out);
    }
    let md = stdout(&repo, &["blame", "apollo", "--format", "md"]);
    // A header, its rule, and one line per field.
    assert_eq!(md.lines().count(), 2 + 12, "{md}");
    assert!(md.contains("x \\| y<br>"), "{md}");
    let v = json(&repo, &["blame", "apollo", "title"]);
    assert_eq!(
        v["blame"]["fields"][0]["value"],
        "x | y\n# Heading \u{1b}[31mred\u{1b}[0m\n::error::fake @everyone"
    );
    assert_eq!(v["blame"]["fields"][0]["summary"], HOSTILE_SUMMARY);
}

#[test]
fn a_removal_is_found_below_a_governance_root_in_a_subdirectory() {
    let repo = Repo::new()
        .file("gov/pmo.yaml", common::CONFIG)
        .file("gov/people/bob.yaml", common::BOB)
        .file("gov/projects/apollo/project.yaml", common::APOLLO)
        .file("gov/projects/apollo/risks/vendor.yaml", &risk(3));
    common::git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    commit(&repo, ALICE, "2026-10-01", "Governance in gov/");
    std::fs::remove_file(repo.join("gov/projects/apollo/risks/vendor.yaml")).unwrap();
    commit(&repo, CAROL, "2026-10-02", "Risk gone");
    // Later commits outside the governance root, and inside it but elsewhere.
    let repo = repo.file("README.md", "# Portfolio\n");
    commit(&repo, ERIN, "2026-10-03", "Readme");
    let repo = repo.file(
        "gov/people/carol.yaml",
        "kind: person\nid: carol\nname: Carol\n",
    );
    commit(&repo, ERIN, "2026-10-04", "Carol");
    let out = common::succeeds(
        assert_cmd::Command::cargo_bin("pmo")
            .unwrap()
            .arg("-C")
            .arg(repo.join("gov"))
            .args(["history", "apollo-vendor", "--format", "json"]),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        changes(&v),
        [("removed", "Carol Nguyen"), ("added", "Alice Martin")],
        "{v:#}"
    );
    assert_eq!(v["history"][0]["file"], "projects/apollo/risks/vendor.yaml");
}

#[test]
fn a_project_whose_file_does_not_parse_at_the_head_keeps_its_baselines() {
    let repo = replanned();
    let text = std::fs::read_to_string(repo.join(MOVED)).unwrap();
    let repo = repo.file(MOVED, &format!("{text}  broken: [\n"));
    commit(&repo, ERIN, "2026-07-01", "Broken YAML");
    let v = json(&repo, &["baselines", "apollo-crm"]);
    assert_eq!(v["baselines"].as_array().unwrap().len(), 4, "{v:#}");
    refuses(
        &repo,
        &["blame", "apollo-crm"],
        &format!("`apollo-crm` is in {MOVED}, which is not readable as YAML at "),
    );
    let rows = blamed(&repo, &["apollo-crm", "title", "--rev", "HEAD~1"]);
    assert_eq!(row(&rows, "title"), Some("Carol Nguyen"));
}

#[test]
fn an_empty_id_is_refused_not_a_crash() {
    let repo = removed_risk("Vendor risk closed out");
    for command in ["history", "baselines", "blame"] {
        refuses(&repo, &[command, ""], "the document's id is empty");
    }
}

#[test]
fn a_file_broken_then_removed_shows_both_the_removal_and_the_break() {
    let repo = repo()
        .file("projects/apollo/project.yaml", common::APOLLO)
        .file(VENDOR, &risk(3));
    commit(&repo, ALICE, "2026-10-01", "Apollo and its vendor risk");
    let repo = repo.file(VENDOR, &format!("{}broken: [\n", risk(4)));
    commit(&repo, ("Xavier", "x@example.org"), "2026-10-02", "Break it");
    std::fs::remove_file(repo.join(VENDOR)).unwrap();
    commit(&repo, CAROL, "2026-10-03", "Remove it");
    let v = json(&repo, &["history", "apollo-vendor"]);
    assert_eq!(
        changes(&v),
        [
            ("removed", "Carol Nguyen"),
            ("unreadable", "Xavier"),
            ("added", "Alice Martin")
        ],
        "{v:#}"
    );
    let text = stdout(&repo, &["history", "apollo-vendor"]);
    assert!(
        text.contains(&format!("(made {VENDOR} unreadable as YAML)")),
        "{text}"
    );
}
