//! What a change touches, for `check --changed-since`: the findings about it are the
//! change's, the others were there before.

use super::Change;
use super::Subject;
use serde_json::Value;
use std::collections::BTreeSet;

impl Change {
    /// What the change touches: changed files and documents, what they name, and
    /// whether the configuration changed.
    pub(crate) fn scope(&self) -> Scope<'_> {
        let mut scope = Scope {
            everything: self
                .documents
                .iter()
                .any(|c| c.kind == Subject::Configuration),
            files: self.changed_files.iter().map(String::as_str).collect(),
            ..Scope::default()
        };
        for c in &self.documents {
            scope.ids.insert(c.id.as_str());
            scope.ids.extend(c.old_id.as_deref());
            // What the document names (its project, owner, people): findings about them
            // (a project left without a risk, a person over-allocated) are this change's.
            for v in c.old.iter().chain(&c.new) {
                strings(v, &mut scope.named);
            }
        }
        scope
    }
}

/// What a change touches, for `check --changed-since`.
#[derive(Debug, Default)]
pub(crate) struct Scope<'a> {
    /// The configuration or a schema overlay changed: any finding may have moved.
    pub everything: bool,
    pub files: BTreeSet<&'a str>,
    pub ids: BTreeSet<&'a str>,
    pub named: BTreeSet<&'a str>,
}

impl Scope<'_> {
    /// Whether a finding concerns the change: it is in a changed file, points at one, is
    /// about a changed or named document, or concerns a changed document (a reference to
    /// a removed one).
    pub fn concerns(&self, d: &crate::diagnostic::Diagnostic) -> bool {
        self.everything
            || self.files.contains(d.file.as_str())
            || d.related
                .iter()
                .any(|r| self.files.contains(r.file.as_str()))
            || d.id
                .as_deref()
                .is_some_and(|id| self.ids.contains(id) || self.named.contains(id))
            || d.concerns.iter().any(|id| self.ids.contains(id.as_str()))
    }
}

fn strings<'v>(v: &'v Value, out: &mut BTreeSet<&'v str>) {
    match v {
        Value::String(s) => {
            out.insert(s);
        }
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::{ChangeKind, Deltas, DocDiff, Unparsed, Which};
    use crate::code::Code;

    #[test]
    fn scope_covers_changed_files_that_yield_no_document() {
        use crate::diagnostic::{Diagnostic, Span};
        let change = Change {
            base: String::new(),
            head: String::new(),
            documents: Vec::new(),
            deltas: Deltas::default(),
            files_changed: 1,
            changed_files: vec!["risks/broken.yaml".into()],
            unparsed: vec![Unparsed {
                file: "risks/broken.yaml".into(),
                side: Which::Head,
            }],
            unidentified: Vec::new(),
            findings: None,
        };
        let scope = change.scope();
        let at = |file| {
            Diagnostic::new(
                crate::rules::get(Code::P001).unwrap(),
                file,
                Span::at(2, 5),
                "invalid YAML",
            )
        };
        assert!(scope.concerns(&at("risks/broken.yaml")));
        assert!(!scope.concerns(&at("risks/old.yaml")));
    }

    #[test]
    fn scope_reads_the_ids_a_finding_concerns_not_its_wording() {
        use crate::diagnostic::{Diagnostic, Span};
        let removed = DocDiff {
            id: "apollo".into(),
            kind: Subject::Document(crate::model::Kind::Project),
            change: ChangeKind::Removed,
            file: "projects/apollo.yaml".into(),
            old_file: None,
            old_id: None,
            fields: Vec::new(),
            notes: Vec::new(),
            old: None,
            new: None,
        };
        let change = Change {
            base: String::new(),
            head: String::new(),
            documents: vec![removed],
            deltas: Deltas::default(),
            files_changed: 1,
            changed_files: vec!["projects/apollo.yaml".into()],
            unparsed: Vec::new(),
            unidentified: Vec::new(),
            findings: None,
        };
        let scope = change.scope();
        let dangling = || {
            Diagnostic::new(
                crate::rules::get(Code::R002).unwrap(),
                "risks/r.yaml",
                Span::at(3, 10),
                "project `apollo` is not a project: no document has that id",
            )
            .id(Some("r"))
        };
        // The wording names `apollo`; only the data says the finding is about it.
        assert!(!scope.concerns(&dangling()));
        assert!(scope.concerns(&dangling().concerning("apollo")));
    }
}
