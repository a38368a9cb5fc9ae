//! Git features on real temporary repositories with several commits and authors. The
//! tests use the `git` command to build history; pmo itself reads it with gix.

mod common;

use assert_cmd::Command;
use common::{BOB, Repo, git};
use predicates::prelude::*;
use serde_json::Value;

const ALICE: (&str, &str) = ("Alice Martin", "alice@example.org");
const CAROL: (&str, &str) = ("Carol Nguyen", "carol@example.org");
const ERIN: (&str, &str) = ("Erin Walsh", "erin@example.org");

fn commit(repo: &Repo, author: (&str, &str), message: &str) {
    git(repo.path(), author, &["add", "-A"]);
    git(repo.path(), author, &["commit", "-qm", message]);
}

const PEOPLE: [(&str, &str); 2] = [
    (
        "people/carol.yaml",
        "kind: person\nid: carol\nname: Carol\nemail: carol@example.org\nroles: [sponsor]\n",
    ),
    ("people/bob.yaml", BOB),
];

fn project(finish: &str, approved: bool) -> String {
    format!(
        "kind: project\nid: apollo\ntitle: Apollo\nsponsor: carol\nmanager: bob\nstate: proposed\nphase: initiation\n\
         baseline:\n  start: 2026-01-05\n  finish: {finish}\n  budget: 100000\n{}",
        if approved {
            "  approved_by: carol\n  approved_on: 2026-01-02\n"
        } else {
            ""
        }
    )
}

fn risk(probability: u8) -> String {
    format!(
        "kind: risk\nid: apollo-vendor\nproject: apollo\ntitle: Vendor delay\nowner: bob\n\
         probability: {probability}\nimpact: 4\nstatus: open\nraised: 2026-11-01\ncost_impact: 10000\n"
    )
}

/// A repository with three commits: the portfolio (Alice), a replanned risk moved to
/// another file (Erin), and a baseline change (Erin).
fn history_repo() -> Repo {
    let repo = Repo::new();
    git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    let mut repo = repo
        .file("projects/apollo/project.yaml", &project("2026-12-18", true))
        .file("projects/apollo/risks/vendor.yaml", &risk(3));
    for (path, text) in PEOPLE {
        repo = repo.file(path, text);
    }
    commit(&repo, ALICE, "Apollo portfolio");
    std::fs::remove_file(repo.join("projects/apollo/risks/vendor.yaml")).unwrap();
    let repo = repo.file("projects/apollo/risks/apollo-vendor.yaml", &risk(4));
    commit(&repo, ERIN, "Vendor risk up, file renamed");
    let repo = repo.file("projects/apollo/project.yaml", &project("2027-02-01", true));
    commit(&repo, ERIN, "Replan Apollo");
    repo
}

/// The JSON a command prints; `check` may exit 1 (findings).
fn json(repo: &Repo, args: &[&str]) -> Value {
    let out = repo.pmo(args).output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn rev_reads_an_older_revision_without_a_checkout() {
    let repo = history_repo();
    let now = json(&repo, &["ls", "risks", "--format", "json"]);
    let then = json(
        &repo,
        &["--rev", "HEAD~2", "ls", "risks", "--format", "json"],
    );
    assert_eq!(now["rows"][0]["probability"], 4);
    assert_eq!(then["rows"][0]["probability"], 3);
    // The working tree is untouched.
    assert!(
        repo.join("projects/apollo/risks/apollo-vendor.yaml")
            .exists()
    );
    repo.refuses(
        &["--rev", "nosuch", "check"],
        "revision `nosuch` names no branch, tag or commit",
    );

    // A revision's misnamed schema overlay is refused as in the working tree.
    let repo = repo.file("schema/risks.schema.json", "{}");
    commit(&repo, ALICE, "Misnamed overlay");
    std::fs::remove_file(repo.join("schema/risks.schema.json")).unwrap();
    repo.refuses(&["--rev", "HEAD", "check"], "schema/risks.schema.json");
    // The working tree no longer has it: checked as usual (its findings exit 1).
    repo.pmo(&["check"]).assert().code(1);
}

/// A bare clone of `repo` (no working tree), in a folder kept while the first value lives.
fn bare_clone(repo: &Repo) -> (tempfile::TempDir, std::path::PathBuf) {
    let bare = tempfile::tempdir().unwrap();
    let target = bare.path().join("portfolio.git");
    git(
        repo.path(),
        ALICE,
        &["clone", "-q", "--bare", ".", target.to_str().unwrap()],
    );
    (bare, target)
}

#[test]
fn rev_works_in_a_bare_repository() {
    let (_bare, target) = bare_clone(&history_repo());
    let out = common::succeeds(
        Command::cargo_bin("pmo")
            .unwrap()
            .args(["-C", target.to_str().unwrap(), "--today", "2026-11-20"])
            .args(["--rev", "HEAD~2", "ls", "risks", "--format", "json"]),
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"][0]["probability"], 3);
}

#[test]
fn diff_reads_changes_in_governance_terms() {
    let repo = history_repo();
    let v = json(&repo, &["diff", "HEAD~2", "HEAD", "--format", "json"]);
    let docs = v["diff"]["documents"].as_array().unwrap();
    let by_id = |id: &str| docs.iter().find(|d| d["id"] == id).unwrap();
    let risk = by_id("apollo-vendor");
    assert_eq!(risk["change"], "renamed");
    assert_eq!(risk["old_file"], "projects/apollo/risks/vendor.yaml");
    assert_eq!(risk["notes"][0], "risk score 12 → 16");
    let project = by_id("apollo");
    assert_eq!(project["change"], "modified");
    assert!(
        project["notes"]
            .to_string()
            .contains("baseline finish moved by +45 days"),
        "{project}"
    );
    assert_eq!(project["fields"][0]["field"], "baseline.finish");
    // Exposure: probability 3 (50 %) to 4 (70 %) of 10,000: +2,000.
    assert_eq!(v["diff"]["deltas"]["exposure"][""], 2000.0);

    let md = repo
        .pmo(&["diff", "HEAD~1", "HEAD", "--format", "md"])
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.starts_with("### Portfolio change\n\n1 document: 1 changed."),
        "{md}"
    );
    assert!(md.contains("<details>"), "{md}");
}

#[test]
fn diff_against_the_working_tree_and_the_default_base() {
    let repo = history_repo();
    let repo = repo.file("projects/apollo/risks/apollo-vendor.yaml", &risk(5));
    let v = json(&repo, &["diff", "--format", "json"]);
    assert_eq!(v["diff"]["head"], "working tree");
    let docs = v["diff"]["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0]["notes"][0], "risk score 16 → 20");
}

#[test]
fn history_follows_a_document_across_renames() {
    let repo = history_repo();
    let v = json(&repo, &["history", "apollo-vendor", "--format", "json"]);
    let events = v["history"].as_array().unwrap();
    assert_eq!(events.len(), 2, "{v:#}");
    assert_eq!(events[0]["change"], "renamed");
    assert_eq!(events[0]["author"], "Erin Walsh");
    assert_eq!(events[0]["fields"][0]["field"], "probability");
    assert_eq!(events[1]["change"], "added");
    assert_eq!(events[1]["email"], "alice@example.org");
    assert_eq!(events[1]["file"], "projects/apollo/risks/vendor.yaml");
    repo.refuses(&["history", "nosuch"], "no document `nosuch`");
}

#[test]
fn changed_since_reports_only_what_changed_and_checks_the_baseline() {
    let repo = history_repo();
    // Old debt: a dangling owner in a file the pull request does not touch.
    let repo = repo.file(
        "projects/apollo/risks/old.yaml",
        "kind: risk\nid: old\nproject: apollo\ntitle: Old\nowner: nobody\nprobability: 1\nimpact: 1\nstatus: open\nraised: 2026-11-01\n",
    );
    commit(&repo, ALICE, "Old debt");
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let base = base.trim();
    // The pull request: the baseline moves again, without a change request.
    let repo = repo.file("projects/apollo/project.yaml", &project("2027-03-01", true));
    let v = changed_since(&repo, base);
    let codes: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["G005"], "{v:#}");
    assert_eq!(v["diagnostics"][0]["line"], 8);
    // The whole check still sees the old debt.
    let all = json(&repo, &["check", "--format", "json"]);
    assert!(all["diagnostics"].to_string().contains("R002"));

    // With an approved change request in the same pull request, the baseline may move.
    let repo = repo.file(
        "projects/apollo/changes/replan.yaml",
        "kind: change\nid: apollo-replan\nproject: apollo\ntitle: Replan\nrequested_by: bob\nraised: 2026-11-10\nstatus: approved\napprovals:\n  - {by: carol, date: 2026-11-12, decision: approve}\n",
    );
    let v = changed_since(&repo, base);
    assert!(!v["diagnostics"].to_string().contains("G005"), "{v:#}");
}

/// Carol approves in the forge's review (GitHub or GitLab) what Erin recorded for her:
/// that proves the approval, where her handle is the base's and the review is on the head.
#[test]
fn a_forge_review_by_the_approver_proves_an_approval() {
    let repo = history_repo().file(
        "people/carol.yaml",
        "kind: person\nid: carol\nname: Carol\nemail: carol@example.org\ngithub: Carol-N\ngitlab: carol.n\nroles: [sponsor]\n",
    );
    std::fs::write(
        repo.join("people/dave.yaml"),
        "kind: person\nid: dave\nname: Dave\ngithub: dave-d\n",
    )
    .unwrap();
    // Change requests need a sponsor's approval.
    std::fs::write(
        repo.join("pmo.yaml"),
        format!(
            "{}change_control:\n  levels:\n    - {{approvers: 1, role: sponsor}}\n",
            common::CONFIG
        ),
    )
    .unwrap();
    commit(&repo, ALICE, "Carol's handles, and Dave");
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let cr = "kind: change\nid: apollo-cr\nproject: apollo\ntitle: CR\nrequested_by: bob\nraised: 2026-11-10\nstatus: approved\napprovals:\n  - {by: carol, date: 2026-11-12, decision: approve}\n";
    let repo = repo.file("projects/apollo/changes/cr.yaml", cr);
    commit(&repo, ERIN, "Carol approved (in the review)");
    let head = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let c005 = |approvals: Option<String>| {
        let mut args = vec!["check", "--changed-since", base.trim(), "--format", "json"];
        if let Some(text) = &approvals {
            std::fs::write(repo.join("approvals.json"), text).unwrap();
            args.extend(["--approvals", "approvals.json"]);
        }
        let v = json(&repo, &args);
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "C005")
            .count()
    };
    let review = |login: &str, commit: &str| {
        format!(
            r#"[{{"user": {{"login": "{login}"}}, "state": "APPROVED", "commit_id": "{commit}"}}]"#
        )
    };
    assert_eq!(c005(None), 1);
    assert_eq!(c005(Some(review("carol-n", head.trim()))), 0);
    // A review of an older commit, or by someone else, proves nothing.
    assert_eq!(c005(Some(review("carol-n", base.trim()))), 1);
    assert_eq!(c005(Some(review("erin", head.trim()))), 1);
    // GitLab's approvals of the merge request.
    let gitlab = r#"{"approved_by": [{"user": {"username": "carol.n"}}]}"#;
    assert_eq!(c005(Some(gitlab.into())), 0);
    // A handle given in the change itself is not the base's: no proof.
    std::fs::write(
        repo.join("people/carol.yaml"),
        "kind: person\nid: carol\nname: Carol\nemail: carol@example.org\ngithub: erin\nroles: [sponsor]\n",
    )
    .unwrap();
    commit(&repo, ERIN, "Carol's handle");
    let head = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    assert_eq!(c005(Some(review("erin", head.trim()))), 1);
    repo.refuses(
        &[
            "check",
            "--changed-since",
            base.trim(),
            "--approvals",
            "nowhere.json",
        ],
        "nowhere.json",
    );
    std::fs::write(repo.join("approvals.json"), "{}").unwrap();
    repo.refuses(
        &[
            "check",
            "--changed-since",
            base.trim(),
            "--approvals",
            "approvals.json",
        ],
        "neither GitHub's list of reviews",
    );

    // A change request approved in the review only, with no approval recorded: Carol
    // (a sponsor) counts for its level (C001).
    git(repo.path(), ALICE, &["reset", "-q", "--hard", "HEAD~1"]);
    let bare = cr.replace(
        "approvals:\n  - {by: carol, date: 2026-11-12, decision: approve}\n",
        "impact: {cost: 50000}\n",
    );
    std::fs::write(repo.join("projects/apollo/changes/cr.yaml"), bare).unwrap();
    commit(&repo, ERIN, "CR approved in the review");
    let head = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let c001 = |approvals: &str| {
        std::fs::write(repo.join("approvals.json"), approvals).unwrap();
        let args = [
            "check",
            "--changed-since",
            base.trim(),
            "--approvals",
            "approvals.json",
            "--format",
            "json",
        ];
        let v = json(&repo, &args);
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "C001")
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let none = c001("[]");
    assert_eq!(none.len(), 1, "{none:?}");
    assert_eq!(c001(&review("carol-n", head.trim())), Vec::<String>::new());
    // Dave, who holds no role, does not count.
    assert_eq!(c001(&review("dave-d", head.trim())).len(), 1);
}

#[test]
fn a_forge_review_of_the_change_request_covers_a_new_baseline() {
    // Apollo's change request, approved before the range.
    let cr = "kind: change\nid: apollo-cr\nproject: apollo\ntitle: CR\nrequested_by: bob\nraised: 2026-11-10\nstatus: approved\napprovals:\n  - {by: carol, date: 2026-11-12, decision: approve}\n";
    let repo = history_repo()
        .file(
            "people/carol.yaml",
            "kind: person\nid: carol\nname: Carol\nemail: carol@example.org\ngithub: carol-n\nroles: [sponsor]\n",
        )
        .file("projects/apollo/changes/cr.yaml", cr);
    commit(&repo, ALICE, "Apollo's CR, approved");
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    // The range replans Apollo and extends the change request, with no approval recorded.
    let repo = repo
        .file("projects/apollo/project.yaml", &project("2027-04-01", true))
        .file(
            "projects/apollo/changes/cr.yaml",
            &format!("{cr}description: and a later finish\n"),
        );
    commit(&repo, ERIN, "Replan Apollo again, under its CR");
    let head = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let g005 = |approvals: &str| {
        std::fs::write(repo.join("approvals.json"), approvals).unwrap();
        let args = [
            "check",
            "--changed-since",
            base.trim(),
            "--approvals",
            "approvals.json",
            "--format",
            "json",
        ];
        let v = json(&repo, &args);
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "G005")
            .count()
    };
    let review = |commit: &str| {
        format!(
            r#"[{{"user": {{"login": "carol-n"}}, "state": "APPROVED", "commit_id": "{commit}"}}]"#
        )
    };
    assert_eq!(g005("[]"), 1);
    assert_eq!(g005(&review(head.trim())), 0);
    // Approving an older commit approves nothing of the head.
    assert_eq!(g005(&review(base.trim())), 1);
}

#[test]
fn approvals_are_traced_to_their_commit() {
    let repo = history_repo();
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let change = |approved: bool| {
        format!(
            "kind: change\nid: apollo-cr\nproject: apollo\ntitle: CR\nrequested_by: bob\nraised: 2026-11-10\nstatus: {}\n{}",
            if approved { "approved" } else { "submitted" },
            if approved {
                "approvals:\n  - {by: carol, date: 2026-11-12, decision: approve}\n"
            } else {
                ""
            }
        )
    };
    let repo = repo.file("projects/apollo/changes/cr.yaml", &change(false));
    commit(&repo, ALICE, "Raise CR");
    // Erin types Carol's approval.
    let repo = repo.file("projects/apollo/changes/cr.yaml", &change(true));
    commit(&repo, ERIN, "Carol approved (by mail)");
    let v = changed_since(&repo, base.trim());
    let c005: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "C005")
        .collect();
    assert_eq!(c005.len(), 1, "{v:#}");
    assert!(
        c005[0]["message"]
            .as_str()
            .unwrap()
            .contains("by erin@example.org, not by carol's email carol@example.org")
    );
    assert_eq!(
        (&c005[0]["line"], &c005[0]["column"]),
        (&Value::from(9), &Value::from(10))
    );

    // Giving Carol Erin's address in the same change proves nothing: the base's people
    // say who Carol is.
    let repo = repo.file(
        "people/carol.yaml",
        "kind: person\nid: carol\nname: Carol\nemail: erin@example.org\nroles: [sponsor]\n",
    );
    commit(&repo, ERIN, "Carol's new address");
    let v = changed_since(&repo, base.trim());
    assert!(
        v["diagnostics"].to_string().contains(
            "`carol`'s email changed in this change (carol@example.org → erin@example.org)"
        ),
        "{v:#}"
    );
    // A person the change adds proves nothing either.
    let repo = repo.file(
        "projects/apollo/changes/cr.yaml",
        &change(true).replace("by: carol", "by: dave"),
    );
    let repo = repo.file(
        "people/dave.yaml",
        "kind: person\nid: dave\nname: Dave\nemail: erin@example.org\nroles: [sponsor]\n",
    );
    commit(&repo, ERIN, "Dave approved");
    let v = changed_since(&repo, base.trim());
    assert!(
        v["diagnostics"]
            .to_string()
            .contains("`dave` is not a person of the base revision"),
        "{v:#}"
    );

    // When Carol commits her own approval, nothing is reported.
    git(repo.path(), ALICE, &["reset", "-q", "--hard", "HEAD~3"]);
    let repo = repo.file("projects/apollo/changes/cr.yaml", &change(true));
    commit(&repo, CAROL, "Approve CR");
    let v = changed_since(&repo, base.trim());
    assert!(!v["diagnostics"].to_string().contains("C005"), "{v:#}");
}

/// A change request of Apollo approved by `by`.
fn approved_by(by: &str) -> String {
    format!(
        "kind: change\nid: apollo-cr\nproject: apollo\ntitle: CR\nrequested_by: bob\nraised: 2026-11-10\n\
         status: approved\napprovals:\n  - {{by: {by}, date: 2026-11-12, decision: approve}}\n"
    )
}

#[test]
fn an_address_in_emails_proves_an_approval_once_the_base_has_it() {
    // Carol approves in the forge's web editor, which commits under its noreply address.
    const NOREPLY: (&str, &str) = ("Carol Nguyen", "1234+carol@users.noreply.example");
    let carol = |emails: &str| {
        format!(
            "kind: person\nid: carol\nname: Carol\nemail: carol@example.org\n{emails}roles: [sponsor]\n"
        )
    };
    let c005 = |v: &Value| -> Vec<String> {
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == "C005")
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .collect()
    };
    let repo = history_repo();
    let without = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let repo = repo.file(
        "people/carol.yaml",
        &carol("emails: [\"1234+carol@users.noreply.example\"]\n"),
    );
    commit(&repo, ALICE, "Carol's noreply address");
    let with = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let repo = repo.file("projects/apollo/changes/cr.yaml", &approved_by("carol"));
    commit(&repo, NOREPLY, "Approve CR");
    // The base knows the address: the approval is Carol's.
    let v = changed_since(&repo, with.trim());
    assert_eq!(c005(&v), Vec::<String>::new(), "{v:#}");
    assert_eq!(v["summary"]["errors"], 0, "{v:#}");
    // Judged from before Carol had it, the same commit proves nothing: the change gave it.
    let v = changed_since(&repo, without.trim());
    assert_eq!(
        c005(&v),
        [format!(
            "approval by `carol` was added in {} by 1234+carol@users.noreply.example, and `carol`'s email changed in this change (carol@example.org → carol@example.org, 1234+carol@users.noreply.example): pmo matches approvers by the base revision's people",
            &git(repo.path(), ALICE, &["rev-parse", "--short=7", "HEAD"]).trim()
        )],
        "{v:#}"
    );
    let (_, found) = judged(&repo, without.trim());
    assert!(
        found.contains(&("C006".into(), "people/carol.yaml".into(), 5)),
        "{found:?}"
    );

    // Erin adds her own address to Carol's `emails` and types Carol's approval, in one
    // pull request: the base's people say who Carol is.
    git(repo.path(), ALICE, &["reset", "-q", "--hard", with.trim()]);
    let repo = repo.file(
        "people/carol.yaml",
        &carol("emails: [\"1234+carol@users.noreply.example\", erin@example.org]\n"),
    );
    let repo = repo.file("projects/apollo/changes/cr.yaml", &approved_by("carol"));
    commit(&repo, ERIN, "Carol approved (by mail)");
    let v = changed_since(&repo, with.trim());
    let found = c005(&v);
    assert_eq!(found.len(), 1, "{v:#}");
    assert!(
        found[0].contains("`carol`'s email changed in this change"),
        "{found:?}"
    );
    // And with several addresses, the message names them all.
    let repo = repo.file(
        "people/carol.yaml",
        &carol("emails: [\"1234+carol@users.noreply.example\"]\n"),
    );
    commit(&repo, ERIN, "Undo the address");
    let v = changed_since(&repo, with.trim());
    assert!(
        c005(&v)[0].ends_with(
            "by erin@example.org, not by one of carol's emails carol@example.org, 1234+carol@users.noreply.example"
        ),
        "{v:#}"
    );
}

#[test]
fn only_the_waived_findings_of_the_change_are_counted() {
    // A waived dangling owner on an objective the change does not touch.
    let config = format!(
        "{}waivers:\n  - {{rule: R002, id: old, reason: r, owner: bob, expires: 2027-12-31}}\n",
        common::CONFIG
    );
    let repo = history_repo().file("pmo.yaml", &config).file(
        "objectives/old.yaml",
        "kind: objective\nid: old\ntitle: Old\nowner: gone\n",
    );
    commit(&repo, ALICE, "An objective whose owner left");
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    assert_eq!(repo.check_json()["summary"]["waived"], 1);
    let repo = repo.file("projects/apollo/risks/apollo-vendor.yaml", &risk(2));
    let v = changed_since(&repo, base.trim());
    assert_eq!(v["summary"]["waived"], 0, "{v:#}");
    // Once the change touches it, its waived finding is the change's too.
    let repo = repo.file(
        "objectives/old.yaml",
        "kind: objective\nid: old\ntitle: Old objective\nowner: gone\n",
    );
    let v = changed_since(&repo, base.trim());
    assert_eq!(v["summary"]["waived"], 1, "{v:#}");
}

#[test]
fn shallow_clones_and_missing_bases_explain_the_fix() {
    let repo = history_repo();
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        shallow.path(),
        ALICE,
        &["clone", "-q", "--depth", "1", &url, "clone"],
    );
    let clone = shallow.path().join("clone");
    Command::cargo_bin("pmo")
        .unwrap()
        .args(["-C", clone.to_str().unwrap(), "diff", "HEAD~2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("fetch-depth: 0"));
}

#[test]
fn a_repository_without_commits_still_checks_its_working_tree() {
    let repo = Repo::new().file("people/bob.yaml", BOB);
    git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    repo.pmo(&["check"]).assert().success();
    repo.refuses(&["diff"], "no commits yet");
}

#[test]
fn outside_git_the_git_commands_say_so() {
    let repo = Repo::new();
    repo.refuses(&["history", "x"], "is not in a git repository");
}

#[test]
fn diff_follows_the_document_selection_rules() {
    let repo = history_repo();
    let repo = repo
        .file(
            "pmo.yaml",
            "version: 1\nroles: [sponsor, ccb]\nexclude: [archive/**]\n",
        )
        .file(".github/workflow.yml", "on: push\n")
        .file("archive/old.yaml", "kind: risk\nid: archived\n");
    commit(&repo, ALICE, "Exclude the archive");
    // Hidden, excluded and template files change; no document does.
    let repo = repo
        .file(".github/workflow.yml", "on: pull_request\n")
        .file(
            "archive/old.yaml",
            "kind: risk\nid: archived\ntitle: changed\n",
        )
        .file("templates/x.md.j2", "{{ today }}\n");
    let v = json(&repo, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(v["diff"]["documents"], serde_json::json!([]), "{v:#}");
}

#[test]
fn broken_yaml_is_not_a_removal() {
    let repo = history_repo();
    let repo = repo.file(
        "projects/apollo/risks/apollo-vendor.yaml",
        "kind: risk\nid: [unclosed\n",
    );
    let v = json(&repo, &["diff", "HEAD", "--format", "json"]);
    assert_eq!(v["diff"]["documents"], serde_json::json!([]), "{v:#}");
    assert_eq!(
        v["diff"]["unparsed"][0],
        "projects/apollo/risks/apollo-vendor.yaml (head)"
    );
    // A commit with broken YAML does not end the document's history: it is in it.
    commit(&repo, ERIN, "Broken");
    let repo = repo.file("projects/apollo/risks/apollo-vendor.yaml", &risk(2));
    commit(&repo, ERIN, "Fixed");
    let v = json(&repo, &["history", "apollo-vendor", "--format", "json"]);
    let changes: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        ["modified", "unreadable", "renamed", "added"],
        "{v:#}"
    );
}

#[test]
fn a_governance_repository_in_a_subdirectory() {
    let outer = tempfile::tempdir().unwrap();
    git(outer.path(), ALICE, &["init", "-q", "-b", "main"]);
    let gov = outer.path().join("governance");
    std::fs::create_dir_all(gov.join("people")).unwrap();
    std::fs::write(gov.join("pmo.yaml"), common::CONFIG).unwrap();
    std::fs::write(gov.join("people/bob.yaml"), BOB).unwrap();
    std::fs::write(outer.path().join("README.md"), "code and governance\n").unwrap();
    git(outer.path(), ALICE, &["add", "-A"]);
    git(outer.path(), ALICE, &["commit", "-qm", "One"]);
    std::fs::write(
        gov.join("people/bob.yaml"),
        BOB.replace("Bob Stone", "Robert Stone"),
    )
    .unwrap();
    git(outer.path(), ALICE, &["commit", "-qam", "Two"]);
    let pmo = |args: &[&str]| {
        let out = common::succeeds(
            Command::cargo_bin("pmo")
                .unwrap()
                .arg("-C")
                .arg(&gov)
                .args(args),
        );
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let then = pmo(&["--rev", "HEAD~1", "ls", "people", "--format", "json"]);
    assert_eq!(then["rows"][0]["name"], "Bob Stone");
    let v = pmo(&["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(v["diff"]["documents"][0]["file"], "people/bob.yaml");
}

/// `check --changed-since HEAD` on `repo` (with uncommitted edits): exit code, and the
/// The JSON report of `check --changed-since BASE`.
fn changed_since(repo: &Repo, base: &str) -> Value {
    json(
        repo,
        &["check", "--changed-since", base, "--format", "json"],
    )
}

/// `(code, file)` of every finding.
fn changed_since_head(repo: &Repo) -> (i32, Vec<(String, String)>) {
    let (code, report) = repo.report(&["check", "--changed-since", "HEAD"]);
    let found = common::findings_in(&report)
        .into_iter()
        .map(|(code, file, ..)| (code, file))
        .collect();
    (code, found)
}

fn finding(code: &str, file: &str) -> (String, String) {
    (code.to_owned(), file.to_owned())
}

#[test]
fn changed_since_reports_a_new_file_that_is_not_yaml() {
    let repo = history_repo().file(
        "projects/apollo/risks/new.yaml",
        "kind: risk\nid: [broken\n",
    );
    let (code, found) = changed_since_head(&repo);
    assert_eq!(
        found,
        [finding("P001", "projects/apollo/risks/new.yaml")],
        "{found:?}"
    );
    assert_eq!(code, 1);
    // Committed, the same file is found against the commit before.
    commit(&repo, ERIN, "Broken risk");
    repo.pmo(&["check", "--changed-since", "HEAD~1"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("P001"));
}

/// A document whose `kind` is the word "configuration" is a document of an unknown kind
/// (P003), not a change to the configuration (C006).
#[test]
fn a_document_of_kind_configuration_is_not_configuration() {
    let repo = history_repo().file("people/sneaky.yaml", "kind: configuration\nid: sneaky\n");
    let (_, found) = changed_since_head(&repo);
    assert_eq!(found, [finding("P003", "people/sneaky.yaml")], "{found:?}");
}

#[test]
fn changed_since_reports_a_document_edited_into_broken_yaml_or_a_list() {
    const VENDOR: &str = "projects/apollo/risks/apollo-vendor.yaml";
    for (text, code) in [
        ("kind: risk\nid: apollo-vendor\ntitle: [unclosed\n", "P001"),
        ("- kind: risk\n- id: apollo-vendor\n", "P002"),
    ] {
        let (exit, found) = changed_since_head(&history_repo().file(VENDOR, text));
        assert!(found.contains(&finding(code, VENDOR)), "{found:?}");
        assert_eq!(exit, 1);
    }
    // A new file that is a list, and one without `kind`: no document, still found.
    let repo = history_repo()
        .file("projects/apollo/risks/list.yaml", "- a\n- b\n")
        .file(
            "projects/apollo/risks/kindless.yaml",
            "id: kindless\ntitle: T\n",
        );
    let (_, found) = changed_since_head(&repo);
    for file in ["list", "kindless"] {
        let file = format!("projects/apollo/risks/{file}.yaml");
        assert!(found.contains(&finding("P002", &file)), "{found:?}");
    }
}

/// A change cannot hide an edit behind a second file whose name is not UTF-8 and reads
/// the same once made readable, holding the base's content: the edit is staged (the
/// index vouches for the file) and the decoy is beside it. The path counts as changed,
/// so the edit's findings are the change's, and `diff` shows the edit.
#[cfg(unix)]
#[test]
fn a_file_named_like_an_edited_one_cannot_hide_the_edit() {
    use std::os::unix::ffi::OsStrExt;
    let shown = "projects/apollo/risks/x\u{fffd}.yaml";
    let repo = history_repo().file(shown, &risk(3).replace("apollo-vendor", "x-risk"));
    commit(&repo, ALICE, "Another risk");
    // Probability 9 is out of range (S001).
    let repo = repo.file(shown, &risk(9).replace("apollo-vendor", "x-risk"));
    let decoy = std::ffi::OsStr::from_bytes(b"x\xff.yaml");
    std::fs::write(
        repo.join("projects/apollo/risks").join(decoy),
        risk(3).replace("apollo-vendor", "x-risk"),
    )
    .unwrap();
    let seen = |repo: &Repo| {
        let (_, found) = changed_since_head(repo);
        assert!(found.contains(&finding("S001", shown)), "{found:?}");
        let v = json(repo, &["diff", "HEAD", "--format", "json"]);
        let edit = &v["diff"]["documents"][0];
        assert_eq!(edit["id"], "x-risk", "{v:#}");
        assert_eq!(edit["fields"][0]["new"], 9, "{v:#}");
    };
    // Both files read and hashed.
    seen(&repo);
    // The index written a second after the file: its entry is not racy, so it vouches.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    git(repo.path(), ALICE, &["add", shown]);
    seen(&repo);
}

#[test]
fn changed_since_reports_unreadable_files_and_leaves_out_unchanged_ones() {
    // Old debt in a file the change does not touch: left out.
    let repo = history_repo().file("projects/apollo/risks/old.yaml", "- not a mapping\n");
    commit(&repo, ALICE, "Old debt");
    let repo = repo.bytes(
        "projects/apollo/risks/latin1.yaml",
        b"kind: risk\nid: caf\xe9\n",
    );
    let (code, found) = changed_since_head(&repo);
    assert_eq!(
        found,
        [finding("P005", "projects/apollo/risks/latin1.yaml")],
        "{found:?}"
    );
    assert_eq!(code, 1);
    // A file that is not read (a link), new or not, is changed: its content is unknown.
    #[cfg(unix)]
    {
        let existing = repo.join("projects/apollo/risks/apollo-vendor.yaml");
        std::fs::remove_file(&existing).unwrap();
        for link in [existing, repo.join("projects/apollo/risks/new.yaml")] {
            std::os::unix::fs::symlink(repo.join("nowhere.yaml"), link).unwrap();
        }
        let (_, found) = changed_since_head(&repo);
        for file in ["apollo-vendor", "new"] {
            let file = format!("projects/apollo/risks/{file}.yaml");
            assert!(found.contains(&finding("P006", &file)), "{found:?}");
        }
        // Not a removal: the document may still be there.
        let v = json(&repo, &["diff", "HEAD", "--format", "json"]);
        assert_eq!(v["diff"]["documents"], serde_json::json!([]), "{v:#}");
    }
}

#[test]
fn without_commits_revisions_say_there_are_none() {
    let repo = Repo::new().file("people/bob.yaml", BOB);
    git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    for args in [
        &["history", "bob"][..],
        &["--rev", "HEAD", "check"],
        &["check", "--changed-since", "HEAD"],
        &["diff", "HEAD"],
    ] {
        let out = repo.pmo(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("the repository has no commits yet"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("malformed"), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
    }
    // A new branch without commits in a repository that has some.
    let repo = history_repo();
    git(repo.path(), ALICE, &["checkout", "-q", "--orphan", "fresh"]);
    repo.refuses(
        &["--rev", "HEAD", "check"],
        "`HEAD` does not name a commit: the current branch `fresh` has no commits yet",
    );
    let v = json(
        &repo,
        &["--rev", "main", "ls", "people", "--format", "json"],
    );
    assert_eq!(v["rows"].as_array().unwrap().len(), 2, "{v:#}");
}

#[test]
fn check_in_a_bare_repository_suggests_rev() {
    let (_bare, target) = bare_clone(&history_repo());
    for command in [&["check"][..], &["portfolio"], &["report", "portfolio"]] {
        Command::cargo_bin("pmo")
            .unwrap()
            .args(["-C", target.to_str().unwrap()])
            .args(command)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("bare git repository"))
            .stderr(predicate::str::contains("--rev"))
            .stderr(predicate::str::contains("pmo init").not());
    }
    // Nothing to write into either.
    Command::cargo_bin("pmo")
        .unwrap()
        .args([
            "-C",
            target.to_str().unwrap(),
            "new",
            "person",
            "--title",
            "X",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bare git repository"))
        .stderr(predicate::str::contains("no working tree to write"));
}

/// `main` with the portfolio, a risk replanned and Apollo replanned (G005 material), and a
/// branch `feature` that left it before the replan and lowered the vendor risk.
fn branch_behind_main() -> Repo {
    let repo = history_repo();
    git(
        repo.path(),
        BOB_ID,
        &["checkout", "-q", "-b", "feature", "HEAD~1"],
    );
    let repo = repo.file("projects/apollo/risks/apollo-vendor.yaml", &risk(2));
    commit(&repo, BOB_ID, "Vendor risk down");
    repo
}

const BOB_ID: (&str, &str) = ("Bob Stone", "bob@example.org");

fn ids(v: &Value) -> Vec<&str> {
    let docs = v["diff"]["documents"].as_array().unwrap();
    docs.iter().map(|d| d["id"].as_str().unwrap()).collect()
}

#[test]
fn a_branch_is_judged_from_where_it_left_main() {
    let repo = branch_behind_main();
    // main replanned Apollo after the branch left it: not the branch's doing.
    let (code, report) = repo.report(&["check", "--changed-since", "main"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(common::findings_in(&report), []);
    let left = git(repo.path(), BOB_ID, &["rev-parse", "--short=12", "main~1"]);
    for args in [
        &["diff", "main"][..],
        &["diff", "main...feature"],
        &["diff", "main..."],
    ] {
        let v = json(&repo, &[args, &["--format", "json"]].concat());
        assert_eq!(ids(&v), ["apollo-vendor"], "{args:?}: {v:#}");
        assert_eq!(v["diff"]["base"], left.trim(), "{args:?}");
    }
    // Two revisions, or `A..B`, are compared as given, like git.
    for args in [&["diff", "main", "feature"][..], &["diff", "main..feature"]] {
        let v = json(&repo, &[args, &["--format", "json"]].concat());
        assert_eq!(ids(&v), ["apollo", "apollo-vendor"], "{args:?}: {v:#}");
    }
    repo.refuses(
        &["diff", "main...feature", "HEAD"],
        "names both sides already",
    );
}

#[test]
fn diff_check_fails_when_the_change_introduces_an_error() {
    let repo = branch_behind_main();
    repo.pmo(&["diff", "main", "--check"]).assert().code(0);
    let repo = repo.file(
        "projects/apollo/risks/orphan.yaml",
        "kind: risk\nid: orphan\nproject: apollo\ntitle: Orphan\nowner: nobody\nprobability: 1\nimpact: 1\nstatus: open\nraised: 2026-11-01\n",
    );
    let out = repo.pmo(&["diff", "main", "--check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("introduced: projects/apollo/risks/orphan.yaml"),
        "{text}"
    );
}

/// A finding that stays where it was is the same finding though its figures move: the
/// vendor risk's K001 (score 16, then 20) is neither fixed nor introduced.
#[test]
fn diff_check_matches_findings_by_fingerprint_not_wording() {
    let repo = branch_behind_main();
    let file = "projects/apollo/risks/apollo-vendor.yaml";
    let repo = repo.file(file, &risk(4));
    commit(&repo, BOB_ID, "Vendor risk high");
    let repo = repo.file(file, &risk(5));
    let v = json(&repo, &["diff", "HEAD", "--check", "--format", "json"]);
    let codes = |key: &str| -> Vec<String> {
        v["diff"]["findings"][key]
            .as_array()
            .unwrap_or_else(|| panic!("{v:#}"))
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(codes("introduced"), Vec::<String>::new(), "{v:#}");
    assert_eq!(codes("fixed"), Vec::<String>::new(), "{v:#}");
    // Lowering it below the threshold does fix it.
    let repo = repo.file(file, &risk(3));
    let v = json(&repo, &["diff", "HEAD", "--check", "--format", "json"]);
    assert_eq!(v["diff"]["findings"]["fixed"][0]["code"], "K001", "{v:#}");
}

#[test]
fn history_credits_a_repair_to_its_commit_and_lists_a_break() {
    const XAVIER: (&str, &str) = ("Xavier Roy", "xavier@example.org");
    const YVONNE: (&str, &str) = ("Yvonne Li", "yvonne@example.org");
    let file = "projects/apollo/risks/apollo-vendor.yaml";
    let repo = history_repo();
    // Xavier breaks the YAML; Yvonne repairs it and lowers the probability.
    let repo = repo.file(file, &format!("{}  bad: [\n", risk(4)));
    commit(&repo, XAVIER, "Edit the vendor risk");
    let repo = repo.file(file, &risk(2));
    commit(&repo, YVONNE, "Repair and lower the vendor risk");
    let v = json(&repo, &["history", "apollo-vendor", "--format", "json"]);
    let events = v["history"].as_array().unwrap();
    let who: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e["author"].as_str().unwrap(), e["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        who,
        [
            ("Yvonne Li", "modified"),
            ("Xavier Roy", "unreadable"),
            ("Erin Walsh", "renamed"),
            ("Alice Martin", "added"),
        ],
        "{v:#}"
    );
    assert_eq!(events[0]["fields"][0]["field"], "probability");
    assert_eq!(events[0]["fields"][0]["old"], 4);
    assert_eq!(events[0]["fields"][0]["new"], 2);

    // Broken at the head: the history still stands, the break first.
    let repo = repo.file(file, &format!("{}  bad: [\n", risk(2)));
    commit(&repo, XAVIER, "Break it again");
    let text = repo.stdout(&["history", "apollo-vendor"]);
    assert!(
        text.contains("made projects/apollo/risks/apollo-vendor.yaml unreadable as YAML"),
        "{text}"
    );
    let v = json(&repo, &["history", "apollo-vendor", "--format", "json"]);
    let changes: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(
        changes,
        ["unreadable", "modified", "unreadable", "renamed", "added"],
        "{v:#}"
    );
}

#[test]
fn a_document_keeps_its_identity_when_its_id_changes() {
    let repo = history_repo();
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let base = base.trim();
    // Renaming the project in the same change does not hide its new baseline from G005.
    let renamed = project("2027-05-01", true).replace("id: apollo\n", "id: apollo-2\n");
    let repo = repo.file("projects/apollo/project.yaml", &renamed);
    commit(&repo, ERIN, "Apollo is apollo-2, replanned");
    let v = json(&repo, &["diff", base, "--format", "json"]);
    let docs = v["diff"]["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "{v:#}");
    assert_eq!(docs[0]["change"], "id_changed");
    assert_eq!(docs[0]["id"], "apollo-2");
    assert_eq!(docs[0]["old_id"], "apollo");
    assert_eq!(
        docs[0]["notes"][0],
        "id changed from apollo: every reference to apollo must follow"
    );
    let (code, report) = repo.report(&["check", "--changed-since", base]);
    assert_eq!(code, 1);
    let found: Vec<String> = common::findings_in(&report)
        .into_iter()
        .map(|(code, ..)| code)
        .collect();
    // The baseline moved without a change request, and the risk still names `apollo`.
    assert!(found.contains(&"G005".to_owned()), "{report:#}");
    assert!(found.contains(&"R002".to_owned()), "{report:#}");
    let text = repo.stdout(&["diff", base]);
    assert!(text.contains("id changed from apollo"), "{text}");

    // Its history goes on through the id change.
    let v = json(&repo, &["history", "apollo-2", "--format", "json"]);
    let changes: Vec<&str> = v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["change"].as_str().unwrap())
        .collect();
    assert_eq!(changes, ["id_changed", "modified", "added"], "{v:#}");
}

/// `(code, file, line)` of every finding of `check --changed-since BASE`, and its exit code.
fn judged(repo: &Repo, base: &str) -> (i32, Vec<(String, String, u64)>) {
    let (code, report) = repo.report(&["check", "--changed-since", base]);
    let found = common::findings_in(&report)
        .into_iter()
        .map(|(code, file, line, _)| (code, file, line))
        .collect();
    (code, found)
}

#[test]
fn the_base_judges_a_change_that_loosens_its_own_rules() {
    let mut repo = history_repo();
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let base = base.trim();
    let replanned = project("2027-05-01", true);
    let g005 = || {
        (
            "G005".to_owned(),
            "projects/apollo/project.yaml".to_owned(),
            8,
        )
    };
    let c006 = |file: &str, line| ("C006".to_owned(), file.to_owned(), line);
    let config = |extra: &str| format!("{}{extra}", common::CONFIG);
    // Each with the line of the C006 finding that shows it.
    let evasions = [
        // The rule switched off in the change that breaks it.
        (config("rules:\n  G005: off\n"), 4),
        // A waiver the change grants itself.
        (
            config(
                "waivers:\n  - {rule: G005, id: apollo, reason: mine, owner: erin, expires: 2027-12-31}\n",
            ),
            4,
        ),
        // The project hidden from the check.
        (config("exclude: [\"projects/apollo/**\"]\n"), 3),
    ];
    for (pmo_yaml, line) in evasions {
        repo = repo
            .file("projects/apollo/project.yaml", &replanned)
            .file("pmo.yaml", &pmo_yaml);
        let (code, found) = judged(&repo, base);
        assert_eq!(code, 1, "{pmo_yaml}: {found:?}");
        assert_eq!(found, [c006("pmo.yaml", line), g005()], "{pmo_yaml}");
    }
    // The reviewer sees what the change does to the rules.
    let repo = repo.file("pmo.yaml", &config("rules:\n  G005: off\n"));
    let (_, report) = repo.report(&["check", "--changed-since", base]);
    assert!(
        report
            .to_string()
            .contains(r#"`rules.G005` changed (rules.G005: none → \"off\")"#),
        "{report:#}"
    );

    // A role or an address given to a person is shown too.
    let repo = repo
        .file("pmo.yaml", common::CONFIG)
        .file("people/bob.yaml", &BOB.replace("roles: [", "roles: [ccb, "));
    let (_, found) = judged(&repo, base);
    assert!(
        found
            .iter()
            .any(|(code, file, _)| code == "C006" && file == "people/bob.yaml"),
        "{found:?}"
    );
}

#[test]
fn a_role_the_change_gives_counts_once_merged() {
    let config = format!(
        "{}change_control:\n  levels:\n    - {{approvers: 1, role: ccb}}\n",
        common::CONFIG
    );
    let repo = history_repo().file("pmo.yaml", &config);
    commit(&repo, ALICE, "Change control by the CCB");
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    // Erin makes Bob a CCB member and has him approve her change in the same pull request.
    let repo = repo
        .file("people/bob.yaml", &BOB.replace("roles: [", "roles: [ccb, "))
        .file(
            "projects/apollo/changes/cr.yaml",
            "kind: change\nid: apollo-cr\nproject: apollo\ntitle: CR\nrequested_by: carol\nraised: 2026-11-10\n\
             status: approved\napprovals:\n  - {by: bob, date: 2026-11-12, decision: approve}\n",
        );
    let (code, found) = judged(&repo, base.trim());
    assert_eq!(code, 1, "{found:?}");
    let codes: Vec<&str> = found.iter().map(|(c, ..)| c.as_str()).collect();
    assert!(codes.contains(&"C002"), "{found:?}");
    assert!(codes.contains(&"C006"), "{found:?}");
    // Without a base, the working tree's people count as they are.
    let (_, report) = repo.report(&["check"]);
    assert!(!report.to_string().contains("C002"), "{report:#}");
}

#[test]
fn a_change_cannot_make_sponsors_optional_for_itself() {
    let repo = history_repo();
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    // The pull request drops Apollo's sponsor and the requirement in one go.
    let config = format!("{}project: {{optional: [sponsor]}}\n", common::CONFIG);
    let unsponsored = project("2027-02-01", true).replace("sponsor: carol\n", "");
    let repo = repo
        .file("pmo.yaml", &config)
        .file("projects/apollo/project.yaml", &unsponsored);
    let (code, found) = judged(&repo, base.trim());
    assert_eq!(code, 1, "{found:?}");
    let file = "projects/apollo/project.yaml";
    assert!(
        found.contains(&("S001".into(), file.into(), 1)),
        "{found:?}"
    );
    assert!(
        found.contains(&("C006".into(), "pmo.yaml".into(), 3)),
        "{found:?}"
    );
    // Once merged, it holds.
    let (_, report) = repo.report(&["check"]);
    assert!(!report.to_string().contains("S001"), "{report:#}");
}

#[test]
fn diff_grades_the_indices_as_the_configuration_says() {
    let config = format!("{}rag:\n  cpi: {{amber: 0.95, red: 0.9}}\n", common::CONFIG);
    let spent = |cost: u32| {
        format!(
            "{}forecast: {{finish: 2026-12-18, cost: 100000}}\nactuals: {{cost: {cost}, percent_complete: 50, as_of: 2026-07-01}}\n",
            project("2026-12-18", true)
        )
    };
    let notes = |config: &str| {
        let repo = Repo::with_config(config);
        git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
        let repo = repo.file("projects/apollo/project.yaml", &spent(50000));
        commit(&repo, ALICE, "On budget");
        // 50,000 earned for 60,000 spent: CPI 0.83, though the forecast has not moved.
        let repo = repo.file("projects/apollo/project.yaml", &spent(60000));
        commit(&repo, ALICE, "Overspent");
        json(&repo, &["diff", "HEAD~1", "HEAD", "--format", "json"])["diff"]["documents"][0]
            ["notes"]
            .to_string()
    };
    let before = notes(common::CONFIG);
    assert!(!before.contains("computed RAG"), "{before}");
    let after = notes(&config);
    assert!(after.contains("computed RAG green → red"), "{after}");
}

#[test]
fn a_change_cannot_relax_the_schema_it_is_checked_by() {
    let overlay = r#"{"required": ["category"], "properties": {"category": {"type": "string"}}}"#;
    let repo = history_repo()
        .file("schema/risk.schema.json", overlay)
        .file(
            "projects/apollo/risks/apollo-vendor.yaml",
            &format!("{}category: supply\n", risk(4)),
        );
    commit(&repo, ALICE, "Risks have a category");
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    // The pull request drops the category and the overlay that asks for it.
    std::fs::remove_file(repo.join("schema/risk.schema.json")).unwrap();
    let repo = repo.file("projects/apollo/risks/apollo-vendor.yaml", &risk(3));
    let (_, found) = judged(&repo, base.trim());
    let file = "projects/apollo/risks/apollo-vendor.yaml";
    assert!(
        found.contains(&("S001".into(), file.into(), 1)),
        "{found:?}"
    );
    assert!(
        found.contains(&("C006".into(), "schema/risk.schema.json".into(), 1)),
        "{found:?}"
    );
}

#[test]
fn a_change_cannot_hide_its_documents_by_ignoring_them() {
    let repo = history_repo();
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    // The pull request moves the baseline and ignores the project's folder.
    let repo = repo
        .file("projects/apollo/project.yaml", &project("2027-05-01", true))
        .file(".gitignore", "projects/apollo/\n");
    let (code, found) = judged(&repo, base.trim());
    assert_eq!(code, 1, "{found:?}");
    assert!(
        found.contains(&("G005".into(), "projects/apollo/project.yaml".into(), 8)),
        "{found:?}"
    );
    assert!(
        found.contains(&("C006".into(), ".gitignore".into(), 1)),
        "{found:?}"
    );
    let v = json(&repo, &["diff", base.trim(), "--format", "json"]);
    assert!(
        v["diff"]["documents"].to_string().contains("\"modified\""),
        "{v:#}"
    );
    // Without a base, the tree's own rules apply, as git's do.
    let all = json(&repo, &["check", "--format", "json"]);
    assert!(
        !all.to_string().contains("projects/apollo/project.yaml"),
        "{all:#}"
    );
}

#[test]
fn the_change_own_configuration_is_checked_as_a_document() {
    let repo = history_repo();
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    let repo = repo
        .file(
            "pmo.yaml",
            &format!("{}rules:\n  G005: sometimes\n", common::CONFIG),
        )
        .file("schema/risk.schema.json", "{ not json");
    let (code, found) = judged(&repo, base.trim());
    assert_eq!(code, 1, "{found:?}");
    let files: Vec<&str> = found
        .iter()
        .filter(|(code, ..)| code.starts_with('S'))
        .map(|(_, file, _)| file.as_str())
        .collect();
    assert_eq!(files, ["pmo.yaml", "schema/risk.schema.json"], "{found:?}");
}

#[test]
fn guard_and_identity_findings_keep_hostile_text_inert() {
    let hostile = "x\\n::error file=README.md,line=1::Forged\\e[31m\\u202e";
    let repo = history_repo();
    let base = git(repo.path(), ALICE, &["rev-parse", "HEAD"]);
    // A person's email and a project's id, both hostile, changed in the same change.
    let repo = repo
        .file(
            "people/carol.yaml",
            &format!(
                "kind: person\nid: carol\nname: Carol\nemail: \"{hostile}\"\nroles: [sponsor]\n"
            ),
        )
        .file(
            "projects/apollo/project.yaml",
            &project("2026-12-18", true).replace("id: apollo\n", &format!("id: \"{hostile}\"\n")),
        );
    let out = repo
        .pmo(&[
            "check",
            "--changed-since",
            base.trim(),
            "--format",
            "github",
        ])
        .output()
        .unwrap();
    let github = String::from_utf8(out.stdout).unwrap();
    assert!(
        github.contains("C006") && github.contains("Forged"),
        "{github}"
    );
    let diff = repo.stdout(&["diff", base.trim()]);
    assert!(
        diff.contains("id changed from apollo") && diff.contains("Forged"),
        "{diff}"
    );
    for text in [
        github,
        diff,
        repo.stdout(&["diff", base.trim(), "--format", "md"]),
    ] {
        assert!(
            !text.contains('\x1b') && !text.contains('\u{202e}'),
            "{text}"
        );
        assert!(
            text.lines()
                .all(|l| !l.trim_start().starts_with("::error file=README.md")),
            "{text}"
        );
    }
}

/// A portfolio in EUR (pmo.yaml's currency) whose second commit raises Apollo's budget
/// and forecast, the vendor risk's probability and a change request's cost.
fn money_repo() -> Repo {
    let project = |budget: &str, forecast: &str| {
        format!(
            "kind: project\nid: apollo\ntitle: Apollo\nsponsor: carol\nmanager: bob\nstate: active\nphase: execution\n\
             baseline:\n  start: 2026-01-05\n  finish: 2026-12-18\n  budget: {budget}\nforecast:\n  cost: {forecast}\n"
        )
    };
    let risk = |probability: u8| {
        // 10 % then 30 % of 33,333: floats make the difference 6666.599999999999.
        format!(
            "kind: risk\nid: apollo-vendor\nproject: apollo\ntitle: Vendor delay\nowner: bob\n\
             probability: {probability}\nimpact: 4\nstatus: open\nraised: 2026-11-01\ncost_impact: 33333\n"
        )
    };
    let change = |cost: u32| {
        format!(
            "kind: change\nid: cr-1\nproject: apollo\ntitle: More servers\nrequested_by: bob\n\
             raised: 2026-11-02\nstatus: submitted\nimpact:\n  cost: {cost}\n"
        )
    };
    let repo = Repo::with_config("version: 1\nroles: [sponsor, ccb]\ncurrency: EUR\n");
    git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    let mut repo = repo
        .file(
            "projects/apollo/project.yaml",
            &project("1200000", "1200000"),
        )
        .file("projects/apollo/risks/vendor.yaml", &risk(1))
        .file("projects/apollo/changes/cr-1.yaml", &change(5000));
    for (path, text) in PEOPLE {
        repo = repo.file(path, text);
    }
    commit(&repo, ALICE, "Apollo in EUR");
    let repo = repo
        .file(
            "projects/apollo/project.yaml",
            &project("1250000", "1312500.5"),
        )
        .file("projects/apollo/risks/vendor.yaml", &risk(2))
        .file("projects/apollo/changes/cr-1.yaml", &change(7500));
    commit(&repo, ERIN, "Apollo costs more");
    repo
}

/// `pmo diff HEAD~1 HEAD ARGS` with the commit ids replaced by `BASE` and `HEAD`: the ids
/// change with the time the test runs.
fn diff_text(repo: &Repo, args: &[&str]) -> String {
    let mut all = vec!["diff", "HEAD~1", "HEAD"];
    all.extend(args);
    let mut text = repo.stdout(&all);
    for (rev, name) in [("HEAD~1", "BASE"), ("HEAD", "HEAD")] {
        let id = git(repo.path(), ALICE, &["rev-parse", "--short=12", rev]);
        text = text.replace(id.trim(), name);
    }
    text
}

#[test]
fn amounts_read_as_money_and_every_change_of_value_as_an_arrow() {
    let repo = money_repo();
    let table = diff_text(&repo, &[]);
    let md = diff_text(&repo, &["--format", "md"]);
    for text in [&table, &md] {
        assert!(!text.contains("->"), "{text}");
        assert!(text.contains("1,200,000 EUR → 1,250,000 EUR"), "{text}");
    }
    assert!(
        table.contains("  baseline.budget: 1,200,000 EUR → 1,250,000 EUR\n"),
        "{table}"
    );
    assert!(
        md.contains("- `forecast.cost`: 1,200,000 EUR → 1,312,500.50 EUR\n"),
        "{md}"
    );
    insta::assert_snapshot!("diff_amounts_table", table);
    insta::assert_snapshot!("diff_amounts_md", md);

    // JSON keeps the numbers as written, and the deltas carry no float noise.
    let v = json(&repo, &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    let docs = v["diff"]["documents"].as_array().unwrap();
    let project = docs.iter().find(|d| d["id"] == "apollo").unwrap();
    assert_eq!(project["fields"][0]["field"], "baseline.budget");
    assert_eq!(project["fields"][0]["old"], 1_200_000);
    assert_eq!(v["diff"]["deltas"]["exposure"]["EUR"], 6666.6, "{v:#}");
    assert_eq!(v["diff"]["deltas"]["forecast"]["EUR"], 112_500.5, "{v:#}");

    // History writes them the same way.
    for format in ["table", "md"] {
        let text = repo.stdout(&["history", "apollo", "--format", format]);
        assert!(!text.contains("->"), "{text}");
        assert!(
            text.contains("forecast.cost`: 1,200,000 EUR → 1,312,500.50 EUR")
                || text.contains("forecast.cost: 1,200,000 EUR → 1,312,500.50 EUR"),
            "{text}"
        );
        let text = repo.stdout(&["history", "cr-1", "--format", format]);
        assert!(text.contains("5,000 EUR → 7,500 EUR"), "{text}");
    }
}

#[test]
fn a_pure_move_folds_no_empty_field_changes() {
    let repo = history_repo();
    let risk =
        std::fs::read_to_string(repo.join("projects/apollo/risks/apollo-vendor.yaml")).unwrap();
    std::fs::remove_file(repo.join("projects/apollo/risks/apollo-vendor.yaml")).unwrap();
    let repo = repo.file("projects/apollo/risks/moved.yaml", &risk);
    commit(&repo, ERIN, "Vendor risk moved");
    let md = diff_text(&repo, &["--format", "md"]);
    assert!(
        md.contains("moved from projects/apollo/risks/apollo-vendor.yaml"),
        "{md}"
    );
    assert!(!md.contains("Field changes"), "{md}");
    assert!(!md.contains("<details>"), "{md}");
}

#[test]
fn a_document_pmo_cannot_identify_is_listed_not_left_out() {
    let repo = history_repo()
        // No id, an id that is not a text, an empty id, no kind.
        .file(
            "projects/apollo/risks/draft.yaml",
            "kind: risk\ntitle: Draft\n",
        )
        .file(
            "projects/apollo/risks/numbered.yaml",
            "kind: risk\nid: 42\n",
        )
        .file("projects/apollo/risks/empty.yaml", "kind: risk\nid: ''\n")
        .file(
            "projects/apollo/risks/kindless.yaml",
            "id: kindless\ntitle: T\n",
        );
    commit(&repo, ERIN, "Documents without an identity");
    let v = json(&repo, &["diff", "HEAD~1", "HEAD", "--format", "json"]);
    assert_eq!(v["diff"]["documents"], serde_json::json!([]), "{v:#}");
    assert_eq!(
        v["diff"]["unidentified"],
        serde_json::json!([
            {"file": "projects/apollo/risks/draft.yaml", "kind": "risk"},
            {"file": "projects/apollo/risks/empty.yaml", "kind": "risk"},
            {"file": "projects/apollo/risks/kindless.yaml", "kind": null},
            {"file": "projects/apollo/risks/numbered.yaml", "kind": "risk"},
        ]),
        "{v:#}"
    );
    let listed = "Documents pmo could not identify (no `kind` or `id` it can read), so not compared: \
        projects/apollo/risks/draft.yaml (risk), projects/apollo/risks/empty.yaml (risk), \
        projects/apollo/risks/kindless.yaml, projects/apollo/risks/numbered.yaml (risk).";
    let table = diff_text(&repo, &[]);
    assert!(
        table.contains("No identified document changed.\n"),
        "{table}"
    );
    assert!(table.contains(listed), "{table}");
    let md = diff_text(&repo, &["--format", "md"]);
    assert!(md.contains(listed), "{md}");
}

/// A diff of two commits walks the two trees together and reads only the files that
/// differ; what it finds is what listing both trees found: a document moved to another
/// folder is renamed, a file that became a link is gone, excluded and hidden files are not
/// compared, a file whose mode alone changed is not changed, and the governance root may
/// sit in a subdirectory of the git repository.
#[test]
fn a_diff_of_two_commits_compares_only_the_subtrees_that_differ() {
    let root = Repo::new();
    git(root.path(), ALICE, &["init", "-q", "-b", "main"]);
    std::fs::remove_file(root.join("pmo.yaml")).unwrap();
    let mut root = root
        .file(
            "gov/pmo.yaml",
            "version: 1\nroles: [sponsor, ccb]\nexclude: [archive/**]\n",
        )
        .file(
            "gov/projects/apollo/project.yaml",
            &project("2026-12-18", true),
        )
        .file("gov/projects/apollo/risks/vendor.yaml", &risk(3))
        .file("gov/archive/old.yaml", "kind: lesson\nid: old\n")
        .file("gov/.hidden/x.yaml", "kind: lesson\nid: hidden\n")
        .file("elsewhere/outside.yaml", "kind: lesson\nid: outside\n");
    for (path, text) in PEOPLE {
        root = root.file(&format!("gov/{path}"), text);
    }
    commit(&root, ALICE, "Portfolio");
    // The risk moves to another project's folder, unchanged but for its probability.
    std::fs::remove_file(root.join("gov/projects/apollo/risks/vendor.yaml")).unwrap();
    let root = root
        .file("gov/projects/hermes/risks/apollo-vendor.yaml", &risk(4))
        .file(
            "gov/archive/old.yaml",
            "kind: lesson\nid: old\ntitle: edited\n",
        )
        .file(
            "gov/.hidden/x.yaml",
            "kind: lesson\nid: hidden\ntitle: edited\n",
        )
        .file(
            "elsewhere/outside.yaml",
            "kind: lesson\nid: outside\ntitle: edited\n",
        );
    git(
        root.path(),
        ALICE,
        &["update-index", "--chmod=+x", "gov/people/carol.yaml"],
    );
    #[cfg(unix)]
    {
        std::fs::remove_file(root.join("gov/people/bob.yaml")).unwrap();
        std::os::unix::fs::symlink("carol.yaml", root.join("gov/people/bob.yaml")).unwrap();
    }
    commit(&root, ERIN, "Move the vendor risk");
    let out = Command::cargo_bin("pmo")
        .unwrap()
        .args(["-C", root.join("gov").to_str().unwrap()])
        .args(["diff", "HEAD~1", "HEAD", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = v["diff"]["documents"].as_array().unwrap();
    let by_id = |id: &str| docs.iter().find(|d| d["id"] == id);
    let moved = by_id("apollo-vendor").unwrap();
    assert_eq!(moved["change"], "renamed", "{v:#}");
    assert_eq!(moved["file"], "projects/hermes/risks/apollo-vendor.yaml");
    assert_eq!(moved["old_file"], "projects/apollo/risks/vendor.yaml");
    for unseen in ["old", "hidden", "outside", "carol"] {
        assert!(by_id(unseen).is_none(), "{unseen}: {v:#}");
    }
    // The moved risk's two files, and bob's file that became a link (gone).
    #[cfg(unix)]
    {
        assert_eq!(by_id("bob").unwrap()["change"], "removed", "{v:#}");
        assert_eq!(v["diff"]["files_changed"], 3, "{v:#}");
    }
}

/// The working tree is compared with git's index as git compares it: a file whose
/// metadata is as the index recorded it is taken unread. A file rewritten right after
/// the commit, to the same size and with its mtime put back, keeps the mtime and size
/// the index recorded: unless its ctime shows the write, only git's racy-git rule (an
/// entry not older than the index is not trusted) tells that it must be read. Either way
/// the change is seen, by `diff` and by `check --changed-since`; so is a change staged
/// but not committed, whose index entry is clean but not the base's.
#[test]
fn a_file_rewritten_in_the_second_of_its_commit_is_still_changed() {
    let repo = history_repo();
    let path = repo.join("projects/apollo/risks/apollo-vendor.yaml");
    // An mtime after the index's own: every entry written with it is racily clean.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let set_mtime = |path: &std::path::Path| {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(later).unwrap();
    };
    set_mtime(&path);
    // The index records the new mtime (the content is as committed).
    git(repo.path(), ALICE, &["add", "-A"]);
    git(
        repo.path(),
        ALICE,
        &["commit", "-q", "--allow-empty", "-m", "Touched"],
    );
    let before = std::fs::metadata(&path).unwrap();
    // Probability 4 -> 9: one digit for another, the same size; out of range (S001).
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("probability: 4", "probability: 9")).unwrap();
    set_mtime(&path);
    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(before.len(), after.len());
    assert_eq!(before.modified().unwrap(), after.modified().unwrap());
    let file = "projects/apollo/risks/apollo-vendor.yaml";
    let seen = |repo: &Repo| {
        let (_, found) = changed_since_head(repo);
        assert!(found.contains(&finding("S001", file)), "{found:?}");
        let v = json(repo, &["diff", "HEAD", "--format", "json"]);
        let docs = &v["diff"]["documents"];
        assert_eq!(docs[0]["id"], "apollo-vendor", "{v:#}");
        assert_eq!(docs[0]["fields"][0]["new"], 9, "{v:#}");
    };
    seen(&repo);
    // Staged: the index now names the changed blob and its entry is clean.
    std::fs::write(&path, text.replace("probability: 4", "probability: 9")).unwrap();
    // The index written a second after the file: its entry is not racy.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    git(repo.path(), ALICE, &["add", "-A"]);
    seen(&repo);
}
