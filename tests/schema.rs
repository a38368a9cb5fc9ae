//! Schema findings end to end: the cap on findings per document, and the link addresses
//! a document may hold (and so a report may render).

mod common;
use common::Repo;
use std::time::Duration;

const RISK: &str = "kind: risk\nid: r1\nproject: p\ntitle: T\nowner: bob\nprobability: 3\nimpact: 3\nstatus: open\n";

/// The S001 findings of `file` in a JSON report: `(line, column, message)`.
fn s001(report: &serde_json::Value, file: &str) -> Vec<(u64, u64, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "S001" && d["file"] == file)
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn findings_are_capped_per_document_and_the_rest_counted() {
    let mut many = String::from(RISK);
    for i in 0..20_000 {
        many += &format!("extra_{i}: 1\n");
    }
    // A second document in the same file has its own 100.
    many += "---\nkind: lesson\nid: l1\nproject: p\ntitle: T\ncolour: blue\n";
    let repo = Repo::new()
        .file("risks/many.yaml", &many)
        .file("risks/few.yaml", &format!("{RISK}ownr: bob\nextra: 1\n"));
    let out = repo
        .pmo(&["check", "--format", "json"])
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let found = s001(&report, "risks/many.yaml");
    assert_eq!(found.len(), 100 + 1 + 1, "{found:?}");
    // The summary is on the document, so it sorts first.
    assert_eq!(
        found[0],
        (
            1,
            1,
            "this document has 19,900 more schema violations than the 100 listed".into()
        )
    );
    // The listed ones are the first in the file, each at its key.
    for (i, (line, column, message)) in found[1..101].iter().enumerate() {
        assert_eq!((*line, *column), (9 + i as u64, 1));
        assert_eq!(message, &format!("unknown field `extra_{i}`"));
    }
    assert_eq!(found[101].2, "unknown field `colour`");

    // Below the cap, nothing changes: every finding, no summary.
    let few = s001(&report, "risks/few.yaml");
    assert_eq!(
        few,
        [
            (9, 1, "unknown field `ownr`".into()),
            (10, 1, "unknown field `extra`".into())
        ]
    );
}

#[test]
fn a_document_just_over_the_cap_says_one_more() {
    let mut text = String::from(RISK);
    for i in 0..101 {
        text += &format!("extra_{i}: 1\n");
    }
    let report = Repo::new().file("risks/r.yaml", &text).check_json();
    let found = s001(&report, "risks/r.yaml");
    assert_eq!(found.len(), 101);
    assert_eq!(
        found[0].2,
        "this document has 1 more schema violation than the 100 listed"
    );
    let mut text = String::from(RISK);
    for i in 0..100 {
        text += &format!("extra_{i}: 1\n");
    }
    let report = Repo::new().file("risks/r.yaml", &text).check_json();
    assert_eq!(s001(&report, "risks/r.yaml").len(), 100);
}

#[test]
fn pmo_yaml_findings_are_capped_too() {
    let mut config = String::from(common::CONFIG);
    for i in 0..1_000 {
        config += &format!("extra_{i}: 1\n");
    }
    let (code, report) = Repo::with_config(&config).report(&["check"]);
    assert_eq!(code, 2);
    let found = s001(&report, "pmo.yaml");
    assert_eq!(found.len(), 101);
    let summary = (
        1,
        1,
        "this document has 900 more schema violations than the 100 listed".into(),
    );
    assert!(found.contains(&summary), "{found:?}");
}

/// `pmo check --format json` on `repo` with the process's data segment capped at `mib` MiB
/// (a failed allocation aborts it), and a generous timeout against a hang.
#[cfg(unix)]
fn check_capped(repo: &Repo, mib: u64) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("pmo"));
    cmd.arg("-C")
        .arg(repo.path())
        .args(["check", "--format", "json"]);
    let bytes = mib * 1024 * 1024;
    // SAFETY: setrlimit is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            match libc::setrlimit(libc::RLIMIT_DATA, &limit) {
                0 => Ok(()),
                _ => Err(std::io::Error::last_os_error()),
            }
        });
    }
    assert_cmd::Command::from_std(cmd)
        .timeout(Duration::from_secs(300))
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn millions_of_invalid_values_are_looked_through_in_bounded_memory() {
    // 200,000 numbers where text or mappings are expected, six times over through an
    // alias: 1.2 million violations from 600 kB, which took a gigabyte to collect.
    let numbers = vec!["1"; 200_000].join(", ");
    let mut text = format!("{}numbers: &n [{numbers}]\n", common::APOLLO);
    for field in [
        "objectives",
        "milestones",
        "gates",
        "allocations",
        "tags",
        "links",
    ] {
        text += &format!("{field}: *n\n");
    }
    let repo = Repo::new().file("projects/apollo.yaml", &text);
    let out = check_capped(&repo, 400);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = s001(&report, "projects/apollo.yaml");
    assert_eq!(found.len(), 101);
    assert_eq!(found[1].2, "`objectives[0]` must be a string, found `1`");
    let (line, column, summary) = &found[0];
    assert_eq!((*line, *column), (1, 1));
    assert!(
        summary.starts_with("this document has at least ")
            && summary.ends_with(" more schema violations than the 100 listed"),
        "{summary}"
    );
}

#[test]
fn violations_past_the_values_looked_through_are_not_denied() {
    let late = format!("{RISK}tags: [{}, 1]\n", vec!["a"; 60_000].join(", "));
    let report = Repo::new().file("risks/r.yaml", &late).check_json();
    assert_eq!(
        s001(&report, "risks/r.yaml"),
        [(
            1,
            1,
            "this document breaks its schema past its first 50,000 values".into()
        )]
    );
    let report = Repo::new()
        .file("risks/r.yaml", &format!("{late}colour: blue\n"))
        .check_json();
    assert_eq!(
        s001(&report, "risks/r.yaml"),
        [
            (1, 1, "this document may have more schema violations than the 1 listed, past its first 50,000 values".into()),
            (10, 1, "unknown field `colour`".into())
        ]
    );
    // Unknown fields are still counted exactly, however many.
    let mut many = String::from(RISK);
    for i in 0..60_000 {
        many += &format!("extra_{i}: [1, 2]\n");
    }
    let report = Repo::new().file("risks/r.yaml", &many).check_json();
    let found = s001(&report, "risks/r.yaml");
    assert_eq!(found.len(), 101);
    assert_eq!(
        found[0].2,
        "this document has 59,900 more schema violations than the 100 listed"
    );
}

/// Links a report may render: a web or mail address, or a place relative to the report.
const ALLOWED: &[&str] = &[
    "https://example.org/a?b=1&c=2#d",
    "HTTP://EXAMPLE.ORG",
    "mailto:pmo@example.org",
    "docs/plan.md",
    "../a",
    "/wiki/Talk:Page",
    "#anchor",
];

/// Script, data and file links, their disguises, and addresses to another host that take
/// the scheme of the page.
const HOSTILE: &[&str] = &[
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " javascript:alert(1)",
    "\u{1}javascript:alert(1)",
    "javascript&#58;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example",
    "/\\evil.example",
];

/// `s` as a YAML double-quoted scalar, control characters escaped.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out += &format!("\\x{:02x}", c as u32),
            c => out.push(c),
        }
    }
    out + "\""
}

fn lesson(id: &str, urls: &[&str]) -> String {
    let mut text = format!("kind: lesson\nid: {id}\nproject: p\ntitle: T\nlinks:\n");
    for url in urls {
        text += &format!("  - title: a link\n    url: {}\n", quoted(url));
    }
    text
}

#[test]
fn hostile_link_urls_are_schema_violations() {
    let repo = Repo::new()
        .file("lessons/allowed.yaml", &lesson("allowed", ALLOWED))
        .file("lessons/hostile.yaml", &lesson("hostile", HOSTILE));
    let report = repo.check_json();
    assert_eq!(s001(&report, "lessons/allowed.yaml"), []);
    let found = s001(&report, "lessons/hostile.yaml");
    let expected: Vec<(u64, u64, String)> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, url)| {
            let message = format!("`links[{i}].url` has an invalid value `{url}`");
            (7 + 2 * i as u64, 10, message)
        })
        .collect();
    assert_eq!(found, expected);
    let help = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "S001")
        .map(|d| d["help"].as_str().unwrap().to_owned())
        .unwrap();
    assert!(
        help.starts_with("An http, https or mailto address, or a reference relative"),
        "{help}"
    );
}

#[test]
fn reports_never_link_a_hostile_url() {
    let html = "{% for l in lessons %}{% for k in l.links %}<a href=\"{{ k.url }}\">{{ k.title }}</a>\n{% endfor %}{% endfor %}";
    let md = "{% for l in lessons %}{% for k in l.links %}[{{ k.title }}]({{ k.url }})\n{% endfor %}{% endfor %}";
    let repo = Repo::new()
        .file(
            "lessons/good.yaml",
            &lesson("good", &["https://ok.example"]),
        )
        .file(
            "lessons/bad.yaml",
            &lesson("bad", &["javascript:alert(1)", "https://fine.example"]),
        )
        .file("templates/links.html.j2", html)
        .file("templates/links.md.j2", md);
    for format in ["html", "md"] {
        let out = repo.stdout(&["report", "links", "--format", format]);
        assert!(out.contains("ok.example"), "{out}");
        // A document the schema refuses is in no report, its good links with it.
        assert!(
            !out.contains("javascript") && !out.contains("fine.example"),
            "{out}"
        );
    }
}
