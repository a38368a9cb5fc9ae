use super::{create_file, random_suffix, slug};
use crate::Error;
use crate::config::Config;
use crate::model::Kind;
use jiff::civil::Date;
use std::path::{Path, PathBuf};

/// What `pmo new` was asked for.
pub struct NewDocument<'a> {
    pub kind: Kind,
    pub project: Option<&'a str>,
    pub title: Option<&'a str>,
    pub id: Option<&'a str>,
    pub today: Date,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("pmo.yaml", include_str!("../../templates/new/pmo.yaml")),
    ("person", include_str!("../../templates/new/person.yaml")),
    (
        "objective",
        include_str!("../../templates/new/objective.yaml"),
    ),
    ("program", include_str!("../../templates/new/program.yaml")),
    ("project", include_str!("../../templates/new/project.yaml")),
    ("risk", include_str!("../../templates/new/risk.yaml")),
    ("issue", include_str!("../../templates/new/issue.yaml")),
    (
        "decision",
        include_str!("../../templates/new/decision.yaml"),
    ),
    ("change", include_str!("../../templates/new/change.yaml")),
    ("status", include_str!("../../templates/new/status.yaml")),
    ("lesson", include_str!("../../templates/new/lesson.yaml")),
];

pub(super) fn render(name: &str, ctx: minijinja::Value) -> Result<String, Error> {
    let source = TEMPLATES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
        .unwrap_or_default();
    let env = minijinja::Environment::new();
    let text = env
        .render_str(source, ctx)
        .map_err(|e| Error::Invalid(format!("template {name}: {e}")))?;
    // minijinja drops the final newline of a template.
    Ok(text + "\n")
}

/// Write a new document from its template into the suggested layout under `root`.
/// Returns the path written.
pub fn new_document(root: &Path, config: &Config, req: &NewDocument<'_>) -> Result<PathBuf, Error> {
    let kind = req.kind;
    let needs_project = matches!(
        kind,
        Kind::Risk | Kind::Issue | Kind::Change | Kind::Status | Kind::Lesson
    );
    let project = match (req.project, needs_project) {
        (Some(p), _) => Some(check_id(p, "--project")?),
        (None, true) => {
            return Err(Error::Invalid(format!(
                "a {kind} belongs to a project: pass --project ID"
            )));
        }
        (None, false) => None,
    };
    let default_title = match kind {
        Kind::Status => format!("Status {}", req.today),
        _ => format!("New {kind}"),
    };
    let title = req.title.unwrap_or(&default_title);
    let id = match req.id {
        Some(id) => check_id(id, "--id")?.to_owned(),
        None => generate_id(kind, project, req.title, req.today),
    };
    let rel = match (kind, project) {
        (Kind::Person, _) => format!("people/{id}.yaml"),
        (Kind::Objective, _) => format!("objectives/{id}.yaml"),
        (Kind::Program, _) => format!("programs/{id}.yaml"),
        (Kind::Project, _) => format!("projects/{id}/project.yaml"),
        (Kind::Decision, None) => format!("decisions/{id}.yaml"),
        (Kind::Status, Some(p)) => {
            let dated = format!("projects/{p}/status/{}.yaml", req.today);
            if root.join(&dated).exists() {
                format!("projects/{p}/status/{id}.yaml")
            } else {
                dated
            }
        }
        (_, Some(p)) => format!("projects/{p}/{}/{id}.yaml", folder(kind)),
        (_, None) => format!("{}/{id}.yaml", folder(kind)),
    };
    let first_phase = config
        .default_methodology()
        .and_then(|m| config.methodology(m))
        .and_then(|m| m.phases.first().cloned())
        .unwrap_or_else(|| "initiation".into());
    let text = render(
        kind.as_str(),
        minijinja::context! { id, title, project, today => req.today.to_string(), first_phase },
    )?;
    let path = root.join(&rel);
    create_file(&path, &text)?;
    Ok(path)
}

fn folder(kind: Kind) -> &'static str {
    match kind {
        Kind::Risk => "risks",
        Kind::Issue => "issues",
        Kind::Decision => "decisions",
        Kind::Change => "changes",
        Kind::Lesson => "lessons",
        _ => "documents",
    }
}

fn check_id<'a>(id: &'a str, flag: &str) -> Result<&'a str, Error> {
    let ok = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(id)
    } else {
        Err(Error::Invalid(format!(
            "{flag} `{id}` is not a valid id: use letters, digits, `.`, `_` and `-`, starting with a letter or digit"
        )))
    }
}

/// `apollo-vendor-delay-k3x9`: readable, and with a random suffix so that two branches
/// adding a document the same day do not collide (R001).
fn generate_id(kind: Kind, project: Option<&str>, title: Option<&str>, today: Date) -> String {
    let stem = match (kind, title.map(|t| slug(t, 40)).filter(|s| !s.is_empty())) {
        (Kind::Status, _) => format!("{}-status-{today}", project.unwrap_or("status")),
        (Kind::Person | Kind::Objective | Kind::Program | Kind::Project, Some(s)) => s,
        (_, Some(s)) => match project {
            Some(p) => format!("{p}-{s}"),
            None => s,
        },
        (_, None) => match project {
            Some(p) => format!("{p}-{kind}"),
            None => kind.to_string(),
        },
    };
    match kind {
        // People and projects are named by hand and referred to constantly: keep them short.
        Kind::Person | Kind::Project if title.is_some() => stem,
        _ => format!("{stem}-{}", random_suffix(4)),
    }
}
