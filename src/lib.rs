pub mod config;
pub mod diagnostic;
pub mod error;
pub mod git;
pub mod metrics;
pub mod model;
pub mod parse;
pub mod repository;
pub mod rules;
pub mod schema;
pub mod source;
pub mod suggest;
pub mod views;

pub use error::{Error, Result};
pub mod check;
pub mod render;
pub mod report;
pub mod scaffold;
