//! Check: run every rule over a loaded repository, then apply the severity overrides and
//! waivers of pmo.yaml.

mod waivers;

use crate::config::{Config, Level};
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::model::{Document, Kind};
use crate::repository::Repository;
use crate::rules;
use jiff::civil::Date;
use std::collections::HashMap;

/// What rules see.
pub struct Context<'a> {
    pub repo: &'a Repository,
    pub config: &'a Config,
    pub today: Date,
    /// id -> the first document with it, in path order.
    index: HashMap<&'a str, &'a Document>,
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
        }
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
    let mut found = repo.diagnostics.clone();
    for rule in rules::ALL {
        if let Some(run) = rule.check
            && repo.config.rule_level(rule.code) != Some(Level::Off)
        {
            run(&ctx, &mut found);
        }
    }
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
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Report {
        files: repo.files.len(),
        documents: repo.documents.len(),
        diagnostics,
    }
}
