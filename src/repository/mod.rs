//! Load a governance repository from a source: configuration, overlays, then every
//! document file parsed and schema-checked in parallel as the source finds it.

pub(crate) mod p002_not_a_document;
pub(crate) mod p003_unknown_kind;
pub(crate) mod p006_link_not_followed;

use p002_not_a_document as p002;
use p003_unknown_kind as p003;
use p006_link_not_followed as p006;

use crate::Error;
use crate::code::Code;
use crate::config::s002_incoherent_configuration as s002;
use crate::config::{self, Config};
use crate::diagnostic::{Diagnostic, Span};
use crate::model::{Document, File, Kind, Portfolio};
use crate::parse::p005_rejected_file as p005;
use crate::parse::{self, Limits, Seg};
use crate::schema::{self, Schemas};
use crate::source::{self, Source, Unread};
use globset::GlobSet;
use rayon::slice::ParallelSliceMut;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

pub struct Repository {
    pub config: Config,
    /// Every document file read, in path order (empty and rejected ones included).
    pub files: Vec<File>,
    /// Every document, in path order, then file order.
    pub documents: Vec<Document>,
    /// Findings of the parse and schema stages (P, S).
    pub diagnostics: Vec<Diagnostic>,
    /// The text of `pmo.yaml`, for snippets.
    pub config_text: String,
    /// How a document file was read: what reading one again after an edit needs.
    reader: Reader,
}

/// How the repository's document files are selected and read.
struct Reader {
    schemas: Schemas,
    skip: GlobSet,
    limits: Limits,
}

impl Repository {
    /// The text of a file by its path, `pmo.yaml` included.
    pub fn text(&self, path: &str) -> Option<&str> {
        if path == config::FILE {
            return Some(&self.config_text);
        }
        let i = self
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()?;
        Some(&self.files[i].text)
    }

    /// The schemas its documents are checked against, overlays applied.
    pub fn schemas(&self) -> &Schemas {
        &self.reader.schemas
    }

    pub fn path(&self, doc: &Document) -> &str {
        &self.files[doc.file].path
    }

    /// The documents indexed for rules, views and reports.
    pub fn portfolio(&self) -> Portfolio<'_> {
        Portfolio::new(&self.files, &self.documents)
    }

    /// Whether `path` is one of the repository's document files by its name: a YAML
    /// file that is not pmo.yaml, hidden, a template, an overlay or `exclude`d. (Whether
    /// `.gitignore` leaves it out is the caller's to know.)
    pub fn selects(&self, path: &str) -> bool {
        source::is_selected_document(path, &self.reader.skip)
    }

    /// The documents of the file at index `file`, as a range of [`Self::documents`].
    pub fn documents_of(&self, file: usize) -> std::ops::Range<usize> {
        let first = self.documents.partition_point(|d| d.file < file);
        let end = self.documents.partition_point(|d| d.file <= file);
        first..end
    }

    /// Puts `bytes` at `path` (`None`: the file is gone; `Some(Err(why))`: it is there
    /// but was not read, as loading reports it: a link is no file, with a P006 finding,
    /// any other reason a P005), read and checked against the schemas as loading reads a
    /// file; returns the documents the file held before, and where its documents are now
    /// in [`Self::documents`]. `path` must be one the repository [selects](Self::selects).
    pub fn set_file(
        &mut self,
        path: &str,
        bytes: Option<Result<Vec<u8>, Unread>>,
    ) -> (Vec<Document>, std::ops::Range<usize>) {
        let link = matches!(bytes, Some(Err(Unread::Link)));
        let bytes = if link { None } else { bytes };
        let (old, now) = self.put(path, bytes);
        if link {
            // As loading leaves them: links last.
            self.diagnostics.push(p006::finding(path));
        }
        (old, now)
    }

    fn put(
        &mut self,
        path: &str,
        bytes: Option<Result<Vec<u8>, Unread>>,
    ) -> (Vec<Document>, std::ops::Range<usize>) {
        let at = self.files.binary_search_by(|f| f.path.as_str().cmp(path));
        let index = at.unwrap_or_else(|i| i);
        let range = match at {
            Ok(i) => self.documents_of(i),
            Err(i) => {
                let first = self.documents.partition_point(|d| d.file < i);
                first..first
            }
        };
        self.diagnostics.retain(|d| d.file != path);
        let (docs, shift) = match (at.is_ok(), bytes) {
            (_, Some(bytes)) => {
                // As a file on disk is read: one too large is not read.
                let bytes = match bytes {
                    Ok(bytes) if bytes.len() > source::MAX_BYTES => {
                        Err(Unread::TooLarge(bytes.len() as u64))
                    }
                    other => other,
                };
                let (file, mut docs, diags) = load_file(
                    path.to_owned(),
                    bytes,
                    &self.reader.limits,
                    &self.reader.schemas,
                );
                docs.iter_mut().for_each(|d| d.file = index);
                // In path order, links last, as loading leaves them.
                let place = self
                    .diagnostics
                    .iter()
                    .position(|d| d.code == Code::P006 || d.file.as_str() > path)
                    .unwrap_or(self.diagnostics.len());
                self.diagnostics.splice(place..place, diags);
                match at {
                    Ok(i) => {
                        self.files[i] = file;
                        (docs, 0)
                    }
                    Err(i) => {
                        self.files.insert(i, file);
                        (docs, 1)
                    }
                }
            }
            (true, None) => {
                self.files.remove(index);
                (Vec::new(), -1)
            }
            (false, None) => return (Vec::new(), range),
        };
        let now = range.start..range.start + docs.len();
        let end = now.end;
        let old: Vec<Document> = self.documents.splice(range, docs).collect();
        if shift != 0 {
            for doc in &mut self.documents[end..] {
                doc.file = doc.file.wrapping_add_signed(shift);
            }
        }
        (old, now)
    }
}

/// Only the configuration of a source.
pub fn load_config(source: &dyn Source) -> Result<Config, Error> {
    config::load(&config_of(source)?).map_err(Error::Config)
}

pub fn load(source: &dyn Source) -> Result<Repository, Error> {
    let config_bytes = config_of(source)?;
    let config_text = String::from_utf8_lossy(&config_bytes).into_owned();
    load_with(source, config_text, &config_bytes, source)
}

/// The documents of `source` under the configuration and schema overlays of `judge`: a
/// change is checked by the rules of its base revision, never by the rules it brings.
/// `config_text` stays the source's own `pmo.yaml`, the file a reader of the findings has.
pub fn load_judged(source: &dyn Source, judge: &dyn Source) -> Result<Repository, Error> {
    let config_text = source
        .read(config::FILE)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    load_with(source, config_text, &config_of(judge)?, judge)
}

fn config_of(source: &dyn Source) -> Result<Vec<u8>, Error> {
    source
        .read(config::FILE)?
        .ok_or_else(|| Error::Invalid("pmo.yaml is missing".into()))
}

/// The documents of `source`, checked against `config_bytes` and the overlays of `judge`.
fn load_with(
    source: &dyn Source,
    config_text: String,
    config_bytes: &[u8],
    judge: &dyn Source,
) -> Result<Repository, Error> {
    let config = config::load(config_bytes).map_err(Error::Config)?;
    let schemas = Schemas::compile(&overlays(judge)?, &config.project.optional)
        .map_err(|e| Error::Config(vec![s002::overlay_unusable(&e)]))?;
    // A policy's fields are checked against the schemas as the overlays extend them.
    let problems = crate::policy::check_fields(&config.policies, |kind| &schemas.get(kind).json);
    if !problems.is_empty() {
        return Err(Error::Config(
            problems.iter().map(|p| config.policy_problem(p)).collect(),
        ));
    }
    let skip = source::skip_set(&config.exclude).map_err(|e| {
        Error::Config(vec![s002::finding(
            config::FILE,
            config.span([Seg::Key("exclude")]),
            e,
        )])
    })?;

    let reader = Reader {
        schemas,
        skip,
        limits: Limits::default(),
    };
    let loaded = Mutex::new(Vec::new());
    let links = Mutex::new(Vec::new());
    source.for_each_document(&reader.skip, &|path, bytes| {
        if matches!(bytes, Err(Unread::Link)) {
            // Not a file that was read: a finding, and no entry among the files.
            lock(&links).push(p006::finding(&path));
            return;
        }
        let file = load_file(path, bytes, &reader.limits, &reader.schemas);
        lock(&loaded).push(file);
    });
    let mut loaded = loaded.into_inner().unwrap_or_else(PoisonError::into_inner);
    let links = links.into_inner().unwrap_or_else(PoisonError::into_inner);
    // Files arrive in the order threads finish them; the repository is in path order.
    loaded.par_sort_unstable_by(|a, b| a.0.path.cmp(&b.0.path));

    // Sized once: grown by doubling, the lists were copied again at every doubling.
    let mut repo = Repository {
        config,
        files: Vec::with_capacity(loaded.len()),
        documents: Vec::with_capacity(loaded.iter().map(|(_, docs, _)| docs.len()).sum()),
        diagnostics: Vec::with_capacity(
            links.len()
                + loaded
                    .iter()
                    .map(|(_, _, diags)| diags.len())
                    .sum::<usize>(),
        ),
        config_text,
        reader,
    };
    for (file_index, (file, mut docs, diags)) in loaded.into_iter().enumerate() {
        docs.iter_mut().for_each(|d| d.file = file_index);
        repo.files.push(file);
        repo.documents.extend(docs);
        repo.diagnostics.extend(diags);
    }
    repo.diagnostics.extend(links);
    Ok(repo)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What is wrong with a source's own `pmo.yaml` and schema overlays, when another
/// revision's judge its documents: they are checked as the documents they are.
pub fn configuration_problems(source: &dyn Source) -> Vec<Diagnostic> {
    let problems = |e: Error| match e {
        Error::Config(diagnostics) => diagnostics,
        other => vec![s002::finding(
            config::FILE,
            Span::at(1, 1),
            other.to_string(),
        )],
    };
    let mut out = Vec::new();
    let config = match source.read(config::FILE) {
        Ok(Some(bytes)) => config::load(&bytes).map_err(|d| out.extend(d)).ok(),
        Ok(None) => None,
        Err(e) => {
            out.extend(problems(e));
            None
        }
    };
    match overlays(source) {
        Ok(found) => {
            let optional = config.as_ref().map_or(&[][..], |c| &c.project.optional[..]);
            match Schemas::compile(&found, optional) {
                Err(e) => out.push(s002::overlay_unusable(&e)),
                // Its policies name fields of the schemas as its own overlays shape them.
                Ok(schemas) => {
                    if let Some(config) = &config {
                        let fields = crate::policy::check_fields(&config.policies, |kind| {
                            &schemas.get(kind).json
                        });
                        out.extend(fields.iter().map(|p| config.policy_problem(p)));
                    }
                }
            }
        }
        Err(e) => out.extend(problems(e)),
    }
    out
}

/// `schema/<kind>.schema.json` of the governance repository. Another `*.schema.json`
/// there (`risks.schema.json`) would silently change nothing: it is refused instead.
pub fn overlays(source: &dyn Source) -> Result<HashMap<Kind, Value>, Error> {
    let known = schema::BUILTIN
        .iter()
        .map(|(file, _)| file.trim_end_matches(".schema.json"));
    for name in source.files_in("schema")? {
        let Some(stem) = name.strip_suffix(".schema.json") else {
            continue;
        };
        if known.clone().all(|k| k != stem) {
            let path = format!("schema/{name}");
            return Err(Error::Config(vec![s002::overlay_of_no_kind(&path, stem)]));
        }
    }
    let mut out = HashMap::new();
    for kind in Kind::ALL {
        let path = format!("schema/{kind}.schema.json");
        if let Some(bytes) = source.read(&path)? {
            let json = serde_json::from_slice(&bytes)
                .map_err(|e| Error::Config(vec![s002::overlay_not_json(&path, &e)]))?;
            out.insert(kind, json);
        }
    }
    Ok(out)
}

fn load_file(
    path: String,
    bytes: Result<Vec<u8>, Unread>,
    limits: &Limits,
    schemas: &Schemas,
) -> (File, Vec<Document>, Vec<Diagnostic>) {
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(why) => {
            let d = match why {
                Unread::TooLarge(_) => p005::too_large(&path, &why.describe()),
                _ => p005::unread(&path, &why.describe()),
            };
            return (
                File {
                    path,
                    text: String::new(),
                },
                Vec::new(),
                vec![d],
            );
        }
    };
    let parsed = parse::load(&path, &bytes, limits);
    let mut diags = parsed.diagnostics;
    let mut docs = Vec::with_capacity(parsed.docs.len());
    for yaml in parsed.docs {
        if let Some(mut doc) = classify(&path, yaml, &mut diags) {
            let schema = schemas.get(doc.kind);
            doc.valid = schema.validator.is_valid(&doc.value);
            if !doc.valid {
                let found = schema::violations(&path, &doc.value, &doc.spans, schema);
                diags.extend(found.into_iter().map(|d| d.id(doc.id())));
            }
            docs.push(doc);
        }
    }
    // A file whose bytes were rejected keeps no text: snippets would show nothing useful.
    let text = if diags.iter().any(|d| d.code == Code::P005) {
        String::new()
    } else {
        String::from_utf8(bytes).unwrap_or_default()
    };
    (File { path, text }, docs, diags)
}

/// P002 / P003: a document must be a mapping with a known `kind`.
fn classify(path: &str, yaml: parse::YamlDoc, diags: &mut Vec<Diagnostic>) -> Option<Document> {
    let root = yaml.spans.root();
    let Value::Object(map) = &yaml.value else {
        let found = match &yaml.value {
            Value::Array(_) => "a list",
            Value::String(_) => "a text",
            Value::Null => "null",
            _ => "a single value",
        };
        diags.push(p002::not_a_mapping(path, root, found));
        return None;
    };
    let id = || map.get("id").and_then(Value::as_str);
    let Some(kind_value) = map.get("kind") else {
        let span = yaml.spans.mapping_at(&yaml.value, []);
        diags.push(p002::no_kind(path, span, id()));
        return None;
    };
    if kind_value.is_null() {
        let span = yaml.spans.key_at(&yaml.value, [Seg::Key("kind")]);
        diags.push(p002::kind_without_value(path, span, id()));
        return None;
    }
    let Some(kind) = Kind::parse(kind_value.as_str().unwrap_or_default()) else {
        let span = yaml.spans.value_at(&yaml.value, [Seg::Key("kind")]);
        diags.push(p003::finding(path, span, kind_value, id()));
        return None;
    };
    Some(Document::new(kind, yaml.value, yaml.spans))
}
