//! The findings of every rule and policy over a portfolio, kept by rule and by file, so
//! that after an edit each runs again only on the documents whose findings the edit can
//! change (what it [reads](Reads)).

use super::{Context, policies};
use crate::code::Code;
use crate::config::Level;
use crate::diagnostic::Diagnostic;
use crate::rules::{self, Check, Reads};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

/// The findings of the rules and policies that are on.
pub struct Found {
    entries: Vec<Entry>,
}

/// One rule or policy and its findings, by file.
struct Entry {
    code: Code,
    reads: Reads,
    /// `None` for a policy: policies are evaluated together, in one pass.
    check: Option<Check>,
    /// In path order, as a check from scratch finds them.
    by_file: BTreeMap<String, Vec<Diagnostic>>,
}

impl Found {
    /// The rules and policies `wanted` names and pmo.yaml does not switch off, over the
    /// whole portfolio.
    pub fn new(ctx: &Context<'_>, wanted: impl Fn(Code) -> bool) -> Found {
        let off = |code| !wanted(code) || ctx.config.rule_level(code) == Some(Level::Off);
        let rules = rules::ALL.iter().filter_map(|(rule, check)| {
            let (check, reads) = (*check)?;
            (!off(rule.code)).then_some(Entry {
                code: rule.code,
                reads,
                check: Some(check),
                by_file: BTreeMap::new(),
            })
        });
        let policies: Vec<_> = ctx
            .config
            .policies
            .iter()
            .filter_map(|p| p.compiled.as_deref())
            .filter(|c| !off(c.code))
            .collect();
        // Policies are evaluated together, and a kind's policies share the bound of
        // their steps: they run again together, as widely as the widest reads.
        let reads = policies
            .iter()
            .map(|c| policies::reads(c))
            .max()
            .unwrap_or(Reads::Document);
        let policies = policies.into_iter().map(|c| Entry {
            code: c.code,
            reads,
            check: None,
            by_file: BTreeMap::new(),
        });
        let mut found = Found {
            entries: rules.chain(policies).collect(),
        };
        found.run(ctx, |_| true, None);
        found
    }

    /// Every finding; each rule's on a file in the order the rule found them (the
    /// order a report keeps for findings at the same place).
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        self.entries
            .iter()
            .flat_map(|e| e.by_file.values().flatten())
    }

    /// Runs again the rules and policies `which` selects, on what `ctx` goes through,
    /// and replaces their findings on `files` (every file: `None`). The documents `ctx`
    /// goes through must be those of `files`, whole.
    pub fn run(
        &mut self,
        ctx: &Context<'_>,
        which: impl Fn(Reads) -> bool + Sync,
        files: Option<&FxHashSet<&str>>,
    ) {
        let policies: FxHashSet<Code> = self
            .entries
            .iter()
            .filter(|e| e.check.is_none() && which(e.reads))
            .map(|e| e.code)
            .collect();
        let mut by_policy: FxHashMap<Code, Vec<Diagnostic>> = FxHashMap::default();
        if !policies.is_empty() {
            for d in policies::run(ctx, |code| policies.contains(&code)) {
                by_policy.entry(d.code).or_default().push(d);
            }
        }
        let by_policy = Mutex::new(by_policy);
        // Rules are independent of each other: they run side by side.
        self.entries
            .par_iter_mut()
            .filter(|e| which(e.reads))
            .for_each(|entry| {
                let found = match entry.check {
                    Some(check) => {
                        let mut found = Vec::new();
                        check(ctx, &mut found);
                        found
                    }
                    None => by_policy
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(&entry.code)
                        .unwrap_or_default(),
                };
                entry.replace(found, files);
            });
    }
}

impl Entry {
    fn replace(&mut self, found: Vec<Diagnostic>, files: Option<&FxHashSet<&str>>) {
        match files {
            None => self.by_file.clear(),
            Some(files) => self
                .by_file
                .retain(|path, _| !files.contains(path.as_str())),
        }
        for d in found {
            debug_assert!(
                files.is_none_or(|f| f.contains(d.file.as_str())),
                "{} found on {}, outside what it ran on",
                d.code,
                d.file
            );
            self.by_file.entry(d.file.clone()).or_default().push(d);
        }
    }
}
