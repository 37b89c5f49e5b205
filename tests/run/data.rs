//! Binding sources to data: every problem is a diagnostic naming the
//! source, the column and the file, before any query runs; CSV, JSON,
//! Parquet, folders of Parquet, `.duckdb` files and `--bind` all read.

use std::path::Path;

use crate::support::engines::TempDir;
use crate::support::scorec;

use super::{planted, run_ok};

/// A copy of the planted fixture's data, with `edit` applied to the auth
/// CSV's text; the folder.
fn data_with(edit: impl Fn(&str) -> String) -> TempDir {
    let tmp = TempDir::new("run-data").unwrap_or_else(|e| panic!("{e}"));
    for name in ["alerts.auth.csv", "alerts.tickets.csv"] {
        let text = std::fs::read_to_string(planted().join(name)).expect("read fixture");
        let text = if name == "alerts.auth.csv" {
            edit(&text)
        } else {
            text
        };
        std::fs::write(tmp.path().join(name), text).expect("write");
    }
    tmp
}

/// `scorec run` on the planted scorecard with `--data dir`: exit code,
/// stdout and stderr.
fn run_with(dir: &Path, extra: &[&str]) -> (i32, String, String) {
    let fixture = planted();
    let mut args = vec![
        "run",
        fixture.to_str().expect("utf-8"),
        "--data",
        dir.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    scorec(&args)
}

/// [`run_with`]'s exit code and stderr, with the temporary folder's path
/// replaced by `DATA`.
fn run_on(dir: &Path, extra: &[&str]) -> (i32, String) {
    let (code, _, stderr) = run_with(dir, extra);
    (code, stderr.replace(dir.to_str().expect("utf-8"), "DATA"))
}

#[test]
fn data_without_rows_runs_and_shows_no_buckets() {
    let tmp = data_with(|text| text.lines().next().unwrap_or_default().to_string());
    let tickets = tmp.path().join("alerts.tickets.csv");
    let header = std::fs::read_to_string(&tickets).expect("read");
    std::fs::write(&tickets, header.lines().next().unwrap_or_default()).expect("write");
    let (code, stdout, stderr) = run_with(tmp.path(), &["--color", "never"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\nno buckets\n"), "{stdout}");
    // With a range, the buckets are the range's; without a watermark no
    // bucket is complete, so nothing is judged.
    let range = [
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-03",
        "--format",
        "json",
    ];
    let (code, stdout, stderr) = run_with(tmp.path(), &range);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(
        report["buckets"].as_array().map(Vec::len),
        Some(2),
        "{stdout}"
    );
    assert!(
        report["statuses"]
            .as_array()
            .expect("statuses")
            .iter()
            .all(|s| s["status"] == "incomplete" || s["status"] == "insufficient"),
        "{stdout}"
    );
}

#[test]
fn a_missing_file_names_the_source_and_the_folder() {
    let tmp = data_with(str::to_string);
    std::fs::remove_file(tmp.path().join("alerts.tickets.csv")).expect("remove");
    let (code, stderr) = run_on(tmp.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[E0901]"), "{stderr}");
    assert!(
        stderr.contains("source `tickets` (table `alerts.tickets`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("scorecard.yaml:"),
        "points at the declaration: {stderr}"
    );
    assert!(stderr.contains("--bind tickets=FILE"), "{stderr}");
}

#[test]
fn a_missing_column_names_the_column_and_the_file() {
    let tmp = data_with(|t| t.replacen("device", "platform", 1));
    let (code, stderr) = run_on(tmp.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[E0902]"), "{stderr}");
    assert!(
        stderr.contains("`DATA/alerts.auth.csv` has no column `device`, which source `auth` reads"),
        "{stderr}"
    );
    assert!(
        stderr.contains("platform"),
        "lists the file's columns: {stderr}"
    );
}

#[test]
fn a_value_that_does_not_convert_is_a_type_error() {
    // A timestamp that is not one, on the second data line.
    let tmp = data_with(|t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let header: Vec<&str> = lines[0].split(',').collect();
        let ts = header.iter().position(|c| *c == "ts").expect("ts column");
        let mut fields: Vec<String> = lines[2].split(',').map(str::to_string).collect();
        fields[ts] = "yesterday".to_string();
        lines[2] = fields.join(",");
        lines.join("\n") + "\n"
    });
    let (code, stderr) = run_on(tmp.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[E0903]"), "{stderr}");
    assert!(stderr.contains("`ts` as `timestamp`"), "{stderr}");
}

/// A Parquet file whose timestamp column is text: refused before any query.
#[test]
fn a_parquet_column_of_the_wrong_type_is_refused() {
    let tmp = data_with(str::to_string);
    let csv = tmp.path().join("alerts.auth.csv");
    let parquet = tmp.path().join("alerts.auth.parquet");
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    conn.execute_batch(&format!(
        "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false; COPY (SELECT * FROM read_csv('{}', all_varchar = true)) TO '{}' (FORMAT parquet)",
        csv.display(),
        parquet.display()
    ))
    .expect("write parquet");
    let (code, stderr) = run_on(tmp.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[E0903]"), "{stderr}");
    assert!(
        stderr.contains("column `ts` of `DATA/alerts.auth.parquet` is VARCHAR, but source `auth` declares it `timestamp`"),
        "{stderr}"
    );
}

#[test]
fn an_unreadable_file_is_reported() {
    let tmp = data_with(str::to_string);
    std::fs::write(tmp.path().join("alerts.auth.parquet"), b"not parquet").expect("write");
    let (code, stderr) = run_on(tmp.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[E0904]"), "{stderr}");
    assert!(
        stderr.contains("cannot read `DATA/alerts.auth.parquet` for source `auth`"),
        "{stderr}"
    );
}

/// The same statuses from CSV, Parquet, JSON, a folder of Parquet files, a
/// `.duckdb` file and `--bind`.
#[test]
fn every_kind_of_data_gives_the_same_report() {
    let csv = super::planted_json(&[]);
    let tmp = TempDir::new("run-kinds").unwrap_or_else(|e| panic!("{e}"));
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    let dir = tmp.path();
    let fixture = planted();
    let read = |name: &str| {
        format!(
            "read_csv('{}', header = true, all_varchar = true)",
            fixture.join(format!("alerts.{name}.csv")).display()
        )
    };
    std::fs::create_dir_all(dir.join("parquet")).expect("mkdir");
    std::fs::create_dir_all(dir.join("json")).expect("mkdir");
    std::fs::create_dir_all(dir.join("folder/alerts.auth")).expect("mkdir");
    let db = dir.join("data.duckdb");
    conn.execute_batch(&format!(
        "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;
         COPY (SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts, CAST(risk AS DOUBLE) AS risk) FROM {auth}) TO '{p}/alerts.auth.parquet' (FORMAT parquet);
         COPY (SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts) FROM {tickets}) TO '{p}/tickets.parquet' (FORMAT parquet);
         COPY (SELECT * FROM {auth}) TO '{j}/alerts.auth.jsonl' (FORMAT json);
         COPY (SELECT * FROM {tickets}) TO '{j}/alerts.tickets.json' (FORMAT json, ARRAY true);
         COPY (SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts, CAST(risk AS DOUBLE) AS risk) FROM {auth} WHERE ts < '2026-03-05') TO '{f}/part-1.parquet' (FORMAT parquet);
         COPY (SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts, CAST(risk AS DOUBLE) AS risk) FROM {auth} WHERE ts >= '2026-03-05') TO '{f}/part-2.parquet' (FORMAT parquet);
         ATTACH '{db}' AS out; CREATE SCHEMA out.alerts;
         CREATE TABLE out.alerts.auth AS SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts, CAST(risk AS DOUBLE) AS risk) FROM {auth};
         CREATE TABLE out.alerts.tickets AS SELECT * REPLACE (CAST(ts AS TIMESTAMP) AS ts) FROM {tickets};
         DETACH out;",
        auth = read("auth"),
        tickets = read("tickets"),
        p = dir.join("parquet").display(),
        j = dir.join("json").display(),
        f = dir.join("folder/alerts.auth").display(),
        db = db.display(),
    ))
    .expect("write data");
    let fixture = fixture.to_string_lossy();
    let tickets_csv = format!("tickets={}", planted().join("alerts.tickets.csv").display());
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "parquet",
            vec!["--data".into(), dir.join("parquet").display().to_string()],
        ),
        (
            "json",
            vec!["--data".into(), dir.join("json").display().to_string()],
        ),
        (
            "folder of parquet and --bind",
            vec![
                "--data".into(),
                dir.join("folder").display().to_string(),
                "--bind".into(),
                tickets_csv,
            ],
        ),
        (
            "duckdb file",
            vec!["--data".into(), db.display().to_string()],
        ),
    ];
    for (what, extra) in cases {
        let mut args: Vec<&str> = vec![&fixture, "--format", "json"];
        args.extend(extra.iter().map(String::as_str));
        let report: serde_json::Value = serde_json::from_str(&run_ok(&args, 0)).expect("JSON");
        assert_eq!(
            report["statuses"], csv["statuses"],
            "{what}: statuses differ from the CSV run"
        );
        assert_eq!(
            report["alerts"], csv["alerts"],
            "{what}: alerts differ from the CSV run"
        );
    }
}

#[test]
fn bind_names_a_source_of_the_scorecard() {
    let fixture = planted();
    let (code, _, stderr) = scorec(&[
        "run",
        &fixture.to_string_lossy(),
        "--data",
        &fixture.to_string_lossy(),
        "--bind",
        "tikets=x.csv",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[E0901]") && stderr.contains("`tikets`"),
        "{stderr}"
    );
    assert!(stderr.contains("tickets"), "suggests the source: {stderr}");
}
