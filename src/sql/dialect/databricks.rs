//! Databricks SQL (Spark SQL). Wall-clock and UTC times are
//! `TIMESTAMP_NTZ`, converted with `convert_timezone`, so nothing depends
//! on the session time zone. Docs:
//! <https://docs.databricks.com/en/sql/language-manual/functions/convert_timezone.html>,
//! <https://docs.databricks.com/en/sql/language-manual/functions/percentile.html>.

use super::{Clock, SqlDialect};
use crate::model::Grain;
use crate::sql::tz::Zone;

/// Databricks.
pub(super) struct Databricks;

impl SqlDialect for Databricks {
    fn quote(&self) -> char {
        '`'
    }

    fn backslash_escapes(&self) -> bool {
        true
    }

    fn timestamp(&self, text: &str, _clock: Clock) -> String {
        format!("CAST({} AS TIMESTAMP_NTZ)", self.string(text))
    }

    fn utc(&self, column: &str, declared: Option<&str>) -> String {
        if declared.is_some_and(super::postgres::is_zoned) {
            format!("convert_timezone(current_timezone(), 'UTC', CAST({column} AS TIMESTAMP_NTZ))")
        } else {
            format!("CAST({column} AS TIMESTAMP_NTZ)")
        }
    }

    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        format!(
            "convert_timezone('UTC', {}, {utc})",
            self.string(&zone.name)
        )
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        format!(
            "convert_timezone({}, 'UTC', {local})",
            self.string(&zone.name)
        )
    }

    fn truncate(&self, grain: Grain, local: &str) -> String {
        // On dates, which have no time zone; `date_trunc` would go through
        // the session time zone.
        let day = format!("CAST({local} AS DATE)");
        match grain {
            Grain::Hour => {
                format!("timestampadd(HOUR, hour({local}), CAST({day} AS TIMESTAMP_NTZ))")
            }
            Grain::Day => format!("CAST({day} AS TIMESTAMP_NTZ)"),
            Grain::Week => format!("CAST(trunc({day}, 'WEEK') AS TIMESTAMP_NTZ)"),
            Grain::Month => format!("CAST(trunc({day}, 'MM') AS TIMESTAMP_NTZ)"),
        }
    }

    fn add_seconds(&self, ts: &str, seconds: i64, _clock: Clock) -> String {
        format!("timestampadd(SECOND, {seconds}, {ts})")
    }

    fn add_grain(&self, local: &str, grain: Grain) -> String {
        self.add_grain_n(local, grain, "1")
    }

    fn add_grain_n(&self, local: &str, grain: Grain, n: &str) -> String {
        let (k, unit) = super::grain_step(grain);
        let n = if k == 1 {
            n.to_string()
        } else {
            format!("{n} * {k}")
        };
        format!("timestampadd({unit}, {n}, {local})")
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        format!("timestampdiff(MICROSECOND, {from}, {to}) / 60000000.0")
    }

    fn percentile(&self, value: &str, fraction: f64) -> Option<String> {
        Some(format!("percentile({value}, {})", super::number(fraction)))
    }

    fn approx_percentile(&self, value: &str, fraction: f64) -> String {
        format!("approx_percentile({value}, {})", super::number(fraction))
    }

    fn bucket_series(&self, start: &str, end: &str, grain: Grain, alias: &str) -> String {
        let (n, unit) = super::grain_step(grain);
        let a = self.ident(alias);
        format!(
            "(SELECT {a} FROM (SELECT explode(sequence({start}, {end}, INTERVAL {n} {unit})) AS {a}) AS {} WHERE {a} < {end})",
            self.ident("series")
        )
    }

    fn double(&self) -> &'static str {
        "DOUBLE"
    }

    fn text(&self) -> &'static str {
        "STRING"
    }

    fn local_timestamp(&self) -> &'static str {
        "TIMESTAMP_NTZ"
    }

    fn parameter_help(&self) -> &'static str {
        "named parameter markers: spark.sql(query, args={\"start\": \"2026-03-01\", \"end\": \"2026-04-01\", \"as_of\": None})"
    }
}
