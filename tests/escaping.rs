//! Hostile text in every document field, file name and git commit that can hold it,
//! through every command in every format. Whatever a pull request writes, no output line
//! starts a GitHub Actions command, no control or bidi character reaches a terminal or
//! a Markdown reader, Markdown keeps the structure a harmless text of the same length
//! gives (parsed as GitHub does, with comrak's GFM), CSV cells are no formulas, JUnit is
//! well-formed XML, and document text is never run as a template.

mod common;

use comrak::nodes::{AstNode, NodeValue};
use std::path::Path;

/// Everything that has forged an output, in one value.
const BODY: &str = "\n::error file=README.md,line=1::Forged\n::add-mask::x\n::stop-commands::tok\n\
    \x1b[31mred\u{202e}rlo\u{2066}\u{2028}ls\u{85}nel\rcr\r\n# heading\n```\n<!--\n</details>\n\
    <script>alert(1)</script>\n| pipe |\nApproved by @team #1 GH-2 [x](y) ![i](z) *e* _u_ ~s~ $m$ https://evil.example www.evil.example\n\
    =cmd|' /C calc'!A0\n-2+3\n\u{fffe}\x01\t{{ 7*7 }} {% if true %}T{% endif %} ##[error]legacy\n    code";

/// A field value: what a spreadsheet or a line start gives a meaning first, then [`BODY`].
fn hostile(lead: &str) -> String {
    format!("{lead}{BODY}")
}

/// The harmless text of the same length: line breaks kept (they are the value's own
/// lines), everything else a letter.
fn placeholder(text: &str) -> String {
    text.chars()
        .map(|c| if matches!(c, '\n' | '\r') { c } else { 'x' })
        .collect()
}

/// A YAML double-quoted scalar holding exactly `text`.
fn q(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out + "\""
}

/// What the repository and its history are made of: every untrusted text goes
/// through `t` (the identity, or [`placeholder`]).
struct Texts<'a> {
    t: &'a dyn Fn(&str) -> String,
    /// The project's id: one the schema allows that GitHub would read as a reference.
    id: &'a str,
    /// A file name with every character Linux allows in one.
    file: String,
}

/// A file name: the same characters in the hostile and harmless repositories sort the
/// same way among the others (path order is report order).
const FILE: &str = "\n::error file=README.md,line=1::Forged \x1b[31m\u{202e} #1 @team |x| <b> `c`";

impl Texts<'_> {
    fn hostile() -> Texts<'static> {
        Texts {
            t: &|s: &str| s.to_owned(),
            id: "gh-12",
            file: FILE.to_owned(),
        }
    }

    fn harmless() -> Texts<'static> {
        Texts {
            t: &placeholder,
            id: "gg-12",
            file: placeholder(FILE).replace('x', "a"),
        }
    }

    fn q(&self, lead: &str) -> String {
        q(&(self.t)(&hostile(lead)))
    }

    /// `(path, text)` of the documents; `round` 1 or 2 (the second changes every text).
    fn documents(&self, round: u8) -> Vec<(String, String)> {
        let v = |lead: &str| self.q(&format!("{lead}{}", if round == 2 { " v2" } else { "" }));
        let id = self.id;
        let project = format!(
            "kind: project\nid: {id}\ntitle: {}\ndescription: {}\nprogram: digital\nobjectives: [growth]\n\
             sponsor: carol\nmanager: alice\nstate: active\nphase: execution\n\
             baseline: {{start: 2026-01-05, finish: 2026-12-18, budget: 100000, approved_by: carol, approved_on: 2026-01-02}}\n\
             forecast: {{finish: 2027-02-28, cost: 130000}}\nactuals: {{cost: 50000, percent_complete: 40, as_of: 2026-11-15}}\n\
             milestones:\n  - {{name: {}, baseline: 2026-06-01, forecast: 2026-07-01}}\n\
             allocations:\n  - {{person: alice, fte: 1.5, from: 2026-01-05, to: 2026-12-31, role: {}}}\n\
             scores: {{value: 4}}\n",
            v("# "),
            v(""),
            v("> "),
            v("=")
        );
        vec![
            (
                "people/alice.yaml".into(),
                format!(
                    "kind: person\nid: alice\nname: {}\nroles: [sponsor, ccb]\ncapacity: 1\nteam: {}\n",
                    v("-2+3 "),
                    v("@")
                ),
            ),
            (
                "people/carol.yaml".into(),
                format!(
                    "kind: person\nid: carol\nname: {}\nroles: [sponsor, ccb]\n",
                    v("+")
                ),
            ),
            (
                "programs/digital.yaml".into(),
                format!(
                    "kind: program\nid: digital\ntitle: {}\nmanager: alice\n",
                    v("\t")
                ),
            ),
            (
                "objectives/growth.yaml".into(),
                format!("kind: objective\nid: growth\ntitle: {}\n", v("\r")),
            ),
            (format!("projects/{id}/project.yaml"), project),
            (
                format!("projects/{id}/risks/vendor.yaml"),
                format!(
                    "kind: risk\nid: vendor\nproject: {id}\ntitle: {}\nowner: alice\nprobability: 4\nimpact: 4\nstatus: open\n\
                 response: reduce\nmitigation: {}\nraised: 2026-01-10\nlast_reviewed: 2026-02-01\ncost_impact: 10000\n",
                    v("=cmd|' /C calc'!A0"),
                    v("")
                ),
            ),
            (
                format!("projects/{id}/risks/{}.yaml", self.file),
                format!(
                    "kind: risk\nid: broken\nproject: {id}\ntitle: {}\nowner: alice\nprobability: 2\nimpact: 2\nstatus: {}\nraised: 2026/01/10\n",
                    v(""),
                    v("::error::")
                ),
            ),
            // Without an id: `diff` lists its file and kind among the documents it could
            // not identify.
            (
                format!("projects/{id}/risks/{}-draft.yaml", self.file),
                format!("kind: {}\ntitle: {}\n", v("# "), v("")),
            ),
            (
                format!("projects/{id}/changes/scope.yaml"),
                format!(
                    "kind: change\nid: scope\nproject: {id}\ntitle: {}\nrequested_by: alice\nraised: 2026-03-01\nstatus: submitted\n\
                 impact: {{cost: 20000, schedule_days: 10}}\napprovals:\n  - {{by: carol, date: 2026-03-02, decision: approve, comment: {}}}\n",
                    v("@team "),
                    v("")
                ),
            ),
            (
                format!("projects/{id}/issues/outage.yaml"),
                format!(
                    "kind: issue\nid: outage\nproject: {id}\ntitle: {}\nowner: alice\npriority: high\nstatus: open\nraised: 2026-10-01\ndue: 2026-11-01\n",
                    v("```")
                ),
            ),
            (
                format!("projects/{id}/decisions/cutover.yaml"),
                format!(
                    "kind: decision\nid: cutover\nproject: {id}\ntitle: {}\ndate: 2026-04-01\ndecided_by: [carol]\nstatus: decided\n",
                    v("1. ")
                ),
            ),
            (
                format!("projects/{id}/status/2026-11-13.yaml"),
                format!(
                    "kind: status\nid: {id}-2026-11-13\nproject: {id}\ndate: 2026-11-13\noverall: green\nschedule: green\ncost: amber\n\
                 summary: {}\nachievements: [{}]\nnext: [{}]\nescalations: [{}]\noverride_reason: {}\n",
                    v(""),
                    v("- "),
                    v("</details>"),
                    v("<!--"),
                    v("::")
                ),
            ),
            (
                format!("projects/{id}/lessons/data.yaml"),
                format!(
                    "kind: lesson\nid: data\nproject: {id}\ntitle: {}\nrecommendation: {}\n",
                    v("| "),
                    v("")
                ),
            ),
            (
                format!("templates/{}.md.j2", self.file),
                "{{ organisation }}\n".into(),
            ),
        ]
    }

    fn config(&self) -> String {
        format!(
            "version: 1\norganisation: {}\ncurrency: EUR\nroles: [sponsor, ccb]\nexclude: [import/**]\n\
             scoring: {{criteria: {{value: 2}}}}\n\
             policies:\n  - {{code: ORG-001, name: named, kinds: [project], severity: warning, \
             assert: 'false', message: \"{{{{ doc.title }}}} {{{{ doc.milestones }}}}\"}}\n",
            self.q("# ")
        )
    }

    /// The repository, committed twice (the second commit changes every text) by an
    /// author and with a message that are hostile too.
    fn repository(&self) -> common::Repo {
        // A baseline whose entry no finding matches: listed after the summary.
        let stale = (self.t)(&hostile("::error::"));
        let baseline = serde_json::json!({"version": 1, "findings": [
            {"file": stale, "code": stale, "fingerprint": "0:1", "message": stale}
        ]});
        let mut repo =
            common::Repo::with_config(&self.config()).file("baseline.json", &baseline.to_string());
        git(repo.path(), self, &["init", "-q", "-b", "main"]);
        for round in [1, 2] {
            for (path, text) in self.documents(round) {
                repo = repo.file(&path, &text);
            }
            git(repo.path(), self, &["add", "-A"]);
            let message = (self.t)(&format!("{} round {round}", hostile("::error::x")));
            git(
                repo.path(),
                self,
                &["commit", "-q", "--cleanup=verbatim", "-m", &message],
            );
        }
        repo
    }
}

/// `git ARGS` in `dir`, as an author whose name is hostile (git drops only `<`, `>` and
/// line breaks from it).
fn git(dir: &Path, texts: &Texts<'_>, args: &[&str]) {
    let name = (texts.t)("::error::Forged \x1b[31m\u{202e} @team #1 | * [x] ##[error]x");
    common::git(dir, (&name, "a@example.org"), args);
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Terminal,
    Markdown,
    Html,
    Csv,
    Junit,
    Github,
    /// JSON and SARIF: serde_json escapes line breaks and controls; the text is kept whole.
    Json,
}

/// Every command in every format: `(kind of output, arguments)`.
fn cases(id: &str) -> Vec<(Kind, Vec<String>)> {
    use Kind::*;
    let mut cases: Vec<(Kind, Vec<&str>)> = vec![
        (Terminal, vec!["check"]),
        (Terminal, vec!["-q", "check"]),
        (Json, vec!["check", "--format", "json"]),
        (Json, vec!["check", "--format", "sarif"]),
        (Json, vec!["check", "--format", "gitlab"]),
        (Github, vec!["check", "--format", "github"]),
        (Junit, vec!["check", "--format", "junit"]),
        (Terminal, vec!["check", "--changed-since", "HEAD~1"]),
        // The fixes of a file with a hostile name, beside hostile lines.
        (Terminal, vec!["check", "--diff"]),
        (Terminal, vec!["check", "--baseline", "baseline.json"]),
        (Terminal, vec!["report", "--list"]),
        (Terminal, vec!["diff", "HEAD~1", "HEAD"]),
        (
            Markdown,
            vec!["diff", "HEAD~1", "HEAD", "--format", "md", "--check"],
        ),
        (Json, vec!["diff", "HEAD~1", "HEAD", "--format", "json"]),
    ];
    let views = [
        vec!["ls", "projects"],
        vec!["ls", "risks"],
        vec!["ls", "changes"],
        vec!["ls", "people"],
        vec!["ls", "issues"],
        vec!["ls", "decisions"],
        vec!["ls", "statuses"],
        vec!["ls", "lessons"],
        vec!["ls", "programs"],
        vec!["ls", "objectives"],
        vec!["portfolio"],
        vec!["capacity"],
        vec!["rank"],
    ];
    for view in &views {
        for (kind, format) in [
            (Terminal, "table"),
            (Markdown, "md"),
            (Csv, "csv"),
            (Json, "json"),
        ] {
            let mut args = view.clone();
            args.extend(["--format", format]);
            cases.push((kind, args));
        }
    }
    let mut owned: Vec<(Kind, Vec<String>)> = cases
        .into_iter()
        .map(|(k, a)| (k, a.into_iter().map(str::to_owned).collect()))
        .collect();
    for name in ["portfolio", "risks", "changes", "status", "gate"] {
        for (kind, format) in [(Markdown, "md"), (Html, "html")] {
            let mut args = vec![
                "report".to_owned(),
                name.to_owned(),
                "--format".into(),
                format.into(),
            ];
            if matches!(name, "status" | "gate") {
                args.extend(["--project".to_owned(), id.to_owned()]);
            }
            owned.push((kind, args));
        }
    }
    // A point after both commits, by program: the hostile program's name in each format.
    for (kind, format) in [
        (Terminal, "table"),
        (Markdown, "md"),
        (Csv, "csv"),
        (Json, "json"),
    ] {
        let args = [
            "trend",
            "--from",
            "2099-01-01",
            "--to",
            "2099-01-01",
            "--by",
            "program",
        ];
        let mut args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        args.extend(["--format".into(), format.into()]);
        owned.push((kind, args));
    }
    // The project's past, by the hostile author: its history, who set each field (a
    // milestone named by its hostile name) and its baseline's approvals.
    for command in ["history", "blame", "baselines"] {
        for (kind, format) in [(Terminal, "table"), (Markdown, "md"), (Json, "json")] {
            owned.push((
                kind,
                vec![command.into(), id.into(), "--format".into(), format.into()],
            ));
        }
    }
    owned
}

/// `(stdout, stderr)` of `pmo ARGS` in `repo`; it must not fail to run (exit 0 or 1).
fn run(repo: &common::Repo, args: &[String]) -> (String, String) {
    let out = repo
        .pmo(&args.iter().map(String::as_str).collect::<Vec<_>>())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}\n{stderr}",
        out.status
    );
    (stdout, stderr)
}

/// No line starts a workflow command, except the annotations `--format github` writes.
fn no_forged_command(args: &[String], kind: Kind, output: &str) {
    for line in output.lines() {
        let trimmed = line.trim_start();
        if kind == Kind::Github {
            let fields = trimmed
                .strip_prefix("::error file=")
                .or_else(|| trimmed.strip_prefix("::warning file="))
                .and_then(|rest| rest.split_once(",title="))
                .unwrap_or_else(|| panic!("{args:?}: not an annotation: {line:?}"));
            // The properties hold no raw `:` or `,` of their own; the message no line break.
            let (file, place) = fields.0.split_once(',').unwrap();
            assert!(!file.contains(':'), "{args:?}: {line:?}");
            assert!(place.starts_with("line="), "{args:?}: {line:?}");
            continue;
        }
        assert!(
            !trimmed.starts_with("::"),
            "{args:?}: a forged command line: {line:?}\n{output}"
        );
        if kind != Kind::Json {
            assert!(
                !line.contains("##["),
                "{args:?}: a legacy command: {line:?}"
            );
        }
    }
}

/// Nothing a terminal, a log or a reader would interpret or hide, but pmo's own newlines.
fn nothing_hidden(args: &[String], output: &str) {
    if let Some(c) = output
        .chars()
        .find(|c| *c != '\n' && pmo::escape::hidden(*c))
    {
        panic!("{args:?}: raw {c:?} in\n{output}");
    }
}

/// The GFM tree of a Markdown text as node types, nested; text runs as one `text`.
fn shape(markdown: &str) -> String {
    let arena = comrak::Arena::new();
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    options.extension.tasklist = true;
    options.extension.footnotes = true;
    let root = comrak::parse_document(&arena, markdown, &options);
    let mut out = String::new();
    write_shape(root, &mut out);
    out
}

fn write_shape<'a>(node: &'a AstNode<'a>, out: &mut String) {
    let value = &node.data.borrow().value;
    let name = match value {
        NodeValue::Text(_) if out.ends_with("text ") => return,
        NodeValue::HtmlInline(html) => format!("html_inline({html})"),
        NodeValue::HtmlBlock(html) => format!("html_block({})", html.literal.trim_end()),
        other => other.xml_node_name().to_owned(),
    };
    out.push_str(&name);
    out.push(' ');
    if node.first_child().is_some() {
        out.push_str("( ");
        for child in node.children() {
            write_shape(child, out);
        }
        out.push_str(") ");
    }
}

/// pmo's own HTML in Markdown: a line break inside a value, the folded field changes.
const OWN_HTML: [&str; 5] = [
    "<br>",
    "<details><summary>Field changes</summary>",
    "</details>",
    "<sub>",
    "</sub>",
];

/// Text nodes with a live `@mention` or issue reference; HTML that is not pmo's.
fn markdown_is_inert(args: &[String], markdown: &str) {
    let arena = comrak::Arena::new();
    let mut options = comrak::Options::default();
    options.extension.table = true;
    options.extension.autolink = true;
    let root = comrak::parse_document(&arena, markdown, &options);
    for node in root.descendants() {
        match &node.data.borrow().value {
            NodeValue::Text(text) => {
                let chars: Vec<char> = text.chars().collect();
                for (i, c) in chars.iter().enumerate() {
                    let before = i.checked_sub(1).map(|j| chars[j]);
                    let next = chars.get(i + 1);
                    let live = match c {
                        '@' => {
                            !before.is_some_and(char::is_alphanumeric)
                                && next.is_some_and(|n| n.is_alphanumeric())
                        }
                        '#' => next.is_some_and(char::is_ascii_digit),
                        _ => false,
                    };
                    assert!(!live, "{args:?}: a live mention or reference in {text:?}");
                }
            }
            NodeValue::HtmlInline(html) => {
                assert!(OWN_HTML.contains(&html.as_str()), "{args:?}: HTML {html:?}");
            }
            NodeValue::HtmlBlock(html) => {
                let literal = html.literal.trim_end();
                assert!(
                    literal
                        .lines()
                        .all(|l| OWN_HTML.iter().any(|own| l.starts_with(own))),
                    "{args:?}: HTML {literal:?}"
                );
            }
            _ => {}
        }
    }
}

/// Every cell: one line, and no formula unless a plain number.
fn csv_is_inert(args: &[String], text: &str) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']);
            assert!(
                !formula || cell.parse::<f64>().is_ok(),
                "{args:?}: a formula cell {cell:?}"
            );
        }
    }
}

#[test]
fn hostile_text_changes_no_output_structure() {
    let hostile_texts = Texts::hostile();
    let placeholder_texts = Texts::harmless();
    let repo = hostile_texts.repository();
    let plain = placeholder_texts.repository();
    let mut markdown_compared = 0;
    for (kind, args) in cases(hostile_texts.id) {
        let (stdout, stderr) = run(&repo, &args);
        no_forged_command(&args, kind, &stdout);
        no_forged_command(&args, Kind::Terminal, &stderr);
        nothing_hidden(&args, &stderr);
        match kind {
            Kind::Json => {
                let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                assert!(!value.is_null());
            }
            Kind::Junit => {
                nothing_hidden(&args, &stdout);
                roxmltree::Document::parse(&stdout)
                    .unwrap_or_else(|e| panic!("{args:?}: not XML: {e}\n{stdout}"));
            }
            Kind::Csv => {
                nothing_hidden(&args, &stdout);
                csv_is_inert(&args, &stdout);
            }
            Kind::Markdown => {
                nothing_hidden(&args, &stdout);
                markdown_is_inert(&args, &stdout);
                let mut placeholder_args = args.clone();
                for a in &mut placeholder_args {
                    if *a == hostile_texts.id {
                        *a = placeholder_texts.id.to_owned();
                    }
                }
                let (harmless, _) = run(&plain, &placeholder_args);
                let (got, want) = (shape(&stdout), shape(&harmless));
                let at = got
                    .bytes()
                    .zip(want.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                assert_eq!(
                    got,
                    want,
                    "{args:?}: the structure differs from harmless text's at\n{}\n{}\n\n{stdout}\n---\n{harmless}",
                    &got[at.saturating_sub(200)..(at + 200).min(got.len())],
                    &want[at.saturating_sub(200)..(at + 200).min(want.len())],
                );
                markdown_compared += 1;
            }
            Kind::Terminal | Kind::Html | Kind::Github => nothing_hidden(&args, &stdout),
        }
        // The new outputs are there to be judged.
        if args.iter().any(|a| a == "--diff") {
            assert!(stdout.contains("+raised: 2026-01-10\n"), "{stdout}");
        }
        if args.iter().any(|a| a == "--baseline") {
            assert!(
                stdout.contains("1 baseline entry no longer matches"),
                "{stdout}"
            );
        }
        if args[0] == "trend" {
            assert!(
                stdout.contains("2099-01") && !stdout.contains("before the first commit"),
                "{args:?}: no point was read:\n{stdout}"
            );
        }
        if args[0] == "report" && args[1] != "--list" {
            // Document text is data, never a template.
            let literal = "{% if true %}T{% endif %}";
            assert!(
                stdout.contains(literal),
                "{args:?}: a template ran:\n{stdout}"
            );
        }
    }
    assert_eq!(markdown_compared, 13 + 1 + 5 + 1 + 3);
}

#[test]
fn machine_formats_keep_the_text_whole() {
    // JSON escapes by its own rules: file names and messages arrive unaltered. SARIF
    // percent-encodes a file name, as its URIs are, and shows a message as a terminal
    // does, with the brackets of its embedded links escaped.
    let texts = Texts::hostile();
    let repo = texts.repository();
    let file = format!("projects/{}/risks/{}.yaml", texts.id, texts.file);
    let (json, _) = run(&repo, &["check".into(), "--format".into(), "json".into()]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    let finding = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == file.as_str())
        .expect("a finding in the hostile file");
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains(&hostile("::error:: v2")), "{message}");
    // A policy's message interpolates document text: it arrives whole too (and every
    // other format of `hostile_text_changes_no_output_structure` shows it inert).
    let policy = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "ORG-001");
    let policy = policy.expect("the policy's finding")["message"]
        .as_str()
        .unwrap();
    assert!(policy.matches(BODY).count() >= 2, "{policy}");
    // An export: CSV cells are inert; JSON Lines keep the text.
    for format in ["csv", "jsonl"] {
        let args = ["export", "--format", format, "-o", format].map(str::to_owned);
        let (_, stderr) = run(&repo, &args);
        no_forged_command(&args, Kind::Terminal, &stderr);
        let text = std::fs::read_to_string(repo.join(&format!("{format}/risks.{format}"))).unwrap();
        if format == "csv" {
            nothing_hidden(&args, &text);
            csv_is_inert(&args, &text);
        } else {
            let title = hostile("=cmd|' /C calc'!A0 v2");
            assert!(
                text.lines().any(
                    |l| serde_json::from_str::<serde_json::Value>(l).unwrap()["title"]
                        == title.as_str()
                ),
                "{text}"
            );
        }
    }
    // A document `diff` could not identify: its file and kind, whole.
    let args = ["diff", "HEAD~1", "HEAD", "--format", "json"].map(str::to_owned);
    let (diff, _) = run(&repo, &args);
    let diff: serde_json::Value = serde_json::from_str(&diff).unwrap();
    let draft = format!("projects/{}/risks/{}-draft.yaml", texts.id, texts.file);
    assert_eq!(
        diff["diff"]["unidentified"],
        serde_json::json!([{"file": draft, "kind": hostile("#  v2")}])
    );
    let (sarif, _) = run(&repo, &["check".into(), "--format".into(), "sarif".into()]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    // A SARIF file is a percent-encoded URI reference: printable ASCII that decodes to the
    // file name.
    assert!(results.iter().any(|r| {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        uri.bytes().all(|b| b.is_ascii_graphic())
            && percent_decoded(uri) == file
            && r["message"]["text"]
                .as_str()
                .unwrap()
                .starts_with(&*pmo::escape::sarif_message(message))
    }));
}

/// `%XX` escapes back to the bytes they stand for.
fn percent_decoded(uri: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = uri.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        match (b, tail.get(..2)) {
            (b'%', Some(hex)) => {
                let hex = std::str::from_utf8(hex).unwrap();
                bytes.push(u8::from_str_radix(hex, 16).unwrap());
                rest = &tail[2..];
            }
            _ => {
                bytes.push(b);
                rest = tail;
            }
        }
    }
    String::from_utf8(bytes).unwrap()
}

#[test]
fn causes_and_import_problems_stay_on_their_line() {
    let texts = Texts::hostile();
    // A configuration refused for a hostile value: the findings, then the cause on stderr.
    let repo = common::Repo::with_config(&format!("version: 1\ncurrency: {}\n", texts.q("")));
    for args in [vec!["check"], vec!["ls", "projects"]] {
        let out = repo.pmo(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let args: Vec<String> = args.into_iter().map(str::to_owned).collect();
        for output in [&out.stdout, &out.stderr] {
            let output = String::from_utf8(output.clone()).unwrap();
            no_forged_command(&args, Kind::Terminal, &output);
            nothing_hidden(&args, &output);
        }
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.starts_with("pmo: invalid configuration"), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    // Cells an import cannot use are quoted in its report, one line each.
    let mapping = "version: 1\ndocuments:\n  - kind: person\n    id: {column: Id}\n    fields:\n      name: {column: Name}\n      capacity: {column: Capacity, number: true}\n";
    let cell = |lead: &str| format!("\"{}\"", hostile(lead).replace('"', "\"\""));
    let csv = format!(
        "Id,Name,Capacity\n{},Ann,{}\nbob,Bob,{}\n",
        cell(""),
        cell("="),
        cell("@")
    );
    let repo = common::Repo::with_config("version: 1\nexclude: [import/**]\n")
        .file("import/mapping.yaml", mapping)
        .file("import/data.csv", &csv);
    let args: Vec<String> = [
        "import",
        "import/data.csv",
        "--map",
        "import/mapping.yaml",
        "--dry-run",
    ]
    .map(str::to_owned)
    .to_vec();
    let (stdout, stderr) = run(&repo, &args);
    assert!(
        stdout.contains("::error file=README.md"),
        "the cells are quoted: {stdout}"
    );
    for output in [&stdout, &stderr] {
        no_forged_command(&args, Kind::Terminal, output);
        nothing_hidden(&args, output);
    }
}

#[test]
fn a_snippet_marks_the_same_characters_once_escaped() {
    // Raw bidi controls before the value a finding points at, and raw ESC and BEL: the
    // lines are shown escaped, the marks under the same characters.
    let repo = common::Repo::new()
        .file("people/bob.yaml", common::BOB)
        .file("projects/apollo/project.yaml", common::APOLLO)
        .file(
            "projects/apollo/risks/r.yaml",
            "{kind: risk, id: r, project: apollo, title: \"\u{202e}\u{2066}x\", owner: bob, probability: 1, impact: 1, status: shut}\n",
        )
        .file(
            "projects/apollo/risks/s.yaml",
            "kind: risk\nid: s\nproject: apollo\ntitle: T\nowner: bob\nprobability: 1\nimpact: 1\nstatus: \u{1b}[2J\u{7}x # ok\n",
        )
        // Lone carriage returns break lines for YAML, and so for the snippet.
        .file(
            "projects/apollo/risks/t.yaml",
            "kind: risk\rid: t\rproject: apollo\rtitle: T\rowner: bob\rprobability: 1\rimpact: 1\rstatus: gone\r",
        );
    let out = repo.pmo(&["check"]).output().unwrap();
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}
