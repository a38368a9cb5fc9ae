//! Every command that writes, end to end: all files or none, never through a symbolic
//! link, and a write killed half way is undone by the next one.
#![cfg(unix)]

mod common;

use assert_cmd::Command;
use common::{APOLLO, BOB, Repo};
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::{Duration, Instant};

/// Every entry below `dir`, relative, sorted: folders end in `/`, links are not
/// followed.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if path.symlink_metadata().unwrap().is_dir() {
            out.push(format!("{rel}/"));
            walk(&path, root, out);
        } else {
            out.push(rel);
        }
    }
}

/// The files below `dir`, leaving out staging folders (which `pmo check` does not read)
/// but for their journals.
fn documents(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|p| !p.ends_with('/'))
        .filter(|p| !p.starts_with(".pmo-write-") || p.ends_with("/journal"))
        .collect()
}

fn staging_folders(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with(".pmo-write-")
        })
        .count()
}

fn stderr_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    stderr
}

#[test]
fn export_writes_no_table_when_a_later_one_is_a_dangling_link() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO);
    let out = tempfile::tempdir().unwrap();
    // `risks.csv` comes after `people.csv` and `projects.csv`.
    symlink(out.path().join("nowhere"), out.path().join("risks.csv")).unwrap();
    let stderr = stderr_of(repo.pmo(&["export", "-o"]).arg(out.path()));
    assert!(
        stderr.contains(
            "risks.csv already exists (a symbolic link); nothing was written (choose another -o DIR)"
        ),
        "{stderr}"
    );
    assert_eq!(tree(out.path()), ["risks.csv"]);
    assert!(!out.path().join("nowhere").exists());
}

/// `--force`: a scheduled job replaces its own output, whole; without it, nothing that
/// exists is replaced; a link is refused either way.
#[test]
fn force_replaces_reports_and_tables_and_nothing_else() {
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO);
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("portfolio.md");
    std::fs::write(&report, "last week's").unwrap();
    let stderr = stderr_of(repo.pmo(&["report", "portfolio", "-o"]).arg(&report));
    assert!(
        stderr.contains("already exists; nothing was written"),
        "{stderr}"
    );
    repo.pmo(&["report", "portfolio", "--force", "-o"])
        .arg(&report)
        .assert()
        .success();
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(written.starts_with("# "), "{written}");

    let tables = out.path().join("tables");
    repo.pmo(&["export", "-o"]).arg(&tables).assert().success();
    std::fs::write(tables.join("people.csv"), "stale").unwrap();
    stderr_of(repo.pmo(&["export", "-o"]).arg(&tables));
    repo.pmo(&["export", "--force", "-o"])
        .arg(&tables)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(tables.join("people.csv"))
            .unwrap()
            .contains("bob")
    );
    // A table that became a link: refused, --force or not.
    std::fs::remove_file(tables.join("risks.csv")).unwrap();
    symlink(out.path().join("nowhere"), tables.join("risks.csv")).unwrap();
    let stderr = stderr_of(repo.pmo(&["export", "--force", "-o"]).arg(&tables));
    assert!(stderr.contains("(a symbolic link)"), "{stderr}");
    assert_eq!(staging_folders(&tables), 0);
}

const PEOPLE: &str = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields: {name: {column: Name}}\n";

#[test]
fn import_writes_no_document_when_a_later_one_is_a_dangling_link() {
    let repo = Repo::new();
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("map.yaml"), PEOPLE).unwrap();
    std::fs::write(
        input.path().join("in.csv"),
        "Id,Name\nada,Ada\nbob,Bob\nzoe,Zoe\n",
    )
    .unwrap();
    std::fs::create_dir(repo.join("people")).unwrap();
    symlink(input.path().join("nowhere"), repo.join("people/zoe.yaml")).unwrap();
    let out = repo
        .pmo(&["import", "--map"])
        .arg(input.path().join("map.yaml"))
        .arg(input.path().join("in.csv"))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // The summary says what happened: nothing.
    assert!(
        stdout.contains("3 rows read; 3 documents not written to"),
        "{stdout}"
    );
    assert!(!stdout.contains("documents written"), "{stdout}");
    assert!(
        stderr.contains("people/zoe.yaml already exists (a symbolic link); nothing was written"),
        "{stderr}"
    );
    assert_eq!(
        tree(repo.path()),
        ["people/", "people/zoe.yaml", "pmo.yaml"]
    );
    assert!(!input.path().join("nowhere").exists());
}

#[test]
fn new_never_writes_through_a_linked_folder() {
    let outside = tempfile::tempdir().unwrap();
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo/project.yaml", APOLLO)
        .file("archive/keep.txt", "");
    // A link to a folder outside the repository, and one to a folder inside it: the
    // rule is "never", so both are refused; the message names the link, not its target.
    symlink(outside.path(), repo.join("projects/apollo/risks")).unwrap();
    symlink(repo.join("archive"), repo.join("objectives")).unwrap();
    for (args, link) in [
        (
            &["new", "risk", "--project", "apollo"][..],
            "projects/apollo/risks",
        ),
        (&["new", "objective", "--title", "Grow"], "objectives"),
    ] {
        let stderr = stderr_of(&mut repo.pmo(args));
        assert!(
            stderr.contains(&format!(
                "{link} in {} is a symbolic link, and pmo does not write through symbolic links; nothing was written",
                repo.path().display()
            )),
            "{stderr}"
        );
        assert!(
            !stderr.contains(&outside.path().display().to_string()),
            "{stderr}"
        );
        assert!(!stderr.contains("archive"), "{stderr}");
    }
    assert_eq!(tree(outside.path()), Vec::<String>::new());
    assert_eq!(tree(&repo.join("archive")), ["keep.txt"]);
}

#[test]
fn report_and_schema_never_write_through_a_linked_folder() {
    let outside = tempfile::tempdir().unwrap();
    let repo = Repo::new()
        .file("people/bob.yaml", BOB)
        .file("projects/apollo.yaml", APOLLO);
    symlink(outside.path(), repo.join("reports")).unwrap();
    let stderr = stderr_of(&mut repo.pmo(&["report", "portfolio", "-o", "reports/p.md"]));
    assert!(stderr.contains("reports in "), "{stderr}");
    assert!(
        stderr.contains("does not write through symbolic links"),
        "{stderr}"
    );
    let stderr = stderr_of(&mut repo.pmo(&["schema", "-o", "reports/schemas"]));
    assert!(
        stderr.contains("does not write through symbolic links"),
        "{stderr}"
    );
    assert_eq!(tree(outside.path()), Vec::<String>::new());
    // Outside a repository, the folder named may be reached through a link: the user
    // chose it.
    let elsewhere = tempfile::tempdir().unwrap();
    symlink(outside.path(), elsewhere.path().join("via")).unwrap();
    repo.pmo(&["report", "portfolio", "-o"])
        .arg(elsewhere.path().join("via/p.md"))
        .assert()
        .success();
    assert_eq!(tree(outside.path()), ["p.md"]);
}

#[test]
fn init_writes_none_of_the_example_when_a_later_file_is_a_dangling_link() {
    let dir = tempfile::tempdir().unwrap();
    let acme = dir.path().join("acme");
    // The last file of the example.
    let last = "projects/orion/risks/orion-wms-interface.yaml";
    std::fs::create_dir_all(acme.join(last).parent().unwrap()).unwrap();
    symlink(dir.path().join("nowhere"), acme.join(last)).unwrap();
    let before = tree(&acme);
    let stderr = stderr_of(
        Command::cargo_bin("pmo")
            .unwrap()
            .arg("-C")
            .arg(dir.path())
            .args(["init", "acme", "--example"]),
    );
    assert!(
        stderr.contains(&format!("already has {last}; nothing was written")),
        "{stderr}"
    );
    assert_eq!(tree(&acme), before);
    assert!(!dir.path().join("nowhere").exists());
}

/// A new repository, and beside it a mapping and a CSV of `rows` people.
fn big_import(rows: usize) -> (Repo, tempfile::TempDir) {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(input.path().join("map.yaml"), PEOPLE).unwrap();
    let mut csv = String::from("Id,Name\n");
    for i in 0..rows {
        csv += &format!("p{i},Person {i}\n");
    }
    std::fs::write(input.path().join("in.csv"), csv).unwrap();
    (Repo::new().file("projects/apollo.yaml", APOLLO), input)
}

fn import_cmd(repo: &Repo, input: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pmo"));
    cmd.arg("-C")
        .arg(repo.path())
        .args(["--color", "never", "import", "--map"])
        .arg(input.join("map.yaml"))
        .arg(input.join("in.csv"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// Killed (SIGKILL) at any moment, an import leaves nothing new or everything among the
/// documents; and a rerun undoes a half-moved set first, so that it works.
#[test]
fn an_import_killed_at_any_moment_leaves_nothing_new_or_everything() {
    const ROWS: usize = 1000;
    const KILLS: u32 = 6;
    let (repo, input) = big_import(ROWS);
    let before = documents(repo.path());
    let started = Instant::now();
    let full_run = import_cmd(&repo, input.path()).output().unwrap();
    let took = started.elapsed();
    assert!(
        full_run.status.success(),
        "{}",
        String::from_utf8_lossy(&full_run.stderr)
    );
    let everything = documents(repo.path());
    assert_eq!(everything.len(), before.len() + ROWS);

    // One import killed at each of several moments spread over the time a whole one
    // takes, side by side; each returns whether it left a staging folder (it was
    // killed while writing).
    let killed_while_writing = |k: u32| {
        let (repo, input) = big_import(ROWS);
        let mut child = import_cmd(&repo, input.path()).spawn().unwrap();
        std::thread::sleep(took * k / (KILLS + 1));
        let _ = child.kill();
        child.wait().unwrap();
        let after = documents(repo.path());
        // Killed while moving files into place (a few milliseconds), it leaves part of
        // them, and the journal that lets the next write undo them.
        let moving = after
            .iter()
            .any(|p| p.starts_with(".pmo-write-") && p.ends_with("/journal"));
        assert!(
            after == before
                || after == everything
                || moving
                    && after
                        .iter()
                        .all(|p| everything.contains(p) || p.starts_with(".pmo-write-")),
            "killed after {:?}: {} of {ROWS} documents",
            took * k / (KILLS + 1),
            after.len() - before.len()
        );
        let staging = staging_folders(repo.path()) > 0;
        // The rerun undoes what the killed one left, then writes everything; if the
        // killed one had finished, the rerun finds the files and writes nothing.
        let rerun = assert_cmd::Command::from_std(import_cmd(&repo, input.path()))
            .timeout(Duration::from_secs(600))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&rerun.stderr);
        // It says what it undid.
        assert_eq!(staging, stderr.contains("that was interrupted"), "{stderr}");
        if !rerun.status.success() {
            assert_eq!(after, everything, "{stderr}");
            assert!(stderr.contains("already exists"), "{stderr}");
        }
        assert_eq!(documents(repo.path()), everything, "{stderr}");
        assert_eq!(staging_folders(repo.path()), 0, "{stderr}");
        staging
    };
    let mid_write = std::thread::scope(|s| {
        let runs: Vec<_> = (1..=KILLS)
            .map(|k| s.spawn(move || killed_while_writing(k)))
            .collect();
        runs.into_iter()
            .filter_map(|r| r.join().unwrap().then_some(()))
            .count()
    });
    assert!(mid_write > 0, "no kill landed while the files were written");
}
