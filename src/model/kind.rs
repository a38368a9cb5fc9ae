//! The document kinds of SPEC section 2, and the one table that says everything about
//! each: its names, where its documents go, its schema, its `pmo new` template, its
//! references, its documented fields, its `ls` columns and its open states. Every
//! consumer reads [`Spec`] instead of a match of its own, so a new kind is its variant,
//! its row, its schema file and its template (and its typed view, if figures read it).
//! This module is a leaf: every layer may read the table.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Person,
    Objective,
    Program,
    Project,
    Risk,
    Issue,
    Decision,
    Change,
    Status,
    Lesson,
}

/// Where a kind's documents live (SPEC section 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The portfolio's own registers: `<plural>/<id>.yaml`.
    Portfolio,
    /// The project itself: `projects/<id>/project.yaml`.
    Project,
    /// Belongs to one project (`project:` names it): `projects/<project>/<folder>/<id>.yaml`.
    InProject,
    /// Belongs to a project when `project:` names one (laid out as [`Scope::InProject`]),
    /// else to the portfolio (as [`Scope::Portfolio`]): decisions.
    Either,
}

impl Scope {
    /// Whether documents of the kind may belong to a project.
    pub fn in_project(self) -> bool {
        matches!(self, Scope::InProject | Scope::Either)
    }
}

/// A step of a reference path: a field, or every item of a list.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    Field(&'static str),
    Each,
}
use Step::{Each, Field};

/// A reference field: its path, and the kind it refers to.
pub type RefField = (&'static [Step], Kind);

/// The field that holds a kind's state, its values (in the schema's order) and those that
/// count as open: `ls --status/--open` and G004 read it.
#[derive(Debug)]
pub struct States {
    pub field: &'static str,
    pub values: &'static [&'static str],
    pub open: &'static [&'static str],
}

/// How `ls` shows a column read straight from a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    Text,
    Date,
    Rag,
    /// Computed by the kind's own code in `views::ls` (it has a typed view).
    Figure,
}

/// An `ls` column: its key, its heading, how it is shown.
pub type LsColumn = (&'static str, &'static str, Show);

/// Everything about one kind.
#[derive(Debug)]
pub struct Spec {
    pub kind: Kind,
    pub name: &'static str,
    /// The register's name: its folder, its report context key, its export table.
    pub plural: &'static str,
    /// "a" or "an", for messages.
    pub article: &'static str,
    pub scope: Scope,
    /// The folder inside a project's folder, for kinds that may belong to a project.
    pub folder: &'static str,
    /// The built-in schema: its file name in `schema/` and its text.
    pub schema: (&'static str, &'static str),
    /// The `pmo new` template (minijinja; templates/new/).
    pub template: &'static str,
    pub references: &'static [RefField],
    /// The fields a template and an export may rely on, as dotted paths
    /// (`baseline.budget`), in export column order (docs/views.md).
    pub fields: &'static [&'static str],
    pub ls: &'static [LsColumn],
    /// The fields `ls --project` and `ls --owner` match.
    pub project_field: Option<&'static str>,
    pub owner_field: Option<&'static str>,
    pub states: Option<States>,
}

impl Spec {
    /// Whether `state` is one of the kind's open states (false for a kind without states).
    pub fn is_open(&self, state: &str) -> bool {
        self.states
            .as_ref()
            .is_some_and(|s| s.open.contains(&state))
    }
}

/// A kind's schema file, by its name and embedded.
macro_rules! schema {
    ($name:literal) => {
        (
            concat!($name, ".schema.json"),
            include_str!(concat!("../../schema/", $name, ".schema.json")),
        )
    };
}

/// A kind's `pmo new` template, embedded.
macro_rules! template {
    ($name:literal) => {
        include_str!(concat!("../../templates/new/", $name, ".yaml"))
    };
}

use Show::{Date, Figure, Rag, Text};

/// The table, in [`Kind`] order (a test holds the two together).
pub static KINDS: [Spec; ROWS.len()] = ROWS;

/// The rows as a constant, so that [`Kind::ALL`] and the list of built-in schemas are
/// computed from them at compile time.
pub(crate) const ROWS: [Spec; 10] = [
    Spec {
        kind: Kind::Person,
        name: "person",
        plural: "people",
        article: "a",
        scope: Scope::Portfolio,
        folder: "people",
        schema: schema!("person"),
        template: template!("person"),
        references: &[],
        fields: &["id", "name", "email", "team", "roles", "capacity"],
        ls: &[
            ("id", "ID", Text),
            ("name", "Name", Text),
            ("team", "Team", Text),
            ("roles", "Roles", Text),
            ("capacity", "Capacity", Figure),
            ("allocated", "Allocated today", Figure),
            ("email", "Email", Text),
        ],
        project_field: None,
        owner_field: None,
        states: None,
    },
    Spec {
        kind: Kind::Objective,
        name: "objective",
        plural: "objectives",
        article: "an",
        scope: Scope::Portfolio,
        folder: "objectives",
        schema: schema!("objective"),
        template: template!("objective"),
        references: &[
            (&[Field("owner")], Kind::Person),
            (&[Field("parent")], Kind::Objective),
        ],
        fields: &["id", "title", "owner", "weight", "parent"],
        ls: &[
            ("id", "ID", Text),
            ("title", "Title", Text),
            ("owner", "Owner", Text),
            ("weight", "Weight", Text),
            ("parent", "Parent", Text),
            ("projects", "Projects", Figure),
        ],
        project_field: None,
        owner_field: Some("owner"),
        states: None,
    },
    Spec {
        kind: Kind::Program,
        name: "program",
        plural: "programs",
        article: "a",
        scope: Scope::Portfolio,
        folder: "programs",
        schema: schema!("program"),
        template: template!("program"),
        references: &[
            (&[Field("manager")], Kind::Person),
            (&[Field("objectives"), Each], Kind::Objective),
        ],
        fields: &["id", "title", "manager", "objectives"],
        ls: &[
            ("id", "ID", Text),
            ("title", "Title", Text),
            ("manager", "Manager", Text),
            ("objectives", "Objectives", Text),
            ("projects", "Projects", Figure),
        ],
        project_field: None,
        owner_field: Some("manager"),
        states: None,
    },
    Spec {
        kind: Kind::Project,
        name: "project",
        plural: "projects",
        article: "a",
        scope: Scope::Project,
        folder: "projects",
        schema: schema!("project"),
        template: template!("project"),
        references: &[
            (&[Field("program")], Kind::Program),
            (&[Field("objectives"), Each], Kind::Objective),
            (&[Field("sponsor")], Kind::Person),
            (&[Field("manager")], Kind::Person),
            (&[Field("baseline"), Field("approved_by")], Kind::Person),
            (
                &[Field("gates"), Each, Field("approvers"), Each],
                Kind::Person,
            ),
            (&[Field("allocations"), Each, Field("person")], Kind::Person),
        ],
        fields: &[
            "id",
            "title",
            "program",
            "objectives",
            "sponsor",
            "manager",
            "methodology",
            "state",
            "phase",
            "currency",
            "baseline.start",
            "baseline.finish",
            "baseline.budget",
            "baseline.approved_by",
            "baseline.approved_on",
            "forecast.finish",
            "forecast.cost",
            "actuals.cost",
            "actuals.percent_complete",
            "actuals.as_of",
            "tolerances.cost_pct",
            "tolerances.schedule_days",
        ],
        ls: &[
            ("id", "ID", Text),
            ("title", "Title", Text),
            ("state", "State", Text),
            ("phase", "Phase", Text),
            ("manager", "Manager", Text),
            ("rag", "RAG", Figure),
            ("reported", "Reported", Figure),
            ("currency", "Cur", Figure),
            ("budget", "Budget", Figure),
            ("forecast", "Forecast", Figure),
            ("actual", "Actual", Figure),
            ("cpi", "CPI", Figure),
            ("spi", "SPI", Figure),
            ("finish", "Finish", Figure),
        ],
        // A project is its own project.
        project_field: Some("id"),
        owner_field: Some("manager"),
        states: Some(States {
            field: "state",
            values: &["proposed", "active", "on_hold", "closed", "cancelled"],
            open: &["proposed", "active", "on_hold"],
        }),
    },
    Spec {
        kind: Kind::Risk,
        name: "risk",
        plural: "risks",
        article: "a",
        scope: Scope::InProject,
        folder: "risks",
        schema: schema!("risk"),
        template: template!("risk"),
        references: &[
            (&[Field("project")], Kind::Project),
            (&[Field("owner")], Kind::Person),
            (&[Field("decision")], Kind::Decision),
        ],
        fields: &[
            "id",
            "project",
            "title",
            "owner",
            "probability",
            "impact",
            "status",
            "nature",
            "category",
            "response",
            "mitigation",
            "raised",
            "last_reviewed",
            "cost_impact",
            "closed_on",
            "closure_reason",
            "decision",
        ],
        ls: &[
            ("id", "ID", Text),
            ("project", "Project", Text),
            ("title", "Title", Text),
            ("owner", "Owner", Text),
            ("probability", "P", Figure),
            ("impact", "I", Figure),
            ("score", "Score", Figure),
            ("response", "Response", Text),
            ("status", "Status", Text),
            ("last_reviewed", "Last reviewed", Figure),
            ("exposure", "Exposure", Figure),
        ],
        project_field: Some("project"),
        owner_field: Some("owner"),
        states: Some(States {
            field: "status",
            values: &["open", "closed"],
            open: &["open"],
        }),
    },
    Spec {
        kind: Kind::Issue,
        name: "issue",
        plural: "issues",
        article: "an",
        scope: Scope::InProject,
        folder: "issues",
        schema: schema!("issue"),
        template: template!("issue"),
        references: &[
            (&[Field("project")], Kind::Project),
            (&[Field("owner")], Kind::Person),
        ],
        fields: &[
            "id",
            "project",
            "title",
            "owner",
            "priority",
            "status",
            "raised",
            "due",
            "resolution",
        ],
        ls: &[
            ("id", "ID", Text),
            ("project", "Project", Text),
            ("title", "Title", Text),
            ("owner", "Owner", Text),
            ("priority", "Priority", Text),
            ("status", "Status", Text),
            ("raised", "Raised", Date),
            ("due", "Due", Date),
        ],
        project_field: Some("project"),
        owner_field: Some("owner"),
        states: Some(States {
            field: "status",
            values: &["open", "resolved", "closed"],
            open: &["open"],
        }),
    },
    Spec {
        kind: Kind::Decision,
        name: "decision",
        plural: "decisions",
        article: "a",
        scope: Scope::Either,
        folder: "decisions",
        schema: schema!("decision"),
        template: template!("decision"),
        references: &[
            (&[Field("decided_by"), Each], Kind::Person),
            (&[Field("project")], Kind::Project),
            (&[Field("supersedes")], Kind::Decision),
        ],
        fields: &[
            "id",
            "title",
            "date",
            "status",
            "project",
            "decided_by",
            "rationale",
            "options",
            "supersedes",
        ],
        ls: &[
            ("id", "ID", Text),
            ("project", "Project", Text),
            ("title", "Title", Text),
            ("date", "Date", Date),
            ("status", "Status", Text),
            ("decided_by", "Decided by", Text),
        ],
        project_field: Some("project"),
        owner_field: Some("decided_by"),
        states: Some(States {
            field: "status",
            values: &["proposed", "decided", "superseded"],
            open: &["proposed"],
        }),
    },
    Spec {
        kind: Kind::Change,
        name: "change",
        plural: "changes",
        article: "a",
        scope: Scope::InProject,
        folder: "changes",
        schema: schema!("change"),
        template: template!("change"),
        references: &[
            (&[Field("project")], Kind::Project),
            (&[Field("requested_by")], Kind::Person),
            (&[Field("approvals"), Each, Field("by")], Kind::Person),
        ],
        fields: &[
            "id",
            "project",
            "title",
            "requested_by",
            "raised",
            "status",
            "impact.cost",
            "impact.schedule_days",
            "impact.scope",
            "implemented_on",
        ],
        ls: &[
            ("id", "ID", Text),
            ("project", "Project", Text),
            ("title", "Title", Text),
            ("status", "Status", Text),
            ("cost", "Cost", Figure),
            ("days", "Days", Figure),
            ("level", "Level", Figure),
            ("approvals", "Approvals", Figure),
            ("needed", "Needed", Figure),
            ("rejections", "Rejections", Figure),
        ],
        project_field: Some("project"),
        owner_field: Some("requested_by"),
        // Open: awaiting a decision. The one definition of an open change.
        states: Some(States {
            field: "status",
            values: &[
                "draft",
                "submitted",
                "approved",
                "rejected",
                "deferred",
                "implemented",
                "withdrawn",
            ],
            open: &["draft", "submitted"],
        }),
    },
    Spec {
        kind: Kind::Status,
        name: "status",
        plural: "statuses",
        article: "a",
        scope: Scope::InProject,
        folder: "status",
        schema: schema!("status"),
        template: template!("status"),
        references: &[(&[Field("project")], Kind::Project)],
        fields: &[
            "id",
            "project",
            "date",
            "overall",
            "schedule",
            "cost",
            "scope",
            "resources",
            "summary",
            "achievements",
            "next",
            "escalations",
            "override_reason",
        ],
        ls: &[
            ("id", "ID", Text),
            ("project", "Project", Text),
            ("date", "Date", Date),
            ("overall", "Overall", Rag),
            ("schedule", "Schedule", Rag),
            ("cost", "Cost", Rag),
            ("scope", "Scope", Rag),
            ("resources", "Resources", Rag),
        ],
        project_field: Some("project"),
        owner_field: None,
        states: None,
    },
    Spec {
        kind: Kind::Lesson,
        name: "lesson",
        plural: "lessons",
        article: "a",
        scope: Scope::InProject,
        folder: "lessons",
        schema: schema!("lesson"),
        template: template!("lesson"),
        references: &[(&[Field("project")], Kind::Project)],
        fields: &[
            "id",
            "project",
            "title",
            "date",
            "category",
            "what_happened",
            "recommendation",
        ],
        ls: &[
            ("id", "ID", Text),
            ("project", "Project", Text),
            ("title", "Title", Text),
            ("date", "Date", Date),
            ("category", "Category", Text),
        ],
        project_field: Some("project"),
        owner_field: None,
        states: None,
    },
];

impl Kind {
    pub const ALL: [Kind; ROWS.len()] = {
        let mut all = [Kind::Person; ROWS.len()];
        let mut i = 0;
        while i < ROWS.len() {
            all[i] = ROWS[i].kind;
            i += 1;
        }
        all
    };

    /// Its row of [`KINDS`].
    pub fn spec(self) -> &'static Spec {
        &KINDS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    pub fn parse(name: &str) -> Option<Kind> {
        KINDS.iter().find(|s| s.name == name).map(|s| s.kind)
    }

    /// The kind whose register is named `plural` (`risks`).
    pub fn from_plural(plural: &str) -> Option<Kind> {
        KINDS.iter().find(|s| s.plural == plural).map(|s| s.kind)
    }

    /// "a person", "an objective": for messages.
    pub fn article(self) -> &'static str {
        self.spec().article
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_its_kind() {
        for (i, spec) in KINDS.iter().enumerate() {
            assert_eq!(spec.kind as usize, i, "{} is out of place", spec.name);
            assert_eq!(spec.schema.0, format!("{}.schema.json", spec.name));
        }
    }

    #[test]
    fn open_states_are_states() {
        for spec in &KINDS {
            if let Some(s) = &spec.states {
                assert!(s.open.iter().all(|o| s.values.contains(o)), "{}", spec.name);
            }
        }
    }

    /// The JSON schemas name kinds in enums (an import mapping's `kind`, what it may
    /// `create`, the kinds pmo.yaml's `min_related` counts) and each kind schema's
    /// `kind` const: every one must be the table's, or the set of it its place means.
    #[test]
    fn every_kind_enum_of_the_schemas_is_the_tables() {
        use serde_json::Value;
        let names = |keep: fn(Scope) -> bool| -> Vec<&str> {
            KINDS
                .iter()
                .filter(|s| keep(s.scope))
                .map(|s| s.name)
                .collect()
        };
        let all = names(|_| true);
        // The kinds made without a project (an import's `create`), and those that may
        // belong to one (what a gate's `min_related` counts).
        let (portfolio, in_project) = (names(|s| s == Scope::Portfolio), names(Scope::in_project));
        fn enums<'v>(v: &'v Value, key: &str, out: &mut Vec<(String, &'v Value)>) {
            match v {
                Value::Object(map) => {
                    if matches!(key, "kind" | "propertyNames")
                        && let Some(e) = map.get("enum")
                    {
                        out.push((key.to_owned(), e));
                    }
                    for (k, child) in map {
                        enums(child, k, out);
                    }
                }
                Value::Array(items) => items.iter().for_each(|i| enums(i, key, out)),
                _ => {}
            }
        }
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/schema");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut seen = Vec::new();
        let mut kind_files = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
            let json: Value = serde_json::from_str(&text).unwrap();
            let mut found = Vec::new();
            enums(&json, "", &mut found);
            for (key, e) in found {
                let e: Vec<&str> = e
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                assert!(
                    [&all, &portfolio, &in_project].contains(&&e),
                    "{file}: the `{key}` enum {e:?} is not the kinds of the table ({all:?}), nor those of one scope"
                );
                seen.push(e.iter().map(|s| s.to_string()).collect::<Vec<_>>());
            }
            if let Some(name) = json["properties"]["kind"]["const"].as_str() {
                assert_eq!(file, &format!("{name}.schema.json"));
                let kind = Kind::parse(name).unwrap_or_else(|| panic!("{file}: no row for {name}"));
                assert_eq!(kind.spec().schema.1, text, "{file} is not its row's schema");
                kind_files.push(name.to_owned());
            }
        }
        assert_eq!(kind_files.len(), KINDS.len(), "a kind without its schema");
        for set in [&all, &portfolio, &in_project] {
            assert!(
                seen.iter().any(|e| e == set),
                "no schema enum holds {set:?}"
            );
        }
    }

    /// A kind's states and documented fields are its schema's.
    #[test]
    fn states_and_fields_are_the_schemas() {
        use serde_json::Value;
        for spec in &KINDS {
            let schema: Value = serde_json::from_str(spec.schema.1).unwrap();
            let props = &schema["properties"];
            if let Some(states) = &spec.states {
                let values: Vec<&str> = props[states.field]["enum"]
                    .as_array()
                    .unwrap_or_else(|| panic!("{}.{} has no enum", spec.name, states.field))
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                assert_eq!(values, states.values, "{}", spec.name);
            }
            for field in spec
                .fields
                .iter()
                .chain(spec.project_field.iter())
                .chain(spec.owner_field.iter())
            {
                let at = field.split('.').fold(props, |v, part| match v.get(part) {
                    Some(p) if p.get("properties").is_some() => &p["properties"],
                    Some(p) => p,
                    None => &Value::Null,
                });
                assert!(!at.is_null(), "{}: the schema has no `{field}`", spec.name);
            }
        }
    }
}
