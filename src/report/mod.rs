//! `pmo report`: render a built-in or repository template (minijinja) to Markdown or
//! HTML. Built-ins live in `templates/report/` and are embedded in the binary; a
//! repository's `templates/NAME.md.j2` / `NAME.html.j2` override or add to them.

pub mod charts;
mod context;
mod errors;
mod trend;

pub use context::KEYS;
pub use trend::{History, Past};

use crate::Error;
use crate::budget::Stopped;
use crate::check::Context;
use crate::model::{Document, Kind};
use crate::source::Source;
use crate::suggest::did_you_mean;
use errors::{describe, detail};
use minijinja::value::{Serde, ValueKind};
use minijinja::{AutoEscape, Environment, State, UndefinedBehavior, Value};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Instructions a template may run: a guard against endless loops, far above what a
/// report on 100,000 documents needs.
const FUEL: u64 = 50_000_000;

/// The largest report written, in bytes: a tenth of it is a report on 100,000 documents.
const MAX_OUTPUT: usize = 32 << 20;

/// What one render may hold at once, the report's text included ([`crate::budget`]). The
/// benchmark's largest report needs 31 MiB. Four times the worst case stays under a 512 MiB
/// memory limit, with the allocator's own reserve.
const RENDER_BUDGET: usize = 128 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
        }
    }
}

/// A template a report can use, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listed {
    pub name: String,
    pub format: String,
    /// `built-in`, or the file's path in the repository (with why it cannot be used).
    pub origin: String,
}

/// A repository template that cannot be used: only using it fails.
struct Broken {
    /// The template file name (`custom.md.j2`).
    file: String,
    /// `does not compile` or `unreadable`, for `--list`.
    mark: &'static str,
    /// Why, without the file (`line 3: syntax error: ...`), for `--list`.
    why: String,
    /// The error of a report that uses it.
    message: String,
}

/// The built-in templates with the repository's `templates/*.j2` over them.
pub struct Templates {
    /// Shared with the thread a render runs on, whose allocations are bounded.
    env: Arc<Environment<'static>>,
    /// Template file name -> where it comes from (for `--list` and error messages).
    origins: Vec<(String, String)>,
    /// Repository templates that cannot be read or do not compile.
    broken: Vec<Broken>,
}

impl Templates {
    /// The built-ins with the templates of `source` (the working tree, or the revision
    /// `--rev` names) over them.
    pub fn load(source: &dyn Source) -> Result<Templates, Error> {
        let mut env = Environment::new();
        // Every `{{ value }}` is escaped for the format the template's name says (set
        // before templates are added: they are compiled with it); a
        // partial without `.md.` in its name is escaped as HTML, the safer guess.
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".md.j2") {
                AutoEscape::Custom(MARKDOWN.into())
            } else {
                AutoEscape::Html
            }
        });
        env.set_formatter(format);
        minijinja_embed::load_templates!(&mut env, "report");
        let mut origins: Vec<(String, String)> = env
            .templates()
            .map(|(name, _)| (name.to_owned(), "built-in".to_owned()))
            .collect();
        let mut broken = Vec::new();
        // The revision's own templates under `--rev`; never what a link points to (the
        // source refuses a linked folder or file).
        let files: Vec<String> = source
            .files_in("templates")?
            .into_iter()
            .filter(|name| name.ends_with(".j2"))
            .collect();
        for name in files {
            let origin = format!("templates/{name}");
            let added = read_template(source, &origin).and_then(|source| {
                    let compiled = compile(env.clone(), name.clone(), source);
                    let (compiled, result) = compiled.map_err(|stopped| {
                        let why = match stopped {
                            Stopped::OverBudget { limit } => format!(
                                "compiling needed more than {} MiB of memory, the most a template may use",
                                limit >> 20
                            ),
                            Stopped::Panicked => {
                                "compiling failed unexpectedly (the cause is printed above)".into()
                            }
                        };
                        ("does not compile", why.clone(), format!("{origin}: {why}"))
                    })?;
                    env = compiled;
                    result.map_err(|e| {
                        let line = e.line().map(|l| format!("line {l}: ")).unwrap_or_default();
                        let why = format!("{line}{}: {}", e.kind(), detail(&e));
                        let message = describe(&e, &|_| origin.clone());
                        ("does not compile", why, message)
                    })
                });
            if let Err((mark, why, message)) = added {
                // Not the built-in of the same name either: using it fails.
                env.remove_template(&name);
                broken.push(Broken {
                    file: name.clone(),
                    mark,
                    why,
                    message,
                });
            }
            origins.retain(|(n, _)| *n != name);
            origins.push((name, origin));
        }
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        // Debug mode makes an undefined value remember the expression it comes from
        // (`p.titel`), which release builds otherwise leave out of the error.
        env.set_debug(true);
        env.set_fuel(Some(FUEL));
        register(&mut env);
        Ok(Templates {
            env: Arc::new(env),
            origins,
            broken,
        })
    }

    /// The reports available: `NAME.FORMAT.j2` files that are not partials (`_*`).
    pub fn list(&self) -> Vec<Listed> {
        let mut out: Vec<Listed> = self
            .origins
            .iter()
            .filter(|(name, _)| !name.starts_with('_'))
            .filter_map(|(name, origin)| {
                let (report, format) = split(name)?;
                let problem = self
                    .broken(name)
                    .map(|b| format!(" ({}: {})", b.mark, b.why))
                    .unwrap_or_default();
                Some(Listed {
                    name: report.to_owned(),
                    format: format.to_owned(),
                    origin: format!("{origin}{problem}"),
                })
            })
            .collect();
        out.sort();
        out
    }

    fn broken(&self, file: &str) -> Option<&Broken> {
        self.broken.iter().find(|b| b.file == file)
    }

    fn origin(&self, name: &str) -> Option<&str> {
        self.origins
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, o)| o.as_str())
    }

    /// Where template `name` is, for messages: `templates/NAME` or `built-in NAME`.
    fn locate(&self, name: &str) -> String {
        match self.origin(name) {
            Some(origin) if origin != "built-in" => origin.to_owned(),
            _ => format!("built-in {name}"),
        }
    }

    /// Render report `name` in `format`, about `project` where the template needs one;
    /// `past` is where its `trend` is read from.
    pub fn render(
        &self,
        ctx: &Context<'_>,
        name: &str,
        format: Format,
        project: Option<&str>,
        past: &Past<'_>,
    ) -> Result<String, Error> {
        if name.is_empty() {
            return Err(Error::Invalid(
                "name the report to render (see `pmo report --list`)".to_owned(),
            ));
        }
        if name.starts_with('_') {
            return Err(Error::Invalid(format!(
                "`{name}` is a partial, not a report (see `pmo report --list`)"
            )));
        }
        let file = format!("{name}.{}.j2", format.extension());
        if let Some(b) = self.broken(&file) {
            return Err(Error::Invalid(b.message.clone()));
        }
        let template = self
            .env
            .get_template(&file)
            .map_err(|_| self.not_found(name, format))?;
        // Build only the keys the template and the partials it may include use.
        let mut keys: BTreeSet<String> = template.undeclared_variables(false).into_iter().collect();
        for (partial, _) in self.origins.iter().filter(|(n, _)| n.starts_with('_')) {
            if let Ok(t) = self.env.get_template(partial) {
                keys.extend(t.undeclared_variables(false));
            }
        }
        keys.retain(|k| KEYS.contains(&k.as_str()));
        let project = match project {
            Some(id) => Some(find_project(ctx, id)?),
            None if keys.contains("project") || keys.contains("gate") => {
                return Err(Error::Invalid(format!(
                    "the `{name}` report is about one project: add --project ID"
                )));
            }
            None => None,
        };
        let values = Value::from(context::build(ctx, &keys, project, past));
        let text = self.bounded_render(&file, &values)?;
        Ok(if text.ends_with('\n') {
            text
        } else {
            text + "\n"
        })
    }

    /// Render template `file` with `values` on a thread whose memory is bounded, into text
    /// of bounded length: a template is a program from the repository, and every filter and
    /// operator can ask for more than the machine has.
    fn bounded_render(&self, file: &str, values: &Value) -> Result<String, Error> {
        let (env, name, input) = (Arc::clone(&self.env), file.to_owned(), values.clone());
        let outcome = crate::budget::run(RENDER_BUDGET, move || {
            let mut out = Capped::default();
            let result = env
                .get_template(&name)
                .and_then(|t| t.render_captured_to(input, &mut out).map(drop));
            (result, out)
        });
        // Where it stopped, and what made it stop, then what to look for.
        let over = |what: String| {
            Error::Invalid(format!(
                "{what}; look for a loop, filter or operator that builds text without end \
                 (`*`, `~`, `indent`, `format`, `join`, a macro calling itself)"
            ))
        };
        match outcome {
            // Every piece written is a `str`, so the whole is UTF-8.
            Ok((Ok(()), out)) => Ok(String::from_utf8(out.text)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())),
            Ok((Err(e), out)) if out.full => {
                let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
                let at = e
                    .name()
                    .map_or_else(|| self.locate(file), |n| self.locate(n));
                Err(over(format!(
                    "{at}{line}: the report would be longer than {} MiB, the most pmo writes",
                    MAX_OUTPUT >> 20
                )))
            }
            Ok((Err(e), _)) => Err(Error::Invalid(self.render_error(&e, values))),
            Err(Stopped::OverBudget { limit }) => Err(over(format!(
                "{}: rendering needed more than {} MiB of memory, the most a report may use",
                self.locate(file),
                limit >> 20
            ))),
            Err(Stopped::Panicked) => Err(Error::Invalid(format!(
                "{}: rendering the report failed unexpectedly (the cause is printed above)",
                self.locate(file)
            ))),
        }
    }

    /// No template `name` in `format`: perhaps in the other format, or misspelt.
    fn not_found(&self, name: &str, format: Format) -> Error {
        let other = match format {
            Format::Md => Format::Html,
            Format::Html => Format::Md,
        };
        let wanted = format.extension();
        let ext = other.extension();
        if let Some(origin) = self.origin(&format!("{name}.{ext}.j2")) {
            return Error::Invalid(format!(
                "no {wanted} template `{name}`: `{name}` exists only as {ext} ({origin}); use --format {ext}"
            ));
        }
        let names: BTreeSet<String> = self.list().into_iter().map(|l| l.name).collect();
        let hint = did_you_mean(name, names.iter().map(String::as_str))
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        Error::Invalid(format!(
            "no {wanted} template `{name}` (see `pmo report --list`){hint}"
        ))
    }
}

/// `env` with template `name` compiled from `source`, on a thread whose memory is bounded:
/// compiling folds constant expressions, and `"x" * 100000000 ~ ...` is one.
fn compile(
    mut env: Environment<'static>,
    name: String,
    source: String,
) -> Result<(Environment<'static>, Result<(), minijinja::Error>), Stopped> {
    crate::budget::run(RENDER_BUDGET, move || {
        let compiled = env.add_template_owned(name, source);
        (env, compiled)
    })
}

/// A report's text, refused past [`MAX_OUTPUT`] bytes.
#[derive(Default)]
struct Capped {
    text: Vec<u8>,
    /// A write was refused: the render failed because the report was too long.
    full: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.text.len() + buf.len() > MAX_OUTPUT {
            self.full = true;
            return Err(std::io::Error::other("the report is too long"));
        }
        self.text.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why a template cannot be read: for `--list`, and the message.
fn unreadable(origin: &str, why: &str) -> (&'static str, String, String) {
    ("unreadable", format!("it {why}"), format!("{origin} {why}"))
}

/// `custom.md.j2` -> (`custom`, `md`).
fn split(file: &str) -> Option<(&str, &str)> {
    file.strip_suffix(".j2")?.rsplit_once('.')
}

/// A repository template's text; why it cannot be read (`--list`, the message) if not.
fn read_template(
    source: &dyn Source,
    origin: &str,
) -> Result<String, (&'static str, String, String)> {
    let bytes = match source.read(origin) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(unreadable(origin, "is gone")),
        // The source says why with the path first (`templates/x.j2 is a symbolic link`).
        Err(e) => {
            let message = e.to_string();
            let why = message
                .strip_prefix(&format!("{origin} "))
                .unwrap_or(&message);
            return Err(unreadable(origin, why));
        }
    };
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let offset = e.utf8_error().valid_up_to();
        let crate::diagnostic::Pos { line, column } =
            crate::diagnostic::Pos::after(std::str::from_utf8(&bytes[..offset]).unwrap_or_default());
        let byte = bytes[offset];
        (
            "unreadable",
            format!(
                "not valid UTF-8 (byte 0x{byte:02x} at line {line}, column {column}, byte offset {offset})"
            ),
            format!(
                "{origin}:{line}:{column}: not valid UTF-8 (byte 0x{byte:02x} at byte offset {offset}); save the file as UTF-8"
            ),
        )
    })
}

fn find_project<'a>(ctx: &Context<'a>, id: &str) -> Result<&'a Document, Error> {
    match ctx.get(id) {
        Some(doc) if doc.kind == Kind::Project && doc.valid => Ok(doc),
        Some(doc) if doc.kind == Kind::Project => Err(Error::Invalid(format!(
            "project `{id}` has schema errors: run `pmo check`"
        ))),
        _ => {
            let hint = did_you_mean(id, ctx.ids_of(Kind::Project))
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            Err(Error::Invalid(format!("no project `{id}`{hint}")))
        }
    }
}

/// The auto-escape mode of Markdown templates.
const MARKDOWN: &str = "markdown";

/// Writes `{{ value }}`: values marked safe (pmo's own charts, `|safe`) as they are,
/// others escaped for the template's format ([`crate::escape`]). Numbers, booleans and
/// none are written as minijinja writes them; a list as its items, separated by `, `
/// (`regulatory-compliance, cost`), never as a programming language's list.
fn format(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if value.kind() == ValueKind::Seq && !value.is_safe() {
        for (i, item) in value.try_iter()?.enumerate() {
            if i > 0 {
                out.write_str(", ").map_err(minijinja::Error::from)?;
            }
            format(out, state, &item)?;
        }
        return Ok(());
    }
    let kept = value.is_safe()
        || matches!(
            value.kind(),
            ValueKind::Number | ValueKind::Bool | ValueKind::None | ValueKind::Undefined
        );
    let escape: fn(&str) -> std::borrow::Cow<'_, str> = match state.auto_escape() {
        AutoEscape::Custom(mode) if mode == MARKDOWN && !value.is_safe() => crate::escape::markdown,
        AutoEscape::Html if !kept => crate::escape::html,
        _ => return minijinja::escape_formatter(out, state, value),
    };
    // A string is escaped where it is, without a copy: reports can be large.
    let owned;
    let text = match value.as_str() {
        Some(text) => text,
        None => {
            owned = value.to_string();
            &owned
        }
    };
    out.write_str(&escape(text)).map_err(minijinja::Error::from)
}

/// Filters and functions the templates share (docs/templates.md).
fn register(env: &mut Environment<'static>) {
    env.add_filter("money", |v: Option<f64>| {
        v.map_or(String::new(), |x| crate::metrics::money(x.round()))
    });
    env.add_filter("number", |v: Option<f64>, decimals: Option<usize>| {
        v.map_or(String::new(), |x| format!("{x:.*}", decimals.unwrap_or(2)))
    });
    // Kept for templates written before Markdown auto-escaping: it escapes what the
    // output would (safe, so `| cell | safe` stays escaped); HTML escapes at the output.
    env.add_filter("cell", |state: &State, v: Value| {
        if v.is_undefined() {
            return Err(minijinja::Error::from(minijinja::ErrorKind::UndefinedError));
        }
        Ok(match state.auto_escape() {
            AutoEscape::Custom(mode) if mode == MARKDOWN && !v.is_safe() => {
                Value::from_safe_string(crate::escape::markdown(&v.to_string()).into_owned())
            }
            _ => v,
        })
    });
    env.add_filter("rag", |v: Option<String>| match v.as_deref() {
        Some("green") => "🟢 green".to_owned(),
        Some("amber") => "🟠 amber".to_owned(),
        Some("red") => "🔴 red".to_owned(),
        Some(other) => other.to_owned(),
        None => "–".to_owned(),
    });
    env.add_function("rag_chart", |counts: Serde<RagCounts>| {
        let c = counts.0;
        Value::from_safe_string(charts::rag_distribution(c.green, c.amber, c.red, c.none))
    });
    env.add_function(
        "budget_chart",
        |rows: Serde<Vec<serde_json::Value>>, label: Option<String>| {
            let label = label.unwrap_or_else(|| "label".to_owned());
            let amount = |row: &serde_json::Value, key: &str| {
                row.get(key)
                    .and_then(serde_json::Value::as_f64)
                    .unwrap_or(0.0)
            };
            let bars: Vec<charts::BudgetBar> = rows
                .iter()
                .map(|row| charts::BudgetBar {
                    label: match row.get(&label) {
                        Some(serde_json::Value::String(s)) => s.clone(),
                        Some(other) => other.to_string(),
                        None => String::new(),
                    },
                    budget: amount(row, "budget"),
                    forecast: amount(row, "forecast"),
                })
                .collect();
            Value::from_safe_string(charts::budget_vs_forecast(&bars))
        },
    );
    env.add_function("rag_history", |months: Serde<Vec<serde_json::Value>>| {
        let count = |row: &serde_json::Value, key: &str| {
            row.get(key)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0)
        };
        let rows: Vec<(String, [u64; 4])> = months
            .iter()
            .map(|m| {
                let label = match m.get("period") {
                    Some(serde_json::Value::String(s)) => s.clone(),
                    _ => String::new(),
                };
                let counts = ["rag_green", "rag_amber", "rag_red", "rag_none"].map(|k| count(m, k));
                (label, counts)
            })
            .collect();
        Value::from_safe_string(charts::rag_history(&rows))
    });
    env.add_function("risk_matrix", |risks: Serde<Vec<RiskCell>>| {
        let grid = charts::risk_matrix(open_cells(&risks.0));
        Value::from(Serde(grid))
    });
    env.add_function(
        "heat_map",
        |risks: Value, high: Option<u32>| -> Result<Value, minijinja::Error> {
            // Either the counts (`risk_counts`) or a list of risks, read where they are:
            // a copy of every risk would cost more than the rest of the report.
            let grid = match <[[u64; 5]; 5]>::deserialize(&risks) {
                Ok(grid) => grid,
                Err(_) => {
                    let cells = Vec::<RiskCell>::deserialize(&risks).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("heat_map takes risks or risk_counts: {e}"),
                        )
                    })?;
                    charts::risk_matrix(open_cells(&cells))
                }
            };
            Ok(Value::from_safe_string(charts::heat_map(
                &grid,
                high.unwrap_or(15),
            )))
        },
    );
    env.add_function(
        "timeline",
        |milestones: Serde<Vec<MilestoneRow>>, today: String| {
            let today = today.parse().unwrap_or(jiff::civil::Date::MIN);
            let rows: Vec<charts::Milestone> = milestones
                .0
                .into_iter()
                .filter_map(|m| {
                    Some(charts::Milestone {
                        name: m.name,
                        baseline: m.baseline.parse().ok()?,
                        forecast: m.forecast.and_then(|d| d.parse().ok()),
                        actual: m.actual.and_then(|d| d.parse().ok()),
                    })
                })
                .collect();
            Value::from_safe_string(charts::milestone_timeline(&rows, today))
        },
    );
}

#[derive(Deserialize)]
struct RagCounts {
    #[serde(default)]
    green: u64,
    #[serde(default)]
    amber: u64,
    #[serde(default)]
    red: u64,
    #[serde(default)]
    none: u64,
}

#[derive(Deserialize)]
struct RiskCell {
    probability: u8,
    impact: u8,
    #[serde(default)]
    status: Option<String>,
}

fn open_cells(risks: &[RiskCell]) -> impl Iterator<Item = (u8, u8)> + '_ {
    risks
        .iter()
        .filter(|r| r.status.as_deref() != Some("closed"))
        .map(|r| (r.probability, r.impact))
}

#[derive(Deserialize)]
struct MilestoneRow {
    name: String,
    baseline: String,
    forecast: Option<String>,
    actual: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn templates() -> Templates {
        let dir = tempfile::tempdir().unwrap();
        Templates::load(&crate::source::Worktree::at(dir.path())).unwrap()
    }

    #[test]
    fn undefined_values_are_named_in_release_builds_too() {
        // Without debug mode (the default of release builds) the error says only
        // "undefined value", without the expression.
        assert!(templates().env.debug());
    }

    /// `source` rendered as a template named `name` with `x` and `n`.
    fn render(name: &str, source: &str) -> Result<String, minijinja::Error> {
        let mut env = Arc::unwrap_or_clone(templates().env);
        env.add_template_owned(name.to_owned(), source.to_owned())?;
        let x = "a | b\n# c <b>@team</b> {{ 7*7 }}";
        env.get_template(name)?
            .render(minijinja::context! { x => x, n => -3, items => ["*a*", "b"] })
    }

    #[test]
    fn markdown_templates_escape_every_value() {
        let md = |source: &str| render("t.md.j2", source).unwrap();
        let x = "a \\| b<br># c \\<b>@&#8203;team\\</b> {{ 7\\*7 }}";
        assert_eq!(md("{{ x }}"), x);
        assert_eq!(md("{{ x | cell }}"), x);
        assert_eq!(md("{{ x | cell | safe }}"), x);
        assert_eq!(md("{{ x | e }}"), x);
        assert_eq!(md("{{ x | safe }}"), "a | b\n# c <b>@team</b> {{ 7*7 }}");
        assert_eq!(
            md("{{ n }} {{ n | cell }} {{ none }} {{ true }}"),
            "-3 -3 None True"
        );
        assert_eq!(md("{{ items | join(', ') }}"), "\\*a\\*, b");
        assert!(render("t.md.j2", "{{ y | cell }}").is_err());
    }

    #[test]
    fn html_templates_escape_every_value_on_one_line() {
        let html = |source: &str| render("t.html.j2", source).unwrap();
        let x = "a | b&#10;# c &lt;b&gt;@team&lt;&#x2f;b&gt; {{ 7*7 }}";
        assert_eq!(html("{{ x }}"), x);
        assert_eq!(html("{{ x | cell }}"), x);
        assert_eq!(html("{{ n }} {{ true }}"), "-3 True");
        // A partial whose name says no format is escaped as HTML.
        assert_eq!(render("_rows.j2", "{{ x }}").unwrap(), x);
    }
}
