//! Model: documents and their kinds, the reference table, and typed views of the kinds
//! that rules, metrics and views compute with.

pub mod document;
pub mod kind;
pub mod portfolio;
pub mod project;
pub mod records;
pub mod refs;

pub use document::Document;
pub use kind::Kind;
pub use portfolio::Portfolio;
pub use project::Project;
pub use records::{Change, Person, Rag, Risk, Status};
