//! `pmo lsp`: a language server over stdio on the incremental engine, so an editor shows
//! the findings `pmo check` reports (the same codes, spans and fingerprints) as a
//! document is typed. Requests and notifications are handled one at a time, in order;
//! findings are made again once the notifications waiting have all been applied.

mod convert;
mod cursor;
mod features;
mod workspace;

use crate::diagnostic::Diagnostic;
use crate::fix::Lines;
use convert::Columns;
use features::At;
use jiff::civil::Date;
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{self as lsp, notification as note, request as req};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use workspace::Workspace;

/// Serve the editor on `connection` until it asks to exit. `start`: where to look for
/// the repository when the editor names no folder; `today`: a fixed date for the rules
/// (else each report uses the day it is made on). `true`: the editor shut it down before
/// it said exit.
pub fn serve(connection: &Connection, start: &Path, today: Option<Date>) -> Outcome<bool> {
    let (id, params) = connection.initialize_start()?;
    let params: lsp::InitializeParams = serde_json::from_value(params)?;
    let columns = match params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref())
    {
        Some(kinds) if kinds.contains(&lsp::PositionEncodingKind::UTF32) => Columns::Utf32,
        _ => Columns::Utf16,
    };
    let capabilities = lsp::ServerCapabilities {
        position_encoding: Some(match columns {
            Columns::Utf32 => lsp::PositionEncodingKind::UTF32,
            Columns::Utf16 => lsp::PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![":".into(), " ".into(), "[".into(), ",".into()]),
            ..Default::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    };
    let result = lsp::InitializeResult {
        capabilities,
        server_info: Some(lsp::ServerInfo {
            name: "pmo".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    connection.initialize_finish(id, serde_json::to_value(result)?)?;
    // Editors that predate workspace folders send only the root.
    #[allow(deprecated)]
    let root = params.root_uri.as_ref();
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(root)
        .and_then(convert::path_of)
        .unwrap_or_else(|| start.to_path_buf());
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files)
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    // A repository that cannot be read (its pmo.yaml a link, say) is said once; outside
    // one, the server waits for a file that is in one.
    let workspace = match Workspace::discover(&folder, today) {
        Ok(ws) => Some(ws),
        Err(crate::Error::NotARepository(_)) => None,
        Err(e) => {
            let params = lsp::ShowMessageParams {
                typ: lsp::MessageType::ERROR,
                message: format!("pmo: {e}"),
            };
            let method = <note::ShowMessage as lsp::notification::Notification>::METHOD;
            connection
                .sender
                .send(Notification::new(method.into(), params).into())?;
            None
        }
    };
    let mut server = Server {
        connection,
        columns,
        today,
        workspace,
        published: HashMap::new(),
        dirty: true,
        requests: 0,
    };
    if watch {
        server.watch_files()?;
    }
    server.run()
}

/// What ends the server: the connection or the protocol failed.
pub type Outcome<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

struct Server<'c> {
    connection: &'c Connection,
    columns: Columns,
    today: Option<Date>,
    /// `None` until a repository is found (from the folder, or an opened file's).
    workspace: Option<Workspace>,
    /// The findings last sent for each file.
    published: HashMap<String, Vec<Diagnostic>>,
    /// Files changed since findings were last sent.
    dirty: bool,
    requests: i32,
}

impl Server<'_> {
    /// Serve until the editor says exit: `true` after a shutdown, as the protocol asks.
    fn run(&mut self) -> Outcome<bool> {
        loop {
            // Findings are sent when no message is waiting: a burst of changes is
            // checked once.
            if self.dirty && self.connection.receiver.is_empty() {
                self.publish()?;
            }
            let Ok(message) = self.connection.receiver.recv() else {
                return Ok(false);
            };
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(true);
                    }
                    let id = request.id.clone();
                    let response = match self.request(request) {
                        Ok(value) => Response::new_ok(id, value),
                        Err(e) => Response::new_err(
                            id,
                            lsp_server::ErrorCode::InvalidParams as i32,
                            e.to_string(),
                        ),
                    };
                    self.connection.sender.send(response.into())?;
                }
                // `exit` after `shutdown` is handled above; without it, the editor gave up.
                Message::Notification(n) if n.method == "exit" => return Ok(false),
                Message::Notification(n) => {
                    // A notification the server cannot read is the editor's bug: said on
                    // stderr (the editor's log for the server), and the server goes on.
                    let method = crate::escape::terminal(&n.method).into_owned();
                    if let Err(e) = self.notification(n) {
                        let e = crate::escape::terminal(&e.to_string()).into_owned();
                        let _ = writeln!(std::io::stderr(), "pmo lsp: {method}: {e}");
                    }
                }
                // The answer to a registration: nothing to do.
                Message::Response(_) => {}
            }
        }
    }

    /// Ask the editor to report changes of the files the repository reads.
    fn watch_files(&mut self) -> Outcome {
        let watchers = ["**/*.yaml", "**/*.yml", "**/.gitignore", "**/schema/*.json"]
            .iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String((*glob).into()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "pmo-files".into(),
                method: <note::DidChangeWatchedFiles as lsp::notification::Notification>::METHOD
                    .into(),
                register_options: Some(serde_json::to_value(options)?),
            }],
        };
        self.requests += 1;
        let request = Request::new(
            RequestId::from(self.requests),
            <req::RegisterCapability as lsp::request::Request>::METHOD.into(),
            params,
        );
        self.connection.sender.send(request.into())?;
        Ok(())
    }

    /// The workspace and the path below its root of a file URI; a repository is looked
    /// for around the file when there is none yet.
    fn locate(&mut self, uri: &lsp::Uri) -> Option<(&mut Workspace, String)> {
        let path = convert::path_of(uri)?;
        if self.workspace.is_none() {
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            self.workspace = Workspace::discover(&dir, self.today).ok();
            self.dirty = true;
        }
        let ws = self.workspace.as_mut()?;
        let rel = ws.relative(&path)?;
        Some((ws, rel))
    }

    fn notification(&mut self, n: Notification) -> Outcome {
        use lsp::notification::Notification as _;
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let p: lsp::DidOpenTextDocumentParams = serde_json::from_value(n.params)?;
                if let Some((ws, rel)) = self.locate(&p.text_document.uri) {
                    ws.open(rel, p.text_document.text);
                    self.dirty = true;
                }
            }
            note::DidChangeTextDocument::METHOD => {
                let p: lsp::DidChangeTextDocumentParams = serde_json::from_value(n.params)?;
                // Whole texts only (the sync kind announced): the last one counts.
                if let Some(change) = p.content_changes.into_iter().last()
                    && let Some((ws, rel)) = self.locate(&p.text_document.uri)
                {
                    ws.open(rel, change.text);
                    self.dirty = true;
                }
            }
            note::DidCloseTextDocument::METHOD => {
                let p: lsp::DidCloseTextDocumentParams = serde_json::from_value(n.params)?;
                if let Some((ws, rel)) = self.locate(&p.text_document.uri) {
                    ws.close(&rel);
                    self.dirty = true;
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                let p: lsp::DidChangeWatchedFilesParams = serde_json::from_value(n.params)?;
                for change in p.changes {
                    if let Some((ws, rel)) = self.locate(&change.uri) {
                        ws.changed_on_disk(&rel);
                        self.dirty = true;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn request(&mut self, request: Request) -> Outcome<Value> {
        use lsp::request::Request as _;
        // Answers read the findings as they are after every change so far.
        if self.dirty {
            self.publish()?;
        }
        let columns = self.columns;
        let Some(ws) = self.workspace.as_ref() else {
            return Ok(Value::Null);
        };
        let docs = docs_url(ws);
        // The request's document as the editor has it: its path and text.
        let open = |uri: &lsp::Uri| -> Option<(String, String)> {
            let rel = ws.relative(&convert::path_of(uri)?)?;
            let text = ws.text(&rel)?;
            Some((rel, text))
        };
        let at = |rel, text, uri| At {
            path: rel,
            lines: Lines::new(text),
            uri,
            columns,
        };
        let value = match request.method.as_str() {
            req::HoverRequest::METHOD => {
                let p: lsp::HoverParams = serde_json::from_value(request.params)?;
                let (doc, position) = (
                    p.text_document_position_params.text_document,
                    p.text_document_position_params.position,
                );
                let Some((rel, text)) = open(&doc.uri) else {
                    return Ok(Value::Null);
                };
                let here = at(&rel, &text, &doc.uri);
                serde_json::to_value(features::hover(
                    &here,
                    position,
                    ws.findings(),
                    ws.repository(),
                ))?
            }
            req::Completion::METHOD => {
                let p: lsp::CompletionParams = serde_json::from_value(request.params)?;
                let (doc, position) = (
                    p.text_document_position.text_document,
                    p.text_document_position.position,
                );
                let (Some((rel, text)), Some(repo)) = (open(&doc.uri), ws.repository()) else {
                    return Ok(Value::Null);
                };
                let here = at(&rel, &text, &doc.uri);
                serde_json::to_value(features::complete(&here, position, repo))?
            }
            req::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = serde_json::from_value(request.params)?;
                let (doc, position) = (
                    p.text_document_position_params.text_document,
                    p.text_document_position_params.position,
                );
                let (Some((rel, text)), Some(repo)) = (open(&doc.uri), ws.repository()) else {
                    return Ok(Value::Null);
                };
                let root = ws.root();
                let here = at(&rel, &text, &doc.uri);
                let location = features::definition(&here, position, repo, columns, |path| {
                    convert::uri_of(&join(root, path))
                });
                serde_json::to_value(location.map(lsp::GotoDefinitionResponse::Scalar))?
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = serde_json::from_value(request.params)?;
                let Some((rel, text)) = open(&p.text_document.uri) else {
                    return Ok(Value::Null);
                };
                let here = at(&rel, &text, &p.text_document.uri);
                serde_json::to_value(features::actions(&here, p.range, ws.findings(), &docs))?
            }
            _ => Value::Null,
        };
        Ok(value)
    }

    /// Send the findings of every file whose findings changed since they were last sent
    /// (an empty list clears a file's).
    fn publish(&mut self) -> Outcome {
        self.dirty = false;
        let Some(ws) = self.workspace.as_mut() else {
            return Ok(());
        };
        ws.report();
        let ws: &Workspace = ws;
        // By file, borrowed: only the files whose findings changed are copied and sent.
        let mut now: HashMap<&str, Vec<&Diagnostic>> = HashMap::new();
        for d in &ws.findings().diagnostics {
            now.entry(d.file.as_str()).or_default().push(d);
        }
        let gone: Vec<String> = self
            .published
            .keys()
            .filter(|f| !now.contains_key(f.as_str()))
            .cloned()
            .collect();
        let mut changed: Vec<(&str, &[&Diagnostic])> = now
            .iter()
            .filter(|(file, found)| {
                let sent = self
                    .published
                    .get(**file)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                sent.len() != found.len() || sent.iter().zip(found.iter()).any(|(a, b)| a != *b)
            })
            .map(|(file, found)| (*file, found.as_slice()))
            .collect();
        changed.extend(gone.iter().map(|f| (f.as_str(), &[][..])));
        changed.sort_by_key(|(file, _)| *file);
        let docs = docs_url(ws);
        let root = ws.root().to_path_buf();
        let text = |path: &str| ws.text(path).unwrap_or_default();
        for (file, found) in changed {
            let own = text(file);
            let own = Lines::new(&own);
            let diagnostics = found
                .iter()
                .map(|d| {
                    convert::diagnostic(d, &own, self.columns, &docs, |other| {
                        Some((convert::uri_of(&join(&root, other)), text(other)))
                    })
                })
                .collect();
            let params = lsp::PublishDiagnosticsParams {
                uri: convert::uri_of(&join(&root, file)),
                diagnostics,
                version: None,
            };
            let method = <note::PublishDiagnostics as lsp::notification::Notification>::METHOD;
            self.connection
                .sender
                .send(Notification::new(method.into(), params).into())?;
            match found {
                [] => self.published.remove(file),
                _ => self.published.insert(
                    file.to_owned(),
                    found.iter().map(|d| (*d).clone()).collect(),
                ),
            };
        }
        Ok(())
    }
}

/// Where a finding's code links to: pmo.yaml `docs_url`, else the rule catalogue.
fn docs_url(ws: &Workspace) -> String {
    ws.repository()
        .and_then(|r| r.config.docs_url.clone())
        .unwrap_or_else(|| crate::render::DOCS_URL.to_owned())
}

/// A path below the root on disk.
fn join(root: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .fold(root.to_path_buf(), |p, part| p.join(part))
}
