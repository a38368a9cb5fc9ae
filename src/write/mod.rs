//! Writing files. Every command that writes (`init`, `new`, `import`, `export`, `report
//! -o`, `schema -o`) writes all of its files or none, never replaces a file (unless it
//! was told to: [`Files::replacing`], `--force`), and never writes through a symbolic
//! link.
//!
//! The files are written in full, and synced, into a hidden staging folder in the root
//! they go to (`.pmo-write-<pid>-<random>`, which `pmo check` does not read). Then they
//! are moved into place one by one with a move that fails instead of replacing
//! (`renameat2(RENAME_NOREPLACE)`, else a hard link then an unlink): a name that exists,
//! a dangling link included, stops the move. When a move fails, the files already moved
//! are removed again. Before the first move, a journal in the staging folder lists the
//! moves; removing it is the commit. A process killed before that leaves its journal,
//! and the next command that writes into the same root removes the files it lists that
//! are still exactly as moved (same file, size and modification time), so that the set
//! is gone and a rerun works.
//!
//! The root is the governance repository (the outermost folder holding `pmo.yaml` on the
//! way to the target) when the target is in one: nothing below it may be a link. Outside
//! a repository the root is the folder the user names, which may be reached through
//! links (the user chose it), but nothing pmo creates below it may be one.

mod recover;
mod replace;
mod root;
mod staging;

use crate::Error;
use recover::{put_back, recover, remove_moved};
pub use replace::{replace, replaceable};
use staging::{Identity, Journal, Staging, sync_dir, sync_fs};
use std::collections::{HashMap, HashSet};
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The files (and empty folders) one command writes into one folder.
pub struct Files {
    /// The folder below which nothing may be a link: a repository's root, or the folder
    /// named. It may not exist yet (then nothing is below it either).
    root: PathBuf,
    /// From `root` to the folder named.
    prefix: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
    folders: Vec<PathBuf>,
    hint: Option<&'static str>,
    undone: Vec<String>,
    /// Replace files that exist (`--force`), each by a rename, keeping the one replaced
    /// until the whole set is in place.
    replacing: bool,
}

impl Files {
    /// Prepare to write into `dir` (made when the files are written, if it is missing).
    /// What interrupted writes left in the root is undone first: see [`Files::undone`].
    pub fn open(dir: &Path) -> Result<Files, Error> {
        let (root, prefix) = root::anchor(dir)?;
        let undone = recover(&root)?;
        Ok(Files {
            root,
            prefix,
            files: Vec::new(),
            folders: Vec::new(),
            hint: None,
            undone,
            replacing: false,
        })
    }

    /// The folder named, absolute.
    pub fn path(&self) -> PathBuf {
        self.root.join(&self.prefix)
    }

    /// Add a file at `rel`, a relative path with `/` between folders.
    pub fn add(&mut self, rel: &str, contents: impl Into<Vec<u8>>) -> &mut Self {
        self.files.push((PathBuf::from(rel), contents.into()));
        self
    }

    /// Add a folder at `rel`, made empty unless it exists.
    pub fn add_folder(&mut self, rel: &str) -> &mut Self {
        self.folders.push(PathBuf::from(rel));
        self
    }

    /// Replace the files that exist (a scheduled job's output, `--force`): each is
    /// replaced whole by a rename, and the set stays all or nothing: a failure, or a
    /// crash undone by the next write, puts back every file replaced. A link, or a
    /// folder, in the way is still refused.
    pub fn replacing(&mut self, replacing: bool) -> &mut Self {
        self.replacing = replacing;
        self
    }

    /// What to do when a file exists, said after the refusal.
    pub fn hint(&mut self, hint: &'static str) -> &mut Self {
        self.hint = Some(hint);
        self
    }

    /// Whether `rel` is taken: a file, a folder or a link (a dangling one too).
    pub fn exists(&self, rel: &str) -> bool {
        self.path().join(rel).symlink_metadata().is_ok()
    }

    /// The files added so far that are taken, as added.
    pub fn existing(&self) -> Vec<&Path> {
        self.files
            .iter()
            .map(|(rel, _)| rel.as_path())
            .filter(|rel| self.path().join(rel).symlink_metadata().is_ok())
            .collect()
    }

    /// What [`Files::open`] found and undid: one sentence each.
    pub fn undone(&self) -> &[String] {
        &self.undone
    }

    /// Write every file, or none: refused when any exists or any folder on the way is a
    /// link. Returns the paths written.
    pub fn write(self) -> Result<Vec<PathBuf>, Error> {
        if self.files.is_empty() && self.folders.is_empty() {
            return Ok(Vec::new());
        }
        let plan = self.plan()?;
        let made = self.make_root()?;
        let result = self.stage_and_move(&plan);
        if result.is_err() {
            for dir in made.iter().rev() {
                let _ = std::fs::remove_dir(dir);
            }
        }
        result
    }

    fn stage_and_move(&self, plan: &Plan) -> Result<Vec<PathBuf>, Error> {
        let staging = Staging::create(&self.root).map_err(|e| self.failed(&self.root, e))?;
        let mut staged = Vec::with_capacity(plan.files.len());
        for (rel, (_, contents)) in plan.files.iter().zip(&self.files) {
            let file = staging
                .stage(contents)
                .map_err(|e| self.failed(&self.root.join(rel), e))?;
            staged.push((rel.clone(), file));
        }
        staging.sync().map_err(|e| self.failed(&self.root, e))?;
        let journal = Journal {
            folders: plan.folders.clone(),
            files: staged.iter().map(|(rel, f)| (rel.clone(), f.1)).collect(),
            kept: plan
                .replaced
                .iter()
                .enumerate()
                .map(|(i, rel)| (rel.clone(), kept_name(i)))
                .collect(),
        };
        staging
            .journal(&journal)
            .map_err(|e| self.failed(&self.root, e))?;
        let mut done = Done::default();
        let kept = staging.dir.path();
        if let Err(e) = self.place(plan, staged, kept, &mut done) {
            return Err(self.undo(done, kept, e));
        }
        // The commit: from here, no later command undoes the set.
        if let Err(e) = self.sync(&done).and_then(|()| staging.commit()) {
            return Err(self.undo(done, kept, self.failed(&self.root, e)));
        }
        Ok(done
            .files
            .iter()
            .map(|(rel, _)| self.root.join(rel))
            .collect())
    }

    /// Check every target before anything is written: the folders on the way (made if
    /// missing, refused if a link) and the names (refused if taken).
    fn plan(&self) -> Result<Plan, Error> {
        let mut known: HashMap<PathBuf, bool> = HashMap::new();
        let mut plan = Plan::default();
        let mut taken = Vec::new();
        let mut seen = HashSet::new();
        let entries = (self.folders.iter().map(|f| (f, true)))
            .chain(self.files.iter().map(|(f, _)| (f, false)));
        for (rel, is_folder) in entries {
            if !plain(rel) {
                return Err(Error::Invalid(format!(
                    "{} would be written outside {}; nothing was written",
                    rel.display(),
                    self.path().display()
                )));
            }
            let full = self.prefix.join(rel);
            let parts: Vec<_> = full.components().collect();
            let folders = if is_folder {
                parts.len()
            } else {
                parts.len() - 1
            };
            let mut at = PathBuf::new();
            let mut missing = false;
            for part in &parts[..folders] {
                at.push(part);
                if missing {
                    if known.insert(at.clone(), false).is_none() {
                        plan.folders.push(at.clone());
                    }
                    continue;
                }
                match known.get(&at) {
                    Some(true) => continue,
                    Some(false) => {
                        missing = true;
                        continue;
                    }
                    None => {}
                }
                let exists = self.folder_state(&at)?;
                known.insert(at.clone(), exists);
                if exists {
                    plan.existing.push(at.clone());
                } else {
                    plan.folders.push(at.clone());
                    missing = true;
                }
            }
            if is_folder {
                continue;
            }
            if !seen.insert(full.clone()) {
                return Err(Error::Invalid(format!(
                    "{} would be written twice; nothing was written",
                    self.root.join(&full).display()
                )));
            }
            if !missing {
                let path = self.root.join(&full);
                match path.symlink_metadata() {
                    Ok(m) if self.replacing && m.is_file() => plan.replaced.push(full.clone()),
                    Ok(m) => taken.push((path, m.file_type().is_symlink())),
                    Err(e) if e.kind() == ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io(path, e)),
                }
            }
            plan.files.push(full);
        }
        match taken.first() {
            None => Ok(plan),
            Some((first, link)) => Err(self.taken(first, *link, taken.len())),
        }
    }

    /// Whether the folder at `rel` (from the root) exists; an error if it is a link or
    /// not a folder.
    fn folder_state(&self, rel: &Path) -> Result<bool, Error> {
        let path = self.root.join(rel);
        match path.symlink_metadata() {
            Ok(m) if m.file_type().is_symlink() => Err(link(&self.root, rel)),
            Ok(m) if m.is_dir() => Ok(true),
            Ok(_) => Err(Error::Invalid(format!(
                "{} is a file, not a folder; nothing was written",
                path.display()
            ))),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    /// Make the root and the folders above it that are missing, one level at a time.
    /// Returns those made.
    fn make_root(&self) -> Result<Vec<PathBuf>, Error> {
        let missing: Vec<&Path> = self
            .root
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && std::fs::metadata(a).is_err())
            .collect();
        let mut made = Vec::new();
        for dir in missing.into_iter().rev() {
            if let Err(e) = std::fs::create_dir(dir) {
                for d in made.iter().rev() {
                    let _ = std::fs::remove_dir(d);
                }
                return Err(self.failed(dir, e));
            }
            made.push(dir.to_path_buf());
        }
        Ok(made)
    }

    /// Move the staged files into place, making the missing folders first. What was done
    /// is in `done`, also when it fails.
    fn place(
        &self,
        plan: &Plan,
        staged: Vec<(PathBuf, (tempfile::TempPath, Identity))>,
        kept: &Path,
        done: &mut Done,
    ) -> Result<(), Error> {
        // Again, just before the moves: the folders on the way are still folders.
        for rel in &plan.existing {
            if !self.folder_state(rel)? {
                let path = self.root.join(rel);
                return Err(self.failed(&path, ErrorKind::NotFound.into()));
            }
        }
        for rel in &plan.folders {
            let path = self.root.join(rel);
            match std::fs::create_dir(&path) {
                Ok(()) => done.folders.push(rel.clone()),
                // Made meanwhile by someone else: fine if it is a folder.
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    if !self.folder_state(rel)? {
                        return Err(self.failed(&path, e));
                    }
                }
                Err(e) => return Err(self.failed(&path, e)),
            }
        }
        for (rel, (file, identity)) in staged {
            let path = self.root.join(&rel);
            if let Some(i) = plan.replaced.iter().position(|r| *r == rel) {
                // A second name for the file replaced, then the rename over it: a reader
                // sees the old file or the new one, and the old one can be put back.
                let copy = kept.join(kept_name(i));
                std::fs::hard_link(&path, &copy).map_err(|e| self.failed(&path, e))?;
                done.kept.push((rel.clone(), kept_name(i)));
                file.persist(&path)
                    .map_err(|e| self.failed(&path, e.error))?;
                done.files.push((rel, identity));
                continue;
            }
            match file.persist_noclobber(&path) {
                Ok(()) => done.files.push((rel, identity)),
                Err(e) if e.error.kind() == ErrorKind::AlreadyExists => {
                    let link = path.symlink_metadata().is_ok_and(|m| m.is_symlink());
                    return Err(self.taken(&path, link, 1));
                }
                Err(e) => return Err(self.failed(&path, e.error)),
            }
        }
        Ok(())
    }

    /// Remove what a failed move phase did, put back what it replaced, and say what
    /// failed and what is left.
    fn undo(&self, done: Done, kept: &Path, cause: Error) -> Error {
        let (_, mut left) = remove_moved(&self.root, &done.files, &done.folders);
        left.extend(put_back(&self.root, kept, &done.kept));
        match left.first() {
            None => cause,
            Some((path, e)) => Error::Invalid(format!(
                "{cause}, except that {} of the files moved into place could not be removed again ({}: {e}): remove {} by hand",
                left.len(),
                path.display(),
                if left.len() == 1 { "it" } else { "them" }
            )),
        }
    }

    /// Sync the folders the files were moved into, so that the moves outlast a crash of
    /// the system: on Linux with one `syncfs`, as [`Staging::sync`].
    fn sync(&self, done: &Done) -> std::io::Result<()> {
        if cfg!(target_os = "linux") {
            return sync_fs(&self.root);
        }
        let mut dirs: HashSet<PathBuf> = HashSet::new();
        for rel in done.files.iter().map(|(r, _)| r).chain(&done.folders) {
            if let Some(parent) = self.root.join(rel).parent() {
                dirs.insert(parent.to_path_buf());
            }
        }
        dirs.iter().try_for_each(|d| sync_dir(d))
    }

    /// The refusal when `first` (and `n - 1` more) exist.
    fn taken(&self, first: &Path, link: bool, n: usize) -> Error {
        let mut message = format!("{} already exists", first.display());
        if link {
            message += " (a symbolic link)";
        }
        if n > 1 {
            message += &format!(", and {} more of the files pmo would write", n - 1);
        }
        message += "; nothing was written";
        if let Some(hint) = self.hint {
            message += &format!(" ({hint})");
        }
        Error::Invalid(message)
    }

    fn failed(&self, path: &Path, e: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            message: format!("{e}; nothing was written"),
        }
    }
}

/// The checked targets, from the root: folders to make (parents first), folders that
/// exist on the way, files in the order added, and those of them that a replacing
/// write replaces.
#[derive(Default)]
struct Plan {
    folders: Vec<PathBuf>,
    existing: Vec<PathBuf>,
    files: Vec<PathBuf>,
    replaced: Vec<PathBuf>,
}

/// What the move phase did, from the root.
#[derive(Default)]
struct Done {
    folders: Vec<PathBuf>,
    files: Vec<(PathBuf, Identity)>,
    /// Files replaced, with the name of the copy kept in the staging folder.
    kept: Vec<(PathBuf, String)>,
}

/// The name in the staging folder of the copy kept of the `i`-th file replaced.
fn kept_name(i: usize) -> String {
    format!("kept-{i}")
}

/// A relative path of plain names: no root, no `..`, nothing empty.
pub(super) fn plain(rel: &Path) -> bool {
    !rel.as_os_str().is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)))
}

/// The message for a link in the way, named from the root (its target is not said).
fn link(root: &Path, rel: &Path) -> Error {
    Error::Invalid(format!(
        "{} in {} is a symbolic link, and pmo does not write through symbolic links; nothing was written",
        rel.display(),
        root.display()
    ))
}

#[cfg(test)]
pub(super) mod testing {
    use crate::Error;
    use std::path::Path;

    /// Every entry below `dir`, relative, sorted: folders end in `/`, links are not
    /// followed.
    pub fn tree(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        walk(dir, dir, &mut out);
        out.sort();
        out
    }

    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if p.symlink_metadata().unwrap().is_dir() {
                out.push(format!("{rel}/"));
                walk(&p, root, out);
            } else {
                out.push(rel);
            }
        }
    }

    /// Every file of `files` written into `staging`, with its path, as `Files::write`
    /// stages them before it moves them.
    pub(in crate::write) fn stage_all(
        files: &super::Files,
        plan: &super::Plan,
        staging: &super::staging::Staging,
    ) -> Vec<(
        std::path::PathBuf,
        (tempfile::TempPath, super::staging::Identity),
    )> {
        plan.files
            .iter()
            .zip(&files.files)
            .map(|(rel, (_, c))| (rel.clone(), staging.stage(c).unwrap()))
            .collect()
    }

    /// A temporary governance repository.
    pub fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pmo.yaml"), "version: 1\n").unwrap();
        dir
    }

    pub fn message(e: Error) -> String {
        e.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{message, repo, stage_all, tree};
    use super::*;

    #[test]
    fn writes_every_file_and_folder_and_leaves_nothing_else() {
        let dir = repo();
        let mut files = Files::open(dir.path()).unwrap();
        files
            .add("a/b/one.yaml", "one")
            .add("a/two.yaml", "two")
            .add_folder("people");
        let written = files.write().unwrap();
        assert_eq!(
            written,
            [
                dir.path().join("a/b/one.yaml"),
                dir.path().join("a/two.yaml")
            ]
        );
        assert_eq!(
            tree(dir.path()),
            [
                "a/",
                "a/b/",
                "a/b/one.yaml",
                "a/two.yaml",
                "people/",
                "pmo.yaml"
            ]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/b/one.yaml")).unwrap(),
            "one"
        );
    }

    #[test]
    fn an_existing_file_stops_everything() {
        let dir = repo();
        std::fs::create_dir(dir.path().join("a")).unwrap();
        std::fs::write(dir.path().join("a/z.yaml"), "mine").unwrap();
        let mut files = Files::open(dir.path()).unwrap();
        files
            .add("a/y.yaml", "new")
            .add("a/z.yaml", "theirs")
            .add("b/x.yaml", "new");
        let said = message(files.write().unwrap_err());
        assert!(
            said.ends_with("a/z.yaml already exists; nothing was written"),
            "{said}"
        );
        assert_eq!(tree(dir.path()), ["a/", "a/z.yaml", "pmo.yaml"]);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a/z.yaml")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let dir = repo();
        for rel in ["../x.yaml", "/etc/x", "a/../../x", ""] {
            let mut files = Files::open(&dir.path().join("out")).unwrap();
            files.add(rel, "x");
            let said = message(files.write().unwrap_err());
            assert!(said.contains("would be written outside"), "{rel}: {said}");
        }
        assert_eq!(tree(dir.path()), ["pmo.yaml"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_are_never_written_through() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        let dir = repo();
        // A dangling link named like a later file counts as a file.
        symlink(outside.path().join("nowhere"), dir.path().join("c.yaml")).unwrap();
        let mut files = Files::open(dir.path()).unwrap();
        files.add("a.yaml", "a").add("c.yaml", "c");
        let said = message(files.write().unwrap_err());
        assert!(
            said.contains("c.yaml already exists (a symbolic link); nothing was written"),
            "{said}"
        );
        // A folder on the way that is a link, to outside or to inside: refused, and
        // its target is not said.
        std::fs::create_dir(dir.path().join("real")).unwrap();
        symlink(outside.path(), dir.path().join("out")).unwrap();
        symlink(dir.path().join("real"), dir.path().join("in")).unwrap();
        for (folder, target) in [("out", outside.path()), ("in", &dir.path().join("real"))] {
            let mut files = Files::open(dir.path()).unwrap();
            files
                .add("a.yaml", "a")
                .add(&format!("{folder}/b.yaml"), "b");
            let said = message(files.write().unwrap_err());
            assert!(
                said.starts_with(&format!("{folder} in {}", dir.path().display())),
                "{said}"
            );
            assert!(
                said.contains("pmo does not write through symbolic links; nothing was written"),
                "{said}"
            );
            assert!(!said.contains(&target.display().to_string()), "{said}");
            // The folder named is below the link: refused as well.
            let said = message(
                Files::open(&dir.path().join(folder).join("x"))
                    .and_then(|mut f| {
                        f.add("b.yaml", "b");
                        f.write()
                    })
                    .unwrap_err(),
            );
            assert!(
                said.contains("does not write through symbolic links"),
                "{said}"
            );
        }
        assert_eq!(
            tree(dir.path()),
            ["c.yaml", "in", "out", "pmo.yaml", "real/"]
        );
        assert_eq!(tree(outside.path()), Vec::<String>::new());
        // Outside a repository the folder named may be reached through a link (the user
        // chose it), but what pmo makes below it may not be one.
        let plain = tempfile::tempdir().unwrap();
        symlink(outside.path(), plain.path().join("via")).unwrap();
        let mut files = Files::open(&plain.path().join("via/export")).unwrap();
        files.add("t.csv", "t");
        files.write().unwrap();
        assert_eq!(tree(outside.path()), ["export/", "export/t.csv"]);
        symlink(dir.path().join("real"), outside.path().join("export/sub")).unwrap();
        let mut files = Files::open(&plain.path().join("via/export")).unwrap();
        files.add("sub/t.csv", "t");
        assert!(message(files.write().unwrap_err()).contains("sub in "));
        assert_eq!(tree(&dir.path().join("real")), Vec::<String>::new());
    }

    #[test]
    fn a_failed_move_removes_what_was_moved() {
        let dir = repo();
        let mut files = Files::open(dir.path()).unwrap();
        files
            .add("a/1.yaml", "1")
            .add("a/2.yaml", "2")
            .add("b/3.yaml", "3");
        let plan = files.plan().unwrap();
        let staging = Staging::create(dir.path()).unwrap();
        let staged = stage_all(&files, &plan, &staging);
        // The last target appears after the check.
        std::fs::create_dir(dir.path().join("b")).unwrap();
        std::fs::write(dir.path().join("b/3.yaml"), "theirs").unwrap();
        let mut done = Done::default();
        let e = files
            .place(&plan, staged, staging.dir.path(), &mut done)
            .unwrap_err();
        assert_eq!(done.files.len(), 2);
        let said = message(files.undo(done, staging.dir.path(), e));
        assert!(
            said.ends_with("b/3.yaml already exists; nothing was written"),
            "{said}"
        );
        drop(staging);
        assert_eq!(tree(dir.path()), ["b/", "b/3.yaml", "pmo.yaml"]);
    }
}
