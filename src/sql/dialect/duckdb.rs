//! DuckDB. The embedded DuckDB has no ICU, so there is no `AT TIME ZONE`:
//! offsets come from scorec's own tz tables (`crate::sql::tz`).
//! Docs: <https://duckdb.org/docs/sql/functions/timestamp>,
//! <https://duckdb.org/docs/sql/functions/aggregates#quantile_contx-pos>.

use super::{Clock, SqlDialect};
use crate::sql::tz::{self, Zone};

/// DuckDB.
pub(super) struct DuckDb;

/// Names of the time-zone macros that views call.
pub(crate) const LOCAL_MACRO: &str = "scorec_local_time";
/// See [`LOCAL_MACRO`].
pub(crate) const UTC_MACRO: &str = "scorec_utc_time";

impl DuckDb {
    fn shifted(&self, value: &str, zone: &Zone, to_local: bool) -> String {
        let Some((from, to)) = zone.span else {
            let name = if to_local { LOCAL_MACRO } else { UTC_MACRO };
            return format!(
                "{}.{}({value})",
                self.ident(&zone.macro_schema),
                self.ident(name)
            );
        };
        let offsets = tz::offsets(&zone.name, from, to);
        offset_expr(self, value, &offsets, to_local)
    }
}

/// `value` shifted by the zone's offset (to wall-clock time, or back).
pub(crate) fn offset_expr(
    d: &DuckDb,
    value: &str,
    offsets: &tz::Offsets,
    to_local: bool,
) -> String {
    let literal = |t: &str| d.timestamp(t, Clock::Utc);
    let (steps, sign) = if to_local {
        (offsets.utc_steps(), "+")
    } else {
        (offsets.local_steps(), "-")
    };
    let case = tz::offset_case(value, offsets.initial, &steps, &literal);
    if case == "0" {
        value.to_string()
    } else {
        format!("({value} {sign} to_seconds({case}))")
    }
}

impl SqlDialect for DuckDb {
    fn utc(&self, column: &str, _declared: Option<&str>) -> String {
        // TIMESTAMPTZ casts to its UTC wall clock without ICU.
        format!("CAST({column} AS TIMESTAMP)")
    }

    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        self.shifted(utc, zone, true)
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        self.shifted(local, zone, false)
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        format!("(epoch_us({to}) - epoch_us({from})) / 60000000.0")
    }

    fn percentile(&self, value: &str, fraction: f64) -> Option<String> {
        Some(format!(
            "quantile_cont({value}, {})",
            super::number(fraction)
        ))
    }

    fn approx_percentile(&self, value: &str, fraction: f64) -> String {
        format!("approx_quantile({value}, {})", super::number(fraction))
    }

    fn bucket_series(
        &self,
        start: &str,
        end: &str,
        grain: crate::model::Grain,
        alias: &str,
    ) -> String {
        let (n, unit) = super::grain_step(grain);
        format!(
            "(SELECT unnest(range({start}, {end}, INTERVAL '{n}' {unit})) AS {})",
            self.ident(alias)
        )
    }

    fn double(&self) -> &'static str {
        "DOUBLE"
    }

    fn parameter(&self, name: &str) -> String {
        format!("CAST(getvariable({}) AS TIMESTAMP)", self.string(name))
    }

    fn parameter_help(&self) -> &'static str {
        // `end` is a keyword: quoted, as `SET VARIABLE` takes an identifier.
        r#"SET VARIABLE start = TIMESTAMP '2026-03-01'; SET VARIABLE "end" = TIMESTAMP '2026-04-01'; SET VARIABLE as_of = NULL;"#
    }

    /// Without it, DuckDB hands the ranked rows of a source to each of a
    /// dozen readers (the distinct counts of every grouping set), which
    /// filter them again: 1.16x the hand-written reference on 10M events
    /// against about 1.0x with it (BENCHMARKS.md).
    fn materializes_shared_ctes(&self) -> bool {
        true
    }

    fn prelude(&self, schema: &str, zone: &str) -> Option<String> {
        let (from, to) = tz::horizon();
        let offsets = tz::offsets(zone, from, to);
        let ts = self.ident("ts");
        let schema = self.ident(schema);
        Some(format!(
            "CREATE OR REPLACE MACRO {schema}.{}({ts}) AS {};\n\nCREATE OR REPLACE MACRO {schema}.{}({ts}) AS {}",
            self.ident(LOCAL_MACRO),
            offset_expr(self, &ts, &offsets, true),
            self.ident(UTC_MACRO),
            offset_expr(self, &ts, &offsets, false),
        ))
    }
}
