//! Parse: file bytes -> JSON values with spans (YAML 1.2, bounded).

pub mod fast;
pub mod input;
pub mod scalar;
pub mod spans;
#[cfg(test)]
mod suite;
pub mod yaml;

pub use spans::{NodeSpan, Seg, Spans};
pub use yaml::{Limits, YamlDoc, YamlFile, load};
