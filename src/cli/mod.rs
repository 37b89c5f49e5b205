//! The command line: parses arguments, reads files, prints, and picks the
//! exit code. The only module that does I/O; everything else returns values.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the CLI is where scorec talks to the terminal"
)]

mod alerts;
mod build;
mod commands;
mod diff;
mod example_data;
pub mod fs;
mod git;
mod run;

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Exit code: nothing wrong (warnings allowed).
pub const EXIT_OK: u8 = 0;
/// Exit code: the scorecard has errors.
pub const EXIT_ERRORS: u8 = 1;
/// Exit code: bad usage, or a file could not be read or written.
pub const EXIT_USAGE: u8 = 2;

const AFTER_HELP: &str = "\
Exit codes:
  0  no errors (warnings allowed)
  1  the scorecard has errors (or warnings, with --deny warnings)
  2  usage error, or a file could not be read or written

Environment:
  NO_COLOR  when set, never colour output (same as --color never)";

/// scorec: metrics-as-code for customer identity (CIAM) scorecards.
#[derive(Debug, Parser)]
#[command(name = "scorec", version, about, after_help = AFTER_HELP, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a scorecard and report every problem.
    Check(CheckArgs),
    /// Rewrite scorecard files in their canonical layout (comments kept).
    Fmt(FmtArgs),
    /// Convert a scorecard between YAML and the DSL.
    Convert(ConvertArgs),
    /// Explain a diagnostic code, with an example and the fix.
    Explain(ExplainArgs),
    /// List or show the framework catalogs scorec knows.
    Catalogs(CatalogsArgs),
    /// Write a small working scorecard to start from.
    Init(InitArgs),
    /// Print the JSON Schema of the YAML format, for editors.
    Schema,
    /// Compile the scorecard to warehouse SQL: views, ad-hoc queries and a manifest.
    Build(build::BuildArgs),
    /// Print the SQL of one metric, journey or source, for review.
    Sql(build::SqlArgs),
    /// Write statuses and alert rules: SQL, Snowflake, dbt, Prometheus or Grafana.
    Alerts(alerts::AlertsArgs),
    /// Write deterministic example event data for the bundled example scorecard.
    ExampleData(example_data::ExampleDataArgs),
    /// Compare two versions of a scorecard by meaning: changes, impact, reviewers.
    Diff(diff::DiffArgs),
    /// Evaluate the scorecard on local data (Parquet, CSV, JSON, DuckDB) and report.
    Run(run::RunArgs),
}

/// Output format of findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For tools.
    Json,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When writing to a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Options shared by commands that print findings.
#[derive(Clone, Copy, Debug, Args)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to use colour.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

impl OutputArgs {
    fn color_on_stderr(self) -> bool {
        use_color(self.color, std::io::stderr().is_terminal())
    }
}

/// Whether to colour output to a stream that is (or is not) a terminal.
fn use_color(color: Color, terminal: bool) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && terminal,
    }
}

/// `scorec check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scorecard: a folder with a root file, or a root file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Treat warnings as errors (`--deny warnings`).
    #[arg(long, value_name = "warnings", value_parser = ["warnings"])]
    pub deny: Option<String>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `scorec fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The scorecard: a folder with a root file, or a root file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Change nothing; exit 1 if a file is not in canonical layout.
    #[arg(long)]
    pub check: bool,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Target syntax of `convert`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// YAML files (`.yaml`).
    Yaml,
    /// DSL files (`.scorec`).
    Dsl,
}

/// `scorec convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The scorecard: a folder with a root file, or a root file.
    pub path: PathBuf,
    /// Syntax to convert to.
    #[arg(long, value_enum)]
    pub to: Target,
    /// Folder to write the converted files to; a single root file without
    /// includes prints to stdout when no folder is given.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
}

/// `scorec explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A code (`E0102`) or lint name (`unused-metric`); `list` lists all.
    pub code: String,
}

/// `scorec catalogs`.
#[derive(Debug, Args)]
pub struct CatalogsArgs {
    /// `list` (default) or `show`.
    #[arg(value_parser = ["list", "show"], default_value = "list")]
    pub action: String,
    /// With `show`: a catalog (`csf`, `nist-csf-2.0`) or a control (`csf:DE.AE-02`).
    pub id: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// `scorec init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the scorecard in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}

/// Runs the CLI on the process's arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

/// Runs one parsed command and returns its exit code.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Check(args) => commands::check(&args),
        Command::Fmt(args) => commands::fmt(&args),
        Command::Convert(args) => commands::convert(&args),
        Command::Explain(args) => commands::explain(&args),
        Command::Catalogs(args) => commands::catalogs(&args),
        Command::Init(args) => commands::init(&args),
        Command::Build(args) => build::build(&args),
        Command::Sql(args) => build::sql(&args),
        Command::Alerts(args) => alerts::run(&args),
        Command::ExampleData(args) => example_data::run(&args),
        Command::Diff(args) => diff::diff(&args),
        Command::Run(args) => run::run(&args),
        Command::Schema => {
            let schema = crate::syntax::yaml::shape::json_schema();
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            EXIT_OK
        }
    }
}
