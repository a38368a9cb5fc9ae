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

fn report(name: &str, project: Option<&str>, out: &Path) -> PathBuf {
    let file = out.join(format!("{name}.html"));
    let _ = std::fs::remove_file(&file);
    let mut cmd = Command::cargo_bin("pmo").unwrap();
    cmd.args([
        "-C",
        "examples/acme",
        "--today",
        "2026-11-20",
        "-q",
        "report",
        name,
    ]);
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
    // Each report with the number of charts it draws on the example.
    let reports = [
        ("portfolio", None, 4),
        ("status", Some("apollo"), 2),
        ("risks", None, 1),
        ("changes", None, 0),
        ("gate", Some("apollo"), 1),
    ];
    for (name, project, charts) in reports {
        let html = report(name, project, &out);
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
