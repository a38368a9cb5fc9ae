//! Organisation rules: `policies:` in pmo.yaml, each a check written in CEL
//! (docs/policies.md). This module reads and compiles them when pmo.yaml is loaded, so
//! that a broken policy is a configuration problem (S002, exit 2) found before any
//! document is read, located at the line and column inside its expression. The checks
//! run in `check::policies`.

mod compile;
mod locate;
pub mod value;

pub use compile::{Compiled, Part, Problem, VARIABLES, check_fields, compile, env};
pub use locate::locate;

use crate::diagnostic::Severity;
use serde::Deserialize;
use std::sync::Arc;

/// One organisation rule, as pmo.yaml writes it.
#[derive(Debug, Clone, Deserialize)]
pub struct Policy {
    /// An organisation code: capitals, a `-`, then capitals and digits (`ORG-001`).
    pub code: String,
    /// Kebab-case, as a built-in rule's name.
    pub name: String,
    #[serde(default = "error")]
    pub severity: Severity,
    /// The kinds of document it applies to.
    pub kinds: Vec<String>,
    /// A condition: the assertion is evaluated only where it holds.
    pub when: Option<String>,
    /// What must hold; where it does not, a finding.
    pub assert: String,
    /// The finding's message; `{{ expression }}` parts are evaluated on the document.
    pub message: String,
    pub help: Option<String>,
    /// Markdown for `pmo explain`.
    pub doc: Option<String>,
    /// A list field: the policy is evaluated for each element, as `item`.
    pub each: Option<String>,
    /// The field a finding points at, dotted (`sponsor`, `baseline.budget`), of the
    /// element with `each`; by default the document (or the element).
    pub at: Option<String>,
    /// Documents it must pass and must fail on: `pmo rules --test` judges them.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Set when pmo.yaml is loaded.
    #[serde(skip)]
    pub compiled: Option<Arc<Compiled>>,
}

fn error() -> Severity {
    Severity::Error
}

/// A small repository a policy must pass or fail on.
#[derive(Debug, Clone, Deserialize)]
pub struct Example {
    pub name: String,
    pub expect: Expect,
    /// Its documents; the first is the one the policy judges.
    pub documents: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expect {
    Pass,
    Fail,
}

impl Policy {
    /// What the catalogue says of it: `pmo rules`, `pmo explain`, SARIF.
    pub fn rule(&self) -> Option<crate::diagnostic::Rule<'_>> {
        let compiled = self.compiled.as_ref()?;
        Some(crate::diagnostic::Rule {
            code: compiled.code,
            name: &self.name,
            severity: self.severity,
            summary: self.help.as_deref().unwrap_or(&self.name),
            doc: self.doc.as_deref().unwrap_or(""),
        })
    }
}
