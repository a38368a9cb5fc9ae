//! Compiling policies: every expression parsed once, its names checked, its cost bounded.
//! A problem is returned with the field of the policy it is in and, inside an expression,
//! its offset: `config` turns it into a located S002 finding.

use super::Policy;
use crate::code::Code;
use crate::model::Kind;
use crate::parse::Seg;
use crate::schema::navigate;
use crate::suggest::{did_you_mean, list};
use cel::common::ast::{EntryExpr, Expr, IdedExpr};
use cel::{Env, Program};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

/// The variables an expression sees (docs/policies.md describes each).
pub const VARIABLES: [&str; 7] = [
    "doc", "item", "project", "today", "figures", "related", "config",
];

/// A policy, compiled.
pub struct Compiled {
    pub code: Code,
    pub kinds: Vec<Kind>,
    pub when: Option<Program>,
    pub assert: Program,
    pub message: Vec<Part>,
    /// The deepest nesting of comprehensions (`all`, `exists`, `map`...) in its
    /// expressions, and how many nodes they have: the terms of its step bound.
    pub depth: u32,
    pub nodes: usize,
    /// The variables and lookups (`people`, `projects`...) its expressions read: only
    /// those are made for an evaluation.
    pub uses: BTreeSet<String>,
    /// The fields of `doc` its expressions read (`doc.baseline.budget` reads
    /// `baseline`): only those are made CEL values. `None` when `doc` is read whole.
    pub doc_fields: Option<BTreeSet<String>>,
    /// The fields its expressions name, checked against the schemas with overlays.
    fields: Vec<FieldRef>,
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("code", &self.code)
            .finish()
    }
}

/// A part of a message: text, or an expression whose value is written there.
pub enum Part {
    Text(String),
    Expr(Program),
}

/// What a chain of field selections starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    Doc,
    Item,
    Project,
}

struct FieldRef {
    root: Root,
    path: Vec<String>,
    /// A literal it is compared with (`doc.title > 5`): its type, and where it is.
    compared: Option<(Type, usize)>,
    /// The policy's field the expression is in (`assert`), and where each field of the
    /// path is written there.
    field: &'static str,
    offsets: Vec<usize>,
}

/// A problem of one policy: the field it is in (`assert`, `kinds`...) and, inside an
/// expression, the character offset.
#[derive(Debug, Clone)]
pub struct Problem {
    pub policy: usize,
    pub field: &'static str,
    pub offset: Option<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// The CEL environment: the standard library, `days(n)`, `inDays(duration)` and
/// `date('2026-11-20')`. Each thread has its own: every evaluation holds a reference to
/// it, and two threads counting references to one would wait on each other.
pub fn env() -> Arc<Env> {
    thread_local! {
        static ENV: Arc<Env> = Arc::new(make_env());
    }
    ENV.with(Arc::clone)
}

fn make_env() -> Env {
    use cel::common::types::{CelDuration, CelInt, CelString, CelTimestamp};
    fn days(n: &CelInt) -> Result<CelDuration, cel::ExecutionError> {
        chrono::Duration::try_days(*n.inner())
            .map(CelDuration::from)
            .ok_or_else(|| cel::ExecutionError::function_error("days", "out of range"))
    }
    fn in_days(d: &CelDuration) -> CelInt {
        CelInt::from(d.inner().num_days())
    }
    fn date(text: &CelString<'_>) -> Result<CelTimestamp, cel::ExecutionError> {
        super::value::date_of(text.inner()).ok_or_else(|| {
            cel::ExecutionError::function_error("date", "not a date written YYYY-MM-DD")
        })
    }
    let mut env = Env::stdlib();
    // These names are new to the standard library: declaring them cannot fail.
    let _ = cel::add_overload!(env, fn days: (CelInt) -> Result<CelDuration>);
    let _ = cel::add_overload!(env, fn in_days: (CelDuration) -> CelInt);
    let _ = cel::add_overload!(env, fn date: (CelString) -> Result<CelTimestamp>);
    env
}

/// Compiles every policy; what is wrong is returned, all of it.
pub fn compile(policies: &mut [Policy]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut codes: Vec<String> = Vec::new();
    for (i, p) in policies.iter_mut().enumerate() {
        let mut problem = |field, offset, message: String, help: Option<String>| {
            problems.push(Problem {
                policy: i,
                field,
                offset,
                message,
                help,
            })
        };
        let code = Code::org(&p.code);
        if code.is_none() {
            problem(
                "code",
                None,
                format!("`{}` is not an organisation code", p.code),
                Some(
                    "write capitals, a `-`, then capitals or digits (`ORG-001`): such a code never clashes with a built-in one".into(),
                ),
            );
        } else if codes.contains(&p.code) {
            problem(
                "code",
                None,
                format!("code `{}` is used by an earlier policy", p.code),
                None,
            );
        }
        codes.push(p.code.clone());
        let mut kinds = Vec::new();
        for name in &p.kinds {
            match Kind::parse(name) {
                Some(k) => kinds.push(k),
                None => {
                    let names = Kind::ALL.map(Kind::as_str);
                    problem(
                        "kinds",
                        None,
                        format!("`{name}` is not a kind"),
                        Some(
                            did_you_mean(name, names)
                                .unwrap_or_else(|| format!("kinds are {}", list(&names))),
                        ),
                    );
                }
            }
        }
        if p.kinds.is_empty() {
            problem(
                "kinds",
                None,
                "a policy applies to at least one kind".into(),
                None,
            );
        }
        let mut walk = Walk::new(i, p.each.is_some());
        let when = p
            .when
            .as_deref()
            .and_then(|src| walk.program("when", src, 0));
        let assert = walk.program("assert", &p.assert, 0);
        let message = walk.message(&p.message);
        if let Some(each) = &p.each {
            for &kind in &kinds {
                let schema = crate::schema::builtin(&format!("{kind}.schema.json"));
                let nodes = navigate::at_path(&schema, &[Seg::Key(each)]);
                if !nodes.iter().any(|n| n.get("items").is_some()) {
                    walk.problems.push(Problem {
                        policy: i,
                        field: "each",
                        offset: None,
                        message: format!("`{each}` of {} {kind} is not a list", kind.article()),
                        help: None,
                    });
                }
            }
        }
        // The field a finding points at is checked like a field an expression reads.
        if let Some(at) = &p.at {
            let path: Vec<String> = at.split('.').map(str::to_owned).collect();
            walk.fields.push(FieldRef {
                root: if p.each.is_some() {
                    Root::Item
                } else {
                    Root::Doc
                },
                offsets: vec![0; path.len()],
                path,
                compared: None,
                field: "at",
            });
        }
        problems.append(&mut walk.problems);
        if let (Some(code), Some(assert), Some(message)) = (code, assert, message)
            && (p.when.is_none() || when.is_some())
        {
            p.compiled = Some(Arc::new(Compiled {
                code,
                kinds,
                when,
                assert,
                message,
                depth: walk.max_depth,
                nodes: walk.nodes,
                uses: walk.uses,
                doc_fields: walk.doc_fields,
                fields: walk.fields,
            }));
        }
    }
    problems
}

/// The fields each policy names that the schema of what it reads does not declare:
/// `schema_of(kind)` is the kind's schema with the repository's overlays.
pub fn check_fields<'s>(
    policies: &[Policy],
    schema_of: impl Fn(Kind) -> &'s Value,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, p) in policies.iter().enumerate() {
        let Some(compiled) = &p.compiled else {
            continue;
        };
        for field in &compiled.fields {
            let (kinds, prefix): (Vec<Kind>, Vec<Seg<'_>>) = match field.root {
                Root::Doc => (compiled.kinds.clone(), vec![]),
                Root::Item => (
                    compiled.kinds.clone(),
                    vec![
                        Seg::Key(p.each.as_deref().unwrap_or_default()),
                        Seg::Index(0),
                    ],
                ),
                Root::Project => (vec![Kind::Project], vec![]),
            };
            for kind in kinds {
                let schema = schema_of(kind);
                let mut nodes = navigate::at_path(schema, &prefix);
                let mut declared_whole = true;
                for (depth, name) in field.path.iter().enumerate() {
                    let declared = navigate::declared(&nodes);
                    if !declared.contains(&name.as_str()) && navigate::refuses_others(&nodes) {
                        let whose = match (field.root, depth) {
                            (Root::Project, 0) => "a project".to_owned(),
                            (Root::Item, 0) => {
                                format!("an element of `{}`", p.each.as_deref().unwrap_or_default())
                            }
                            (_, 0) => format!("{} {kind}", kind.article()),
                            _ => format!("`{}`", field.path[..depth].join(".")),
                        };
                        problems.push(Problem {
                            policy: i,
                            field: field.field,
                            offset: Some(field.offsets[depth]),
                            message: format!("{whose} has no field `{name}`"),
                            help: Some(
                                did_you_mean(name, declared.iter().copied()).unwrap_or_else(|| {
                                    format!("its fields are {}", list(&declared))
                                }),
                            ),
                        });
                        declared_whole = false;
                        break;
                    }
                    nodes = navigate::step(schema, &nodes, Seg::Key(name));
                    if nodes.is_empty() {
                        declared_whole = false;
                        break;
                    }
                }
                if let (true, Some((literal, offset)), Some(declared)) =
                    (declared_whole, field.compared, Type::declared(&nodes))
                    && !declared.compares_with(literal)
                {
                    let name = field.path.join(".");
                    problems.push(Problem {
                        policy: i,
                        field: field.field,
                        offset: Some(offset),
                        message: format!(
                            "`{name}` of {} {kind} is {}, compared here with {}",
                            kind.article(),
                            declared.name(),
                            literal.name()
                        ),
                        help: declared.hint(),
                    });
                }
            }
        }
    }
    problems.dedup_by(|a, b| a.offset == b.offset && a.field == b.field && a.message == b.message);
    problems
}

/// What the schema declares a field to be, or what a literal is, as far as comparing
/// them goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Text,
    Number,
    Bool,
    Date,
    Null,
}

impl Type {
    fn of(literal: &cel::common::ast::LiteralValue) -> Option<Type> {
        use cel::common::ast::LiteralValue as L;
        match literal {
            L::String(_) => Some(Type::Text),
            L::Int(_) | L::UInt(_) | L::Double(_) => Some(Type::Number),
            L::Boolean(_) => Some(Type::Bool),
            L::Null => Some(Type::Null),
            L::Bytes(_) => None,
        }
    }

    /// The one type the schema nodes of a field agree on, if they say.
    fn declared(nodes: &[&Value]) -> Option<Type> {
        let mut found = None;
        for node in nodes {
            let t = if node.get("format").and_then(Value::as_str) == Some("date") {
                Type::Date
            } else {
                match node.get("type").and_then(Value::as_str) {
                    Some("string") => Type::Text,
                    Some("number" | "integer") => Type::Number,
                    Some("boolean") => Type::Bool,
                    _ => continue,
                }
            };
            match found {
                None | Some(Type::Text) if t == Type::Date => found = Some(t),
                None => found = Some(t),
                Some(Type::Date) if t == Type::Text => {}
                Some(other) if other != t => return None,
                _ => {}
            }
        }
        found
    }

    fn compares_with(self, literal: Type) -> bool {
        literal == Type::Null || literal == self
    }

    fn name(self) -> &'static str {
        match self {
            Type::Text => "text",
            Type::Number => "a number",
            Type::Bool => "true or false",
            Type::Date => "a date",
            Type::Null => "null",
        }
    }

    fn hint(self) -> Option<String> {
        (self == Type::Date).then(|| {
            "compare a date with a date: `today`, `date('2027-01-01')`, another date field, or one moved by `days(n)`".into()
        })
    }
}

/// How deep an expression may nest: evaluating is recursive, and a chain of thousands of
/// `+` would exhaust a thread's stack.
const MAX_LEVELS: usize = 256;

/// How long an expression may be, so that parsing it stays bounded too.
const MAX_CHARS: usize = 4096;

/// A walk over the expressions of one policy.
struct Walk {
    policy: usize,
    each: bool,
    problems: Vec<Problem>,
    fields: Vec<FieldRef>,
    uses: BTreeSet<String>,
    doc_fields: Option<BTreeSet<String>>,
    bound: Vec<String>,
    depth: u32,
    max_depth: u32,
    nodes: usize,
    /// How deep the node being walked is, and the deepest of the expression.
    level: usize,
    max_level: usize,
    /// Where the expression being walked is: its field, its offset there, its program.
    field: &'static str,
    base: usize,
}

impl Walk {
    fn new(policy: usize, each: bool) -> Walk {
        Walk {
            policy,
            each,
            problems: Vec::new(),
            fields: Vec::new(),
            uses: BTreeSet::new(),
            doc_fields: Some(BTreeSet::new()),
            bound: Vec::new(),
            depth: 0,
            max_depth: 0,
            nodes: 0,
            level: 0,
            max_level: 0,
            field: "assert",
            base: 0,
        }
    }

    fn problem(&mut self, offset: usize, message: String, help: Option<String>) {
        self.problems.push(Problem {
            policy: self.policy,
            field: self.field,
            offset: Some(self.base + offset),
            message,
            help,
        });
    }

    /// `src` compiled, its names checked; `base` is its offset in its field.
    fn program(&mut self, field: &'static str, src: &str, base: usize) -> Option<Program> {
        self.field = field;
        self.base = base;
        let length = src.chars().count();
        if length > MAX_CHARS {
            self.problem(
                0,
                format!("the expression is {length} characters long, over {MAX_CHARS}"),
                Some("split it into several policies".into()),
            );
            return None;
        }
        match env().compile(src) {
            Ok(program) => {
                let offsets = |id| {
                    program
                        .source_info()
                        .offset_for(id)
                        .map_or(0, |(start, _)| start as usize)
                };
                self.max_level = 0;
                self.expr(program.expression(), &offsets);
                if self.max_level > MAX_LEVELS {
                    self.problem(
                        0,
                        format!("the expression nests {} levels deep, over {MAX_LEVELS}", self.max_level),
                        Some("split it into several policies, or loop over a list with `all` or `exists`".into()),
                    );
                    return None;
                }
                Some(program)
            }
            Err(errors) => {
                for e in errors.errors.iter().take(3) {
                    let offset = offset_of(src, e.pos.0, e.pos.1);
                    let message = e.msg.trim_start_matches("Syntax error: ").to_owned();
                    self.problem(offset, format!("syntax error: {message}"), None);
                }
                None
            }
        }
    }

    /// The message's text and `{{ expression }}` parts.
    fn message(&mut self, text: &str) -> Option<Vec<Part>> {
        let mut parts = Vec::new();
        let mut rest = 0;
        let mut ok = true;
        while let Some(open) = text[rest..].find("{{").map(|i| rest + i) {
            if open > rest {
                parts.push(Part::Text(text[rest..open].to_owned()));
            }
            let Some(close) = text[open..].find("}}").map(|i| open + i) else {
                self.field = "message";
                self.base = 0;
                self.problem(
                    text[..open].chars().count(),
                    "`{{` is not closed by `}}`".into(),
                    None,
                );
                return None;
            };
            let inner = &text[open + 2..close];
            let base = text[..open + 2].chars().count();
            match self.program("message", inner, base) {
                Some(p) => parts.push(Part::Expr(p)),
                None => ok = false,
            }
            rest = close + 2;
        }
        if rest < text.len() {
            parts.push(Part::Text(text[rest..].to_owned()));
        }
        ok.then_some(parts)
    }

    fn expr(&mut self, e: &IdedExpr, offsets: &dyn Fn(u64) -> usize) {
        self.level += 1;
        self.max_level = self.max_level.max(self.level);
        self.node(e, offsets);
        self.level -= 1;
    }

    fn node(&mut self, e: &IdedExpr, offsets: &dyn Fn(u64) -> usize) {
        self.nodes += 1;
        match &e.expr {
            Expr::Ident(name) => self.name(name, offsets(e.id), false),
            Expr::Select(select) => {
                // A chain `doc.a.b`: its fields are checked against the schema.
                // A select's node is at its `.`: the field's name follows it.
                let mut path = vec![select.field.clone()];
                let mut at = vec![self.base + offsets(e.id) + 1];
                let mut base = &select.operand;
                while let Expr::Select(inner) = &base.expr {
                    path.push(inner.field.clone());
                    at.push(self.base + offsets(base.id) + 1);
                    base = &inner.operand;
                }
                path.reverse();
                at.reverse();
                let length = path.len();
                if let Expr::Ident(name) = &base.expr
                    && !self.bound.contains(name)
                {
                    let root = match name.as_str() {
                        "doc" => Some(Root::Doc),
                        "item" => Some(Root::Item),
                        "project" => Some(Root::Project),
                        _ => None,
                    };
                    if root == Some(Root::Doc)
                        && let Some(fields) = &mut self.doc_fields
                    {
                        fields.insert(path[0].clone());
                    }
                    if let Some(root) = root {
                        self.fields.push(FieldRef {
                            root,
                            path,
                            compared: None,
                            field: self.field,
                            offsets: at,
                        });
                    }
                    // The chain is selects down to this name: nothing else to walk.
                    self.nodes += length;
                    self.name(name, offsets(base.id), true);
                } else {
                    self.expr(&select.operand, offsets);
                }
            }
            Expr::Call(call) => {
                let before = self.fields.len();
                if let Some(target) = &call.target {
                    self.expr(target, offsets);
                }
                for arg in &call.args {
                    self.expr(arg, offsets);
                }
                // A field compared with a literal: the schema knows whether they can be.
                const COMPARE: [&str; 6] = ["_<_", "_<=_", "_>_", "_>=_", "_==_", "_!=_"];
                if let ([left, right], true) = (
                    call.args.as_slice(),
                    COMPARE.contains(&call.func_name.as_str()),
                ) && self.fields.len() == before + 1
                {
                    let literal = match (&left.expr, &right.expr) {
                        (Expr::Select(s), Expr::Literal(l)) if !s.test => Some((l, right.id)),
                        (Expr::Literal(l), Expr::Select(s)) if !s.test => Some((l, left.id)),
                        _ => None,
                    };
                    if let Some((literal, id)) = literal
                        && let Some(t) = Type::of(literal)
                        && let Some(field) = self.fields.last_mut()
                    {
                        field.compared = Some((t, self.base + offsets(id)));
                    }
                }
            }
            Expr::List(l) => l.elements.iter().for_each(|x| self.expr(x, offsets)),
            Expr::Map(m) => {
                for entry in &m.entries {
                    match &entry.expr {
                        EntryExpr::MapEntry(me) => {
                            self.expr(&me.key, offsets);
                            self.expr(&me.value, offsets);
                        }
                        EntryExpr::StructField(sf) => self.expr(&sf.value, offsets),
                    }
                }
            }
            Expr::Struct(s) => {
                for entry in &s.entries {
                    if let EntryExpr::StructField(sf) = &entry.expr {
                        self.expr(&sf.value, offsets);
                    }
                }
            }
            Expr::Comprehension(c) => {
                if let Expr::Ident(name) = &c.iter_range.expr
                    && Kind::from_plural(name).is_some()
                    && !self.bound.contains(name)
                {
                    self.problem(
                        offsets(c.iter_range.id),
                        format!("a policy cannot loop over every document of `{name}`"),
                        Some(format!("look one up by its id: `{name}[doc.sponsor]`")),
                    );
                }
                self.expr(&c.iter_range, offsets);
                let vars = [Some(&c.iter_var), c.iter_var2.as_ref(), Some(&c.accu_var)];
                let pushed = vars.iter().flatten().count();
                self.bound.extend(vars.into_iter().flatten().cloned());
                self.depth += 1;
                self.max_depth = self.max_depth.max(self.depth);
                for part in [&c.accu_init, &c.loop_cond, &c.loop_step, &c.result] {
                    self.expr(part, offsets);
                }
                self.depth -= 1;
                self.bound.truncate(self.bound.len() - pushed);
            }
            Expr::Literal(_) | Expr::Unspecified => {}
        }
    }

    /// A name; `selected` when fields of it are selected (`doc.x`), not the whole value.
    fn name(&mut self, name: &str, offset: usize, selected: bool) {
        if self.bound.iter().any(|b| b == name) {
            return;
        }
        if name == "doc" && !selected {
            self.doc_fields = None;
        }
        if name == "item" && !self.each {
            self.problem(
                offset,
                "`item` is only defined with `each`".into(),
                Some(
                    "add `each: milestones` (a list field) to evaluate the policy on each element"
                        .into(),
                ),
            );
        } else if VARIABLES.contains(&name) || Kind::from_plural(name).is_some() {
            self.uses.insert(name.to_owned());
        } else {
            let plurals = Kind::ALL.map(|k| k.spec().plural);
            let known = VARIABLES.iter().copied().chain(plurals);
            let help = did_you_mean(name, known).unwrap_or_else(|| {
                format!(
                    "the variables are {}, and a lookup by id per kind ({})",
                    list(&VARIABLES),
                    list(&plurals)
                )
            });
            self.problem(offset, format!("unknown variable `{name}`"), Some(help));
        }
    }
}

/// The character offset of a 1-based line and column in `src`.
fn offset_of(src: &str, line: isize, column: isize) -> usize {
    let line = line.max(1) as usize;
    let before: usize = src
        .split_inclusive('\n')
        .take(line - 1)
        .map(|l| l.chars().count())
        .sum();
    before + (column.max(1) as usize - 1)
}

#[cfg(test)]
mod tests {
    use super::env;
    use cel::Value;

    fn eval(src: &str) -> Value {
        let program = env().compile(src).unwrap();
        program.execute(&cel::Context::with_env(env())).unwrap()
    }

    #[test]
    fn dates_take_and_give_days() {
        assert_eq!(
            eval("date('2026-03-01') - date('2026-02-01') == days(28)"),
            Value::Bool(true)
        );
        assert_eq!(
            eval("inDays(date('2026-12-25') - date('2026-11-20'))"),
            Value::Int(35)
        );
        assert_eq!(
            eval("date('2026-11-20') + days(11) == date('2026-12-01')"),
            Value::Bool(true)
        );
        assert!(
            env()
                .compile("date('2026-02-30')")
                .unwrap()
                .execute(&cel::Context::with_env(env()))
                .is_err()
        );
    }
}
