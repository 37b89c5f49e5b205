//! ClickHouse. Every time value is a `DateTime64(6, 'UTC')`; wall-clock
//! times are held as UTC-typed values with the wall clock's digits, so
//! truncation never depends on the server or session time zone. Docs:
//! <https://clickhouse.com/docs/en/sql-reference/functions/date-time-functions>,
//! <https://clickhouse.com/docs/en/sql-reference/aggregate-functions/reference/quantileexact#quantileexactinclusive>.

use super::{Clock, SqlDialect};
use crate::model::Grain;
use crate::sql::tz::Zone;

/// ClickHouse.
pub(super) struct ClickHouse;

impl SqlDialect for ClickHouse {
    fn backslash_escapes(&self) -> bool {
        true
    }

    fn ident_backslash_escapes(&self) -> bool {
        true
    }

    fn timestamp(&self, text: &str, _clock: Clock) -> String {
        format!("toDateTime64({}, 6, 'UTC')", self.string(text))
    }

    fn utc(&self, column: &str, _declared: Option<&str>) -> String {
        format!("toDateTime64({column}, 6, 'UTC')")
    }

    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        format!(
            "addSeconds({utc}, timeZoneOffset(toTimeZone({utc}, {})))",
            self.string(&zone.name)
        )
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        format!(
            "toTimeZone(toDateTime64(toString({local}), 6, {}), 'UTC')",
            self.string(&zone.name)
        )
    }

    fn truncate(&self, grain: Grain, local: &str) -> String {
        let f = match grain {
            Grain::Hour => "toStartOfHour",
            Grain::Day => "toStartOfDay",
            Grain::Week => "toMonday",
            Grain::Month => "toStartOfMonth",
        };
        format!("toDateTime64({f}({local}), 6, 'UTC')")
    }

    fn add_seconds(&self, ts: &str, seconds: i64, _clock: Clock) -> String {
        format!("addSeconds({ts}, {seconds})")
    }

    fn add_grain(&self, local: &str, grain: Grain) -> String {
        self.add_grain_n(local, grain, "1")
    }

    fn add_grain_n(&self, local: &str, grain: Grain, n: &str) -> String {
        match grain {
            Grain::Hour => format!("addHours({local}, {n})"),
            Grain::Day => format!("addDays({local}, {n})"),
            Grain::Week => format!("addDays({local}, {n} * 7)"),
            Grain::Month => format!("addMonths({local}, {n})"),
        }
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        format!("(toUnixTimestamp64Micro({to}) - toUnixTimestamp64Micro({from})) / 60000000.0")
    }

    fn percentile(&self, value: &str, fraction: f64) -> Option<String> {
        Some(format!(
            "quantileExactInclusive({})({value})",
            super::number(fraction)
        ))
    }

    fn approx_percentile(&self, value: &str, fraction: f64) -> String {
        format!("quantile({})({value})", super::number(fraction))
    }

    fn bucket_series(&self, start: &str, end: &str, grain: Grain, alias: &str) -> String {
        let unit = match grain {
            Grain::Hour => "hour",
            Grain::Day => "day",
            Grain::Week => "week",
            Grain::Month => "month",
        };
        let n =
            format!("arrayJoin(range(toUInt64(greatest(dateDiff('{unit}', {start}, {end}), 0))))");
        format!(
            "(SELECT {} AS {})",
            self.add_grain_n(start, grain, &n),
            self.ident(alias)
        )
    }

    // Types are written with ClickHouse's case-insensitive SQL aliases:
    // sqlparser prints type names in upper case, and `FLOAT64` is not a
    // ClickHouse type while `DOUBLE` is.
    fn double(&self) -> &'static str {
        "Nullable(DOUBLE)"
    }

    fn decimal(&self) -> &'static str {
        "Nullable(DECIMAL(38, 6))"
    }

    fn bigint(&self) -> &'static str {
        "Nullable(BIGINT)"
    }

    fn text(&self) -> &'static str {
        "Nullable(VARCHAR)"
    }

    fn local_timestamp(&self) -> &'static str {
        "DateTime64(6, 'UTC')"
    }

    fn null_of(&self, ty: &str) -> String {
        // NULL casts only to a Nullable type: `CAST(NULL AS DateTime64(...))`
        // is an error ("Cannot convert NULL to a non-nullable type").
        if ty.starts_with("Nullable(") {
            format!("CAST(NULL AS {ty})")
        } else {
            format!("CAST(NULL AS Nullable({ty}))")
        }
    }

    fn parameter(&self, name: &str) -> String {
        format!("{{{name}:Nullable(DateTime64(6, 'UTC'))}}")
    }

    fn parameter_help(&self) -> &'static str {
        "clickhouse client --param_start='2026-03-01 00:00:00' --param_end='2026-04-01 00:00:00' --param_as_of='\\N'"
    }
}
