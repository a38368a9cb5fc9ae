//! Read `pmo.yaml` and check that it is coherent. Any error here stops the command
//! (exit 2): a check under a broken configuration cannot be trusted.

use super::Config;
use super::s002_incoherent_configuration as s002;
use crate::diagnostic::{Diagnostic, Severity};
use crate::parse::{self, Limits, Seg};
use crate::schema::s001_schema_violation as s001;
use crate::suggest::{did_you_mean, list};
use serde_json::Value;

pub const FILE: &str = crate::source::CONFIG_FILE;

/// The configuration, or the diagnostics that explain why it cannot be used.
pub fn load(bytes: &[u8]) -> Result<Config, Vec<Diagnostic>> {
    let mut parsed = parse::load(FILE, bytes, &Limits::default());
    let mut diags = parsed.diagnostics;
    let doc = match parsed.docs.len() {
        // No document because the file could not be read: its own diagnostic says why.
        0 if !diags.is_empty() => return Err(diags),
        0 => {
            diags.push(s001::config_empty());
            return Err(diags);
        }
        1 => parsed.docs.remove(0),
        _ => {
            let span = parsed.docs[1].spans.root();
            diags.push(s001::config_documents(span));
            return Err(diags);
        }
    };
    let schema = crate::schema::config_schema();
    diags.extend(crate::schema::violations(
        FILE, &doc.value, &doc.spans, &schema,
    ));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(diags);
    }
    let mut config: Config = match serde_json::from_value(doc.value.clone()) {
        Ok(c) => c,
        Err(e) => {
            diags.push(s001::config_unread(doc.spans.root(), &e));
            return Err(diags);
        }
    };
    config.source = Some(doc);
    config.text = String::from_utf8_lossy(bytes).into_owned();
    policies(&mut config, &mut diags);
    coherence(&config, &mut diags);
    if diags.is_empty() {
        Ok(config)
    } else {
        Err(diags)
    }
}

/// Compiles the policies (S002 for what is wrong in them) and reads the organisation
/// codes that `rules:` and `waivers:` name.
fn policies(config: &mut Config, out: &mut Vec<Diagnostic>) {
    let problems = crate::policy::compile(&mut config.policies);
    out.extend(problems.iter().map(|p| config.policy_problem(p)));
    let mut names: Vec<&mut super::CodeName> = config.rules.iter_mut().map(|(c, _)| c).collect();
    names.extend(config.waivers.iter_mut().map(|w| &mut w.rule));
    let codes: Vec<crate::code::Code> = config
        .policies
        .iter()
        .filter_map(|p| p.compiled.as_ref().map(|c| c.code))
        .collect();
    for name in names.into_iter().filter(|n| n.code.is_none()) {
        name.code = codes
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(&name.written));
    }
}

/// S002: names in pmo.yaml that point nowhere, duplicates and ordering mistakes.
fn coherence(config: &Config, out: &mut Vec<Diagnostic>) {
    let s002 = |span, message: String, help: Option<String>| {
        s002::finding(FILE, span, message).maybe_help(help)
    };
    let names: Vec<&str> = config
        .methodologies
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    if let Some(default) = &config.default_methodology
        && !names.contains(&default.as_str())
    {
        let span = config.span([Seg::Key("default_methodology")]);
        let help = did_you_mean(default, names.iter().copied())
            .or_else(|| Some(format!("methodologies: {}", list(&names))));
        out.push(s002(
            span,
            format!("default_methodology `{default}` is not a methodology in `methodologies`"),
            help,
        ));
    }
    for (name, method) in &config.methodologies {
        let phases: Vec<&str> = method.phases.iter().map(String::as_str).collect();
        for (i, phase) in phases.iter().enumerate() {
            if phases[..i].contains(phase) {
                let span = config.span([
                    Seg::Key("methodologies"),
                    Seg::Key(name),
                    Seg::Key("phases"),
                    Seg::Index(i),
                ]);
                out.push(s002(
                    span,
                    format!("methodology `{name}` lists phase `{phase}` twice"),
                    Some("remove the second entry".into()),
                ));
            }
        }
        for (phase, gate) in &method.gates {
            let gate_path = [
                Seg::Key("methodologies"),
                Seg::Key(name),
                Seg::Key("gates"),
                Seg::Key(phase),
            ];
            if !phases.contains(&phase.as_str()) {
                let span = config.mapping_span(gate_path[..3].iter().copied());
                let span = locate_key(config, &gate_path).unwrap_or(span);
                let help = did_you_mean(phase, phases.iter().copied())
                    .or_else(|| Some(format!("the phases of `{name}` are {}", list(&phases))));
                out.push(s002(
                    span,
                    format!("gate for `{phase}`, which is not a phase of methodology `{name}`"),
                    help,
                ));
            }
            for (i, field) in gate.require.iter().enumerate() {
                if let Some(help) = unknown_project_field(field) {
                    let mut path = gate_path.to_vec();
                    path.extend([Seg::Key("require"), Seg::Index(i)]);
                    out.push(s002(config.span(path), format!("gate `{phase}` of `{name}` requires `{field}`, which is not a project field"), Some(help)));
                }
            }
        }
    }
    let roles: Vec<&str> = config.roles.iter().map(String::as_str).collect();
    let mut previous: Option<f64> = None;
    let levels = &config.change_control.levels;
    for (i, level) in levels.iter().enumerate() {
        let at = |field| {
            [
                Seg::Key("change_control"),
                Seg::Key("levels"),
                Seg::Index(i),
                Seg::Key(field),
            ]
        };
        if let Some(role) = &level.role
            && !roles.contains(&role.as_str())
        {
            let help = did_you_mean(role, roles.iter().copied())
                .or_else(|| Some("add it to `roles`".into()));
            out.push(s002(
                config.span(at("role")),
                format!("change-control role `{role}` is not in `roles`"),
                help,
            ));
        }
        match level.max_cost {
            Some(max) => {
                if let Some(prev) = previous
                    && max <= prev
                {
                    let message =
                        format!("change-control levels must ascend: max_cost {max} follows {prev}");
                    out.push(s002(
                        config.span(at("max_cost")),
                        message,
                        Some("order the levels from the smallest max_cost up".into()),
                    ));
                }
                previous = Some(max);
            }
            None if i + 1 < levels.len() => {
                let span = config.mapping_span([
                    Seg::Key("change_control"),
                    Seg::Key("levels"),
                    Seg::Index(i),
                ]);
                let message = "a change-control level without max_cost takes every cost, so it must be the last level";
                out.push(s002(
                    span,
                    message.into(),
                    Some("give it a max_cost or move it to the end".into()),
                ));
            }
            None => {}
        }
    }
    for (name, _) in &config.rules {
        if name.code.is_none() {
            let path = [Seg::Key("rules"), Seg::Key(&name.written)];
            let span = locate_key(config, &path).unwrap_or_default();
            out.push(s002::unknown_rule(span, &name.written));
        }
    }
    for (name, t) in [
        ("cost_pct", &config.rag.cost_pct),
        ("schedule_days", &config.rag.schedule_days),
    ] {
        if t.amber > t.red {
            let span = config.span([Seg::Key("rag"), Seg::Key(name), Seg::Key("amber")]);
            out.push(s002(
                span,
                format!(
                    "rag.{name}: amber threshold {} is above red threshold {}",
                    t.amber, t.red
                ),
                None,
            ));
        }
    }
    // For an index lower is worse, so its amber threshold is the higher one.
    for (name, t) in [("cpi", &config.rag.cpi), ("spi", &config.rag.spi)] {
        if let Some(t) = t
            && t.amber < t.red
        {
            let span = config.span([Seg::Key("rag"), Seg::Key(name), Seg::Key("amber")]);
            out.push(s002(
                span,
                format!(
                    "rag.{name}: amber threshold {} is below red threshold {}",
                    t.amber, t.red
                ),
                Some(
                    "below `amber` is amber and below `red` is red: make `amber` the higher one"
                        .into(),
                ),
            ));
        }
    }
}

fn locate_key(config: &Config, path: &[Seg<'_>]) -> Option<crate::diagnostic::Span> {
    let doc = config.source.as_ref()?;
    doc.spans
        .locate(&doc.value, path.iter().copied())
        .and_then(|n| n.key())
}

/// A help text when a gate's `require` path is not a field of the project schema.
fn unknown_project_field(path: &str) -> Option<String> {
    let schema = crate::schema::builtin("project.schema.json");
    let mut node: &Value = &schema;
    let mut parent: Vec<&str> = Vec::new();
    for part in path.split('.') {
        let props = node.get("properties")?;
        match props.get(part) {
            Some(child) => node = child,
            None => {
                let known: Vec<&str> = props.as_object()?.keys().map(String::as_str).collect();
                let help = did_you_mean(part, known.iter().copied());
                let scope = if parent.is_empty() {
                    "a project".to_owned()
                } else {
                    format!("`{}`", parent.join("."))
                };
                return Some(
                    help.unwrap_or_else(|| format!("the fields of {scope} are {}", list(&known))),
                );
            }
        }
        parent.push(part);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::load;
    use crate::code::Code;

    fn codes(text: &str) -> Vec<(Code, u32)> {
        match load(text.as_bytes()) {
            Ok(_) => vec![],
            Err(d) => d.iter().map(|d| (d.code, d.span.start.line)).collect(),
        }
    }

    #[test]
    fn a_minimal_config_takes_the_defaults() {
        let c = load(b"version: 1\n").unwrap();
        assert_eq!(c.risk.high_score, 15);
        assert_eq!(c.default_methodology(), Some("waterfall"));
        assert_eq!(c.change_control.levels.len(), 1);
    }

    /// A code is read as `pmo explain` reads it, whatever its case: `k002: off` switches
    /// K002 off, where it once passed the check and then changed nothing.
    #[test]
    fn rule_codes_are_read_whatever_their_case() {
        let c = load(b"version: 1\nrules:\n  k002: off\n  R002: warning\n").unwrap();
        assert_eq!(c.rule_level(Code::K002), Some(crate::config::Level::Off));
        assert_eq!(
            c.rule_level(Code::R002),
            Some(crate::config::Level::Warning)
        );
        assert_eq!(c.rule_level(Code::K001), None);
    }

    #[test]
    fn incoherent_configs_are_located() {
        assert_eq!(
            codes("version: 1\nmethodologies:\n  m:\n    phases: [a, b, a]\n"),
            [(Code::S002, 4)]
        );
        assert_eq!(
            codes("version: 1\nmethodologies:\n  m:\n    phases: [a]\n    gates:\n      z: {}\n"),
            [(Code::S002, 6)]
        );
        assert_eq!(
            codes(
                "version: 1\nroles: [ccb]\nchange_control:\n  levels:\n    - {max_cost: 10, approvers: 1}\n    - {max_cost: 5, approvers: 1, role: ccb}\n"
            ),
            [(Code::S002, 6)]
        );
        assert_eq!(
            codes("version: 1\nrules:\n  R002: warning\n  Z999: off\n"),
            [(Code::S002, 4)]
        );
        assert_eq!(
            codes("version: 1\ndefault_methodology: scrum\n"),
            [(Code::S002, 2)]
        );
        assert_eq!(
            codes(
                "version: 1\nmethodologies:\n  m:\n    phases: [a]\n    gates:\n      a: {require: [baseline.budgett]}\n"
            ),
            [(Code::S002, 6)]
        );
        assert_eq!(
            codes("version: 1\nrag:\n  spi: {amber: 0.8, red: 0.9}\n"),
            [(Code::S002, 3)]
        );
        assert_eq!(
            codes("version: 1\nrag:\n  cpi: {amber: 0.95}\n"),
            [(Code::S001, 3)]
        );
        assert_eq!(codes("version: 2\n"), [(Code::S001, 1)]);
        assert_eq!(
            codes("version: 1\nrisk: {high_scor: 3}\n"),
            [(Code::S001, 2)]
        );
        assert_eq!(codes("version: 1\nversion: 1\n"), [(Code::P004, 2)]);
    }
}
