use super::{random_suffix, slug};
use crate::Error;
use crate::model::Kind;
use crate::model::kind::Scope;
use crate::repository::Repository;
use crate::write::Files;
use jiff::civil::Date;
use std::path::PathBuf;

/// What `pmo new` was asked for.
pub struct NewDocument<'a> {
    pub kind: Kind,
    pub project: Option<&'a str>,
    pub title: Option<&'a str>,
    pub id: Option<&'a str>,
    pub today: Date,
}

/// `pmo.yaml`'s template; a kind's is its row's (`Spec::template`).
const CONFIG_TEMPLATE: &str = include_str!("../../templates/new/pmo.yaml");

pub(super) fn render(name: &str, ctx: minijinja::Value) -> Result<String, Error> {
    let source = match name {
        "pmo.yaml" => CONFIG_TEMPLATE,
        _ => Kind::parse(name).map_or("", |k| k.spec().template),
    };
    let mut env = minijinja::Environment::new();
    // Ids and names go in unquoted when YAML reads them back as that text, else quoted:
    // `id: 123`, `true` or `1e3` would be a number, a boolean, a number.
    env.add_filter("text", |s: String| {
        let plain =
            crate::model::valid_id(&s) && crate::parse::scalar::resolve_plain(&s).is_string();
        match plain {
            true => s,
            false => serde_json::Value::String(s).to_string(),
        }
    });
    let text = env
        .render_str(source, ctx)
        .map_err(|e| Error::Invalid(format!("template {name}: {e}")))?;
    // minijinja drops the final newline of a template.
    Ok(text + "\n")
}

/// Write a new document from its template into the suggested layout in the folder
/// `files` writes into, the root of `repo`. Returns the path written.
///
/// Refused (nothing written): an empty `--title`; a `--project` that is not a project of
/// the repository; an `--id` that is not valid or that a document already has. An id
/// derived from the title is always a free one.
pub fn new_document(
    mut files: Files,
    repo: &Repository,
    req: &NewDocument<'_>,
) -> Result<PathBuf, Error> {
    let kind = req.kind;
    let needs_project = kind.spec().scope == Scope::InProject;
    let project = match (req.project, needs_project) {
        (Some(p), _) => Some(known_project(repo, check_id(p, "--project")?)?),
        (None, true) => {
            return Err(Error::Invalid(format!(
                "a {kind} belongs to a project: pass --project ID"
            )));
        }
        (None, false) => None,
    };
    // An empty title would make a document its schema refuses (`name: ""`): leaving
    // --title out gives a placeholder to fill in.
    let title = match req.title.map(str::trim) {
        Some("") => {
            return Err(Error::Invalid(format!(
                "--title is empty: give {} {kind} a {}, or leave --title out for a placeholder to fill in",
                kind.article(),
                if kind == Kind::Person {
                    "name"
                } else {
                    "title"
                }
            )));
        }
        other => other,
    };
    let default_title = match kind {
        Kind::Status => format!("Status {}", req.today),
        _ => format!("New {kind}"),
    };
    let taken = |id: &str| repo.documents.iter().find(|d| d.id() == Some(id));
    let (id, rel) = match req.id {
        Some(id) => {
            let id = check_id(id, "--id")?;
            if let Some(doc) = taken(id) {
                return Err(Error::Invalid(format!(
                    "--id `{id}` is already the id of {} {} in {}: ids are unique across the repository; choose another, or leave --id out for a free one",
                    doc.kind.article(),
                    doc.kind,
                    repo.path(doc)
                )));
            }
            (id.to_owned(), layout(&files, kind, project, id, req.today))
        }
        None => {
            // The readable id first, then with a random suffix until neither a document
            // nor a file (nor a link) has it.
            let mut attempt = 0;
            loop {
                let id = generate_id(kind, project, title, req.today, attempt);
                let rel = layout(&files, kind, project, &id, req.today);
                if taken(&id).is_none() && !files.exists(&rel) {
                    break (id, rel);
                }
                attempt += 1;
                if attempt > 50 {
                    return Err(Error::Invalid(format!(
                        "no free id for the new {kind}: pass one with --id"
                    )));
                }
            }
        }
    };
    let title = title.unwrap_or(&default_title);
    let first_phase = repo
        .config
        .default_methodology()
        .and_then(|m| repo.config.methodology(m))
        .and_then(|m| m.phases.first().cloned())
        .unwrap_or_else(|| "initiation".into());
    let rag = match (kind, project) {
        (Kind::Status, Some(p)) => rag_lines(&computed_rag(repo, p, req.today)),
        _ => String::new(),
    };
    let text = render(
        kind.as_str(),
        minijinja::context! {
            id, title, project, today => req.today.to_string(), first_phase, rag,
        },
    )?;
    files.add(&rel, text);
    let written = files.write()?;
    Ok(written.into_iter().next().unwrap_or_default())
}

/// The `overall`, `schedule` and `cost` lines of a new status update: the colours the
/// figures give, since F002 refuses a better one without `override_reason`; a dimension
/// without figures is the user's to fill in.
fn rag_lines(rag: &crate::metrics::rag::ComputedRag) -> String {
    [
        ("overall", rag.overall),
        ("schedule", rag.schedule),
        ("cost", rag.cost),
    ]
    .iter()
    .map(|(field, computed)| {
        let (value, note) = match computed {
            Some(rag) => (
                rag.as_str(),
                "computed from the figures; a better one needs `override_reason`",
            ),
            None => ("green", "TODO: green, amber or red"),
        };
        format!("{:<30} # {note}", format!("{field}: {value}"))
    })
    .collect::<Vec<_>>()
    .join("\n")
}

/// The computed RAG of project `id` under the repository's thresholds; none when the
/// project does not pass its schema.
fn computed_rag(repo: &Repository, id: &str, today: Date) -> crate::metrics::rag::ComputedRag {
    let portfolio = repo.portfolio();
    portfolio
        .projects()
        .iter()
        .find(|(_, p)| p.id == id)
        .map(|(_, p)| crate::metrics::rag::computed(p, &repo.config.rag, today))
        .unwrap_or_default()
}

/// Where the new document goes: the suggested layout, except that a status update is
/// named after its date while that name is free.
fn layout(files: &Files, kind: Kind, project: Option<&str>, id: &str, today: Date) -> String {
    if let (Kind::Status, Some(p)) = (kind, project) {
        let dated = format!("projects/{p}/status/{today}.yaml");
        if !files.exists(&dated) {
            return dated;
        }
    }
    super::layout(kind, project, id)
}

/// `--project ID` must name a project of the repository.
fn known_project<'a>(repo: &Repository, id: &'a str) -> Result<&'a str, Error> {
    let projects: Vec<&str> = repo
        .documents
        .iter()
        .filter(|d| d.kind == Kind::Project)
        .filter_map(|d| d.id())
        .collect();
    if projects.contains(&id) {
        return Ok(id);
    }
    let what = match repo.documents.iter().find(|d| d.id() == Some(id)) {
        Some(doc) => format!(
            "--project `{id}` is {} {}, not a project",
            doc.kind.article(),
            doc.kind
        ),
        None => format!("--project `{id}`: the repository has no such project"),
    };
    let hint = match crate::suggest::did_you_mean(id, projects.iter().copied()) {
        Some(hint) => hint,
        None if projects.is_empty() => {
            "there are no projects yet: `pmo new project --title T` makes one".into()
        }
        None => {
            let mut sorted = projects.clone();
            sorted.sort_unstable();
            let shown = sorted.len().min(12);
            let more = match sorted.len() - shown {
                0 => String::new(),
                n => format!(" and {n} more (`pmo ls project`)"),
            };
            format!(
                "the projects are {}{more}",
                crate::suggest::list(&sorted[..shown])
            )
        }
    };
    Err(Error::Invalid(format!("{what}; {hint}")))
}

fn check_id<'a>(id: &'a str, flag: &str) -> Result<&'a str, Error> {
    if crate::model::valid_id(id) {
        Ok(id)
    } else {
        Err(Error::Invalid(format!(
            "{flag} `{id}` is not a valid id: use letters, digits, `.`, `_` and `-`, starting with a letter or digit"
        )))
    }
}

/// `apollo-vendor-delay` at the first `attempt`: readable, as a person would write it.
/// Later attempts, when that id or its file is taken, add a random suffix
/// (`apollo-vendor-delay-k3x9`), which another branch adding the same document is
/// unlikely to pick too.
fn generate_id(
    kind: Kind,
    project: Option<&str>,
    title: Option<&str>,
    today: Date,
    attempt: usize,
) -> String {
    // A title without a letter or digit (`///`) names nothing: as if there were none.
    let title = title.map(|t| slug(t, 40)).filter(|s| !s.is_empty());
    let stem = match (kind, &title) {
        (Kind::Status, _) => format!("{}-status-{today}", project.unwrap_or("status")),
        (_, Some(s)) if !kind.spec().scope.in_project() => s.clone(),
        (_, Some(s)) => match project {
            Some(p) => format!("{p}-{s}"),
            None => s.clone(),
        },
        (_, None) => match project {
            Some(p) => format!("{p}-{kind}"),
            None => kind.to_string(),
        },
    };
    match attempt {
        0 => stem,
        _ => format!("{stem}-{}", random_suffix(4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::constant(2026, 11, 20)
    }

    #[test]
    fn derived_ids_are_valid_ids() {
        for (kind, title) in [
            (Kind::Project, Some("///")),
            (Kind::Person, Some("   ")),
            (Kind::Risk, Some("---")),
            (Kind::Person, Some("Ada Lovelace")),
            (Kind::Status, None),
        ] {
            for attempt in 0..3 {
                let id = generate_id(kind, Some("apollo"), title, today(), attempt);
                assert!(check_id(&id, "--id").is_ok(), "{kind} {title:?}: {id}");
            }
        }
        assert_eq!(
            generate_id(Kind::Person, None, Some("Ada Lovelace"), today(), 0),
            "ada-lovelace"
        );
        let again = generate_id(Kind::Person, None, Some("Ada Lovelace"), today(), 1);
        assert!(
            again.starts_with("ada-lovelace-") && again.len() == 17,
            "{again}"
        );
        assert_eq!(
            generate_id(Kind::Project, None, Some("///"), today(), 0),
            "project"
        );
        let nameless = generate_id(Kind::Project, None, Some("///"), today(), 1);
        assert!(
            nameless.starts_with("project-") && nameless.len() == 12,
            "{nameless}"
        );
        // Every kind starts from the plain id: a suffix is for a collision only.
        assert_eq!(
            generate_id(Kind::Risk, Some("apollo"), Some("Vendor delay"), today(), 0),
            "apollo-vendor-delay"
        );
        assert_eq!(
            generate_id(Kind::Status, Some("apollo"), None, today(), 0),
            "apollo-status-2026-11-20"
        );
    }
}
