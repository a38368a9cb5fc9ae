//! The `pmo` command line: argument parsing and printing only; the work is in the library.

mod cli;

// The YAML scanner grows many small strings and every document is a tree of small maps:
// mimalloc makes that markedly cheaper than the system allocator (see bench/README.md).
// `Budgeted` bounds what a template may allocate while it renders (pmo::budget).
#[global_allocator]
static GLOBAL: pmo::budget::Budgeted<mimalloc::MiMalloc> =
    pmo::budget::Budgeted(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    cli::run()
}
