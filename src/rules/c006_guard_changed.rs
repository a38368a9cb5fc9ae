use crate::changes::Subject;
use crate::changes::{Change, ChangeKind, DocDiff, FieldChange, IDENTITY};
use crate::code::Code;
use crate::config::FILE;
use crate::diagnostic::{Diagnostic, Rule, Severity, Span};
use crate::model::Kind;
use crate::model::Portfolio;
use crate::parse::{self, Limits, Seg};
use serde_json::Value;
use std::collections::BTreeMap;

/// Judged by [`check`], which compares what guards the process at the base revision and
/// in the change. Under a base revision the base's `pmo.yaml`, overlays, `.gitignore`
/// rules and people judge the change; the change's own edits to them take effect once
/// merged, so each is shown.
pub static RULE: Rule = Rule {
    code: Code::C006,
    name: "guard-changed",
    severity: Severity::Warning,
    summary: "a change edits what guards the process (pmo.yaml, overlays, .gitignore, people)",
    doc: r#"
Active only when a base revision is known: `pmo check --changed-since REV` or
`pmo diff --check`. There, the base revision judges the change: its `pmo.yaml` (rules and
severities, policies, waivers, methodologies and gates, the project fields it makes optional,
change control, risk, status, tolerance and RAG settings, `exclude`, roles), its schema
overlays, its `.gitignore` rules and its people's roles and emails, so that a pull
request cannot switch off the rule that would stop it. What the change does to them
takes effect once it is merged, and each edit is this finding, so that reviewers see it:
a rule switched off or downgraded, an organisation policy removed or rewritten, a waiver
added or extended, a threshold moved, a gate requirement dropped, a project field made
optional, an `exclude` widened, an overlay or the root `.gitignore` changed, a role or an
address (`email` or `emails`) given to a person.

```yaml
# pmo.yaml in the pull request
rules:
  G005: off        # C006: `rules.G005` none → "off"; G005 still applies to this change
```

Have the owners of the process review such changes: CODEOWNERS on `pmo.yaml`, `schema/`,
`.gitignore` and `people/` makes the forge ask them.
"#,
};

const HELP: &str = "have the owners of the process review it (CODEOWNERS on pmo.yaml, schema/, .gitignore and people/); it applies once merged";

/// A schema overlay or ignore file that the change adds, removes or changes (`verb`).
pub fn file_changed(file: &str, verb: &str) -> Diagnostic {
    let (what, judges) = if file.ends_with(".gitignore") {
        ("ignore rules", "ignore rules")
    } else {
        ("schema overlay", "overlays")
    };
    let message = format!("{what} {file} {verb}: the base revision's {judges} judge this change");
    Diagnostic::new(&RULE, file, Span::at(1, 1), message).help(HELP)
}

/// An entry of a guarding section of pmo.yaml (`rules.G005`), at its key; `summary` says
/// how it changed.
pub fn config_changed(span: Span, entry: &str, summary: &str) -> Diagnostic {
    let message =
        format!("`{entry}` changed ({summary}): the base revision's pmo.yaml judges this change");
    Diagnostic::new(&RULE, FILE, span, message).help(HELP)
}

/// The fields of person `id` that approvals are judged by, at the first that changed;
/// `summary` says how they changed.
pub fn person_changed(file: &str, span: Span, id: &str, summary: &str) -> Diagnostic {
    let message = format!(
        "person `{id}`: {summary}: approvals in this change are judged by the base revision's people"
    );
    Diagnostic::new(&RULE, file, span, message)
        .id(Some(id))
        .help(HELP)
}

/// The sections of `pmo.yaml` that decide what passes.
const GUARDS: [&str; 13] = [
    "rules",
    "policies",
    "waivers",
    "methodologies",
    "default_methodology",
    "project",
    "change_control",
    "risk",
    "status",
    "tolerances",
    "rag",
    "exclude",
    "roles",
];

/// C006 findings of `change`, located in the head: `config_text` is its `pmo.yaml`. The
/// `portfolio` is looked at only for a changed person (it may be made when first asked).
pub(crate) fn check<'p>(
    change: &Change,
    config_text: &str,
    portfolio: &impl std::ops::Deref<Target = Portfolio<'p>>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &change.documents {
        match d.kind {
            Subject::Configuration if d.file == FILE => out.extend(configuration(d, config_text)),
            Subject::Configuration => out.push(file_changed(&d.file, verb(d.change))),
            Subject::Document(Kind::Person) => out.extend(person(d, portfolio)),
            _ => {}
        }
    }
    out
}

fn verb(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        _ => "changed",
    }
}

/// One finding per changed entry of a guarding section (`rules.G005`, `waivers.2`,
/// `risk.high_score`), at its line in the head's `pmo.yaml`.
fn configuration(d: &DocDiff, config_text: &str) -> Vec<Diagnostic> {
    let head = parse::load(FILE, config_text.as_bytes(), &Limits::default())
        .docs
        .into_iter()
        .next();
    let fields: Vec<FieldChange> = d.fields.iter().flat_map(leaves).collect();
    let mut entries: BTreeMap<String, Vec<&FieldChange>> = BTreeMap::new();
    for f in &fields {
        let mut parts = f.field.split('.');
        let Some(section) = parts.next().filter(|s| GUARDS.contains(s)) else {
            continue;
        };
        let entry = match parts.next() {
            Some(key) => format!("{section}.{key}"),
            None => section.to_owned(),
        };
        entries.entry(entry).or_default().push(f);
    }
    entries
        .into_iter()
        .map(|(entry, fields)| {
            let span = head.as_ref().map_or(Span::at(1, 1), |doc| {
                doc.spans.key_at(&doc.value, segments(&doc.value, &entry))
            });
            config_changed(span, &entry, &summary(&fields))
        })
        .collect()
}

/// A section or entry added or removed whole, as the leaves it adds or removes: a new
/// `rules:` section is `rules.G005: none → "off"`.
fn leaves(f: &FieldChange) -> Vec<FieldChange> {
    let children: Vec<(String, &Value)> = match (&f.old, &f.new) {
        (None, Some(v)) | (Some(v), None) => match v {
            Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return vec![f.clone()],
        },
        _ => return vec![f.clone()],
    };
    let added = f.new.is_some();
    children
        .into_iter()
        .flat_map(|(key, v)| {
            let (old, new) = if added {
                (None, Some(v.clone()))
            } else {
                (Some(v.clone()), None)
            };
            leaves(&FieldChange::new(format!("{}.{key}", f.field), old, new))
        })
        .collect()
}

/// A person given roles or an email (`email` or `emails`), or added with them.
fn person(d: &DocDiff, portfolio: &Portfolio<'_>) -> Option<Diagnostic> {
    let fields: Vec<FieldChange> = match d.change {
        ChangeKind::Added => IDENTITY
            .iter()
            .filter_map(|k| {
                let new = d.new.as_ref()?.get(*k)?;
                Some(FieldChange::new((*k).to_owned(), None, Some(new.clone())))
            })
            .collect(),
        ChangeKind::Removed => return None,
        _ => d
            .fields
            .iter()
            .filter(|f| IDENTITY.contains(&f.field.split('.').next().unwrap_or_default()))
            .cloned()
            .collect(),
    };
    if fields.is_empty() {
        return None;
    }
    let doc = portfolio.get(&d.id)?;
    let first = fields[0].field.split('.').next().unwrap_or_default();
    Some(person_changed(
        portfolio.path(doc),
        doc.key_span([Seg::Key(first)]),
        &d.id,
        &summary(&fields.iter().collect::<Vec<_>>()),
    ))
}

/// `field: old → new; ...`
fn summary(fields: &[&FieldChange]) -> String {
    let show = |v: &Option<Value>| v.as_ref().map_or("none".to_owned(), Value::to_string);
    fields
        .iter()
        .map(|f| format!("{}: {} → {}", f.field, show(&f.old), show(&f.new)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `waivers.2` as path segments of `value`: a number under a list is an index.
fn segments<'a>(value: &Value, dotted: &'a str) -> Vec<Seg<'a>> {
    let mut at = Some(value);
    dotted
        .split('.')
        .map(|part| {
            let seg = match (at, part.parse::<usize>()) {
                (Some(Value::Array(_)), Ok(i)) => Seg::Index(i),
                _ => Seg::Key(part),
            };
            at = at.and_then(|v| match seg {
                Seg::Index(i) => v.get(i),
                Seg::Key(k) => v.get(k),
            });
            seg
        })
        .collect()
}
