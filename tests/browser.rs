//! The HTML reports in a real headless browser (Chromium): each renders without console
//! errors, has its SVG charts, and leaves a screenshot in the test output directory.
//! Where no browser is installed the test says so and passes, except in CI (`CI` set),
//! where a missing browser fails it: .ci/run installs Debian's chromium.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

/// `PMO_CHROMIUM`, else the first of the usual names found on PATH.
fn browser() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PMO_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = ["chromium", "chromium-browser", "google-chrome", "chrome"];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

fn report(dir: &Path, name: &str, project: Option<&str>, out: &Path) -> PathBuf {
    let file = out.join(format!("{name}.html"));
    let _ = std::fs::remove_file(&file);
    let mut cmd = Command::cargo_bin("pmo").unwrap();
    cmd.arg("-C")
        .arg(dir)
        .args(["--today", "2026-11-20", "-q", "report", name]);
    if let Some(p) = project {
        cmd.args(["--project", p]);
    }
    cmd.args(["--format", "html", "-o"]).arg(&file);
    cmd.assert().success();
    file
}

#[test]
fn html_reports_render_in_a_headless_browser() {
    let Some(chromium) = browser() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have a browser: install Debian's chromium (.ci/run does)"
        );
        eprintln!(
            "SKIPPED: no Chromium found (set PMO_CHROMIUM); the HTML reports were not opened in a browser"
        );
        return;
    };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reports");
    std::fs::create_dir_all(&out).unwrap();
    // The example with a history: a commit in September, and one in November that raises
    // Apollo's forecast, for the portfolio's trend.
    let dated = tempfile::tempdir().unwrap();
    let history = dated.path().join("acme");
    copy(Path::new("examples/acme"), &history);
    let git = |date: &str, args: &[&str]| {
        let out = Process::new("git")
            .current_dir(&history)
            .args(args)
            .env("GIT_AUTHOR_NAME", "Alice")
            .env("GIT_AUTHOR_EMAIL", "alice@example.org")
            .env("GIT_COMMITTER_NAME", "Alice")
            .env("GIT_COMMITTER_EMAIL", "alice@example.org")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", &history)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git("2026-09-01T10:00:00Z", &["init", "-q"]);
    git("2026-09-01T10:00:00Z", &["add", "-A"]);
    git("2026-09-01T10:00:00Z", &["commit", "-qm", "Acme"]);
    let apollo = history.join("projects/apollo/project.yaml");
    let text = std::fs::read_to_string(&apollo).unwrap();
    std::fs::write(&apollo, text.replacen("cost: 1253500", "cost: 1400000", 1)).unwrap();
    git(
        "2026-11-01T10:00:00Z",
        &["commit", "-qam", "Apollo forecast up"],
    );
    let example = Path::new("examples/acme");
    // Each report with the number of charts it draws on the example: the portfolio's
    // trend adds RAG per month and budget against forecast per month.
    let reports = [
        ("portfolio", None, 4),
        ("status", Some("apollo"), 2),
        ("risks", None, 1),
        ("changes", None, 0),
        ("gate", Some("apollo"), 1),
    ];
    let with_history = [("portfolio", None, 6)];
    let runs = reports.iter().map(|r| (example, "", r)).chain(
        with_history
            .iter()
            .map(|r| (history.as_path(), "-trend", r)),
    );
    for (dir, suffix, &(name, project, charts)) in runs {
        let out = out.join(format!("{name}{suffix}"));
        std::fs::create_dir_all(&out).unwrap();
        let html = report(dir, name, project, &out);
        let url = format!("file://{}", html.display());
        let shot = out.join(format!("{name}.png"));
        let run = Process::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--enable-logging=stderr",
                "--log-level=0",
                "--window-size=1100,2000",
                "--dump-dom",
            ])
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url)
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&run.stderr);
        let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
        assert!(console.is_empty(), "{name}: console messages: {console:#?}");
        let dom = String::from_utf8_lossy(&run.stdout);
        // The DOM as the browser built it: the charts survived parsing.
        let svgs = dom.matches("<svg").count();
        assert!(
            svgs >= charts,
            "{name}: expected at least {charts} charts, found {svgs}"
        );
        assert!(
            dom.contains("</main>"),
            "{name}: the page did not load: {log}"
        );
        assert!(shot.exists(), "{name}: no screenshot; browser log: {log}");
        eprintln!("screenshot: {}", shot.display());
    }
}

/// A copy of the folder `from` at `to`.
fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            copy(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}
