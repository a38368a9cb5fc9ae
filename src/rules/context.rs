//! What a rule's check sees. It is the rules' own type: `check` builds it and runs the
//! rules over it (and re-exports it as `check::Context`), views and reports read it.

use crate::config::{Config, Position};
use crate::diagnostic::{Diagnostic, Rule, Span};
use crate::model::{Document, Portfolio, Project};
use crate::repository::Repository;
use jiff::civil::Date;
use std::collections::HashMap;

/// What rules see: the portfolio (its methods are the context's, through `Deref`), the
/// configuration and the date of the check.
pub struct Context<'a> {
    pub portfolio: Portfolio<'a>,
    /// What the portfolio was loaded from: its files, and the findings of loading.
    pub repo: &'a Repository,
    pub config: &'a Config,
    pub today: Date,
    /// The people who approved a change request in the forge's review of the change
    /// being judged (`--approvals`), by change request id: C001 counts them.
    pub reviewed: HashMap<String, Vec<String>>,
}

impl<'a> Context<'a> {
    pub fn new(repo: &'a Repository, today: Date) -> Self {
        Context {
            portfolio: repo.portfolio(),
            repo,
            config: &repo.config,
            today,
            reviewed: HashMap::new(),
        }
    }

    /// The same context, in which rules go through only `focus` (see
    /// [`Portfolio::focused`]).
    pub fn focused(self, focus: Vec<&'a Document>) -> Self {
        Context {
            portfolio: self.portfolio.focused(focus),
            ..self
        }
    }

    /// Projects that are active, on hold or closed, with where they stand in a known
    /// methodology: what the stage-gate rules look at.
    pub fn gated_projects(
        &self,
    ) -> impl Iterator<Item = (&'a Document, &Project<'a>, Position<'a>)> {
        self.projects()
            .iter()
            .filter(|(_, p)| p.state.is_gated())
            .filter_map(|(doc, p)| Some((*doc, p, self.config.position(p)?)))
    }

    /// A finding on a document, carrying its id (waivers match on it).
    pub fn diagnostic(
        &self,
        rule: &Rule,
        doc: &Document,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(rule, self.repo.path(doc), span, message).id(doc.id())
    }
}

impl<'a> std::ops::Deref for Context<'a> {
    type Target = Portfolio<'a>;

    fn deref(&self) -> &Portfolio<'a> {
        &self.portfolio
    }
}
