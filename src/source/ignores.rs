//! The `.gitignore` rules of a base revision, for a working tree judged by that revision:
//! a change cannot hide its own documents by ignoring them.

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::path::{Path, PathBuf};

/// `.gitignore` rules by folder, deepest first: the nearest rule decides, as in git.
pub struct Ignores(Vec<(PathBuf, Gitignore)>);

impl Ignores {
    /// `files`: each `.gitignore` as (its folder relative to `root`, its text).
    pub fn new(root: &Path, files: Vec<(String, String)>) -> Ignores {
        let mut rules: Vec<(PathBuf, Gitignore)> = files
            .into_iter()
            .filter_map(|(dir, text)| {
                let dir = root.join(dir);
                let mut builder = GitignoreBuilder::new(&dir);
                for line in text.lines() {
                    // A line git would not understand is one git ignores too.
                    let _ = builder.add_line(None, line);
                }
                builder.build().ok().map(|rules| (dir, rules))
            })
            .collect();
        rules.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.components().count()));
        Ignores(rules)
    }

    /// Whether `path` (below the root) is ignored. Ignored folders are not walked, so
    /// their contents are never asked about.
    pub fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        for (dir, rules) in &self.0 {
            if !path.starts_with(dir) {
                continue;
            }
            match rules.matched(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_rule_decides() {
        let root = Path::new("/repo");
        let ignores = Ignores::new(
            root,
            vec![
                ("".into(), "*.tmp\nbuild/\n".into()),
                ("projects".into(), "!keep.tmp\n".into()),
            ],
        );
        assert!(ignores.ignored(&root.join("a.tmp"), false));
        assert!(ignores.ignored(&root.join("build"), true));
        assert!(!ignores.ignored(&root.join("projects/keep.tmp"), false));
        assert!(ignores.ignored(&root.join("projects/other.tmp"), false));
        assert!(!ignores.ignored(&root.join("projects/a.yaml"), false));
    }
}
