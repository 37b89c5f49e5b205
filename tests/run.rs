//! `scorec run`: the binary on the planted alerts fixture (against the
//! hand-computed statuses of `tests/alerts/expected.rs`) and on the
//! example (against the same statuses computed by PostgreSQL), the data
//! binding diagnostics (`tests/run/data.rs`), the output formats
//! (`tests/run/formats.rs`) and the HTML page in Chromium
//! (`tests/run/html.rs`).

mod data;
mod formats;
mod html;

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::support::engines::{Rows, TempDir};
use crate::support::scorec;

/// The planted fixture's folder: its CSV files are its data.
pub(crate) fn planted() -> PathBuf {
    crate::alerts::fixture_dir()
}

/// `scorec run` with `args`; panics unless it exits with `code`; stdout.
pub(crate) fn run_ok(args: &[&str], code: i32) -> String {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    let (got, stdout, stderr) = scorec(&all);
    assert_eq!(got, code, "scorec {}\n--- stderr\n{stderr}", all.join(" "));
    stdout
}

/// `scorec run --format json` on the planted fixture and its CSV data.
pub(crate) fn planted_json(extra: &[&str]) -> Json {
    let dir = planted();
    let dir = dir.to_string_lossy();
    let mut args = vec![dir.as_ref(), "--data", dir.as_ref(), "--format", "json"];
    args.extend_from_slice(extra);
    serde_json::from_str(&run_ok(&args, 0)).expect("run --format json is JSON")
}

/// Status rows of the JSON report as the alert tests' `Rows`, with the
/// cohort dimension columns `dims` filled from the cohort text and the
/// breach query's `severity` (its status).
fn status_rows(rows: &Json, dims: &[String], severity: bool) -> Rows {
    let mut columns = scorec::alerts::status::all_columns(dims);
    if severity {
        columns.push("severity".to_string());
    }
    let rows = rows
        .as_array()
        .expect("an array of status rows")
        .iter()
        .map(|r| {
            let cohort = r["cohort"].as_str().unwrap_or_default();
            columns
                .iter()
                .map(|c| {
                    if c == "severity" {
                        return r["status"].clone();
                    }
                    if dims.contains(c) {
                        let value = cohort
                            .split(',')
                            .find_map(|p| p.strip_prefix(&format!("{c}=")));
                        return value.map_or(Json::Null, |v| Json::String(v.to_string()));
                    }
                    match &r[c.as_str()] {
                        Json::Number(n) => Json::String(n.to_string()),
                        other => other.clone(),
                    }
                })
                .collect()
        })
        .collect();
    Rows { columns, rows }
}

#[test]
fn planted_statuses_and_alerts_match_the_hand_computed_ones() {
    let report = planted_json(&[]);
    let dims = ["device".to_string()];
    let mut problems =
        crate::alerts::check_statuses(&status_rows(&report["statuses"], &dims, false));
    problems.extend(crate::alerts::check_breaches(&status_rows(
        &report["alerts"],
        &dims,
        true,
    )));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = planted();
    let dir = dir.to_string_lossy();
    let base = [dir.as_ref(), "--data", dir.as_ref(), "--format", "csv"];
    let with = |flag: &[&str], code: i32| {
        let mut args = base.to_vec();
        args.extend_from_slice(flag);
        run_ok(&args, code)
    };
    // The fixture has both warn and critical breaches.
    with(&[], 0);
    with(&["--fail-on", "never"], 0);
    with(&["--fail-on", "warn"], 3);
    with(&["--fail-on", "critical"], 3);
    // --journey keeps that journey's alerts and the integrity alerts.
    let report = planted_json(&["--journey", "login"]);
    let alerts = report["alerts"].as_array().expect("alerts");
    assert!(
        alerts
            .iter()
            .all(|a| a["journey"].is_null() || a["journey"] == "login"),
        "{alerts:#?}"
    );
}

/// The example's data, shared with the engine suite.
fn example_data() -> &'static Path {
    crate::alerts::example_data()
}

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam")
}

/// The example on the embedded DuckDB through `scorec run`, against the
/// same status view on PostgreSQL: every status row agrees. (The example
/// covers every kind of metric and bound: durations, derived metrics,
/// relative counts, attributed cohorts.)
#[test]
fn example_statuses_agree_with_postgres() {
    let dir = example_dir();
    let data = example_data();
    let json: Json = serde_json::from_str(&run_ok(
        &[
            &dir.to_string_lossy(),
            "--data",
            &data.to_string_lossy(),
            "--format",
            "json",
        ],
        0,
    ))
    .expect("JSON");
    let statuses = json["statuses"].as_array().expect("statuses");
    assert!(!statuses.is_empty());
    let (pg, breaches) = crate::alerts::example_on_postgres();
    crate::alerts::check_example(&pg, &breaches, "postgres");
    assert!(!breaches.rows.is_empty(), "the example data has breaches");
    let key = |rule: &str, subject: &str, bucket: &str, cohort: &str| {
        format!(
            "{rule} {subject} {} {cohort}",
            &bucket[..bucket.len().min(19)]
        )
    };
    let mut want = std::collections::BTreeMap::new();
    for r in &pg.rows {
        let t = |c: &str| {
            let i = pg.columns.iter().position(|x| x == c).expect("column");
            plain(&r[i])
        };
        let subject = if t("metric").is_empty() {
            t("source")
        } else {
            t("metric")
        };
        let side = format!("{} {}", t("pair"), t("side"));
        want.insert(
            (key(&t("rule"), &subject, &t("bucket"), &t("cohort")), side),
            (t("status"), t("value"), t("sample")),
        );
    }
    let mut problems = Vec::new();
    for r in statuses {
        let t = |c: &str| plain(&r[c]);
        let subject = if t("metric").is_empty() {
            t("source")
        } else {
            t("metric")
        };
        let k = (
            key(&t("rule"), &subject, &t("bucket"), &t("cohort")),
            format!("{} {}", t("pair"), t("side")),
        );
        match want.remove(&k) {
            None => problems.push(format!("{k:?}: only in scorec run")),
            Some((status, value, sample)) => {
                let close = |a: &str, b: &str| match (a.parse::<f64>(), b.parse::<f64>()) {
                    (Ok(a), Ok(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                    _ => a == b,
                };
                if status != t("status")
                    || !close(&value, &t("value"))
                    || !close(&sample, &t("sample"))
                {
                    problems.push(format!(
                        "{k:?}: postgres {status} {value} n={sample}, run {} {} n={}",
                        t("status"),
                        t("value"),
                        t("sample")
                    ));
                }
            }
        }
    }
    problems.extend(want.keys().map(|k| format!("{k:?}: only on postgres")));
    assert!(
        problems.is_empty(),
        "{} differences, first:\n{}",
        problems.len(),
        problems[..problems.len().min(20)].join("\n")
    );
}

/// A JSON value as text: NULL empty, strings bare.
fn plain(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// `--out` replaces the file only when the run succeeds.
#[test]
fn out_is_written_atomically() {
    let tmp = TempDir::new("run-out").unwrap_or_else(|e| panic!("{e}"));
    let out = tmp.path().join("report.md");
    std::fs::write(&out, "previous report\n").expect("write");
    let dir = planted();
    let dir = dir.to_string_lossy();
    let out_text = out.to_string_lossy();
    // Data that does not bind: the run fails and the file stays.
    let (code, _, stderr) = scorec(&[
        "run",
        &dir,
        "--data",
        &tmp.path().to_string_lossy(),
        "--format",
        "markdown",
        "--out",
        &out_text,
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&out).expect("read"),
        "previous report\n"
    );
    run_ok(
        &[
            &dir, "--data", &dir, "--format", "markdown", "--out", &out_text,
        ],
        0,
    );
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.starts_with("# "), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "temporary files left: {leftovers:?}");
}

/// The README's first command: the example on its bundled data.
#[test]
fn the_example_runs_on_its_bundled_data() {
    let text = run_ok(&["examples/ciam"], 0);
    assert!(text.contains("Signal integrity"), "{text}");
    assert!(text.contains("Alerts:"), "{text}");
}

/// `examples/ciam/data` is what `scorec example-data --events 200000
/// --format parquet` writes (seed 7), row for row.
#[test]
fn the_bundled_example_data_is_the_generated_data() {
    let tmp = TempDir::new("run-example-data").unwrap_or_else(|e| panic!("{e}"));
    let (code, _, stderr) = scorec(&[
        "example-data",
        "--events",
        "200000",
        "--format",
        "parquet",
        "--out",
        &tmp.path().to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let bundled = example_dir().join("data");
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    let mut names: Vec<String> = std::fs::read_dir(&bundled)
        .expect("examples/ciam/data")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 4, "{names:?}");
    for name in names {
        let a = bundled.join(&name);
        let b = tmp.path().join(&name);
        let differ: i64 = conn
            .query_row(
                &format!(
                    "SELECT (SELECT count(*) FROM (SELECT * FROM read_parquet('{a}') EXCEPT ALL SELECT * FROM read_parquet('{b}'))) + (SELECT count(*) FROM (SELECT * FROM read_parquet('{b}') EXCEPT ALL SELECT * FROM read_parquet('{a}')))",
                    a = a.display(),
                    b = b.display()
                ),
                [],
                |r| r.get(0),
            )
            .expect("compare");
        assert_eq!(
            differ, 0,
            "{name} differs from the generated data: run `scorec example-data --events 200000 --format parquet --out examples/ciam/data`"
        );
    }
}
