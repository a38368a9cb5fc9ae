//! The repository as the editor has it: the working tree with the editor's open
//! buffers over it (unsaved text is checked as it is), kept in an incremental engine.

use crate::Error;
use crate::check::{Edited, Engine, Report};
use crate::diagnostic::Diagnostic;
use crate::source::{Source, Unread, Visit, Worktree};
use globset::GlobSet;
use jiff::civil::Date;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Workspace {
    tree: Worktree,
    /// The root as the editor names it (through a link, say): what URIs are made from.
    shown: PathBuf,
    /// `--today`; otherwise each report uses the day it is made on.
    fixed_today: Option<Date>,
    /// Open buffers by path below the root.
    buffers: HashMap<String, String>,
    state: State,
    report: Option<Report>,
}

enum State {
    Ready(Box<Engine>),
    /// pmo.yaml cannot be read: its findings, until it is edited.
    Broken(Vec<Diagnostic>),
}

impl Workspace {
    /// The governance repository around `start` (walking up to its pmo.yaml).
    pub fn discover(start: &Path, fixed_today: Option<Date>) -> Result<Workspace, Error> {
        let tree = Worktree::discover(start)?;
        let shown = start
            .ancestors()
            .find(|dir| dir.canonicalize().is_ok_and(|d| d == tree.root()))
            .map_or_else(|| tree.root().to_path_buf(), Path::to_path_buf);
        let mut ws = Workspace {
            tree,
            shown,
            fixed_today,
            buffers: HashMap::new(),
            state: State::Broken(Vec::new()),
            report: None,
        };
        ws.reload()?;
        Ok(ws)
    }

    /// The root as the editor names it.
    pub fn root(&self) -> &Path {
        &self.shown
    }

    /// `path` below the root, with `/`; `None` for a path outside it (an editor may name
    /// the root through a link: the file's folder is resolved then) or one that climbs
    /// (`..`).
    pub fn relative(&self, path: &Path) -> Option<String> {
        let rest = match path
            .strip_prefix(&self.shown)
            .or_else(|_| path.strip_prefix(self.tree.root()))
        {
            Ok(rest) => rest.to_path_buf(),
            Err(_) => {
                let dir = path.parent()?.canonicalize().ok()?;
                dir.strip_prefix(self.tree.root())
                    .ok()?
                    .join(path.file_name()?)
            }
        };
        let parts: Vec<&str> = rest
            .components()
            .map(|c| match c {
                std::path::Component::Normal(part) => part.to_str(),
                _ => None,
            })
            .collect::<Option<_>>()?;
        (!parts.is_empty()).then(|| parts.join("/"))
    }

    fn today(&self) -> Date {
        self.fixed_today.unwrap_or_else(|| {
            jiff::Zoned::now()
                .with_time_zone(jiff::tz::TimeZone::UTC)
                .date()
        })
    }

    /// Load the repository again (its configuration changed): the tree with the buffers
    /// over it. Fails only when the tree cannot be read at all.
    fn reload(&mut self) -> Result<(), Error> {
        let overlay = Overlay {
            tree: &self.tree,
            buffers: &self.buffers,
        };
        self.state = match Engine::load(&overlay, self.today()) {
            Ok(engine) => State::Ready(Box::new(engine)),
            Err(Error::Config(mut diagnostics)) => {
                let text = self.text(crate::config::FILE).unwrap_or_default();
                crate::fingerprint::assign(&mut diagnostics, None, &text);
                State::Broken(diagnostics)
            }
            Err(e) => return Err(e),
        };
        self.report = None;
        Ok(())
    }

    /// The editor opened or changed a buffer.
    pub fn open(&mut self, path: String, text: String) {
        let bytes = text.clone().into_bytes();
        self.buffers.insert(path.clone(), text);
        self.set(&path, Some(bytes));
    }

    /// The editor closed a buffer: the file is what is on disk again.
    pub fn close(&mut self, path: &str) {
        if self.buffers.remove(path).is_some() {
            self.reread(path);
        }
    }

    /// A file changed on disk; an open buffer's text stays what the editor shows.
    pub fn changed_on_disk(&mut self, path: &str) {
        if !self.buffers.contains_key(path) {
            self.reread(path);
        }
    }

    fn reread(&mut self, path: &str) {
        // There but not read (a link, a file over the limit): as `check` reports it.
        let bytes = match crate::source::file::read_below(self.tree.root(), path) {
            // A folder with a document's name is walked as a folder: no document.
            Err(Unread::NotAFile) => None,
            read => read.transpose(),
        };
        self.put(path, bytes);
    }

    fn set(&mut self, path: &str, bytes: Option<Vec<u8>>) {
        self.put(path, bytes.map(Ok));
    }

    /// `bytes` at `path`: its content, `None` when it is gone, `Some(Err(why))` when it
    /// is there but cannot be read.
    fn put(&mut self, path: &str, bytes: Option<Result<Vec<u8>, Unread>>) {
        let edited = match &mut self.state {
            // pmo.yaml, an overlay, a `.gitignore`: how every file is read (and until
            // pmo.yaml reads, the only edits that matter).
            _ if crate::check::is_configuration(path) => Edited::Configuration,
            State::Ready(engine) => {
                let known = engine.repository().text(path).is_some();
                // A file the walk would not visit (ignored by git) is not a document.
                if !known && !self.tree.walks(path) {
                    return;
                }
                match bytes {
                    Some(Err(why)) => engine.edit_unread(path, why),
                    bytes => engine.edit(path, bytes.and_then(Result::ok)),
                }
            }
            State::Broken(_) => return,
        };
        match edited {
            Edited::Configuration => {
                // The tree stays readable while the server runs; if it stops being so,
                // the last findings stand.
                let _ = self.reload();
            }
            Edited::Document => self.report = None,
            Edited::Unchanged | Edited::NotADocument => {}
        }
    }

    /// The findings now (made again only after a change, or on a new day).
    pub fn report(&mut self) -> &Report {
        if let State::Ready(engine) = &self.state
            && engine.today() != self.today()
        {
            let _ = self.reload();
        }
        if self.report.is_none() {
            self.report = Some(match &mut self.state {
                State::Ready(engine) => engine.report(),
                State::Broken(diagnostics) => Report {
                    files: 0,
                    documents: 0,
                    diagnostics: diagnostics.clone(),
                    waived: Vec::new(),
                    baseline: None,
                },
            });
        }
        self.report.as_ref().expect("made above")
    }

    /// The findings last made by [`Self::report`].
    pub fn findings(&self) -> &Report {
        static NONE: Report = Report {
            files: 0,
            documents: 0,
            diagnostics: Vec::new(),
            waived: Vec::new(),
            baseline: None,
        };
        self.report.as_ref().unwrap_or(&NONE)
    }

    /// The loaded repository, when pmo.yaml reads.
    pub fn repository(&self) -> Option<&crate::repository::Repository> {
        match &self.state {
            State::Ready(engine) => Some(engine.repository()),
            State::Broken(_) => None,
        }
    }

    /// The text of a file as the editor has it: its buffer, else what was read.
    pub fn text(&self, path: &str) -> Option<String> {
        if let Some(text) = self.buffers.get(path) {
            return Some(text.clone());
        }
        if let Some(text) = self.repository().and_then(|r| r.text(path)) {
            return Some(text.to_owned());
        }
        let bytes = self.tree.read(path).ok().flatten()?;
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The working tree with the editor's buffers over it.
struct Overlay<'a> {
    tree: &'a Worktree,
    buffers: &'a HashMap<String, String>,
}

impl Source for Overlay<'_> {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        match self.buffers.get(path) {
            Some(text) => Ok(Some(text.clone().into_bytes())),
            None => self.tree.read(path),
        }
    }

    fn files_in(&self, dir: &str) -> Result<Vec<String>, Error> {
        self.tree.files_in(dir)
    }

    fn for_each_document(&self, skip: &GlobSet, visit: &Visit<'_>) {
        self.tree
            .for_each_document(skip, &|path, bytes| match self.buffers.get(&path) {
                Some(text) => visit(path, Ok(text.clone().into_bytes())),
                None => visit(path, bytes),
            });
        // Buffers of files not on disk yet.
        for (path, text) in self.buffers {
            // A name on disk, a dangling link included: the walk visited it.
            let on_disk = self.tree.root().join(path).symlink_metadata().is_ok();
            if !on_disk && crate::source::is_selected_document(path, skip) && self.tree.walks(path)
            {
                let bytes = match text.len() {
                    n if n > crate::source::MAX_BYTES => Err(Unread::TooLarge(n as u64)),
                    _ => Ok(text.clone().into_bytes()),
                };
                visit(path.clone(), bytes);
            }
        }
    }
}
