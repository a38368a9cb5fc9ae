//! The references a document makes (SPEC section 2, "ref(kind)"), found by the
//! reference fields of its kind's row ([`super::kind::Spec::references`]).

use super::Kind;
use crate::parse::Seg;
use serde_json::Value;

pub use super::kind::Step;
use Step::{Each, Field};

/// A reference found in a document.
#[derive(Debug, Clone)]
pub struct Reference {
    /// A copy: references are found as a document is read, while it is in the cache,
    /// and the document's value cannot lend to the document itself.
    pub id: Box<str>,
    pub target: Kind,
    /// The steps of its field, and the list index taken at each `Each` step: the path
    /// is rebuilt from these when a finding needs it, so finding references allocates
    /// nothing per reference.
    steps: &'static [Step],
    indices: [usize; MAX_EACH],
}

/// The most `Each` steps in one reference field (gates, approvers).
const MAX_EACH: usize = 2;

impl Reference {
    /// Where it is, e.g. `approvals`, 1, `by`.
    pub fn path(&self) -> impl Iterator<Item = Seg<'static>> + '_ {
        let mut indices = self.indices.iter();
        self.steps.iter().map(move |step| match step {
            Field(name) => Seg::Key(name),
            Each => Seg::Index(indices.next().copied().unwrap_or_default()),
        })
    }

    /// `approvals[1].by`
    pub fn field(&self) -> String {
        crate::parse::spans::display_path(&self.path().collect::<Vec<_>>())
    }
}

/// Every reference a document of `kind` makes (text values only: other types are S001
/// findings).
pub fn references(kind: Kind, value: &Value) -> Vec<Reference> {
    let mut out = Vec::new();
    for &(steps, target) in kind.spec().references {
        let mut found = |id: &str, indices| {
            out.push(Reference {
                id: id.into(),
                target,
                steps,
                indices,
            })
        };
        walk(value, steps, [0; MAX_EACH], 0, &mut found);
    }
    out
}

/// Follow `steps` from `value`; `each` is how many `Each` steps were taken.
fn walk<'d>(
    value: &'d Value,
    steps: &[Step],
    mut indices: [usize; MAX_EACH],
    each: usize,
    found: &mut impl FnMut(&'d str, [usize; MAX_EACH]),
) {
    let Some((step, rest)) = steps.split_first() else {
        if let Some(id) = value.as_str() {
            found(id, indices);
        }
        return;
    };
    match (step, value) {
        (Field(name), Value::Object(map)) => {
            if let Some(child) = map.get(*name) {
                walk(child, rest, indices, each, found);
            }
        }
        (Each, Value::Array(items)) => {
            for (i, child) in items.iter().enumerate() {
                indices[each] = i;
                walk(child, rest, indices, each + 1, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;
    use crate::parse::Spans;
    use serde_json::json;

    #[test]
    fn no_field_has_more_list_steps_than_a_reference_holds() {
        for kind in Kind::ALL {
            for (steps, _) in kind.spec().references {
                assert!(steps.iter().filter(|s| matches!(s, Each)).count() <= MAX_EACH);
            }
        }
    }

    #[test]
    fn references_carry_their_paths() {
        let value = json!({
            "kind": "project", "id": "p", "manager": "ann",
            "gates": [{"approvers": ["bob"]}, {"approvers": ["cy", "dee"]}],
        });
        let doc = Document::new(Kind::Project, value, Spans::default());
        let found: Vec<(String, &str)> = doc
            .references()
            .iter()
            .map(|r| (r.field(), &*r.id))
            .collect();
        assert_eq!(
            found,
            [
                ("manager".to_owned(), "ann"),
                ("gates[0].approvers[0]".to_owned(), "bob"),
                ("gates[1].approvers[0]".to_owned(), "cy"),
                ("gates[1].approvers[1]".to_owned(), "dee"),
            ]
        );
    }
}
