//! The document kinds of SPEC section 2.

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

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Person,
        Kind::Objective,
        Kind::Program,
        Kind::Project,
        Kind::Risk,
        Kind::Issue,
        Kind::Decision,
        Kind::Change,
        Kind::Status,
        Kind::Lesson,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Person => "person",
            Kind::Objective => "objective",
            Kind::Program => "program",
            Kind::Project => "project",
            Kind::Risk => "risk",
            Kind::Issue => "issue",
            Kind::Decision => "decision",
            Kind::Change => "change",
            Kind::Status => "status",
            Kind::Lesson => "lesson",
        }
    }

    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// "a person", "an objective": for messages.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Objective | Kind::Issue => "an",
            _ => "a",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
