//! Typed views of the documents that record a project's life: risks, issues, decisions,
//! changes, status updates, lessons, and the people they name.

use jiff::civil::Date;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Person<'a> {
    pub id: &'a str,
    pub name: &'a str,
    #[serde(default)]
    pub email: Option<&'a str>,
    /// More addresses they commit with, beside `email`.
    #[serde(default)]
    pub emails: Vec<&'a str>,
    #[serde(default)]
    pub roles: Vec<&'a str>,
    /// Full-time equivalents (default 1.0).
    #[serde(default = "one")]
    pub capacity: f64,
}

fn one() -> f64 {
    1.0
}

impl Person<'_> {
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.contains(&role)
    }

    /// The addresses they commit with: `email`, then `emails`.
    pub fn addresses(&self) -> impl Iterator<Item = &str> {
        self.email.into_iter().chain(self.emails.iter().copied())
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Risk<'a> {
    pub id: &'a str,
    pub project: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
    pub probability: u8,
    pub impact: u8,
    pub status: OpenClosed,
    #[serde(default)]
    pub nature: Nature,
    #[serde(default)]
    pub response: Option<&'a str>,
    #[serde(default)]
    pub mitigation: Option<&'a str>,
    #[serde(default)]
    pub raised: Option<Date>,
    #[serde(default)]
    pub last_reviewed: Option<Date>,
    #[serde(default)]
    pub cost_impact: Option<f64>,
    #[serde(default)]
    pub closed_on: Option<Date>,
    #[serde(default)]
    pub closure_reason: Option<&'a str>,
    #[serde(default)]
    pub decision: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenClosed {
    Open,
    Closed,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    #[default]
    Threat,
    Opportunity,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Issue<'a> {
    pub id: &'a str,
    pub project: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
    pub priority: Priority,
    pub status: IssueStatus,
    #[serde(default)]
    pub raised: Option<Date>,
    #[serde(default)]
    pub due: Option<Date>,
    #[serde(default)]
    pub resolution: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueStatus {
    Open,
    Resolved,
    Closed,
}

/// A decision: of a project when `project` names one, else of the portfolio.
#[derive(Debug, Clone, Deserialize)]
pub struct Decision<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Date,
    pub decided_by: Vec<&'a str>,
    pub status: DecisionStatus,
    #[serde(default)]
    pub project: Option<&'a str>,
    #[serde(default)]
    pub supersedes: Option<&'a str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    Proposed,
    Decided,
    Superseded,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Lesson<'a> {
    pub id: &'a str,
    pub project: &'a str,
    pub title: &'a str,
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub category: Option<&'a str>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Change<'a> {
    pub id: &'a str,
    pub project: &'a str,
    pub title: &'a str,
    pub requested_by: &'a str,
    pub raised: Date,
    pub status: ChangeStatus,
    #[serde(default)]
    pub impact: ChangeImpact,
    #[serde(default)]
    pub approvals: Vec<Approval<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeStatus {
    Draft,
    Submitted,
    Approved,
    Rejected,
    Deferred,
    Implemented,
    Withdrawn,
}

impl ChangeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeStatus::Draft => "draft",
            ChangeStatus::Submitted => "submitted",
            ChangeStatus::Approved => "approved",
            ChangeStatus::Rejected => "rejected",
            ChangeStatus::Deferred => "deferred",
            ChangeStatus::Implemented => "implemented",
            ChangeStatus::Withdrawn => "withdrawn",
        }
    }

    /// Awaiting a decision, as the open states of the change row of the kind table have
    /// it (draft or submitted): `ls --open`, G004 and the reports agree.
    pub fn is_open(self) -> bool {
        super::Kind::Change.spec().is_open(self.as_str())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChangeImpact {
    pub cost: Option<f64>,
    pub schedule_days: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Approval<'a> {
    pub by: &'a str,
    pub date: Date,
    pub decision: ApprovalDecision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalDecision {
    Approve,
    Reject,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Status<'a> {
    pub id: &'a str,
    pub project: &'a str,
    pub date: Date,
    pub overall: Rag,
    #[serde(default)]
    pub schedule: Option<Rag>,
    #[serde(default)]
    pub cost: Option<Rag>,
    #[serde(default)]
    pub scope: Option<Rag>,
    #[serde(default)]
    pub resources: Option<Rag>,
    #[serde(default)]
    pub override_reason: Option<&'a str>,
}

/// Red / amber / green, ordered from best to worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Green,
    Amber,
    Red,
}

impl Rag {
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
        }
    }
}

impl std::fmt::Display for Rag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
