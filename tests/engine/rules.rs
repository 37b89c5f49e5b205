//! Each SQL semantic rule of DESIGN.md pinned on its own, on real engines.
//!
//! Every rule has a tiny fixture in `tests/fixtures/sql_rules/<rule>/` (a
//! scorecard and `<schema>.<table>.csv` files, each fixture with its own
//! schema so all tables fit one data directory) and its expected rows in
//! [`cases`], computed by hand with the arithmetic in comments: never
//! copied from the output under test, and independent of the oracle.
//!
//! One test per engine runs every case and names the rule of each failure.
//! DuckDB and PostgreSQL run the three bounds forms (a literal range, the
//! ad-hoc parameters, the views of `scorec build` filtered to the range)
//! against the same expectations; ClickHouse and Spark run the literal
//! form. Signal integrity is checked on every engine.

mod cases;

use std::path::{Path, PathBuf};

use jiff::civil::DateTime;
use scorec::model::Scorecard;
use scorec::sql::plan::Selection;
use scorec::sql::{self, Bounds, Dialect, Options};
use serde_json::Value as Json;

use super::compare::compare;
use super::{Num, Row};
use crate::support;
use crate::support::engines::{Rows, TempDir};
use cases::{CASES, Case, INTEGRITY};

/// The fixture folder of a rule.
fn fixture_dir(fixture: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sql_rules")
        .join(fixture)
}

/// The checked scorecard of a fixture.
fn model(fixture: &str) -> Scorecard {
    let (loaded, checked) = support::check(&fixture_dir(fixture));
    match checked.model {
        Some(model) => model,
        None => panic!("{fixture}: {}", support::rendered(&loaded, &checked)),
    }
}

/// The fixtures of all cases, each once, in case order.
fn fixtures() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for case in CASES {
        if !out.contains(&case.fixture) {
            out.push(case.fixture);
        }
    }
    if !out.contains(&INTEGRITY.fixture) {
        out.push(INTEGRITY.fixture);
    }
    out
}

/// Every fixture's tables as Parquet in one fresh directory.
fn parquet_dir() -> TempDir {
    let dir = TempDir::new("sql-rules").unwrap_or_else(|e| panic!("{e}"));
    let mut tables: Vec<String> = Vec::new();
    for fixture in fixtures() {
        let model = model(fixture);
        let types = support::table_types(&model);
        for (table, _) in &types {
            assert!(
                !tables.iter().any(|t| t == table),
                "{fixture}: table {table} is used by another fixture; give each its own schema"
            );
            tables.push((*table).to_string());
        }
        support::engines::write_parquet(&fixture_dir(fixture), &types, dir.path())
            .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    }
    dir
}

fn options() -> Options {
    Options {
        schema: "scorec".to_string(),
        metric_files: Default::default(),
    }
}

/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` as a wall-clock time.
pub(super) fn civil(text: &str) -> DateTime {
    let full = if text.len() == 10 {
        format!("{text}T00:00")
    } else {
        text.to_string()
    };
    full.parse()
        .unwrap_or_else(|e| panic!("bad time `{text}`: {e}"))
}

/// A wall-clock time as SQL timestamp text.
fn sql_time(text: &str) -> String {
    civil(text).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

impl Case {
    fn bounds(&self) -> Bounds {
        Bounds::Literal {
            start: civil(self.start),
            end: civil(self.end),
            as_of: self.as_of.map(civil),
        }
    }

    /// The literal form: a plain `SELECT` over the case's range.
    fn literal(&self, model: &Scorecard, dialect: Dialect) -> String {
        sql::metrics_sql(
            model,
            dialect,
            Selection::All,
            self.bounds(),
            None,
            &options(),
        )
        .unwrap_or_else(|e| panic!("{}: {}", self.rule, e.message))
    }

    /// The ad-hoc form with its parameters set first (DuckDB variables,
    /// PostgreSQL custom settings); DuckDB also needs its time-zone macros.
    fn parameters(&self, model: &Scorecard, dialect: Dialect) -> String {
        let adhoc = sql::metrics_sql(
            model,
            dialect,
            Selection::All,
            Bounds::Parameters,
            None,
            &options(),
        )
        .unwrap_or_else(|e| panic!("{}: {}", self.rule, e.message));
        let (start, end) = (sql_time(self.start), sql_time(self.end));
        let as_of = self.as_of.map(sql_time);
        match dialect {
            Dialect::DuckDb => {
                let as_of =
                    as_of.map_or_else(|| "NULL".to_string(), |a| format!("TIMESTAMP '{a}'"));
                format!(
                    "CREATE SCHEMA scorec;\n{}\nSET VARIABLE start = TIMESTAMP '{start}';\n\
                     SET VARIABLE \"end\" = TIMESTAMP '{end}';\nSET VARIABLE as_of = {as_of};\n{adhoc}",
                    prelude(model, dialect)
                )
            }
            Dialect::Postgres => {
                let as_of =
                    as_of.map_or_else(String::new, |a| format!("SET scorec.as_of = '{a}';\n"));
                format!(
                    "SET scorec.start = '{start}';\nSET scorec.\"end\" = '{end}';\n{as_of}{adhoc}"
                )
            }
            other => panic!("no parameter syntax for {}", other.name()),
        }
    }

    /// The `scorecard` view of `scorec build`, created in schema `scorec`
    /// and read over the case's range.
    fn view(&self, model: &Scorecard, dialect: Dialect) -> String {
        let files = scorec::build::build(model, &[dialect], &options(), &[])
            .unwrap_or_else(|e| panic!("{}: {}", self.rule, e.message));
        let file = |name: &str| {
            let path = format!("{}/{name}", dialect.name());
            files
                .iter()
                .find(|f| f.path == path)
                .map_or(String::new(), |f| f.text.clone())
        };
        let select = format!(
            "SELECT * FROM scorec.scorecard WHERE bucket >= TIMESTAMP '{}' AND bucket < TIMESTAMP '{}'",
            sql_time(self.start),
            sql_time(self.end)
        );
        format!(
            "DROP SCHEMA IF EXISTS scorec CASCADE;\nCREATE SCHEMA scorec;\n{}\n{}\n{select}",
            file("00_time_zone.sql"),
            file("scorecard.sql")
        )
    }

    /// The expected rows and the cohort dimension columns of the output.
    fn expected(&self) -> (Vec<Row>, Vec<String>) {
        parse_expected(self.rule, self.expected)
    }

    /// Checks an engine's rows: the output shape's columns, then every row.
    fn check(&self, rows: &Rows) -> Result<(), String> {
        let (expected, dims) = self.expected();
        let mut want = vec!["metric", "journey", "bucket", "grouping"];
        want.extend(dims.iter().map(String::as_str));
        want.extend(["value", "numerator", "denominator", "sample", "incomplete"]);
        let have: Vec<String> = rows.columns.iter().map(|c| c.to_lowercase()).collect();
        if have != want {
            return Err(format!("columns {have:?}, expected {want:?}"));
        }
        compare(&expected, rows, &dims)
    }
}

/// The DuckDB time-zone macros (in schema `scorec`), if the dialect has any.
fn prelude(model: &Scorecard, dialect: Dialect) -> String {
    match sql::prelude_sql(model, dialect, &options()) {
        Some(Ok(text)) => text,
        Some(Err(e)) => panic!("{}", e.message),
        None => String::new(),
    }
}

/// Parses an expected table: a header naming the columns (`metric bucket
/// grouping`, the cohort dimensions, then `value numerator denominator
/// sample incomplete`) and one row per line, whitespace separated. `-` is
/// NULL; a value may be a fraction `a/b`; a numerator with a decimal point
/// is exact decimal text (compared digit for digit); a bucket is
/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
fn parse_expected(rule: &str, table: &str) -> (Vec<Row>, Vec<String>) {
    let mut lines = table.lines().map(str::trim).filter(|l| !l.is_empty());
    let header: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let measures = ["value", "numerator", "denominator", "sample", "incomplete"];
    let n = header.len();
    assert!(
        n >= 8 && header[..3] == ["metric", "bucket", "grouping"] && header[n - 5..] == measures,
        "{rule}: bad expected header {header:?}"
    );
    let dims: Vec<String> = header[3..n - 5].iter().map(|d| (*d).to_string()).collect();
    let null = |s: &str| (s != "-").then(|| s.to_string());
    let number = |s: &str| -> Option<f64> {
        let s = null(s)?;
        Some(match s.split_once('/') {
            Some((a, b)) => a.parse::<f64>().ok()? / b.parse::<f64>().ok()?,
            None => s
                .parse()
                .unwrap_or_else(|_| panic!("{rule}: bad number `{s}`")),
        })
    };
    let rows = lines
        .map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(
                f.len(),
                n,
                "{rule}: row `{line}` has {} fields, not {n}",
                f.len()
            );
            let m = &f[n - 5..];
            Row {
                metric: f[0].to_string(),
                journey: String::new(),
                bucket: civil(f[1]),
                grouping: f[2].to_string(),
                dims: dims
                    .iter()
                    .zip(&f[3..n - 5])
                    .map(|(d, v)| (d.clone(), null(v)))
                    .collect(),
                value: number(m[0]),
                numerator: null(m[1]).map(|t| {
                    if t.contains('.') {
                        Num::Decimal(t)
                    } else {
                        Num::Float(number(&t).unwrap_or_default())
                    }
                }),
                denominator: number(m[2]),
                sample: null(m[3]).map(|s| {
                    s.parse()
                        .unwrap_or_else(|_| panic!("{rule}: bad sample `{s}`"))
                }),
                incomplete: match m[4] {
                    "true" => true,
                    "false" => false,
                    other => panic!("{rule}: incomplete must be true or false, not `{other}`"),
                },
            }
        })
        .collect();
    (rows, dims)
}

/// The expected signal-integrity rows: `(source, bucket, received, kept,
/// duplicate_ratio, newest, freshness_minutes)`.
pub(super) struct Integrity {
    /// The fixture.
    pub(super) fixture: &'static str,
    /// Range start and end.
    pub(super) start: &'static str,
    pub(super) end: &'static str,
    /// One row per source and bucket with rows.
    pub(super) rows: &'static [(&'static str, &'static str, i64, i64, f64, &'static str, f64)],
}

impl Integrity {
    fn sql(&self, dialect: Dialect) -> String {
        let bounds = Bounds::Literal {
            start: civil(self.start),
            end: civil(self.end),
            as_of: None,
        };
        sql::integrity_sql(&model(self.fixture), dialect, bounds, None, &options())
            .unwrap_or_else(|e| panic!("integrity: {}", e.message))
    }

    fn check(&self, rows: &Rows) -> Result<(), String> {
        let want = [
            "source",
            "bucket",
            "received",
            "kept",
            "duplicate_ratio",
            "newest",
            "freshness_minutes",
        ];
        let have: Vec<String> = rows.columns.iter().map(|c| c.to_lowercase()).collect();
        if have != want {
            return Err(format!("integrity columns {have:?}, expected {want:?}"));
        }
        let text = |v: &Json| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        let number = |v: &Json| text(v).parse::<f64>().ok();
        let time = |v: &Json| {
            let t = text(v).replace('T', " ");
            if t.len() == 10 {
                format!("{t} 00:00:00")
            } else {
                t
            }
        };
        let mut problems = Vec::new();
        if rows.rows.len() != self.rows.len() {
            problems.push(format!(
                "{} integrity rows, expected {}: {}",
                rows.rows.len(),
                self.rows.len(),
                support::engines::show(rows)
            ));
        }
        for &(source, bucket, received, kept, ratio, newest, fresh) in self.rows {
            let bucket = sql_time(bucket);
            let Some(row) = rows
                .rows
                .iter()
                .find(|r| text(&r[0]) == source && time(&r[1]) == bucket)
            else {
                problems.push(format!("no integrity row for {source} {bucket}"));
                continue;
            };
            let close = |v: &Json, x: f64| number(v).is_some_and(|y| (x - y).abs() < 1e-9);
            let ok = close(&row[2], received as f64)
                && close(&row[3], kept as f64)
                && close(&row[4], ratio)
                && time(&row[5]) == sql_time(newest)
                && close(&row[6], fresh);
            if !ok {
                problems.push(format!(
                    "{source} {bucket}: expected received={received} kept={kept} duplicate_ratio={ratio} newest={newest} freshness_minutes={fresh}, got {row:?}"
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("\n"))
        }
    }
}

/// Collects failures, each naming the rule, engine and bounds form.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, rule: &str, how: &str, result: Result<(), String>) {
        if let Err(e) = result {
            self.0.push(format!("rule `{rule}` ({how}): {e}"));
        }
    }

    fn finish(self) {
        assert!(
            self.0.is_empty(),
            "{} failures:\n\n{}",
            self.0.len(),
            self.0.join("\n\n")
        );
    }
}

#[test]
fn sql_rules_on_duckdb() {
    let data = parquet_dir();
    let run = |sql: &str| support::engines::duckdb(data.path(), sql);
    let mut failures = Failures::default();
    for case in CASES {
        let model = model(case.fixture);
        let mut forms = vec![
            ("literal", case.literal(&model, Dialect::DuckDb)),
            ("parameters", case.parameters(&model, Dialect::DuckDb)),
        ];
        if case.view {
            forms.push(("view", case.view(&model, Dialect::DuckDb)));
        }
        for (form, sql) in forms {
            let result = run(&sql).and_then(|rows| case.check(&rows));
            failures.check(case.rule, &format!("duckdb, {form}"), result);
        }
    }
    let result = run(&INTEGRITY.sql(Dialect::DuckDb)).and_then(|rows| INTEGRITY.check(&rows));
    failures.check("signal integrity", "duckdb", result);
    failures.finish();
}

#[test]
fn sql_rules_on_postgres() {
    let pg = support::postgres::Postgres::start().unwrap_or_else(|e| panic!("{e}"));
    for fixture in fixtures() {
        pg.load(
            &fixture_dir(fixture),
            &support::table_types(&model(fixture)),
        )
        .unwrap_or_else(|e| panic!("{fixture}: {e}"));
    }
    let mut failures = Failures::default();
    for case in CASES {
        let model = model(case.fixture);
        let mut forms = vec![
            ("literal", case.literal(&model, Dialect::Postgres)),
            ("parameters", case.parameters(&model, Dialect::Postgres)),
        ];
        if case.view {
            forms.push(("view", case.view(&model, Dialect::Postgres)));
        }
        for (form, sql) in forms {
            let result = pg.query(&sql).and_then(|rows| case.check(&rows));
            failures.check(case.rule, &format!("postgres, {form}"), result);
        }
    }
    let result = pg
        .query(&INTEGRITY.sql(Dialect::Postgres))
        .and_then(|rows| INTEGRITY.check(&rows));
    failures.check("signal integrity", "postgres", result);
    failures.finish();
}

#[test]
fn sql_rules_on_clickhouse() {
    let data = parquet_dir();
    let mut failures = Failures::default();
    for case in CASES {
        let sql = case.literal(&model(case.fixture), Dialect::ClickHouse);
        let result =
            support::engines::clickhouse(data.path(), &sql).and_then(|rows| case.check(&rows));
        failures.check(case.rule, "clickhouse, literal", result);
    }
    let result = support::engines::clickhouse(data.path(), &INTEGRITY.sql(Dialect::ClickHouse))
        .and_then(|rows| INTEGRITY.check(&rows));
    failures.check("signal integrity", "clickhouse", result);
    failures.finish();
}

#[test]
fn sql_rules_on_spark() {
    let data = parquet_dir();
    // One session for every statement: a session takes seconds to start.
    let mut sqls: Vec<String> = CASES
        .iter()
        .map(|case| case.literal(&model(case.fixture), Dialect::Databricks))
        .collect();
    sqls.push(INTEGRITY.sql(Dialect::Databricks));
    let texts: Vec<&str> = sqls.iter().map(String::as_str).collect();
    let results = support::engines::spark(data.path(), &texts).unwrap_or_else(|e| {
        let files: Vec<String> = CASES
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{i} = {}", c.rule))
            .chain([format!("{} = signal integrity", CASES.len())])
            .collect();
        panic!("{e}\n(statement files: {})", files.join(", "))
    });
    let mut failures = Failures::default();
    for (case, rows) in CASES.iter().zip(&results) {
        failures.check(case.rule, "spark, literal", case.check(rows));
    }
    if let Some(rows) = results.get(CASES.len()) {
        failures.check("signal integrity", "spark", INTEGRITY.check(rows));
    }
    failures.finish();
}

#[test]
fn sql_rules_expectations_parse() {
    // Catches a malformed table before any engine starts.
    for case in CASES {
        let (rows, _) = case.expected();
        assert!(!rows.is_empty(), "{}: no expected rows", case.rule);
        model(case.fixture);
    }
}
