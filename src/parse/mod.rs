//! Parse: file bytes -> JSON values with spans (YAML 1.2, bounded).

pub mod fast;
pub mod input;
pub(crate) mod p001_invalid_yaml;
pub(crate) mod p004_duplicate_key;
pub(crate) mod p005_rejected_file;
pub mod scalar;
pub mod spans;
#[cfg(test)]
mod suite;
pub mod yaml;

pub use spans::{NodeSpan, Seg, Spans};
pub use yaml::{Limits, YamlDoc, YamlFile, load};
