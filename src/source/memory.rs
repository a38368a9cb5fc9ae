//! Files held in memory: a repository that exists only for a moment (the examples a
//! policy carries, judged by `pmo rules --test`).

use super::{Source, Visit, is_selected_document};
use crate::Error;
use globset::GlobSet;
use std::collections::BTreeMap;

/// Paths (relative, `/` separators) and their bytes.
#[derive(Debug, Default, Clone)]
pub struct Memory {
    files: BTreeMap<String, Vec<u8>>,
}

impl Memory {
    pub fn new() -> Memory {
        Memory::default()
    }

    pub fn file(mut self, path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Memory {
        self.files.insert(path.into(), bytes.into());
        self
    }
}

impl Source for Memory {
    fn read(&self, path: &str) -> Result<Option<Vec<u8>>, Error> {
        Ok(self.files.get(path).cloned())
    }

    fn files_in(&self, dir: &str) -> Result<Vec<String>, Error> {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        Ok(self
            .files
            .keys()
            .filter_map(|p| p.strip_prefix(&prefix))
            .filter(|name| !name.contains('/'))
            .map(str::to_owned)
            .collect())
    }

    fn for_each_document(&self, skip: &GlobSet, visit: &Visit<'_>) {
        for (path, bytes) in &self.files {
            if is_selected_document(path, skip) {
                visit(path.clone(), Ok(bytes.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_reads_and_selects_documents() {
        let m = Memory::new()
            .file("pmo.yaml", "version: 1\n")
            .file("schema/risk.schema.json", "{}")
            .file("risks/a.yaml", "kind: risk\n")
            .file("templates/x.yaml", "x: 1\n");
        assert_eq!(m.read("pmo.yaml").unwrap().unwrap(), b"version: 1\n");
        assert_eq!(m.read("none.yaml").unwrap(), None);
        assert_eq!(m.files_in("schema").unwrap(), ["risk.schema.json"]);
        let seen = std::sync::Mutex::new(Vec::new());
        m.for_each_document(&super::super::skip_set(&[]).unwrap(), &|p, _| {
            seen.lock().unwrap().push(p)
        });
        assert_eq!(seen.into_inner().unwrap(), ["risks/a.yaml"]);
    }
}
