//! Template errors as people read them: located in the template where they happen (an
//! included one, a macro's partial), with a suggestion for a misspelt name or field.

use super::{KEYS, Templates};
use crate::suggest::did_you_mean;
use minijinja::value::ValueKind;
use minijinja::{ErrorKind, Value};
use std::collections::BTreeSet;

impl Templates {
    /// `templates/custom.md.j2:3: undefined value: `p.titel` is undefined; did you mean
    /// `title`?`: located in the template where it happens (an included one, a macro's
    /// partial), with a suggestion for a misspelt name or field.
    pub(super) fn render_error(&self, e: &minijinja::Error, values: &Value) -> String {
        let inner = innermost(e);
        // A template that extends, imports or includes a broken one.
        if inner.kind() == ErrorKind::TemplateNotFound
            && let Some(b) = self.broken.iter().find(|b| quotes(&detail(inner), &b.file))
        {
            let user = inner
                .name()
                .map(|n| format!("; used by {}{}", self.locate(n), line_of(inner)))
                .unwrap_or_default();
            return format!("{}{user}", b.message);
        }
        let mut text = describe(inner, &|n| self.locate(n));
        if let Some(hint) = self.undefined_hint(&detail(inner), values) {
            text += &format!("; {hint}");
        }
        if !std::ptr::eq(inner, e)
            && let Some(outer) = e.name()
        {
            text += &format!("; included from {}{}", self.locate(outer), line_of(e));
        }
        text
    }

    /// For "`projets` is undefined" or "`p.titel` is undefined": the context key or the
    /// field that was probably meant, or that the value before the field is none.
    fn undefined_hint(&self, detail: &str, values: &Value) -> Option<String> {
        let end = detail.find("` is undefined")?;
        let expr = &detail[detail[..end].rfind('`')? + 1..end];
        let (parent, field) = match expr.strip_suffix(']') {
            Some(rest) => {
                let (parent, key) = rest.rsplit_once('[')?;
                let key = key.strip_prefix(['\'', '"'])?.strip_suffix(['\'', '"'])?;
                (Some(parent), key)
            }
            None => match expr.rsplit_once('.') {
                Some((parent, field)) => (Some(parent), field),
                None => (None, expr),
            },
        };
        let Some(parent) = parent else {
            return did_you_mean(field, KEYS.into_iter().filter(|k| *k != field));
        };
        // The value the field was looked up on, where the context alone gives it
        // (`project.rag`); for a loop variable (`p`), every field name of the context.
        let value = self
            .env
            .compile_expression(parent)
            .ok()
            .and_then(|x| x.eval(values.clone()).ok());
        let mut names = BTreeSet::new();
        match value {
            Some(v) if v.is_none() => return Some(format!("`{parent}` is none")),
            Some(v) if v.kind() == ValueKind::Seq => {
                return Some(format!("`{parent}` is a list: loop over it"));
            }
            Some(v) if v.kind() == ValueKind::Map => {
                names.extend(
                    v.try_iter()
                        .into_iter()
                        .flatten()
                        .filter_map(|k| k.as_str().map(str::to_owned)),
                );
            }
            _ => field_names(values, 0, &mut names),
        }
        names.remove(field);
        did_you_mean(field, names.iter().map(String::as_str))
    }
}

/// Whether `text` names `file` in quotes (`template "x.md.j2" does not exist`,
/// `tried to include non-existing template 'x.md.j2'`).
fn quotes(text: &str, file: &str) -> bool {
    ['"', '\'']
        .iter()
        .any(|q| text.contains(&format!("{q}{file}{q}")))
}

/// The error a template error comes from: the included template's.
fn innermost(e: &minijinja::Error) -> &minijinja::Error {
    let mut e = e;
    while let Some(inner) =
        std::error::Error::source(e).and_then(|s| s.downcast_ref::<minijinja::Error>())
    {
        e = inner;
    }
    e
}

pub(super) fn detail(e: &minijinja::Error) -> String {
    e.detail().unwrap_or_default().to_owned()
}

fn line_of(e: &minijinja::Error) -> String {
    e.line().map(|l| format!(":{l}")).unwrap_or_default()
}

/// `LOCATION:LINE: KIND: DETAIL`, with a template named in the detail located too.
pub(super) fn describe(e: &minijinja::Error, locate: &dyn Fn(&str) -> String) -> String {
    let file = e
        .name()
        .map(locate)
        .unwrap_or_else(|| "template".to_owned());
    let mut detail = detail(e);
    // "`x` is undefined (from other.md.j2:3)": where the undefined value was made.
    if let Some(start) = ["(from ", ", from "]
        .iter()
        .find_map(|p| detail.find(p).map(|i| i + p.len()))
        && let Some(len) = detail[start..].find(':')
        && !detail[start..start + len].contains([' ', ')'])
    {
        let name = detail[start..start + len].to_owned();
        detail.replace_range(start..start + len, &locate(&name));
    }
    let detail = if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    };
    format!("{file}{}: {}{detail}", line_of(e), e.kind())
}

/// The map keys in `value`, a few levels deep (the fields of the documents in the
/// context); a list's first items stand for the rest.
fn field_names(value: &Value, depth: usize, out: &mut BTreeSet<String>) {
    if depth > 6 {
        return;
    }
    match value.kind() {
        ValueKind::Map => {
            for key in value.try_iter().into_iter().flatten() {
                if let Ok(item) = value.get_item(&key) {
                    field_names(&item, depth + 1, out);
                }
                if let Some(k) = key.as_str() {
                    out.insert(k.to_owned());
                }
            }
        }
        ValueKind::Seq => {
            for item in value.try_iter().into_iter().flatten().take(200) {
                field_names(&item, depth + 1, out);
            }
        }
        _ => {}
    }
}
