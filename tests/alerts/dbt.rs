//! The dbt package of the planted fixture under `dbt build` (dbt-duckdb,
//! pinned in tests/engines/requirements.txt): the models build, and the
//! data tests fail on the critical breaches and warn on the warn ones.

use std::process::Command;

use scorec::alerts::Target;
use scorec::sql::Dialect;
use serde_json::Value as Json;

use super::{files, fixture_dir, model};
use crate::support::table_types;
use crate::support::{self, engines::TempDir};

/// Every data test of the package: (name, status, failing rows), computed
/// from the breaches of expected.rs: sign_in has 3 critical rows
/// (suspicious desktop, success overall and mobile) and 4 warn rows
/// (suspicious overall and mobile, success desktop, the mobile
/// trade-off); enrolment one warn; auth one duplicates warn; tickets a
/// critical volume and a critical freshness.
const TESTS: &[(&str, &str, i64)] = &[
    ("scorec_sign_in_critical", "fail", 3),
    ("scorec_sign_in_warn", "warn", 4),
    ("scorec_enrolment_health_critical", "pass", 0),
    ("scorec_enrolment_health_warn", "warn", 1),
    ("scorec_source_auth_critical", "pass", 0),
    ("scorec_source_auth_warn", "warn", 1),
    ("scorec_source_tickets_critical", "fail", 2),
    ("scorec_source_tickets_warn", "pass", 0),
];

#[test]
fn dbt_build_fails_on_critical_and_warns_on_warn() {
    let model = model();
    let dir = TempDir::new("dbt").unwrap_or_else(|e| panic!("{e}"));
    let package = dir.path().join("package");
    for f in files(&model, Target::Dbt, Dialect::DuckDb) {
        let path = package.join(f.path.trim_start_matches("dbt/"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &f.text).expect("write");
    }
    // The fixture's tables, loaded by the venv's DuckDB from Parquet.
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).expect("mkdir");
    support::engines::write_parquet(&fixture_dir(), &table_types(&model), &data)
        .unwrap_or_else(|e| panic!("{e}"));
    // Not `scorec.duckdb`: DuckDB would read `scorec` as the catalog too.
    let db = dir.path().join("warehouse.duckdb");
    let python = support::engines::python().unwrap_or_else(|e| panic!("{e}"));
    let load = format!(
        "import duckdb\ncon = duckdb.connect({db:?})\ncon.execute('CREATE SCHEMA alerts')\n\
         con.execute(\"CREATE TABLE alerts.auth AS SELECT * FROM read_parquet('{auth}')\")\n\
         con.execute(\"CREATE TABLE alerts.tickets AS SELECT * FROM read_parquet('{tickets}')\")\n\
         con.close()\n",
        db = db.to_string_lossy(),
        auth = data.join("alerts.auth.parquet").to_string_lossy(),
        tickets = data.join("alerts.tickets.parquet").to_string_lossy(),
    );
    let output = Command::new(&python)
        .args(["-c", &load])
        .output()
        .expect("python");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(
        dir.path().join("profiles.yml"),
        format!(
            "scorec:\n  target: test\n  outputs:\n    test:\n      type: duckdb\n      path: {:?}\n      threads: 1\n",
            db.to_string_lossy()
        ),
    )
    .expect("profiles");
    let dbt = python.with_file_name("dbt");
    let output = Command::new(&dbt)
        .args(["build", "--no-use-colors", "--project-dir"])
        .arg(&package)
        .arg("--profiles-dir")
        .arg(dir.path())
        .env("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
        .env("DO_NOT_TRACK", "1")
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): run scripts/setup-engines",
                dbt.display()
            )
        });
    let log = String::from_utf8_lossy(&output.stdout).into_owned();
    // Critical breaches fail the build.
    assert_eq!(output.status.code(), Some(1), "{log}");
    let results: Json = serde_json::from_str(
        &std::fs::read_to_string(package.join("target/run_results.json"))
            .unwrap_or_else(|e| panic!("{e}\n{log}")),
    )
    .expect("run_results.json");
    let results = results["results"].as_array().cloned().unwrap_or_default();
    let mut problems = Vec::new();
    for r in &results {
        let id = r["unique_id"].as_str().unwrap_or_default();
        let status = r["status"].as_str().unwrap_or_default();
        let expected = TESTS
            .iter()
            .find(|(name, _, _)| id.contains(&format!(".{name}")));
        match expected {
            Some((name, want, failures)) => {
                let got = r["failures"].as_i64().unwrap_or(-1);
                if status != *want || got != *failures {
                    problems.push(format!(
                        "{name}: {status} with {got} rows, expected {want} with {failures}"
                    ));
                }
            }
            None if id.starts_with("model.") && status != "success" => {
                problems.push(format!("{id}: {status}"));
            }
            None if id.starts_with("test.") && status != "pass" => {
                problems.push(format!("{id}: {status}"));
            }
            None => {}
        }
    }
    for (name, _, _) in TESTS {
        if !results.iter().any(|r| {
            r["unique_id"]
                .as_str()
                .unwrap_or_default()
                .contains(&format!(".{name}"))
        }) {
            problems.push(format!("{name}: did not run"));
        }
    }
    let models = results
        .iter()
        .filter(|r| {
            r["unique_id"]
                .as_str()
                .unwrap_or_default()
                .starts_with("model.")
        })
        .count();
    if models != 3 {
        problems.push(format!("{models} models ran, expected 3"));
    }
    assert!(problems.is_empty(), "{}\n\n{log}", problems.join("\n"));
}
