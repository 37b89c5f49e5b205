//! Amazon Redshift. Docs: <https://docs.aws.amazon.com/redshift/latest/dg/CONVERT_TIMEZONE.html>,
//! <https://docs.aws.amazon.com/redshift/latest/dg/r_WF_PERCENTILE_CONT.html>.
//!
//! Redshift's `PERCENTILE_CONT` allows one ordering per statement and
//! `generate_series` runs on the leader node only, so percentiles are
//! interpolated with window functions and buckets are numbered with the
//! default digits table.

use super::snowflake::Snowflake;
use super::{Clock, Fold, SqlDialect};
use crate::model::Grain;
use crate::sql::tz::Zone;

/// Amazon Redshift.
pub(super) struct Redshift;

impl SqlDialect for Redshift {
    fn fold(&self) -> Fold {
        Fold::Lower
    }

    fn backslash_escapes(&self) -> bool {
        true
    }

    fn utc(&self, column: &str, declared: Option<&str>) -> String {
        if declared.is_some_and(super::postgres::is_zoned) {
            format!("CONVERT_TIMEZONE('UTC', {column})")
        } else {
            column.to_string()
        }
    }

    // Redshift's date functions are Snowflake's: CONVERT_TIMEZONE, DATEADD,
    // DATEDIFF.
    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        Snowflake.to_local(utc, zone)
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        Snowflake.to_utc(local, zone)
    }

    fn add_seconds(&self, ts: &str, seconds: i64, clock: Clock) -> String {
        Snowflake.add_seconds(ts, seconds, clock)
    }

    fn add_grain(&self, local: &str, grain: Grain) -> String {
        Snowflake.add_grain(local, grain)
    }

    fn add_grain_n(&self, local: &str, grain: Grain, n: &str) -> String {
        Snowflake.add_grain_n(local, grain, n)
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        Snowflake.minutes_between(from, to)
    }

    fn percentile(&self, _value: &str, _fraction: f64) -> Option<String> {
        None
    }

    fn approx_percentile(&self, value: &str, fraction: f64) -> String {
        format!(
            "APPROXIMATE PERCENTILE_DISC({}) WITHIN GROUP (ORDER BY {value})",
            super::number(fraction)
        )
    }

    fn parameter(&self, name: &str) -> String {
        let n = match name {
            "start" => 1,
            "end" => 2,
            _ => 3,
        };
        format!("CAST(${n} AS TIMESTAMP)")
    }

    fn parameter_help(&self) -> &'static str {
        "PREPARE scorecard (timestamp, timestamp, timestamp) AS <this query>; EXECUTE scorecard ('2026-03-01', '2026-04-01', NULL);"
    }
}

/// sqlparser's Redshift dialect, with `GROUPING SETS`, which Redshift has
/// supported since 2023 but sqlparser 0.64's Redshift dialect does not
/// parse (<https://docs.aws.amazon.com/redshift/latest/dg/r_GROUP_BY_aggregation-extensions.html>).
/// Everything else is Redshift's.
#[derive(Debug)]
pub(crate) struct RedshiftParser(sqlparser::dialect::RedshiftSqlDialect);

impl RedshiftParser {
    /// The parser dialect.
    pub(crate) fn new() -> RedshiftParser {
        RedshiftParser(sqlparser::dialect::RedshiftSqlDialect {})
    }
}

impl sqlparser::dialect::Dialect for RedshiftParser {
    fn is_identifier_start(&self, ch: char) -> bool {
        self.0.is_identifier_start(ch)
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        self.0.is_identifier_part(ch)
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        self.0.is_delimited_identifier_start(ch)
    }

    fn supports_group_by_expr(&self) -> bool {
        true
    }

    fn supports_string_literal_backslash_escape(&self) -> bool {
        self.0.supports_string_literal_backslash_escape()
    }

    fn supports_approximate_percentile_disc(&self) -> bool {
        self.0.supports_approximate_percentile_disc()
    }

    fn supports_window_function_null_treatment_arg(&self) -> bool {
        self.0.supports_window_function_null_treatment_arg()
    }

    fn convert_type_before_value(&self) -> bool {
        self.0.convert_type_before_value()
    }

    fn is_reserved_for_identifier(&self, kw: sqlparser::keywords::Keyword) -> bool {
        self.0.is_reserved_for_identifier(kw)
    }
}
