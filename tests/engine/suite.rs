//! The bundled example scorecard on the example data, on every engine that
//! runs here, compared with the oracle row by row.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::civil::date;
use scorec::model::Scorecard;
use scorec::sql::plan::Selection;
use scorec::sql::{self, Bounds, Dialect, Options};

use super::compare::compare;
use super::{Range, Tables, expected};
use crate::support;

/// The example data, written once per test run.
pub(crate) fn data_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("engine-example-data");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create data dir");
        scorec::datagen::write(
            &scorec::datagen::Config {
                events: 20_000,
                seed: 7,
            },
            &dir,
            scorec::datagen::FileFormat::Both,
        )
        .expect("write example data");
        dir
    })
}

/// The checked example scorecard.
pub(crate) fn example() -> &'static Scorecard {
    static MODEL: OnceLock<Scorecard> = OnceLock::new();
    MODEL.get_or_init(|| {
        let (_, checked) = support::check(Path::new("examples/ciam"));
        checked.model.expect("the example checks")
    })
}

/// The range the suites compare: the whole example data, across the DST
/// change and the month end.
pub(crate) fn range() -> Range {
    Range {
        start: date(2026, 3, 20).at(0, 0, 0, 0),
        end: date(2026, 4, 6).at(0, 0, 0, 0),
        as_of: None,
    }
}

pub(crate) fn bounds(range: &Range) -> Bounds {
    Bounds::Literal {
        start: range.start,
        end: range.end,
        as_of: None,
    }
}

pub(crate) fn options() -> Options {
    Options {
        schema: "scorec".to_string(),
        metric_files: Default::default(),
    }
}

pub(crate) fn scorecard_sql(model: &Scorecard, dialect: Dialect, range: &Range) -> String {
    sql::metrics_sql(
        model,
        dialect,
        Selection::All,
        bounds(range),
        None,
        &options(),
    )
    .unwrap_or_else(|e| panic!("{}", e.message))
}

pub(crate) fn oracle_rows(model: &Scorecard, range: &Range) -> Vec<super::Row> {
    static ROWS: OnceLock<Vec<super::Row>> = OnceLock::new();
    let tables = Tables::load(model, data_dir()).expect("read example CSVs");
    let _ = &ROWS;
    expected(model, &tables, range.clone())
}

#[test]
fn duckdb_matches_the_oracle() {
    let model = example();
    let range = range();
    let sql = scorecard_sql(model, Dialect::DuckDb, &range);
    let rows = support::engines::duckdb(data_dir(), &sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    let want = oracle_rows(model, &range);
    let dims = vec!["device_type".to_string(), "region".to_string()];
    if let Err(e) = compare(&want, &rows, &dims) {
        panic!("{e}");
    }
}

/// The tables of the example with their declared column types.
fn table_types(model: &Scorecard) -> Vec<(&str, Vec<(String, String)>)> {
    model
        .sources
        .values()
        .map(|s| {
            (
                s.table.as_str(),
                s.columns
                    .iter()
                    .map(|(c, t)| (c.clone(), t.clone()))
                    .collect(),
            )
        })
        .collect()
}

fn dims() -> Vec<String> {
    vec!["device_type".to_string(), "region".to_string()]
}

#[test]
fn postgres_matches_the_oracle() {
    let model = example();
    let range = range();
    let sql = scorecard_sql(model, Dialect::Postgres, &range);
    let pg = support::postgres::Postgres::start().unwrap_or_else(|e| panic!("{e}"));
    pg.load(data_dir(), &table_types(model))
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = pg.query(&sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    if let Err(e) = compare(&oracle_rows(model, &range), &rows, &dims()) {
        panic!("{e}");
    }
}

#[test]
fn clickhouse_matches_the_oracle() {
    let model = example();
    let range = range();
    let sql = scorecard_sql(model, Dialect::ClickHouse, &range);
    let rows =
        support::engines::clickhouse(data_dir(), &sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    if let Err(e) = compare(&oracle_rows(model, &range), &rows, &dims()) {
        panic!("{e}");
    }
}

#[test]
fn spark_matches_the_oracle() {
    let model = example();
    let range = range();
    let sql = scorecard_sql(model, Dialect::Databricks, &range);
    let rows =
        support::engines::spark(data_dir(), &[&sql]).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    if let Err(e) = compare(&oracle_rows(model, &range), &rows[0], &dims()) {
        panic!("{e}");
    }
}

#[test]
fn sqlglot_parses_the_warehouse_dialects() {
    let model = example();
    let range = range();
    let mut failures = Vec::new();
    for (dialect, name) in [
        (Dialect::Snowflake, "snowflake"),
        (Dialect::BigQuery, "bigquery"),
        (Dialect::Redshift, "redshift"),
        (Dialect::Trino, "trino"),
    ] {
        let sql = scorecard_sql(model, dialect, &range);
        if let Err(e) = support::engines::sqlglot_check(name, &sql) {
            failures.push(format!("{name}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Redshift cannot run here; its SQL, translated to PostgreSQL by sqlglot,
/// runs on PostgreSQL. This exercises what only the Redshift output has:
/// percentiles interpolated with window functions and buckets numbered from
/// a digits table.
#[test]
fn redshift_through_sqlglot_on_postgres_matches_the_oracle() {
    let model = example();
    let range = range();
    let sql = scorecard_sql(model, Dialect::Redshift, &range);
    let translated = support::engines::sqlglot_transpile("redshift", "postgres", &sql)
        .unwrap_or_else(|e| panic!("{e}"));
    let pg = support::postgres::Postgres::start().unwrap_or_else(|e| panic!("{e}"));
    pg.load(data_dir(), &table_types(model))
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = pg
        .query(&translated)
        .unwrap_or_else(|e| panic!("{e}\n{translated}"));
    if let Err(e) = compare(&oracle_rows(model, &range), &rows, &dims()) {
        panic!("{e}");
    }
}
