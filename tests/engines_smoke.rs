//! The engine harness itself: every engine answers a small query over
//! `tests/fixtures/engines`, prints values in the one canonical form, and
//! runs with a session time zone that is not UTC. An engine that is not
//! installed fails here with the way to install it.

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use crate::support::engines::{self, Rows, TempDir};
use crate::support::postgres::Postgres;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/engines")
}

fn columns(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(c, t)| ((*c).to_string(), (*t).to_string()))
        .collect()
}

fn types() -> Vec<(&'static str, Vec<(String, String)>)> {
    vec![
        (
            "analytics.auth_events",
            columns(&[
                ("event_id", "string"),
                ("user_id", "string"),
                ("ts", "timestamp"),
                ("outcome", "string"),
                ("latency_ms", "double"),
                ("amount", "decimal(18,4)"),
            ]),
        ),
        (
            "risk.scores",
            columns(&[("user_id", "string"), ("score", "double")]),
        ),
    ]
}

/// The fixtures as Parquet files, in a temp dir.
fn parquet() -> TempDir {
    let dir = TempDir::new("smoke").unwrap();
    engines::write_parquet(&fixtures(), &types(), dir.path()).unwrap();
    dir
}

fn unwrap<T>(engine: &str, result: Result<T, String>) -> T {
    result.unwrap_or_else(|e| panic!("{engine}: {e}"))
}

/// One query every engine runs alike (NULLS LAST: the defaults differ).
const AGGREGATE: &str = "SELECT user_id, count(*) AS n, max(ts) AS last_ts, \
     sum(amount) AS total, avg(latency_ms) AS latency \
     FROM analytics.auth_events GROUP BY user_id ORDER BY user_id NULLS LAST";

fn aggregate() -> Rows {
    Rows {
        columns: ["user_id", "n", "last_ts", "total", "latency"]
            .map(String::from)
            .to_vec(),
        rows: vec![
            vec![
                json!("u1"),
                json!(2),
                json!("2024-03-10 02:30:00.500000"),
                json!("3.7500"),
                json!(120.5),
            ],
            vec![
                json!("u2"),
                json!(1),
                json!("2024-11-03 01:30:00"),
                Json::Null,
                json!(80.0),
            ],
            vec![
                Json::Null,
                json!(1),
                json!("2024-11-03 05:59:59.999999"),
                json!("-0.0100"),
                json!(95.25),
            ],
        ],
    }
}

/// A multi-statement script: the last statement's rows come back.
const VIEW_THEN_JOIN: &str = "CREATE TEMPORARY VIEW failures AS \
     SELECT user_id, outcome FROM analytics.auth_events WHERE outcome <> 'success';\n\
     -- a comment; with a semicolon\n\
     SELECT f.outcome, s.score FROM failures f \
     LEFT JOIN risk.scores s ON s.user_id = f.user_id ORDER BY f.outcome;";

fn view_then_join() -> Rows {
    Rows {
        columns: vec!["outcome".into(), "score".into()],
        rows: vec![
            vec![json!("fail, then \"retry\""), Json::Null],
            vec![json!("failure"), json!(0.25)],
        ],
    }
}

#[test]
fn duckdb_runs_statements_over_parquet() {
    let data = parquet();
    let rows = unwrap("duckdb", engines::duckdb(data.path(), AGGREGATE));
    assert_eq!(rows, aggregate(), "{}", engines::show(&rows));
    let rows = unwrap("duckdb", engines::duckdb(data.path(), VIEW_THEN_JOIN));
    assert_eq!(rows, view_then_join());
    let rows = engines::duckdb(
        data.path(),
        "SELECT typeof(ts) AS t, 1.5::FLOAT AS f, 'NaN'::DOUBLE AS n, DATE '2024-01-02' AS d, \
         TIMESTAMPTZ '2024-01-01 00:00:00+00' AS tz FROM analytics.auth_events LIMIT 1",
    );
    assert_eq!(
        unwrap("duckdb", rows).rows,
        [[
            json!("TIMESTAMP"),
            json!(1.5),
            json!("NaN"),
            json!("2024-01-02"),
            json!("2024-01-01 00:00:00"),
        ]]
    );
}

#[test]
fn clickhouse_runs_in_a_new_york_session() {
    let data = parquet();
    let rows = unwrap("clickhouse", engines::clickhouse(data.path(), AGGREGATE));
    assert_eq!(rows, aggregate(), "{}", engines::show(&rows));
    let rows = engines::clickhouse(
        data.path(),
        "SELECT timezone() AS tz, toTypeName(ts) AS t FROM analytics.auth_events LIMIT 1",
    );
    assert_eq!(
        unwrap("clickhouse", rows).rows,
        [[
            json!("America/New_York"),
            json!("Nullable(DateTime64(6, 'UTC'))")
        ]]
    );
    let error = engines::clickhouse(data.path(), "SELECT no_such_column").unwrap_err();
    assert!(error.contains("no_such_column"), "{error}");
}

#[test]
fn spark_runs_several_files_in_one_new_york_session() {
    let data = parquet();
    let results = engines::spark(
        data.path(),
        &[
            "SELECT current_timezone() AS tz, typeof(ts) AS t FROM analytics.auth_events LIMIT 1",
            AGGREGATE,
            VIEW_THEN_JOIN,
        ],
    );
    let results = unwrap("spark", results);
    assert_eq!(
        results[0].rows,
        [[json!("America/New_York"), json!("timestamp_ntz")]]
    );
    assert_eq!(results[1], aggregate(), "{}", engines::show(&results[1]));
    assert_eq!(results[2], view_then_join());
}

#[test]
fn postgres_loads_csv_and_runs_in_a_new_york_session() {
    let server = unwrap("postgres", Postgres::start());
    unwrap("postgres", server.load(&fixtures(), &types()));
    let rows = unwrap("postgres", server.query(AGGREGATE));
    assert_eq!(parse_numbers(rows, &aggregate()), aggregate());
    let rows = unwrap("postgres", server.query(VIEW_THEN_JOIN));
    assert_eq!(parse_numbers(rows, &view_then_join()), view_then_join());
    let rows = server.query(
        "SELECT current_setting('TimeZone') AS tz, \
         TIMESTAMPTZ '2024-03-10 01:30:00-05' AS instant, NULL::text AS n, ''::text AS e",
    );
    assert_eq!(
        unwrap("postgres", rows).rows,
        [[
            json!("America/New_York"),
            json!("2024-03-10 06:30:00"),
            Json::Null,
            json!("")
        ]]
    );
    let error = server.query("SELECT no_such_column").unwrap_err();
    assert!(error.contains("no_such_column"), "{error}");
}

/// PostgreSQL returns text: parse the values that are numbers in `like`.
fn parse_numbers(mut rows: Rows, like: &Rows) -> Rows {
    for (row, like_row) in rows.rows.iter_mut().zip(&like.rows) {
        for (value, like) in row.iter_mut().zip(like_row) {
            if let (Json::String(text), Json::Number(_)) = (&*value, like) {
                *value = if like.is_f64() {
                    engines::float_json(text.parse().unwrap())
                } else {
                    json!(text.parse::<i64>().unwrap())
                };
            }
        }
    }
    rows
}

#[test]
fn sqlglot_accepts_selects_and_rejects_commands() {
    for dialect in ["snowflake", "bigquery", "redshift", "trino"] {
        let checked = engines::sqlglot_check(dialect, "SELECT a, COUNT(*) AS n FROM t GROUP BY a;");
        unwrap(dialect, checked);
    }
    let alert = "CREATE ALERT a WAREHOUSE = w SCHEDULE = '1 minute' \
                 IF (EXISTS (SELECT 1)) THEN SELECT 1";
    let error = engines::sqlglot_check("snowflake", alert).unwrap_err();
    assert!(error.contains("Command"), "{error}");
    let error = engines::sqlglot_check("trino", "SELECT FROM WHERE (").unwrap_err();
    assert!(error.contains("does not parse"), "{error}");
}
