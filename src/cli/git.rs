//! `pmo diff` and `pmo history`: what changes did to the portfolio, read from git.

use super::args::{Args, DiffArgs, DiffFormat, HistoryArgs};
use anyhow::Result;
use pmo::changes::{self, ChangeKind, DocDiff, FieldChange};
use pmo::escape;
use pmo::git::{self, Head};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::process::ExitCode;

pub fn diff(args: &Args, cmd: &DiffArgs) -> Result<ExitCode> {
    let git = super::open_git(args)?;
    // Said here, not by `resolve`: dropping `--rev` would not help a diff.
    if git.has_no_commits() {
        anyhow::bail!("the repository has no commits yet: there is no base to compare with");
    }
    let (base, head_commit) = sides(&git, args, cmd)?;
    // Listing a whole tree costs as much as the repository is large: a diff of two
    // commits lists none unless `--check` reads both revisions.
    let judge = match head_commit {
        Some(_) if !cmd.check => None,
        _ => Some(git::GitTree::new(&git, base)?),
    };
    // The working tree as the base sees it: with the base's ignore rules, not the change's.
    let worktree = match (head_commit, &judge) {
        (None, Some(judge)) => super::judged_worktree(args, judge).ok(),
        _ => None,
    };
    let head = || -> Result<Head<'_>> {
        Ok(match (head_commit, &worktree) {
            (Some(id), _) => Head::Commit(id),
            (None, Some(tree)) => Head::Worktree(tree),
            (None, None) => anyhow::bail!("no working tree here: name the head revision"),
        })
    };
    let head_tree = head_commit
        .filter(|_| cmd.check)
        .map(|id| git::GitTree::new(&git, id))
        .transpose()?;
    // Without `--check`, a head commit is read for its configuration alone.
    let head_config = match (head_commit, &head_tree) {
        (Some(id), None) => Some(git.config_at(id)),
        _ => None,
    };
    let head_source: &dyn pmo::source::Source = match (&head_tree, &head_config, &worktree) {
        (Some(tree), _, _) => tree,
        (None, Some(config), _) => config,
        (None, None, Some(tree)) => tree,
        (None, None, None) => anyhow::bail!("no working tree here: name the head revision"),
    };
    // The head's configuration grades computed RAG on both sides.
    let config = pmo::repository::load_config(head_source).unwrap_or_default();
    let mut change = changes::diff(&git, base, head()?, &config, args.today())?;
    if let (true, Some(judge)) = (cmd.check, &judge) {
        let before = pmo::repository::load(judge)?;
        // The base's configuration and overlays judge the head's documents.
        let mut after = pmo::repository::load_judged(head_source, judge)?;
        let tip = match head_commit {
            Some(id) => id,
            None => git.resolve("HEAD")?,
        };
        let reviews = approvals(args, cmd.approvals.as_deref(), tip)?;
        let judge = pmo::check::Judge {
            git: &git,
            base,
            tip,
            source: head_source,
            today: args.today(),
            reviews: reviews.as_ref(),
        };
        change.findings = pmo::check::judge(&judge, &change, &mut after, Some(&before))?.findings;
    }
    // Like `check`: a change that introduces an error fails.
    let failed = change
        .findings
        .as_ref()
        .is_some_and(|f| f.introduced.iter().any(|x| x.severity == "error"));
    let text = match cmd.format {
        DiffFormat::Json => {
            serde_json::to_string_pretty(&json!({"version": 1, "diff": change}))? + "\n"
        }
        DiffFormat::Md => markdown(&change),
        DiffFormat::Table => plain(&change),
    };
    super::print(&text)?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The base and the head commit (`None`: the working tree) a diff compares, as git reads
/// its arguments: `A B` and `A..B` compare the two trees as given; `A...B` compares B
/// with where it left A; one revision `A` compares the head (`--rev`, else the working
/// tree and HEAD) with where it left A; none, with where it left the default branch.
fn sides(
    git: &git::Git,
    args: &Args,
    cmd: &DiffArgs,
) -> Result<(gix::ObjectId, Option<gix::ObjectId>)> {
    // An empty side of a range is HEAD, as in git (`main...` is `main...HEAD`).
    let rev = |r: &str| git.resolve(if r.is_empty() { "HEAD" } else { r });
    let rev_head = || args.rev.as_deref().map(|r| git.resolve(r)).transpose();
    let Some(base) = cmd.base.as_deref() else {
        return Ok((git.default_base()?, rev_head()?));
    };
    let range = match base.split_once("...") {
        Some(sides) => Some((sides, true)),
        None => base.split_once("..").map(|sides| (sides, false)),
    };
    if let Some(((from, to), three_dots)) = range {
        if cmd.head.is_some() {
            anyhow::bail!("`{base}` names both sides already: drop the second revision");
        }
        let (from, to) = (rev(from)?, rev(to)?);
        let from = if three_dots {
            git.merge_base(from, to)?
        } else {
            from
        };
        return Ok((from, Some(to)));
    }
    match &cmd.head {
        Some(head) => Ok((git.resolve(base)?, Some(git.resolve(head)?))),
        None => {
            let head = rev_head()?;
            let tip = match head {
                Some(id) => id,
                None => git.resolve("HEAD")?,
            };
            Ok((git.branch_point(base, tip)?, head))
        }
    }
}

/// How a text is made safe for the output: [`escape::terminal`] or [`escape::markdown`].
pub(super) type Escape = fn(&str) -> Cow<'_, str>;

/// An amount as the views write it: `1,250,000 EUR`. The number is pmo's own text; only
/// the currency code comes from the repository.
fn amount(x: f64, currency: &str, esc: Escape) -> String {
    format!("{} {}", pmo::metrics::money(x), esc(currency))
        .trim_end()
        .to_owned()
}

/// A field's value; an amount (`currency` known) as money.
pub(super) fn value(v: &Option<Value>, currency: Option<&str>, esc: Escape) -> String {
    match v {
        None | Some(Value::Null) => "–".into(),
        Some(Value::String(s)) => esc(s).into_owned(),
        Some(other) => match (other.as_f64(), currency) {
            (Some(x), Some(currency)) => amount(x, currency, esc),
            _ => esc(&other.to_string()).into_owned(),
        },
    }
}

/// `field: old → new`, the field escaped by `esc` as its values are.
fn field_change(f: &FieldChange, esc: Escape) -> (Cow<'_, str>, String, String) {
    let (old, new) = match &f.currency {
        Some((old, new)) => (Some(old.as_str()), Some(new.as_str())),
        None => (None, None),
    };
    (
        esc(&f.field),
        value(&f.old, old, esc),
        value(&f.new, new, esc),
    )
}

pub(super) fn field_line(f: &FieldChange) -> String {
    let (field, old, new) = field_change(f, escape::terminal);
    format!("{field}: {old} → {new}")
}

/// One commit of a document's past as `history` and `baselines` write it: a line with
/// the commit's date, id, author, email and summary (`made`) and `what` it did
/// (Markdown: a list item), then its field changes, indented.
pub(super) fn commit_block(
    md: bool,
    made: [&str; 5],
    what: &str,
    fields: &[FieldChange],
) -> String {
    let esc: Escape = if md {
        escape::markdown
    } else {
        escape::terminal
    };
    let [date, commit, author, email, summary] = made.map(esc);
    let mut out = if md {
        format!("- **{date}** `{commit}` {author} \\<{email}\\>: {summary} ({what})\n")
    } else {
        format!("{date} {commit} {author} <{email}>  {summary}  ({what})\n")
    };
    for f in fields {
        out += &if md {
            format!("  {}\n", field_item(f, esc))
        } else {
            format!("    {}\n", field_line(f))
        };
    }
    out
}

/// A Markdown list item: ``- `field`: old → new``.
pub(super) fn field_item(f: &FieldChange, esc: Escape) -> String {
    let (field, old, new) = field_change(f, esc);
    format!("- `{field}`: {old} → {new}")
}

fn verb(d: &DocDiff, esc: Escape) -> String {
    match d.change {
        ChangeKind::Added => "added".into(),
        ChangeKind::Removed => "removed".into(),
        ChangeKind::Modified => "changed".into(),
        ChangeKind::Unreadable => "made unreadable".into(),
        ChangeKind::IdChanged => format!(
            "id changed from {}",
            esc(d.old_id.as_deref().unwrap_or_default())
        ),
        ChangeKind::Renamed => format!(
            "moved from {}",
            esc(d.old_file.as_deref().unwrap_or_default())
        ),
    }
}

/// `3 documents changed: 1 added, 2 changed` and the totals moved.
fn headline(c: &changes::Change, esc: Escape) -> Vec<String> {
    let count = |k| c.documents.iter().filter(|d| d.change == k).count();
    let mut parts = Vec::new();
    for (k, word) in [
        (ChangeKind::Added, "added"),
        (ChangeKind::Removed, "removed"),
        (ChangeKind::Renamed, "moved"),
        (ChangeKind::Modified, "changed"),
        (ChangeKind::IdChanged, "with a new id"),
    ] {
        let n = count(k);
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    let mut lines = vec![if parts.is_empty() && c.unidentified.is_empty() {
        "No document changed.".to_owned()
    } else if parts.is_empty() {
        "No identified document changed.".to_owned()
    } else {
        format!(
            "{} document{}: {}.",
            c.documents.len(),
            if c.documents.len() == 1 { "" } else { "s" },
            parts.join(", ")
        )
    }];
    let money = |label: &str, m: &std::collections::BTreeMap<String, f64>| {
        m.iter()
            .map(|(cur, v)| {
                let sign = if *v > 0.0 { "+" } else { "" };
                format!("{label} {sign}{}", amount(*v, cur, esc))
            })
            .collect::<Vec<_>>()
    };
    let mut totals = money("budget", &c.deltas.budget);
    totals.extend(money("forecast", &c.deltas.forecast));
    totals.extend(money("risk exposure", &c.deltas.exposure));
    totals.extend(
        c.deltas
            .rag
            .iter()
            .map(|(rag, n)| format!("{n:+} {rag} project{}", if n.abs() == 1 { "" } else { "s" })),
    );
    if !totals.is_empty() {
        lines.push(format!("Portfolio: {}.", totals.join(", ")));
    }
    if !c.unparsed.is_empty() {
        let files: Vec<String> = c
            .unparsed
            .iter()
            .map(|f| esc(&f.to_string()).into_owned())
            .collect();
        lines.push(format!(
            "Not readable as YAML, so not compared: {}.",
            files.join(", ")
        ));
    }
    if !c.unidentified.is_empty() {
        let docs: Vec<String> = c
            .unidentified
            .iter()
            .map(|u| match &u.kind {
                Some(kind) => format!("{} ({})", esc(&u.file), esc(kind)),
                None => esc(&u.file).into_owned(),
            })
            .collect();
        lines.push(format!(
            "Documents pmo could not identify (no `kind` or `id` it can read), so not compared: {}.",
            docs.join(", ")
        ));
    }
    if let Some(f) = &c.findings {
        lines.push(format!(
            "Findings: {} introduced, {} fixed.",
            f.introduced.len(),
            f.fixed.len()
        ));
    }
    lines
}

fn plain(c: &changes::Change) -> String {
    let text = escape::terminal;
    let mut out = format!("{} → {}\n", text(&c.base), text(&c.head));
    for line in headline(c, text) {
        out += &line;
        out.push('\n');
    }
    if let Some(f) = &c.findings {
        for (label, list) in [("introduced", &f.introduced), ("fixed", &f.fixed)] {
            for x in list.iter() {
                out += &format!(
                    "{label}: {}:{}: {}[{}]: {}\n",
                    text(&x.file),
                    x.line,
                    x.severity,
                    x.code,
                    text(&x.message)
                );
            }
        }
    }
    for d in &c.documents {
        out += &format!(
            "\n{} {} ({}) {}\n",
            text(d.kind.as_str()),
            text(&d.id),
            text(&d.file),
            verb(d, text)
        );
        for note in &d.notes {
            out += &format!("  * {}\n", text(&note.to_string()));
        }
        for f in &d.fields {
            out += &format!("  {}\n", field_line(f));
        }
    }
    out
}

/// A pull-request comment: the headline first, the details folded. Every text from the
/// repository or git goes through [`escape::markdown`], also inside code spans (where it
/// cannot close the span).
fn markdown(c: &changes::Change) -> String {
    let md = escape::markdown;
    let mut out = String::from("### Portfolio change\n\n");
    for line in headline(c, md) {
        out += &format!("{line}\n");
    }
    if let Some(f) = &c.findings
        && !(f.introduced.is_empty() && f.fixed.is_empty())
    {
        out += "\n| | finding | where |\n| --- | --- | --- |\n";
        for (label, list) in [("❌ introduced", &f.introduced), ("✅ fixed", &f.fixed)] {
            for x in list.iter() {
                out += &format!(
                    "| {label} | {} {}: {} | `{}:{}` |\n",
                    x.severity,
                    x.code,
                    md(&x.message),
                    md(&x.file),
                    x.line
                );
            }
        }
    }
    let noted = &c.documents;
    if !noted.is_empty() {
        out += "\n| document | change | in governance terms |\n| --- | --- | --- |\n";
        for d in noted {
            let notes: Vec<String> = d
                .notes
                .iter()
                .map(|n| md(&n.to_string()).into_owned())
                .collect();
            out += &format!(
                "| {} `{}` | {} | {} |\n",
                md(d.kind.as_str()),
                md(&d.id),
                verb(d, md),
                notes.join("; ")
            );
        }
    }
    // A pure move or an added document changes no field: no empty fold.
    let with_fields: Vec<&DocDiff> = noted.iter().filter(|d| !d.fields.is_empty()).collect();
    if !with_fields.is_empty() {
        out += "\n<details><summary>Field changes</summary>\n\n";
        for d in with_fields {
            out += &format!(
                "**{} `{}`** ({})\n\n",
                md(d.kind.as_str()),
                md(&d.id),
                md(&d.file)
            );
            for f in &d.fields {
                out += &field_item(f, md);
                out.push('\n');
            }
            out.push('\n');
        }
        out += "</details>\n";
    }
    out += &format!(
        "\n<sub>{} → {} · {} files compared</sub>\n",
        md(&c.base),
        md(&c.head),
        c.files_changed
    );
    out
}

/// `e`, or, when it is "no pmo.yaml" in a bare repository without `--rev`, the real
/// cause: there is no working tree to read, only revisions.
pub fn no_worktree(args: &Args, e: anyhow::Error) -> anyhow::Error {
    match bare(args, &e) {
        Some(dir) => anyhow::anyhow!(
            "{} is a bare git repository: it has no working tree to read; name a revision with --rev, e.g. `pmo --rev HEAD check`",
            dir.display()
        ),
        None => e,
    }
}

/// The bare git repository `e` ("no pmo.yaml") was met in, without `--rev`.
pub fn bare(args: &Args, e: &anyhow::Error) -> Option<std::path::PathBuf> {
    if args.rev.is_none()
        && let Some(pmo::Error::NotARepository(dir)) = e.downcast_ref()
        && let Ok(Some(git)) = git::Git::discover(dir)
        && git.is_bare()
    {
        return Some(dir.clone());
    }
    None
}

pub fn history(args: &Args, cmd: &HistoryArgs) -> Result<ExitCode> {
    let (git, tip) = start(args, &cmd.id)?;
    // The repository's currency, for amounts whose document does not name one.
    let currency = pmo::repository::load_config(&git::GitTree::new(&git, tip)?)
        .ok()
        .and_then(|c| c.currency)
        .unwrap_or_default();
    let select = changes::Select {
        since: cmd.since,
        limit: cmd.limit.map(|n| n as usize),
    };
    let events = changes::history(&git, tip, &cmd.id, &currency, &select)?;
    let text = match cmd.format {
        DiffFormat::Json => super::versioned_json(args, json!({"id": cmd.id, "history": events}))?,
        DiffFormat::Md | DiffFormat::Table => {
            let md = matches!(cmd.format, DiffFormat::Md);
            let mut out = String::new();
            for e in &events {
                let esc: Escape = if md {
                    escape::markdown
                } else {
                    escape::terminal
                };
                let what = match e.change {
                    ChangeKind::Added => format!("added in {}", esc(&e.file)),
                    ChangeKind::Removed => format!("removed from {}", esc(&e.file)),
                    ChangeKind::Renamed => format!(
                        "moved from {} to {}",
                        esc(e.old_file.as_deref().unwrap_or_default()),
                        esc(&e.file)
                    ),
                    ChangeKind::Modified => "changed".into(),
                    ChangeKind::IdChanged => "id changed".into(),
                    ChangeKind::Unreadable => {
                        format!("made {} unreadable as YAML", esc(&e.file))
                    }
                };
                let made = [&e.date, &e.commit, &e.author, &e.email, &e.summary];
                out += &commit_block(md, made.map(String::as_str), &what, &e.fields);
            }
            out
        }
    };
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `--approvals FILE` (relative to the start directory): the forge's approvals of the
/// head commit `tip`. The CI job's own file, read from disk.
pub fn approvals(
    args: &Args,
    file: Option<&std::path::Path>,
    tip: gix::ObjectId,
) -> anyhow::Result<Option<pmo::changes::Reviews>> {
    let Some(file) = file else {
        return Ok(None);
    };
    let path = args.start_dir().join(file);
    let shown = pmo::escape::terminal(&path.display().to_string()).into_owned();
    let bytes = pmo::source::file::read_named(None, &path).map_err(|why| why.refuse(&shown))?;
    let text = String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{shown} is not UTF-8"))?;
    let reviews = pmo::changes::Reviews::parse(&text, &tip.to_string())
        .map_err(|e| anyhow::anyhow!("--approvals {shown}: {e}"))?;
    Ok(Some(reviews))
}

/// An empty ID (`pmo history ""`, a shell variable that was not set) names no document.
fn named(id: &str) -> Result<()> {
    if id.is_empty() {
        anyhow::bail!("the document's id is empty: name one, e.g. `pmo history apollo`");
    }
    Ok(())
}

/// The repository and the commit a document's past is read from: `--rev`, else HEAD.
/// `id` names the document in the message of a repository without commits.
pub(super) fn start(args: &Args, id: &str) -> Result<(git::Git, gix::ObjectId)> {
    named(id)?;
    let git = super::open_git(args)?;
    if git.has_no_commits() {
        anyhow::bail!("the repository has no commits yet: `{id}` has no history; commit first");
    }
    let tip = git.resolve(args.rev.as_deref().unwrap_or("HEAD"))?;
    Ok((git, tip))
}

/// "no KIND `ID` at REV" ("no document" without a kind), with the closest id (of that
/// kind) the revision has, when one is close enough to be a typo. Reads every document of
/// the revision: only on this error.
pub(super) fn missing(
    git: &git::Git,
    tip: gix::ObjectId,
    id: &str,
    kind: Option<pmo::model::Kind>,
) -> anyhow::Error {
    let at = tip.to_hex_with_len(12);
    let hint = git::GitTree::new(git, tip)
        .ok()
        .and_then(|tree| pmo::repository::load(&tree).ok())
        .and_then(|repo| {
            let portfolio = repo.portfolio();
            match kind {
                Some(kind) => pmo::suggest::did_you_mean(id, portfolio.ids_of(kind)),
                None => pmo::suggest::did_you_mean(
                    id,
                    portfolio.documents().iter().filter_map(|d| d.id()),
                ),
            }
        })
        .map(|hint| format!("; {hint}"))
        .unwrap_or_default();
    let what = kind.map_or("document", |k| k.as_str());
    anyhow::anyhow!("no {what} `{id}` at {at}{hint}")
}
