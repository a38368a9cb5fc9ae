//! The portfolio: a loaded repository's documents, indexed by id and by project, with
//! the typed view of every kind, built on first use.

use super::refs::Reference;
use super::{
    Change, Decision, Document, File, Issue, Kind, Lesson, Objective, Person, Program, Project,
    Risk, Status,
};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;
use serde::Deserialize;
use std::sync::OnceLock;

/// The documents of a repository with the indices that rules, views and reports share.
/// Typed views and indices are built on first use, once.
pub struct Portfolio<'a> {
    /// The files read, in path order: a document's `file` indexes them.
    files: &'a [File],
    /// Every document, in path order, then file order.
    documents: &'a [Document],
    /// id -> the first document with it, in path order. (Fx hashing: ids are not
    /// adversarial, and SipHash showed in profiles of large portfolios.)
    index: HashMap<&'a str, &'a Document>,
    /// Every later document with an id already taken, beside the first one, in path order.
    duplicates: Vec<(&'a Document, &'a Document)>,
    /// The documents rules go through (see [`Portfolio::focused`]), and their typed
    /// views; `None` for every document. Lookups always see every document.
    focus: Option<(Vec<&'a Document>, Views<'a>)>,
    /// Every document, as rules go through them without a focus.
    every: OnceLock<Vec<&'a Document>>,
    views: Views<'a>,
    /// id -> the schema-valid person with it (the first document with that id).
    /// (An index into the people's typed views.)
    people: OnceLock<HashMap<&'a str, usize>>,
    /// project id -> the documents whose `project` is that id.
    by_project: OnceLock<HashMap<&'a str, Vec<&'a Document>>>,
    /// project id -> its latest status update (an index into `statuses`).
    latest_status: OnceLock<HashMap<&'a str, usize>>,
}

impl<'a> Portfolio<'a> {
    pub fn new(files: &'a [File], documents: &'a [Document]) -> Self {
        let mut index = HashMap::with_capacity_and_hasher(documents.len(), Default::default());
        let mut duplicates = Vec::new();
        for doc in documents {
            if let Some(id) = doc.id() {
                let first = *index.entry(id).or_insert(doc);
                if !std::ptr::eq(first, doc) {
                    duplicates.push((doc, first));
                }
            }
        }
        Portfolio {
            files,
            documents,
            index,
            duplicates,
            focus: None,
            every: OnceLock::new(),
            views: Views::default(),
            people: OnceLock::new(),
            by_project: OnceLock::new(),
            latest_status: OnceLock::new(),
        }
    }

    /// The same portfolio, in which rules go through only `focus` (documents of this
    /// portfolio, in its order): the documents whose findings an edit may have changed.
    /// What a rule looks up (`get`, `person`, `related`, `latest_status`, `ids_of`)
    /// still sees every document, so a rule run on the focus finds on each of its
    /// documents what it finds on them in the whole portfolio.
    pub fn focused(mut self, focus: Vec<&'a Document>) -> Self {
        self.focus = Some((focus, Views::default()));
        self
    }

    /// Whether rules go through `doc` (every document, without a focus).
    fn in_focus(&self, doc: &Document) -> bool {
        self.focus.as_ref().is_none_or(|(focus, _)| {
            focus
                .binary_search_by_key(&address(doc), |d| address(d))
                .is_ok()
        })
    }

    /// The documents rules go through: every document, in path order, then file order;
    /// or the focus.
    pub fn documents(&self) -> &[&'a Document] {
        match &self.focus {
            Some((focus, _)) => focus,
            None => self.every.get_or_init(|| self.documents.iter().collect()),
        }
    }

    /// The path of the file `doc` was read from.
    pub fn path(&self, doc: &Document) -> &'a str {
        &self.files[doc.file].path
    }

    /// The schema-valid documents of a kind with their typed view, in path order. Rules
    /// about methodology look only at documents that pass their schema: S001 findings
    /// come first.
    pub fn all<T: View<'a>>(&self) -> &[(&'a Document, T)] {
        match &self.focus {
            Some((focus, views)) => {
                T::cache(views).get_or_init(|| typed(focus.par_iter().copied(), T::KIND))
            }
            None => self.every(),
        }
    }

    /// The typed views of every document of a kind, focus or not: what lookups read.
    fn every<T: View<'a>>(&self) -> &[(&'a Document, T)] {
        T::cache(&self.views).get_or_init(|| typed(self.documents.par_iter(), T::KIND))
    }

    // The kinds most rules read, by name.
    pub fn projects(&self) -> &[(&'a Document, Project<'a>)] {
        self.all()
    }

    pub fn risks(&self) -> &[(&'a Document, Risk<'a>)] {
        self.all()
    }

    pub fn changes(&self) -> &[(&'a Document, Change<'a>)] {
        self.all()
    }

    pub fn statuses(&self) -> &[(&'a Document, Status<'a>)] {
        self.all()
    }

    /// Projects that are active or on hold: what finance, schedule and capacity rules
    /// look at.
    pub fn running_projects(&self) -> impl Iterator<Item = &(&'a Document, Project<'a>)> {
        self.projects().iter().filter(|(_, p)| p.state.is_running())
    }

    /// Every schema-valid project, focus or not: for what a person reads of them all.
    pub fn every_project(&self) -> &[(&'a Document, Project<'a>)] {
        self.every()
    }

    /// Schema-valid people, each once (the first document with its id).
    pub fn people(&self) -> impl Iterator<Item = &(&'a Document, Person<'a>)> {
        let all = self.every::<Person>();
        self.people_by_id()
            .values()
            .map(move |&i| &all[i])
            .filter(|(doc, _)| self.in_focus(doc))
    }

    /// The person with this id, when that document is a schema-valid person.
    pub fn person(&self, id: &str) -> Option<&Person<'a>> {
        let i = *self.people_by_id().get(id)?;
        Some(&self.every::<Person>()[i].1)
    }

    fn people_by_id(&self) -> &HashMap<&'a str, usize> {
        self.people.get_or_init(|| {
            self.every::<Person>()
                .iter()
                .enumerate()
                .filter(|(_, (doc, p))| {
                    self.get(p.id)
                        .is_some_and(|first| std::ptr::eq(first, *doc))
                })
                .map(|(i, (_, p))| (p.id, i))
                .collect()
        })
    }

    /// Documents of `kind` whose `project` is `project`, in path order.
    pub fn related(&self, kind: Kind, project: &str) -> impl Iterator<Item = &'a Document> {
        let docs = self.of_project(project);
        docs.iter().copied().filter(move |d| d.kind == kind)
    }

    /// Every document whose `project` is `project`, in path order.
    pub fn of_project(&self, project: &str) -> &[&'a Document] {
        let index = self.by_project.get_or_init(|| {
            let mut index: HashMap<_, Vec<_>> = HashMap::default();
            for doc in self.documents {
                if let Some(project) = doc.project() {
                    index.entry(project).or_default().push(doc);
                }
            }
            index
        });
        index.get(project).map_or(&[][..], Vec::as_slice)
    }

    /// A project's latest status update: the latest `date`; on a tie, the later one in
    /// path order, then file order.
    pub fn latest_status(&self, project: &str) -> Option<&(&'a Document, Status<'a>)> {
        let statuses = self.every::<Status>();
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
        self.documents().iter().map(|&doc| (doc, doc.references()))
    }

    /// Documents whose id an earlier one (in path order) has, each with that earlier one.
    pub fn duplicates(&self) -> impl Iterator<Item = &(&'a Document, &'a Document)> {
        self.duplicates.iter().filter(|(doc, _)| self.in_focus(doc))
    }

    pub fn get(&self, id: &str) -> Option<&'a Document> {
        self.index.get(id).copied()
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a Document> + '_ {
        self.documents()
            .iter()
            .copied()
            .filter(move |d| d.kind == kind)
    }

    /// Every document of a kind, focus or not: for lookups.
    pub fn every_of_kind(&self, kind: Kind) -> impl Iterator<Item = &'a Document> + 'a {
        self.documents.iter().filter(move |d| d.kind == kind)
    }

    /// The ids of every document of a kind (focus or not).
    pub fn ids_of(&self, kind: Kind) -> impl Iterator<Item = &'a str> + 'a {
        self.every_of_kind(kind).filter_map(Document::id)
    }
}

/// A kind's typed view: what each schema-valid document of the kind is read as.
pub trait View<'a>: Deserialize<'a> + Send + Sized {
    const KIND: Kind;
    /// Where a portfolio keeps the views of the kind.
    fn cache<'p>(views: &'p Views<'a>) -> &'p OnceLock<Vec<(&'a Document, Self)>>;
}

/// Each kind's view type and the field that caches it: a new kind is one line here.
macro_rules! views {
    ($($kind:ident => $field:ident),* $(,)?) => {
        /// The typed views of a portfolio, each built on first use, once.
        #[derive(Default)]
        pub struct Views<'a> {
            $($field: OnceLock<Vec<(&'a Document, $kind<'a>)>>,)*
        }

        $(impl<'a> View<'a> for $kind<'a> {
            const KIND: Kind = Kind::$kind;
            fn cache<'p>(views: &'p Views<'a>) -> &'p OnceLock<Vec<(&'a Document, Self)>> {
                &views.$field
            }
        })*

        /// How many documents of `kind` have a typed view (a match, so that a kind
        /// without a view does not compile).
        #[cfg(test)]
        fn viewed(portfolio: &Portfolio<'_>, kind: Kind) -> usize {
            match kind {
                $(Kind::$kind => portfolio.all::<$kind>().len(),)*
            }
        }
    };
}

views! {
    Person => people,
    Objective => objectives,
    Program => programs,
    Project => projects,
    Risk => risks,
    Issue => issues,
    Decision => decisions,
    Change => changes,
    Status => statuses,
    Lesson => lessons,
}

/// The typed view of `doc` in a list of typed views. Both are in repository order, so
/// the document's address finds it.
pub fn view_of<'v, T>(views: &'v [(&Document, T)], doc: &Document) -> Option<&'v T> {
    views
        .binary_search_by_key(&address(doc), |(d, _)| address(d))
        .ok()
        .map(|i| &views[i].1)
}

/// Where a document is: documents are in one list in repository order, so their
/// addresses are in that order too.
fn address(doc: &Document) -> usize {
    doc as *const Document as usize
}

/// Typed views of the schema-valid documents of one kind, in path order.
fn typed<'a, T: Deserialize<'a> + Send>(
    docs: impl IndexedParallelIterator<Item = &'a Document>,
    kind: Kind,
) -> Vec<(&'a Document, T)> {
    docs.filter(|d| d.kind == kind && d.valid)
        .filter_map(|d| Some((d, T::deserialize(&d.value).ok()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Worktree;

    /// Every schema-valid document of the bundled examples has its typed view: a view
    /// that drifted from its schema would drop documents from every figure silently.
    #[test]
    fn every_valid_document_has_its_view() {
        for example in ["acme", "gmpp-2023/portfolio"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("examples")
                .join(example);
            let repo = crate::repository::load(&Worktree::at(root)).unwrap();
            let portfolio = repo.portfolio();
            for kind in Kind::ALL {
                let valid = portfolio.of_kind(kind).filter(|d| d.valid).count();
                assert_eq!(viewed(&portfolio, kind), valid, "{example}: {kind}");
                // The example has every kind, so each view is exercised.
                assert!(valid > 0 || example != "acme", "{example}: no {kind}");
            }
        }
    }
}
