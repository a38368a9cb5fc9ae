use clap::{Parser, Subcommand, ValueEnum};
use jiff::civil::Date;
use std::path::PathBuf;

/// Governance-as-code for project portfolios: validate a PMO's YAML repository against
/// its schemas and methodology rules, and roll it up into portfolio views.
#[derive(Parser)]
#[command(name = "pmo", version, about, max_term_width = 100)]
pub struct Args {
    /// Run as if started in DIR (the repository is found by walking up from there).
    #[arg(short = 'C', global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// The date that date rules and reports use (default: the day of --as-of, else today,
    /// UTC).
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    pub today: Option<Date>,
    /// Colour output.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Less output: one line per finding, no snippets or summary.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Read the documents of a git revision (branch, tag, `HEAD~3`, commit id) instead of
    /// the working tree, without a checkout.
    #[arg(long, global = true, value_name = "REV")]
    pub rev: Option<String>,
    /// Read the documents as they stood at the end of DATE: the last commit of HEAD's (or
    /// --rev's) first-parent history whose committer date is on or before it. DATE is
    /// YYYY-MM-DD in UTC, a day in a zone (2026-11-15+01:00, 2026-11-15[Europe/Paris]),
    /// or an instant (2026-11-15T18:00Z).
    #[arg(long, global = true, value_name = "DATE", value_parser = as_of)]
    pub as_of: Option<AsOf>,
    /// The commit --rev or --as-of names, resolved once before the command runs.
    #[arg(skip)]
    pub revision: Option<pmo::git::Revision>,
    #[command(subcommand)]
    pub command: Command,
}

/// `--as-of`: the moment, and the text that named it.
#[derive(Clone)]
pub struct AsOf {
    pub moment: pmo::git::Moment,
    pub text: String,
}

fn as_of(text: &str) -> Result<AsOf, String> {
    Ok(AsOf {
        moment: pmo::git::Moment::parse(text)?,
        text: text.trim().to_owned(),
    })
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
pub enum Command {
    /// Validate every document and report all findings at once.
    Check(CheckArgs),
    /// Create a governance repository (never overwrites).
    Init(InitArgs),
    /// Write a new document from a template into the suggested layout (never overwrites).
    New(NewArgs),
    /// List the documents of one kind with key columns and computed figures.
    Ls(LsArgs),
    /// Roll projects up per group and in total: RAG, cost, earned value, risks, changes.
    Portfolio(PortfolioArgs),
    /// FTE allocated per person and period against capacity.
    Capacity(CapacityArgs),
    /// Rank proposed and active projects by the weighted score of pmo.yaml `scoring`.
    Rank(RankArgs),
    /// Write one flat table per kind (CSV or JSON Lines) for spreadsheets and BI tools.
    Export(ExportArgs),
    /// Render a report (status, portfolio, risks, changes, gate, or a repository template)
    /// as Markdown or self-contained HTML.
    Report(ReportArgs),
    /// What a change does to the portfolio: documents added, removed, renamed or changed,
    /// field by field, and the portfolio totals it moves.
    Diff(DiffArgs),
    /// Every commit that changed one document, with author, date and the fields changed.
    History(HistoryArgs),
    /// Every change of a project's approved baseline, with the change request of the same
    /// commit that covers it, or none (what G005 finds).
    Baselines(BaselinesArgs),
    /// Who last set each field of a document, and in which commit.
    Blame(BlameArgs),
    /// The portfolio at the end of each month, week or day, from git history: projects
    /// by state, RAG, cost, risks, changes and findings, each as it stood then.
    Trend(TrendArgs),
    /// Turn the rows of a CSV file into documents, as a mapping file says (never overwrites).
    Import(ImportArgs),
    /// Print or export the built-in JSON Schemas (for editors and the YAML language server).
    Schema(SchemaArgs),
    /// List the rules with their codes and default severities.
    Rules(RulesArgs),
    /// Explain one rule: what it finds, why, and an example.
    Explain(ExplainArgs),
    /// Run the language server (LSP over stdio) for editors: findings as you type, the
    /// rule on hover, completion of ids and values, go to a referenced document, fixes.
    Lsp,
    /// Print the completion script of a shell (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print pmo's man page (roff), or write it with a page per command into a folder.
    Man(ManArgs),
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// Write pmo.1 and pmo-COMMAND.1 for every command into DIR (never overwrites).
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Report, and set the exit code from, only the findings in these files or folders
    /// (what a pre-commit hook passes); the whole repository is still checked, so a
    /// finding another file causes in one of them is there.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Only these rules: codes, or the start of codes (`S`, `C00`, `ACME-`); repeat or
    /// separate with commas.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Not these rules (codes or starts of codes, as `--select`).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// github, sarif, junit and gitlab (a Code Quality report) name files from the root
    /// of the git work tree, where CI reads them.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Only findings about documents this branch changed since it left REV (from the merge
    /// base of REV and HEAD, as git reads "what this branch does"), and findings elsewhere
    /// that name them; also runs the rules that need a base revision (G005, C005).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,
    /// Apply the fixes that are certain (a misspelt field or id with one close candidate,
    /// a value in the wrong case, a date in another form that reads one way only, a
    /// missing field with a documented default), then report what is left. Each file is
    /// replaced whole or not at all; pmo.yaml and files that do not parse are never
    /// touched.
    #[arg(long, conflicts_with = "changed_since")]
    pub fix: bool,
    /// Print the fixes `--fix` would make as a unified diff and write nothing; exit 1 when
    /// there is one.
    #[arg(long, conflicts_with_all = ["changed_since", "fix"])]
    pub diff: bool,
    /// Report only the findings FILE does not know (a baseline `--write-baseline` wrote),
    /// and list its entries that no longer match. Under `--changed-since`, a FILE inside
    /// the repository is read as the base revision has it.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["fix", "diff"])]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in FILE as the baseline (replacing it), and exit 0.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["changed_since", "fix", "diff", "baseline"])]
    pub write_baseline: Option<PathBuf>,
    /// The forge's approvals of the change, as the CI job fetched them (GitHub's reviews
    /// of the pull request, or GitLab's approvals of the merge request, as JSON): an
    /// approver's own approval of the head proves the approvals they are named in (C005).
    #[arg(long, value_name = "FILE", requires = "changed_since")]
    pub approvals: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    Sarif,
    Junit,
    Gitlab,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ViewFormat {
    Table,
    Md,
    Json,
    Csv,
}

#[derive(clap::Args)]
pub struct ViewOutput {
    /// table: for the terminal; md: GitHub-flavoured Markdown; json and csv: for machines.
    #[arg(long, value_enum, default_value_t = ViewFormat::Table)]
    pub format: ViewFormat,
}

#[derive(clap::Args)]
pub struct LsArgs {
    /// project, risk, issue, change, decision, status, lesson, person, objective or
    /// program (plurals work too).
    pub kind: String,
    /// Only documents of this project.
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    /// Only this status (a project's `state`).
    #[arg(long)]
    pub status: Option<String>,
    /// Only this owner (a project's or program's manager, a change's requester, one of a
    /// decision's deciders).
    #[arg(long, value_name = "ID")]
    pub owner: Option<String>,
    /// Only risks scoring at least N (probability x impact).
    #[arg(long, value_name = "N")]
    pub min_score: Option<u8>,
    /// Only open items: open risks and issues, draft or submitted changes, proposed
    /// decisions, projects not closed or cancelled.
    #[arg(long)]
    pub open: bool,
    /// Only documents with this tag (repeat for several: all must match).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Sort by a column (its JSON key); `-KEY` sorts descending.
    #[arg(long, value_name = "KEY", allow_hyphen_values = true)]
    pub sort: Option<String>,
    #[command(flatten)]
    pub output: ViewOutput,
}

#[derive(clap::Args)]
pub struct PortfolioArgs {
    /// What to group projects by: program, objective, phase, state, manager, or any
    /// project field (e.g. one a schema overlay adds).
    #[arg(long, default_value = "program", value_name = "FIELD")]
    pub by: String,
    /// Count closed and cancelled projects too (by default every figure is over the
    /// projects not closed or cancelled).
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub output: ViewOutput,
}

#[derive(clap::Args)]
pub struct CapacityArgs {
    /// First day (default: the start of this month, or this week's Monday with --by week).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<Date>,
    /// Last day (default: six months, or twelve weeks, from --from).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<Date>,
    #[arg(long, value_enum, default_value_t = Period::Month)]
    pub by: Period,
    #[command(flatten)]
    pub output: ViewOutput,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Period {
    Month,
    Week,
}

#[derive(clap::Args)]
pub struct TrendArgs {
    /// The first period is the one holding this day (default: eleven periods before --to).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<Date>,
    /// The last point (default: --today): the last period ends here.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<Date>,
    /// The length of a period: a point at the end of each month, week (Sunday) or day.
    #[arg(long, value_enum, default_value_t = Every::Month)]
    pub every: Every,
    /// A row per group of `pmo portfolio --by FIELD` (program, objective, phase, state,
    /// manager, or any project field), rather than per currency of the totals.
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    #[command(flatten)]
    pub output: ViewOutput,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Every {
    Month,
    Week,
    Day,
}

#[derive(clap::Args)]
pub struct RankArgs {
    /// Funds available: mark the projects that fit, in rank order, and where the cut line falls.
    #[arg(long, value_name = "N")]
    pub budget: Option<f64>,
    /// Only projects in this currency.
    #[arg(long, value_name = "CODE")]
    pub currency: Option<String>,
    #[command(flatten)]
    pub output: ViewOutput,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// The directory to write into (created if needed; existing files are never replaced
    /// without --force).
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Replace the tables that exist (a scheduled job's output): all of them or, on a
    /// failure, none.
    #[arg(long)]
    pub force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The template: status, portfolio, risks, changes, gate, or one in `templates/`.
    #[arg(required_unless_present = "list")]
    pub template: Option<String>,
    /// The project the report is about (status and gate reports).
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Write to FILE (never overwritten without --force) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace FILE if it exists (a scheduled job's output), whole: a reader sees the old
    /// report or the new one.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// List the templates and where each comes from.
    #[arg(long)]
    pub list: bool,
    /// The trend section (where a template shows one) compares each headline figure
    /// with its value this many days before, read from git history.
    #[arg(long, value_name = "DAYS", default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..=3660))]
    pub compare: u16,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
}

#[derive(clap::Args)]
pub struct DiffArgs {
    /// The base revision. Alone, the change is compared from where HEAD (or --rev) left it
    /// (their merge base); `A...B` compares B from where it left A; `A..B` and `A B`
    /// compare the two as given, like git. Default: where HEAD left the default branch.
    pub base: Option<String>,
    /// The head revision (default: --rev, else the working tree).
    pub head: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Also check both revisions and list the findings the change introduces and fixes
    /// (reads every document of both); exit 1 when it introduces an error.
    #[arg(long)]
    pub check: bool,
    /// With --check: the forge's approvals of the change (as `check --approvals`).
    #[arg(long, value_name = "FILE", requires = "check")]
    pub approvals: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Table,
    Md,
    Json,
}

#[derive(clap::Args)]
pub struct HistoryArgs {
    /// The document's id (also of a document removed since: the removal is its newest
    /// entry).
    pub id: String,
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Only commits authored on or after DATE: the start of that day in UTC, or a date and
    /// time with its zone (`2026-11-01T00:00+01:00`).
    #[arg(long, value_name = "DATE", value_parser = pmo::changes::since)]
    pub since: Option<jiff::Timestamp>,
    /// At most N entries, the newest.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
}

#[derive(clap::Args)]
pub struct BaselinesArgs {
    /// The project's id.
    pub id: String,
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
}

#[derive(clap::Args)]
pub struct BlameArgs {
    /// The document's id.
    pub id: String,
    /// Only this field and what is under it: a dotted path (`baseline`, `baseline.finish`),
    /// a list element by its key (`milestones[Go-live]`, `approvals[carol 2026-11-03]`) or
    /// its index (`gates.0`).
    pub field: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
}

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The CSV file.
    pub file: PathBuf,
    /// The mapping file (YAML; `pmo schema mapping` prints its schema).
    #[arg(long = "map", value_name = "MAPPING")]
    pub mapping: PathBuf,
    /// Report what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Where to write the documents (default: the governance repository, else the
    /// current directory).
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct InitArgs {
    /// Where to create it (default: the current directory).
    pub dir: Option<PathBuf>,
    /// Add a small, realistic example portfolio that passes `pmo check`.
    #[arg(long)]
    pub example: bool,
}

#[derive(clap::Args)]
pub struct NewArgs {
    /// person, objective, program, project, risk, issue, decision, change, status or lesson.
    pub kind: String,
    /// The existing project it belongs to (required for risk, issue, change, status and
    /// lesson).
    #[arg(long, value_name = "ID")]
    pub project: Option<String>,
    /// Its title (a person's name).
    #[arg(long, value_name = "T")]
    pub title: Option<String>,
    /// Its id, which no other document may have (default: derived from the title, with a
    /// random suffix only when that id is taken).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
}

#[derive(clap::Args)]
pub struct SchemaArgs {
    /// A kind, or `pmo` for pmo.yaml; without it, list the schemas.
    pub kind: Option<String>,
    /// Write the schema (or, without KIND, every schema) as files into DIR instead.
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print the yaml-language-server settings (`yaml.schemas`) that map each folder of
    /// the suggested layout to its schema file in DIR, where `-o DIR` wrote them (DIR as
    /// the editor sees it from the repository's root).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["kind", "out"])]
    pub yaml_ls: Option<String>,
}

#[derive(clap::Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
    /// Judge each policy of pmo.yaml on its `examples`; exit 1 when one disagrees.
    #[arg(long, conflicts_with = "format")]
    pub test: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RulesFormat {
    Table,
    Md,
    Json,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A rule code, e.g. R002.
    pub code: String,
}

/// The global options, by the name clap knows each by and as a user types it.
const GLOBALS: [(&str, &str); 6] = [
    ("chdir", "-C"),
    ("today", "--today"),
    ("color", "--color"),
    ("quiet", "-q"),
    ("rev", "--rev"),
    ("as_of", "--as-of"),
];

impl Args {
    /// Refuse a global option given to a command it means nothing to (`pmo init --rev
    /// main` would otherwise write the working tree's files and say nothing of the
    /// revision): the cause names the option and the command. `matches` tells an option
    /// given on the command line from its default.
    pub fn refuse_unused(&self, matches: &clap::ArgMatches) -> anyhow::Result<()> {
        for (id, option) in GLOBALS {
            let given = matches!(
                matches.value_source(id),
                Some(clap::parser::ValueSource::CommandLine)
            );
            if !given {
                continue;
            }
            if let Some(why) = self.unused(id) {
                anyhow::bail!(
                    "{option} means nothing to `pmo {}`: {why}; leave it out",
                    self.command.name()
                );
            }
        }
        Ok(())
    }

    /// Why the global option `id` means nothing to this command, or `None` when it is used.
    fn unused(&self, id: &str) -> Option<&'static str> {
        use Command as C;
        let c = &self.command;
        match id {
            // Where the repository is looked for, or what paths are relative to.
            // `schema` reads the repository's pmo.yaml, which shapes the schemas; `rules`
            // and `explain` read its policies.
            "chdir" => None,
            // The documents of a revision: only for the commands that read them.
            "rev" | "as_of" => match c {
                C::Init(_) | C::New(_) | C::Import(_) => {
                    Some("it writes into the working tree and reads no revision")
                }
                C::Schema(_) => Some("it shapes the schemas by the working tree's pmo.yaml"),
                C::Rules(_) | C::Explain(_) => Some("it reads the working tree's pmo.yaml"),
                C::Check(c) if c.fix || c.diff => Some("fixes are made in the working tree"),
                C::Lsp => Some("it reads the working tree and the editor's unsaved text"),
                C::Completions(_) | C::Man(_) => Some("it prints pmo's own interface"),
                C::Trend(_) if id == "as_of" => {
                    Some("each point is read as of its own day; --to sets the last")
                }
                _ => None,
            },
            "today" => match c {
                C::Init(i) if !i.example => Some("without --example it writes no date"),
                C::Diff(d) if !d.check => Some("only `--check` uses the date, for the rules"),
                C::Report(r) if r.list => Some("--list renders nothing"),
                C::Rules(r) if !r.test => Some("only `--test` uses the date, for the examples"),
                C::History(_)
                | C::Baselines(_)
                | C::Blame(_)
                | C::Import(_)
                | C::Schema(_)
                | C::Explain(_)
                | C::Completions(_)
                | C::Man(_) => Some("it uses no date"),
                _ => None,
            },
            // Only findings and tables are coloured.
            "color" => match c {
                C::Check(_)
                | C::Ls(_)
                | C::Portfolio(_)
                | C::Capacity(_)
                | C::Rank(_)
                | C::Trend(_)
                | C::Import(_) => None,
                _ => Some("its output has no colour"),
            },
            // What -q leaves out: snippets and summaries, notes, the undoing of
            // interrupted writes.
            "quiet" => match c {
                C::Diff(_)
                | C::History(_)
                | C::Baselines(_)
                | C::Blame(_)
                | C::Rules(_)
                | C::Explain(_)
                | C::Lsp
                | C::Completions(_) => Some("it prints nothing that -q leaves out"),
                C::Man(m) if m.out.is_none() => Some("it prints nothing that -q leaves out"),
                C::Schema(s) if s.out.is_none() => Some("it prints nothing that -q leaves out"),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn start_dir(&self) -> PathBuf {
        self.chdir.clone().unwrap_or_else(|| PathBuf::from("."))
    }

    /// `--today`, else the day `--as-of` names (the portfolio as it stood then is graded
    /// as of then), else today in UTC.
    pub fn today(&self) -> Date {
        let as_of = self.as_of.as_ref().map(|a| a.moment.day);
        self.today.or(as_of).unwrap_or_else(|| {
            jiff::Timestamp::now()
                .to_zoned(jiff::tz::TimeZone::UTC)
                .date()
        })
    }

    /// Colour when asked, or on a terminal unless `NO_COLOR` is set.
    pub fn color(&self) -> bool {
        use std::io::IsTerminal;
        match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

impl Command {
    /// The command's name as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Check(_) => "check",
            Command::Init(_) => "init",
            Command::New(_) => "new",
            Command::Ls(_) => "ls",
            Command::Portfolio(_) => "portfolio",
            Command::Capacity(_) => "capacity",
            Command::Rank(_) => "rank",
            Command::Export(_) => "export",
            Command::Report(_) => "report",
            Command::Diff(_) => "diff",
            Command::History(_) => "history",
            Command::Baselines(_) => "baselines",
            Command::Blame(_) => "blame",
            Command::Trend(_) => "trend",
            Command::Import(_) => "import",
            Command::Schema(_) => "schema",
            Command::Rules(_) => "rules",
            Command::Explain(_) => "explain",
            Command::Lsp => "lsp",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }
}
