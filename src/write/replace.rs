//! Replacing a file pmo read with a version it edited (`check --fix`): the new bytes are
//! written and synced into a hidden file beside it, which is then renamed over it, so a
//! reader sees the old file or the new one, never part of either. The file must still
//! hold what pmo read: an edit made meanwhile (an editor saving) is not overwritten.

use crate::Error;
use crate::source::file;
use std::io::Write;
use std::path::Path;

/// Whether the file `rel` below `root` may be replaced: not read-only (the owner's
/// choice), and without other names (hard links, which a rename would part).
pub fn replaceable(root: &Path, rel: &str) -> Result<(), Error> {
    let path = root.join(rel);
    let meta = std::fs::symlink_metadata(&path).map_err(|e| Error::io(&path, e))?;
    if meta.permissions().readonly() {
        return Err(Error::Invalid(format!(
            "{rel} is read-only: pmo does not replace it; make it writable or fix it by hand"
        )));
    }
    #[cfg(unix)]
    if std::os::unix::fs::MetadataExt::nlink(&meta) > 1 {
        return Err(Error::Invalid(format!(
            "{rel} has other names (hard links), which replacing it would part; fix it by hand"
        )));
    }
    Ok(())
}

/// Replace the document file `rel` below `root`, which must still hold `was`, with `now`.
/// A link, a file that changed since it was read, and one not [`replaceable`] are
/// refused.
pub fn replace(root: &Path, rel: &str, was: &[u8], now: &[u8]) -> Result<(), Error> {
    let current = file::read_below(root, rel).map_err(|why| why.refuse(rel))?;
    replaceable(root, rel)?;
    if current.as_deref() != Some(was) {
        return Err(Error::Invalid(format!(
            "{rel} changed while pmo was fixing it: it was left as it is now; run again"
        )));
    }
    let path = root.join(rel);
    let dir = path.parent().unwrap_or(root);
    let io = |e: std::io::Error| Error::io(&path, e);
    let permissions = std::fs::metadata(&path).map_err(io)?.permissions();
    let mut staged = tempfile::Builder::new()
        .prefix(".pmo-fix-")
        .tempfile_in(dir)
        .map_err(io)?;
    staged.write_all(now).map_err(io)?;
    staged.as_file().set_permissions(permissions).map_err(io)?;
    staged.as_file().sync_all().map_err(io)?;
    staged.persist(&path).map_err(|e| io(e.error))?;
    super::staging::sync_dir(dir).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_unless_it_changed_or_is_a_link() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), "old\n").unwrap();
        replace(dir.path(), "a.yaml", b"old\n", b"new\n").unwrap();
        assert_eq!(std::fs::read(dir.path().join("a.yaml")).unwrap(), b"new\n");
        // Changed since it was read: left alone.
        assert!(replace(dir.path(), "a.yaml", b"old\n", b"newer\n").is_err());
        assert_eq!(std::fs::read(dir.path().join("a.yaml")).unwrap(), b"new\n");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("a.yaml"), dir.path().join("l.yaml"))
                .unwrap();
            assert!(replace(dir.path(), "l.yaml", b"new\n", b"x\n").is_err());
            assert_eq!(std::fs::read(dir.path().join("a.yaml")).unwrap(), b"new\n");
        }
        // Read-only, or with a second name: refused, untouched.
        let ro = dir.path().join("ro.yaml");
        std::fs::write(&ro, "old\n").unwrap();
        let mut perms = std::fs::metadata(&ro).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&ro, perms).unwrap();
        assert!(replace(dir.path(), "ro.yaml", b"old\n", b"new\n").is_err());
        assert_eq!(std::fs::read(&ro).unwrap(), b"old\n");
        #[cfg(unix)]
        {
            std::fs::hard_link(dir.path().join("a.yaml"), dir.path().join("h.yaml")).unwrap();
            let err = replace(dir.path(), "a.yaml", b"new\n", b"x\n").unwrap_err();
            assert!(err.to_string().contains("hard links"), "{err}");
            std::fs::remove_file(dir.path().join("h.yaml")).unwrap();
        }
        // Nothing staged is left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            names.iter().all(|n| !n.starts_with(".pmo-fix-")),
            "{names:?}"
        );
    }
}
