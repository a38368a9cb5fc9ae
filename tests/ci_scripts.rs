//! The scripts the action and the pre-commit hook run, without the network: installing a
//! release from a local folder shaped like the project's releases (the checksum decides),
//! and keeping one pull-request comment current through a fake `gh` that keeps comments
//! in a file and answers `--jq` with jq, as the real one does.

use std::path::{Path, PathBuf};
use std::process::Command;

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(name)
}

/// The target install-pmo picks on this machine.
fn target() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-gnu",
        _ => "x86_64-unknown-linux-gnu",
    }
}

/// A release folder `download/vVERSION/` (and `latest/download/`) holding an archive
/// with a `pmo` that prints `fake pmo`, and its checksum (`good`: the archive's).
fn release(dir: &Path, version: &str, good: bool) -> String {
    let staging = dir.join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(staging.join("pmo"), "#!/bin/sh\necho fake pmo \"$@\"\n").unwrap();
    let archive = format!("pmo-{}.tar.gz", target());
    for folder in [format!("download/v{version}"), "latest/download".into()] {
        let out = dir.join(&folder);
        std::fs::create_dir_all(&out).unwrap();
        let status = Command::new("tar")
            .args(["-czf", out.join(&archive).to_str().unwrap(), "-C"])
            .arg(&staging)
            .arg("pmo")
            .status()
            .unwrap();
        assert!(status.success());
        let sum = Command::new("sha256sum")
            .arg(out.join(&archive))
            .output()
            .unwrap();
        let mut line = String::from_utf8(sum.stdout).unwrap();
        if !good {
            line = format!("{}{}", "0".repeat(64), &line[64..]);
        }
        std::fs::write(out.join(format!("{archive}.sha256")), line).unwrap();
    }
    format!("file://{}", dir.display())
}

fn install(releases: &str, version: &str, into: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(script("install-pmo"))
        .args([version, into.to_str().unwrap()])
        .env("PMO_RELEASES", releases)
        .output()
        .unwrap()
}

#[test]
fn a_release_is_installed_only_when_its_checksum_matches() {
    let dir = tempfile::tempdir().unwrap();
    let releases = release(&dir.path().join("releases"), "9.9.9", true);
    let bin = dir.path().join("bin");
    for version in ["9.9.9", "v9.9.9", "latest"] {
        let out = install(&releases, version, &bin);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ran = Command::new(bin.join("pmo")).arg("check").output().unwrap();
        assert_eq!(String::from_utf8_lossy(&ran.stdout), "fake pmo check\n");
        std::fs::remove_file(bin.join("pmo")).unwrap();
    }
    // A version that was not released, and an archive that is not what was published.
    assert!(!install(&releases, "1.0.0", &bin).status.success());
    let forged = release(&dir.path().join("forged"), "9.9.9", false);
    let out = install(&forged, "9.9.9", &bin);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not match its published checksum"));
    assert!(!bin.join("pmo").exists(), "nothing is installed");
}

/// A `gh` that keeps an issue's comments in `comments.json` beside it: `api --paginate
/// .../comments --jq EXPR` lists them through jq, `--method POST` adds one by
/// `github-actions[bot]`, `--method PATCH .../comments/ID` replaces one's body.
const FAKE_GH: &str = r#"#!/usr/bin/env python3
import json, os, subprocess, sys
state = os.path.join(os.path.dirname(os.path.abspath(__file__)), "comments.json")
comments = json.load(open(state))
args = sys.argv[1:]
assert args[0] == "api", args
method = args[args.index("--method") + 1] if "--method" in args else "GET"
path = [a for a in args[1:] if a.startswith("repos/")][0]
body = next((a[5:] for a in args if a.startswith("body=")), None)
with open(state + ".log", "a") as log:
    log.write(f"{method} {path}\n")
if method == "GET":
    jq = args[args.index("--jq") + 1]
    out = subprocess.run(["jq", "-r", jq], input=json.dumps(comments), capture_output=True, text=True, check=True)
    sys.stdout.write(out.stdout)
elif method == "POST":
    comments.append({"id": 100 + len(comments), "user": {"login": "github-actions[bot]"}, "body": body})
elif method == "PATCH":
    id = int(path.rsplit("/", 1)[1])
    [c for c in comments if c["id"] == id][0]["body"] = body
json.dump(comments, open(state, "w"))
"#;

#[test]
fn one_pull_request_comment_is_created_once_then_edited() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::fs::write(bin.join("gh"), FAKE_GH).unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(bin.join("gh"))
        .status()
        .unwrap();
    // Someone else's comment that starts with the marker is not pmo's.
    let other = serde_json::json!([
        {"id": 1, "user": {"login": "reviewer"}, "body": "LGTM"},
        {"id": 2, "user": {"login": "mallory"}, "body": "<!-- pmo: portfolio change -->\nforged"}
    ]);
    std::fs::write(bin.join("comments.json"), other.to_string()).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let comment = |text: &str| {
        let body = dir.path().join("body.md");
        std::fs::write(&body, text).unwrap();
        let out = Command::new("bash")
            .arg(script("pr-comment"))
            .args(["7", body.to_str().unwrap()])
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(comment("first push"), "pr-comment: created the comment\n");
    assert_eq!(comment("second push"), "pr-comment: updated comment 102\n");
    assert_eq!(comment("third push"), "pr-comment: updated comment 102\n");
    let comments: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bin.join("comments.json")).unwrap()).unwrap();
    let bodies: Vec<&str> = comments
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "LGTM",
            "<!-- pmo: portfolio change -->\nforged",
            "<!-- pmo: portfolio change -->\n\nthird push"
        ]
    );
    let log = std::fs::read_to_string(bin.join("comments.json.log")).unwrap();
    assert_eq!(
        log.lines().filter(|l| l.starts_with("POST")).count(),
        1,
        "{log}"
    );
}

/// The pre-commit hook installs the release of its own version once, then runs `pmo
/// check` with what pre-commit passes.
#[test]
fn the_pre_commit_hook_runs_the_release_of_its_version() {
    let dir = tempfile::tempdir().unwrap();
    let releases = release(
        &dir.path().join("releases"),
        env!("CARGO_PKG_VERSION"),
        true,
    );
    let cache = dir.path().join("cache");
    let hook = || {
        Command::new("bash")
            .arg(script("pre-commit-pmo"))
            .args(["-q", "people/bob.yaml"])
            .env("PMO_RELEASES", &releases)
            .env("XDG_CACHE_HOME", &cache)
            .output()
            .unwrap()
    };
    let out = hook();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "fake pmo check -q people/bob.yaml\n"
    );
    assert!(
        cache
            .join(format!("pmo/{}/pmo", env!("CARGO_PKG_VERSION")))
            .exists()
    );
    // Installed once: a second run needs no release.
    std::fs::remove_dir_all(dir.path().join("releases")).unwrap();
    assert!(hook().status.success());
    // The hooks file and the action name scripts that are there.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    assert!(hooks.contains("entry: scripts/pre-commit-pmo -q"));
    let action = std::fs::read_to_string(root.join("action.yml")).unwrap();
    for name in ["install-pmo", "pr-comment"] {
        assert!(action.contains(&format!("$GITHUB_ACTION_PATH/scripts/{name}")));
        assert!(script(name).is_file());
    }
}
