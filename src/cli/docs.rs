use super::args::{
    Args, CompletionsArgs, ExplainArgs, ManArgs, RulesArgs, RulesFormat, SchemaArgs,
};
use anyhow::{Result, bail};
use clap::CommandFactory;
use comfy_table::{Table, presets::UTF8_FULL_CONDENSED};
use pmo::config::Config;
use pmo::rules;
use pmo::schema;
use std::process::ExitCode;

pub fn schema(args: &Args, cmd: &SchemaArgs) -> Result<ExitCode> {
    if let Some(dir) = &cmd.yaml_ls {
        return yaml_ls(dir);
    }
    let names: Vec<&str> = schema::BUILTIN
        .iter()
        .map(|(f, _)| f.trim_end_matches(".schema.json"))
        .filter(|n| *n != "defs")
        .collect();
    let selected: Vec<&str> = match cmd.kind.as_deref() {
        None if cmd.out.is_none() => {
            let mut out = String::new();
            for name in &names {
                let json = schema::builtin(&format!("{name}.schema.json"));
                out += &format!(
                    "{name:<10} {}\n",
                    json["description"].as_str().unwrap_or_default()
                );
            }
            super::print(&out)?;
            return Ok(ExitCode::SUCCESS);
        }
        None => names.clone(),
        Some(kind) if names.contains(&kind) => vec![kind],
        Some(kind) => {
            let hint = pmo::suggest::did_you_mean(kind, names.iter().copied())
                .unwrap_or_else(|| format!("the schemas are {}", names.join(", ")));
            bail!("no schema `{kind}`: {hint}");
        }
    };
    let files: Vec<String> = selected
        .iter()
        .map(|name| format!("{name}.schema.json"))
        .collect();
    let config = configuration(args)?;
    let Some(dir) = &cmd.out else {
        for file in &files {
            super::print(
                &(serde_json::to_string_pretty(&schema::bundled(file, &config.project.optional))?
                    + "\n"),
            )?;
        }
        return Ok(ExitCode::SUCCESS);
    };
    // Relative to -C, as if started there.
    let dir = args.start_dir().join(dir);
    let mut set = super::writing(args, &dir)?;
    for file in &files {
        set.add(
            file,
            serde_json::to_string_pretty(&schema::bundled(file, &config.project.optional))? + "\n",
        );
    }
    set.hint("choose another -o DIR");
    for path in set.write()? {
        super::print(&format!("{}\n", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `pmo schema --yaml-ls DIR`: the `yaml.schemas` setting of the YAML language server,
/// each schema file of DIR with the globs of the files of its kind.
fn yaml_ls(dir: &str) -> Result<ExitCode> {
    let dir = dir.trim_end_matches('/');
    let mut map = serde_json::Map::new();
    map.insert(
        format!("{dir}/pmo.schema.json"),
        serde_json::json!([pmo::config::FILE]),
    );
    for kind in pmo::model::Kind::ALL {
        let globs = pmo::scaffold::layout_globs(kind);
        map.insert(
            format!("{dir}/{kind}.schema.json"),
            serde_json::json!(globs),
        );
    }
    let settings = serde_json::json!({ "yaml.schemas": map });
    super::print(&(serde_json::to_string_pretty(&settings)? + "\n"))?;
    Ok(ExitCode::SUCCESS)
}

/// The configuration that shapes the schemas (`project.optional`), so that an editor
/// asks for what `pmo check` asks for: that of the governance repository around the start
/// directory, at `--rev` when given. Outside any repository, the defaults: the built-in
/// schemas.
fn configuration(args: &Args) -> Result<Config> {
    if args.rev.is_none() && pmo::source::Worktree::discover(&args.start_dir()).is_err() {
        return Ok(Config::default());
    }
    super::with_source(args, |source, _| Ok(pmo::repository::load_config(source)?))
}

pub fn rules(args: &Args, cmd: &RulesArgs) -> Result<ExitCode> {
    let config = configuration(args)?;
    if cmd.test {
        return test(args, &config);
    }
    let all = rules::catalogue(&config);
    let text = match cmd.format {
        RulesFormat::Md => rules::markdown(&all),
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = all
                .iter()
                .map(|r| serde_json::json!({"code": r.code, "name": r.name, "severity": r.severity.as_str(), "summary": r.summary}))
                .collect();
            serde_json::to_string_pretty(&list)? + "\n"
        }
        RulesFormat::Table => {
            let mut table = Table::new();
            table
                .load_style(UTF8_FULL_CONDENSED)
                .set_header(["code", "name", "severity", "finds"]);
            for r in &all {
                let text = |t| pmo::escape::terminal(t).into_owned();
                table.add_row([
                    r.code.as_str().into(),
                    text(r.name),
                    r.severity.as_str().into(),
                    text(r.summary),
                ]);
            }
            format!("{table}\n")
        }
    };
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// `pmo rules --test`: one line per example, then the count; exit 1 on a failure.
fn test(args: &Args, config: &Config) -> Result<ExitCode> {
    let outcomes = pmo::check::examples(config, args.today());
    let mut text = String::new();
    for o in &outcomes {
        let (status, why) = match &o.failure {
            None => ("ok  ", String::new()),
            Some(why) => ("FAIL", format!(": {why}")),
        };
        text += &pmo::escape::terminal(&format!("{status}  {}  {}{why}", o.code, o.example));
        text.push('\n');
    }
    let failed = outcomes.iter().filter(|o| o.failure.is_some()).count();
    text += &format!(
        "{} examples: {} passed, {failed} failed\n",
        outcomes.len(),
        outcomes.len() - failed
    );
    super::print(&text)?;
    Ok(ExitCode::from(u8::from(failed > 0)))
}

pub fn explain(args: &Args, cmd: &ExplainArgs) -> Result<ExitCode> {
    let config = configuration(args)?;
    let all = rules::catalogue(&config);
    let Some(rule) = all
        .iter()
        .find(|r| r.code.as_str().eq_ignore_ascii_case(&cmd.code))
    else {
        let hint = pmo::suggest::did_you_mean(&cmd.code, all.iter().map(|r| r.code.as_str()))
            .unwrap_or_else(|| "`pmo rules` lists them".into());
        bail!("no rule `{}`: {hint}", cmd.code);
    };
    // An organisation's rule is pmo.yaml's text: each line as a terminal line.
    let doc: Vec<_> = rule.doc.trim().lines().map(pmo::escape::terminal).collect();
    super::print(&format!(
        "{} {} ({})\n\n{}\n\n{}\n",
        rule.code,
        pmo::escape::terminal(rule.name),
        rule.severity.as_str(),
        pmo::escape::terminal(rule.summary),
        doc.join("\n")
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// `pmo completions SHELL`: the shell's completion script, from the clap definitions.
pub fn completions(cmd: &CompletionsArgs) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(cmd.shell, &mut Args::command(), "pmo", &mut script);
    super::print(&String::from_utf8_lossy(&script))?;
    Ok(ExitCode::SUCCESS)
}

/// `pmo man`: the man page, from the clap definitions; with `-o DIR`, a page per command
/// too (the pages pmo(1) refers to).
pub fn man(args: &Args, cmd: &ManArgs) -> Result<ExitCode> {
    let render = |command: clap::Command| -> Result<String> {
        let mut page = Vec::new();
        clap_mangen::Man::new(command).render(&mut page)?;
        Ok(String::from_utf8_lossy(&page).into_owned())
    };
    let top = Args::command();
    let Some(dir) = &cmd.out else {
        super::print(&render(top)?)?;
        return Ok(ExitCode::SUCCESS);
    };
    let mut set = super::writing(args, &args.start_dir().join(dir))?;
    set.add("pmo.1", render(top.clone())?);
    for sub in top.get_subcommands() {
        let name = format!("pmo-{}", sub.get_name());
        set.add(
            &format!("{name}.1"),
            render(
                sub.clone()
                    .name(name.clone())
                    .version(env!("CARGO_PKG_VERSION")),
            )?,
        );
    }
    set.hint("choose another -o DIR");
    for path in set.write()? {
        super::print(&format!("{}\n", path.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
