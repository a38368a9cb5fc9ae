//! Typed views of the documents a portfolio is steered by: objectives and programs.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Objective<'a> {
    pub id: &'a str,
    pub title: &'a str,
    #[serde(default)]
    pub owner: Option<&'a str>,
    /// Relative weight (default 1).
    #[serde(default)]
    pub weight: Option<f64>,
    #[serde(default)]
    pub parent: Option<&'a str>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Program<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub manager: &'a str,
    #[serde(default)]
    pub objectives: Vec<&'a str>,
}
