//! The `pmo` command line: argument parsing and printing only; the work is in the library.

mod cli;

// The YAML scanner grows many small strings and every document is a tree of small maps:
// mimalloc makes that markedly cheaper than the system allocator (see bench/README.md).
// `Budgeted` bounds what a template may allocate while it renders (pmo::budget).
#[global_allocator]
static GLOBAL: pmo::budget::Budgeted<mimalloc::MiMalloc> =
    pmo::budget::Budgeted(mimalloc::MiMalloc);

fn main() -> std::process::ExitCode {
    // mimalloc asks for transparent huge pages. For a process that lives a second or two,
    // each is a 2 MiB page zeroed (and, when memory is fragmented, compacted) on first
    // touch: on a virtual machine a check of 100,000 documents spent most of its time
    // there, and its time varied threefold from run to run (see bench/README.md).
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    cli::run()
}
