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
//! `src/rules/<code>_<name>.rs` with a `pub static RULE`, and list it in [`ALL`] below;
//! then accept the changed snapshot of the code list.

use crate::code::Code;
use crate::diagnostic::{Diagnostic, Rule};

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
mod fixtures;
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

/// The rules that look at the loaded portfolio, with their checks, in code order. The
/// other rules' findings are made by the stages that detect them (the parser, the
/// loader, the schema, the configuration, the waivers, a change's judge).
pub static CHECKS: &[(&Rule<'static>, Check)] = &[
    (&a001_over_allocated::RULE, a001_over_allocated::check),
    (
        &c001_not_enough_approvals::RULE,
        c001_not_enough_approvals::check,
    ),
    (
        &c002_approver_without_role::RULE,
        c002_approver_without_role::check,
    ),
    (&c003_self_approval::RULE, c003_self_approval::check),
    (
        &c004_implemented_unapproved::RULE,
        c004_implemented_unapproved::check,
    ),
    (
        &f001_cost_over_tolerance::RULE,
        f001_cost_over_tolerance::check,
    ),
    (&f002_optimistic_status::RULE, f002_optimistic_status::check),
    (&g001_gate_not_passed::RULE, g001_gate_not_passed::check),
    (
        &g002_gate_requirement_missing::RULE,
        g002_gate_requirement_missing::check,
    ),
    (&g003_too_few_related::RULE, g003_too_few_related::check),
    (
        &g004_closed_with_open_items::RULE,
        g004_closed_with_open_items::check,
    ),
    (
        &k001_high_risk_unmitigated::RULE,
        k001_high_risk_unmitigated::check,
    ),
    (&k002_risk_not_reviewed::RULE, k002_risk_not_reviewed::check),
    (
        &k003_closed_risk_incomplete::RULE,
        k003_closed_risk_incomplete::check,
    ),
    (&r001_duplicate_id::RULE, r001_duplicate_id::check),
    (
        &r002_dangling_reference::RULE,
        r002_dangling_reference::check,
    ),
    (
        &r003_wrong_kind_reference::RULE,
        r003_wrong_kind_reference::check,
    ),
    (&r004_unknown_phase::RULE, r004_unknown_phase::check),
    (
        &r005_unknown_configured_name::RULE,
        r005_unknown_configured_name::check,
    ),
    (&t001_milestone_overdue::RULE, t001_milestone_overdue::check),
    (&t002_status_overdue::RULE, t002_status_overdue::check),
    (
        &t003_inconsistent_dates::RULE,
        t003_inconsistent_dates::check,
    ),
    (
        &t004_schedule_over_tolerance::RULE,
        t004_schedule_over_tolerance::check,
    ),
];

/// Every rule, in code order: one per [`Code`], at its position in [`Code::ALL`] (a test
/// checks it), so that [`get`] is an index.
pub static ALL: &[&Rule] = &[
    &a001_over_allocated::RULE,
    &c001_not_enough_approvals::RULE,
    &c002_approver_without_role::RULE,
    &c003_self_approval::RULE,
    &c004_implemented_unapproved::RULE,
    &c005_approval_not_by_approver::RULE,
    &c006_guard_changed::RULE,
    &f001_cost_over_tolerance::RULE,
    &f002_optimistic_status::RULE,
    &g001_gate_not_passed::RULE,
    &g002_gate_requirement_missing::RULE,
    &g003_too_few_related::RULE,
    &g004_closed_with_open_items::RULE,
    &g005_baseline_without_change::RULE,
    &k001_high_risk_unmitigated::RULE,
    &k002_risk_not_reviewed::RULE,
    &k003_closed_risk_incomplete::RULE,
    &p001_invalid_yaml::RULE,
    &p002_not_a_document::RULE,
    &p003_unknown_kind::RULE,
    &p004_duplicate_key::RULE,
    &p005_rejected_file::RULE,
    &p006_link_not_followed::RULE,
    &r001_duplicate_id::RULE,
    &r002_dangling_reference::RULE,
    &r003_wrong_kind_reference::RULE,
    &r004_unknown_phase::RULE,
    &r005_unknown_configured_name::RULE,
    &s001_schema_violation::RULE,
    &s002_incoherent_configuration::RULE,
    &t001_milestone_overdue::RULE,
    &t002_status_overdue::RULE,
    &t003_inconsistent_dates::RULE,
    &t004_schedule_over_tolerance::RULE,
    &w001_expired_waiver::RULE,
    &w002_unknown_waiver_target::RULE,
    &w003_unused_waiver::RULE,
];

/// The built-in rule that owns `code` (`None` for an organisation code, whose rule is in
/// pmo.yaml).
pub fn get(code: Code) -> Option<&'static Rule<'static>> {
    Code::ALL.binary_search(&code).ok().map(|i| ALL[i])
}

/// `docs/rules.md`: the catalogue as Markdown, generated from the rules themselves.
pub fn markdown(all: &[Rule<'_>]) -> String {
    let mut out = String::from(
        "# Rules\n\nGenerated by `pmo rules --format md`; do not edit by hand.\n\
         Severities are defaults: `rules:` in pmo.yaml overrides them and `waivers:` silence one rule \
         for one document until a date.\n\n| code | name | severity | finds |\n|---|---|---|---|\n",
    );
    for r in all {
        out += &format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            r.code,
            r.code.as_str().to_lowercase(),
            r.name,
            r.severity.as_str(),
            r.summary
        );
    }
    for r in all {
        out += &format!(
            "\n## {}\n\n`{}` · default severity: **{}**\n\n{}\n\n{}\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.summary,
            r.doc.trim()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_per_code_in_code_order_and_documented() {
        let codes: Vec<Code> = ALL.iter().map(|r| r.code).collect();
        assert_eq!(codes, Code::ALL);
        for &code in Code::ALL {
            assert_eq!(get(code).unwrap().code, code);
        }
        for r in ALL {
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
            current == markdown(&ALL.iter().map(|r| **r).collect::<Vec<_>>()),
            "docs/rules.md is stale: run `cargo run -- rules --format md > docs/rules.md`"
        );
    }
}
