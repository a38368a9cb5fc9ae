//! The findings a change introduces and fixes: the head's against the base's.

use crate::code::Code;
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Findings {
    pub introduced: Vec<Finding>,
    pub fixed: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: String,
    pub file: String,
    pub line: u32,
    pub id: Option<String>,
    pub message: String,
}

impl Findings {
    /// Findings compared by their fingerprints (rule, document, field: see
    /// [`crate::fingerprint`]): moving a line does not make a finding new, and neither does
    /// a figure in its message that moved while the problem stayed where it was.
    pub(crate) fn compare(
        base: &[crate::diagnostic::Diagnostic],
        head: &[crate::diagnostic::Diagnostic],
    ) -> Findings {
        fn key(d: &crate::diagnostic::Diagnostic) -> &str {
            &d.fingerprint
        }
        let finding = |d: &crate::diagnostic::Diagnostic| Finding {
            code: d.code,
            severity: d.severity.as_str().to_owned(),
            file: d.file.clone(),
            line: d.span.start.line,
            id: d.id.clone(),
            message: d.message.clone(),
        };
        let base_keys: BTreeSet<&str> = base.iter().map(key).collect();
        let head_keys: BTreeSet<&str> = head.iter().map(key).collect();
        Findings {
            introduced: head
                .iter()
                .filter(|d| !base_keys.contains(&key(d)))
                .map(finding)
                .collect(),
            fixed: base
                .iter()
                .filter(|d| !head_keys.contains(&key(d)))
                .map(finding)
                .collect(),
        }
    }
}
