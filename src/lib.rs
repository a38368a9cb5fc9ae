pub mod diagnostic;
pub mod parse;
pub mod rules;
pub mod model;
pub mod schema;
pub mod suggest;
pub mod config;
pub mod error;
pub mod repository;
pub mod source;

pub use error::{Error, Result};
pub mod check;
pub mod render;
pub mod scaffold;
