//! `scorec example-data`: the real binary writes the four tables, and DuckDB
//! reads the Parquet back with the declared types.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs scorec with `args`; exit code, stdout, stderr.
fn scorec(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_scorec"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run scorec");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("scorec-datagen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

const TABLES: [&str; 4] = [
    "analytics.auth_events",
    "analytics.checkout_events",
    "support.tickets",
    "risk.fraud_cases",
];

fn write(dir: &Path, events: &str, format: &str) -> String {
    let out = dir.to_str().expect("utf-8 temp dir");
    let (code, stdout, stderr) = scorec(&[
        "example-data",
        "--events",
        events,
        "--seed",
        "5",
        "--format",
        format,
        "--out",
        out,
    ]);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

fn query_i64(conn: &duckdb::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |row| row.get(0)).expect(sql)
}

fn parquet(dir: &Path, table: &str) -> String {
    format!(
        "read_parquet('{}')",
        dir.join(format!("{table}.parquet")).display()
    )
}

#[test]
fn example_data_writes_parquet_and_csv_that_agree() {
    let dir = scratch("both");
    let stdout = write(&dir, "4000", "both");
    assert_eq!(stdout.lines().count(), 8, "{stdout}");
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    let mut events = 0;
    for table in TABLES {
        let csv = std::fs::read_to_string(dir.join(format!("{table}.csv"))).expect("csv");
        let rows = query_i64(
            &conn,
            &format!("SELECT count(*) FROM {}", parquet(&dir, table)),
        );
        assert_eq!(rows as usize, csv.lines().count() - 1, "{table}");
        if table.starts_with("analytics.") {
            events += rows;
        }
    }
    assert_eq!(events, 4000);

    let types = |table: &str| -> Vec<(String, String)> {
        let sql = format!(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {})",
            parquet(&dir, table)
        );
        let mut statement = conn.prepare(&sql).expect("describe");
        statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect()
    };
    let auth = types("analytics.auth_events");
    let expected = [
        ("event_id", "VARCHAR"),
        ("event_time", "TIMESTAMP"),
        ("ingested_at", "TIMESTAMP"),
        ("user_id", "VARCHAR"),
        ("session_id", "VARCHAR"),
        ("event_name", "VARCHAR"),
        ("device_type", "VARCHAR"),
        ("region", "VARCHAR"),
        ("risk_score", "DOUBLE"),
        ("policy_version", "VARCHAR"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, t)| ((*c).to_string(), (*t).to_string()))
        .collect();
    assert_eq!(auth, expected);
    let checkout = types("analytics.checkout_events");
    assert_eq!(checkout[7], ("order_value".into(), "DECIMAL(12,2)".into()));
    let cases = types("risk.fraud_cases");
    assert_eq!(cases[1], ("reported_at".into(), "TIMESTAMP".into()));
    assert_eq!(cases[3], ("loss_amount".into(), "DECIMAL(12,2)".into()));

    // NULLs stay NULL, never empty strings, and times stay in the span.
    let auth = parquet(&dir, "analytics.auth_events");
    let empty = format!("SELECT count(*) FROM {auth} WHERE device_type = '' OR region = ''");
    assert_eq!(query_i64(&conn, &empty), 0);
    let null = format!("SELECT count(*) FROM {auth} WHERE device_type IS NULL");
    assert!(query_i64(&conn, &null) > 0);
    let span = format!(
        "SELECT count(*) FROM {auth} WHERE event_time < TIMESTAMP '2026-03-20' \
         OR event_time >= TIMESTAMP '2026-04-06'"
    );
    assert_eq!(query_i64(&conn, &span), 0);
    let exact = format!(
        "SELECT count(*) FROM {auth} WHERE risk_score = 0.8 AND event_name = 'login_attempt'"
    );
    assert!(query_i64(&conn, &exact) >= 6);
    // Money is exact: the Parquet sum equals the CSV's cents.
    let csv = std::fs::read_to_string(dir.join("risk.fraud_cases.csv")).expect("csv");
    let cents: i64 = csv
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap_or("").replace('.', ""))
        .map(|c| c.parse::<i64>().expect("cents"))
        .sum();
    let sum = format!(
        "SELECT CAST(sum(loss_amount) * 100 AS BIGINT) FROM {}",
        parquet(&dir, "risk.fraud_cases")
    );
    assert_eq!(query_i64(&conn, &sum), cents);

    // The same seed again: identical CSV bytes and Parquet rows.
    let again = scratch("again");
    write(&again, "4000", "both");
    for table in TABLES {
        let a = std::fs::read(dir.join(format!("{table}.csv"))).expect("csv");
        let b = std::fs::read(again.join(format!("{table}.csv"))).expect("csv");
        assert!(a == b, "{table}.csv differs");
        let differ = format!(
            "SELECT count(*) FROM (SELECT * FROM {} EXCEPT ALL SELECT * FROM {})",
            parquet(&dir, table),
            parquet(&again, table)
        );
        assert_eq!(query_i64(&conn, &differ), 0, "{table}.parquet differs");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn example_data_handles_zero_events_and_bad_folders() {
    let dir = scratch("zero");
    write(&dir, "0", "parquet");
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    for table in TABLES {
        let sql = format!("SELECT count(*) FROM {}", parquet(&dir, table));
        assert_eq!(query_i64(&conn, &sql), 0);
        assert!(!dir.join(format!("{table}.csv")).exists());
    }
    let leftovers = std::fs::read_dir(&dir).expect("dir").count();
    assert_eq!(leftovers, 4, "only the four Parquet files");

    let file = dir.join("analytics.auth_events.parquet");
    let below = file.join("out");
    let (code, stdout, stderr) = scorec(&["example-data", "--out", below.to_str().expect("utf-8")]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.starts_with("error: cannot create"), "{stderr}");
    let (code, _, stderr) = scorec(&["example-data", "--out", ""]);
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = scorec(&["example-data", "--events", "-3", "--out", "x"]);
    assert_eq!(code, 2, "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
