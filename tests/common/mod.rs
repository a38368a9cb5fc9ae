//! A governance repository in a temporary directory, built file by file.
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub struct Repo {
    pub dir: tempfile::TempDir,
}

pub const CONFIG: &str = "version: 1\nroles: [sponsor, ccb]\n";

impl Default for Repo {
    fn default() -> Self {
        Repo::with_config(CONFIG)
    }
}

impl Repo {
    pub fn new() -> Repo {
        Repo::with_config(CONFIG)
    }

    pub fn with_config(config: &str) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.file("pmo.yaml", config)
    }

    pub fn file(self, path: &str, text: &str) -> Repo {
        self.bytes(path, text.as_bytes())
    }

    pub fn bytes(self, path: &str, bytes: &[u8]) -> Repo {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }

    /// `pmo -C <repo> --today 2026-11-20 --color never ARGS`
    pub fn pmo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("pmo").unwrap();
        cmd.arg("-C")
            .arg(self.path())
            .args(["--today", "2026-11-20", "--color", "never"])
            .args(args);
        cmd
    }

    /// The standard output of `pmo ARGS`, which must succeed.
    pub fn stdout(&self, args: &[&str]) -> String {
        succeeds(&mut self.pmo(args))
    }

    /// `pmo ARGS` stops with exit status 2 and says `says` on stderr.
    pub fn refuses(&self, args: &[&str], says: &str) {
        self.pmo(args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(says));
    }

    /// The JSON report of `pmo check --format json`.
    pub fn check_json(&self) -> serde_json::Value {
        self.report(&["check"]).1
    }

    /// `pmo ARGS --format json` (a check): its exit code and JSON report.
    pub fn report(&self, args: &[&str]) -> (i32, serde_json::Value) {
        let out = self.pmo(args).args(["--format", "json"]).output().unwrap();
        let json = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        (out.status.code().unwrap_or(-1), json)
    }

    /// `(code, file, line, column)` of every finding.
    pub fn findings(&self) -> Vec<(String, String, u64, u64)> {
        findings_in(&self.check_json())
    }
}

/// `(code, file, line, column)` of every finding of a JSON report.
/// The standard output of a command that must succeed; both outputs are shown if it
/// does not.
pub fn succeeds(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn findings_in(report: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub fn f(code: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (code.to_owned(), file.to_owned(), line, column)
}

pub const BOB: &str = "kind: person\nid: bob\nname: Bob Stone\nroles: [sponsor]\n";
pub const APOLLO: &str = "kind: project\nid: apollo\ntitle: Apollo\nsponsor: bob\nmanager: bob\nstate: proposed\nphase: initiation\n";

/// Copy a folder (an example, its configuration) into a new place.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
