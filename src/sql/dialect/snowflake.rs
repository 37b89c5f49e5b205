//! Snowflake. Docs: <https://docs.snowflake.com/en/sql-reference/functions/convert_timezone>,
//! <https://docs.snowflake.com/en/sql-reference/functions/percentile_cont>,
//! <https://docs.snowflake.com/en/sql-reference/functions/array_generate_range>.

use super::{Clock, Fold, SqlDialect};
use crate::model::Grain;
use crate::sql::tz::Zone;

/// Snowflake.
pub(super) struct Snowflake;

impl SqlDialect for Snowflake {
    fn fold(&self) -> Fold {
        Fold::Upper
    }

    /// Single-quoted constants read `\\`, `\'` and other backslash
    /// sequences: <https://docs.snowflake.com/en/sql-reference/data-types-text#escape-sequences-in-single-quoted-string-constants>.
    fn backslash_escapes(&self) -> bool {
        true
    }

    fn timestamp(&self, text: &str, _clock: Clock) -> String {
        format!("TO_TIMESTAMP_NTZ({})", self.string(text))
    }

    fn utc(&self, column: &str, declared: Option<&str>) -> String {
        if declared.is_some_and(super::postgres::is_zoned) {
            format!("CONVERT_TIMEZONE('UTC', {column})::TIMESTAMP_NTZ")
        } else {
            column.to_string()
        }
    }

    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        format!(
            "CONVERT_TIMEZONE('UTC', {}, {utc})",
            self.string(&zone.name)
        )
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        format!(
            "CONVERT_TIMEZONE({}, 'UTC', {local})",
            self.string(&zone.name)
        )
    }

    fn add_seconds(&self, ts: &str, seconds: i64, _clock: Clock) -> String {
        format!("DATEADD(second, {seconds}, {ts})")
    }

    fn add_grain(&self, local: &str, grain: Grain) -> String {
        self.add_grain_n(local, grain, "1")
    }

    fn add_grain_n(&self, local: &str, grain: Grain, n: &str) -> String {
        dateadd(local, grain, n)
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        format!("DATEDIFF(microsecond, {from}, {to}) / 60000000.0")
    }

    fn bucket_series(&self, start: &str, end: &str, grain: Grain, alias: &str) -> String {
        let (unit, _) = date_unit(grain);
        let value = self.ident("VALUE");
        let f = self.ident("steps");
        let n = format!("CAST({f}.{value} AS INTEGER)");
        let count = match grain {
            Grain::Week => format!("CEIL(DATEDIFF(day, {start}, {end}) / 7)"),
            _ => format!("DATEDIFF({unit}, {start}, {end})"),
        };
        format!(
            "(SELECT {} AS {} FROM TABLE(FLATTEN(INPUT => ARRAY_GENERATE_RANGE(0, {count}))) AS {f})",
            self.add_grain_n(start, grain, &n),
            self.ident(alias)
        )
    }

    fn double(&self) -> &'static str {
        "DOUBLE"
    }

    fn decimal(&self) -> &'static str {
        "NUMBER(38, 6)"
    }

    fn local_timestamp(&self) -> &'static str {
        "TIMESTAMP_NTZ"
    }

    fn parameter(&self, name: &str) -> String {
        format!("TO_TIMESTAMP_NTZ(${name})")
    }

    fn parameter_help(&self) -> &'static str {
        "SET (start, end, as_of) = ('2026-03-01', '2026-04-01', NULL);"
    }
}

/// `DATEADD` with a grain's unit, shared with Redshift.
fn dateadd(local: &str, grain: Grain, n: &str) -> String {
    let (unit, k) = date_unit(grain);
    let n = if k == 1 {
        n.to_string()
    } else {
        format!("{n} * {k}")
    };
    format!("DATEADD({unit}, {n}, {local})")
}

fn date_unit(grain: Grain) -> (&'static str, u32) {
    match grain {
        Grain::Hour => ("hour", 1),
        Grain::Day => ("day", 1),
        Grain::Week => ("day", 7),
        Grain::Month => ("month", 1),
    }
}
