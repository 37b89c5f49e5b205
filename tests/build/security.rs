//! A scorecard whose table, column, schema and scorecard names and string
//! literals hold every quote, backslashes, `;`, `--`, `/*`, newlines and
//! unicode, as far as `check` accepts them (source, event, journey, metric
//! and pair names must be plain ASCII identifiers; table names, quoted
//! columns in SQL fragments, literals, owners, actions, `--schema` and the
//! scorecard's name need not be). It compiles for every dialect to SQL that
//! sqlparser reads as one statement per file with the literals and table
//! names intact, no name breaks a header comment, the DSL form compiles to
//! the same SQL, and DuckDB and PostgreSQL (views, literal range, header
//! parameters) count the rows that carry the literal, and not its near
//! misses, as computed by hand.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::Path;

use scorec::sql::Dialect;
use scorec::sql::dialect::Fold;
use serde_json::Value as Json;
use sqlparser::ast::{Expr, Value, visit_expressions, visit_relations};
use sqlparser::parser::Parser;

use super::{assert_files_parse, body, build, scorec, temp, text};
use crate::support::engines::{ident, literal};
use crate::support::postgres::Postgres;

/// The scorecard's name: a header comment must keep it on one line.
const NAME: &str = "odd'\"`;--/*\\é\nname\r\n-- DROP TABLE x; */\u{85}-- Range [";
const SCHEMA: &str = "sch'\"`;--/*\\é";
/// The schema the views are created in (`--schema`).
const OUT_SCHEMA: &str = "out'\"`;--/*\\é";
const TABLE: &str = "tab'\"`;--/*\\é\nx";
/// The column an event compares to [`LITERAL`].
const MATCH_COLUMN: &str = "name'\"`;--/*\\é";
/// The column the `dev` cohort is an expression over.
const DEV_COLUMN: &str = "dev'\"`;--/*\\é\nx";
/// Every quote, a backslash before a space, a quote and `n`, comment
/// markers, placeholders, a newline and unicode.
const LITERAL: &str = "it's \"x\" `y` ; -- /* */ \\ \\' \\n é€😀\nnew $1 ? %s {}";
const OWNER: &str = "sec'\"`;--/*\\é\nteam";
const ACTION: &str = "act'\"`;--/*\\é\nnext; -- */ \\'";
const DEV_A: &str = "dév 'A' \"--\" \\ /*";
const DEV_B: &str = "b;\n*/ `x`";

/// A JSON string, which YAML reads as a double-quoted scalar.
fn yaml(text: &str) -> String {
    Json::from(text).to_string()
}

fn scorecard() -> String {
    let fragment = format!("{} = {}", ident(MATCH_COLUMN), literal(LITERAL));
    format!(
        "scorecard: {name}
title: {title}
defaults:
  dialect: duckdb
  grain: day
  timezone: UTC
  min_sample: 1
sources:
  src_x:
    table: {table}
    timestamp: ts
    entity: user_id
    dedupe_by: id
    dimensions: [{{dev: {dev}}}]
    integrity:
      freshness:
        warn: \"> 2h\"
events:
  ev_x:
    source: src_x
    where: {fragment}
  all_x:
    source: src_x
journeys:
  jr_x:
    title: {title}
    tier: medium
    steps: [all_x, ev_x]
    owners:
      security: {owner}
      product: {owner}
    cohorts: [dev]
    metrics:
      m_rate:
        side: experience
        good: high
        rate: ev_x / all_x
      sec_rate:
        side: security
        good: low
        rate: ev_x / all_x
    pairs:
      p_x:
        security:
          metric: sec_rate
          warn: \"> 2%\"
        experience:
          metric: m_rate
          warn: \"< 95%\"
        action: {action}
        maps: [csf:DE.AE-02]
",
        name = yaml(NAME),
        title = yaml("*/ title -- 'x'"),
        table = yaml(&format!("{SCHEMA}.{TABLE}")),
        dev = yaml(&ident(DEV_COLUMN)),
        fragment = yaml(&fragment),
        owner = yaml(OWNER),
        action = yaml(ACTION),
    )
}

/// `(ts, user, id, matched column, dev column)`: after de-duplication six
/// rows, two carrying [`LITERAL`], three near misses.
fn rows() -> Vec<[String; 5]> {
    let row = |ts: &str, user: &str, id: &str, value: &str, dev: &str| {
        [ts, user, id, value, dev].map(str::to_string)
    };
    vec![
        row("2026-03-02 08:00:00", "u1", "e1", LITERAL, DEV_A),
        row("2026-03-02 09:00:00", "u2", "e2", LITERAL, DEV_B),
        row(
            "2026-03-02 10:00:00",
            "u3",
            "e3",
            &LITERAL.replace('\\', ""),
            DEV_A,
        ),
        row(
            "2026-03-02 11:00:00",
            "u4",
            "e4",
            &LITERAL.replace('\'', "''"),
            DEV_B,
        ),
        row(
            "2026-03-02 12:00:00",
            "u5",
            "e5",
            &LITERAL.replace("\\n", "\n"),
            DEV_A,
        ),
        // A second delivery of e1: de-duplicated away.
        row("2026-03-02 13:00:00", "u1", "e1", LITERAL, DEV_A),
        row("2026-03-02 14:00:00", "u6", "e6", "other", DEV_A),
    ]
}

/// `(grouping, dev, numerator, denominator)` of `m_rate` on 2026-03-02.
fn expected_counts() -> Vec<[Option<String>; 4]> {
    let row = |g: &str, dev: Option<&str>, n: u32, d: u32| {
        [
            Some(g.to_string()),
            dev.map(str::to_string),
            Some(n.to_string()),
            Some(d.to_string()),
        ]
    };
    let mut rows = vec![
        row("overall", None, 2, 6),
        row("dev", Some(DEV_A), 1, 4),
        row("dev", Some(DEV_B), 1, 2),
    ];
    rows.sort();
    rows
}

/// `(side, acting owner, action)` of the pairs view.
fn expected_pairs() -> Vec<[Option<String>; 3]> {
    ["experience", "security"]
        .map(|side| [side, OWNER, ACTION].map(|s| Some(s.to_string())))
        .to_vec()
}

/// The table and its rows, in SQL both DuckDB and PostgreSQL read; quoted
/// here, not by scorec.
fn setup_sql() -> String {
    let table = format!("{}.{}", ident(SCHEMA), ident(TABLE));
    let mut sql = format!(
        "CREATE SCHEMA {};\nCREATE TABLE {table} (ts TIMESTAMP, user_id TEXT, id TEXT, {} TEXT, {} TEXT);\n",
        ident(SCHEMA),
        ident(MATCH_COLUMN),
        ident(DEV_COLUMN)
    );
    for row in rows() {
        let values: Vec<String> = row.iter().map(|v| literal(v)).collect();
        sql.push_str(&format!(
            "INSERT INTO {table} VALUES (TIMESTAMP {}, {});\n",
            values[0],
            values[1..].join(", ")
        ));
    }
    sql.push_str(&format!("CREATE SCHEMA {};\n", ident(OUT_SCHEMA)));
    sql
}

/// The views of a dialect's build, in an order that runs.
fn views(files: &BTreeMap<String, String>, dialect: &str) -> String {
    [
        "00_time_zone.sql",
        "sources/src_x.sql",
        "scorecard.sql",
        "journeys.sql",
        "scorecard_pairs.sql",
        "signal_integrity.sql",
    ]
    .iter()
    .filter_map(|f| files.get(&format!("{dialect}/{f}")))
    .map(String::as_str)
    .collect::<Vec<_>>()
    .join("\n")
}

const COUNTS: &str = "SELECT \"grouping\", \"dev\", CAST(CAST(\"numerator\" AS BIGINT) AS TEXT), \
     CAST(CAST(\"denominator\" AS BIGINT) AS TEXT) FROM {from} \
     WHERE \"metric\" = 'm_rate' AND \"bucket\" = TIMESTAMP '2026-03-02 00:00:00'";

/// A view of the build, in its odd schema.
fn view(name: &str) -> String {
    format!("{}.{}", ident(OUT_SCHEMA), ident(name))
}

fn pairs_query() -> String {
    format!(
        "SELECT \"side\", \"acting_owner\", \"action\" FROM {}",
        view("scorecard_pairs")
    )
}

fn counts_query(from: &str) -> String {
    COUNTS.replace("{from}", from)
}

/// A query as a subquery: without its header and final `;`.
fn subquery(sql: &str) -> String {
    format!("({}) AS q", body(sql).trim_end().trim_end_matches(';'))
}

/// The statements that set an ad-hoc file's parameters (its header's
/// `-- Parameters:` line, March 2026).
fn parameters(sql: &str) -> String {
    let line = sql
        .lines()
        .find_map(|l| l.strip_prefix("-- Parameters: "))
        .expect("a Parameters line");
    line.split(" -- ").next().unwrap_or(line).to_string()
}

/// The ad-hoc SELECT of the journey over a literal range, as a subquery.
fn adhoc(dir: &Path, dialect: &str) -> String {
    let (code, stdout, stderr) = scorec(&[
        "sql",
        "jr_x",
        &text(dir),
        "--dialect",
        dialect,
        "--start",
        "2026-03-01",
        "--end",
        "2026-03-04",
        "--schema",
        OUT_SCHEMA,
    ]);
    assert_eq!(code, 0, "{stderr}");
    subquery(&stdout)
}

fn sorted<const N: usize>(mut rows: Vec<[Option<String>; N]>) -> Vec<[Option<String>; N]> {
    rows.sort();
    rows
}

fn duckdb_rows<const N: usize>(conn: &duckdb::Connection, sql: &str) -> Vec<[Option<String>; N]> {
    let mut statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{e}\n{sql}"));
    let rows = statement
        .query_map([], |row| {
            let mut out: [Option<String>; N] = std::array::from_fn(|_| None);
            for (i, slot) in out.iter_mut().enumerate() {
                *slot = row.get(i)?;
            }
            Ok(out)
        })
        .expect("query");
    sorted(rows.map(|r| r.expect("row")).collect())
}

fn postgres_rows<const N: usize>(pg: &Postgres, sql: &str) -> Vec<[Option<String>; N]> {
    let rows = pg.query(sql).unwrap_or_else(|e| panic!("{e}"));
    sorted(
        rows.rows
            .into_iter()
            .map(|r| std::array::from_fn(|i| r[i].as_str().map(str::to_string)))
            .collect(),
    )
}

/// Single-quoted literal values and table names, as the dialect reads them.
fn literals_and_tables(dialect: Dialect, sql: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let statements = Parser::parse_sql(&*dialect.parser(), sql).expect("parses");
    let (mut literals, mut tables) = (Vec::new(), Vec::new());
    let _ = visit_expressions(&statements, |e| {
        if let Expr::Value(v) = e
            && let Value::SingleQuotedString(s) = &v.value
        {
            literals.push(s.clone());
        }
        ControlFlow::<()>::Continue(())
    });
    let _ = visit_relations(&statements, |name| {
        let parts = name
            .0
            .iter()
            .filter_map(|p| p.as_ident())
            .map(|i| i.value.clone());
        tables.push(parts.collect());
        ControlFlow::<()>::Continue(())
    });
    (literals, tables)
}

#[test]
fn hostile_names_and_literals_compile_safely_and_count_right() {
    let tmp = temp("build-hostile");
    let dir = tmp.path().join("scorecard");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("scorecard.yaml"), scorecard()).expect("write");
    let (code, _, stderr) = scorec(&["check", "--deny", "warnings", &text(&dir)]);
    assert_eq!(code, 0, "{stderr}");
    // BigQuery and ClickHouse read a backslash in a quoted name as an
    // escape, which sqlparser does not: scorec refuses such names there.
    let mut files = BTreeMap::new();
    for dialect in Dialect::ALL {
        let name = dialect.name();
        let out = tmp.path().join(format!("out-{name}"));
        if dialect.sql().ident_backslash_escapes() {
            let (code, stdout, stderr) = scorec(&[
                "build",
                &text(&dir),
                "--dialect",
                name,
                "--schema",
                OUT_SCHEMA,
                "--out",
                &text(&out),
            ]);
            assert_eq!(code, 1, "{name}: {stdout}{stderr}");
            assert!(stderr.contains("holds a backslash"), "{name}: {stderr}");
            assert!(
                !out.exists(),
                "{name}: a refused build wrote {}",
                out.display()
            );
            continue;
        }
        files.extend(build(
            &[&text(&dir), "--dialect", name, "--schema", OUT_SCHEMA],
            &out,
        ));
    }
    assert_files_parse(&files);

    let one_line: String = NAME
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    for (path, sql) in files.iter().filter(|(p, _)| p.ends_with(".sql")) {
        // The header is comment lines, then the statement starts (in
        // `journeys.sql`, after a blank line).
        let first = sql
            .split_inclusive('\n')
            .find(|l| !l.starts_with("--") && *l != "\n")
            .unwrap_or("");
        assert!(
            ["CREATE ", "WITH\n", "SELECT "]
                .iter()
                .any(|k| first.starts_with(k)),
            "{path}: a name broke the header: {first:?}"
        );
        assert!(
            sql.starts_with(&format!(
                "-- Generated by scorec {} from scorecard `{one_line}`. Do not edit",
                env!("CARGO_PKG_VERSION")
            )),
            "{path}"
        );
        // The literals and the table read as written, in every dialect.
        let dialect = super::dialect_of(path).expect("dialect");
        let (literals, tables) = literals_and_tables(dialect, sql);
        let d = dialect.sql();
        if path.contains("/sources/") || path.ends_with("/scorecard.sql") {
            assert!(
                literals.iter().any(|l| l == LITERAL),
                "{path}: {literals:?}"
            );
            assert!(sql.contains(&d.string(LITERAL)), "{path}");
            let fold = |s: &str| match d.fold() {
                Fold::None => s.to_string(),
                Fold::Lower => s.to_lowercase(),
                Fold::Upper => s.to_uppercase(),
            };
            assert!(
                tables.contains(&vec![fold(SCHEMA), fold(TABLE)]),
                "{path}: {tables:?}"
            );
        }
        if path.contains("/adhoc/") {
            assert!(
                sql.contains("\n-- Parameters: "),
                "{path}: no parameter help"
            );
        }
        if path.ends_with("/scorecard_pairs.sql") {
            for value in [OWNER, ACTION] {
                assert!(literals.iter().any(|l| l == value), "{path}: {literals:?}");
                assert!(sql.contains(&d.string(value)), "{path}");
            }
        }
    }

    // DuckDB: the views, and the ad-hoc SELECT over a literal range.
    let conn = duckdb::Connection::open_in_memory().expect("duckdb");
    conn.execute_batch(&setup_sql()).expect("setup");
    conn.execute_batch(&views(&files, "duckdb")).expect("views");
    let journey = counts_query(&view("journey_jr_x"));
    assert_eq!(
        duckdb_rows(&conn, &journey),
        expected_counts(),
        "duckdb view"
    );
    let scorecard = counts_query(&view("scorecard"));
    assert_eq!(
        duckdb_rows(&conn, &scorecard),
        expected_counts(),
        "duckdb scorecard"
    );
    let ranged = counts_query(&adhoc(&dir, "duckdb"));
    assert_eq!(
        duckdb_rows(&conn, &ranged),
        expected_counts(),
        "duckdb ad hoc"
    );
    assert_eq!(
        duckdb_rows(&conn, &pairs_query()),
        expected_pairs(),
        "duckdb pairs"
    );
    let adhoc_file = &files["duckdb/adhoc/scorecard.sql"];
    conn.execute_batch(&parameters(adhoc_file))
        .expect("parameters");
    let parameterised = counts_query(&subquery(adhoc_file));
    assert_eq!(
        duckdb_rows(&conn, &parameterised),
        expected_counts(),
        "duckdb parameters"
    );

    // PostgreSQL, whose session time zone is not UTC.
    let pg = Postgres::start().unwrap_or_else(|e| panic!("{e}"));
    let script = format!("{}\n{}\n{journey}", setup_sql(), views(&files, "postgres"));
    assert_eq!(
        postgres_rows(&pg, &script),
        expected_counts(),
        "postgres view"
    );
    assert_eq!(
        postgres_rows(&pg, &scorecard),
        expected_counts(),
        "postgres scorecard"
    );
    let ranged = counts_query(&adhoc(&dir, "postgres"));
    assert_eq!(
        postgres_rows(&pg, &ranged),
        expected_counts(),
        "postgres ad hoc"
    );
    assert_eq!(
        postgres_rows(&pg, &pairs_query()),
        expected_pairs(),
        "postgres pairs"
    );
    let adhoc_file = &files["postgres/adhoc/scorecard.sql"];
    let parameterised = format!(
        "{}\n{}",
        parameters(adhoc_file),
        counts_query(&subquery(adhoc_file))
    );
    assert_eq!(
        postgres_rows(&pg, &parameterised),
        expected_counts(),
        "postgres parameters"
    );

    // The same scorecard in the DSL compiles to the same SQL.
    let dsl = tmp.path().join("dsl");
    let (code, _, stderr) = scorec(&["convert", &text(&dir), "--to", "dsl", "--out", &text(&dsl)]);
    assert_eq!(code, 0, "{stderr}");
    let mut converted = BTreeMap::new();
    for dialect in Dialect::ALL
        .iter()
        .filter(|d| !d.sql().ident_backslash_escapes())
    {
        converted.extend(build(
            &[
                &text(&dsl),
                "--dialect",
                dialect.name(),
                "--schema",
                OUT_SCHEMA,
            ],
            &tmp.path().join(format!("out-dsl-{}", dialect.name())),
        ));
    }
    for (path, sql) in files.iter().filter(|(p, _)| p.ends_with(".sql")) {
        assert_eq!(
            body(sql),
            body(&converted[path]),
            "{path}: the DSL build differs"
        );
    }
}
