//! `scorec alerts`: statuses and alert rules for one target.

use std::path::PathBuf;

use clap::Args;

use super::build::{checked, render_failed, write_out};
use super::{EXIT_OK, EXIT_USAGE, OutputArgs};
use crate::alerts::{self, Target};
use crate::sql::Dialect;

/// `--target`: one target's word.
fn targets() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Target::ALL.map(Target::name))
}

/// `--dialect`: one dialect's word.
fn dialect_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Dialect::ALL.map(Dialect::name))
}

/// `scorec alerts`.
#[derive(Debug, Args)]
pub struct AlertsArgs {
    /// The scorecard: a folder with a root file, or a root file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Where the alerts run.
    #[arg(long, value_parser = targets())]
    pub target: String,
    /// Dialect of the SQL; default: the scorecard's `defaults.dialect`.
    #[arg(long, value_parser = dialect_names())]
    pub dialect: Option<String>,
    /// Folder to write; it is replaced as a whole, and only when every file
    /// was generated.
    #[arg(long)]
    pub out: PathBuf,
    /// Schema (dataset) of the `scorecard` views and the status view.
    #[arg(long, default_value = "scorec")]
    pub schema: String,
    /// Snowflake: the warehouse the alerts' conditions run on.
    #[arg(long, default_value = "scorec_wh")]
    pub warehouse: String,
    /// Snowflake: the alerts' schedule (`60 MINUTE`, `USING CRON 0 7 * * * UTC`).
    #[arg(long, default_value = "60 MINUTE")]
    pub schedule: String,
    /// Snowflake: the notification integration the alerts send through.
    #[arg(long, default_value = "scorec_alerts")]
    pub integration: String,
    /// Grafana: the UID of the Prometheus data source holding the scorec gauges.
    #[arg(long, default_value = "prometheus")]
    pub datasource: String,
    /// Grafana: the folder of the rule groups.
    #[arg(long, default_value = "scorec")]
    pub folder: String,
    /// Output options for diagnostics.
    #[command(flatten)]
    pub output: OutputArgs,
}

pub(super) fn run(args: &AlertsArgs) -> u8 {
    let (loaded, model) = match checked(&args.path, args.output, false) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let Some(target) = Target::parse(&args.target) else {
        eprintln!("error: unknown target `{}`", args.target);
        return EXIT_USAGE;
    };
    let word = args.dialect.as_deref().unwrap_or(&model.settings.dialect);
    let Some(dialect) = Dialect::parse(word) else {
        eprintln!("error: the scorecard's default dialect `{word}` is unknown");
        return EXIT_USAGE;
    };
    let options = alerts::Options {
        schema: args.schema.clone(),
        snowflake: alerts::snowflake::SnowflakeOptions {
            warehouse: args.warehouse.clone(),
            schedule: args.schedule.clone(),
            integration: args.integration.clone(),
        },
        grafana: alerts::grafana::GrafanaOptions {
            datasource: args.datasource.clone(),
            folder: args.folder.clone(),
        },
    };
    let artifacts = match alerts::generate(&model, target, dialect, &options) {
        Ok(a) => a,
        Err(e) => return render_failed(&e),
    };
    if let Err(code) = write_out(&args.out, &loaded, &artifacts, "`scorec alerts`") {
        return code;
    }
    let dialect = match target {
        Target::Sql | Target::Dbt => format!(" for {}", dialect.name()),
        Target::Snowflake | Target::Prometheus | Target::Grafana => String::new(),
    };
    let s = if artifacts.len() == 1 { "" } else { "s" };
    println!(
        "wrote the {} alerts of `{}`{dialect}: {} file{s} in {}",
        target.name(),
        model.name,
        artifacts.len(),
        args.out.display()
    );
    EXIT_OK
}
