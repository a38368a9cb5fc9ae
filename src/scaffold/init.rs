use super::example;
use crate::Error;
use crate::write::Files;
use std::path::PathBuf;

/// Create a governance repository in the folder `files` writes into: pmo.yaml and the
/// suggested folders, or with `example` the bundled example portfolio. Refuses, writing
/// nothing, when any file it would write exists. Returns the files written.
pub fn init(mut files: Files, with_example: bool) -> Result<Vec<PathBuf>, Error> {
    let dir = files.path();
    if with_example {
        for (path, text) in example::FILES {
            files.add(path, *text);
        }
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
        files.add("pmo.yaml", config);
    }
    for folder in ["people", "objectives", "programs", "projects"] {
        files.add_folder(folder);
    }
    let existing: Vec<String> = files
        .existing()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(Error::Invalid(format!(
            "{} already has {}; nothing was written",
            dir.display(),
            existing.join(", ")
        )));
    }
    files.write()
}
