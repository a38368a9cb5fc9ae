//! `pmo trend` on a temporary repository whose commits, by several authors, carry chosen
//! dates: every point equals what `pmo --rev COMMIT --today DATE portfolio` and `check`
//! say of the commit it read.

mod common;

use common::{Repo, commit_at, copy_dir, git};
use serde_json::Value;

const ALICE: (&str, &str) = ("Alice Martin", "alice@example.org");
const BOB: (&str, &str) = ("Bob Stone", "bob@example.org");
const CAROL: (&str, &str) = ("Carol Nguyen", "carol@example.org");

fn edit(repo: &Repo, path: &str, from: &str, to: &str) {
    let file = repo.join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{path} has no `{from}`");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

/// The Acme example, then a history from July to November 2026: a forecast that moves,
/// a risk removed, a stricter `risk.high_score`, a risk moved and a project added, a
/// pmo.yaml broken across the end of September, and Apollo put on hold.
fn history() -> Repo {
    let repo = Repo::new();
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme"),
        repo.path(),
    );
    git(repo.path(), ALICE, &["init", "-q", "-b", "main"]);
    commit_at(repo.path(), ALICE, "2026-07-10T09:00:00Z", "Acme portfolio");
    let apollo = "projects/apollo/project.yaml";
    edit(&repo, apollo, "cost: 1253500", "cost: 1400000");
    std::fs::remove_file(repo.join("projects/apollo/risks/apollo-cross-sell.yaml")).unwrap();
    commit_at(
        repo.path(),
        BOB,
        "2026-08-05T16:00:00Z",
        "Apollo forecast up; cross-sell risk gone",
    );
    edit(&repo, "pmo.yaml", "high_score: 15", "high_score: 10");
    commit_at(
        repo.path(),
        CAROL,
        "2026-08-20T08:30:00Z",
        "Stricter high risks",
    );
    std::fs::rename(
        repo.join("projects/apollo/risks/apollo-data-quality.yaml"),
        repo.join("projects/apollo/risks/data-quality.yaml"),
    )
    .unwrap();
    std::fs::write(
        repo.join("projects/zephyr.yaml"),
        "kind: project\nid: zephyr\ntitle: Zephyr\nsponsor: dana-whitfield\nmanager: dana-whitfield\nstate: proposed\nphase: initiation\ncurrency: USD\nbaseline:\n  budget: 50000\n",
    )
    .unwrap();
    commit_at(
        repo.path(),
        ALICE,
        "2026-09-12T10:00:00Z",
        "Risk moved, Zephyr proposed",
    );
    edit(&repo, "pmo.yaml", "version: 1", "version: [1");
    commit_at(
        repo.path(),
        BOB,
        "2026-09-28T12:00:00Z",
        "Broken configuration",
    );
    edit(&repo, "pmo.yaml", "version: [1", "version: 1");
    commit_at(
        repo.path(),
        BOB,
        "2026-10-02T12:00:00Z",
        "Configuration fixed",
    );
    edit(&repo, apollo, "state: active", "state: on_hold");
    commit_at(repo.path(), CAROL, "2026-11-20T23:30:00Z", "Apollo on hold");
    repo
}

fn json(repo: &Repo, args: &[&str]) -> Value {
    let out = repo.pmo(args).output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every point read equals `portfolio` and `check` of its commit on its date.
fn each_point_is_its_commit_on_its_day(repo: &Repo, trend: &Value, by: Option<&str>) -> usize {
    let mut read = 0;
    for point in trend["points"].as_array().unwrap() {
        let Some(commit) = point["commit"].as_str() else {
            continue;
        };
        if point.get("broken").is_some() {
            continue;
        }
        read += 1;
        let date = point["date"].as_str().unwrap();
        let mut args = vec![
            "--rev",
            commit,
            "--today",
            date,
            "portfolio",
            "--format",
            "json",
        ];
        if let Some(by) = by {
            args.extend(["--by", by]);
        }
        let portfolio = json(repo, &args);
        assert_eq!(point["totals"], portfolio["totals"], "{date}");
        if by.is_some() {
            assert_eq!(point["rows"], portfolio["rows"], "{date}");
        }
        let check = json(
            repo,
            &[
                "--rev", commit, "--today", date, "check", "--format", "json",
            ],
        );
        assert_eq!(point["errors"], check["summary"]["errors"], "{date}");
        assert_eq!(point["warnings"], check["summary"]["warnings"], "{date}");
        let projects = json(
            repo,
            &[
                "--rev", commit, "--today", date, "ls", "projects", "--format", "json",
            ],
        );
        let states = point["states"].as_object().unwrap();
        for (state, n) in states {
            let counted = projects["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["state"] == state.as_str())
                .count();
            assert_eq!(n.as_u64().unwrap() as usize, counted, "{date} {state}");
        }
    }
    read
}

#[test]
fn each_month_is_the_portfolio_of_its_last_commit_graded_on_its_last_day() {
    let repo = history();
    let trend = json(
        &repo,
        &[
            "trend",
            "--from",
            "2026-06-01",
            "--to",
            "2026-11-25",
            "--format",
            "json",
        ],
    );
    let points = trend["points"].as_array().unwrap();
    let periods: Vec<&str> = points
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(
        periods,
        [
            "2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"
        ]
    );
    let dates: Vec<&str> = points.iter().map(|p| p["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        [
            "2026-06-30",
            "2026-07-31",
            "2026-08-31",
            "2026-09-30",
            "2026-10-31",
            "2026-11-25"
        ]
    );
    // Before the first commit: no commit, said in a note.
    assert_eq!(points[0]["commit"], Value::Null);
    assert!(
        trend["notes"]
            .to_string()
            .contains("before the first commit")
    );
    // The end of September read the broken pmo.yaml: not graded, and said why.
    assert!(
        points[3]["broken"].as_str().unwrap().contains("pmo.yaml"),
        "{:#}",
        points[3]
    );
    assert_eq!(each_point_is_its_commit_on_its_day(&repo, &trend, None), 4);
    // The figures moved as the history did: Apollo's forecast, then Apollo on hold.
    let on_hold = |p: &Value| p["states"]["on_hold"].as_u64().unwrap();
    assert_eq!(on_hold(&points[5]), on_hold(&points[4]) + 1);
    let forecast = |p: &Value| p["totals"][0]["forecast"].as_f64().unwrap();
    assert_eq!(
        forecast(&points[2]) - forecast(&points[1]),
        1_400_000.0 - 1_253_500.0
    );
    // Zephyr is in dollars: a second currency from October (September was not graded).
    assert_eq!(points[4]["totals"].as_array().unwrap().len(), 2);
}

#[test]
fn weeks_end_on_sunday_and_groups_are_the_portfolio_view_s() {
    let repo = history();
    let trend = json(
        &repo,
        &[
            "trend",
            "--every",
            "week",
            "--from",
            "2026-08-01",
            "--to",
            "2026-09-15",
            "--by",
            "program",
            "--format",
            "json",
        ],
    );
    let points = trend["points"].as_array().unwrap();
    let dates: Vec<&str> = points.iter().map(|p| p["date"].as_str().unwrap()).collect();
    assert_eq!(
        dates,
        [
            "2026-08-02",
            "2026-08-09",
            "2026-08-16",
            "2026-08-23",
            "2026-08-30",
            "2026-09-06",
            "2026-09-13",
            "2026-09-15"
        ]
    );
    assert_eq!(points[0]["period"], "2026-W31");
    assert_eq!(
        each_point_is_its_commit_on_its_day(&repo, &trend, Some("program")),
        8
    );
    // Points that read the same commit still grade it on their own day.
    assert_eq!(points[4]["commit"], points[5]["commit"]);
}

#[test]
fn the_text_formats_show_each_figure_and_say_what_is_missing() {
    let repo = history();
    let table = repo.stdout(&["trend", "--from", "2026-06-01", "--to", "2026-11-25"]);
    for title in [
        "Projects and findings",
        "Delivery",
        "Cost",
        "Risks and changes",
    ] {
        assert!(table.contains(title), "{table}");
    }
    assert!(
        table.contains("1 point(s) before the first commit"),
        "{table}"
    );
    assert!(table.contains("2026-09 (2026-09-30): commit"), "{table}");
    let csv = repo.stdout(&[
        "trend",
        "--from",
        "2026-06-01",
        "--to",
        "2026-11-25",
        "--format",
        "csv",
    ]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("period,date,commit,currency,projects,"),
        "{header}"
    );
    assert!(
        header.ends_with("proposed,active,on_hold,closed,cancelled,errors,warnings"),
        "{header}"
    );
    // A row per currency of each point read: 4 points, October and November in two.
    assert_eq!(csv.lines().count(), 1 + 2 + 1 + 1 + 2 + 2, "{csv}");
    let md = repo.stdout(&[
        "trend",
        "--from",
        "2026-06-01",
        "--to",
        "2026-11-25",
        "--format",
        "md",
    ]);
    assert!(
        md.contains("### Cost") && md.contains("| 2026-08 |"),
        "{md}"
    );
}

#[test]
fn a_trend_refuses_what_it_cannot_do() {
    let repo = history();
    repo.refuses(
        &["trend", "--from", "2026-12-01", "--to", "2026-11-01"],
        "is after --to",
    );
    repo.refuses(
        &[
            "trend",
            "--every",
            "day",
            "--from",
            "2020-01-01",
            "--to",
            "2026-11-01",
        ],
        "at most 520",
    );
    repo.refuses(
        &["--as-of", "2026-11-01", "trend"],
        "--as-of means nothing to `pmo trend`",
    );
    let empty = Repo::new();
    git(empty.path(), ALICE, &["init", "-q"]);
    empty.refuses(&["trend"], "no commits yet");
}

/// `1,253,500`, as the reports write money.
fn money(x: f64) -> String {
    let digits = format!("{}", x.round().abs() as i64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

#[test]
fn the_portfolio_report_compares_each_headline_figure_with_its_value_days_before() {
    let repo = history();
    let md = repo.stdout(&["--today", "2026-11-25", "report", "portfolio"]);
    let trend = md
        .split("## Trend")
        .nth(1)
        .unwrap()
        .split("## Projects")
        .next()
        .unwrap();
    // Thirty days before the 25th: the commit of 2 October, graded on 26 October.
    let then = git(
        repo.path(),
        ALICE,
        &["log", "--format=%H", "--grep", "Configuration fixed"],
    );
    let then = then.trim();
    assert!(
        trend.contains(&format!(
            "Against 2026-10-26, 30 days before (commit `{}`",
            &then[..12]
        )),
        "{trend}"
    );
    let past = json(
        &repo,
        &[
            "--rev",
            then,
            "--today",
            "2026-10-26",
            "portfolio",
            "--format",
            "json",
        ],
    );
    let now = json(
        &repo,
        &["--today", "2026-11-25", "portfolio", "--format", "json"],
    );
    let row = |key: &str, label: &str| {
        let (t, n) = (
            past["totals"][0][key].as_f64().unwrap(),
            now["totals"][0][key].as_f64().unwrap(),
        );
        format!(
            "| {label} | {} | {} | {} |",
            money(t),
            money(n),
            money(n - t)
        )
    };
    assert!(trend.contains(&row("forecast", "Forecast")), "{trend}");
    assert!(trend.contains(&row("exposure", "Risk exposure")), "{trend}");
    // A table per currency, a row per month read: July, August, October, November.
    assert!(
        trend.contains("| figure (EUR) | then | now | change |"),
        "{trend}"
    );
    let months = trend.lines().filter(|l| l.starts_with("| 2026-")).count();
    assert_eq!(months, 4 + 2, "{trend}");
    assert!(trend.contains("2026-09 (2026-09-30): commit"), "{trend}");
    // Another distance; and a date before the history.
    let md = repo.stdout(&[
        "--today",
        "2026-11-25",
        "report",
        "portfolio",
        "--compare",
        "7",
    ]);
    assert!(md.contains("Against 2026-11-18, 7 days before"), "{md}");
    let md = repo.stdout(&["--today", "2026-07-20", "report", "portfolio"]);
    assert!(
        md.contains("_No trend: too little history: no commit of the branch is dated on or before 2026-06-20, 30 days before 2026-07-20: the history starts on 2026-07-10._"),
        "{md}"
    );
}

/// Links never read: one that appears, one that replaces a file, and both gone again are
/// each seen at their point, as `check` of that commit sees them.
#[cfg(unix)]
#[test]
fn links_that_come_and_go_are_graded_at_each_point() {
    use std::os::unix::fs::symlink;
    let repo = history();
    let risks = repo.join("projects/apollo/risks");
    symlink("data-quality.yaml", risks.join("alias.yaml")).unwrap();
    commit_at(repo.path(), ALICE, "2026-12-05T10:00:00Z", "A link");
    std::fs::remove_file(risks.join("data-quality.yaml")).unwrap();
    symlink("/etc/passwd", risks.join("data-quality.yaml")).unwrap();
    commit_at(
        repo.path(),
        BOB,
        "2027-01-05T10:00:00Z",
        "A file becomes a link",
    );
    std::fs::remove_file(risks.join("alias.yaml")).unwrap();
    std::fs::remove_file(risks.join("data-quality.yaml")).unwrap();
    commit_at(repo.path(), CAROL, "2027-02-05T10:00:00Z", "Both gone");
    let trend = json(
        &repo,
        &[
            "trend",
            "--from",
            "2026-11-01",
            "--to",
            "2027-02-28",
            "--format",
            "json",
        ],
    );
    assert_eq!(each_point_is_its_commit_on_its_day(&repo, &trend, None), 4);
    let errors: Vec<u64> = trend["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["errors"].as_u64().unwrap())
        .collect();
    assert!(errors[1] > errors[0], "the link is a finding: {errors:?}");
}

/// A point whose pmo.yaml is broken quotes the error, and the error quotes the document:
/// in Markdown the note stays text (no HTML, link or mention, no code span broken out of).
#[test]
fn a_broken_point_s_note_quoting_hostile_text_stays_inert_in_markdown() {
    let repo = history();
    let config = repo.join("pmo.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str(
        "\n\"x` <img src=x onerror=alert(1)> [x](https://evil.example) @octocat `y\": 1\n",
    );
    std::fs::write(&config, text).unwrap();
    commit_at(repo.path(), BOB, "2026-12-05T10:00:00Z", "Hostile key");
    let out = repo.stdout(&[
        "trend",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-20",
        "--format",
        "md",
    ]);
    let note = out
        .lines()
        .find(|l| l.contains("cannot be graded"))
        .unwrap_or_else(|| panic!("no note of the broken point:\n{out}"));
    // Each piece that means something in Markdown is there only escaped.
    for (raw, escaped) in [("<img", "\\<img"), ("](", "\\](")] {
        assert_eq!(
            note.matches(raw).count(),
            note.matches(escaped).count(),
            "{note}"
        );
        assert!(note.contains(escaped), "{note}");
    }
    assert!(
        !note.contains('`') && note.contains("&#96;"),
        "a code span: {note}"
    );
    assert!(!note.contains("@octocat"), "a mention: {note}");
}
