//! What differs between SQL dialects. `SqlDialect` has a default for every
//! method (standard SQL, close to PostgreSQL and DuckDB); each dialect file
//! overrides only where its warehouse differs, and links the vendor docs.
//!
//! Every method takes and returns rendered SQL text whose pieces are
//! already quoted; the renderer parses the assembled statement with
//! sqlparser in the dialect, so a method that returned bad syntax fails the
//! build instead of reaching a warehouse.

mod bigquery;
mod clickhouse;
mod databricks;
mod duckdb;
mod postgres;
mod redshift;
mod snowflake;
mod trino;

use crate::model::Grain;
use crate::sql::tz::Zone;

/// A target dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dialect {
    /// DuckDB (also the embedded engine of `scorec run`).
    DuckDb,
    /// PostgreSQL.
    Postgres,
    /// Snowflake.
    Snowflake,
    /// Google BigQuery (GoogleSQL).
    BigQuery,
    /// Databricks SQL (Spark SQL).
    Databricks,
    /// Amazon Redshift.
    Redshift,
    /// Trino.
    Trino,
    /// ClickHouse.
    ClickHouse,
}

impl Dialect {
    /// Every dialect, in the order `--dialect all` builds them.
    pub const ALL: [Dialect; 8] = [
        Dialect::DuckDb,
        Dialect::Postgres,
        Dialect::Snowflake,
        Dialect::BigQuery,
        Dialect::Databricks,
        Dialect::Redshift,
        Dialect::Trino,
        Dialect::ClickHouse,
    ];

    /// The dialect's word, as in `--dialect` and `defaults.dialect`.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Snowflake => "snowflake",
            Dialect::BigQuery => "bigquery",
            Dialect::Databricks => "databricks",
            Dialect::Redshift => "redshift",
            Dialect::Trino => "trino",
            Dialect::ClickHouse => "clickhouse",
        }
    }

    /// The dialect for a word.
    pub fn parse(word: &str) -> Option<Dialect> {
        Dialect::ALL.into_iter().find(|d| d.name() == word)
    }

    /// The dialect's differences.
    pub fn sql(self) -> &'static dyn SqlDialect {
        match self {
            Dialect::DuckDb => &duckdb::DuckDb,
            Dialect::Postgres => &postgres::Postgres,
            Dialect::Snowflake => &snowflake::Snowflake,
            Dialect::BigQuery => &bigquery::BigQuery,
            Dialect::Databricks => &databricks::Databricks,
            Dialect::Redshift => &redshift::Redshift,
            Dialect::Trino => &trino::Trino,
            Dialect::ClickHouse => &clickhouse::ClickHouse,
        }
    }

    /// The sqlparser dialect that checks this dialect's output. sqlparser
    /// has no Trino dialect (its generic one is used) and its Redshift
    /// dialect lacks `GROUPING SETS` (see `redshift::RedshiftParser`).
    pub fn parser(self) -> Box<dyn sqlparser::dialect::Dialect> {
        use sqlparser::dialect as d;
        match self {
            Dialect::DuckDb => Box::new(d::DuckDbDialect {}),
            Dialect::Postgres => Box::new(d::PostgreSqlDialect {}),
            Dialect::Snowflake => Box::new(d::SnowflakeDialect {}),
            Dialect::BigQuery => Box::new(d::BigQueryDialect {}),
            Dialect::Databricks => Box::new(d::DatabricksDialect {}),
            Dialect::Redshift => Box::new(redshift::RedshiftParser::new()),
            Dialect::Trino => Box::new(d::GenericDialect {}),
            Dialect::ClickHouse => Box::new(d::ClickHouseDialect {}),
        }
    }
}

/// How a warehouse folds unquoted identifiers. scorec quotes every
/// identifier, folded the way the warehouse would fold it unquoted, so a
/// name means what it would mean written bare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fold {
    /// Kept as written (case-insensitive or case-sensitive engines alike).
    None,
    /// Folded to lower case (PostgreSQL, Redshift, Trino).
    Lower,
    /// Folded to upper case (Snowflake).
    Upper,
}

/// Whether a timestamp expression is an instant (UTC) or a wall-clock time
/// in the scorecard's zone. Only BigQuery types the two differently
/// (`TIMESTAMP` and `DATETIME`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// An instant, held as UTC.
    Utc,
    /// A wall-clock time in the scorecard's zone.
    Local,
}

/// The dialect differences. Defaults are standard SQL.
pub trait SqlDialect: Sync {
    /// The identifier quote character.
    fn quote(&self) -> char {
        '"'
    }

    /// How unquoted identifiers fold.
    fn fold(&self) -> Fold {
        Fold::None
    }

    /// Whether backslash is an escape character in string literals.
    fn backslash_escapes(&self) -> bool {
        false
    }

    /// A quoted identifier.
    fn ident(&self, name: &str) -> String {
        match self.fold() {
            Fold::None => self.quoted(name),
            Fold::Lower => self.quoted(&name.to_lowercase()),
            Fold::Upper => self.quoted(&name.to_uppercase()),
        }
    }

    /// An identifier quoted as it is, without folding (one the user quoted).
    fn quoted(&self, name: &str) -> String {
        let q = self.quote();
        let mut out = String::with_capacity(name.len() + 2);
        out.push(q);
        if name.contains(q) {
            for c in name.chars() {
                if c == q {
                    out.push(q);
                }
                out.push(c);
            }
        } else {
            out.push_str(name);
        }
        out.push(q);
        out
    }

    /// Whether backslash is an escape character in quoted identifiers
    /// (BigQuery, ClickHouse). sqlparser does not read such escapes, so a
    /// name holding a backslash or the quote character cannot be written
    /// for these dialects in a way that both sqlparser and the warehouse
    /// read alike; scorec refuses it (`sql::check_identifiers`).
    fn ident_backslash_escapes(&self) -> bool {
        false
    }

    /// A string literal.
    fn string(&self, value: &str) -> String {
        let mut out = String::with_capacity(value.len() + 2);
        out.push('\'');
        if value.contains(['\'', '\\']) {
            let backslash = self.backslash_escapes();
            for c in value.chars() {
                match c {
                    '\'' if backslash => out.push_str("\\'"),
                    '\\' if backslash => out.push_str("\\\\"),
                    '\'' => out.push_str("''"),
                    _ => out.push(c),
                }
            }
        } else {
            out.push_str(value);
        }
        out.push('\'');
        out
    }

    /// A timestamp literal; `text` is `YYYY-MM-DD HH:MM:SS[.ffffff]`.
    fn timestamp(&self, text: &str, _clock: Clock) -> String {
        format!("TIMESTAMP {}", self.string(text))
    }

    /// A source's timestamp column as a UTC instant; `declared` is the
    /// column's declared type, if the source has a schema.
    fn utc(&self, column: &str, _declared: Option<&str>) -> String {
        column.to_string()
    }

    /// A UTC instant as wall-clock time in `zone`.
    fn to_local(&self, utc: &str, zone: &Zone) -> String;

    /// A wall-clock time in `zone` as a UTC instant.
    fn to_utc(&self, local: &str, zone: &Zone) -> String;

    /// The start of the bucket a wall-clock time falls in.
    fn truncate(&self, grain: Grain, local: &str) -> String {
        format!("date_trunc({}, {local})", self.string(grain_word(grain)))
    }

    /// The start of the UTC hour of a UTC instant.
    fn utc_hour(&self, utc: &str) -> String {
        self.truncate(Grain::Hour, utc)
    }

    /// A timestamp plus a number of seconds.
    fn add_seconds(&self, ts: &str, seconds: i64, _clock: Clock) -> String {
        if seconds < 0 {
            format!("{ts} - INTERVAL '{}' SECOND", -seconds)
        } else {
            format!("{ts} + INTERVAL '{seconds}' SECOND")
        }
    }

    /// A wall-clock time plus one bucket.
    fn add_grain(&self, local: &str, grain: Grain) -> String {
        let (n, unit) = grain_step(grain);
        format!("{local} + INTERVAL '{n}' {unit}")
    }

    /// Minutes from `from` to `to` (both UTC instants), as a double with
    /// microsecond precision.
    fn minutes_between(&self, from: &str, to: &str) -> String;

    /// The exact `percentile_cont` aggregate, where the dialect has one
    /// that works with `GROUPING SETS`; `None` makes the renderer
    /// interpolate with window functions.
    fn percentile(&self, value: &str, fraction: f64) -> Option<String> {
        Some(format!(
            "percentile_cont({}) WITHIN GROUP (ORDER BY {value})",
            number(fraction)
        ))
    }

    /// An approximate percentile, for metrics that opt in.
    fn approx_percentile(&self, value: &str, fraction: f64) -> String {
        self.percentile(value, fraction)
            .unwrap_or_else(|| format!("approx_percentile({value}, {})", number(fraction)))
    }

    /// A derived table with one column `alias` holding every bucket start
    /// from `start` (inclusive) to `end` (exclusive), wall-clock. The
    /// default numbers buckets with cross-joined digits (up to 100,000
    /// buckets), for warehouses without a series function.
    fn bucket_series(&self, start: &str, end: &str, grain: Grain, alias: &str) -> String {
        let digits = (0..10)
            .map(|digit| format!("SELECT {digit} AS {}", self.ident("d")))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let n = self.ident("n");
        let d = self.ident("d");
        let step = self.add_grain_n(start, grain, &n);
        let joins = ["d0", "d1", "d2", "d3", "d4"]
            .iter()
            .map(|t| format!("({digits}) AS {}", self.ident(t)))
            .collect::<Vec<_>>()
            .join(" CROSS JOIN ");
        let number = ["d0", "d1", "d2", "d3", "d4"]
            .iter()
            .enumerate()
            .map(|(i, t)| format!("{}.{d} * {}", self.ident(t), 10_u32.pow(i as u32)))
            .collect::<Vec<_>>()
            .join(" + ");
        let alias = self.ident(alias);
        format!(
            "(SELECT {alias} FROM (SELECT {step} AS {alias} FROM (SELECT {number} AS {n} FROM {joins}) AS {numbers}) AS {steps} WHERE {alias} < {end})",
            numbers = self.ident("numbers"),
            steps = self.ident("steps"),
        )
    }

    /// A wall-clock time plus `n` buckets, `n` an integer expression.
    fn add_grain_n(&self, local: &str, grain: Grain, n: &str) -> String {
        let (k, unit) = grain_step(grain);
        format!("{local} + {n} * INTERVAL '{k}' {unit}")
    }

    /// The double type.
    fn double(&self) -> &'static str {
        "DOUBLE PRECISION"
    }

    /// The exact decimal type of numerators and denominators.
    fn decimal(&self) -> &'static str {
        "DECIMAL(38, 6)"
    }

    /// The 64-bit integer type.
    fn bigint(&self) -> &'static str {
        "BIGINT"
    }

    /// The text type.
    fn text(&self) -> &'static str {
        "VARCHAR"
    }

    /// The wall-clock timestamp type.
    fn local_timestamp(&self) -> &'static str {
        "TIMESTAMP"
    }

    /// A typed NULL.
    fn null_of(&self, ty: &str) -> String {
        format!("CAST(NULL AS {ty})")
    }

    /// `CAST(expr AS ty)`.
    fn cast(&self, expr: &str, ty: &str) -> String {
        format!("CAST({expr} AS {ty})")
    }

    /// The words before a view's query that create or replace it.
    fn create_view(&self, name: &str) -> String {
        format!("CREATE OR REPLACE VIEW {name} AS\n")
    }

    /// A parameter of the ad-hoc form (`start`, `end` and `as_of`, in
    /// that order, each used once), as a wall-clock timestamp.
    fn parameter(&self, name: &str) -> String {
        format!("CAST(:{name} AS {})", self.local_timestamp())
    }

    /// How a user sets the ad-hoc form's parameters, for its header.
    fn parameter_help(&self) -> &'static str;

    /// Statements to run before the views (time-zone helpers); empty for
    /// dialects with native time-zone functions.
    fn prelude(&self, _schema: &str, _zone: &str) -> Option<String> {
        None
    }

    /// Whether CTEs that many parts of a statement read (a source's
    /// de-duplicated rows, the rows counted distinct) are written `AS
    /// MATERIALIZED`: computed once and read back, instead of each reader
    /// filtering the rows again.
    fn materializes_shared_ctes(&self) -> bool {
        false
    }
}

/// The word `date_trunc` takes for a grain.
pub fn grain_word(grain: Grain) -> &'static str {
    match grain {
        Grain::Hour => "hour",
        Grain::Day => "day",
        Grain::Week => "week",
        Grain::Month => "month",
    }
}

/// One bucket as a count and an interval unit.
pub(crate) fn grain_step(grain: Grain) -> (u32, &'static str) {
    match grain {
        Grain::Hour => (1, "HOUR"),
        Grain::Day => (1, "DAY"),
        Grain::Week => (7, "DAY"),
        Grain::Month => (1, "MONTH"),
    }
}

/// A number as a SQL literal, shortest round-trip form.
pub(crate) fn number(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('.') || text.contains('e') {
        text
    } else {
        format!("{text}.0")
    }
}
