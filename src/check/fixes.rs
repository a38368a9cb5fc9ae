//! `check --fix`: the certain fixes of a report applied to the engine's files, and the
//! repository checked again, until no fix is left (a rename can reveal a value its
//! field's schema then finds, which has a fix of its own).

use super::{Engine, Report};
use crate::diagnostic::Diagnostic;
use crate::fix;
use std::collections::BTreeMap;

/// At most this many rounds: each round fixes what the one before revealed.
const ROUNDS: usize = 8;

/// What fixing did: each changed file's text before and after, and how many findings it
/// fixed.
#[derive(Debug, Default)]
pub struct Fixed {
    pub files: BTreeMap<String, (String, String)>,
    pub count: usize,
}

/// Apply the fixes of the findings the engine reports that `wanted` accepts (waived
/// findings are left as they are; a file with a parse finding, and pmo.yaml, are never
/// touched) and return what changed with the report after the last round.
pub fn fix(engine: &mut Engine, wanted: impl Fn(&Diagnostic) -> bool) -> (Fixed, Report) {
    let mut fixed = Fixed::default();
    let mut report = engine.report();
    for _ in 0..ROUNDS {
        let mut by_file: BTreeMap<&str, Vec<&fix::Fix>> = BTreeMap::new();
        for d in report.diagnostics.iter().filter(|d| wanted(d)) {
            if let Some(f) = &d.fix {
                by_file.entry(&d.file).or_default().push(f);
            }
        }
        let unparsed = |path: &str| {
            report
                .diagnostics
                .iter()
                .chain(&report.waived)
                .any(|d| d.file == path && d.code.as_str().starts_with('P'))
        };
        let mut edits = Vec::new();
        for (path, fixes) in by_file {
            if path == crate::config::FILE || unparsed(path) {
                continue;
            }
            let Some(text) = engine.repository().text(path) else {
                continue;
            };
            let (now, applied) = fix::apply(text, fixes);
            if applied > 0 {
                fixed.count += applied;
                edits.push((path.to_owned(), text.to_owned(), now));
            }
        }
        if edits.is_empty() {
            break;
        }
        for (path, was, now) in edits {
            engine.edit(&path, Some(now.clone().into_bytes()));
            fixed
                .files
                .entry(path)
                .and_modify(|(_, last)| *last = now.clone())
                .or_insert((was, now));
        }
        report = engine.report();
    }
    (fixed, report)
}
