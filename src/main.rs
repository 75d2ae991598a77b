//! The `brief` command: parses the command line and hands over to the library.

// A build allocates millions of small strings and events from both cores; mimalloc's per-thread
// free lists cut the time glibc's allocator spent in locking and consolidating (see
// docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    brief::cli::main()
}
