//! Create governance repositories and documents, written as [`crate::write`] writes:
//! all or nothing, never over an existing file, never through a link.

pub mod example;
mod init;
mod new;

pub use init::{EXAMPLE_DAY, example_as_of, init};
pub use new::{NewDocument, new_document};

use crate::model::Kind;
use crate::model::kind::Scope;

/// Where a document goes in the suggested layout (SPEC section 1), relative to the root:
/// what `pmo new` and `pmo import` write. `id` and `project` must be valid ids.
pub fn layout(kind: Kind, project: Option<&str>, id: &str) -> String {
    let spec = kind.spec();
    match (spec.scope, project) {
        (Scope::Project, _) => format!("projects/{id}/project.yaml"),
        (scope, Some(p)) if scope.in_project() => {
            format!("projects/{p}/{}/{id}.yaml", spec.folder)
        }
        _ => format!("{}/{id}.yaml", spec.plural),
    }
}

/// The globs of the files [`layout`] puts documents of `kind` in (`projects/*/risks/*.yaml`),
/// `.yaml` and `.yml`: what an editor maps to the kind's schema.
pub fn layout_globs(kind: Kind) -> Vec<String> {
    let mut places = vec![layout(kind, Some("*"), "*")];
    if matches!(kind.spec().scope, Scope::Portfolio | Scope::Either) {
        places.push(layout(kind, None, "*"));
    }
    places.dedup();
    places
        .iter()
        .flat_map(|p| [p.clone(), format!("{}.yml", p.trim_end_matches(".yaml"))])
        .collect()
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
    fn layout_globs_follow_the_layout() {
        assert_eq!(
            layout_globs(Kind::Decision),
            [
                "projects/*/decisions/*.yaml",
                "projects/*/decisions/*.yml",
                "decisions/*.yaml",
                "decisions/*.yml"
            ]
        );
        assert_eq!(layout_globs(Kind::Project)[0], "projects/*/project.yaml");
        assert_eq!(layout_globs(Kind::Person)[0], "people/*.yaml");
        assert_eq!(layout_globs(Kind::Risk).len(), 2);
    }
    use std::path::Path;

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
