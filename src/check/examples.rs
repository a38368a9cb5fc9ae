//! `pmo rules --test`: each policy judged on the examples it carries, so that a PMO's CI
//! protects its policies the way tests protect code. An example is a small repository
//! held in memory: the repository's own pmo.yaml and the example's documents, checked as
//! `pmo check` would check them; the first document is the one judged.

use super::check;
use crate::config::{Config, FILE};
use crate::policy::Expect;
use crate::source::Memory;
use jiff::civil::Date;

/// How one example came out.
#[derive(Debug, PartialEq, Eq)]
pub struct Outcome {
    pub code: String,
    pub example: String,
    /// `None` when the policy agreed with the example; else why not.
    pub failure: Option<String>,
}

/// Every example of every policy of `config`, judged on `today`.
pub fn examples(config: &Config, today: Date) -> Vec<Outcome> {
    let mut out = Vec::new();
    for policy in &config.policies {
        let Some(compiled) = &policy.compiled else {
            continue;
        };
        for example in &policy.examples {
            let mut source = Memory::new().file(FILE, config.text.clone());
            for (i, doc) in example.documents.iter().enumerate() {
                // JSON is YAML: each document as its own file.
                source = source.file(format!("examples/{i}.yaml"), doc.to_string());
            }
            let failure = match crate::repository::load(&source) {
                Err(e) => Some(format!("the example cannot be loaded: {e}")),
                Ok(repo) => {
                    let report = check(&repo, today);
                    let unread = report.diagnostics.iter().find(|d| {
                        !d.code.is_org() && matches!(d.code.as_str().as_bytes()[0], b'P' | b'S')
                    });
                    let found: Vec<&str> = report
                        .diagnostics
                        .iter()
                        .filter(|d| d.code == compiled.code && d.file == "examples/0.yaml")
                        .map(|d| d.message.as_str())
                        .collect();
                    if let Some(d) = unread {
                        Some(format!("{}: {} {}", d.file, d.code, d.message))
                    } else if let Some(m) = found.iter().find(|m| m.starts_with("cannot evaluate"))
                    {
                        Some((*m).to_owned())
                    } else {
                        match (example.expect, found.first()) {
                            (Expect::Pass, None) | (Expect::Fail, Some(_)) => None,
                            (Expect::Pass, Some(m)) => {
                                Some(format!("expected no finding, got: {m}"))
                            }
                            (Expect::Fail, None) => Some("expected a finding, got none".into()),
                        }
                    }
                }
            };
            out.push(Outcome {
                code: policy.code.clone(),
                example: example.name.clone(),
                failure,
            });
        }
    }
    out
}
