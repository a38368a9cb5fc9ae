//! Each rule's fixture: a small governance repository under `tests/rules/<code>/` that
//! makes the rule fire, checked in-process as `pmo check` would check it, and the
//! rendered findings of that rule compared with `tests/rules/snapshots/<code>.snap`.
//! The rules that judge a change against its base revision (G005, C005, C006) have a
//! `before/` and an `after/` tree instead, committed one after the other into a
//! temporary git repository and checked as `pmo check --changed-since HEAD~1` would.
//!
//! In-process rather than through the binary: all of them check in about a second,
//! so a rule's fixture costs nothing to add. `tests/rules/README.md` says how.

use super::{ALL, Rule};
use crate::Error;
use crate::changes;
use crate::check::{self, Report, check};
use crate::config;
use crate::diagnostic::Diagnostic;
use crate::git::{Git, GitTree, Head};
use crate::render::{Style, human};
use crate::repository::{self, Repository};
use crate::source::{Source, Worktree};
use jiff::civil::{Date, date};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a report finds the text of a file, for its snippets.
type Texts = Box<dyn Fn(&str) -> Option<String>>;

/// The day every fixture is checked on, so that ages and overdue dates do not move.
fn today() -> Date {
    date(2026, 11, 20)
}

/// Who commits `before/` and who commits `after/`, and when: fixed, so that the commit
/// ids a finding names are the same on every machine.
const BASE_AUTHOR: (&str, &str) = ("Alice Martin", "alice.martin@acme.example");
const CHANGE_AUTHOR: (&str, &str) = ("Erin Walsh", "erin.walsh@acme.example");
const BASE_DATE: &str = "2026-11-16T09:00:00+00:00";
const CHANGE_DATE: &str = "2026-11-18T09:00:00+00:00";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

/// The code as the name of a folder and a snapshot. The one place that turns a code into
/// text, whatever type codes have.
fn name(rule: &Rule) -> String {
    rule.code.to_string()
}

/// A fixture of a change: `before/` is the base revision, `after/` the change.
fn is_change(folder: &Path) -> bool {
    folder.join("before").is_dir()
}

fn has_fixture(folder: &Path) -> bool {
    let holds_config = |dir: &Path| dir.join(config::FILE).is_file();
    holds_config(folder)
        || (holds_config(&folder.join("before")) && holds_config(&folder.join("after")))
}

/// What `pmo check` reports on `root`: the check's findings, or, when the configuration
/// is broken (S002), the findings that stop the command.
fn checked(root: &Path) -> (Report, Texts) {
    let source = Worktree::at(root);
    match repository::load(&source) {
        Ok(repo) => {
            let report = check(&repo, today());
            (report, texts_of(repo))
        }
        Err(Error::Config(diagnostics)) => {
            let text = source
                .read(config::FILE)
                .ok()
                .flatten()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default();
            let report = Report {
                files: 0,
                documents: 0,
                diagnostics,
                waived: Vec::new(),
                baseline: None,
            };
            let texts = move |path: &str| (path == config::FILE).then(|| text.clone());
            (report, Box::new(texts))
        }
        Err(e) => panic!("{}: {e}", root.display()),
    }
}

fn texts_of(repo: Repository) -> Texts {
    Box::new(move |path: &str| repo.text(path).map(str::to_owned))
}

/// What `pmo check --changed-since HEAD~1` reports once `before/` and then `after/` of
/// `folder` are committed: the head's documents under the base's configuration, with the
/// findings only a base revision shows.
fn changed(folder: &Path) -> (Report, Texts) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path();
    run_git(root, BASE_AUTHOR, BASE_DATE, &["init", "-q"]);
    commit(root, &folder.join("before"), BASE_AUTHOR, BASE_DATE);
    commit(root, &folder.join("after"), CHANGE_AUTHOR, CHANGE_DATE);

    let fail = |e: Error| -> ! { panic!("{}: {e}", folder.display()) };
    let git = Git::discover(root)
        .unwrap_or_else(|e| fail(e))
        .expect("the repository just made");
    let tip = git.resolve("HEAD").unwrap_or_else(|e| fail(e));
    let base = git.resolve("HEAD~1").unwrap_or_else(|e| fail(e));
    let judge = GitTree::new(&git, base).unwrap_or_else(|e| fail(e));
    let head = GitTree::new(&git, tip).unwrap_or_else(|e| fail(e));
    let mut repo = repository::load_judged(&head, &judge).unwrap_or_else(|e| fail(e));
    let change = changes::diff(&git, base, Head::Commit(tip), &repo.config, today())
        .unwrap_or_else(|e| fail(e));
    // As the command judges it: a snapshot shows only its rule's findings, all about the
    // change.
    let judge = check::Judge {
        git: &git,
        base,
        tip,
        source: &head,
        today: today(),
        reviews: None,
    };
    let report = check::judge(&judge, &change, &mut repo, None)
        .unwrap_or_else(|e| fail(e))
        .report;
    (report, texts_of(repo))
}

/// The work tree of `root` replaced by a copy of `tree`, committed.
fn commit(root: &Path, tree: &Path, author: (&str, &str), when: &str) {
    for entry in std::fs::read_dir(root)
        .expect("the temporary repository")
        .flatten()
    {
        if entry.file_name() != ".git" {
            let path = entry.path();
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            removed.expect("a file of the temporary repository");
        }
    }
    copy(tree, root);
    run_git(root, author, when, &["add", "-A"]);
    run_git(
        root,
        author,
        when,
        &["commit", "-q", "--no-gpg-sign", "-m", "fixture"],
    );
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("a fixture folder").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).expect("a folder in the temporary repository");
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("a file in the temporary repository");
        }
    }
}

/// `git` as `author` at `when`, with none of the machine's configuration.
pub(crate) fn run_git(dir: &Path, author: (&str, &str), when: &str, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", author.0)
        .env("GIT_AUTHOR_EMAIL", author.1)
        .env("GIT_AUTHOR_DATE", when)
        .env("GIT_COMMITTER_NAME", author.0)
        .env("GIT_COMMITTER_EMAIL", author.1)
        .env("GIT_COMMITTER_DATE", when)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The findings of `rule` alone, rendered as the terminal shows them; like a linter's
/// rule test, other rules' findings in the fixture are not part of its snapshot.
fn rendered(rule: &Rule) -> (Vec<Diagnostic>, String) {
    let folder = fixtures().join(name(rule));
    let (report, texts) = if is_change(&folder) {
        changed(&folder)
    } else {
        checked(&folder)
    };
    let own: Vec<Diagnostic> = report
        .diagnostics
        .into_iter()
        .filter(|d| d.code == rule.code)
        .collect();
    let report = Report {
        diagnostics: own.clone(),
        ..report
    };
    let style = Style {
        color: false,
        quiet: false,
        docs: crate::render::DOCS_URL,
    };
    (own, human(&report, &*texts, style))
}

#[test]
fn every_rule_has_a_fixture() {
    let mut missing = Vec::new();
    for (rule, _) in ALL {
        if !has_fixture(&fixtures().join(name(rule))) {
            missing.push(name(rule));
        }
    }
    assert!(
        missing.is_empty(),
        "no tests/rules/<code>/pmo.yaml (or before/ and after/) for {missing:?}: see tests/rules/README.md"
    );
    // A folder of a renamed or removed code tests nothing.
    let mut stray = Vec::new();
    for entry in std::fs::read_dir(fixtures())
        .into_iter()
        .flatten()
        .flatten()
    {
        let folder = entry.file_name().to_string_lossy().into_owned();
        if !entry.path().is_dir() || folder == "snapshots" {
            continue;
        }
        if !ALL.iter().any(|(r, _)| name(r) == folder) {
            stray.push(folder);
        }
    }
    // Nor does the snapshot of one.
    for entry in std::fs::read_dir(fixtures().join("snapshots"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let file = entry.file_name().to_string_lossy().into_owned();
        // `.snap.new`: a change insta waits for a review of.
        let Some(code) = file.strip_suffix(".snap") else {
            continue;
        };
        if !ALL.iter().any(|(r, _)| name(r) == code) {
            stray.push(format!("snapshots/{file}"));
        }
    }
    assert!(
        stray.is_empty(),
        "tests/rules/ holds these of no rule: {stray:?}"
    );
}

#[test]
fn each_rule_fires_on_its_fixture() {
    let runs: Vec<(&Rule, Vec<Diagnostic>, String)> = ALL
        .iter()
        .map(|&(rule, _)| {
            let (own, text) = rendered(rule);
            (rule, own, text)
        })
        .collect();
    // Before any snapshot: an accepted snapshot of no finding must not pass.
    let silent: Vec<String> = runs
        .iter()
        .filter(|(_, own, _)| own.is_empty())
        .map(|(rule, _, _)| name(rule))
        .collect();
    assert!(
        silent.is_empty(),
        "these rules find nothing in their fixture: {silent:?}"
    );
    for (rule, _, text) in runs {
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(fixtures().join("snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(format!("{} {}: {}", name(rule), rule.name, rule.summary));
        settings.set_omit_expression(true);
        settings.bind(|| insta::assert_snapshot!(name(rule), text));
    }
}
