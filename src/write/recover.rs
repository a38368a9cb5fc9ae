//! Undoing what a writer that died left: its staging folder, and the files it had moved
//! into place when it died while moving.

use super::plain;
use super::staging::{Identity, JOURNAL, Journal, STAGING, left_behind};
use crate::Error;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// A journal takes some hundred bytes a file; a larger one is not pmo's.
const JOURNAL_MAX: u64 = 64 << 20;

/// Undo what writers that died left in `root`: remove their staging folders and, when
/// one died while moving files into place, the files it moved that are unchanged since.
/// Returns a sentence for each.
pub(super) fn recover(root: &Path) -> Result<Vec<String>, Error> {
    let mut said = Vec::new();
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(said),
        Err(e) => return Err(Error::io(root, e)),
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(root, e))?;
        let name = entry.file_name();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || !name.to_string_lossy().starts_with(STAGING) {
            continue;
        }
        let dir = entry.path();
        let cannot = |e: std::io::Error| {
            Error::Invalid(format!(
                "{}: {e}: it holds what an interrupted write left; remove it by hand",
                dir.display()
            ))
        };
        let Some(_lock) = left_behind(&dir).map_err(cannot)? else {
            continue;
        };
        let journal = match read_journal(&dir.join(JOURNAL), JOURNAL_MAX) {
            Ok(journal) => journal,
            // Not one pmo wrote (a journal is written whole): leave the folder alone.
            Err(_) => continue,
        };
        let (removed, left) = match journal {
            Some(journal) => {
                let (removed, mut left) = remove_moved(root, &journal.files, &journal.folders);
                left.extend(put_back(root, &dir, &journal.kept));
                (removed, left)
            }
            None => (0, Vec::new()),
        };
        if let Some((path, e)) = left.first() {
            return Err(Error::Invalid(format!(
                "{}: {e}: it was written by a pmo command that was interrupted; remove it by hand, and {}",
                path.display(),
                dir.display()
            )));
        }
        said.push(match removed {
            0 => format!(
                "removed {}, the staging folder of a write that was interrupted (nothing to undo)",
                dir.display()
            ),
            n => format!(
                "undid a write into {} that was interrupted: removed the {n} files it had moved into place",
                root.display()
            ),
        });
        std::fs::remove_dir_all(&dir).map_err(cannot)?;
    }
    Ok(said)
}

/// The journal at `path`, if there is one, read only if at most `max` bytes long.
fn read_journal(path: &Path, max: u64) -> std::io::Result<Option<Journal>> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if file.metadata()?.len() > max {
        return Err(ErrorKind::InvalidData.into());
    }
    let journal: Journal = serde_json::from_reader(std::io::BufReader::new(file))?;
    Ok(Some(journal))
}

/// Remove the files (last first) that are still exactly as moved, then the folders made
/// for them that are empty. Returns how many files were removed, and those that could not
/// be.
pub(super) fn remove_moved(
    root: &Path,
    files: &[(PathBuf, Identity)],
    folders: &[PathBuf],
) -> (usize, Vec<(PathBuf, std::io::Error)>) {
    let mut removed = 0;
    let mut left = Vec::new();
    for (rel, identity) in files.iter().rev() {
        if !plain(rel) || through_link(root, rel) {
            continue;
        }
        let path = root.join(rel);
        let ours = path
            .symlink_metadata()
            .is_ok_and(|m| m.is_file() && Identity::of(&m) == *identity);
        if ours {
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) => left.push((path, e)),
            }
        }
    }
    for rel in folders.iter().rev() {
        if plain(rel) && !through_link(root, rel) {
            // Only if empty; a link is not removed either.
            let _ = std::fs::remove_dir(root.join(rel));
        }
    }
    (removed, left)
}

/// Put back the files a replacing write replaced, from the copies it kept in the
/// staging folder `kept`, where nothing is in their place now (the files moved in were
/// removed first; a file someone wrote there since stays). Returns those that could not
/// be.
pub(super) fn put_back(
    root: &Path,
    kept: &Path,
    replaced: &[(PathBuf, String)],
) -> Vec<(PathBuf, std::io::Error)> {
    let mut left = Vec::new();
    for (rel, name) in replaced {
        if !plain(rel) || through_link(root, rel) || !plain(Path::new(name)) {
            continue;
        }
        let (copy, path) = (kept.join(name), root.join(rel));
        if copy.is_file()
            && path.symlink_metadata().is_err()
            && let Err(e) = std::fs::rename(&copy, &path)
        {
            left.push((path, e));
        }
    }
    left
}

/// Whether a folder on the way from `root` to `rel` is a link.
fn through_link(root: &Path, rel: &Path) -> bool {
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    parts[..parts.len().saturating_sub(1)].iter().any(|part| {
        at.push(part);
        at.symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{repo, stage_all, tree};
    use super::super::{Done, Files, Plan};
    use super::*;
    use crate::write::staging::Staging;

    /// A process killed while moving: its journal stays, and the next open undoes it.
    #[test]
    fn a_write_killed_while_moving_is_undone_by_the_next() {
        let dir = repo();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/mine.yaml"), "mine").unwrap();
        let mut files = Files::open(dir.path()).unwrap();
        for i in 0..4 {
            files.add(&format!("a/{i}.yaml"), format!("{i}"));
        }
        files.add("b/c/4.yaml", "4");
        let plan = files.plan().unwrap();
        let staging = Staging::create(dir.path()).unwrap();
        let staged = stage_all(&files, &plan, &staging);
        staging
            .journal(&Journal {
                folders: plan.folders.clone(),
                files: staged.iter().map(|(r, f)| (r.clone(), f.1)).collect(),
                kept: Vec::new(),
            })
            .unwrap();
        // Three files and both folders moved; then the process dies: the files that
        // were not moved stay in the staging folder, and its lock is released.
        let mut moved = staged;
        let unmoved = moved.split_off(3);
        let last = unmoved
            .into_iter()
            .map(|(_, (p, _))| p.keep().unwrap())
            .collect::<Vec<_>>();
        let mut done = Done::default();
        files
            .place(
                &Plan {
                    folders: plan.folders.clone(),
                    ..Plan::default()
                },
                moved,
                staging.dir.path(),
                &mut done,
            )
            .unwrap();
        let Staging {
            dir: staging_dir,
            _lock,
        } = staging;
        let staging_path = staging_dir.keep();
        drop(_lock);
        assert!(last.iter().all(|p| p.exists()));
        // A file moved and then edited is not the one moved: it stays.
        std::fs::write(dir.path().join("a/2.yaml"), "edited").unwrap();
        let files = Files::open(dir.path()).unwrap();
        assert_eq!(files.undone().len(), 1, "{:?}", files.undone());
        assert!(!staging_path.exists());
        assert_eq!(
            tree(dir.path()),
            ["a/", "a/2.yaml", "a/mine.yaml", "pmo.yaml"]
        );
    }

    /// A replacing write killed after replacing one of two files: the next open puts the
    /// replaced file back; a replacing write that completes leaves no copy behind; a
    /// link in the way is still refused.
    #[test]
    fn a_replacing_write_is_all_or_nothing_too() {
        let dir = repo();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        for i in 0..2 {
            std::fs::write(dir.path().join(format!("out/{i}.csv")), format!("old {i}")).unwrap();
        }
        let mut files = Files::open(dir.path()).unwrap();
        files.replacing(true);
        for i in 0..2 {
            files.add(&format!("out/{i}.csv"), format!("new {i}"));
        }
        let plan = files.plan().unwrap();
        assert_eq!(plan.replaced.len(), 2);
        let staging = Staging::create(dir.path()).unwrap();
        let staged = stage_all(&files, &plan, &staging);
        staging
            .journal(&Journal {
                folders: Vec::new(),
                files: staged.iter().map(|(r, f)| (r.clone(), f.1)).collect(),
                kept: vec![
                    ("out/0.csv".into(), "kept-0".into()),
                    ("out/1.csv".into(), "kept-1".into()),
                ],
            })
            .unwrap();
        let mut moved = staged;
        let _unmoved: Vec<_> = moved
            .split_off(1)
            .into_iter()
            .map(|(_, (p, _))| p.keep().unwrap())
            .collect();
        let mut done = Done::default();
        files
            .place(&plan, moved, staging.dir.path(), &mut done)
            .unwrap();
        let read = |i| std::fs::read_to_string(dir.path().join(format!("out/{i}.csv"))).unwrap();
        assert_eq!((read(0), read(1)), ("new 0".into(), "old 1".into()));
        let Staging {
            dir: staging_dir,
            _lock,
        } = staging;
        let _ = staging_dir.keep();
        drop(_lock);
        let files = Files::open(dir.path()).unwrap();
        assert_eq!(files.undone().len(), 1, "{:?}", files.undone());
        assert_eq!((read(0), read(1)), ("old 0".into(), "old 1".into()));

        let mut files = Files::open(dir.path()).unwrap();
        files
            .replacing(true)
            .add("out/0.csv", "new 0")
            .add("out/2.csv", "new 2");
        files.write().unwrap();
        assert_eq!(
            (read(0), read(1), read(2)),
            ("new 0".into(), "old 1".into(), "new 2".into())
        );
        assert_eq!(
            tree(dir.path()),
            ["out/", "out/0.csv", "out/1.csv", "out/2.csv", "pmo.yaml"]
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("out/1.csv"), dir.path().join("out/3.csv"))
                .unwrap();
            let mut files = Files::open(dir.path()).unwrap();
            files.replacing(true).add("out/3.csv", "x");
            assert!(files.write().is_err());
            assert_eq!(read(1), "old 1");
        }
    }

    #[test]
    fn staging_folders_of_live_writers_are_left_alone() {
        let dir = repo();
        let live = Staging::create(dir.path()).unwrap();
        live.stage(b"x").unwrap();
        // One of a writer that died before its journal: only the folder goes.
        let dead = Staging::create(dir.path()).unwrap();
        let Staging {
            dir: dead_dir,
            _lock,
        } = dead;
        let dead_path = dead_dir.keep();
        drop(_lock);
        // One with a journal pmo did not write: left alone.
        let odd = dir.path().join(".pmo-write-odd");
        std::fs::create_dir(&odd).unwrap();
        std::fs::write(odd.join(JOURNAL), "{ not json").unwrap();
        let files = Files::open(dir.path()).unwrap();
        assert_eq!(files.undone().len(), 1, "{:?}", files.undone());
        assert!(live.dir.path().exists());
        assert!(!dead_path.exists());
        assert!(odd.exists());
        // A journal longer than any pmo writes is not read.
        let journal = odd.join(JOURNAL);
        std::fs::write(&journal, r#"{"folders": [], "files": []}"#).unwrap();
        assert!(read_journal(&journal, 100).unwrap().is_some());
        assert!(read_journal(&journal, 10).is_err());
    }
}
