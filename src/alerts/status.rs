//! The `scorecard_status` view and the breach query, for every dialect.
//!
//! Both read only the output shape of the `scorecard` and
//! `signal_integrity` views of `scorec build` (docs/sql.md), never the
//! renderer's internals; `cte.rs` and `judge.rs` write the view's query.
//! Every statement is parsed by sqlparser in its dialect before it is
//! returned, like the statements of `scorec build`.

use std::fmt::Write as _;

use super::Options;
use super::cte::Writer;
use crate::build::Artifact;
use crate::model::Scorecard;
use crate::sql::dialect::SqlDialect;
use crate::sql::plan::{Plan, Selection};
use crate::sql::{Dialect, RenderError};

/// The columns of `scorecard_status` and of the breach query, before and
/// after the cohort dimension columns.
pub const COLUMNS_BEFORE_DIMS: [&str; 9] = [
    "scorecard",
    "rule",
    "journey",
    "pair",
    "side",
    "metric",
    "source",
    "bucket",
    "grouping",
];

/// The columns after the cohort dimension columns.
pub const COLUMNS_AFTER_DIMS: [&str; 11] = [
    "cohort",
    "value",
    "baseline",
    "bound",
    "sample",
    "min_sample",
    "status",
    "security_owner",
    "product_owner",
    "acting_owner",
    "action",
];

/// The `sql` target's files for one dialect.
pub fn files(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
) -> Result<Vec<Artifact>, RenderError> {
    let dir = dialect.name();
    Ok(vec![
        Artifact {
            path: format!("{dir}/scorecard_status.sql"),
            text: status_sql(model, dialect, options)?,
            dialect: Some(dialect),
            metrics: std::sync::Arc::new([]),
        },
        Artifact {
            path: format!("{dir}/breaches.sql"),
            text: breach_sql(model, dialect, options)?,
            dialect: Some(dialect),
            metrics: std::sync::Arc::new([]),
        },
    ])
}

/// `CREATE OR REPLACE VIEW <schema>.scorecard_status`.
pub fn status_sql(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
) -> Result<String, RenderError> {
    crate::sql::check_identifiers(model, dialect, &options.schema)?;
    let d = dialect.sql();
    let body = Writer::new(model, d, &options.schema).query();
    let name = format!(
        "{}.{}",
        d.ident(&options.schema),
        d.ident("scorecard_status")
    );
    let sql = crate::sql::render::finish(dialect, &format!("{}{body}", d.create_view(&name)))?;
    let mut out = header(model, dialect);
    out.push_str(
        "-- Status per check, bucket and cohort: ok, warn, critical, insufficient or\n\
         -- incomplete. Reads the `scorecard` and `signal_integrity` views.\n",
    );
    let _ = writeln!(out, "{sql};");
    Ok(out)
}

/// The status view's `SELECT`, with its header (dbt models take it).
pub fn status_query(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
) -> Result<String, RenderError> {
    crate::sql::check_identifiers(model, dialect, &options.schema)?;
    let body = Writer::new(model, dialect.sql(), &options.schema).query();
    let mut out = header(model, dialect);
    out.push_str(&crate::sql::render::finish(dialect, &body)?);
    out.push('\n');
    Ok(out)
}

/// The breach query: the warn and critical rows of each check's newest
/// judged bucket (the newest bucket that is not incomplete).
pub fn breach_sql(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
) -> Result<String, RenderError> {
    let d = dialect.sql();
    let sql = crate::sql::render::finish(dialect, &breach_query(model, d, &options.schema))?;
    let mut out = header(model, dialect);
    out.push_str(
        "-- Breaches: the warn and critical rows of each check's newest judged\n\
         -- bucket, one alert per row. Reads the `scorecard_status` view.\n",
    );
    let _ = writeln!(out, "{sql};");
    Ok(out)
}

/// The breach query's text, before sqlparser prints it (Snowflake embeds it
/// in `CREATE ALERT`).
pub fn breach_query(model: &Scorecard, d: &'static dyn SqlDialect, schema: &str) -> String {
    let dims = Plan::new(model, Selection::All).dims;
    let columns = all_columns(&dims);
    let listed: Vec<String> = columns.iter().map(|c| d.ident(c)).collect();
    let partition: Vec<String> = ["rule", "pair", "side", "metric", "source"]
        .iter()
        .map(|c| d.ident(c))
        .collect();
    let order: Vec<String> = [
        "rule", "journey", "pair", "side", "metric", "source", "bucket", "grouping", "cohort",
    ]
    .iter()
    .map(|c| d.ident(c))
    .collect();
    // An alert's severity is the row's status.
    format!(
        "SELECT {cols}, {status} AS {severity}\nFROM (SELECT {cols}, max(CASE WHEN {status} <> 'incomplete' THEN {bucket} END) OVER (PARTITION BY {partition}) AS {newest} FROM {schema}.{view}) AS {s}\nWHERE {status} IN ('warn', 'critical') AND {bucket} = {newest}\nORDER BY {order}",
        cols = listed.join(", "),
        status = d.ident("status"),
        severity = d.ident("severity"),
        bucket = d.ident("bucket"),
        partition = partition.join(", "),
        newest = d.ident("newest"),
        schema = d.ident(schema),
        view = d.ident("scorecard_status"),
        s = d.ident("s"),
        order = order.join(", "),
    )
}

/// Every column of the status view, the cohort dimensions in the middle.
pub fn all_columns(dims: &[String]) -> Vec<String> {
    COLUMNS_BEFORE_DIMS
        .iter()
        .map(|c| (*c).to_string())
        .chain(dims.iter().cloned())
        .chain(COLUMNS_AFTER_DIMS.iter().map(|c| (*c).to_string()))
        .collect()
}

fn header(model: &Scorecard, dialect: Dialect) -> String {
    format!(
        "-- Generated by scorec {} from scorecard `{}`. Do not edit; change the scorecard.\n-- Dialect {}; buckets of one {} in {}.\n",
        env!("CARGO_PKG_VERSION"),
        model.name.replace(|c: char| c.is_control(), " "),
        dialect.name(),
        crate::sql::dialect::grain_word(model.settings.grain),
        model.settings.timezone
    )
}
