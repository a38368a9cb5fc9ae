//! Typed view of a `project` document (SPEC section 2), borrowed from its JSON value.

use jiff::civil::Date;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct Project<'a> {
    pub id: &'a str,
    pub title: &'a str,
    #[serde(default)]
    pub program: Option<&'a str>,
    /// Required unless pmo.yaml `project.optional` lists it.
    #[serde(default)]
    pub sponsor: Option<&'a str>,
    #[serde(default)]
    pub manager: Option<&'a str>,
    #[serde(default)]
    pub methodology: Option<&'a str>,
    pub state: State,
    pub phase: &'a str,
    #[serde(default)]
    pub currency: Option<&'a str>,
    #[serde(default)]
    pub baseline: Baseline<'a>,
    #[serde(default)]
    pub forecast: Forecast,
    #[serde(default)]
    pub actuals: Actuals,
    #[serde(default)]
    pub tolerances: ProjectTolerances,
    #[serde(default)]
    pub milestones: Vec<Milestone<'a>>,
    #[serde(default)]
    pub gates: Vec<GateDecision>,
    #[serde(default)]
    pub scores: BTreeMap<&'a str, f64>,
    #[serde(default)]
    pub allocations: Vec<Allocation<'a>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Proposed,
    Active,
    OnHold,
    Closed,
    Cancelled,
}

impl State {
    /// Every state, in the order of a project's lifecycle.
    pub const ALL: [State; 5] = [
        State::Proposed,
        State::Active,
        State::OnHold,
        State::Closed,
        State::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Proposed => "proposed",
            State::Active => "active",
            State::OnHold => "on_hold",
            State::Closed => "closed",
            State::Cancelled => "cancelled",
        }
    }

    /// Running projects: the ones finance, schedule and capacity rules look at.
    pub fn is_running(self) -> bool {
        matches!(self, State::Active | State::OnHold)
    }

    /// Projects past their start: the ones stage-gate rules look at.
    pub fn is_gated(self) -> bool {
        matches!(self, State::Active | State::OnHold | State::Closed)
    }
}

/// The approved plan; a draft while `approved_by` / `approved_on` are missing.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Baseline<'a> {
    pub start: Option<Date>,
    pub finish: Option<Date>,
    /// Budget at completion (BAC).
    pub budget: Option<f64>,
    pub approved_by: Option<&'a str>,
    pub approved_on: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Forecast {
    pub finish: Option<Date>,
    /// Estimate at completion as the project reports it.
    pub cost: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Actuals {
    /// Actual cost to date (AC).
    pub cost: Option<f64>,
    pub percent_complete: Option<f64>,
    pub as_of: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProjectTolerances {
    pub cost_pct: Option<f64>,
    pub schedule_days: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Milestone<'a> {
    pub name: &'a str,
    pub baseline: Date,
    pub forecast: Option<Date>,
    pub actual: Option<Date>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GateDecision {
    pub phase: String,
    pub decision: GateOutcome,
    pub date: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GateOutcome {
    Go,
    GoWithConditions,
    Hold,
    Recycle,
    Kill,
}

impl GateOutcome {
    pub fn lets_through(self) -> bool {
        matches!(self, GateOutcome::Go | GateOutcome::GoWithConditions)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GateOutcome::Go => "go",
            GateOutcome::GoWithConditions => "go_with_conditions",
            GateOutcome::Hold => "hold",
            GateOutcome::Recycle => "recycle",
            GateOutcome::Kill => "kill",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Allocation<'a> {
    pub person: &'a str,
    pub fte: f64,
    pub from: Date,
    pub to: Date,
}

impl Project<'_> {
    /// The latest gate decision for `phase`: latest `date`, on a tie the later entry.
    pub fn latest_gate(&self, phase: &str) -> Option<(usize, &GateDecision)> {
        self.gates
            .iter()
            .enumerate()
            .filter(|(_, g)| g.phase == phase)
            .max_by_key(|(i, g)| (g.date, *i))
    }
}
