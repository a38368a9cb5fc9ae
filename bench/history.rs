//! Writes a `git fast-import` stream that turns a generated portfolio into a history of
//! COMMITS commits: the whole portfolio first, then one changed risk per commit (its
//! probability moves), round-robin over the first hundred risks, by three authors.
//! `bench/git-run` feeds it to `git fast-import` and times `pmo diff` and `pmo history`.
//!
//! Commits are an hour apart from 2026-01-01, or STEP seconds apart.
//!
//!     cargo run --release --example history -- PORTFOLIO_DIR [COMMITS [STEP]] | git fast-import

use std::io::Write;
use std::path::{Path, PathBuf};

fn files(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("readable")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        if path.is_dir() {
            files(&path, root, out);
        } else {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: history PORTFOLIO_DIR [COMMITS]"));
    let commits: usize = args.next().map_or(1000, |n| n.parse().expect("a number"));
    let step: u64 = args
        .next()
        .map_or(3600, |n| n.parse().expect("a number of seconds"));
    let mut all = Vec::new();
    files(&dir, &dir, &mut all);
    let risks: Vec<&(String, PathBuf)> = all
        .iter()
        .filter(|(p, _)| p.contains("/risks/"))
        .take(100)
        .collect();
    let authors = [
        ("Alice", "alice@example.org"),
        ("Bob", "bob@example.org"),
        ("Erin", "erin@example.org"),
    ];
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let data = |out: &mut dyn Write, bytes: &[u8]| {
        writeln!(out, "data {}", bytes.len()).unwrap();
        out.write_all(bytes).unwrap();
        writeln!(out).unwrap();
    };
    let mut texts: Vec<String> = risks
        .iter()
        .map(|(_, p)| std::fs::read_to_string(p).unwrap())
        .collect();
    for n in 0..commits {
        let (name, email) = authors[n % authors.len()];
        let time = 1_767_225_600 + n as u64 * step;
        writeln!(out, "commit refs/heads/main").unwrap();
        writeln!(out, "committer {name} <{email}> {time} +0000").unwrap();
        data(&mut out, format!("commit {n}").as_bytes());
        if n == 0 {
            for (rel, path) in &all {
                writeln!(out, "M 100644 inline {rel}").unwrap();
                data(&mut out, &std::fs::read(path).unwrap());
            }
            continue;
        }
        let i = n % texts.len();
        // Move the probability: 1 -> 2 -> ... -> 5 -> 1.
        let text = &texts[i];
        let p = text
            .lines()
            .find_map(|l| l.strip_prefix("probability: "))
            .and_then(|v| v.trim().parse::<u8>().ok())
            .unwrap_or(1);
        let next = p % 5 + 1;
        texts[i] = text.replacen(
            &format!("probability: {p}"),
            &format!("probability: {next}"),
            1,
        );
        writeln!(out, "M 100644 inline {}", risks[i].0).unwrap();
        data(&mut out, texts[i].as_bytes());
    }
    out.flush().unwrap();
}
