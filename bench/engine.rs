//! How long the incremental engine takes to bring its findings up to date after one
//! document of a large portfolio is edited, in process (what an editor's server waits).
//!
//! ```text
//! cargo run --release --example engine -- DIR [EDITS]
//! ```
//!
//! Loads DIR (the benchmark portfolio, `--today 2026-11-20`) into the engine, then edits
//! EDITS documents (default 60) in turn, each a field of a risk, a project or a status
//! update spread over the portfolio, tells the engine, asks for the report, and prints
//! the median and the slowest time from the edit to the report; then checks that the
//! last report equals a check from scratch of the edited portfolio.

use pmo::check::{Edited, Engine, check};
use pmo::source::Worktree;
use std::process::ExitCode;
use std::time::{Duration, Instant};

// The same allocator as the `pmo` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: engine DIR [EDITS]");
        return ExitCode::from(2);
    };
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(60);
    let today = jiff::civil::date(2026, 11, 20);
    let started = Instant::now();
    let mut engine = match Engine::load(&Worktree::at(&dir), today) {
        Ok(engine) => engine,
        Err(e) => {
            eprintln!("engine: {e}");
            return ExitCode::from(2);
        }
    };
    let findings = engine.report().diagnostics.len();
    println!(
        "loaded and checked {} documents in {:.2?} ({findings} findings)",
        engine.repository().documents.len(),
        started.elapsed()
    );
    // Documents spread over the portfolio, each edited in memory (the files on disk
    // stay as they are): a risk's probability, a project's forecast cost, a status.
    let files: Vec<(String, String)> = engine
        .repository()
        .files
        .iter()
        .step_by(engine.repository().files.len() / edits.max(1))
        .map(|f| (f.path.clone(), f.text.clone()))
        .take(edits)
        .collect();
    let mut times: Vec<(Duration, &str)> = Vec::new();
    let mut last = Vec::new();
    for (path, text) in &files {
        let edited = [
            "probability: 2",
            "impact: 3",
            "overall: green",
            "budget: ",
            "status: open",
        ]
        .iter()
        .find(|from| text.contains(*from))
        .map(|from| text.replacen(from, &format!("{from}9"), 1))
        .unwrap_or_else(|| format!("{text}\n# edited\n"));
        let started = Instant::now();
        if engine.edit(path, Some(edited.into_bytes())) != Edited::Document {
            continue;
        }
        last = engine.report().diagnostics;
        times.push((started.elapsed(), path));
    }
    times.sort();
    let median = times[times.len() / 2].0;
    let (slowest, path) = times[times.len() - 1];
    println!(
        "{} edits: edit to report median {median:.2?}, slowest {slowest:.2?} ({path})",
        times.len(),
    );
    // The same findings as a check from scratch of the same content.
    let cold = check(engine.repository(), today).diagnostics;
    if cold != last {
        eprintln!("engine: the report after the edits differs from a check from scratch");
        return ExitCode::FAILURE;
    }
    println!("the last report equals a check from scratch");
    ExitCode::SUCCESS
}
