//! Waivers: a rule silenced for one document until a date (SPEC section 3), and the
//! findings about the waivers themselves (W001-W003).

use super::Context;
use crate::config::{FILE, Level};
use crate::diagnostic::Diagnostic;
use crate::parse::Seg;
use crate::rules;
use crate::suggest::did_you_mean;

/// Set aside the findings a valid waiver silences and add W001-W003: (kept, silenced).
pub fn apply(ctx: &Context<'_>, found: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let config = ctx.config;
    let waivers = &config.waivers;
    let active: Vec<bool> = waivers.iter().map(|w| w.expires >= ctx.today).collect();
    let mut used = vec![false; waivers.len()];
    let (silenced, mut kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
        found.into_iter().partition(|d| {
            let silencing = waivers.iter().enumerate().find(|(i, w)| {
                active[*i]
                    && w.rule.eq_ignore_ascii_case(d.code)
                    && d.id.as_deref() == Some(w.id.as_str())
            });
            match silencing {
                Some((i, _)) => {
                    used[i] = true;
                    true
                }
                None => false,
            }
        });

    for (i, w) in waivers.iter().enumerate() {
        let at = |field| config.span([Seg::Key("waivers"), Seg::Index(i), Seg::Key(field)]);
        let rule = rules::find(&w.rule);
        if rule.is_none() {
            let help = did_you_mean(&w.rule, rules::ALL.iter().map(|r| r.code))
                .unwrap_or_else(|| "`pmo rules` lists the rule codes".into());
            kept.push(
                Diagnostic::new(
                    "W002",
                    FILE,
                    at("rule"),
                    format!("waiver names rule `{}`, which does not exist", w.rule),
                )
                .help(help),
            );
            continue;
        }
        if ctx.get(&w.id).is_none() {
            let help = did_you_mean(&w.id, ctx.repo.documents.iter().filter_map(|d| d.id()))
                .unwrap_or_else(|| "remove the waiver if the document is gone".into());
            kept.push(
                Diagnostic::new(
                    "W002",
                    FILE,
                    at("id"),
                    format!("waiver names id `{}`, which no document has", w.id),
                )
                .help(help),
            );
            continue;
        }
        if !active[i] {
            let message = format!(
                "waiver of {} for `{}` expired on {}; it no longer silences anything",
                w.rule, w.id, w.expires
            );
            let help = format!(
                "renew it with a new `expires` and reason (owner: {}), or remove it and fix the finding",
                w.owner
            );
            kept.push(Diagnostic::new("W001", FILE, at("expires"), message).help(help));
        } else if config.rule_level(&w.rule) == Some(Level::Off) {
            let message = format!(
                "waiver of {} for `{}` silences nothing: {} is off in `rules:`",
                w.rule, w.id, w.rule
            );
            kept.push(Diagnostic::new("W003", FILE, at("rule"), message).help("remove the waiver"));
        } else if !used[i] {
            let message = format!(
                "waiver of {} for `{}` silenced nothing: {} reports no finding on it",
                w.rule, w.id, w.rule
            );
            kept.push(
                Diagnostic::new("W003", FILE, at("rule"), message)
                    .help("the problem is gone: remove the waiver"),
            );
        }
    }
    (kept, silenced)
}
