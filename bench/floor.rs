//! The floor under `pmo check`: how long it takes just to find, read and tokenise the
//! document files of a governance repository, with none of pmo's own work.
//!
//! ```text
//! cargo run --release --example floor -- DIR
//! ```
//!
//! Walks DIR with pmo's own source (the same parallel walk, ignore rules and skipped
//! paths as `pmo check`) twice and prints how long each pass took: `read` reads every
//! document file, `yaml` also runs pmo's YAML reader over it (the fast reader, and saphyr
//! for the files it leaves) and discards the events.
//! `yaml` is the floor: compare it with the wall time of `pmo check` to see what pmo's
//! model, schemas and rules add.

use pmo::parse::fast;
use pmo::parse::input::Text;
use pmo::source::{Source, Worktree, skip_set};
use saphyr_parser::Parser;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

// The same allocator as the `pmo` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: floor DIR");
        return ExitCode::from(2);
    };
    let tree = Worktree::at(dir);
    let skip = skip_set(&[]).expect("the built-in skip patterns are valid");

    let (files, bytes, events) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let start = Instant::now();
    tree.for_each_document(&skip, &|_, read| {
        files.fetch_add(1, Relaxed);
        bytes.fetch_add(read.map_or(0, |b| b.len()), Relaxed);
    });
    let (files, bytes) = (files.into_inner(), bytes.into_inner());
    println!(
        "read  {:>7.3} s  {files} files, {bytes} bytes",
        start.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let saphyr = AtomicUsize::new(0);
    tree.for_each_document(&skip, &|_, read| {
        let text = read
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        // As pmo reads: the fast reader, and saphyr for what it leaves.
        let mut n = 0;
        if fast::read(&text, |_, _| {
            n += 1;
            Ok(())
        })
        .is_err()
        {
            saphyr.fetch_add(1, Relaxed);
            n = Parser::new(Text::new(&text))
                .take_while(Result::is_ok)
                .count();
        }
        events.fetch_add(n, Relaxed);
    });
    let (events, saphyr) = (events.into_inner(), saphyr.into_inner());
    println!(
        "yaml  {:>7.3} s  {events} events, {saphyr} files read by saphyr",
        start.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}
