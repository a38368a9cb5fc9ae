//! The `pmo` command line: argument parsing and printing only; the work is in the library.

mod cli;

// The YAML scanner grows many small strings and every document is a tree of small maps:
// mimalloc makes that markedly cheaper than the system allocator (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
