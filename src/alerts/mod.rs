//! Thresholds to alerts: the statuses of every metric, bucket and cohort,
//! and alert rules for the places teams deploy them.
//!
//! `status` writes the `scorecard_status` view and the breach query on top
//! of the `scorecard` and `signal_integrity` views of `scorec build` (their
//! output shape, not their internals); `rules` lists what is evaluated, in
//! declaration order, for the targets that do not run SQL. Each target has
//! its own file:
//!
//! | target | file | writes |
//! |---|---|---|
//! | `sql` | `status.rs` | `scorecard_status` view and breach query, any dialect |
//! | `snowflake` | `snowflake.rs` | `CREATE ALERT` over the breach query |
//! | `dbt` | `dbt.rs` | a dbt package: status models, schema and data tests |
//! | `prometheus` | `prometheus.rs` | alerting rules over the OpenMetrics gauges |
//! | `grafana` | `grafana.rs` | alert-rule provisioning files |

mod cte;
pub mod dbt;
pub mod gauges;
pub mod grafana;
mod judge;
pub mod prometheus;
pub mod rules;
pub mod snowflake;
pub mod status;

use crate::build::Artifact;
use crate::model::Scorecard;
use crate::sql::{Dialect, RenderError};

/// Where alert rules are deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The status view and breach query, in any dialect.
    Sql,
    /// Snowflake `CREATE ALERT` statements over the status view.
    Snowflake,
    /// Prometheus alerting rules over the OpenMetrics gauges.
    Prometheus,
    /// A dbt package: models, schema and data tests.
    Dbt,
    /// Grafana alert-rule provisioning files.
    Grafana,
}

impl Target {
    /// Every target, in the order the docs list them.
    pub const ALL: [Target; 5] = [
        Target::Sql,
        Target::Snowflake,
        Target::Dbt,
        Target::Prometheus,
        Target::Grafana,
    ];

    /// The target's word, as in `--target`.
    pub fn name(self) -> &'static str {
        match self {
            Target::Sql => "sql",
            Target::Snowflake => "snowflake",
            Target::Prometheus => "prometheus",
            Target::Dbt => "dbt",
            Target::Grafana => "grafana",
        }
    }

    /// The target for a word.
    pub fn parse(word: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == word)
    }
}

/// Options of one `scorec alerts` run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Schema (dataset) of the `scorecard`, `signal_integrity` and status views.
    pub schema: String,
    /// Warehouse, schedule and notification integration of Snowflake alerts.
    pub snowflake: snowflake::SnowflakeOptions,
    /// Data source and folder of Grafana rules.
    pub grafana: grafana::GrafanaOptions,
}

/// Every file of a target for one dialect, in a fixed order. Targets tied
/// to a warehouse (`snowflake`) ignore `dialect`.
pub fn generate(
    model: &Scorecard,
    target: Target,
    dialect: Dialect,
    options: &Options,
) -> Result<Vec<Artifact>, RenderError> {
    match target {
        Target::Sql => status::files(model, dialect, options),
        Target::Snowflake => snowflake::files(model, options, &options.snowflake),
        Target::Prometheus => Ok(prometheus::files(model)),
        Target::Dbt => dbt::files(model, dialect, options),
        Target::Grafana => Ok(grafana::files(model, &options.grafana)),
    }
}
