//! `--as-of DATE` and the naming of the commit a command reads, on temporary
//! repositories whose commits carry chosen dates.

mod common;

use common::{APOLLO, BOB, Repo, commit_at, git};
use serde_json::Value;

const ALICE: (&str, &str) = ("Alice Martin", "alice@example.org");

/// Apollo proposed on 2026-11-01, active on 2026-11-15 at 23:30 UTC, closed on 2026-12-01;
/// and a side branch, merged on 2026-12-01, whose own commit is dated 2026-11-10.
fn dated() -> Repo {
    let repo = Repo::new().file("people/bob.yaml", BOB);
    git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    let apollo = |state: &str| APOLLO.replace("state: proposed", &format!("state: {state}"));
    let repo = repo.file("projects/apollo/project.yaml", &apollo("proposed"));
    commit_at(
        repo.path(),
        ALICE,
        "2026-11-01T09:00:00Z",
        "Apollo proposed",
    );
    let repo = repo.file("projects/apollo/project.yaml", &apollo("active"));
    commit_at(repo.path(), ALICE, "2026-11-15T23:30:00Z", "Apollo active");
    git(repo.path(), ALICE, &["checkout", "-q", "-b", "side"]);
    let repo = repo.file("projects/apollo/project.yaml", &apollo("on_hold"));
    commit_at(
        repo.path(),
        ALICE,
        "2026-11-10T12:00:00Z",
        "Apollo on hold, on a branch",
    );
    git(repo.path(), ALICE, &["checkout", "-q", "main"]);
    common::git_at(
        repo.path(),
        ALICE,
        Some("2026-12-01T08:00:00Z"),
        &[
            "merge",
            "-q",
            "--no-ff",
            "-X",
            "theirs",
            "-m",
            "Merge side",
            "side",
        ],
    );
    let repo = repo.file("projects/apollo/project.yaml", &apollo("closed"));
    commit_at(repo.path(), ALICE, "2026-12-01T10:00:00Z", "Apollo closed");
    repo
}

fn state(repo: &Repo, args: &[&str]) -> (String, Value) {
    let mut all = args.to_vec();
    all.extend(["ls", "projects", "--format", "json"]);
    let out = repo.pmo(&all).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let state = v["rows"][0]["state"].as_str().unwrap().to_owned();
    (state, v["revision"].clone())
}

fn commit_of(repo: &Repo, message: &str) -> String {
    git(
        repo.path(),
        ALICE,
        &["log", "--format=%H", "--fixed-strings", "--grep", message],
    )
    .trim()
    .to_owned()
}

#[test]
fn as_of_reads_the_last_first_parent_commit_dated_on_or_before_the_end_of_the_day() {
    let repo = dated();
    let (s, revision) = state(&repo, &["--as-of", "2026-11-15"]);
    assert_eq!(s, "active", "a commit at 23:30 UTC is on the 15th");
    assert_eq!(revision["commit"], commit_of(&repo, "Apollo active"));
    assert_eq!(revision["committed"], "2026-11-15T23:30:00Z");
    assert_eq!(revision["named"], "HEAD as of 2026-11-15");
    // In Paris the 15th ended at 23:00 UTC, before Apollo went active.
    assert_eq!(
        state(&repo, &["--as-of", "2026-11-15[Europe/Paris]"]).0,
        "proposed"
    );
    assert_eq!(state(&repo, &["--as-of", "2026-11-15+01:00"]).0, "proposed");
    assert_eq!(state(&repo, &["--as-of", "2026-11-15T23:30Z"]).0, "active");
    // The side branch's commit of the 10th is not on main's first-parent line.
    assert_eq!(state(&repo, &["--as-of", "2026-11-12"]).0, "proposed");
    assert_eq!(state(&repo, &["--as-of", "2026-12-01T08:00Z"]).0, "on_hold");
    assert_eq!(state(&repo, &["--as-of", "2026-12-31"]).0, "closed");
    // Of another branch's history.
    let (s, revision) = state(&repo, &["--rev", "side", "--as-of", "2026-11-30"]);
    assert_eq!(s, "on_hold");
    assert_eq!(revision["named"], "side as of 2026-11-30");
    // The commands that read history name it too.
    for command in [
        &["history", "apollo"][..],
        &["blame", "apollo"],
        &["baselines", "apollo"],
    ] {
        let mut args = vec!["--as-of", "2026-11-15"];
        args.extend(command);
        args.extend(["--format", "json"]);
        let v: Value = serde_json::from_str(&repo.stdout(&args)).unwrap();
        assert_eq!(
            v["revision"]["named"], "HEAD as of 2026-11-15",
            "{command:?}"
        );
    }
    // The working tree is not a revision: no field.
    let out = repo.stdout(&["ls", "projects", "--format", "json"]);
    assert!(!out.contains("\"revision\""));
}

#[test]
fn the_commit_read_is_named_on_stderr_and_dates_the_rules() {
    let repo = dated();
    let out = repo
        .pmo(&["--as-of", "2026-11-15", "check", "--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let short = &commit_of(&repo, "Apollo active")[..12];
    assert!(
        stderr.contains(&format!(
            "reading commit {short} of 2026-11-15 23:30 UTC (HEAD as of 2026-11-15)"
        )),
        "{stderr}"
    );
    // Without --today, the rules are dated by the day --as-of names.
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["revision"]["commit"].as_str().unwrap()[..12], *short);
    let today = |extra: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("pmo").unwrap();
        cmd.arg("-C")
            .arg(repo.path())
            .args(["--as-of", "2026-11-15"]);
        let out = common::succeeds(cmd.args(extra).args(["portfolio", "--format", "json"]));
        serde_json::from_str::<Value>(&out).unwrap()["today"].clone()
    };
    assert_eq!(today(&[]), "2026-11-15");
    assert_eq!(today(&["--today", "2026-11-20"]), "2026-11-20");
    // --rev is named too; -q says nothing.
    let out = repo.pmo(&["--rev", "main~1", "check"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("(main~1)"));
    let out = repo
        .pmo(&["--rev", "main~1", "-q", "check"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn dates_and_revisions_that_name_nothing_are_explained_in_pmo_words() {
    let repo = dated();
    repo.refuses(
        &["--as-of", "2026-10-31", "check"],
        "`HEAD` has no commit dated on or before 2026-10-31: its history starts at",
    );
    repo.refuses(
        &["--as-of", "yesterday", "check"],
        "`yesterday` is not a date",
    );
    repo.refuses(
        &["--as-of", "2026-11-15[Mars/Olympus]", "check"],
        "unknown time zone",
    );
    repo.refuses(
        &["--rev", "HEAD~500", "check"],
        "revision `HEAD~500` goes back past what `HEAD` holds",
    );
    repo.refuses(&["--rev", "mian", "check"], "did you mean `main`?");
    repo.refuses(
        &["--rev", "HEAD^{tree}", "check"],
        "names a tree, not a commit",
    );
    repo.refuses(
        &["--rev", "HEAD:pmo.yaml", "check"],
        "names a blob, not a commit",
    );
    repo.refuses(
        &["--as-of", "2026-11-15", "new", "risk"],
        "--as-of means nothing to `pmo new`",
    );
    for out in [
        repo.pmo(&["--rev", "HEAD~500", "check"]).output().unwrap(),
        repo.pmo(&["--rev", "nothing", "check"]).output().unwrap(),
    ] {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("delegate") && !stderr.contains("input="),
            "{stderr}"
        );
    }
}

#[test]
fn a_reflog_lookup_is_warned_about() {
    let repo = dated();
    let out = repo
        .pmo(&["--rev", "HEAD@{0}", "-q", "check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: `HEAD@{0}` is a reflog lookup") && stderr.contains("--as-of"),
        "{stderr}"
    );
    let out = repo
        .pmo(&["--rev", "main", "-q", "check"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("reflog"));
}

#[test]
fn a_shallow_clone_says_where_its_history_stops() {
    let repo = dated();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clone.path(),
        ALICE,
        &["clone", "-q", "--depth", "1", &url, "shallow"],
    );
    let out = assert_cmd::Command::cargo_bin("pmo")
        .unwrap()
        .args(["-C", "shallow", "--as-of", "2026-11-15", "check"])
        .current_dir(clone.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("its history in this clone starts at")
            && stderr.contains("git fetch --unshallow"),
        "{stderr}"
    );
}
