//! Create governance repositories and documents. Files are written atomically and an
//! existing file is never overwritten.

pub mod example;
mod init;
mod new;

pub use init::init;
pub use new::{NewDocument, new_document};

use crate::Error;
use crate::model::Kind;
use std::io::Write;
use std::path::Path;

/// Where a document goes in the suggested layout (SPEC section 1), relative to the root:
/// what `pmo new` and `pmo import` write. `id` and `project` must be valid ids.
pub fn layout(kind: Kind, project: Option<&str>, id: &str) -> String {
    let folder = crate::views::export::table_name(kind);
    match (kind, project) {
        (Kind::Project, _) => format!("projects/{id}/project.yaml"),
        (Kind::Person | Kind::Objective | Kind::Program, _) => format!("{folder}/{id}.yaml"),
        (Kind::Status, Some(p)) => format!("projects/{p}/status/{id}.yaml"),
        (_, Some(p)) => format!("projects/{p}/{folder}/{id}.yaml"),
        (_, None) => format!("{folder}/{id}.yaml"),
    }
}

/// Before writing a set of files: refuse if any of them exists, so that either all are
/// written or none.
pub fn none_exist(paths: &[std::path::PathBuf]) -> Result<(), Error> {
    let existing: Vec<_> = paths.iter().filter(|p| p.exists()).collect();
    match existing.first() {
        None => Ok(()),
        Some(first) => {
            let more = match existing.len() {
                1 => String::new(),
                n => format!(" and {} more of the files it would write", n - 1),
            };
            Err(Error::Invalid(format!(
                "{} already exists{more}; nothing was written (choose another -o DIR)",
                first.display()
            )))
        }
    }
}

/// Write `contents` to `path`, which must not exist. The bytes go to a temporary file
/// that is then hard-linked into place: readers never see half a file, and the link
/// fails (instead of replacing) if `path` appeared meanwhile.
pub fn create_file(path: &Path, contents: &str) -> Result<(), Error> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    if path.exists() {
        return Err(Error::Invalid(format!(
            "{} already exists; nothing was overwritten",
            path.display()
        )));
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(contents.as_bytes())?;
        f.sync_all()?;
        std::fs::hard_link(&tmp, path)
    })();
    let _ = std::fs::remove_file(&tmp);
    result.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => Error::Invalid(format!(
            "{} already exists; nothing was overwritten",
            path.display()
        )),
        _ => Error::io(path, e),
    })
}

/// A short random suffix: ids made on two branches the same day do not collide.
pub fn random_suffix(len: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    let mut n = h.finish();
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    (0..len)
        .map(|_| {
            let c = ALPHABET[(n % 36) as usize] as char;
            n /= 36;
            c
        })
        .collect()
}

/// `Apollo: CRM replacement!` -> `apollo-crm-replacement`
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= max {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_and_suffixes() {
        assert_eq!(
            slug("Apollo: CRM replacement!", 40),
            "apollo-crm-replacement"
        );
        assert_eq!(slug("Ärger im Büro", 40), "rger-im-b-ro");
        assert_eq!(slug("a very long title indeed", 10), "a-very-lon");
        let s = random_suffix(4);
        assert_eq!(s.len(), 4);
        assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn create_file_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.yaml");
        create_file(&p, "one").unwrap();
        assert!(create_file(&p, "two").is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        assert_eq!(
            std::fs::read_dir(p.parent().unwrap()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn the_embedded_example_matches_the_folder() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/acme");
        let mut on_disk: Vec<String> = walk(Path::new(root), Path::new(root));
        on_disk.sort();
        let embedded: Vec<String> = example::FILES.iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(on_disk, embedded, "regenerate src/scaffold/example.rs");
    }

    fn walk(dir: &Path, root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p, root));
            } else {
                out.push(
                    p.strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
        out
    }
}
