//! Trino. Docs: <https://trino.io/docs/current/functions/datetime.html>.
//! Trino has only approximate percentiles (`approx_percentile`), so exact
//! percentiles are interpolated with window functions.

use super::{Fold, SqlDialect};
use crate::model::Grain;
use crate::sql::tz::Zone;

/// Trino.
pub(super) struct Trino;

impl SqlDialect for Trino {
    fn fold(&self) -> Fold {
        Fold::Lower
    }

    fn utc(&self, column: &str, declared: Option<&str>) -> String {
        if declared.is_some_and(super::postgres::is_zoned) {
            format!("CAST({column} AT TIME ZONE 'UTC' AS TIMESTAMP(6))")
        } else {
            format!("CAST({column} AS TIMESTAMP(6))")
        }
    }

    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        format!(
            "CAST(with_timezone({utc}, 'UTC') AT TIME ZONE {} AS TIMESTAMP(6))",
            self.string(&zone.name)
        )
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        format!(
            "CAST(with_timezone({local}, {}) AT TIME ZONE 'UTC' AS TIMESTAMP(6))",
            self.string(&zone.name)
        )
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        format!(
            "(to_unixtime(with_timezone({to}, 'UTC')) - to_unixtime(with_timezone({from}, 'UTC'))) / 60.0"
        )
    }

    fn percentile(&self, _value: &str, _fraction: f64) -> Option<String> {
        None
    }

    fn approx_percentile(&self, value: &str, fraction: f64) -> String {
        format!("approx_percentile({value}, {})", super::number(fraction))
    }

    fn bucket_series(&self, start: &str, end: &str, grain: Grain, alias: &str) -> String {
        let (n, unit) = super::grain_step(grain);
        let a = self.ident(alias);
        format!(
            "(SELECT {a} FROM UNNEST(sequence({start}, {end}, INTERVAL '{n}' {unit})) AS {}({a}) WHERE {a} < {end})",
            self.ident("series")
        )
    }

    fn double(&self) -> &'static str {
        "DOUBLE"
    }

    fn local_timestamp(&self) -> &'static str {
        "TIMESTAMP(6)"
    }

    fn parameter(&self, _name: &str) -> String {
        "CAST(? AS TIMESTAMP(6))".to_string()
    }

    fn parameter_help(&self) -> &'static str {
        "PREPARE scorecard FROM <this query>; EXECUTE scorecard USING TIMESTAMP '2026-03-01 00:00:00', TIMESTAMP '2026-04-01 00:00:00', NULL;"
    }
}
