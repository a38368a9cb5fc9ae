//! `pmo ls`, `portfolio`, `capacity`, `rank` and `export` end to end. The expected figures
//! of tests/fixtures/views are worked out by hand from its YAML (the arithmetic is in the
//! comments), not taken from the program's output.

mod common;

use assert_cmd::Command;
use common::Repo;
use predicates::prelude::*;
use serde_json::{Value, json};
use std::path::Path;

const FIXTURE: &str = "tests/fixtures/views";

/// `pmo -C DIR --today 2026-11-20 --color never ARGS`, `--color` only where the command
/// colours its output (pmo refuses it elsewhere).
fn pmo_in(dir: &str, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("pmo").unwrap();
    cmd.args(["-C", dir, "--today", "2026-11-20"]);
    if common::takes(args).2 {
        cmd.args(["--color", "never"]);
    }
    cmd.args(args);
    cmd
}

fn stdout(dir: &str, args: &[&str]) -> String {
    common::succeeds(&mut pmo_in(dir, args))
}

fn json_of(dir: &str, args: &[&str]) -> Value {
    let mut args = args.to_vec();
    args.extend(["--format", "json"]);
    serde_json::from_str(&stdout(dir, &args)).unwrap()
}

/// The `id` of each row `pmo ARGS --format json` lists.
fn ids(dir: &str, args: &[&str]) -> Vec<String> {
    json_of(dir, args)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The row whose `key` is `value`.
fn row<'a>(rows: &'a Value, key: &str, value: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r[key] == value)
        .unwrap_or_else(|| panic!("no row with {key} = {value} in {rows:#}"))
}

fn close(v: &Value, expected: f64) -> bool {
    (v.as_f64().unwrap() - expected).abs() < 1e-3
}

#[test]
fn portfolio_totals_by_program_and_currency() {
    // Every state, as the hand-worked figures below count p5 (closed).
    let v = json_of(FIXTURE, &["portfolio", "--all"]);
    assert_eq!(v["by"], "program");
    let rows = &v["rows"];
    // Groups sort by name, `(none)` last; beta has a project in EUR and one in GBP.
    let groups: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["program"].as_str().unwrap(),
                r["currency"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("alpha", "EUR"),
            ("beta", "EUR"),
            ("beta", "GBP"),
            ("(none)", "EUR")
        ]
    );

    // alpha = p1 + p2.
    // p1: forecast 108,000 on 100,000 is 8 % over (amber); 10 days late (green): amber.
    // p2: 56,000 on 50,000 is 12 % over (red): red. Reported: p1 green (differs), p2 none.
    // p2 is active without a status update: stale.
    // Variance: (100,000 - 108,000) + (50,000 - 56,000) = -14,000.
    // p1 PV: 182 of 364 days at 2026-07-02 = 50,000; EV 50 % = 50,000; AC 60,000.
    // p2 PV: past its finish = 50,000; EV 80 % = 40,000; AC 40,000.
    // CPI = 90,000 / 100,000 = 0.9; SPI = 90,000 / 100,000 = 0.9.
    // Open risks r1 (16, high), r2 (6), r4 (15, high); exposure 0.7 x 10,000 + 0.3 x
    // 20,000 = 13,000 (r4 has no cost impact, r3 is closed).
    // Open changes c1 (5,000) and c3 (3,000): 8,000 pending; c2 is approved.
    let alpha = &rows[0];
    assert_eq!(
        (
            &alpha["projects"],
            &alpha["rag_green"],
            &alpha["rag_amber"],
            &alpha["rag_red"],
            &alpha["rag_none"]
        ),
        (&json!(2), &json!(0), &json!(1), &json!(1), &json!(0))
    );
    assert_eq!(alpha["reported_green"], 1);
    assert_eq!(alpha["reported_none"], 1);
    assert_eq!(alpha["rag_differs"], 1);
    assert_eq!(alpha["stale_status"], 1);
    assert_eq!(alpha["budget"], 150000.0);
    assert_eq!(alpha["forecast"], 164000.0);
    assert_eq!(alpha["actual"], 100000.0);
    assert_eq!(alpha["variance"], -14000.0);
    assert!(close(&alpha["pv"], 100000.0));
    assert!(close(&alpha["ev"], 90000.0));
    assert!(close(&alpha["cpi"], 0.9));
    assert!(close(&alpha["spi"], 0.9));
    assert_eq!(alpha["open_risks"], 3);
    assert_eq!(alpha["high_risks"], 2);
    assert!(close(&alpha["exposure"], 13000.0));
    assert_eq!(alpha["open_changes"], 2);
    assert_eq!(alpha["pending_cost"], 8000.0);

    // beta in EUR is p3 alone: proposed, no baseline: no RAG, no indices.
    let beta_eur = &rows[1];
    assert_eq!(beta_eur["rag_none"], 1);
    assert_eq!(beta_eur["budget"], Value::Null);
    assert_eq!(beta_eur["cpi"], Value::Null);

    // p4 in GBP: 190,000 on 200,000 (green), on time (green); reported amber 50 days
    // ago: differs, stale. PV 100,000, EV 80,000, AC 90,000: CPI 0.889, SPI 0.8.
    // Exposure 0.1 x 50,000 = 5,000.
    let beta_gbp = &rows[2];
    assert_eq!(beta_gbp["rag_green"], 1);
    assert_eq!(beta_gbp["reported_amber"], 1);
    assert_eq!(beta_gbp["rag_differs"], 1);
    assert_eq!(beta_gbp["stale_status"], 1);
    assert_eq!(beta_gbp["variance"], 10000.0);
    assert!(close(&beta_gbp["cpi"], 80000.0 / 90000.0));
    assert!(close(&beta_gbp["spi"], 0.8));
    assert!(close(&beta_gbp["exposure"], 5000.0));

    // Totals: one per currency, never added across. EUR = p1, p2, p3, p5.
    // p5: PV 30,000 (finished), EV 30,000, AC 29,000; green, reported green, closed.
    // CPI = 120,000 / 129,000; SPI = 120,000 / 130,000.
    let totals = &v["totals"];
    let eur = row(totals, "currency", "EUR");
    assert_eq!(eur["program"], "Total");
    assert_eq!(eur["projects"], 4);
    assert_eq!(
        (
            &eur["rag_green"],
            &eur["rag_amber"],
            &eur["rag_red"],
            &eur["rag_none"]
        ),
        (&json!(1), &json!(1), &json!(1), &json!(1))
    );
    assert_eq!(eur["reported_green"], 2);
    assert_eq!(eur["budget"], 180000.0);
    assert_eq!(eur["forecast"], 194000.0);
    assert_eq!(eur["actual"], 129000.0);
    assert!(close(&eur["cpi"], 120000.0 / 129000.0));
    assert!(close(&eur["spi"], 120000.0 / 130000.0));
    let gbp = row(totals, "currency", "GBP");
    assert_eq!(gbp["projects"], 1);
    assert_eq!(gbp["budget"], 200000.0);

    let notes = v["notes"].to_string();
    assert!(notes.contains("2 currencies (EUR, GBP)"), "{notes}");
    assert!(
        notes.contains("1 project without a baseline budget"),
        "{notes}"
    );
}

#[test]
fn portfolio_figures_are_over_projects_not_closed_or_cancelled() {
    // p5 is closed: out by default, in with --all; one basis for every figure.
    let v = json_of(FIXTURE, &["portfolio"]);
    let eur = row(&v["totals"], "currency", "EUR");
    assert_eq!(eur["projects"], 3);
    assert_eq!(eur["budget"], 150000.0);
    assert_eq!(eur["actual"], 100000.0);
    assert_eq!(eur["variance_projects"], 2);
    let notes = v["notes"].to_string();
    assert!(
        notes.contains("Figures are over 4 projects not closed or cancelled; 1 closed or cancelled left out (`--all` counts them)."),
        "{notes}"
    );
    assert!(
        notes.contains("Variance is budget minus forecast over the 3 projects with both."),
        "{notes}"
    );
    let all = json_of(FIXTURE, &["portfolio", "--all"]);
    assert_eq!(row(&all["totals"], "currency", "EUR")["projects"], 4);
    assert!(
        all["notes"]
            .to_string()
            .contains("Figures are over 5 projects of every state.")
    );
}

#[test]
fn views_read_the_checks_verdict_as_configured() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(Path::new(FIXTURE), dir.path());
    let path = dir.path().to_str().unwrap();
    let stale = |dir: &str| json_of(dir, &["portfolio"])["totals"][0]["stale_status"].clone();
    // p2 (no status update) and p4 (50 days old) are stale by T002.
    let base = std::fs::read_to_string(dir.path().join("pmo.yaml")).unwrap();
    assert_eq!(stale(path), 1, "EUR: p2");
    // A waiver silences T002 for p2: the view says what check says.
    let waived = format!(
        "{base}waivers:\n  - {{rule: T002, id: p2, reason: paused reporting, owner: ann, expires: 2027-01-31}}\n"
    );
    std::fs::write(dir.path().join("pmo.yaml"), waived).unwrap();
    assert_eq!(stale(path), 0);
    std::fs::write(
        dir.path().join("pmo.yaml"),
        format!("{base}rules: {{T002: off}}\n"),
    )
    .unwrap();
    assert_eq!(stale(path), 0);
}

#[test]
fn portfolio_groups_by_state_and_objective() {
    let v = json_of(FIXTURE, &["portfolio", "--by", "state", "--all"]);
    let active = row(&v["rows"], "state", "active");
    // p1, p2 in EUR; p4 is in GBP and has its own row.
    assert_eq!(active["currency"], "EUR");
    assert_eq!(active["projects"], 2);
    assert_eq!(row(&v["rows"], "state", "proposed")["projects"], 1);
    assert_eq!(row(&v["rows"], "state", "closed")["projects"], 1);

    let v = json_of(
        "examples/acme",
        &["portfolio", "--by", "objective", "--all"],
    );
    let total = &v["totals"][0];
    // A project with several objectives counts in each group, once in the total.
    let in_groups: i64 = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["projects"].as_i64().unwrap())
        .sum();
    assert!(in_groups >= total["projects"].as_i64().unwrap());
    assert_eq!(total["projects"], 6);
}

#[test]
fn portfolio_table_and_markdown() {
    insta::assert_snapshot!("portfolio_table", stdout(FIXTURE, &["portfolio"]));
    insta::assert_snapshot!(
        "portfolio_md_acme",
        stdout("examples/acme", &["portfolio", "--format", "md"])
    );
}

#[test]
fn json_shapes() {
    insta::assert_snapshot!(
        "portfolio_json",
        stdout(FIXTURE, &["portfolio", "--format", "json"])
    );
    insta::assert_snapshot!(
        "ls_changes_json",
        stdout(FIXTURE, &["ls", "changes", "--format", "json"])
    );
    insta::assert_snapshot!("rank_json", stdout(FIXTURE, &["rank", "--format", "json"]));
}

#[test]
fn an_empty_portfolio_has_nothing_to_add_up() {
    let repo = Repo::new();
    let v: Value = serde_json::from_str(&repo.stdout(&["portfolio", "--format", "json"])).unwrap();
    assert_eq!(v["rows"], json!([]));
    assert!(v["notes"].to_string().contains("No projects"), "{v}");
    for args in [
        &["ls", "risks"][..],
        &["capacity"],
        &["portfolio", "--format", "md"],
    ] {
        repo.pmo(args).assert().success();
    }
    repo.refuses(&["rank"], "no `scoring.criteria`");
}

#[test]
fn amounts_past_integer_range_are_shown_whole_and_overflowing_sums_are_not_numbers() {
    let project = |id: &str, budget: &str| {
        format!(
            "kind: project\nid: {id}\ntitle: {id}\nsponsor: bob\nmanager: bob\nstate: active\nphase: initiation\ncurrency: EUR\nbaseline: {{budget: {budget}}}\n"
        )
    };
    let repo = Repo::new()
        .file("people/bob.yaml", common::BOB)
        .file(
            "projects/big/project.yaml",
            &project("big", "200000000000000000"),
        )
        .file("projects/x/project.yaml", &project("x", "1.7e308"))
        .file("projects/y/project.yaml", &project("y", "1.7e308"));
    repo.pmo(&["ls", "projects"])
        .assert()
        .success()
        .stdout(predicate::str::contains("200,000,000,000,000,000"));
    // x + y is past what a float holds: shown as such, never as a wrapped integer.
    repo.pmo(&["portfolio"])
        .assert()
        .success()
        .stdout(predicate::str::contains("∞"))
        .stdout(predicate::str::contains("184,467").not());
    let out = repo
        .pmo(&["portfolio", "--format", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(!csv.contains("inf"), "{csv}");
}

#[test]
fn ls_lists_risks_with_their_score_highest_first() {
    let v = json_of(FIXTURE, &["ls", "risks"]);
    assert_eq!(v["kind"], "risk");
    let ids: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    // Scores: r3 25, r1 16, r4 15, r2 6, r5 2.
    assert_eq!(ids, ["r3", "r1", "r4", "r2", "r5"]);
    let r1 = row(&v["rows"], "id", "r1");
    assert_eq!(r1["score"], 16);
    assert!(close(&r1["exposure"], 7000.0));
}

#[test]
fn ls_filters() {
    let ids = |args: &[&str]| ids(FIXTURE, args);
    assert_eq!(
        ids(&["ls", "risk", "--open", "--min-score", "15"]),
        ["r1", "r4"]
    );
    assert_eq!(ids(&["ls", "risk", "--project", "p4"]), ["r5"]);
    assert_eq!(ids(&["ls", "risk", "--owner", "cat"]), ["r5"]);
    assert_eq!(ids(&["ls", "risk", "--status", "closed"]), ["r3"]);
    assert_eq!(ids(&["ls", "changes", "--open"]), ["c1", "c3"]);
    assert_eq!(
        ids(&["ls", "projects", "--status", "active"]),
        ["p1", "p2", "p4"]
    );
    assert_eq!(ids(&["ls", "projects", "--owner", "ben"]), ["p2", "p3"]);
    assert_eq!(
        ids(&["ls", "projects", "--sort", "-budget"]),
        ["p4", "p1", "p2", "p5", "p3"]
    );
    assert_eq!(
        ids(&["ls", "people", "--sort", "name"]),
        ["ann", "ben", "cat"]
    );
    assert!(ids(&["ls", "projects", "--tag", "none-has-it"]).is_empty());
}

#[test]
fn ls_filters_by_tag_on_the_example() {
    let ids = |args: &[&str]| ids("examples/acme", args);
    assert_eq!(
        ids(&["ls", "projects", "--tag", "customer"]),
        ["apollo", "hermes"]
    );
    assert_eq!(
        ids(&["ls", "projects", "--tag", "customer", "--tag", "crm"]),
        ["apollo"]
    );
}

#[test]
fn ls_refuses_what_does_not_apply() {
    let cases: [(&[&str], &str); 5] = [
        (&["ls", "risk", "--status", "opne"], "did you mean `open`?"),
        (
            &["ls", "people", "--open"],
            "--open does not apply to person",
        ),
        (&["ls", "projects", "--min-score", "3"], "risks only"),
        (&["ls", "risk", "--sort", "scroe"], "did you mean `score`?"),
        (&["ls", "riks"], "did you mean `risk`?"),
    ];
    for (args, message) in cases {
        pmo_in(FIXTURE, args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
}

#[test]
fn ls_computes_project_and_change_columns() {
    let v = json_of(FIXTURE, &["ls", "projects"]);
    let p1 = row(&v["rows"], "id", "p1");
    assert_eq!(p1["rag"], "amber");
    assert_eq!(p1["reported"], "green");
    assert_eq!(p1["currency"], "EUR");
    // CPI 50,000 / 60,000; SPI 50,000 / 50,000.
    assert!(close(&p1["cpi"], 50000.0 / 60000.0));
    assert!(close(&p1["spi"], 1.0));
    assert_eq!(row(&v["rows"], "id", "p4")["currency"], "GBP");
    assert_eq!(row(&v["rows"], "id", "p3")["budget"], Value::Null);

    // c2 costs 7,000: level 1 of the default control, one approval by anyone; ann
    // approved and did not request it.
    let v = json_of(FIXTURE, &["ls", "changes"]);
    let c2 = row(&v["rows"], "id", "c2");
    assert_eq!((&c2["approvals"], &c2["needed"]), (&json!(1), &json!(1)));
}

#[test]
fn ls_formats() {
    insta::assert_snapshot!("ls_risks_table", stdout(FIXTURE, &["ls", "risks"]));
    insta::assert_snapshot!(
        "ls_changes_md",
        stdout("examples/acme", &["ls", "changes", "--format", "md"])
    );
    insta::assert_snapshot!(
        "ls_projects_csv",
        stdout(FIXTURE, &["ls", "projects", "--format", "csv"])
    );
}

#[test]
fn capacity_marks_over_allocation() {
    // ann: p1 0.6 all 2026, p2 0.6 from December: 1.2 in December against 1.0.
    let args = [
        "capacity",
        "--from",
        "2026-11-01",
        "--to",
        "2027-01-31",
        "--format",
        "json",
    ];
    let v: Value = serde_json::from_str(&stdout(FIXTURE, &args)).unwrap();
    let rows = v["rows"].as_array().unwrap();
    let at = |person: &str, period: &str| {
        rows.iter()
            .find(|r| r["person"] == person && r["period"] == period)
            .unwrap()
    };
    assert!(close(&at("ann", "2026-11")["allocated"], 0.6));
    assert!(close(&at("ann", "2026-12")["allocated"], 1.2));
    assert_eq!(at("ann", "2026-12")["over"], true);
    assert_eq!(at("ann", "2026-11")["over"], false);
    assert!(close(&at("ann", "2027-01")["allocated"], 0.6));
    // ben: 0.4 of 0.5 until the end of 2026: 80 %, then nothing.
    assert!(close(&at("ben", "2026-12")["utilisation_pct"], 80.0));
    assert!(close(&at("ben", "2027-01")["allocated"], 0.0));

    insta::assert_snapshot!(
        "capacity_table",
        stdout(
            FIXTURE,
            &["capacity", "--from", "2026-11-01", "--to", "2027-01-31"]
        )
    );
    let weeks = stdout(
        FIXTURE,
        &[
            "capacity",
            "--by",
            "week",
            "--from",
            "2026-11-30",
            "--to",
            "2026-12-13",
        ],
    );
    assert!(
        weeks.contains("2026-W49") && weeks.contains("2026-W50"),
        "{weeks}"
    );
    pmo_in(
        FIXTURE,
        &["capacity", "--from", "2027-01-01", "--to", "2026-01-01"],
    )
    .assert()
    .code(2)
    .stderr(predicate::str::contains("is after"));
}

#[test]
fn rank_orders_by_weighted_score_with_a_cut_line() {
    // fit x2 + value x1: p3 2x5+3 = 13, p1 2x4+4 = 12, p2 2x3+5 = 11, p4 2x1 = 2 (GBP,
    // no value score). p5 is closed: not ranked.
    let v = json_of(FIXTURE, &["rank"]);
    let ranked: Vec<(&str, f64)> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["score"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        ranked,
        [("p3", 13.0), ("p1", 12.0), ("p2", 11.0), ("p4", 2.0)]
    );
    assert!(v["notes"].to_string().contains("1 project lack"));

    // Two currencies: a cut line needs one.
    pmo_in(FIXTURE, &["rank", "--budget", "120000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--currency EUR"));

    // In EUR with 120,000: p3 (no budget) 0, p1 100,000, then p2 would make 150,000.
    let v = json_of(
        FIXTURE,
        &["rank", "--currency", "EUR", "--budget", "120000"],
    );
    let funded: Vec<Option<bool>> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["funded"].as_bool())
        .collect();
    assert_eq!(funded, [None, Some(true), Some(false)]);
    assert_eq!(row(&v["rows"], "id", "p2")["cumulative"], 150000.0);
    assert!(
        v["notes"]
            .to_string()
            .contains("Cut line after #2: 100,000 of 120,000 committed"),
        "{v}"
    );
    insta::assert_snapshot!(
        "rank_table",
        stdout(
            FIXTURE,
            &["rank", "--currency", "EUR", "--budget", "120000"]
        )
    );

    // A currency no candidate uses: said so, with the ones they do use.
    let v = json_of(FIXTURE, &["rank", "--currency", "XYZ"]);
    assert!(
        v["notes"]
            .to_string()
            .contains("No proposed or active projects in XYZ: theirs are in EUR, GBP."),
        "{v}"
    );
}

#[test]
fn portfolio_refuses_a_field_no_project_has() {
    pmo_in(FIXTURE, &["portfolio", "--by", "managr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no project has a field `managr` to group by; did you mean `manager`?",
        ));
    pmo_in(FIXTURE, &["portfolio", "--by", "baseline"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`baseline` holds a mapping"));
    // One value a project: no note about projects counted in several groups.
    let v = json_of(FIXTURE, &["portfolio", "--by", "sponsor"]);
    assert!(!v["notes"].to_string().contains("several values"), "{v}");
}

#[test]
fn export_writes_one_table_per_kind_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let out_str = out.to_str().unwrap();
    pmo_in(FIXTURE, &["export", "-o", out_str])
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote 14 tables"));
    let read = |name: &str| std::fs::read_to_string(out.join(name)).unwrap();
    let projects = read("projects.csv");
    let header = projects.lines().next().unwrap();
    assert!(header.starts_with("id,title,program,objectives,sponsor,manager"));
    assert!(header.contains(",rag_overall,") && header.contains(",cpi,"));
    // p4's amounts are in GBP; p1 takes pmo.yaml's EUR.
    let p4 = projects.lines().find(|l| l.starts_with("p4,")).unwrap();
    assert!(p4.contains(",GBP,"), "{p4}");
    let p1 = projects.lines().find(|l| l.starts_with("p1,")).unwrap();
    assert!(p1.contains(",EUR,") && p1.contains(",100000,"), "{p1}");
    assert_eq!(read("risks.csv").lines().count(), 1 + 5);
    assert_eq!(read("change_approvals.csv").lines().count(), 1 + 1);
    assert_eq!(read("project_allocations.csv").lines().count(), 1 + 4);

    // A second export into the same place writes nothing and says why.
    let before = read("projects.csv");
    pmo_in(FIXTURE, &["export", "-o", out_str])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(read("projects.csv"), before);

    let jsonl = dir.path().join("jsonl");
    pmo_in(
        FIXTURE,
        &["export", "--format", "jsonl", "-o", jsonl.to_str().unwrap()],
    )
    .assert()
    .success();
    let risks = std::fs::read_to_string(jsonl.join("risks.jsonl")).unwrap();
    let first: Value = serde_json::from_str(risks.lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "r1");
    assert_eq!(first["score"], 16);
    assert_eq!(first["high"], true);
    assert!(Path::new(&jsonl.join("projects.jsonl")).exists());
}

#[test]
fn views_leave_out_invalid_documents_and_say_so() {
    let repo = Repo::new()
        .file("people/bob.yaml", common::BOB)
        .file(
            "risks/bad.yaml",
            "kind: risk\nid: bad\nproject: x\ntitle: T\nowner: bob\nprobability: 9\nimpact: 1\nstatus: open\n",
        );
    let text = repo.stdout(&["ls", "risks"]);
    assert!(
        text.contains("1 risk document with schema errors not listed"),
        "{text}"
    );
}

#[test]
fn docs_list_every_export_column() {
    let docs = std::fs::read_to_string("docs/views.md").unwrap();
    let docs = &docs[docs.find("## `pmo export").unwrap()..];
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x");
    pmo_in(
        "examples/acme",
        &["export", "-q", "-o", out.to_str().unwrap()],
    )
    .assert()
    .success();
    for entry in std::fs::read_dir(&out).unwrap() {
        let path = entry.unwrap().path();
        let table = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let line = docs
            .lines()
            .find(|l| l.starts_with(&format!("| `{table}` |")))
            .unwrap_or_else(|| panic!("docs/views.md does not document table {table}"));
        let text = std::fs::read_to_string(&path).unwrap();
        for column in text.lines().next().unwrap().split(',') {
            assert!(
                line.contains(&format!("`{column}`")),
                "docs/views.md: table {table} lacks column {column}"
            );
        }
    }
}

#[test]
fn export_adds_overlay_fields_without_clashing_with_computed_columns() {
    let repo = Repo::new()
        .file("people/bob.yaml", common::BOB)
        .file("projects/apollo.yaml", common::APOLLO)
        .file(
            "schema/risk.schema.json",
            r#"{"properties": {"cost_centre": {"type": "string"}, "score": {"type": "string"}}}"#,
        )
        .file(
            "risks/r.yaml",
            "kind: risk\nid: r\nproject: apollo\ntitle: T\nowner: bob\nprobability: 2\nimpact: 3\nstatus: open\ncost_centre: CC-7\nscore: high\n",
        );
    let out = repo.join("out");
    repo.pmo(&["export", "-q", "-o", out.to_str().unwrap()])
        .assert()
        .success();
    let risks = std::fs::read_to_string(out.join("risks.csv")).unwrap();
    let header: Vec<&str> = risks.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header.iter().filter(|c| **c == "score").count(),
        1,
        "{header:?}"
    );
    assert_eq!(header.last(), Some(&"cost_centre"));
    // The computed score (2 x 3) wins over the document's own `score` field.
    let row: Vec<&str> = risks.lines().nth(1).unwrap().split(',').collect();
    let score = header.iter().position(|c| *c == "score").unwrap();
    assert_eq!(row[score], "6");
}

/// A project whose forecast is on budget and on time (green) while it earns 400,000 for
/// 500,000 spent and planned 500,000 by its data date: CPI 0.8, SPI 0.8.
const EARNING_BADLY: &str = "kind: project\nid: apollo\ntitle: Apollo\nsponsor: bob\nmanager: bob\nstate: active\nphase: initiation\n\
    baseline: {start: 2026-01-01, finish: 2026-12-31, budget: 1000000}\n\
    forecast: {finish: 2026-12-31, cost: 1000000}\n\
    actuals: {cost: 500000, percent_complete: 40, as_of: 2026-07-02}\n";

/// `(ls rag, portfolio rag_red, export rag_cost, export rag_schedule, status report cost
/// line)` of the project above under `config`.
fn computed_rags(config: &str) -> (String, Value, String, String, String) {
    let repo = Repo::with_config(config)
        .file("people/bob.yaml", common::BOB)
        .file("projects/apollo.yaml", EARNING_BADLY);
    let json = |args: &[&str]| -> Value {
        serde_json::from_str(&repo.stdout(&[args, &["--format", "json"]].concat())).unwrap()
    };
    let ls = json(&["ls", "projects"])["rows"][0]["rag"].to_string();
    let portfolio = json(&["portfolio"])["rows"][0]["rag_red"].clone();
    let out = repo.join("export");
    repo.stdout(&["export", "-q", "-o", out.to_str().unwrap()]);
    let csv = std::fs::read_to_string(out.join("projects.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let values: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| values[header.iter().position(|h| *h == name).unwrap()].to_owned();
    let report = repo.stdout(&["report", "status", "--project", "apollo"]);
    let cost = report
        .lines()
        .find(|l| l.starts_with("| cost |"))
        .unwrap_or_else(|| panic!("{report}"))
        .to_owned();
    (
        ls,
        portfolio,
        column("rag_cost"),
        column("rag_schedule"),
        cost,
    )
}

#[test]
fn computed_rag_grades_the_indices_everywhere_once_configured() {
    let (ls, portfolio, cost, schedule, report) = computed_rags(common::CONFIG);
    assert_eq!((ls.as_str(), &portfolio), ("\"green\"", &json!(0)));
    assert_eq!((cost.as_str(), schedule.as_str()), ("green", "green"));
    assert!(!report.contains("red"), "{report}");

    let config = format!(
        "{}rag:\n  cpi: {{amber: 0.95, red: 0.9}}\n  spi: {{amber: 0.85, red: 0.75}}\n",
        common::CONFIG
    );
    let (ls, portfolio, cost, schedule, report) = computed_rags(&config);
    assert_eq!((ls.as_str(), &portfolio), ("\"red\"", &json!(1)));
    assert_eq!((cost.as_str(), schedule.as_str()), ("red", "amber"));
    assert!(report.contains("red"), "{report}");
}

#[test]
fn projects_without_sponsor_or_manager_are_listed_and_grouped() {
    let repo = Repo::with_config("version: 1\nproject: {optional: [sponsor, manager]}\n").file(
        "projects/apollo.yaml",
        "kind: project\nid: apollo\ntitle: Apollo\nstate: active\nphase: initiation\n",
    );
    let rows: Value =
        serde_json::from_str(&repo.stdout(&["ls", "projects", "--format", "json"])).unwrap();
    assert_eq!(rows["rows"][0]["id"], "apollo");
    assert_eq!(rows["rows"][0]["manager"], Value::Null);
    let by: Value =
        serde_json::from_str(&repo.stdout(&["portfolio", "--by", "manager", "--format", "json"]))
            .unwrap();
    assert_eq!(by["rows"][0]["manager"], "(none)");
    assert_eq!(by["rows"][0]["projects"], 1);
    // A status report names the people a project has, and nobody else.
    for format in ["md", "html"] {
        let report = repo.stdout(&[
            "report",
            "status",
            "--project",
            "apollo",
            "--format",
            format,
        ]);
        let meta = report
            .lines()
            .find(|l| l.contains("phase initiation"))
            .unwrap();
        assert!(
            !meta.contains("manager") && !meta.contains("sponsor") && !meta.contains("None"),
            "{meta}"
        );
    }
}
