//! Reading one file of a governance repository from disk, as an untrusted pull request may
//! have laid it out: never through a symbolic link, and never more than a limit.
//!
//! A link in a pull request can point anywhere on the machine that checks it
//! (`/proc/self/environ` holds a CI job's tokens, `/` is the whole file system), so pmo
//! never follows one: a link is reported where it is, and what it points to is not read.
//! A file is read up to the limit plus one byte, so a huge (or sparse) file costs no more
//! than the limit.

use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The largest file pmo reads: documents, `pmo.yaml`, schema overlays, templates and
/// import mappings (SPEC section 1).
pub const MAX_BYTES: usize = 8 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// It is a symbolic link (or a folder on its way is): pmo does not follow links.
    Link,
    /// It is larger than [`MAX_BYTES`]: its size in bytes.
    TooLarge(u64),
    /// It is not a regular file (a folder, a device, a pipe).
    NotAFile,
    /// The file system or git could not give it (permissions, a corrupt object).
    Failed(String),
}

impl Unread {
    /// The reason in words, after the file's name: `pmo.yaml is a symbolic link; ...`.
    pub fn describe(&self) -> String {
        match self {
            Unread::Link => "is a symbolic link; pmo does not follow links, so what it points to was not read (put the file itself there)".to_owned(),
            Unread::TooLarge(size) => too_large(*size, MAX_BYTES),
            Unread::NotAFile => "is not a regular file; it was not read".to_owned(),
            Unread::Failed(why) => format!("cannot be read: {why}"),
        }
    }
}

/// `is 9000000 bytes, over the limit of 8388608 bytes; it was not read`
pub fn too_large(size: u64, limit: usize) -> String {
    format!("is {size} bytes, over the limit of {limit} bytes; it was not read")
}

impl Unread {
    /// The error of a command that needed the file `path` (`pmo.yaml`, an overlay).
    pub fn refuse(&self, path: &str) -> crate::Error {
        crate::Error::Invalid(format!("{path} {}", self.describe()))
    }
}

/// The first part of `rel` (a `/`-separated path below `root`) that is a symbolic link,
/// as a path below `root`; none when no part is one, or when a part does not exist.
pub fn first_link(root: &Path, rel: &str) -> Result<Option<String>, Unread> {
    let mut path = root.to_path_buf();
    for (end, part) in parts(rel) {
        path.push(part);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => return Ok(Some(rel[..end].to_owned())),
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Unread::Failed(e.to_string())),
        }
    }
    Ok(None)
}

/// Each part of a relative path with the byte offset where it ends.
fn parts(rel: &str) -> impl Iterator<Item = (usize, &str)> {
    rel.split('/').scan(0, |end, part| {
        let start = *end;
        *end = start + part.len() + 1;
        Some((start + part.len(), part))
    })
}

/// The bytes of `root/rel`, `None` when there is no such file. No part of `rel` may be a
/// link, and the file must be a regular file of at most [`MAX_BYTES`].
pub fn read_below(root: &Path, rel: &str) -> Result<Option<Vec<u8>>, Unread> {
    if first_link(root, rel)?.is_some() {
        return Err(Unread::Link);
    }
    let path = root.join(rel);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Unread::Failed(e.to_string())),
        Ok(meta) if !meta.is_file() => return Err(Unread::NotAFile),
        Ok(meta) if meta.len() > MAX_BYTES as u64 => return Err(Unread::TooLarge(meta.len())),
        Ok(_) => {}
    }
    let mut bytes = Vec::new();
    read_to_end(&open(&path)?, &mut bytes)?;
    Ok(Some(bytes))
}

/// A file named on the command line (an import's CSV or mapping). Inside the governance
/// repository at `root` it is read as the repository's own files are (no link on the way,
/// at most [`MAX_BYTES`]): a pull request may have put a link there for a scheduled job to
/// read. Elsewhere it is the user's own choice, read as named.
pub fn read_named(root: Option<&Path>, path: &Path) -> Result<Vec<u8>, Unread> {
    if let Some(root) = root
        && let Some(rel) = below(root, path)
    {
        return read_below(root, &rel)?.ok_or_else(|| Unread::Failed("no such file".to_owned()));
    }
    std::fs::read(path).map_err(|e| Unread::Failed(e.to_string()))
}

/// `path` relative to `root` (both made absolute and free of `.` and `..` without asking
/// the file system, so that no link is followed), when it is inside.
fn below(root: &Path, path: &Path) -> Option<String> {
    use std::path::Component;
    let mut normal = std::path::PathBuf::new();
    for part in std::path::absolute(path).ok()?.components() {
        match part {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let rel = normal.strip_prefix(std::path::absolute(root).ok()?).ok()?;
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    Some(parts?.join("/")).filter(|rel| !rel.is_empty())
}

/// Open a file for reading without following a link at its last part (the parts before
/// it are the caller's to check, or come from a walk that does not follow links). A pipe
/// does not block the open.
pub fn open(path: &Path) -> Result<File, Unread> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    #[cfg(not(unix))]
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Unread::Link);
    }
    options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ELOOP) {
            return Unread::Link;
        }
        Unread::Failed(e.to_string())
    })
}

/// Append the file's bytes to `buffer`, reading at most one byte past the limit: a larger
/// file is refused with its size, without being read.
pub fn read_to_end(file: &File, buffer: &mut Vec<u8>) -> Result<(), Unread> {
    let start = buffer.len();
    // `Take` reads with the generic loop: `File`'s own `read_to_end` first asks for the
    // size, one system call in four for small files.
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(buffer)
        .map_err(|e| match e.raw_os_error() {
            #[cfg(unix)]
            Some(libc::EISDIR) => Unread::NotAFile,
            _ => Unread::Failed(e.to_string()),
        })?;
    if buffer.len() - start > MAX_BYTES {
        buffer.truncate(start);
        let size = file.metadata().map_or(MAX_BYTES as u64 + 1, |m| m.len());
        return Err(Unread::TooLarge(size));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_end_where_each_part_ends() {
        let ends: Vec<(usize, &str)> = parts("a/bc/d.yaml").collect();
        assert_eq!(ends, [(1, "a"), (4, "bc"), (11, "d.yaml")]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_refused_wherever_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("real")).unwrap();
        std::fs::write(root.join("real/a.yaml"), "x: 1\n").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("linked")).unwrap();
        std::os::unix::fs::symlink(root.join("real/a.yaml"), root.join("b.yaml")).unwrap();
        assert_eq!(
            read_below(root, "real/a.yaml").unwrap().as_deref(),
            Some(&b"x: 1\n"[..])
        );
        assert_eq!(read_below(root, "linked/a.yaml"), Err(Unread::Link));
        assert_eq!(read_below(root, "b.yaml"), Err(Unread::Link));
        assert_eq!(first_link(root, "linked/a.yaml"), Ok(Some("linked".into())));
        assert_eq!(read_below(root, "none.yaml"), Ok(None));
        assert_eq!(read_below(root, "real"), Err(Unread::NotAFile));
    }

    #[test]
    fn named_files_inside_the_root_are_found_below_it() {
        let root = std::path::Path::new("/repo");
        let rel = |p: &str| below(root, std::path::Path::new(p));
        assert_eq!(
            rel("/repo/import/map.yaml").as_deref(),
            Some("import/map.yaml")
        );
        assert_eq!(rel("/repo/x/../map.yaml").as_deref(), Some("map.yaml"));
        assert_eq!(rel("/repo/../elsewhere/map.yaml"), None);
        assert_eq!(rel("/repository/map.yaml"), None);
        assert_eq!(rel("/repo"), None);
    }

    #[test]
    fn a_file_over_the_limit_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        // Sparse: the size costs no disk, and reading it would cost the limit at most.
        let f = File::create(&path).unwrap();
        f.set_len(3 << 30).unwrap();
        assert_eq!(
            read_below(dir.path(), "big.yaml"),
            Err(Unread::TooLarge(3 << 30))
        );
        let mut buffer = Vec::new();
        let f = File::open(&path).unwrap();
        assert_eq!(read_to_end(&f, &mut buffer), Err(Unread::TooLarge(3 << 30)));
        assert!(buffer.is_empty() && buffer.capacity() <= MAX_BYTES * 2);
    }
}
