//! The `scorec` binary: the CLI, on mimalloc.

// A large build allocates and frees millions of small strings and a few
// buffers of several MB per dialect; mimalloc does both faster than the
// system allocator (BENCHMARKS.md, "Compile").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    scorec::cli::main()
}
