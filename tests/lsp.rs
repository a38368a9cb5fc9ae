//! `pmo lsp` spoken to as an editor speaks to it: JSON-RPC over the process's stdin and
//! stdout. Its findings are the CLI's (codes, ranges, fingerprints); hovers, completions,
//! definitions and code actions answer from the buffers as typed, unsaved ones included.

mod common;

use common::Repo;
use lsp_server::{Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};
use std::io::BufReader;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

const PERSON: &str = "kind: person\nid: carol\nname: Carol Jones\n";
const PROJECT: &str = "kind: project\nid: p1\ntitle: P1\nsponsor: carol\nmanager: carol\nstate: proposed\nphase: initiation\n";
/// A title outside the basic plane (two UTF-16 units) before the findings' columns.
const RISK: &str = "kind: risk\nid: r1\nproject: p1\ntitle: \"🚀 launch\"\nownr: carol\nprobability: 3\nimpact: 3\nstatus: open\nlast_reviewed: 2026-11-01\n";

struct Editor {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next: i32,
    root: std::path::PathBuf,
}

impl Editor {
    fn start(repo: &Repo) -> Editor {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pmo"))
            .args(["--today", "2026-11-20", "lsp"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // A server that stops answering fails the test instead of hanging it.
        let pid = child.id();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(120));
            let _ = Command::new("kill").arg(pid.to_string()).status();
        });
        Editor {
            input: child.stdin.take().unwrap(),
            output: BufReader::new(child.stdout.take().unwrap()),
            child,
            next: 0,
            root: repo.path().canonicalize().unwrap(),
        }
    }

    fn uri(&self, path: &str) -> String {
        format!("file://{}/{path}", self.root.display())
    }

    fn send(&mut self, message: Message) {
        message.write(&mut self.input).unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.into(), params).into());
    }

    /// Sends a request and returns its result, answering what the server asks meanwhile
    /// and keeping the findings it publishes.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = RequestId::from(self.next);
        self.send(Request::new(id.clone(), method.into(), params).into());
        loop {
            match self.receive() {
                Message::Response(r) if r.id == id => {
                    return r
                        .response_result
                        .unwrap_or_else(|e| panic!("{method}: {}", e.message));
                }
                _ => {}
            }
        }
    }

    fn receive(&mut self) -> Message {
        let message = Message::read(&mut self.output)
            .unwrap()
            .expect("the server answered");
        if let Message::Request(r) = &message {
            // client/registerCapability: accepted.
            self.send(Response::new_ok(r.id.clone(), Value::Null).into());
        }
        message
    }

    /// The next findings published for `path`.
    fn findings(&mut self, path: &str) -> Vec<Value> {
        let uri = self.uri(path);
        loop {
            if let Message::Notification(n) = self.receive()
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri.as_str()
            {
                return n.params["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn open(&mut self, path: &str, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &str, version: i32, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn at(&mut self, method: &str, path: &str, line: u32, character: u32) -> Value {
        let uri = self.uri(path);
        self.request(
            method,
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }
}

fn labels(completion: &Value) -> Vec<String> {
    let items = completion.get("items").unwrap_or(completion);
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn an_editor_session() {
    let repo = Repo::new()
        .file("people/carol.yaml", PERSON)
        .file("projects/p1/project.yaml", PROJECT)
        .file("projects/p1/risks/r1.yaml", RISK);
    let cli = repo.check_json();
    let mut editor = Editor::start(&repo);
    let root = editor.uri("");
    let init = editor.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": root.trim_end_matches('/'),
            "capabilities": {
                "general": {"positionEncodings": ["utf-16"]},
                "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
            }
        }),
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "pmo");
    editor.notify("initialized", json!({}));

    // On disk: the CLI's finding, at the same place (UTF-16 columns) with its fingerprint.
    let risk = "projects/p1/risks/r1.yaml";
    let found = editor.findings(risk);
    let want = cli["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), want.len(), "{found:#?}");
    for (lsp, cli) in found.iter().zip(want) {
        assert_eq!(lsp["code"], cli["code"]);
        assert_eq!(lsp["data"]["fingerprint"], cli["fingerprint"]);
        assert_eq!(
            lsp["range"]["start"]["line"],
            cli["line"].as_u64().unwrap() - 1
        );
    }
    let unknown = &found[1];
    assert_eq!(
        unknown["range"]["start"],
        json!({"line": 4, "character": 0})
    );
    assert_eq!(unknown["range"]["end"], json!({"line": 4, "character": 4}));
    assert!(
        unknown["message"]
            .as_str()
            .unwrap()
            .contains("did you mean `owner`?")
    );

    // An unsaved edit: a finding after the rocket, whose column counts two units for it.
    let typed = RISK.replace("title: \"🚀 launch\"", "title: \"🚀 launch\"\nimpact: 9");
    editor.change(risk, 2, &typed);
    let found = editor.findings(risk);
    let codes: Vec<&str> = found.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"P004"), "{found:#?}");

    editor.change(risk, 3, RISK);
    assert_eq!(editor.findings(risk).len(), want.len());

    // Hover on the finding: its message and the rule's explanation.
    let hover = editor.at("textDocument/hover", risk, 4, 2);
    let text = hover["contents"]["value"].as_str().unwrap();
    // Document text is escaped: a backtick is an entity, shown as itself.
    assert!(
        text.contains("**S001** error: unknown field &#96;ownr&#96;"),
        "{text}"
    );
    assert!(
        text.contains("`schema-violation` · default severity"),
        "{text}"
    );

    // The fix as a code action.
    let actions = editor.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": editor.uri(risk)},
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}},
            "context": {"diagnostics": []}
        }),
    );
    assert_eq!(actions[0]["title"], "replace `ownr` with `owner`");
    let edits = &actions[0]["edit"]["changes"][editor.uri(risk)];
    assert_eq!(
        edits,
        &json!([{"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 4}}, "newText": "owner"}])
    );

    // Completion of a person where a field takes one, and of a schema's values.
    let typing = RISK
        .replace("ownr: carol", "owner: ca")
        .replace("status: open", "status: ");
    editor.change(risk, 4, &typing);
    let people = editor.at("textDocument/completion", risk, 4, 9);
    assert_eq!(labels(&people), ["carol"]);
    assert_eq!(people["items"][0]["detail"], "Carol Jones");
    let states = editor.at("textDocument/completion", risk, 7, 8);
    assert_eq!(labels(&states), ["open", "closed"]);

    // Go to the referenced document.
    editor.change(risk, 5, &RISK.replace("ownr", "owner"));
    assert_eq!(editor.findings(risk), Vec::<Value>::new());
    let location = editor.at("textDocument/definition", risk, 4, 9);
    assert_eq!(location["uri"], editor.uri("people/carol.yaml"));
    assert_eq!(
        location["range"]["start"],
        json!({"line": 0, "character": 0})
    );

    // A buffer of a file not on disk counts: r1 is now a duplicate of its id (the copy
    // comes first in path order), until the buffer is closed.
    let copy = "projects/p1/risks/r1-copy.yaml";
    editor.open(copy, &RISK.replace("ownr", "owner"));
    let found = editor.findings(risk);
    assert_eq!(found[0]["code"], "R001", "{found:#?}");
    let related = &found[0]["relatedInformation"][0]["location"]["uri"];
    assert_eq!(related, &json!(editor.uri(copy)));
    editor.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": editor.uri(copy)}}),
    );
    assert_eq!(editor.findings(risk), Vec::<Value>::new());

    // A file written on disk by another program is picked up; one git ignores is not
    // (`dan` would match `d`).
    std::fs::write(
        repo.join("people/dave.yaml"),
        "kind: person\nid: dave\nname: Dave\n",
    )
    .unwrap();
    std::fs::create_dir(repo.join(".git")).unwrap();
    std::fs::write(repo.join("people/.gitignore"), "draft-*.yaml\n").unwrap();
    std::fs::write(repo.join("people/draft-x.yaml"), "kind: person\nid: dan\n").unwrap();
    let changes: Vec<Value> = ["people/dave.yaml", "people/draft-x.yaml"]
        .iter()
        .map(|p| json!({"uri": editor.uri(p), "type": 1}))
        .collect();
    editor.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": changes}),
    );
    editor.change(risk, 6, &RISK.replace("ownr: carol", "owner: d"));
    let people = editor.at("textDocument/completion", risk, 4, 8);
    assert_eq!(labels(&people), ["dave"]);
    // An ignore rule edited on disk: the repository is read again without the file.
    std::fs::write(repo.join("people/.gitignore"), "draft-*.yaml\ndave.yaml\n").unwrap();
    let change = json!({"uri": editor.uri("people/.gitignore"), "type": 2});
    editor.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [change]}),
    );
    let people = editor.at("textDocument/completion", risk, 4, 8);
    assert_eq!(labels(&people), Vec::<String>::new());

    // pmo.yaml edited in the editor: its findings, then none again.
    editor.open(
        "pmo.yaml",
        "version: 1\nroles: [sponsor, ccb]\nwaivers: 3\n",
    );
    let found = editor.findings("pmo.yaml");
    assert_eq!(found[0]["code"], "S001", "{found:#?}");
    assert_eq!(found[0]["message"], "`waivers` must be a list, found `3`");
    editor.change(
        "pmo.yaml",
        2,
        &format!("{}rules:\n  K002: error\n", common::CONFIG),
    );
    assert_eq!(editor.findings("pmo.yaml"), Vec::<Value>::new());
    // Hover on a rule code: the rule; on a reference: the document it names.
    let hover = editor.at("textDocument/hover", "pmo.yaml", 3, 3);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**K002** `risk-not-reviewed`"), "{text}");
    editor.change(risk, 7, &RISK.replace("ownr", "owner"));
    let hover = editor.at("textDocument/hover", risk, 4, 10);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert_eq!(text, "person `carol`: Carol Jones\n\npeople/carol.yaml");

    assert_eq!(editor.request("shutdown", Value::Null), Value::Null);
    editor.notify("exit", Value::Null);
    let status = editor.child.wait().unwrap();
    assert!(status.success());
}

/// `pmo schema --yaml-ls DIR` maps every document of the example to the schema of its
/// kind, in files `pmo schema -o DIR` wrote.
#[test]
fn yaml_language_server_settings_map_the_layout_to_the_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("acme");
    common::copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/acme"),
        &root,
    );
    let pmo = |args: &[&str]| {
        common::succeeds(
            assert_cmd::Command::cargo_bin("pmo")
                .unwrap()
                .arg("-C")
                .arg(&root)
                .args(args),
        )
    };
    pmo(&["schema", "-o", ".pmo-schemas"]);
    let settings: Value =
        serde_json::from_str(&pmo(&["schema", "--yaml-ls", ".pmo-schemas/"])).unwrap();
    let map = settings["yaml.schemas"].as_object().unwrap();
    let globs: Vec<(String, globset::GlobMatcher)> = map
        .iter()
        .flat_map(|(schema, globs)| {
            assert!(root.join(schema).is_file(), "{schema} was not written");
            let schema = schema.clone();
            globs.as_array().unwrap().iter().map(move |g| {
                let glob = globset::GlobBuilder::new(g.as_str().unwrap())
                    .literal_separator(true)
                    .build()
                    .unwrap();
                (schema.clone(), glob.compile_matcher())
            })
        })
        .collect();
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if path.is_dir() && !rel.starts_with('.') && rel != "templates" {
                stack.push(path);
            } else if rel.ends_with(".yaml") {
                files.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    assert!(files.len() > 30);
    for (rel, text) in files {
        let schemas: Vec<&str> = globs
            .iter()
            .filter(|(_, g)| g.is_match(&rel))
            .map(|(s, _)| s.as_str())
            .collect();
        let kind = text
            .lines()
            .find_map(|l| l.strip_prefix("kind: "))
            .unwrap_or("pmo");
        assert_eq!(
            schemas,
            [format!(".pmo-schemas/{kind}.schema.json")],
            "{rel}"
        );
    }
}

/// What an editor (or a file of a pull request) can send that it should not: paths that
/// climb out of the repository, malformed notifications, a line of 300,000
/// list markers, positions at the end of the number range. The server answers, stays up,
/// and reads nothing outside the repository; a root named through a link works.
#[cfg(unix)]
#[test]
fn hostile_requests_are_answered_and_the_server_stays_up() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), "rule: R002\n").unwrap();
    let repo = Repo::new()
        .file("people/carol.yaml", PERSON)
        .file("projects/p1/project.yaml", PROJECT)
        .file("projects/p1/risks/r1.yaml", RISK);
    // The editor opens the repository through a link.
    let link = outside.path().join("link");
    std::os::unix::fs::symlink(repo.path(), &link).unwrap();
    let mut editor = Editor::start(&repo);
    editor.root = link.clone();
    let root = editor.uri("");
    editor.request(
        "initialize",
        json!({"processId": null, "rootUri": root.trim_end_matches('/'), "capabilities": {}}),
    );
    editor.notify("initialized", json!({}));
    let risk = "projects/p1/risks/r1.yaml";
    assert_eq!(
        editor.findings(risk).len(),
        2,
        "findings under the linked root"
    );

    // A file outside the repository, named through `..`: not read.
    let secret = outside.path().join("secret.yaml");
    let rel = pathdiff(&secret, &link);
    for uri in [editor.uri(&rel), editor.uri(&rel.replace("..", "%2e%2e"))] {
        let hover = editor.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 8}}),
        );
        assert_eq!(hover, Value::Null, "{uri}");
    }
    // A hover shows document text as text: no link, no HTML, no control character.
    let hostile =
        "kind: person\nid: mallory\nname: \"[x](http://evil.example) <img src=x> \\e[31m\\n# h\"\n";
    editor.open("people/mallory.yaml", hostile);
    let owned = RISK.replace("ownr: carol", "owner: mallory");
    editor.change(risk, 2, &owned);
    let hover = editor.at("textDocument/hover", risk, 4, 9);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("person `mallory`"), "{text}");
    // Escaped as Markdown escapes it: the brackets and the tag are literal, the line
    // break a `<br>` of the one line.
    assert!(
        text.contains("\\[x\\](") && text.contains("\\<img"),
        "{text:?}"
    );
    assert!(
        !text.contains('\u{1b}') && !text.contains("\n# h"),
        "{text:?}"
    );
    editor.change(risk, 3, RISK);
    // Malformed notifications: said on stderr, and the server goes on.
    editor.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": editor.uri(risk), "version": 2}}),
    );
    editor.notify("textDocument/didOpen", json!({}));
    // A line of 300,000 list markers: answered at once.
    let deep = format!("kind: risk\nid: deep\n{}x\n", "- ".repeat(300_000));
    editor.open("projects/p1/risks/deep.yaml", &deep);
    let started = std::time::Instant::now();
    editor.at(
        "textDocument/hover",
        "projects/p1/risks/deep.yaml",
        2,
        200_000,
    );
    editor.at(
        "textDocument/completion",
        "projects/p1/risks/deep.yaml",
        2,
        200_001,
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // The end of the number range.
    for (line, character) in [(u32::MAX, u32::MAX), (0, u32::MAX), (u32::MAX, 0)] {
        editor.at("textDocument/hover", risk, line, character);
        editor.at("textDocument/completion", risk, line, character);
        editor.at("textDocument/definition", risk, line, character);
    }
    // A document replaced on disk by a link is reported as `check` reports it (P006),
    // until it is a file again.
    let erin = "people/erin.yaml";
    std::fs::write(repo.join(erin), "kind: person\nid: erin\nname: Erin\n").unwrap();
    let changed = json!({"changes": [{"uri": editor.uri(erin), "type": 1}]});
    editor.notify("workspace/didChangeWatchedFiles", changed.clone());
    std::fs::remove_file(repo.join(erin)).unwrap();
    std::os::unix::fs::symlink(repo.join("people/carol.yaml"), repo.join(erin)).unwrap();
    editor.notify("workspace/didChangeWatchedFiles", changed.clone());
    let found = editor.findings(erin);
    assert_eq!(found[0]["code"], "P006", "{found:#?}");
    let cli = repo.check_json();
    assert!(cli["diagnostics"].to_string().contains("P006"));
    std::fs::remove_file(repo.join(erin)).unwrap();
    editor.notify("workspace/didChangeWatchedFiles", changed);
    assert_eq!(editor.findings(erin), Vec::<Value>::new());
    // Still up, still right.
    let hover = editor.at("textDocument/hover", risk, 4, 2);
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("S001")
    );
    // `exit` without `shutdown`: the protocol's exit code 1.
    editor.notify("exit", Value::Null);
    assert_eq!(editor.child.wait().unwrap().code(), Some(1));
}

/// `to` from `from`, through `..`.
fn pathdiff(to: &std::path::Path, from: &std::path::Path) -> String {
    let depth = from.components().count();
    let up = "../".repeat(depth);
    format!("{up}{}", to.to_string_lossy().trim_start_matches('/'))
}
