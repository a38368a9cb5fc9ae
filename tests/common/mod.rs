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

    /// `pmo -C <repo> --today 2026-11-20 --color never ARGS`, each global option only
    /// where the command takes it (pmo refuses one that means nothing to the command).
    pub fn pmo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("pmo").unwrap();
        let (chdir, today, color) = takes(args);
        if chdir {
            cmd.arg("-C").arg(self.path());
        }
        if today {
            cmd.args(["--today", "2026-11-20"]);
        }
        if color {
            cmd.args(["--color", "never"]);
        }
        cmd.args(args);
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

/// Whether the command `args` start with takes `-C`, `--today` and `--color`.
pub fn takes(args: &[&str]) -> (bool, bool, bool) {
    let has = |flag: &str| {
        args.iter()
            .any(|a| *a == flag || a.starts_with(&format!("{flag}=")))
    };
    // The command: the first argument that is neither a global option nor its value.
    let mut rest = args.iter();
    let mut command = "";
    while let Some(a) = rest.next() {
        match *a {
            "-C" | "--today" | "--rev" | "--as-of" | "--color" => {
                rest.next();
            }
            a if a.starts_with('-') => {}
            a => {
                command = a;
                break;
            }
        }
    }
    let chdir = true;
    let today = !has("--today")
        && match command {
            "history" | "baselines" | "blame" | "import" | "schema" | "explain" => false,
            "rules" => has("--test"),
            "init" => has("--example"),
            "diff" => has("--check"),
            "report" => !has("--list"),
            _ => true,
        };
    let color = matches!(
        command,
        "check" | "ls" | "portfolio" | "capacity" | "rank" | "import"
    );
    (chdir, today, color)
}

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

/// `(code, file, line, column)` of every finding of a JSON report.
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

/// Run `git` in `dir` as `author` (name, email), with no configuration of the machine's.
pub fn git(dir: &Path, author: (&str, &str), args: &[&str]) -> String {
    git_at(dir, author, None, args)
}

/// Everything in `dir` committed by `author` with `message`, authored and committed at
/// `date` (an RFC 3339 instant such as `2026-11-15T10:00:00Z`).
pub fn commit_at(dir: &Path, author: (&str, &str), date: &str, message: &str) {
    git(dir, author, &["add", "-A"]);
    git_at(dir, author, Some(date), &["commit", "-qm", message]);
}

/// [`git`], with author and committer dates set to `date` when given.
pub fn git_at(dir: &Path, author: (&str, &str), date: Option<&str>, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new("git");
    if let Some(date) = date {
        cmd.env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
    }
    let out = cmd
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", author.0)
        .env("GIT_AUTHOR_EMAIL", author.1)
        .env("GIT_COMMITTER_NAME", author.0)
        .env("GIT_COMMITTER_EMAIL", author.1)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git is installed");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `cmd` with its data segment capped at `bytes` (RLIMIT_DATA; RLIMIT_AS would count the
/// address space that mimalloc and rayon reserve without using it). Past the cap an
/// allocation fails and the process aborts: a test that finishes under the cap shows the
/// work is bounded.
#[cfg(unix)]
pub fn capped(cmd: &Command, bytes: u64) -> Command {
    use std::os::unix::process::CommandExt;
    let mut inner = std::process::Command::new(cmd.get_program());
    inner.args(cmd.get_args());
    for (key, value) in cmd.get_envs() {
        match value {
            Some(value) => inner.env(key, value),
            None => inner.env_remove(key),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        inner.current_dir(dir);
    }
    // Only async-signal-safe work between fork and exec: one system call.
    unsafe {
        inner.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            match libc::setrlimit(libc::RLIMIT_DATA, &limit) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
    }
    Command::from_std(inner)
}
