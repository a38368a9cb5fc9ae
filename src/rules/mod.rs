//! The rule catalogue (SPEC section 5). Every rule is one file holding its code,
//! default severity, documentation (what `pmo explain` prints and `docs/rules.md` is
//! generated from) and, for rules that look across documents, its check.
//!
//! A rule found outside this folder (by the parser, the loader, the configuration, the
//! waivers or git) is still built here: its file has the functions that make its findings,
//! which the detecting stage calls with what it found, so the words of a finding live next
//! to its documentation.
//!
//! To add a rule: add its code to [`Code`] (`src/code.rs`), write
//! `src/rules/<code>_<name>.rs` with a `pub static RULE` (and its `check`, when it looks
//! at the loaded portfolio), and list them in [`ALL`] below; then accept the changed
//! snapshot of the code list.

use crate::code::Code;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Rule};
use crate::escape;
use std::borrow::Cow;

mod context;
pub use context::Context;

// The rules whose findings a stage below this one detects live with that stage.
use crate::config::s002_incoherent_configuration;
use crate::parse::{p001_invalid_yaml, p004_duplicate_key, p005_rejected_file};
use crate::repository::{p002_not_a_document, p003_unknown_kind, p006_link_not_followed};
use crate::schema::s001_schema_violation;

mod a001_over_allocated;
mod c001_not_enough_approvals;
mod c002_approver_without_role;
mod c003_self_approval;
mod c004_implemented_unapproved;
pub(crate) mod c005_approval_not_by_approver;
pub(crate) mod c006_guard_changed;
mod f001_cost_over_tolerance;
mod f002_optimistic_status;
#[cfg(test)]
pub(crate) mod fixtures;
mod g001_gate_not_passed;
mod g002_gate_requirement_missing;
mod g003_too_few_related;
mod g004_closed_with_open_items;
pub(crate) mod g005_baseline_without_change;
mod k001_high_risk_unmitigated;
mod k002_risk_not_reviewed;
mod k003_closed_risk_incomplete;
mod r001_duplicate_id;
mod r002_dangling_reference;
mod r003_wrong_kind_reference;
mod r004_unknown_phase;
mod r005_unknown_configured_name;
mod t001_milestone_overdue;
mod t002_status_overdue;
mod t003_inconsistent_dates;
mod t004_schedule_over_tolerance;
pub(crate) mod w001_expired_waiver;
pub(crate) mod w002_unknown_waiver_target;
pub(crate) mod w003_unused_waiver;

/// A check of the loaded portfolio: it adds its rule's findings to `out`.
pub type Check = fn(&Context<'_>, &mut Vec<Diagnostic>);

/// What a rule's findings on a document depend on, besides the document itself,
/// pmo.yaml and the date: which documents the incremental engine runs the rule on
/// again after an edit (see [`crate::check::Engine`]). A rule declares it beside its
/// check; a test compares the engine after edits with a check from scratch.
/// Declared from the narrowest to the widest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reads {
    /// Nothing else: run again on the edited documents (the engine runs these rules on
    /// the documents of the touched projects too, as it does for [`Reads::Project`]).
    Document,
    /// The ids and kinds of every document: run again on the edited documents, or on
    /// every document when an edit adds, removes or renames an id.
    Ids,
    /// The people, and the ids: on every document when a person is edited.
    People,
    /// The other documents of its project (the project, and every document whose
    /// `project` is it), and the ids: on the documents of the projects an edit touches.
    Project,
    /// The allocations of every running project to a person, and the ids: on the people
    /// an edited project allocates (before or after the edit) and the edited people.
    Allocations,
    /// Any document: on every document after every edit.
    Portfolio,
}

/// A rule of the catalogue and, for a rule that looks at the loaded portfolio, its
/// check and what the check reads. The other rules' findings are made by the stages
/// that detect them (the parser, the loader, the schema, the configuration, the
/// waivers, a change's judge).
pub type Entry = (&'static Rule<'static>, Option<(Check, Reads)>);

/// Every rule, in code order: one per [`Code`], at its position in [`Code::ALL`] (a test
/// checks it), so that [`get`] is an index.
pub static ALL: &[Entry] = &[
    (
        &a001_over_allocated::RULE,
        Some((a001_over_allocated::check, a001_over_allocated::READS)),
    ),
    (
        &c001_not_enough_approvals::RULE,
        Some((
            c001_not_enough_approvals::check,
            c001_not_enough_approvals::READS,
        )),
    ),
    (
        &c002_approver_without_role::RULE,
        Some((
            c002_approver_without_role::check,
            c002_approver_without_role::READS,
        )),
    ),
    (
        &c003_self_approval::RULE,
        Some((c003_self_approval::check, c003_self_approval::READS)),
    ),
    (
        &c004_implemented_unapproved::RULE,
        Some((
            c004_implemented_unapproved::check,
            c004_implemented_unapproved::READS,
        )),
    ),
    (&c005_approval_not_by_approver::RULE, None),
    (&c006_guard_changed::RULE, None),
    (
        &f001_cost_over_tolerance::RULE,
        Some((
            f001_cost_over_tolerance::check,
            f001_cost_over_tolerance::READS,
        )),
    ),
    (
        &f002_optimistic_status::RULE,
        Some((f002_optimistic_status::check, f002_optimistic_status::READS)),
    ),
    (
        &g001_gate_not_passed::RULE,
        Some((g001_gate_not_passed::check, g001_gate_not_passed::READS)),
    ),
    (
        &g002_gate_requirement_missing::RULE,
        Some((
            g002_gate_requirement_missing::check,
            g002_gate_requirement_missing::READS,
        )),
    ),
    (
        &g003_too_few_related::RULE,
        Some((g003_too_few_related::check, g003_too_few_related::READS)),
    ),
    (
        &g004_closed_with_open_items::RULE,
        Some((
            g004_closed_with_open_items::check,
            g004_closed_with_open_items::READS,
        )),
    ),
    (&g005_baseline_without_change::RULE, None),
    (
        &k001_high_risk_unmitigated::RULE,
        Some((
            k001_high_risk_unmitigated::check,
            k001_high_risk_unmitigated::READS,
        )),
    ),
    (
        &k002_risk_not_reviewed::RULE,
        Some((k002_risk_not_reviewed::check, k002_risk_not_reviewed::READS)),
    ),
    (
        &k003_closed_risk_incomplete::RULE,
        Some((
            k003_closed_risk_incomplete::check,
            k003_closed_risk_incomplete::READS,
        )),
    ),
    (&p001_invalid_yaml::RULE, None),
    (&p002_not_a_document::RULE, None),
    (&p003_unknown_kind::RULE, None),
    (&p004_duplicate_key::RULE, None),
    (&p005_rejected_file::RULE, None),
    (&p006_link_not_followed::RULE, None),
    (
        &r001_duplicate_id::RULE,
        Some((r001_duplicate_id::check, r001_duplicate_id::READS)),
    ),
    (
        &r002_dangling_reference::RULE,
        Some((
            r002_dangling_reference::check,
            r002_dangling_reference::READS,
        )),
    ),
    (
        &r003_wrong_kind_reference::RULE,
        Some((
            r003_wrong_kind_reference::check,
            r003_wrong_kind_reference::READS,
        )),
    ),
    (
        &r004_unknown_phase::RULE,
        Some((r004_unknown_phase::check, r004_unknown_phase::READS)),
    ),
    (
        &r005_unknown_configured_name::RULE,
        Some((
            r005_unknown_configured_name::check,
            r005_unknown_configured_name::READS,
        )),
    ),
    (&s001_schema_violation::RULE, None),
    (&s002_incoherent_configuration::RULE, None),
    (
        &t001_milestone_overdue::RULE,
        Some((t001_milestone_overdue::check, t001_milestone_overdue::READS)),
    ),
    (
        &t002_status_overdue::RULE,
        Some((t002_status_overdue::check, t002_status_overdue::READS)),
    ),
    (
        &t003_inconsistent_dates::RULE,
        Some((
            t003_inconsistent_dates::check,
            t003_inconsistent_dates::READS,
        )),
    ),
    (
        &t004_schedule_over_tolerance::RULE,
        Some((
            t004_schedule_over_tolerance::check,
            t004_schedule_over_tolerance::READS,
        )),
    ),
    (&w001_expired_waiver::RULE, None),
    (&w002_unknown_waiver_target::RULE, None),
    (&w003_unused_waiver::RULE, None),
];

/// The built-in rule that owns `code` (`None` for an organisation code, whose rule is in
/// pmo.yaml).
pub fn get(code: Code) -> Option<&'static Rule<'static>> {
    Code::ALL.binary_search(&code).ok().map(|i| ALL[i].0)
}

/// The built-in rules, then the policies of `config` (`pmo rules`, `pmo explain`, SARIF).
pub fn catalogue(config: &Config) -> Vec<Rule<'_>> {
    let policies = config.policies.iter().filter_map(|p| p.rule());
    ALL.iter().map(|(r, _)| **r).chain(policies).collect()
}

/// A rule's name, summary and documentation as Markdown: an organisation's rule is
/// pmo.yaml's text, each escaped to one line; a built-in rule's is pmo's own Markdown.
fn words<'r>(r: &'r Rule<'_>) -> (Cow<'r, str>, Cow<'r, str>, Cow<'r, str>) {
    if r.code.is_org() {
        (
            escape::markdown(r.name),
            escape::markdown(r.summary),
            escape::markdown(r.doc.trim()),
        )
    } else {
        (r.name.into(), r.summary.into(), r.doc.trim().into())
    }
}

/// `docs/rules.md`: the catalogue as Markdown, generated from the rules themselves.
pub fn markdown(all: &[Rule<'_>]) -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated by `pmo rules --format md`; do not edit by hand.\n\
         Severities are defaults: `rules:` in pmo.yaml overrides them and `waivers:` silence one rule \
         for one document until a date.\n\n| code | name | severity | finds |\n|---|---|---|---|\n",
    );
    for r in all {
        let (name, summary, _) = words(r);
        out += &format!(
            "| [{}](#{}) | {name} | {} | {summary} |\n",
            r.code,
            r.code.as_str().to_lowercase(),
            r.severity.as_str(),
        );
    }
    for r in all {
        out += &format!("\n## {}\n\n{}", r.code, explanation(r));
    }
    out
}

/// One rule's name, severity, summary and documentation as Markdown: its section of
/// `docs/rules.md`, and what an editor shows on hover.
pub fn explanation(r: &Rule<'_>) -> String {
    let (name, summary, doc) = words(r);
    // A built-in name is code; an organisation's is escaped text, which a code span
    // would show with its escapes.
    let name = if r.code.is_org() {
        name.into_owned()
    } else {
        format!("`{name}`")
    };
    format!(
        "{name} · default severity: **{}**\n\n{summary}\n\n{doc}\n",
        r.severity.as_str()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_code_in_code_order_and_documented() {
        let codes: Vec<Code> = ALL.iter().map(|(r, _)| r.code).collect();
        assert_eq!(codes, Code::ALL);
        for &code in Code::ALL {
            assert_eq!(get(code).unwrap().code, code);
        }
        for (r, _) in ALL {
            assert_ne!(r.category(), "other", "{} has no category", r.code);
            assert!(r.doc.contains("```yaml"), "{} has no example", r.code);
            assert!(
                !r.summary.ends_with('.'),
                "{} summary ends with a dot",
                r.code
            );
        }
    }

    /// Every code once, with its name and default severity: adding, renaming or
    /// re-grading a rule shows in review as a change of this snapshot.
    #[test]
    fn every_code_with_its_name_and_severity() {
        let lines: Vec<String> = Code::ALL
            .iter()
            .map(|&code| {
                let rule = get(code).unwrap();
                format!("{code}  {:<28}  {}", rule.name, rule.severity.as_str())
            })
            .collect();
        insta::assert_snapshot!(lines.join("\n"));
    }

    #[test]
    fn docs_rules_md_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md");
        let current = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            current == markdown(&catalogue(&Config::default())),
            "docs/rules.md is stale: run `cargo run -- rules --format md > docs/rules.md`"
        );
    }
}
