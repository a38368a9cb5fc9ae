//! Each rule's fixture: a small governance repository under `tests/rules/<code>/` that
//! makes the rule fire, checked in-process as `pmo check` would check it, and the
//! rendered findings of that rule compared with `tests/rules/snapshots/<code>.snap`.
//!
//! In-process rather than through the binary: the 34 repositories check in well under a
//! second, so a rule's fixture costs nothing to add. `tests/rules/README.md` says how.

use super::{ALL, Rule};
use crate::Error;
use crate::check::{Report, check};
use crate::config;
use crate::diagnostic::Diagnostic;
use crate::render::{Style, human};
use crate::repository;
use crate::source::{Source, Worktree};
use jiff::civil::{Date, date};
use std::path::{Path, PathBuf};

/// Rules that find nothing in a single tree: they compare a change with its base
/// revision, so they need a git history. `tests/git.rs` covers them end to end.
static NEEDS_A_BASE_REVISION: [&Rule; 3] = [
    &super::c005_approval_not_by_approver::RULE,
    &super::c006_guard_changed::RULE,
    &super::g005_baseline_without_change::RULE,
];

/// How a report finds the text of a file, for its snippets.
type Texts = Box<dyn Fn(&str) -> Option<String>>;

/// The day every fixture is checked on, so that ages and overdue dates do not move.
fn today() -> Date {
    date(2026, 11, 20)
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/rules")
}

/// The code as the name of a folder and a snapshot. The one place that turns a code into
/// text, whatever type codes have.
fn name(rule: &Rule) -> String {
    rule.code.to_string()
}

fn excluded(rule: &Rule) -> bool {
    NEEDS_A_BASE_REVISION.iter().any(|r| r.code == rule.code)
}

/// What `pmo check` reports on `root`: the check's findings, or, when the configuration
/// is broken (S002), the findings that stop the command.
fn checked(root: &Path) -> (Report, Texts) {
    let source = Worktree::at(root);
    match repository::load(&source) {
        Ok(repo) => {
            let report = check(&repo, today());
            let texts = move |path: &str| repo.text(path).map(str::to_owned);
            (report, Box::new(texts))
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
            };
            let texts = move |path: &str| (path == config::FILE).then(|| text.clone());
            (report, Box::new(texts))
        }
        Err(e) => panic!("{}: {e}", root.display()),
    }
}

/// The findings of `rule` alone, rendered as the terminal shows them; like a linter's
/// rule test, other rules' findings in the fixture are not part of its snapshot.
fn rendered(rule: &Rule) -> (Vec<Diagnostic>, String) {
    let (report, texts) = checked(&fixtures().join(name(rule)));
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
    };
    (own, human(&report, &*texts, style))
}

#[test]
fn every_rule_has_a_fixture() {
    let mut missing = Vec::new();
    for rule in ALL.iter().filter(|r| !excluded(r)) {
        if !fixtures().join(name(rule)).join(config::FILE).is_file() {
            missing.push(name(rule));
        }
    }
    assert!(
        missing.is_empty(),
        "no tests/rules/<code>/pmo.yaml for {missing:?}: see tests/rules/README.md"
    );
    // A folder of a renamed or removed code, or one of an excluded rule, tests nothing.
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
        if !ALL.iter().any(|r| !excluded(r) && name(r) == folder) {
            stray.push(folder);
        }
    }
    assert!(
        stray.is_empty(),
        "tests/rules/ folders of no rule: {stray:?}"
    );
}

#[test]
fn each_rule_fires_on_its_fixture() {
    let runs: Vec<(&Rule, Vec<Diagnostic>, String)> = ALL
        .iter()
        .filter(|r| !excluded(r))
        .map(|&rule| {
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
