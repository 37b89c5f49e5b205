//! BigQuery (GoogleSQL). Instants are `TIMESTAMP`, wall-clock times
//! `DATETIME`. Docs: <https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions>,
//! <https://cloud.google.com/bigquery/docs/reference/standard-sql/navigation_functions#percentile_cont>
//! (`PERCENTILE_CONT` is analytic only, so percentiles are interpolated
//! with window functions).

use super::{Clock, SqlDialect};
use crate::model::Grain;
use crate::sql::tz::Zone;

/// BigQuery.
pub(super) struct BigQuery;

impl SqlDialect for BigQuery {
    fn quote(&self) -> char {
        '`'
    }

    fn backslash_escapes(&self) -> bool {
        true
    }

    fn ident_backslash_escapes(&self) -> bool {
        true
    }

    fn timestamp(&self, text: &str, clock: Clock) -> String {
        match clock {
            Clock::Utc => format!("TIMESTAMP {}", self.string(&format!("{text}+00"))),
            Clock::Local => format!("DATETIME {}", self.string(text)),
        }
    }

    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        format!("DATETIME({utc}, {})", self.string(&zone.name))
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        format!("TIMESTAMP({local}, {})", self.string(&zone.name))
    }

    fn utc_hour(&self, utc: &str) -> String {
        // UTC instants are TIMESTAMPs; DATETIME_TRUNC is for wall clocks.
        format!("TIMESTAMP_TRUNC({utc}, HOUR)")
    }

    fn truncate(&self, grain: Grain, local: &str) -> String {
        let part = match grain {
            Grain::Hour => "HOUR",
            Grain::Day => "DAY",
            Grain::Week => "ISOWEEK",
            Grain::Month => "MONTH",
        };
        format!("DATETIME_TRUNC({local}, {part})")
    }

    fn add_seconds(&self, ts: &str, seconds: i64, clock: Clock) -> String {
        match clock {
            Clock::Utc => format!("TIMESTAMP_ADD({ts}, INTERVAL {seconds} SECOND)"),
            Clock::Local => format!("DATETIME_ADD({ts}, INTERVAL {seconds} SECOND)"),
        }
    }

    fn add_grain(&self, local: &str, grain: Grain) -> String {
        let (n, unit) = super::grain_step(grain);
        format!("DATETIME_ADD({local}, INTERVAL {n} {unit})")
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        format!("TIMESTAMP_DIFF({to}, {from}, MICROSECOND) / 60000000.0")
    }

    fn percentile(&self, _value: &str, _fraction: f64) -> Option<String> {
        None
    }

    fn approx_percentile(&self, value: &str, fraction: f64) -> String {
        // APPROX_QUANTILES with 1000 buckets, at the nearest quantile.
        let index = (fraction * 1000.0).round() as u32;
        format!("APPROX_QUANTILES({value}, 1000)[OFFSET({index})]")
    }

    fn bucket_series(&self, start: &str, end: &str, grain: Grain, alias: &str) -> String {
        let a = self.ident(alias);
        let t = self.ident("t");
        let array = match grain {
            Grain::Hour => format!(
                "GENERATE_TIMESTAMP_ARRAY(TIMESTAMP({start}), TIMESTAMP({end}), INTERVAL 1 HOUR)"
            ),
            Grain::Day => {
                format!("GENERATE_DATE_ARRAY(DATE({start}), DATE({end}), INTERVAL 1 DAY)")
            }
            Grain::Week => {
                format!("GENERATE_DATE_ARRAY(DATE({start}), DATE({end}), INTERVAL 7 DAY)")
            }
            Grain::Month => {
                format!("GENERATE_DATE_ARRAY(DATE({start}), DATE({end}), INTERVAL 1 MONTH)")
            }
        };
        format!(
            "(SELECT DATETIME({t}) AS {a} FROM UNNEST({array}) AS {t} WHERE DATETIME({t}) < {end})"
        )
    }

    fn double(&self) -> &'static str {
        "FLOAT64"
    }

    fn decimal(&self) -> &'static str {
        "BIGNUMERIC(38, 6)"
    }

    fn bigint(&self) -> &'static str {
        "INT64"
    }

    fn text(&self) -> &'static str {
        "STRING"
    }

    fn local_timestamp(&self) -> &'static str {
        "DATETIME"
    }

    fn parameter(&self, name: &str) -> String {
        format!("CAST(@{name} AS DATETIME)")
    }

    fn parameter_help(&self) -> &'static str {
        "bq query --parameter=start:DATETIME:2026-03-01T00:00:00 --parameter=end:DATETIME:2026-04-01T00:00:00 --parameter=as_of:DATETIME:NULL"
    }
}
