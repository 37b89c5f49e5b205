//! `scorec alerts`: the status view and breach query run on DuckDB and
//! PostgreSQL over the planted fixture (`tests/fixtures/alerts/planted`),
//! against the hand-computed statuses of `expected.rs`; every dialect's
//! statements re-parse (sqlparser, and sqlglot for the warehouses it
//! knows); each target's files are snapshots.

mod dbt;
mod expected;
mod grafana;
mod prometheus;

pub(crate) use prometheus::gauge_rows;

use std::path::{Path, PathBuf};

use scorec::alerts::{self, Target};
use scorec::model::Scorecard;
use scorec::sql::{Dialect, Options};
use serde_json::Value as Json;

use crate::support::{self, engines::Rows, engines::TempDir};
use expected::{BREACHES, STATUSES};

pub(crate) fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/alerts/planted")
}

fn model() -> Scorecard {
    let (loaded, checked) = support::check(&fixture_dir());
    match checked.model {
        Some(model) => model,
        None => panic!("{}", support::rendered(&loaded, &checked)),
    }
}

fn alert_options() -> alerts::Options {
    alerts::Options {
        schema: "scorec".to_string(),
        snowflake: Default::default(),
        grafana: Default::default(),
    }
}

/// The target's files for a dialect.
fn files(model: &Scorecard, target: Target, dialect: Dialect) -> Vec<scorec::build::Artifact> {
    alerts::generate(model, target, dialect, &alert_options())
        .unwrap_or_else(|e| panic!("{}: {}", dialect.name(), e.message))
}

fn file(files: &[scorec::build::Artifact], path: &str) -> String {
    files
        .iter()
        .find(|f| f.path == path)
        .map(|f| f.text.clone())
        .unwrap_or_else(|| panic!("no file {path}"))
}

/// The views of `scorec build` and the status view, in schema `scorec`,
/// then `select`.
fn script(model: &Scorecard, dialect: Dialect, select: &str) -> String {
    let options = Options {
        schema: "scorec".to_string(),
        metric_files: Default::default(),
    };
    let built = scorec::build::build(model, &[dialect], &options, &[])
        .unwrap_or_else(|e| panic!("{}", e.message));
    let name = dialect.name();
    let status = files(model, Target::Sql, dialect);
    format!(
        "DROP SCHEMA IF EXISTS scorec CASCADE;\nCREATE SCHEMA scorec;\n{}\n{}\n{}\n{}\n{select}",
        built
            .iter()
            .find(|f| f.path == format!("{name}/00_time_zone.sql"))
            .map_or(String::new(), |f| f.text.clone()),
        file(&built, &format!("{name}/scorecard.sql")),
        file(&built, &format!("{name}/signal_integrity.sql")),
        file(&status, &format!("{name}/scorecard_status.sql")),
    )
}

fn text(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn number(s: &str) -> f64 {
    match s.split_once('/') {
        Some((a, b)) => a.parse::<f64>().unwrap_or(f64::NAN) / b.parse::<f64>().unwrap_or(f64::NAN),
        None => s.parse().unwrap_or(f64::NAN),
    }
}

/// A bucket as `YYYY-MM-DD` when it is a midnight.
fn day(v: &Json) -> String {
    let t = text(v).unwrap_or_default().replace('T', " ");
    t.strip_suffix(" 00:00:00")
        .map_or(t.clone(), str::to_string)
}

/// The value of a named column of a row.
fn column<'r>(rows: &Rows, row: &'r [Json], name: &str) -> &'r Json {
    let at = rows
        .columns
        .iter()
        .position(|c| c.eq_ignore_ascii_case(name))
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows.columns));
    &row[at]
}

fn subject(rows: &Rows, row: &[Json]) -> String {
    text(column(rows, row, "metric"))
        .or_else(|| text(column(rows, row, "source")))
        .unwrap_or_default()
}

/// Checks every expected status; a problem per mismatch.
pub(crate) fn check_statuses(rows: &Rows) -> Vec<String> {
    let mut problems = Vec::new();
    let want: Vec<String> = scorec::alerts::status::all_columns(&["device".to_string()]);
    let have: Vec<String> = rows.columns.iter().map(|c| c.to_lowercase()).collect();
    if have != want {
        problems.push(format!("columns {have:?}, expected {want:?}"));
        return problems;
    }
    for e in STATUSES {
        let found: Vec<&Vec<Json>> = rows
            .rows
            .iter()
            .filter(|r| {
                text(column(rows, r, "rule")).as_deref() == Some(e.rule)
                    && subject(rows, r) == e.subject
                    && day(column(rows, r, "bucket")) == e.bucket
                    && text(column(rows, r, "cohort")).as_deref() == Some(e.cohort)
            })
            .collect();
        let key = format!("{} {} {} {}", e.rule, e.subject, e.bucket, e.cohort);
        let [r] = found.as_slice() else {
            problems.push(format!("{key}: {} rows", found.len()));
            continue;
        };
        let got = |c: &str| text(column(rows, r, c));
        let same_number = |c: &str, want: &str| match (want, got(c)) {
            ("*", _) => true,
            ("-", v) => v.is_none(),
            (w, Some(v)) => (number(w) - number(&v)).abs() < 1e-9,
            (_, None) => false,
        };
        let same_text = |c: &str, want: &str| match want {
            "-" => got(c).is_none(),
            w => got(c).as_deref() == Some(w),
        };
        let ok = same_text("status", e.status)
            && same_number("value", e.value)
            && same_number("baseline", e.baseline)
            && same_text("bound", e.bound)
            && same_number("sample", e.sample);
        if !ok {
            problems.push(format!(
                "{key}: expected status={} value={} baseline={} bound={} sample={}, got status={:?} value={:?} baseline={:?} bound={:?} sample={:?}",
                e.status,
                e.value,
                e.baseline,
                e.bound,
                e.sample,
                got("status"),
                got("value"),
                got("baseline"),
                got("bound"),
                got("sample"),
            ));
        }
    }
    // D9 and D10 are listed in full.
    for d in ["2026-03-09", "2026-03-10"] {
        let have = rows
            .rows
            .iter()
            .filter(|r| day(column(rows, r, "bucket")) == d)
            .count();
        let want = STATUSES.iter().filter(|e| e.bucket == d).count();
        if have != want {
            problems.push(format!("{d}: {have} status rows, expected {want}"));
        }
    }
    problems
}

/// Checks the breach query's rows: exactly the planted breaches.
pub(crate) fn check_breaches(rows: &Rows) -> Vec<String> {
    let mut got: Vec<[String; 6]> = rows
        .rows
        .iter()
        .map(|r| {
            let t = |c: &str| text(column(rows, r, c)).unwrap_or_default();
            [
                t("rule"),
                subject(rows, r),
                day(column(rows, r, "bucket")),
                t("cohort"),
                t("severity"),
                t("acting_owner"),
            ]
        })
        .collect();
    let mut want: Vec<[String; 6]> = BREACHES
        .iter()
        .map(|&(a, b, c, d, e, f)| [a, b, c, d, e, f].map(str::to_string))
        .collect();
    got.sort();
    want.sort();
    if got == want {
        Vec::new()
    } else {
        vec![format!("breaches:\n got  {got:#?}\n want {want:#?}")]
    }
}

fn breach_select(model: &Scorecard, dialect: Dialect) -> String {
    file(
        &files(model, Target::Sql, dialect),
        &format!("{}/breaches.sql", dialect.name()),
    )
}

#[test]
fn statuses_and_breaches_on_duckdb() {
    let model = model();
    let data = TempDir::new("alerts").unwrap_or_else(|e| panic!("{e}"));
    support::engines::write_parquet(&fixture_dir(), &support::table_types(&model), data.path())
        .unwrap_or_else(|e| panic!("{e}"));
    let all = script(
        &model,
        Dialect::DuckDb,
        "SELECT * FROM scorec.scorecard_status",
    );
    let rows = support::engines::duckdb(data.path(), &all).unwrap_or_else(|e| panic!("{e}"));
    let mut problems = check_statuses(&rows);
    let breaches = script(
        &model,
        Dialect::DuckDb,
        &breach_select(&model, Dialect::DuckDb),
    );
    let rows = support::engines::duckdb(data.path(), &breaches).unwrap_or_else(|e| panic!("{e}"));
    problems.extend(check_breaches(&rows));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn statuses_and_breaches_on_postgres() {
    let model = model();
    let pg = support::postgres::Postgres::start().unwrap_or_else(|e| panic!("{e}"));
    pg.load(&fixture_dir(), &support::table_types(&model))
        .unwrap_or_else(|e| panic!("{e}"));
    let all = script(
        &model,
        Dialect::Postgres,
        "SELECT * FROM scorec.scorecard_status",
    );
    let rows = pg.query(&all).unwrap_or_else(|e| panic!("{e}"));
    let mut problems = check_statuses(&rows);
    let breaches = script(
        &model,
        Dialect::Postgres,
        &breach_select(&model, Dialect::Postgres),
    );
    let rows = pg.query(&breaches).unwrap_or_else(|e| panic!("{e}"));
    problems.extend(check_breaches(&rows));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn status_sql_parses_in_every_dialect() {
    // `generate` parses each statement with sqlparser in its dialect; the
    // example and the fixture must both get through for all eight.
    let example = support::check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam"))
        .1
        .model
        .expect("example model");
    for model in [model(), example] {
        for dialect in Dialect::ALL {
            let files = files(&model, Target::Sql, dialect);
            assert_eq!(files.len(), 2, "{}", dialect.name());
        }
    }
}

#[test]
fn sqlglot_parses_the_status_sql() {
    let example = support::check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam"))
        .1
        .model
        .expect("example model");
    let mut failures = Vec::new();
    for model in [model(), example] {
        for dialect in [
            Dialect::Snowflake,
            Dialect::BigQuery,
            Dialect::Redshift,
            Dialect::Trino,
        ] {
            for f in files(&model, Target::Sql, dialect) {
                if let Err(e) = support::engines::sqlglot_check(dialect.name(), &f.text) {
                    failures.push(format!("{}: {e}", f.path));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_target_s_files_are_snapshots() {
    let model = model();
    for (target, dialect) in [
        (Target::Sql, Dialect::DuckDb),
        (Target::Snowflake, Dialect::Snowflake),
        (Target::Dbt, Dialect::DuckDb),
        (Target::Prometheus, Dialect::DuckDb),
        (Target::Grafana, Dialect::DuckDb),
    ] {
        for f in files(&model, target, dialect) {
            let name = format!("{}__{}", target.name(), f.path.replace('/', "__"));
            insta::assert_snapshot!(name, f.text);
        }
    }
}

/// The query each Snowflake alert embeds, between `IF (EXISTS (` and `))`.
fn embedded_queries(alerts: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = alerts;
    while let Some(at) = rest.find("  IF (EXISTS (\n") {
        let body = &rest[at + "  IF (EXISTS (\n".len()..];
        let end = body.find("\n))\n").expect("end of the embedded query");
        out.push(body[..end].to_string());
        rest = &body[end..];
    }
    out
}

#[test]
fn snowflake_alerts_embed_a_query_that_parses() {
    let model = model();
    let alerts = file(
        &files(&model, Target::Snowflake, Dialect::Snowflake),
        "snowflake/alerts.sql",
    );
    assert_eq!(
        alerts.matches("CREATE OR REPLACE ALERT").count(),
        4,
        "{alerts}"
    );
    let queries = embedded_queries(&alerts);
    // Two pairs and two sources, each with its own filter.
    assert_eq!(queries.len(), 4);
    for (query, filter) in queries.iter().zip([
        "\"PAIR\" = 'sign_in'",
        "\"PAIR\" = 'enrolment_health'",
        "\"SOURCE\" = 'auth'",
        "\"SOURCE\" = 'tickets'",
    ]) {
        assert!(query.contains(filter), "{filter} not in {query}");
        let parsed =
            sqlparser::parser::Parser::parse_sql(&sqlparser::dialect::SnowflakeDialect {}, query)
                .unwrap_or_else(|e| panic!("{e}\n{query}"));
        assert_eq!(parsed.len(), 1);
        if let Err(e) = support::engines::sqlglot_check("snowflake", query) {
            panic!("{e}");
        }
    }
}

#[test]
fn cli_writes_each_target_atomically_and_deterministically() {
    let dir = TempDir::new("alerts-cli").unwrap_or_else(|e| panic!("{e}"));
    let out = dir.path().join("out");
    let out_text = out.to_string_lossy().into_owned();
    let fixture = "tests/fixtures/alerts/planted";
    let mut transcripts = String::new();
    for target in ["sql", "snowflake", "dbt", "prometheus", "grafana"] {
        let args = ["alerts", fixture, "--target", target, "--out", &out_text];
        let (code, stdout, stderr) = support::scorec(&args);
        assert_eq!(code, 0, "{stderr}");
        let first = tree(&out);
        let (code, _, _) = support::scorec(&args);
        assert_eq!(code, 0);
        assert_eq!(first, tree(&out), "{target}: a second run differs");
        transcripts.push_str(&format!(
            "$ scorec alerts {fixture} --target {target} --out OUT\n{}",
            stdout.replace(&out_text, "OUT")
        ));
        for path in first.keys() {
            transcripts.push_str(&format!("  {path}\n"));
        }
    }
    // Nothing is left beside the output folder.
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, vec!["out".to_string()]);
    // A failed run (an unknown target) leaves the previous output.
    let before = tree(&out);
    let (code, _, stderr) = support::scorec(&[
        "alerts",
        fixture,
        "--target",
        "pagerduty",
        "--out",
        &out_text,
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(before, tree(&out));
    insta::assert_snapshot!("cli_targets", transcripts);
}

/// Every file under `dir`, by `/`-separated relative path.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read_dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let key = path
                    .strip_prefix(dir)
                    .expect("under dir")
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(key, std::fs::read(&path).expect("read"));
            }
        }
    }
    out
}

/// The example's data (20,000 events, seed 7), shared with the engine suite.
pub(crate) fn example_data() -> &'static Path {
    crate::engine::suite::data_dir()
}

/// Every kind of metric and bound of the example (durations, derived
/// metrics, relative counts, attributed cohorts, rollups off) runs: each
/// check has rows, every status is one of the five, and the breach rows
/// are warn or critical rows of the status view.
pub(crate) fn check_example(status: &Rows, breaches: &Rows, engine: &str) {
    let example = support::check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam"))
        .1
        .model
        .expect("example model");
    let rules = scorec::alerts::rules::Rules::of(&example);
    let mut problems = Vec::new();
    for check in &rules.checks {
        let what = check
            .metric
            .map(|m| m.name.as_str())
            .or(check.source)
            .unwrap_or_default();
        let rows = status
            .rows
            .iter()
            .filter(|r| {
                subject(status, r) == what
                    && text(column(status, r, "rule")).as_deref() == Some(check.rule.as_str())
            })
            .count();
        if rows == 0 {
            problems.push(format!(
                "{engine}: no status rows for {} {what}",
                check.rule.as_str()
            ));
        }
    }
    for r in &status.rows {
        let s = text(column(status, r, "status")).unwrap_or_default();
        if !["ok", "warn", "critical", "insufficient", "incomplete"].contains(&s.as_str()) {
            problems.push(format!("{engine}: status {s:?}"));
        }
    }
    for r in &breaches.rows {
        let s = text(column(breaches, r, "status")).unwrap_or_default();
        if s != "warn" && s != "critical" {
            problems.push(format!("{engine}: breach with status {s:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The example's status and breach rows on PostgreSQL; `tests/run.rs`
/// checks them (`check_example`) and compares `scorec run` with them.
pub(crate) fn example_on_postgres() -> (Rows, Rows) {
    let example = support::check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ciam"))
        .1
        .model
        .expect("example model");
    let pg = support::postgres::Postgres::start().unwrap_or_else(|e| panic!("{e}"));
    pg.load(example_data(), &support::table_types(&example))
        .unwrap_or_else(|e| panic!("{e}"));
    let status = pg
        .query(&script(
            &example,
            Dialect::Postgres,
            "SELECT * FROM scorec.scorecard_status",
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let breaches = pg
        .query(&script(
            &example,
            Dialect::Postgres,
            &breach_select(&example, Dialect::Postgres),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    (status, breaches)
}
