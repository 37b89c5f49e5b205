//! PostgreSQL. Docs: <https://www.postgresql.org/docs/current/functions-datetime.html>,
//! <https://www.postgresql.org/docs/current/functions-aggregate.html#FUNCTIONS-ORDEREDSET-TABLE>.

use super::{Fold, SqlDialect};
use crate::model::Grain;
use crate::sql::tz::Zone;

/// PostgreSQL.
pub(super) struct Postgres;

impl SqlDialect for Postgres {
    fn fold(&self) -> Fold {
        Fold::Lower
    }

    fn utc(&self, column: &str, declared: Option<&str>) -> String {
        if declared.is_some_and(is_zoned) {
            format!("({column} AT TIME ZONE 'UTC')")
        } else {
            column.to_string()
        }
    }

    fn to_local(&self, utc: &str, zone: &Zone) -> String {
        format!(
            "(({utc} AT TIME ZONE 'UTC') AT TIME ZONE {})",
            self.string(&zone.name)
        )
    }

    fn to_utc(&self, local: &str, zone: &Zone) -> String {
        format!(
            "(({local} AT TIME ZONE {}) AT TIME ZONE 'UTC')",
            self.string(&zone.name)
        )
    }

    fn minutes_between(&self, from: &str, to: &str) -> String {
        format!("EXTRACT(EPOCH FROM ({to} - {from})) / 60.0")
    }

    fn bucket_series(&self, start: &str, end: &str, grain: Grain, alias: &str) -> String {
        let (n, unit) = super::grain_step(grain);
        let a = self.ident(alias);
        format!(
            "(SELECT {a} FROM generate_series({start}, {end}, INTERVAL '{n}' {unit}) AS {}({a}) WHERE {a} < {end})",
            self.ident("series")
        )
    }

    fn parameter(&self, name: &str) -> String {
        // Custom settings: `SET scorec.start = '2026-03-01'`; an unset or
        // empty `scorec.as_of` means the data's newest timestamp.
        format!(
            "CAST(NULLIF(current_setting({}, true), '') AS TIMESTAMP)",
            self.string(&format!("scorec.{name}"))
        )
    }

    fn parameter_help(&self) -> &'static str {
        // `end` is a keyword: quoted (the setting is still `scorec.end`).
        r#"SET scorec.start = '2026-03-01'; SET scorec."end" = '2026-04-01'; -- optional: SET scorec.as_of = '2026-04-01 06:00';"#
    }
}

/// Whether a declared column type holds instants with a zone.
pub(crate) fn is_zoned(declared: &str) -> bool {
    let t = declared.to_ascii_lowercase();
    t.starts_with("timestamptz") || t.contains("with time zone") || t.contains("ltz")
}
