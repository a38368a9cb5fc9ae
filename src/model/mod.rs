//! Model: typed views of the documents, and the id index.

pub mod document;
pub mod kind;
pub mod refs;

pub use document::Document;
pub use kind::Kind;
