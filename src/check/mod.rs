//! Check: run every rule over a loaded repository, then apply the severity overrides and
//! waivers of pmo.yaml.

pub mod baseline;
mod engine;
mod examples;
mod fixes;
mod found;
mod judge;
mod policies;
mod waivers;

pub use engine::{Edited, Engine, is_configuration};
pub use examples::{Outcome, examples};
pub use fixes::{Fixed, fix};
pub use judge::{Judge, Judged, judge};

use crate::code::Code;
use crate::config::Level;
use crate::diagnostic::{Diagnostic, Severity};
use crate::fingerprint::Memo;
use crate::repository::Repository;
pub use crate::rules::Context;
use jiff::civil::Date;
use rayon::prelude::*;

/// The outcome of `pmo check`.
pub struct Report {
    pub files: usize,
    pub documents: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The findings a valid waiver silenced: counted in the summary, so that what is
    /// waived stays in sight.
    pub waived: Vec<Diagnostic>,
    /// What `--baseline` left out, when one was applied.
    pub baseline: Option<baseline::Outcome>,
}

impl Report {
    /// The same findings with every path under `folder` (`governance/`): forges read
    /// paths from the root of the git work tree.
    pub fn under(&self, folder: &str) -> Report {
        let mut diagnostics = self.diagnostics.clone();
        for d in &mut diagnostics {
            d.file.insert_str(0, folder);
            for r in &mut d.related {
                r.file.insert_str(0, folder);
            }
        }
        Report {
            files: self.files,
            documents: self.documents,
            diagnostics,
            waived: self.waived.clone(),
            baseline: self.baseline.clone(),
        }
    }

    /// Keep only the findings (and waived findings) `keep` accepts.
    pub fn retain(&mut self, keep: impl Fn(&Diagnostic) -> bool) {
        self.diagnostics.retain(&keep);
        self.waived.retain(&keep);
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

pub fn check(repo: &Repository, today: Date) -> Report {
    check_with(repo, today, Vec::new())
}

/// `check` with findings made elsewhere (the rules that need a base revision), which get
/// the same severity overrides and waivers.
pub fn check_with(repo: &Repository, today: Date, extra: Vec<Diagnostic>) -> Report {
    reviewed_check(repo, today, extra, std::collections::HashMap::new())
}

/// [`check_with`], with the people who approved each change request in the forge's
/// review of the change judged (see [`Context::reviewed`]).
pub fn reviewed_check(
    repo: &Repository,
    today: Date,
    extra: Vec<Diagnostic>,
    reviewed: std::collections::HashMap<String, Vec<String>>,
) -> Report {
    let mut ctx = Context::new(repo, today);
    ctx.reviewed = reviewed;
    let found = found::Found::new(&ctx, |_| true);
    report(&ctx, &found, extra, &mut Memo::default())
}

/// The report of what `found` holds, the findings of loading `ctx`'s repository and
/// `extra`: under pmo.yaml's severities and waivers, in report order, fingerprinted.
fn report(
    ctx: &Context<'_>,
    found: &found::Found,
    extra: Vec<Diagnostic>,
    memo: &mut Memo,
) -> Report {
    let repo = ctx.repo;
    let all = repo
        .diagnostics
        .iter()
        .chain(found.all())
        .cloned()
        .chain(extra)
        .collect();
    let (mut diagnostics, waived) = configured(ctx, all);
    diagnostics.par_sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::fingerprint::assign_with(&mut diagnostics, Some(repo), &repo.config_text, memo);
    fit_fixes(repo, &mut diagnostics);
    Report {
        files: repo.files.len(),
        documents: repo.documents.len(),
        diagnostics,
        waived,
        baseline: None,
    }
}

/// Each fix's replacements narrowed to the text they replace (the parser's span of a
/// quoted value runs on past its closing quote to the end of a comment after it), and
/// a fix whose edits the text does not allow dropped: a fix shown is one `--fix` makes.
/// Findings are in path order, so each file's lines are indexed once.
fn fit_fixes(repo: &Repository, diagnostics: &mut [Diagnostic]) {
    let mut lines: Option<(String, crate::fix::Lines<'_>)> = None;
    for d in diagnostics.iter_mut() {
        let Some(fix) = d.fix.as_mut() else {
            continue;
        };
        if lines.as_ref().is_none_or(|(file, _)| *file != d.file) {
            lines = repo
                .text(&d.file)
                .map(|text| (d.file.clone(), crate::fix::Lines::new(text)));
        }
        let Some((_, lines)) = &lines else {
            continue;
        };
        let mut applies = true;
        for edit in fix.edits.iter_mut() {
            match crate::fix::resolve(lines, edit) {
                Some((start, end, _)) if !edit.old.is_empty() => {
                    edit.span.start = lines.pos(start);
                    edit.span.end = lines.pos(end);
                }
                Some(_) => {}
                None => applies = false,
            }
        }
        // A fix the text does not allow (an alias, a tag before the value) is none.
        if !applies {
            d.fix = None;
        }
    }
}

/// What `check` reports of the rules `codes` alone, under the configuration's severities,
/// `off` and waivers: a view that shows a rule's verdict shows the check's, never its own.
pub fn findings_of(ctx: &Context<'_>, codes: &[Code]) -> Vec<Diagnostic> {
    let found = found::Found::new(ctx, |code| codes.contains(&code));
    let (mut diagnostics, _) = configured(ctx, found.all().cloned().collect());
    diagnostics.retain(|d| codes.contains(&d.code));
    diagnostics
}

/// The findings `check` reports on `ctx`'s repository, under pmo.yaml, in no order and
/// without fingerprints: all that counting them needs.
pub fn unordered(ctx: &Context<'_>) -> Vec<Diagnostic> {
    let found = found::Found::new(ctx, |_| true);
    let all = ctx.repo.diagnostics.iter().chain(found.all()).cloned();
    configured(ctx, all.collect()).0
}

/// Findings under pmo.yaml: waivers applied, severities overridden, `off` rules dropped;
/// and the findings waivers silenced.
fn configured(ctx: &Context<'_>, mut found: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    // A rule switched off finds nothing, so a waiver silences none of its findings.
    found.retain(|d| ctx.config.rule_level(d.code) != Some(Level::Off));
    let (mut diagnostics, waived) = waivers::apply(ctx, found);
    diagnostics.retain_mut(|d| match ctx.config.rule_level(d.code) {
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
    (diagnostics, waived)
}
