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

/// A reference field: its path, and the kind it refers to.
type RefField = (&'static [Step], Kind);

fn fields(kind: Kind) -> &'static [RefField] {
    use Kind::*;
    match kind {
        Person => &[],
        Objective => &[(&[Field("owner")], Person), (&[Field("parent")], Objective)],
        Program => &[
            (&[Field("manager")], Person),
            (&[Field("objectives"), Each], Objective),
        ],
        Project => &[
            (&[Field("program")], Program),
            (&[Field("objectives"), Each], Objective),
            (&[Field("sponsor")], Person),
            (&[Field("manager")], Person),
            (&[Field("baseline"), Field("approved_by")], Person),
            (&[Field("gates"), Each, Field("approvers"), Each], Person),
            (&[Field("allocations"), Each, Field("person")], Person),
        ],
        Risk => &[
            (&[Field("project")], Project),
            (&[Field("owner")], Person),
            (&[Field("decision")], Decision),
        ],
        Issue => &[(&[Field("project")], Project), (&[Field("owner")], Person)],
        Decision => &[
            (&[Field("decided_by"), Each], Person),
            (&[Field("project")], Project),
            (&[Field("supersedes")], Decision),
        ],
        Change => &[
            (&[Field("project")], Project),
            (&[Field("requested_by")], Person),
            (&[Field("approvals"), Each, Field("by")], Person),
        ],
        Status | Lesson => &[(&[Field("project")], Project)],
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
        crate::parse::spans::display_path(&self.path)
    }
}

/// Every reference a document makes (text values only: other types are S001 findings).
pub fn references(doc: &Document) -> Vec<Reference<'_>> {
    let mut out = Vec::new();
    for (path, target) in fields(doc.kind) {
        walk(&doc.value, path, &mut Vec::new(), *target, &mut out);
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
