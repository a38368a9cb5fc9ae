//! Render: a check report as text for people (rustc-style snippets) or machines (JSON,
//! GitHub annotations, SARIF, JUnit). Renderers return strings; the CLI prints them.

mod github;
mod human;
mod json;
mod junit;
mod sarif;
pub mod table;

pub use github::github;
pub use human::{Style, human};
pub use json::json;
pub use junit::junit;
pub use sarif::sarif;
