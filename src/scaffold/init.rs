use super::{create_file, example};
use crate::Error;
use std::path::{Path, PathBuf};

/// Create a governance repository in `dir`: pmo.yaml and the suggested folders, or with
/// `example` the bundled example portfolio. Refuses, writing nothing, when any file it
/// would write exists. Returns the files written.
pub fn init(dir: &Path, with_example: bool) -> Result<Vec<PathBuf>, Error> {
    let files: Vec<(String, String)> = if with_example {
        example::FILES
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    } else {
        let organisation = dir
            .canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "My organisation".into());
        let config = super::new::render(
            "pmo.yaml",
            minijinja::context! { organisation => serde_json::to_string(&organisation).unwrap_or_default() },
        )?;
        vec![("pmo.yaml".into(), config)]
    };
    let existing: Vec<String> = files
        .iter()
        .filter(|(p, _)| dir.join(p).exists())
        .map(|(p, _)| p.clone())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Invalid(format!(
            "{} already has {}; nothing was written",
            dir.display(),
            existing.join(", ")
        )));
    }
    let mut written = Vec::new();
    for (path, text) in &files {
        let full = dir.join(path);
        create_file(&full, text)?;
        written.push(full);
    }
    for folder in ["people", "objectives", "programs", "projects"] {
        let d = dir.join(folder);
        std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
    }
    Ok(written)
}
