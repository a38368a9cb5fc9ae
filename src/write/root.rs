//! Where a write is rooted: the folder below which nothing may be a link.

use crate::Error;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// Split `dir` into the root below which nothing may be a link, and the path from it to
/// `dir`. `..` is taken as written (`a/b/..` is `a`).
pub(super) fn anchor(dir: &Path) -> Result<(PathBuf, PathBuf), Error> {
    let absolute = std::path::absolute(dir).map_err(|e| Error::io(dir, e))?;
    let mut parts: Vec<Component> = Vec::new();
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(parts.last(), Some(Component::Normal(_))) {
                    parts.pop();
                }
            }
            part => parts.push(part),
        }
    }
    // From the top down: the first folder holding pmo.yaml is the repository, and from
    // there on no folder may be a link. Above it, links are followed.
    let mut at = PathBuf::new();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        if !matches!(part, Component::Normal(_)) {
            continue;
        }
        match std::fs::metadata(&at) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => {
                return Err(Error::Invalid(format!(
                    "{} is a file, not a folder; nothing was written",
                    at.display()
                )));
            }
            Err(e) if e.kind() == ErrorKind::NotFound => break,
            Err(e) => return Err(Error::io(&at, e)),
        }
        if at.join(crate::config::FILE).is_file() {
            let prefix: PathBuf = parts[i + 1..].iter().collect();
            return Ok((at, prefix));
        }
    }
    Ok((parts.iter().collect(), PathBuf::new()))
}

#[cfg(test)]
mod tests {
    use super::super::Files;
    use super::super::testing::{message, repo, tree};
    use super::*;

    #[test]
    fn the_root_is_the_repository_and_dot_dot_is_taken_as_written() {
        let dir = repo();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let (root, prefix) = anchor(&dir.path().join("sub/../x/./y")).unwrap();
        assert_eq!(root, dir.path());
        assert_eq!(prefix, Path::new("x/y"));
        let outside = tempfile::tempdir().unwrap();
        let (root, prefix) = anchor(&outside.path().join("new/out")).unwrap();
        assert_eq!(root, outside.path().join("new/out"));
        assert_eq!(prefix, Path::new(""));
        // A refused write makes no folder.
        std::fs::write(outside.path().join("f"), "").unwrap();
        let mut files = Files::open(&outside.path().join("new/out")).unwrap();
        files.add("a", "a").add("a", "b");
        assert!(message(files.write().unwrap_err()).contains("would be written twice"));
        assert_eq!(tree(outside.path()), ["f"]);
    }
}
