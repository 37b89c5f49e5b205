//! Runs the SQL benchmarks of `bench/build.sh` on the bundled DuckDB.
//!
//! ```text
//! bench_sql compare DATA A.sql B.sql [--runs N] [--target X] [--tables]
//! bench_sql time    DATA A.sql B.sql [--runs N] [--target X] [--tables]
//! bench_sql scans   DATA A.sql [--plan FILE] [--tables]
//! bench_sql analyze DATA A.sql [--tables]
//! bench_sql run     DATA A.sql [--tables]
//! ```
//!
//! `DATA` holds `<schema>.<table>.parquet` files (`scorec example-data
//! --format parquet`). Every command opens an in-memory DuckDB, sets
//! `autoinstall_known_extensions` and `autoload_known_extensions` off, and
//! creates one view per file, `<schema>.<table>` over `read_parquet` of it:
//! every query reads the Parquet files, and both queries of a comparison
//! read them alike. `--tables` loads the files into in-memory tables of the
//! same names instead (the load is not timed).
//!
//! - `compare` runs A and B once each to warm up, then `--runs` times each
//!   (default 3, alternating), each run `CREATE OR REPLACE TEMP TABLE ...
//!   AS` the query, and prints the best wall time of each and the ratio
//!   A / B. It then checks that the two results are equal: the same column
//!   names and types, no key twice, the same keys (metric, bucket,
//!   grouping, device_type, region), and every other column equal (doubles
//!   within a relative 1e-9, everything else exactly). Exit 1 when they
//!   differ, 3 when they are equal but the ratio exceeds `--target`.
//! - `time` is `compare` without the equality check, for a B that computes
//!   something else (a plain scan).
//! - `scans` counts the base-table scans in `EXPLAIN` of A, names the table
//!   of each (from the plan for tables; for views over Parquet, whose plan
//!   does not name the file, from one profiled run of A), prints them and
//!   writes the whole `EXPLAIN` to `--plan FILE`. Exit 1 unless every table
//!   A reads is scanned exactly once.
//! - `analyze` runs A once under DuckDB's profiler and prints the operators
//!   that took the most time; `run` prints A's rows.
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line benchmark"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use duckdb::Connection;
use duckdb::types::Value;
use serde_json::Value as Json;

/// The key columns of the `scorecard` output shape.
const KEY: [&str; 5] = ["metric", "bucket", "grouping", "device_type", "region"];

/// Relative tolerance for doubles.
const TOLERANCE: f64 = 1e-9;

const USAGE: &str = "usage: bench_sql compare|time DATA A.sql B.sql [--runs N] [--target X] [--tables]\n       \
                     bench_sql scans DATA A.sql [--plan FILE] [--tables]\n       \
                     bench_sql analyze|run DATA A.sql [--tables]";

struct Args {
    command: String,
    data: PathBuf,
    files: Vec<PathBuf>,
    runs: usize,
    target: Option<f64>,
    tables: bool,
    plan: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut positional = Vec::new();
    let (mut runs, mut target, mut tables, mut plan) = (3, None, false, None);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--runs needs a positive number")?;
            }
            "--target" => {
                let value = it.next().and_then(|v| v.parse().ok());
                target = Some(value.ok_or("--target needs a number")?);
            }
            "--plan" => plan = Some(PathBuf::from(it.next().ok_or("--plan needs a file")?)),
            "--tables" => tables = true,
            _ if arg.starts_with("--") || arg == "-h" => return Err(USAGE.to_string()),
            _ => positional.push(arg),
        }
    }
    let wanted = match positional.first().map(String::as_str) {
        Some("compare" | "time") => 4,
        Some("scans" | "analyze" | "run") => 3,
        _ => return Err(USAGE.to_string()),
    };
    if positional.len() != wanted {
        return Err(USAGE.to_string());
    }
    let mut positional = positional.into_iter();
    let command = positional.next().unwrap_or_default();
    let data = PathBuf::from(positional.next().unwrap_or_default());
    Ok(Args {
        command,
        data,
        files: positional.map(PathBuf::from).collect(),
        runs,
        target,
        tables,
        plan,
    })
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|args| {
        let sql: Vec<String> = args
            .files
            .iter()
            .map(|f| read_sql(f))
            .collect::<Result<_, _>>()?;
        let conn = open(&args.data, args.tables)?;
        match args.command.as_str() {
            "compare" => timed(&conn, &args, &sql[0], &sql[1], true),
            "time" => timed(&conn, &args, &sql[0], &sql[1], false),
            "scans" => scans(&conn, &sql[0], args.plan.as_deref()),
            "analyze" => analyze(&conn, &sql[0]).map(|()| 0),
            _ => print_rows(&conn, &sql[0]).map(|()| 0),
        }
    });
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("bench_sql: {e}");
            ExitCode::from(1)
        }
    }
}

/// A SQL file as one statement: without its trailing `;`.
fn read_sql(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = text.trim_end().trim_end_matches(';').trim_end();
    Ok(format!("{text}\n"))
}

fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn ident(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// An in-memory DuckDB with a view (or table) `<schema>.<table>` per
/// Parquet file of `data`.
fn open(data: &Path, tables: bool) -> Result<Connection, String> {
    let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
    let mut setup = String::from(
        "SET autoinstall_known_extensions = false;\nSET autoload_known_extensions = false;\n",
    );
    let entries = std::fs::read_dir(data).map_err(|e| format!("{}: {e}", data.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if let Some((schema, table)) = name
            .strip_suffix(".parquet")
            .and_then(|stem| stem.split_once('.'))
        {
            files.push((schema.to_string(), table.to_string(), path.clone()));
        }
    }
    if files.is_empty() {
        return Err(format!(
            "{}: no <schema>.<table>.parquet files",
            data.display()
        ));
    }
    files.sort();
    for (schema, table, path) in &files {
        let path = path.to_str().ok_or("a data path is not UTF-8")?;
        setup.push_str(&format!(
            "CREATE SCHEMA IF NOT EXISTS {s};\nCREATE {kind} {s}.{t} AS SELECT * FROM read_parquet({p});\n",
            kind = if tables { "TABLE" } else { "VIEW" },
            s = ident(schema),
            t = ident(table),
            p = quote(path),
        ));
    }
    conn.execute_batch(&setup)
        .map_err(|e| format!("loading {}: {e}", data.display()))?;
    Ok(conn)
}

/// Runs a query into a temporary table and returns the wall time.
fn run_into(conn: &Connection, table: &str, sql: &str) -> Result<Duration, String> {
    let statement = format!("CREATE OR REPLACE TEMP TABLE {} AS\n{sql}", ident(table));
    let start = Instant::now();
    conn.execute_batch(&statement)
        .map_err(|e| format!("{table}: {e}"))?;
    Ok(start.elapsed())
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// `compare` and `time`.
fn timed(conn: &Connection, args: &Args, a: &str, b: &str, check: bool) -> Result<u8, String> {
    let names = [file_name(&args.files[0]), file_name(&args.files[1])];
    let queries = [("result_a", a), ("result_b", b)];
    for (table, sql) in queries {
        run_into(conn, table, sql)?;
    }
    let mut best = [Duration::MAX; 2];
    let mut all: [Vec<String>; 2] = Default::default();
    for _ in 0..args.runs {
        for (i, (table, sql)) in queries.into_iter().enumerate() {
            let t = run_into(conn, table, sql)?;
            best[i] = best[i].min(t);
            all[i].push(format!("{:.3}", t.as_secs_f64()));
        }
    }
    for i in 0..2 {
        println!(
            "{:<26} best of {} {:8.3} s   (runs {} s, after one warm-up run)",
            names[i],
            args.runs,
            best[i].as_secs_f64(),
            all[i].join(", ")
        );
    }
    let mut code = 0;
    if check {
        let problems = differences(conn)?;
        if !problems.is_empty() {
            println!("NOT EQUAL: {} and {}", names[0], names[1]);
            for p in &problems {
                println!("  {p}");
            }
            code = 1;
        }
    }
    let ratio = best[0].as_secs_f64() / best[1].as_secs_f64();
    let verdict = match args.target {
        Some(target) if ratio > target => {
            if code == 0 {
                code = 3;
            }
            format!(", target <= {target}x: MISSED")
        }
        Some(target) => format!(", target <= {target}x: met"),
        None => String::new(),
    };
    println!("ratio {} / {}: {ratio:.2}x{verdict}", names[0], names[1]);
    Ok(code)
}

/// Rows of a query, every value as text (NULL as `NULL`).
fn query_text(conn: &Connection, sql: &str) -> Result<Vec<Vec<String>>, String> {
    let mut statement = conn.prepare(sql).map_err(|e| format!("{e}\n{sql}"))?;
    let mut rows = statement.query([]).map_err(|e| format!("{e}\n{sql}"))?;
    let columns = rows.as_ref().map_or(0, |s| s.column_count());
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut values = Vec::with_capacity(columns);
        for i in 0..columns {
            let v: Value = row.get(i).map_err(|e| e.to_string())?;
            values.push(match v {
                Value::Null => "NULL".to_string(),
                Value::Text(s) => s,
                Value::BigInt(i) => i.to_string(),
                Value::HugeInt(i) => i.to_string(),
                Value::Int(i) => i.to_string(),
                Value::Double(f) => f.to_string(),
                Value::Boolean(b) => b.to_string(),
                other => format!("{other:?}"),
            });
        }
        out.push(values);
    }
    Ok(out)
}

/// The differences between `result_a` and `result_b`; empty when equal.
fn differences(conn: &Connection) -> Result<Vec<String>, String> {
    let describe = |t: &str| {
        query_text(
            conn,
            &format!("SELECT column_name, column_type FROM (DESCRIBE {t})"),
        )
    };
    let shape = describe("result_a")?;
    if shape != describe("result_b")? {
        return Ok(vec![format!(
            "different columns:\n    A: {shape:?}\n    B: {:?}",
            describe("result_b")?
        )]);
    }
    let mut problems = Vec::new();
    let key_list = KEY.map(ident).join(", ");
    for t in ["result_a", "result_b"] {
        let dup = query_text(
            conn,
            &format!(
                "SELECT count(*) FROM (SELECT {key_list} FROM {t} GROUP BY ALL HAVING count(*) > 1)"
            ),
        )?;
        if dup[0][0] != "0" {
            problems.push(format!("{t}: {} keys occur more than once", dup[0][0]));
        }
    }
    // Rows whose key is in one result only, or whose values differ.
    let on: Vec<String> = KEY
        .iter()
        .map(|k| format!("a.{0} IS NOT DISTINCT FROM b.{0}", ident(k)))
        .collect();
    let joined = format!(
        "result_a AS a FULL OUTER JOIN result_b AS b ON {}",
        on.join(" AND ")
    );
    let mut differs = vec![
        "a.metric IS NULL".to_string(),
        "b.metric IS NULL".to_string(),
    ];
    let mut relative = Vec::new();
    for row in &shape {
        let (c, ty) = (ident(&row[0]), row[1].as_str());
        if KEY.contains(&row[0].as_str()) {
            continue;
        }
        if ty == "DOUBLE" {
            differs.push(format!(
                "NOT coalesce(a.{c} IS NOT DISTINCT FROM b.{c} OR abs(a.{c} - b.{c}) <= {TOLERANCE} * greatest(abs(a.{c}), abs(b.{c}), 1), false)"
            ));
            relative.push(format!(
                "max(abs(a.{c} - b.{c}) / greatest(abs(a.{c}), abs(b.{c}), 1e-300))"
            ));
        } else {
            differs.push(format!("a.{c} IS DISTINCT FROM b.{c}"));
        }
    }
    let differs = differs.join(" OR ");
    let count = query_text(
        conn,
        &format!("SELECT count(*) FROM {joined} WHERE {differs}"),
    )?;
    if count[0][0] != "0" {
        problems.push(format!("{} rows differ; the first:", count[0][0]));
        let texts: Vec<String> = ["a", "b"]
            .iter()
            .flat_map(|t| {
                shape.iter().map(move |row| {
                    format!("coalesce(CAST({t}.{} AS VARCHAR), 'NULL')", ident(&row[0]))
                })
            })
            .collect();
        let rows = query_text(
            conn,
            &format!(
                "SELECT {} FROM {joined} WHERE {differs} ORDER BY ALL LIMIT 10",
                texts.join(", ")
            ),
        )?;
        let width = shape.len();
        for row in rows {
            problems.push(format!(
                "  A: {}\n    B: {}",
                row[..width].join(" | "),
                row[width..].join(" | ")
            ));
        }
    }
    if problems.is_empty() {
        let s = &query_text(
            conn,
            "SELECT count(*), count(DISTINCT metric), count(DISTINCT bucket), \
             count(DISTINCT (grouping, device_type, region)) FROM result_a",
        )?[0];
        let worst = if relative.is_empty() {
            "none".to_string()
        } else {
            let sql = format!("SELECT greatest({}) FROM {joined}", relative.join(", "));
            query_text(conn, &sql)?[0][0].clone()
        };
        println!(
            "EQUAL: {} rows ({} metrics x {} buckets x {} groupings and cohorts), every column; \
             largest relative difference of a double: {worst}",
            s[0], s[1], s[2], s[3]
        );
    }
    Ok(problems)
}

/// A base-table scan of a plan: its table (`?` when the plan does not
/// say) and projected columns.
type Scan = (String, String);

/// The base-table scans of a JSON plan or profile, in plan order.
fn collect_scans(node: &Json, out: &mut Vec<Scan>) {
    if let Json::Array(nodes) = node {
        for n in nodes {
            collect_scans(n, out);
        }
        return;
    }
    let name = node
        .get("name")
        .or_else(|| node.get("type"))
        .or_else(|| node.get("operator_name"))
        .and_then(Json::as_str)
        .unwrap_or("")
        .trim();
    let info = node.get("extra_info");
    let field = |key: &str| info.and_then(|i| i.get(key));
    let is_scan = matches!(name, "SEQ_SCAN" | "READ_PARQUET" | "PARQUET_SCAN")
        || name == "TABLE_SCAN"
            && (field("Table").is_some() || field("Function").is_some_and(|f| f == "READ_PARQUET"));
    if is_scan {
        let table = field("Table")
            .or_else(|| field("Filename(s)"))
            .and_then(Json::as_str)
            .map_or_else(|| "?".to_string(), table_label);
        let columns = match field("Projections") {
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(Json::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            Some(other) => other.as_str().unwrap_or("").to_string(),
            None => String::new(),
        };
        out.push((table, columns));
    }
    for key in ["children", "operator"] {
        for child in node.get(key).and_then(Json::as_array).into_iter().flatten() {
            collect_scans(child, out);
        }
    }
}

/// `analytics.auth_events` from `memory.analytics.auth_events` or from
/// `/path/analytics.auth_events.parquet`.
fn table_label(text: &str) -> String {
    let base = text.rsplit('/').next().unwrap_or(text);
    let base = base.strip_suffix(".parquet").unwrap_or(base);
    base.strip_prefix("memory.").unwrap_or(base).to_string()
}

/// `scans`: exit code 1 unless every table is scanned exactly once.
fn scans(conn: &Connection, sql: &str, plan_file: Option<&Path>) -> Result<u8, String> {
    if let Some(path) = plan_file {
        let rows = query_text(conn, &format!("EXPLAIN {sql}"))?;
        let text: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.get(1).map(String::as_str))
            .collect();
        std::fs::write(path, text.join("\n") + "\n")
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let rows = query_text(conn, &format!("EXPLAIN (FORMAT JSON) {sql}"))?;
    let plan: Json = serde_json::from_str(rows.first().and_then(|r| r.get(1)).ok_or("no plan")?)
        .map_err(|e| e.to_string())?;
    let mut planned = Vec::new();
    collect_scans(&plan, &mut planned);
    let mut scans = planned.clone();
    let mut how = "EXPLAIN";
    if planned.iter().any(|(t, _)| t == "?") {
        // Views over read_parquet: the plan does not name the files, the
        // profile of a run does.
        let (_, profile) = profiled(conn, sql)?;
        scans.clear();
        collect_scans(&profile, &mut scans);
        how = "EXPLAIN, files named by a profiled run";
        if scans.len() != planned.len() {
            return Err(format!(
                "EXPLAIN has {} scans but the profiled run {}",
                planned.len(),
                scans.len()
            ));
        }
    }
    let mut per_table: BTreeMap<&str, usize> = BTreeMap::new();
    for (table, _) in &scans {
        *per_table.entry(table).or_default() += 1;
    }
    println!("{} base-table scans in the plan ({how}):", scans.len());
    for (table, columns) in &scans {
        println!("  {table:<28} columns {columns}");
    }
    if scans.is_empty() {
        return Err("the plan has no base-table scan".to_string());
    }
    let extra: Vec<String> = per_table
        .iter()
        .filter(|&(_, &n)| n != 1)
        .map(|(t, n)| format!("{t} is scanned {n} times"))
        .collect();
    if extra.is_empty() {
        println!(
            "one scan per source: met ({} tables, each scanned once)",
            per_table.len()
        );
        Ok(0)
    } else {
        println!("one scan per source: MISSED ({})", extra.join("; "));
        Ok(1)
    }
}

/// Runs A once under DuckDB's JSON profiler: wall time and profile.
fn profiled(conn: &Connection, sql: &str) -> Result<(Duration, Json), String> {
    let path = std::env::temp_dir().join(format!("bench_sql-{}.json", std::process::id()));
    let path_text = path.to_str().ok_or("the temp path is not UTF-8")?;
    conn.execute_batch(&format!(
        "SET enable_profiling = 'json'; SET profiling_output = {};",
        quote(path_text)
    ))
    .map_err(|e| e.to_string())?;
    let result = run_into(conn, "result_a", sql);
    conn.execute_batch("PRAGMA disable_profiling;")
        .map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    let elapsed = result?;
    let text = text.map_err(|e| format!("{}: {e}", path.display()))?;
    let json = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok((elapsed, json))
}

/// One operator of a profile: time, depth, name, output rows, details.
type Op = (f64, usize, String, u64, String);

fn collect_ops(node: &Json, depth: usize, out: &mut Vec<Op>) {
    let field = |keys: [&str; 2]| keys.iter().find_map(|k| node.get(*k));
    if let Some(name) = field(["operator_name", "type"]).and_then(Json::as_str) {
        let time = field(["operator_timing", "timing"])
            .and_then(Json::as_f64)
            .unwrap_or(0.0);
        let rows = field(["operator_cardinality", "intermediate_rows"])
            .and_then(Json::as_u64)
            .unwrap_or(0);
        let info: String = node
            .get("extra_info")
            .map(Json::to_string)
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect();
        out.push((time, depth, name.trim().to_string(), rows, info));
    }
    for key in ["children", "operator"] {
        for child in node.get(key).and_then(Json::as_array).into_iter().flatten() {
            collect_ops(child, depth + 1, out);
        }
    }
}

/// `analyze`: the operators that took the most time in one profiled run.
fn analyze(conn: &Connection, sql: &str) -> Result<(), String> {
    let (elapsed, profile) = profiled(conn, sql)?;
    let mut ops = Vec::new();
    collect_ops(&profile, 0, &mut ops);
    let total: f64 = ops.iter().map(|o| o.0).sum();
    println!(
        "wall {:.3} s; operator time {total:.3} s (summed over threads)",
        elapsed.as_secs_f64()
    );
    ops.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (time, depth, name, rows, info) in ops.iter().take(30) {
        println!(
            "{time:8.3} s {:5.1}% {rows:>10} rows  depth {depth:<3} {name}  {info}",
            100.0 * time / total
        );
    }
    Ok(())
}

fn print_rows(conn: &Connection, sql: &str) -> Result<(), String> {
    use std::io::Write as _;
    let statement = format!("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM ({sql})");
    let mut out = std::io::stdout().lock();
    for row in query_text(conn, &statement)? {
        // A closed pipe (`| head`) ends the output.
        if writeln!(out, "{}", row.join("\t")).is_err() {
            break;
        }
    }
    Ok(())
}
