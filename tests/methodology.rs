//! The methodology rules (G, K, C, F, T, A) end to end: each on a fixture portfolio that
//! passes every rule (tests/fixtures/methodology), then broken in one place.

mod common;
use common::Repo;
use predicates::prelude::*;
use std::path::Path;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/methodology");
const PROJECT: &str = "projects/apollo/project.yaml";
const RISK: &str = "projects/apollo/risks/apollo-vendor.yaml";
const CHANGE: &str = "projects/apollo/changes/apollo-cr-1.yaml";
const STATUS: &str = "projects/apollo/status/2026-11-16.yaml";

/// The fixture in a temporary directory.
fn fixture() -> Repo {
    let repo = Repo::with_config("");
    copy(Path::new(FIXTURE), repo.path());
    repo
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replace `from` (which must be there) by `to` in one file of the repository.
fn edit(repo: Repo, path: &str, from: &str, to: &str) -> Repo {
    let text = std::fs::read_to_string(repo.join(path)).unwrap();
    assert!(text.contains(from), "{path} has no `{from}`");
    let text = text.replacen(from, to, 1);
    repo.file(path, &text)
}

/// Where `needle` first appears on line `line` of a fixture file: (line, column), both
/// from 1. Expected locations are found in the text, independently of pmo.
fn at(repo: &Repo, path: &str, line: u64, needle: &str) -> (u64, u64) {
    let text = std::fs::read_to_string(repo.join(path)).unwrap();
    let l = text.lines().nth(line as usize - 1).unwrap();
    let col = l
        .find(needle)
        .unwrap_or_else(|| panic!("line {line} of {path} has no `{needle}`: {l}"));
    (line, l[..col].chars().count() as u64 + 1)
}

/// `(file, line, column, message)` of every finding with `code`.
fn findings(repo: &Repo, code: &str) -> Vec<(String, u64, u64, String)> {
    repo.check_json()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Exactly one finding with `code`, at `file` `(line, column)`, whose message contains
/// `message`.
fn one(repo: &Repo, code: &str, file: &str, (line, column): (u64, u64), message: &str) {
    let found = findings(repo, code);
    assert_eq!(found.len(), 1, "{code}: {found:?}");
    let (f, l, c, m) = &found[0];
    assert_eq!((f.as_str(), *l, *c), (file, line, column), "{code}: {m}");
    assert!(m.contains(message), "{code}: `{m}` lacks `{message}`");
}

#[test]
fn the_fixture_passes_every_rule() {
    fixture()
        .pmo(&["check", "--strict"])
        .assert()
        .success()
        .stdout(predicate::str::contains("0 errors, 0 warnings in 9 files"));
}

#[test]
fn g001_a_phase_needs_its_gate() {
    let gate = "  - {phase: execution, decision: go, date: 2026-03-15, approvers: [bob]}\n";
    let repo = edit(fixture(), PROJECT, gate, "");
    let phase = at(&repo, PROJECT, 8, "execution");
    one(
        &repo,
        "G001",
        PROJECT,
        phase,
        "no gate decision for entering `execution`",
    );

    let repo = edit(
        fixture(),
        PROJECT,
        "execution, decision: go",
        "execution, decision: hold",
    );
    one(&repo, "G001", PROJECT, phase, "is `hold`, not `go`");

    // The latest decision counts: a later `go` after the `hold` lets the project through.
    let later = "  - {phase: execution, decision: go, date: 2026-04-01, approvers: [bob]}\n";
    let repo = edit(
        repo,
        PROJECT,
        "allocations:\n",
        &format!("{later}allocations:\n"),
    );
    assert!(findings(&repo, "G001").is_empty());
}

#[test]
fn g001_not_for_a_methodology_that_records_no_gate_decisions() {
    // Neither gate decision recorded: under the default, one G001 for `execution`.
    let decisions = "gates:\n  - {phase: planning, decision: go, date: 2026-01-10, approvers: [bob]}\n  - {phase: execution, decision: go, date: 2026-03-15, approvers: [bob]}\n";
    let repo = edit(fixture(), PROJECT, decisions, "");
    assert_eq!(findings(&repo, "G001").len(), 1);
    // An empty `gates` takes away the requirements, not the decisions.
    let repo = edit(
        repo,
        "pmo.yaml",
        "      closure:   {min_related: {lesson: 1}}\n  agile:",
        "      closure:   {min_related: {lesson: 1}}\n    gate_decisions: false\n  agile:",
    );
    assert!(findings(&repo, "G001").is_empty());
    // What entering a phase requires still holds.
    let repo = edit(repo, PROJECT, "  approved_by: bob\n", "");
    assert_eq!(findings(&repo, "G002").len(), 1);
}

#[test]
fn g002_required_fields_of_passed_gates() {
    let repo = edit(fixture(), PROJECT, "  approved_by: bob\n", "");
    let phase = at(&repo, PROJECT, 8, "execution");
    one(
        &repo,
        "G002",
        PROJECT,
        phase,
        "gate `execution` of methodology `waterfall` requires `baseline.approved_by`, which is missing",
    );
    // Empty counts as missing; the earlier gate (planning) is checked too.
    let repo = edit(fixture(), PROJECT, "objectives: [grow]", "objectives: []");
    one(
        &repo,
        "G002",
        PROJECT,
        phase,
        "gate `planning` of methodology `waterfall` requires `objectives`, which is empty",
    );
}

#[test]
fn g003_minimum_related_documents() {
    let repo = fixture();
    std::fs::remove_file(repo.join(RISK)).unwrap();
    let phase = at(&repo, PROJECT, 8, "execution");
    one(
        &repo,
        "G003",
        PROJECT,
        phase,
        "requires at least 1 risk for this project, found 0",
    );
}

#[test]
fn g004_a_closed_project_has_nothing_open() {
    let repo = edit(fixture(), PROJECT, "state: active", "state: closed");
    let state = at(&repo, PROJECT, 7, "closed");
    one(
        &repo,
        "G004",
        PROJECT,
        state,
        "project is closed but has 1 open risk (apollo-vendor)",
    );
    let repo = edit(
        repo,
        RISK,
        "status: open",
        "status: closed\nclosed_on: 2026-11-01\nclosure_reason: Vendor delivered",
    );
    assert!(findings(&repo, "G004").is_empty());
}

#[test]
fn k001_high_threats_need_a_plan() {
    let repo = edit(
        fixture(),
        RISK,
        "mitigation: Weekly vendor checkpoint\n",
        "",
    );
    let probability = at(&repo, RISK, 6, "4");
    one(
        &repo,
        "K001",
        RISK,
        probability,
        "score 16 (>= 15) has response `reduce` but no `mitigation`",
    );

    let repo = edit(fixture(), RISK, "response: reduce", "response: accept");
    one(
        &repo,
        "K001",
        RISK,
        probability,
        "is accepted without a `decision`",
    );

    // Below the threshold nothing is required.
    let repo = edit(fixture(), RISK, "impact: 4", "impact: 3");
    let repo = edit(repo, RISK, "mitigation: Weekly vendor checkpoint\n", "");
    assert!(findings(&repo, "K001").is_empty());
}

#[test]
fn k002_open_risks_are_reviewed() {
    let repo = edit(
        fixture(),
        RISK,
        "last_reviewed: 2026-11-01",
        "last_reviewed: 2026-08-01",
    );
    let date = at(&repo, RISK, 12, "2026-08-01");
    one(
        &repo,
        "K002",
        RISK,
        date,
        "last reviewed 111 days ago, more than 30 (risk.review_days)",
    );

    let repo = edit(
        fixture(),
        RISK,
        "raised: 2026-09-01\nlast_reviewed: 2026-11-01\n",
        "",
    );
    one(
        &repo,
        "K002",
        RISK,
        (1, 1),
        "neither `last_reviewed` nor `raised`",
    );
}

#[test]
fn k003_closed_risks_say_when_and_why() {
    let repo = edit(
        fixture(),
        RISK,
        "status: open",
        "status: closed\nclosed_on: 2026-11-01",
    );
    let status = at(&repo, RISK, 8, "closed");
    one(
        &repo,
        "K003",
        RISK,
        status,
        "closed risk has no `closure_reason`",
    );
}

#[test]
fn c001_approvals_by_level() {
    let repo = edit(
        fixture(),
        CHANGE,
        "  - {by: carol, date: 2026-10-03, decision: approve}\n",
        "",
    );
    let status = at(&repo, CHANGE, 7, "approved");
    one(
        &repo,
        "C001",
        CHANGE,
        status,
        "level 3: cost 250,000 needs 2 approvals from role `ccb`, found 1 (dave)",
    );

    // A small change needs one approval by anyone.
    let repo = edit(repo, CHANGE, "cost: 250000", "cost: 5000");
    assert!(findings(&repo, "C001").is_empty());
}

#[test]
fn c002_approvers_hold_the_role() {
    let repo = edit(fixture(), CHANGE, "{by: carol", "{by: bob");
    let by = at(&repo, CHANGE, 11, "bob");
    one(
        &repo,
        "C002",
        CHANGE,
        by,
        "bob approved but does not hold role `ccb`",
    );
    one(
        &repo,
        "C001",
        CHANGE,
        at(&repo, CHANGE, 7, "approved"),
        "found 1 (dave)",
    );
}

#[test]
fn c003_no_self_approval() {
    let repo = edit(fixture(), CHANGE, "{by: carol", "{by: erin");
    let by = at(&repo, CHANGE, 11, "erin");
    one(
        &repo,
        "C003",
        CHANGE,
        by,
        "erin approved the change they requested",
    );

    let repo = edit(
        repo,
        "pmo.yaml",
        "segregation_of_duties: true",
        "segregation_of_duties: false",
    );
    assert!(findings(&repo, "C003").is_empty());
}

#[test]
fn c004_implemented_changes_were_approved() {
    let approvals = "approvals:\n  - {by: dave, date: 2026-10-02, decision: approve}\n  - {by: carol, date: 2026-10-03, decision: approve}\n";
    let repo = edit(fixture(), CHANGE, approvals, "approvals: []\n");
    let repo = edit(repo, CHANGE, "status: approved", "status: implemented");
    let status = at(&repo, CHANGE, 7, "implemented");
    one(
        &repo,
        "C004",
        CHANGE,
        status,
        "implemented but has no `approve` decision",
    );
}

#[test]
fn f001_cost_tolerance() {
    let repo = edit(fixture(), PROJECT, "cost: 1300000", "cost: 1400000");
    let cost = at(&repo, PROJECT, 17, "1400000");
    one(
        &repo,
        "F001",
        PROJECT,
        cost,
        "forecast cost 1,400,000 is 16.7% over the baseline budget 1,200,000; tolerance 10%",
    );
    // The project's own tolerance wins.
    let repo = edit(
        repo,
        PROJECT,
        "allocations:",
        "tolerances: {cost_pct: 20}\nallocations:",
    );
    assert!(findings(&repo, "F001").is_empty());
}

#[test]
fn f002_status_is_no_better_than_the_figures() {
    let repo = edit(fixture(), STATUS, "overall: amber", "overall: green");
    let overall = at(&repo, STATUS, 5, "green");
    one(
        &repo,
        "F002",
        STATUS,
        overall,
        "reported `overall: green` but the computed overall RAG of apollo is amber",
    );

    let repo = edit(
        repo,
        STATUS,
        "schedule: red",
        "schedule: red\noverride_reason: Go-live date is contractual",
    );
    assert!(findings(&repo, "F002").is_empty());
}

#[test]
fn f002_grades_cpi_and_spi_once_configured() {
    // Apollo earns 540,000 (45 % of 1,200,000) for 640,000 spent: CPI 0.84. Its forecast
    // alone (+8.3 %, 23 days late) is amber, as its status says.
    let cpi = "rag:                             # computed RAG thresholds\n  cpi: {amber: 0.95, red: 0.9}\n";
    let repo = edit(
        fixture(),
        "pmo.yaml",
        "rag:                             # computed RAG thresholds\n",
        cpi,
    );
    let found = findings(&repo, "F002");
    let messages: Vec<&str> = found.iter().map(|(.., m)| m.as_str()).collect();
    assert_eq!(
        messages,
        [
            "reported `overall: amber` but the computed overall RAG of apollo is red",
            "reported `cost: amber` but the computed cost RAG of apollo is red (forecast cost +8.3% against the baseline budget; CPI 0.84)",
        ]
    );
    // At 0.84 exactly the index is amber: the thresholds are inclusive.
    let repo = edit(
        repo,
        "pmo.yaml",
        "{amber: 0.95, red: 0.9}",
        "{amber: 0.95, red: 0.84375}",
    );
    assert!(findings(&repo, "F002").is_empty());

    // SPI: planned value at 2026-11-15 is 314/347 of the budget, so SPI is 0.50; the
    // status already says red for the schedule, and red overall is not reported.
    let repo = edit(
        fixture(),
        "pmo.yaml",
        "rag:                             # computed RAG thresholds\n",
        "rag:\n  spi: {amber: 0.9, red: 0.8}\n",
    );
    let found = findings(&repo, "F002");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].3.contains("computed overall RAG of apollo is red"),
        "{found:?}"
    );
}

#[test]
fn t001_overdue_milestones() {
    let repo = edit(
        fixture(),
        PROJECT,
        "{name: Go-live, baseline: 2026-12-01}",
        "{name: Go-live, baseline: 2026-11-01}",
    );
    let date = at(&repo, PROJECT, 21, "2026-11-01");
    one(
        &repo,
        "T001",
        PROJECT,
        date,
        "milestone `Go-live` was due 2026-11-01 (baseline) and has no `actual`",
    );
}

#[test]
fn t002_status_cadence() {
    let repo = edit(fixture(), STATUS, "date: 2026-11-16", "date: 2026-10-21");
    let state = at(&repo, PROJECT, 7, "active");
    one(
        &repo,
        "T002",
        PROJECT,
        state,
        "latest status update is 30 days old (2026-10-21), more than 14",
    );

    let repo = fixture();
    std::fs::remove_file(repo.join(STATUS)).unwrap();
    one(
        &repo,
        "T002",
        PROJECT,
        state,
        "active project has no status update",
    );
}

#[test]
fn t003_dates_in_order() {
    let repo = edit(
        fixture(),
        PROJECT,
        "finish: 2026-12-18",
        "finish: 2025-12-18",
    );
    let finish = at(&repo, PROJECT, 11, "2025-12-18");
    one(
        &repo,
        "T003",
        PROJECT,
        finish,
        "baseline finish 2025-12-18 is before baseline start 2026-01-05",
    );

    let repo = edit(fixture(), STATUS, "date: 2026-11-16", "date: 2026-11-25");
    let date = at(&repo, STATUS, 4, "2026-11-25");
    one(
        &repo,
        "T003",
        STATUS,
        date,
        "status update dated 2026-11-25, after today (2026-11-20)",
    );
}

#[test]
fn t004_schedule_tolerance() {
    let repo = edit(
        fixture(),
        PROJECT,
        "finish: 2027-01-10",
        "finish: 2027-02-01",
    );
    let finish = at(&repo, PROJECT, 16, "2027-02-01");
    one(
        &repo,
        "T004",
        PROJECT,
        finish,
        "forecast finish is 45 days after the baseline finish 2026-12-18; tolerance 30 days",
    );
}

#[test]
fn a001_over_allocation() {
    let second = "  - {person: erin, fte: 0.6, from: 2026-06-01, to: 2027-03-31}\n";
    let repo = fixture();
    let text = std::fs::read_to_string(repo.join(PROJECT)).unwrap() + second;
    let repo = repo.file(PROJECT, &text);
    one(
        &repo,
        "A001",
        "people/erin.yaml",
        (1, 1),
        "erin is allocated 1.1 FTE against a capacity of 1.0 from 2026-06-01 to 2026-12-18: apollo 0.5, apollo 0.6",
    );
    // Projects on hold still book their people; proposed ones do not.
    let repo = edit(repo, PROJECT, "state: active", "state: proposed");
    assert!(findings(&repo, "A001").is_empty());
}

#[test]
fn overrides_and_waivers_apply_to_methodology_rules() {
    let repo = edit(fixture(), PROJECT, "cost: 1300000", "cost: 1400000");
    let repo = edit(repo, PROJECT, "finish: 2027-01-10", "finish: 2027-02-01");
    let config = std::fs::read_to_string(repo.join("pmo.yaml")).unwrap()
        + "rules: {T004: off, F001: error}\n";
    let repo = repo.file("pmo.yaml", &config);
    assert!(findings(&repo, "T004").is_empty());
    let report = repo.check_json();
    let f001 = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "F001")
        .unwrap();
    assert_eq!(f001["severity"], "error");

    let config = config
        + "waivers:\n  - {rule: F001, id: apollo, reason: re-baseline in December, owner: bob, expires: 2026-12-31}\n";
    let repo = repo.file("pmo.yaml", &config);
    assert!(findings(&repo, "F001").is_empty());
}

#[test]
fn incoherent_methodologies_stop_with_exit_2() {
    let cases = [
        (
            "phases: [initiation, planning, execution, closure]",
            "phases: [initiation, planning, planning, closure]",
            "lists phase `planning` twice",
        ),
        (
            "      closure:   {min_related: {lesson: 1}}\n  agile:",
            "      closing:   {min_related: {lesson: 1}}\n  agile:",
            "gate for `closing`, which is not a phase",
        ),
        (
            "{max_cost: 100000, approvers: 1, role: sponsor}",
            "{max_cost: 5000, approvers: 1, role: sponsor}",
            "levels must ascend",
        ),
        (
            "scoring:",
            "rules: {Z999: off}\nscoring:",
            "`Z999` is not a rule code",
        ),
        (
            "rag:                             # computed RAG thresholds\n",
            "rag:\n  cpi: {amber: 0.8, red: 0.9}\n",
            "rag.cpi: amber threshold 0.8 is below red threshold 0.9",
        ),
    ];
    for (from, to, message) in cases {
        let repo = edit(fixture(), "pmo.yaml", from, to);
        repo.pmo(&["check"])
            .assert()
            .code(2)
            .stdout(predicate::str::contains("error[S002]").and(predicate::str::contains(message)))
            .stdout(predicate::str::contains("pmo.yaml:"));
    }
}

#[test]
fn the_failing_pull_request_example() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/failing-pr");
    let out = assert_cmd::Command::cargo_bin("pmo")
        .unwrap()
        .args([
            "-C",
            root,
            "--today",
            "2026-11-20",
            "--color",
            "never",
            "check",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
