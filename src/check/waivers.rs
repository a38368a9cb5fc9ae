//! Waivers: a rule silenced for one document until a date (SPEC section 3), and the
//! findings about the waivers themselves (W001-W003).

use super::Context;
use crate::config::Level;
use crate::diagnostic::Diagnostic;
use crate::rules::{
    w001_expired_waiver as w001, w002_unknown_waiver_target as w002, w003_unused_waiver as w003,
};

/// Set aside the findings a valid waiver silences and add W001-W003: (kept, silenced).
pub fn apply(ctx: &Context<'_>, found: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    let config = ctx.config;
    let waivers = &config.waivers;
    let active: Vec<bool> = waivers.iter().map(|w| w.expires >= ctx.today).collect();
    let mut used = vec![false; waivers.len()];
    let (silenced, mut kept): (Vec<Diagnostic>, Vec<Diagnostic>) =
        found.into_iter().partition(|d| {
            let silencing = waivers.iter().enumerate().find(|(i, w)| {
                active[*i] && w.rule.code == Some(d.code) && d.id.as_deref() == Some(w.id.as_str())
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
        let at = |field| config.waiver_span(i, field);
        let Some(code) = w.rule.code else {
            kept.push(w002::unknown_rule(at("rule"), w));
            continue;
        };
        if ctx.get(&w.id).is_none() {
            let ids = ctx.repo.documents.iter().filter_map(|d| d.id());
            kept.push(w002::unknown_id(at("id"), w, ids));
            continue;
        }
        if !active[i] {
            kept.push(w001::finding(at("expires"), w));
        } else if config.rule_level(code) == Some(Level::Off) {
            kept.push(w003::rule_off(at("rule"), w));
        } else if !used[i] {
            kept.push(w003::unused(at("rule"), w));
        }
    }
    (kept, silenced)
}
