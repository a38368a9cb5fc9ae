//! The incremental check: a repository kept loaded with the findings of every rule and
//! policy, brought up to date after edits by doing again only what an edit can change.
//! A file's own work (parse, schema) is done again only for a file whose content
//! changed; each rule and policy runs again on the documents whose findings the edit can
//! change, by what it [reads](crate::rules::Reads). `pmo check` runs it once, from
//! scratch; an editor's server keeps it between edits.

use super::found::Found;
use super::{Context, Report, report};
use crate::Error;
use crate::fingerprint::Memo;
use crate::model::{Document, Kind};
use crate::repository::{self, Repository};
use crate::rules::Reads;
use crate::source::Source;
use jiff::civil::Date;
use rustc_hash::FxHashSet;

pub struct Engine {
    repo: Repository,
    today: Date,
    found: Found,
    memo: Memo,
    /// What the edits since the last report touched.
    touched: Touched,
}

/// What [`Engine::edit`] did with an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// A document file: the next report has it.
    Document,
    /// The content was already the engine's.
    Unchanged,
    /// The configuration (pmo.yaml, a schema overlay, ignore rules): it changes how
    /// every file is read, so the repository is loaded again ([`Engine::load`]).
    Configuration,
    /// Not a document file of the repository (a template, a hidden or excluded file).
    NotADocument,
}

impl Engine {
    /// The repository of `source`, checked from scratch.
    pub fn load(source: &dyn Source, today: Date) -> Result<Engine, Error> {
        Ok(Engine::new(repository::load(source)?, today))
    }

    /// `repo`, checked from scratch.
    pub fn new(repo: Repository, today: Date) -> Engine {
        let found = Found::new(&Context::new(&repo, today), |_| true);
        Engine {
            repo,
            today,
            found,
            memo: Memo::default(),
            touched: Touched::default(),
        }
    }

    /// The date its rules judge by.
    pub fn today(&self) -> Date {
        self.today
    }

    pub fn repository(&self) -> &Repository {
        &self.repo
    }

    pub fn into_repository(self) -> Repository {
        self.repo
    }

    /// The file at `path` (relative to the repository's root, with `/`) now holds
    /// `bytes`; `None`: it is gone. A rename is the old path gone and the new one added.
    pub fn edit(&mut self, path: &str, bytes: Option<Vec<u8>>) -> Edited {
        self.put(path, bytes.map(Ok))
    }

    /// The file at `path` is there but cannot be read (a link, a file over the size
    /// limit): reported as loading reports it (P006, P005).
    pub fn edit_unread(&mut self, path: &str, why: crate::source::Unread) -> Edited {
        self.put(path, Some(Err(why)))
    }

    fn put(&mut self, path: &str, bytes: Option<Result<Vec<u8>, crate::source::Unread>>) -> Edited {
        if is_configuration(path) {
            return Edited::Configuration;
        }
        if !self.repo.selects(path) {
            return Edited::NotADocument;
        }
        let known = self
            .repo
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path));
        let same = match (&bytes, known) {
            (Some(Ok(bytes)), Ok(i)) => {
                let text = &self.repo.files[i].text;
                !text.is_empty() && text.as_bytes() == bytes.as_slice()
            }
            // Gone, and not known: unless it was a link, known by its finding only.
            (None, Err(_)) => !self.repo.diagnostics.iter().any(|d| d.file == path),
            _ => false,
        };
        if same {
            return Edited::Unchanged;
        }
        let (old, now) = self.repo.set_file(path, bytes);
        self.touched.note(path, &old, &self.repo.documents[now]);
        self.memo.forget(path);
        Edited::Document
    }

    /// The findings now, as `pmo check` reports them on the same content.
    pub fn report(&mut self) -> Report {
        let touched = std::mem::take(&mut self.touched);
        let whole = Context::new(&self.repo, self.today);
        if touched.files.is_empty() {
            return report(&whole, &self.found, Vec::new(), &mut self.memo);
        }
        let everywhere = |reads| touched.everywhere(reads);
        self.found.run(&whole, everywhere, None);
        let (focus, files) = touched.focus(&whole);
        let ctx = whole.focused(focus);
        self.found
            .run(&ctx, |reads| !everywhere(reads), Some(&files));
        // Waivers and severities read pmo.yaml and look documents up by id: the focus
        // changes neither.
        report(&ctx, &self.found, Vec::new(), &mut self.memo)
    }
}

/// The project a document belongs to: a project's own id, another's `project`.
fn project_of(doc: &Document) -> Option<&str> {
    match doc.kind {
        Kind::Project => doc.id(),
        _ => doc.project(),
    }
}

/// Files whose change changes how every document file is read.
pub fn is_configuration(path: &str) -> bool {
    path == crate::config::FILE
        || path.starts_with("schema/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|name| name == ".gitignore")
}

/// What edits touched: the files, and what rules read beyond a document.
#[derive(Default)]
struct Touched {
    files: FxHashSet<String>,
    /// An id was added, removed or renamed, or a document changed kind.
    ids: bool,
    people: bool,
    /// The projects whose documents changed (a project's own id, or a `project`).
    projects: FxHashSet<String>,
    /// The people an edited project allocates, before or after the edit.
    allocated: FxHashSet<String>,
}

impl Touched {
    fn note(&mut self, path: &str, old: &[Document], now: &[Document]) {
        self.files.insert(path.to_owned());
        let ids = |docs: &[Document]| -> Vec<(Option<String>, Kind)> {
            docs.iter()
                .map(|d| (d.id().map(str::to_owned), d.kind))
                .collect()
        };
        self.ids |= ids(old) != ids(now);
        for doc in old.iter().chain(now) {
            self.people |= doc.kind == Kind::Person;
            if let Some(project) = project_of(doc) {
                self.projects.insert(project.to_owned());
            }
            if doc.kind == Kind::Project {
                let people = doc.value.get("allocations").and_then(|a| a.as_array());
                let ids = people.into_iter().flatten().filter_map(|a| a.get("person"));
                self.allocated
                    .extend(ids.filter_map(|p| p.as_str()).map(str::to_owned));
            }
        }
    }

    /// Whether a rule that reads `reads` runs again on every document.
    fn everywhere(&self, reads: Reads) -> bool {
        match reads {
            Reads::Document => false,
            Reads::Ids | Reads::Project | Reads::Allocations => self.ids,
            Reads::People => self.ids || self.people,
            Reads::Portfolio => true,
        }
    }

    /// The documents whose findings the edits can change, for the rules that do not run
    /// everywhere: those of the edited files and of the projects touched, by whole
    /// files; and those files' paths, with the paths of files now gone.
    fn focus<'a>(&'a self, ctx: &Context<'a>) -> (Vec<&'a Document>, FxHashSet<&'a str>) {
        let repo = ctx.repo;
        let mut files: Vec<usize> = self
            .files
            .iter()
            .filter_map(|path| {
                repo.files
                    .binary_search_by(|f| f.path.as_str().cmp(path))
                    .ok()
            })
            .collect();
        // The files of the projects touched; and, as a file may hold documents of other
        // projects too (a rule clears a file's findings when it runs on it), theirs, until
        // no new project comes in.
        let mut projects: Vec<&str> = self.projects.iter().map(String::as_str).collect();
        let mut seen: FxHashSet<&str> = projects.iter().copied().collect();
        while let Some(project) = projects.pop() {
            let of_project = ctx.of_project(project).iter().map(|d| d.file);
            let own = ctx
                .every_of_kind(Kind::Project)
                .filter(|d| d.id() == Some(project))
                .map(|d| d.file);
            let before = files.len();
            files.extend(of_project.chain(own));
            for &file in &files[before..] {
                for doc in &repo.documents[repo.documents_of(file)] {
                    if let Some(p) = project_of(doc)
                        && seen.insert(p)
                    {
                        projects.push(p);
                    }
                }
            }
        }
        // The people the edited projects allocate.
        files.extend(
            self.allocated
                .iter()
                .filter_map(|id| ctx.get(id))
                .filter(|d| d.kind == Kind::Person)
                .map(|d| d.file),
        );
        files.sort_unstable();
        files.dedup();
        let docs = files
            .iter()
            .flat_map(|&i| &repo.documents[repo.documents_of(i)])
            .collect();
        // pmo.yaml's findings too: a rule finds those from pmo.yaml alone (R002, a
        // waiver's owner), on a focus as everywhere.
        let paths = files
            .iter()
            .map(|&i| repo.files[i].path.as_str())
            .chain(self.files.iter().map(String::as_str))
            .chain([crate::config::FILE])
            .collect();
        (docs, paths)
    }
}
