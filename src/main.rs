//! The `scorec` binary: all it does is run the CLI.

fn main() -> std::process::ExitCode {
    scorec::cli::main()
}
