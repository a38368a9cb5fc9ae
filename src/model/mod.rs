//! Model: documents and their kinds, the table of kinds, references, and a borrowed
//! typed view of every kind that rules, metrics and views compute with.

pub mod document;
pub mod kind;
pub mod portfolio;
pub mod project;
pub mod records;
pub mod refs;
pub mod strategy;

pub use document::{Document, File};
pub use kind::Kind;
pub use portfolio::{Portfolio, View};
pub use project::Project;
pub use records::{Change, Decision, Issue, Lesson, Person, Rag, Risk, Status};
pub use strategy::{Objective, Program};

/// An id as SPEC section 1 has it, `^[A-Za-z0-9][A-Za-z0-9._-]*$`. Ids name files, so
/// nothing else may ever become one (`../x`, `a b`, `C:`).
pub fn valid_id(id: &str) -> bool {
    id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()) && id.chars().all(id_char)
}

fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

#[cfg(test)]
mod tests {
    use super::valid_id;

    #[test]
    fn ids_are_what_spec_allows() {
        for ok in ["a", "A-1", "gmpp-co_0024.2", "9"] {
            assert!(valid_id(ok), "{ok}");
        }
        for bad in ["", "../x", "a b", ".hidden", "-a", "a/b", "a\\b", "C:", "é"] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
