//! How long an editor waits for `pmo lsp` to publish a file's findings after a change to
//! it, on a large portfolio: the server runs in process on an in-memory connection (no
//! pipes), driven as an editor drives it.
//!
//! ```text
//! cargo run --release --example lsp -- DIR [EDITS]
//! ```
//!
//! Starts the server on DIR (`--today 2026-11-20`), waits for its first findings, then
//! opens EDITS documents (default 40) spread over the portfolio and changes each so that
//! its findings change (a risk's probability out of range, a status's RAG misspelt),
//! and prints the median and slowest time from the change to its file's findings.

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: lsp DIR [EDITS]");
        return ExitCode::from(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(40);
    let root = Path::new(&dir).canonicalize().expect("DIR exists");
    let (client, server) = Connection::memory();
    let today = jiff::civil::date(2026, 11, 20);
    let start = root.clone();
    let thread = std::thread::spawn(move || {
        pmo::lsp::serve(&server, &start, Some(today)).expect("the server runs");
    });
    let uri = |rel: &str| format!("file://{}/{rel}", root.display());
    let send = |m: Message| client.sender.send(m).expect("the server listens");
    let started = Instant::now();
    send(
        Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({"capabilities": {}, "rootUri": uri("").trim_end_matches('/')}),
        )
        .into(),
    );
    // The first findings are all sent before the answer to a request after `initialized`.
    send(Notification::new("initialized".into(), json!({})).into());
    send(Request::new(RequestId::from(2), "textDocument/hover".into(), json!({"textDocument": {"uri": uri("pmo.yaml")}, "position": {"line": 0, "character": 0}})).into());
    let mut files = 0;
    loop {
        match client.receiver.recv().expect("the server answers") {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => files += 1,
            Message::Response(r) if r.id == RequestId::from(2) => break,
            _ => {}
        }
    }
    println!(
        "started, loaded and published the findings of {files} files in {:.2?}",
        started.elapsed()
    );

    let mut candidates: Vec<(String, String, String)> = Vec::new();
    for folder in walk(&root) {
        let rel = folder
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let Ok(text) = std::fs::read_to_string(&folder) else {
            continue;
        };
        let changed = if text.contains("probability: ") {
            text.replacen("probability: ", "probability: 9", 1)
        } else if text.contains("overall: ") {
            text.replacen("overall: ", "overall: x", 1)
        } else {
            continue;
        };
        candidates.push((rel, text, changed));
    }
    let step = (candidates.len() / edits.max(1)).max(1);
    let mut times: Vec<Duration> = Vec::new();
    for (rel, text, changed) in candidates.iter().step_by(step).take(edits) {
        let uri = uri(rel);
        send(Notification::new("textDocument/didOpen".into(), json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}})).into());
        let changed_at = Instant::now();
        send(Notification::new("textDocument/didChange".into(), json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": changed}]})).into());
        loop {
            if let Message::Notification(n) = client.receiver.recv().expect("the server answers")
                && n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == uri.as_str()
            {
                times.push(changed_at.elapsed());
                break;
            }
        }
        send(
            Notification::new(
                "textDocument/didClose".into(),
                json!({"textDocument": {"uri": uri}}),
            )
            .into(),
        );
    }
    times.sort();
    println!(
        "{} changes: change to the file's findings median {:.2?}, slowest {:.2?}",
        times.len(),
        times[times.len() / 2],
        times[times.len() - 1]
    );
    send(Request::new(RequestId::from(3), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    drop(client);
    let _ = thread.join();
    ExitCode::SUCCESS
}

/// Every YAML file below `root`, in a stable order.
fn walk(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
