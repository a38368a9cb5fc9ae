//! The portfolio: a loaded repository's documents, indexed by id and by project, with
//! typed views of the kinds that rules, metrics and views compute with.

use super::refs::Reference;
use super::{Change, Document, Kind, Person, Project, Risk, Status};
use crate::repository::Repository;
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use std::sync::OnceLock;

/// The documents of a repository with the indices that rules, views and reports share.
/// Typed views and indices are built on first use, once.
pub struct Portfolio<'a> {
    pub repo: &'a Repository,
    /// id -> the first document with it, in path order. (Fx hashing: ids are not
    /// adversarial, and SipHash showed in profiles of large portfolios.)
    index: HashMap<&'a str, &'a Document>,
    /// Every later document with an id already taken, beside the first one, in path order.
    duplicates: Vec<(&'a Document, &'a Document)>,
    projects: OnceLock<Vec<(&'a Document, Project<'a>)>>,
    risks: OnceLock<Vec<(&'a Document, Risk<'a>)>>,
    changes: OnceLock<Vec<(&'a Document, Change<'a>)>>,
    statuses: OnceLock<Vec<(&'a Document, Status<'a>)>>,
    /// id -> the schema-valid person with it (the first document with that id).
    people: OnceLock<HashMap<&'a str, (&'a Document, Person<'a>)>>,
    /// project id -> the documents whose `project` is that id.
    by_project: OnceLock<HashMap<&'a str, Vec<&'a Document>>>,
    /// project id -> its latest status update (an index into `statuses`).
    latest_status: OnceLock<HashMap<&'a str, usize>>,
}

impl<'a> Portfolio<'a> {
    pub fn new(repo: &'a Repository) -> Self {
        let mut index = HashMap::with_capacity_and_hasher(repo.documents.len(), Default::default());
        let mut duplicates = Vec::new();
        for doc in &repo.documents {
            if let Some(id) = doc.id() {
                let first = *index.entry(id).or_insert(doc);
                if !std::ptr::eq(first, doc) {
                    duplicates.push((doc, first));
                }
            }
        }
        Portfolio {
            repo,
            index,
            duplicates,
            projects: OnceLock::new(),
            risks: OnceLock::new(),
            changes: OnceLock::new(),
            statuses: OnceLock::new(),
            people: OnceLock::new(),
            by_project: OnceLock::new(),
            latest_status: OnceLock::new(),
        }
    }

    /// Schema-valid projects with their typed view. Rules about methodology look only at
    /// documents that pass their schema: S001 findings come first.
    pub fn projects(&self) -> &[(&'a Document, Project<'a>)] {
        self.projects
            .get_or_init(|| typed(&self.repo.documents, Kind::Project))
    }

    pub fn risks(&self) -> &[(&'a Document, Risk<'a>)] {
        self.risks
            .get_or_init(|| typed(&self.repo.documents, Kind::Risk))
    }

    pub fn changes(&self) -> &[(&'a Document, Change<'a>)] {
        self.changes
            .get_or_init(|| typed(&self.repo.documents, Kind::Change))
    }

    pub fn statuses(&self) -> &[(&'a Document, Status<'a>)] {
        self.statuses
            .get_or_init(|| typed(&self.repo.documents, Kind::Status))
    }

    /// Projects that are active or on hold: what finance, schedule and capacity rules
    /// look at.
    pub fn running_projects(&self) -> impl Iterator<Item = &(&'a Document, Project<'a>)> {
        self.projects().iter().filter(|(_, p)| p.state.is_running())
    }

    /// Schema-valid people, each once (the first document with its id).
    pub fn people(&self) -> impl Iterator<Item = &(&'a Document, Person<'a>)> {
        self.people_by_id().values()
    }

    /// The person with this id, when that document is a schema-valid person.
    pub fn person(&self, id: &str) -> Option<&Person<'a>> {
        self.people_by_id().get(id).map(|(_, p)| p)
    }

    fn people_by_id(&self) -> &HashMap<&'a str, (&'a Document, Person<'a>)> {
        self.people.get_or_init(|| {
            typed::<Person>(&self.repo.documents, Kind::Person)
                .into_iter()
                .filter(|(doc, p)| {
                    self.get(p.id)
                        .is_some_and(|first| std::ptr::eq(first, *doc))
                })
                .map(|(doc, p)| (p.id, (doc, p)))
                .collect()
        })
    }

    /// Documents of `kind` whose `project` is `project`, in path order.
    pub fn related(&self, kind: Kind, project: &str) -> impl Iterator<Item = &'a Document> {
        let index = self.by_project.get_or_init(|| {
            let mut index: HashMap<_, Vec<_>> = HashMap::default();
            for doc in &self.repo.documents {
                if let Some(project) = doc.project() {
                    index.entry(project).or_default().push(doc);
                }
            }
            index
        });
        let docs = index.get(project).map_or(&[][..], Vec::as_slice);
        docs.iter().copied().filter(move |d| d.kind == kind)
    }

    /// A project's latest status update: the latest `date`; on a tie, the later one in
    /// path order, then file order.
    pub fn latest_status(&self, project: &str) -> Option<&(&'a Document, Status<'a>)> {
        let statuses = self.statuses();
        let latest = self.latest_status.get_or_init(|| {
            let mut latest: HashMap<&str, usize> = HashMap::default();
            for (i, (_, status)) in statuses.iter().enumerate() {
                match latest.get(status.project) {
                    Some(&seen) if statuses[seen].1.date > status.date => {}
                    _ => {
                        latest.insert(status.project, i);
                    }
                }
            }
            latest
        });
        latest.get(project).map(|&i| &statuses[i])
    }

    /// Every document with the references it makes.
    pub fn references(&self) -> impl Iterator<Item = (&'a Document, &'a [Reference])> {
        self.repo
            .documents
            .iter()
            .map(|doc| (doc, doc.references()))
    }

    /// Documents whose id an earlier one (in path order) has, each with that earlier one.
    pub fn duplicates(&self) -> &[(&'a Document, &'a Document)] {
        &self.duplicates
    }

    pub fn get(&self, id: &str) -> Option<&'a Document> {
        self.index.get(id).copied()
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a Document> + 'a {
        self.repo.documents.iter().filter(move |d| d.kind == kind)
    }

    pub fn ids_of(&self, kind: Kind) -> impl Iterator<Item = &'a str> + 'a {
        self.of_kind(kind).filter_map(Document::id)
    }
}

/// The typed view of `doc` in a list of typed views. Both are in repository order, so
/// the document's address finds it.
pub fn view_of<'v, T>(views: &'v [(&Document, T)], doc: &Document) -> Option<&'v T> {
    let address = |d: &Document| d as *const Document as usize;
    views
        .binary_search_by_key(&address(doc), |(d, _)| address(d))
        .ok()
        .map(|i| &views[i].1)
}

/// Typed views of the schema-valid documents of one kind, in path order.
fn typed<'a, T: Deserialize<'a> + Send>(
    docs: &'a [Document],
    kind: Kind,
) -> Vec<(&'a Document, T)> {
    docs.par_iter()
        .filter(|d| d.kind == kind && d.valid)
        .filter_map(|d| Some((d, T::deserialize(&d.value).ok()?)))
        .collect()
}
