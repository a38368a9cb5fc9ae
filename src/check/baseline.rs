//! A baseline of known findings: what a repository had when a rule was turned on, so
//! that a check reports only what is new and the file shrinks as old findings are fixed.
//! Findings are matched by their fingerprint, which stays the same while a finding stays
//! the same (moved lines, inserted list elements: docs/ci.md).

use super::Report;
use crate::diagnostic::Diagnostic;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The baseline file: `{"version": 1, "findings": [...]}`, sorted by file, then code.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

/// A known finding: its fingerprint, and for the reader, its rule, file and message.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub file: String,
    pub code: String,
    pub fingerprint: String,
    pub message: String,
}

/// What a baseline did to a report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Findings the baseline knows, left out of the report.
    pub known: usize,
    /// Entries no finding matches any more (fixed, or changed so that they are new):
    /// remove them with `--write-baseline`.
    pub stale: Vec<Entry>,
}

impl Baseline {
    /// The findings of `report` (not the waived ones: a waiver is already their record).
    pub fn of(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report.diagnostics.iter().map(entry).collect();
        findings.sort();
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if baseline.version != 1 {
            return Err(format!(
                "version {} is not one this pmo reads (1)",
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Leave the findings the baseline knows out of `report`; each entry matches one
    /// finding with its fingerprint.
    pub fn apply(&self, report: &mut Report) {
        let mut left: HashMap<&str, Vec<&Entry>> = HashMap::new();
        for e in &self.findings {
            left.entry(e.fingerprint.as_str()).or_default().push(e);
        }
        let before = report.diagnostics.len();
        report
            .diagnostics
            .retain(|d| match left.get_mut(d.fingerprint.as_str()) {
                Some(entries) => entries.pop().is_none(),
                None => true,
            });
        let mut stale: Vec<Entry> = left.into_values().flatten().cloned().collect();
        stale.sort();
        report.baseline = Some(Outcome {
            known: before - report.diagnostics.len(),
            stale,
        });
    }
}

fn entry(d: &Diagnostic) -> Entry {
    Entry {
        file: d.file.clone(),
        code: d.code.as_str().to_owned(),
        fingerprint: d.fingerprint.clone(),
        message: d.message.clone(),
    }
}
