//! `pmo.yaml`: the repository's configuration (SPEC section 3), with its defaults.

pub(crate) mod s002_incoherent_configuration;
mod validate;

pub use validate::{FILE, load};

use crate::code::Code;
use crate::diagnostic::Span;
use crate::model::Project;
use crate::parse::{Seg, YamlDoc};
use crate::policy::Policy;
use jiff::civil::Date;
use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    pub organisation: Option<String>,
    pub currency: Option<String>,
    /// The rule catalogue findings link to, in place of the project's own.
    pub docs_url: Option<String>,
    pub exclude: Vec<String>,
    pub roles: Vec<String>,
    pub default_methodology: Option<String>,
    #[serde(deserialize_with = "ordered")]
    pub methodologies: Vec<(String, Methodology)>,
    pub project: ProjectConfig,
    pub risk: RiskConfig,
    pub status: StatusConfig,
    pub tolerances: Tolerances,
    pub rag: RagConfig,
    pub change_control: ChangeControl,
    pub scoring: Scoring,
    #[serde(deserialize_with = "ordered")]
    pub rules: Vec<(CodeName, Level)>,
    pub waivers: Vec<Waiver>,
    /// The organisation's own rules (docs/policies.md).
    pub policies: Vec<Policy>,
    /// The parsed file, to point findings at the line that configures them.
    #[serde(skip)]
    pub source: Option<YamlDoc>,
    /// Its text, to point at a character inside a policy's expression.
    #[serde(skip)]
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Methodology {
    pub phases: Vec<String>,
    #[serde(default, deserialize_with = "ordered")]
    pub gates: Vec<(String, Gate)>,
    /// Whether its projects record gate decisions (`gates:` of a project) that G001
    /// checks. A register that only copies a phase from elsewhere has none to record;
    /// its gates' requirements (G002, G003) still hold.
    #[serde(default = "yes")]
    pub gate_decisions: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Gate {
    pub require: Vec<String>,
    #[serde(deserialize_with = "ordered")]
    pub min_related: Vec<(String, u32)>,
}

/// What a project document must hold beyond the built-in schema's choice.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectConfig {
    /// Fields the built-in schema requires that this repository does not (`sponsor`,
    /// `manager`): a register imported from public data names no such people.
    pub optional: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RiskConfig {
    pub high_score: u32,
    pub review_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct StatusConfig {
    pub cadence_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Tolerances {
    pub cost_pct: f64,
    pub schedule_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct RagConfig {
    pub cost_pct: Thresholds,
    pub schedule_days: Thresholds,
    /// Off unless set: cost is also graded on the cost performance index (lower is worse).
    pub cpi: Option<Thresholds>,
    /// Off unless set: schedule is also graded on the schedule performance index.
    pub spi: Option<Thresholds>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Thresholds {
    pub amber: f64,
    pub red: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ChangeControl {
    pub segregation_of_duties: bool,
    pub levels: Vec<ChangeLevel>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChangeLevel {
    pub max_cost: Option<f64>,
    pub approvers: u32,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Scoring {
    #[serde(deserialize_with = "ordered")]
    pub criteria: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Waiver {
    pub rule: CodeName,
    pub id: String,
    pub reason: String,
    pub owner: String,
    pub expires: Date,
}

/// A rule code as pmo.yaml writes it (a key of `rules:`, a waiver's `rule`): parsed once,
/// when the file is read. The text stays for the messages that quote it and for the
/// finding about a code that names no rule (S002, W002).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub struct CodeName {
    /// `None` when the text names no rule.
    pub code: Option<Code>,
    pub written: String,
}

impl From<String> for CodeName {
    fn from(written: String) -> Self {
        CodeName {
            code: Code::parse(&written),
            written,
        }
    }
}

impl std::fmt::Display for CodeName {
    /// As written: a message quotes the user's own text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.written)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            organisation: None,
            currency: None,
            docs_url: None,
            exclude: Vec::new(),
            roles: Vec::new(),
            default_methodology: None,
            methodologies: default_methodologies(),
            project: ProjectConfig::default(),
            risk: RiskConfig::default(),
            status: StatusConfig::default(),
            tolerances: Tolerances::default(),
            rag: RagConfig::default(),
            change_control: ChangeControl::default(),
            scoring: Scoring::default(),
            rules: Vec::new(),
            waivers: Vec::new(),
            policies: Vec::new(),
            source: None,
            text: String::new(),
        }
    }
}

impl Default for RiskConfig {
    fn default() -> Self {
        RiskConfig {
            high_score: 15,
            review_days: 30,
        }
    }
}

impl Default for StatusConfig {
    fn default() -> Self {
        StatusConfig { cadence_days: 14 }
    }
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            cost_pct: 10.0,
            schedule_days: 30,
        }
    }
}

impl Default for RagConfig {
    fn default() -> Self {
        RagConfig {
            cost_pct: Thresholds {
                amber: 5.0,
                red: 10.0,
            },
            schedule_days: Thresholds {
                amber: 10.0,
                red: 30.0,
            },
            cpi: None,
            spi: None,
        }
    }
}

impl Default for ChangeControl {
    /// Without `change_control`: one approval by anyone, with segregation of duties.
    fn default() -> Self {
        ChangeControl {
            segregation_of_duties: true,
            levels: vec![ChangeLevel {
                max_cost: None,
                approvers: 1,
                role: None,
            }],
        }
    }
}

/// Without `methodologies`: the waterfall and agile methodologies of the SPEC example.
fn default_methodologies() -> Vec<(String, Methodology)> {
    let phases = |p: &[&str]| p.iter().map(|s| s.to_string()).collect();
    let gate = |require: &[&str], min: &[(&str, u32)]| Gate {
        require: require.iter().map(|s| s.to_string()).collect(),
        min_related: min.iter().map(|(k, n)| (k.to_string(), *n)).collect(),
    };
    vec![
        (
            "waterfall".into(),
            Methodology {
                phases: phases(&["initiation", "planning", "execution", "closure"]),
                gates: vec![
                    (
                        "planning".into(),
                        gate(&["sponsor", "manager", "objectives"], &[]),
                    ),
                    (
                        "execution".into(),
                        gate(
                            &["baseline.budget", "baseline.finish", "baseline.approved_by"],
                            &[("risk", 1)],
                        ),
                    ),
                    ("closure".into(), gate(&[], &[("lesson", 1)])),
                ],
                gate_decisions: true,
            },
        ),
        (
            "agile".into(),
            Methodology {
                phases: phases(&["discovery", "delivery", "closure"]),
                gates: vec![
                    ("delivery".into(), gate(&["objectives"], &[("risk", 1)])),
                    ("closure".into(), gate(&[], &[("lesson", 1)])),
                ],
                gate_decisions: true,
            },
        ),
    ]
}

/// Keep a mapping's order (the first methodology is the default; levels of output follow
/// the file). Also used by the import mapping, whose fields are written in file order.
///
/// Keys are read as `K` from their text (`String`, or a [`CodeName`] for `rules:`).
pub(crate) fn ordered<'de, D, K, T>(d: D) -> Result<Vec<(K, T)>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: From<String>,
    T: serde::de::DeserializeOwned,
{
    let map = serde_json::Map::<String, Value>::deserialize(d)?;
    map.into_iter()
        .map(|(k, v)| {
            serde_json::from_value(v)
                .map(|t| (K::from(k), t))
                .map_err(serde::de::Error::custom)
        })
        .collect()
}

/// Where a project stands in its methodology.
pub struct Position<'c> {
    pub name: &'c str,
    pub methodology: &'c Methodology,
    /// Index of the current phase in `methodology.phases`.
    pub phase: usize,
}

impl Position<'_> {
    /// The gates of every phase up to and including the current one, in order.
    pub fn passed_gates(&self) -> impl Iterator<Item = (&str, &Gate)> {
        self.methodology.phases[..=self.phase]
            .iter()
            .filter_map(|phase| {
                let gate = self.methodology.gates.iter().find(|(p, _)| p == phase)?;
                Some((phase.as_str(), &gate.1))
            })
    }
}

impl Config {
    /// The methodology a project without `methodology` follows: `default_methodology`,
    /// else the first one configured.
    pub fn default_methodology(&self) -> Option<&str> {
        self.default_methodology
            .as_deref()
            .or_else(|| self.methodologies.first().map(|(n, _)| n.as_str()))
    }

    pub fn methodology(&self, name: &str) -> Option<&Methodology> {
        self.methodologies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m)
    }

    /// A project's methodology (its own, else the default) and the index of its phase in
    /// it; `None` when either is unknown (R004 and R005 report those).
    pub fn position(&self, project: &Project<'_>) -> Option<Position<'_>> {
        let name = project.methodology.or_else(|| self.default_methodology())?;
        let (name, methodology) = self.methodologies.iter().find(|(n, _)| n == name)?;
        let phase = methodology.phases.iter().position(|p| p == project.phase)?;
        Some(Position {
            name,
            methodology,
            phase,
        })
    }

    /// The configured severity of a rule, `None` when it keeps its default.
    pub fn rule_level(&self, code: Code) -> Option<Level> {
        self.rules
            .iter()
            .find(|(c, _)| c.code == Some(code))
            .map(|(_, l)| *l)
    }

    /// Where a value of `pmo.yaml` is, for findings that point at the configuration.
    pub fn span<'a>(&self, path: impl IntoIterator<Item = Seg<'a>>) -> Span {
        match &self.source {
            Some(doc) => doc.spans.value_at(&doc.value, path),
            None => Span::at(1, 1),
        }
    }

    /// The S002 finding of a policy's problem, at the character it names.
    pub fn policy_problem(
        &self,
        problem: &crate::policy::Problem,
    ) -> crate::diagnostic::Diagnostic {
        let path = [
            Seg::Key("policies"),
            Seg::Index(problem.policy),
            Seg::Key(problem.field),
        ];
        let mut span = self.span(path);
        if let (Some(offset), Some(policy)) = (problem.offset, self.policies.get(problem.policy)) {
            // Inside an expression: at its character. Elsewhere (`at`): the value.
            let expr = match problem.field {
                "when" => policy.when.as_deref(),
                "message" => Some(policy.message.as_str()),
                "assert" => Some(policy.assert.as_str()),
                _ => None,
            };
            if let Some(expr) = expr {
                span = crate::policy::locate(&self.text, span, expr, offset);
            }
        }
        let code = &self
            .policies
            .get(problem.policy)
            .map_or("", |p| p.code.as_str());
        s002_incoherent_configuration::finding(
            FILE,
            span,
            format!("policy `{code}`: {}", problem.message),
        )
        .maybe_help(problem.help.clone())
    }

    /// Where `field` of the `i`th waiver is (W001-W003, and R002/R003 on its `owner`).
    pub fn waiver_span(&self, i: usize, field: &str) -> Span {
        self.span([Seg::Key("waivers"), Seg::Index(i), Seg::Key(field)])
    }

    /// Where a configured mapping starts (its first key).
    pub fn mapping_span<'a>(&self, path: impl IntoIterator<Item = Seg<'a>>) -> Span {
        match &self.source {
            Some(doc) => doc.spans.mapping_at(&doc.value, path),
            None => Span::at(1, 1),
        }
    }
}
