//! The incremental engine after a series of edits reports what a check from scratch of
//! the same files reports, finding for finding, fingerprints included.

mod common;

use common::copy_dir;
use pmo::check::{Edited, Engine, Report, check};
use pmo::repository;
use pmo::source::Worktree;
use std::path::{Path, PathBuf};

const TODAY: jiff::civil::Date = jiff::civil::date(2026, 11, 20);

/// A copy of examples/acme on disk and an engine that is told of each edit.
struct Session {
    _dir: tempfile::TempDir,
    root: PathBuf,
    engine: Engine,
    steps: usize,
}

impl Session {
    fn new() -> Session {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("acme");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme"),
            &root,
        );
        let engine = Engine::load(&Worktree::at(&root), TODAY).unwrap();
        Session {
            _dir: dir,
            root,
            engine,
            steps: 0,
        }
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.root.join(path)).unwrap()
    }

    /// Writes `text` at `path` (`None`: deletes it) and tells the engine.
    fn set(&mut self, path: &str, text: Option<&str>) -> Edited {
        let full = self.root.join(path);
        match text {
            Some(text) => {
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(&full, text).unwrap();
            }
            None => std::fs::remove_file(&full).unwrap(),
        }
        let edited = self.engine.edit(path, text.map(|t| t.as_bytes().to_vec()));
        if edited == Edited::Configuration {
            self.engine = Engine::load(&Worktree::at(&self.root), TODAY).unwrap();
        }
        edited
    }

    /// Replaces the first `from` in `path` with `to`, and compares.
    fn replace(&mut self, path: &str, from: &str, to: &str) {
        let text = self.read(path);
        assert!(text.contains(from), "{path} has no `{from}`");
        self.set(path, Some(&text.replacen(from, to, 1)));
        self.agrees(&format!("{path}: {from} -> {to}"));
    }

    /// The engine's findings equal a check from scratch of the files on disk.
    fn agrees(&mut self, what: &str) {
        self.steps += 1;
        let incremental = self.engine.report();
        let cold = check(&repository::load(&Worktree::at(&self.root)).unwrap(), TODAY);
        same(&incremental, &cold, what);
    }
}

fn same(incremental: &Report, cold: &Report, what: &str) {
    let show = |r: &Report| -> Vec<String> {
        r.diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{} {}:{}:{} {:?} [{}] {}",
                    d.code,
                    d.file,
                    d.span.start.line,
                    d.span.start.column,
                    d.severity,
                    d.fingerprint,
                    d.message
                )
            })
            .collect()
    };
    assert_eq!(show(incremental), show(cold), "after {what}");
    assert_eq!(incremental.diagnostics, cold.diagnostics, "after {what}");
    assert_eq!(incremental.waived, cold.waived, "after {what}");
    assert_eq!(
        (incremental.files, incremental.documents),
        (cold.files, cold.documents),
        "after {what}"
    );
}

/// Each edit changes what a rule of one kind of dependency reads: the document alone,
/// ids, people, the documents of a project, the whole portfolio.
const EDITS: &[(&str, &str)] = &[
    ("probability: 2", "probability: 5"),
    ("probability: 3", "probability: 5"),
    ("impact: 3", "impact: 5"),
    ("status: open", "status: closed"),
    ("state: active", "state: closed"),
    ("overall: amber", "overall: green"),
    ("overall: red", "overall: green"),
    ("date: 2026-11", "date: 2025-11"),
    ("mitigation:", "old_mitigation:"),
    ("capacity: 1.0", "capacity: 0.2"),
    ("role: sponsor", "role: member"),
    ("project: apollo", "project: hermes"),
    ("project: hermes", "project: apollo"),
    ("status: approved", "status: implemented"),
    ("phase: delivery", "phase: closure"),
    ("forecast: 2026-", "forecast: 2028-"),
    ("cost: green", "cost: red"),
];

fn documents(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walk(root) {
        let rel = entry
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with(".yaml") && rel != "pmo.yaml" && !rel.starts_with("templates/") {
            out.push(rel);
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_edit_leaves_the_engine_agreeing_with_a_check_from_scratch() {
    let mut s = Session::new();
    s.agrees("loading");
    // Field edits, file by file, each kept: the portfolio drifts far from the example.
    let files = documents(&s.root);
    let mut applied = 0;
    for (n, path) in files.iter().enumerate() {
        let text = s.read(path);
        let Some((from, to)) = EDITS
            .iter()
            .cycle()
            .skip(n % EDITS.len())
            .take(EDITS.len())
            .find(|(from, _)| text.contains(from))
        else {
            continue;
        };
        assert_eq!(
            s.set(path, Some(&text.replacen(from, to, 1))),
            Edited::Document
        );
        s.agrees(&format!("{path}: {from} -> {to}"));
        applied += 1;
    }
    assert!(applied > 40, "{applied} edits");

    // An id renamed, and the references to it left dangling; then put back.
    let project = "projects/hermes/project.yaml";
    s.replace(project, "id: hermes", "id: hermes-2");
    s.replace(project, "id: hermes-2", "id: hermes");

    // Added, then deleted.
    let risk = "projects/apollo/risks/apollo-new-risk.yaml";
    s.set(risk, Some("kind: risk\nid: apollo-new-risk\ntitle: A new risk\nproject: apollo\nstatus: open\nprobability: 5\nimpact: 5\nowner: alice\nraised: 2026-11-01\n"));
    s.agrees("adding a risk");
    s.set(risk, None);
    s.agrees("deleting it");

    // A duplicate id in a new file, then removed.
    let copy = "projects/apollo/risks/zz-copy.yaml";
    let original = s.read("projects/apollo/risks/apollo-vendor-delay.yaml");
    s.set(copy, Some(&original));
    s.agrees("copying a risk (a duplicate id)");

    // Renamed: the old path gone, the new one added.
    s.set(copy, None);
    s.set("projects/apollo/risks/aa-copy.yaml", Some(&original));
    s.agrees("renaming the copy");

    // YAML broken, then fixed.
    let status = "projects/apollo/status/2026-11-13.yaml";
    let good = s.read(status);
    s.set(status, Some(&good.replacen("overall:", "overall: [", 1)));
    s.agrees("breaking a file's YAML");
    s.set(status, Some(&good));
    s.agrees("fixing it");

    // A person edited, deleted and put back.
    let person = "people/alice.yaml";
    let alice = s.read(person);
    s.set(person, None);
    s.agrees("deleting a person");
    s.set(person, Some(&alice));
    s.agrees("putting the person back");

    // Not documents: a template and a hidden file change nothing.
    assert_eq!(
        s.set("templates/x.yaml", Some("kind: risk\n")),
        Edited::NotADocument
    );
    assert_eq!(
        s.set(".hidden.yaml", Some("kind: risk\n")),
        Edited::NotADocument
    );
    s.agrees("a template and a hidden file");

    // pmo.yaml changed: loaded again.
    let config = s.read("pmo.yaml");
    let stricter = format!("{config}\nrules:\n  K002: error\n");
    assert_eq!(s.set("pmo.yaml", Some(&stricter)), Edited::Configuration);
    s.agrees("changing pmo.yaml");
    let status = "projects/hermes/status/2026-11-16.yaml";
    s.replace(status, "overall:", "overall: red\nx_overall:");
    assert!(s.steps > 50);
}

/// Telling the engine the content it already has does nothing.
#[test]
fn content_already_known_is_not_read_again() {
    let mut s = Session::new();
    let path = "people/bob.yaml";
    let text = s.read(path);
    assert_eq!(
        s.engine.edit(path, Some(text.into_bytes())),
        Edited::Unchanged
    );
    s.agrees("an edit to the same content");
}

/// Edits whose findings land on another file: a project's figures judged in its status
/// update, a person's roles in the changes they approved, a risk in its closed project,
/// a project's documents counted at its gate.
#[test]
fn an_edit_updates_the_findings_it_causes_in_other_files() {
    let mut s = Session::new();
    let apollo = "projects/apollo/project.yaml";
    s.replace(apollo, "cost: 1253500", "cost: 2500000");
    s.replace(apollo, "finish: 2027-01-12", "finish: 2027-09-12");
    s.replace(
        "people/frank.yaml",
        "roles: [sponsor, ccb, executive]",
        "roles: [executive]",
    );
    s.replace(
        "people/carol.yaml",
        "roles: [sponsor, executive]",
        "roles: []",
    );
    s.replace(
        "projects/apollo/changes/apollo-cr-scope-reporting.yaml",
        "requested_by: alice",
        "requested_by: carol",
    );
    s.replace(
        "projects/orion/risks/orion-wms-interface.yaml",
        "status: closed",
        "status: open",
    );
    s.replace(
        "projects/orion/issues/orion-conveyor-jam.yaml",
        "status: closed",
        "status: open",
    );
    // Allocations: a person over capacity through one project's edit, a person moved
    // between allocations, a project that stops running, a capacity lowered.
    s.replace(
        apollo,
        "{person: grace, fte: 0.5",
        "{person: grace, fte: 0.9",
    );
    s.replace(
        apollo,
        "{person: ines, fte: 0.4",
        "{person: henrik, fte: 0.4",
    );
    s.replace(
        apollo,
        "{person: henrik, fte: 0.4",
        "{person: ines, fte: 0.4",
    );
    s.replace("people/ines.yaml", "capacity: 0.8", "capacity: 0.5");
    s.replace(
        "projects/hermes/project.yaml",
        "state: active",
        "state: closed",
    );
    s.replace(
        "projects/hermes/project.yaml",
        "state: closed",
        "state: on_hold",
    );
    for risk in [
        "apollo-cross-sell",
        "apollo-data-quality",
        "apollo-licence-pricing",
    ] {
        s.set(&format!("projects/apollo/risks/{risk}.yaml"), None);
        s.agrees(&format!("deleting {risk}"));
    }
    // A duplicate of apollo's risk in another project, earlier in path order: the
    // finding moves to apollo's file, which the edit did not touch.
    let original = s.read("projects/apollo/risks/apollo-vendor-delay.yaml");
    let copy = original.replacen("project: apollo", "project: hermes", 1);
    s.set("people/aa-duplicate.yaml", Some(&copy));
    s.agrees("a duplicate id earlier in path order");
    s.set("projects/apollo/status/2026-11-13.yaml", None);
    s.agrees("deleting apollo's latest status update");
    s.set("projects/apollo/status/2026-10-30.yaml", None);
    s.agrees("deleting apollo's last status update");
}

/// Findings on pmo.yaml (a waiver's unknown owner) and waived findings survive an edit
/// elsewhere; a file holding documents of two projects keeps the findings of both.
#[test]
fn pmo_yaml_findings_waivers_and_mixed_files_stay_current() {
    let mut s = Session::new();
    let config = s.read("pmo.yaml");
    let waivers = "\nwaivers:\n  - {rule: K002, id: apollo-vendor-delay, reason: r, owner: nobody, expires: 2027-06-01}\n  - {rule: S001, id: zz-bad, reason: r, owner: alice, expires: 2027-06-01}\n  - {rule: S001, id: aa-bad, reason: r, owner: alice, expires: 2027-06-01}\n";
    s.set("pmo.yaml", Some(&format!("{config}{waivers}")));
    let bad =
        |id: &str| format!("kind: risk\nid: {id}\nproject: apollo\ntitle: t\nprobability: 9\n");
    s.set("projects/apollo/risks/aa-bad.yaml", Some(&bad("aa-bad")));
    s.set("projects/apollo/risks/zz-bad.yaml", Some(&bad("zz-bad")));
    s.agrees("waivers of findings in two files, one with an unknown owner");
    s.replace("projects/apollo/risks/aa-bad.yaml", "title: t", "title: u");
    s.replace(
        "projects/atlas/risks/atlas-skills-loss.yaml",
        "status:",
        "status: open\nx_status:",
    );
    // Apollo's risk and Hermes's latest, optimistic status update in one file.
    let risk = s.read("projects/apollo/risks/apollo-cross-sell.yaml");
    let status = s
        .read("projects/hermes/status/2026-11-16.yaml")
        .replace("2026-11-16", "2026-11-19");
    s.set("mixed.yaml", Some(&format!("{risk}\n---\n{status}")));
    s.set("projects/apollo/risks/apollo-cross-sell.yaml", None);
    s.agrees("a file with documents of two projects");
    s.replace(
        "projects/hermes/project.yaml",
        "state: active",
        "state: active\nx: 1",
    );
    s.replace(
        "projects/apollo/project.yaml",
        "cost: 1253500",
        "cost: 2500000",
    );
    s.replace("projects/hermes/project.yaml", "cost: ", "cost: 9");
}

/// A document that becomes a link, or grows past the size limit, is reported as loading
/// reports it (P006, P005), and forgotten when it is gone.
#[cfg(unix)]
#[test]
fn files_that_cannot_be_read_are_reported_as_a_check_reports_them() {
    let mut s = Session::new();
    let path = "projects/apollo/risks/apollo-cross-sell.yaml";
    let full = s.root.join(path);
    std::fs::remove_file(&full).unwrap();
    std::os::unix::fs::symlink(s.root.join("people/alice.yaml"), &full).unwrap();
    s.engine.edit_unread(path, pmo::source::Unread::Link);
    s.agrees("a document replaced by a link");
    std::fs::remove_file(&full).unwrap();
    s.engine.edit(path, None);
    s.agrees("the link removed");
    let big = "# padding\n".repeat(pmo::source::MAX_BYTES / 10 + 1);
    std::fs::write(&full, &big).unwrap();
    s.engine
        .edit_unread(path, pmo::source::Unread::TooLarge(big.len() as u64));
    s.agrees("a document over the size limit");
}
