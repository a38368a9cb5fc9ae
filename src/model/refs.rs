//! Which fields of which kind refer to which other kind (SPEC section 2, "ref(kind)").
//! One table, used by the reference rules and by every view that follows a reference.

use super::{Document, Kind};
use crate::parse::Seg;
use serde_json::Value;

/// A step of a reference path: a field, or every item of a list.
#[derive(Clone, Copy)]
enum Step {
    Field(&'static str),
    Each,
}
use Step::{Each, Field};

struct RefField {
    path: &'static [Step],
    target: Kind,
}

fn fields(kind: Kind) -> &'static [RefField] {
    use Kind::*;
    match kind {
        Person => &[],
        Objective => &[
            RefField {
                path: &[Field("owner")],
                target: Person,
            },
            RefField {
                path: &[Field("parent")],
                target: Objective,
            },
        ],
        Program => &[
            RefField {
                path: &[Field("manager")],
                target: Person,
            },
            RefField {
                path: &[Field("objectives"), Each],
                target: Objective,
            },
        ],
        Project => &[
            RefField {
                path: &[Field("program")],
                target: Program,
            },
            RefField {
                path: &[Field("objectives"), Each],
                target: Objective,
            },
            RefField {
                path: &[Field("sponsor")],
                target: Person,
            },
            RefField {
                path: &[Field("manager")],
                target: Person,
            },
            RefField {
                path: &[Field("baseline"), Field("approved_by")],
                target: Person,
            },
            RefField {
                path: &[Field("gates"), Each, Field("approvers"), Each],
                target: Person,
            },
            RefField {
                path: &[Field("allocations"), Each, Field("person")],
                target: Person,
            },
        ],
        Risk => &[
            RefField {
                path: &[Field("project")],
                target: Project,
            },
            RefField {
                path: &[Field("owner")],
                target: Person,
            },
            RefField {
                path: &[Field("decision")],
                target: Decision,
            },
        ],
        Issue => &[
            RefField {
                path: &[Field("project")],
                target: Project,
            },
            RefField {
                path: &[Field("owner")],
                target: Person,
            },
        ],
        Decision => &[
            RefField {
                path: &[Field("decided_by"), Each],
                target: Person,
            },
            RefField {
                path: &[Field("project")],
                target: Project,
            },
            RefField {
                path: &[Field("supersedes")],
                target: Decision,
            },
        ],
        Change => &[
            RefField {
                path: &[Field("project")],
                target: Project,
            },
            RefField {
                path: &[Field("requested_by")],
                target: Person,
            },
            RefField {
                path: &[Field("approvals"), Each, Field("by")],
                target: Person,
            },
        ],
        Status | Lesson => &[RefField {
            path: &[Field("project")],
            target: Project,
        }],
    }
}

/// A reference found in a document.
pub struct Reference<'d> {
    /// Where it is, e.g. `approvals`, 1, `by`.
    pub path: Vec<Seg<'d>>,
    pub id: &'d str,
    pub target: Kind,
}

impl Reference<'_> {
    /// `approvals[1].by`
    pub fn field(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) if out.is_empty() => out.push_str(k),
                Seg::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// Every reference a document makes (text values only: other types are S001 findings).
pub fn references(doc: &Document) -> Vec<Reference<'_>> {
    let mut out = Vec::new();
    for field in fields(doc.kind) {
        walk(
            &doc.value,
            field.path,
            &mut Vec::new(),
            field.target,
            &mut out,
        );
    }
    out
}

fn walk<'d>(
    value: &'d Value,
    steps: &[Step],
    path: &mut Vec<Seg<'d>>,
    target: Kind,
    out: &mut Vec<Reference<'d>>,
) {
    let Some((step, rest)) = steps.split_first() else {
        if let Some(id) = value.as_str() {
            out.push(Reference {
                path: path.clone(),
                id,
                target,
            });
        }
        return;
    };
    match (step, value) {
        (Field(name), Value::Object(map)) => {
            if let Some((key, child)) = map.get_key_value(*name) {
                path.push(Seg::Key(key));
                walk(child, rest, path, target, out);
                path.pop();
            }
        }
        (Each, Value::Array(items)) => {
            for (i, child) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk(child, rest, path, target, out);
                path.pop();
            }
        }
        _ => {}
    }
}
