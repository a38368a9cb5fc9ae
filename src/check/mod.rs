//! Check: run every rule over a loaded repository, then apply the severity overrides and
//! waivers of pmo.yaml.

mod waivers;

use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::model::refs::{self, Reference};
use crate::model::{Document, Kind};
use crate::repository::Repository;
use crate::rules;
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::OnceLock;

/// What rules see.
pub struct Context<'a> {
    pub repo: &'a Repository,
    pub config: &'a Config,
    pub today: Date,
    /// id -> the first document with it, in path order.
    index: HashMap<&'a str, &'a Document>,
    /// The references of each document (by index), found once for every rule.
    references: OnceLock<Vec<Vec<Reference<'a>>>>,
}

impl<'a> Context<'a> {
    pub fn new(repo: &'a Repository, today: Date) -> Self {
        let mut index = HashMap::with_capacity(repo.documents.len());
        for doc in &repo.documents {
            if let Some(id) = doc.id() {
                index.entry(id).or_insert(doc);
            }
        }
        Context {
            repo,
            config: &repo.config,
            today,
            index,
            references: OnceLock::new(),
        }
    }

    /// Every document with the references it makes.
    pub fn references(&self) -> impl Iterator<Item = (&'a Document, &[Reference<'a>])> {
        let docs = &self.repo.documents;
        let refs = self
            .references
            .get_or_init(|| docs.par_iter().map(refs::references).collect());
        docs.iter().zip(refs.iter().map(Vec::as_slice))
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

    /// A finding on a document, carrying its id (waivers match on it).
    pub fn diagnostic(
        &self,
        code: &'static str,
        doc: &Document,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, self.repo.path(doc), span, message).id(doc.id())
    }
}

/// The outcome of `pmo check`.
pub struct Report {
    pub files: usize,
    pub documents: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

pub fn check(repo: &Repository, today: Date) -> Report {
    let ctx = Context::new(repo, today);
    // Rules are independent of each other: run them side by side.
    let by_rule: Vec<Vec<Diagnostic>> = rules::ALL
        .par_iter()
        .filter(|rule| repo.config.rule_level(rule.code) != Some(Level::Off))
        .filter_map(|rule| rule.check)
        .map(|run| {
            let mut found = Vec::new();
            run(&ctx, &mut found);
            found
        })
        .collect();
    let mut found = repo.diagnostics.clone();
    found.extend(by_rule.into_iter().flatten());
    let mut diagnostics = waivers::apply(&ctx, found);
    diagnostics.retain_mut(|d| match repo.config.rule_level(d.code) {
        Some(Level::Off) => false,
        Some(Level::Error) => {
            d.severity = Severity::Error;
            true
        }
        Some(Level::Warning) => {
            d.severity = Severity::Warning;
            true
        }
        None => true,
    });
    diagnostics.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Report {
        files: repo.files.len(),
        documents: repo.documents.len(),
        diagnostics,
    }
}
