//! Runs SQL on the engines of the SQL test suites and returns the rows in one
//! canonical JSON form, so results compare across engines:
//!
//! - timestamps are text, `YYYY-MM-DD HH:MM:SS` plus `.ffffff` when the
//!   microseconds are not zero; a naive timestamp prints its wall clock, an
//!   instant (`TIMESTAMPTZ`, ClickHouse `DateTime`, Spark `TIMESTAMP_LTZ`) its
//!   UTC wall clock;
//! - dates `YYYY-MM-DD`; decimals are strings with their type's scale
//!   (`"1.5000"`); integers and doubles are numbers (a `FLOAT` widens to a
//!   double), NaN and the infinities the strings `"NaN"`, `"Infinity"`,
//!   `"-Infinity"`; NULL is `null`.
//!
//! DuckDB runs embedded. ClickHouse (chdb) and Spark (pyspark) run through
//! `tests/engines/run.py`, and the sqlglot parse check through
//! `tests/engines/sqlglot_check.py`, with the Python in `SCOREC_PYTHON`
//! (`scripts/test` sets it; `scripts/setup-engines` makes the venv). A
//! missing engine is an error that says how to install it, never a skip.
//!
//! A data directory holds one file per table, `<schema>.<table>.parquet`
//! (and `.csv` for PostgreSQL, see [`super::postgres`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use duckdb::types::Value;
use serde_json::Value as Json;

/// How to install the Python engines, for error messages.
pub(crate) const SETUP_HINT: &str = "run the tests with `scripts/test`, which runs \
     `scripts/setup-engines` (a venv with chdb, pyspark and sqlglot at \
     ~/.cache/scorec-venv) and sets SCOREC_PYTHON; or run `scripts/setup-engines` \
     and `export SCOREC_PYTHON=$HOME/.cache/scorec-venv/bin/python`";

/// A query result: column names (duplicates kept, in order) and rows of
/// canonical JSON values.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
pub(crate) struct Rows {
    /// The column names.
    pub(crate) columns: Vec<String>,
    /// The rows, one value per column.
    pub(crate) rows: Vec<Vec<Json>>,
}

/// Column types of the tables of a data directory: `("schema.table",
/// [(column, type)])`, the type one of `string`, `timestamp`, `double`,
/// `decimal(p,s)`, `bigint`, `boolean`, `date`.
pub(crate) type TableTypes<'a> = [(&'a str, Vec<(String, String)>)];

/// A directory under the system temp dir, removed on drop.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// Creates a fresh, empty directory named after `prefix`.
    pub(crate) fn new(prefix: &str) -> Result<TempDir, String> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "scorec-{prefix}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(TempDir(path))
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `(schema, table, path)` of every `<schema>.<table>.<extension>` file
/// of a data directory, sorted by file name.
pub(crate) fn data_files(
    data_dir: &Path,
    extension: &str,
) -> Result<Vec<(String, String, PathBuf)>, String> {
    let entries =
        std::fs::read_dir(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(&format!(".{extension}")) else {
            continue;
        };
        match stem.split_once('.') {
            Some((schema, table)) if !schema.is_empty() && !table.is_empty() => {
                files.push((schema.to_string(), table.to_string(), path.clone()));
            }
            _ => return Err(format!("{name}: expected <schema>.<table>.{extension}")),
        }
    }
    if files.is_empty() {
        return Err(format!(
            "{}: no <schema>.<table>.{extension} files",
            data_dir.display()
        ));
    }
    files.sort();
    Ok(files)
}

/// A double-quoted SQL identifier.
pub(crate) fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A single-quoted SQL string literal (standard, no backslash escapes).
pub(crate) fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The column types of `schema.table`.
pub(crate) fn table_types<'t>(
    tables: &'t TableTypes<'_>,
    schema: &str,
    table: &str,
) -> Result<&'t [(String, String)], String> {
    let name = format!("{schema}.{table}");
    tables
        .iter()
        .find(|(t, _)| *t == name)
        .map(|(_, columns)| columns.as_slice())
        .ok_or_else(|| format!("no column types given for {name}"))
}

/// A column type of [`TableTypes`] in DuckDB, or `None` if unknown.
fn duckdb_type(ty: &str) -> Option<String> {
    Some(match ty {
        "string" => "VARCHAR".to_string(),
        "timestamp" => "TIMESTAMP".to_string(),
        "double" => "DOUBLE".to_string(),
        "bigint" => "BIGINT".to_string(),
        "boolean" => "BOOLEAN".to_string(),
        "date" => "DATE".to_string(),
        _ => decimal_type(ty)?,
    })
}

/// `decimal(p,s)` as `DECIMAL(p,s)` (DuckDB and PostgreSQL spell it alike).
pub(crate) fn decimal_type(ty: &str) -> Option<String> {
    let args = ty.strip_prefix("decimal(")?.strip_suffix(')')?;
    let (p, s) = args.split_once(',')?;
    let (p, s) = (p.trim().parse::<u8>().ok()?, s.trim().parse::<u8>().ok()?);
    Some(format!("DECIMAL({p},{s})"))
}

/// Writes `<schema>.<table>.parquet` into `out_dir` for every
/// `<schema>.<table>.csv` of `csv_dir` (header row; an empty unquoted field
/// is NULL), with the column types of `tables`. DuckDB writes a `timestamp`
/// as a naive Parquet TIMESTAMP (isAdjustedToUTC=false).
pub(crate) fn write_parquet(
    csv_dir: &Path,
    tables: &TableTypes<'_>,
    out_dir: &Path,
) -> Result<(), String> {
    let conn = duckdb::Connection::open_in_memory().map_err(|e| e.to_string())?;
    conn.execute_batch(NO_EXTENSIONS)
        .map_err(|e| e.to_string())?;
    for (schema, table, path) in data_files(csv_dir, "csv")? {
        let types = table_types(tables, &schema, &table)?;
        let mut columns = Vec::new();
        for name in csv_header(&path)? {
            let (_, ty) = types
                .iter()
                .find(|(c, _)| *c == name)
                .ok_or_else(|| format!("{schema}.{table}: no type given for column {name}"))?;
            let ty = duckdb_type(ty)
                .ok_or_else(|| format!("{schema}.{table}.{name}: unknown type {ty}"))?;
            columns.push(format!("CAST({0} AS {ty}) AS {0}", ident(&name)));
        }
        let out = out_dir.join(format!("{schema}.{table}.parquet"));
        let sql = format!(
            "COPY (SELECT {} FROM read_csv({}, header = true, all_varchar = true, \
             allow_quoted_nulls = false)) TO {} (FORMAT parquet)",
            columns.join(", "),
            literal(&path.to_string_lossy()),
            literal(&out.to_string_lossy()),
        );
        conn.execute_batch(&sql)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The column names of a CSV file's header row.
pub(crate) fn csv_header(path: &Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let header = parse_csv(&text)
        .into_iter()
        .next()
        .ok_or_else(|| format!("{}: no header row", path.display()))?;
    Ok(header.into_iter().map(Option::unwrap_or_default).collect())
}

/// Parses CSV text (RFC 4180: `"` quotes, `""` escapes, any line ending)
/// into records; an unquoted empty field is `None`, a quoted one `Some("")`.
pub(crate) fn parse_csv(text: &str) -> Vec<Vec<Option<String>>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let (mut quoted, mut in_quotes) = (false, false);
    let mut chars = text.chars().peekable();
    let end_field = |field: &mut String, quoted: &mut bool, record: &mut Vec<Option<String>>| {
        let value = std::mem::take(field);
        record.push((*quoted || !value.is_empty()).then_some(value));
        *quoted = false;
    };
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => field.push(c),
            (false, '"') => (quoted, in_quotes) = (true, true),
            (false, ',') => end_field(&mut field, &mut quoted, &mut record),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                end_field(&mut field, &mut quoted, &mut record);
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || quoted || !record.is_empty() {
        end_field(&mut field, &mut quoted, &mut record);
        records.push(record);
    }
    records
}

const NO_EXTENSIONS: &str =
    "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;";

/// Runs `sql` (one or more statements; the last one's rows are returned) on
/// an in-memory DuckDB holding a table `schema.table` per
/// `<schema>.<table>.parquet` of `data_dir`. Extensions never auto-install.
pub(crate) fn duckdb(data_dir: &Path, sql: &str) -> Result<Rows, String> {
    let conn = duckdb::Connection::open_in_memory().map_err(|e| e.to_string())?;
    let mut setup = NO_EXTENSIONS.to_string();
    let files = data_files(data_dir, "parquet")?;
    let mut schemas: Vec<&str> = files.iter().map(|(s, _, _)| s.as_str()).collect();
    schemas.dedup();
    for schema in schemas {
        let _ = writeln!(setup, "CREATE SCHEMA IF NOT EXISTS {};", ident(schema));
    }
    for (schema, table, path) in &files {
        let _ = writeln!(
            setup,
            "CREATE TABLE {}.{} AS SELECT * FROM read_parquet({});",
            ident(schema),
            ident(table),
            literal(&path.to_string_lossy())
        );
    }
    conn.execute_batch(&setup)
        .map_err(|e| format!("loading {}: {e}", data_dir.display()))?;
    // `prepare` runs every statement but the last, then prepares the last.
    let mut statement = conn.prepare(sql).map_err(|e| format!("duckdb: {e}"))?;
    let mut rows = statement.query([]).map_err(|e| format!("duckdb: {e}"))?;
    let columns = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| format!("duckdb: {e}"))? {
        let mut values = Vec::with_capacity(columns.len());
        for index in 0..columns.len() {
            let value: Value = row.get(index).map_err(|e| format!("duckdb: {e}"))?;
            values.push(duckdb_json(value));
        }
        out.push(values);
    }
    Ok(Rows { columns, rows: out })
}

/// A DuckDB value in the canonical JSON form.
fn duckdb_json(value: Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Boolean(v) => v.into(),
        Value::TinyInt(v) => v.into(),
        Value::SmallInt(v) => v.into(),
        Value::Int(v) => v.into(),
        Value::BigInt(v) => v.into(),
        Value::UTinyInt(v) => v.into(),
        Value::USmallInt(v) => v.into(),
        Value::UInt(v) => v.into(),
        Value::UBigInt(v) => v.into(),
        Value::HugeInt(v) => i64::try_from(v).map_or_else(|_| v.to_string().into(), Json::from),
        Value::UHugeInt(v) => u64::try_from(v).map_or_else(|_| v.to_string().into(), Json::from),
        Value::Float(v) => float_json(f64::from(v)),
        Value::Double(v) => float_json(v),
        Value::Decimal(v) => v.to_string().into(),
        Value::Timestamp(unit, v) => timestamp_text(unit.to_micros(v)).into(),
        Value::Date32(days) => jiff::civil::date(1970, 1, 1)
            .checked_add(jiff::Span::new().days(days))
            .map_or_else(|_| days.to_string(), |d| d.to_string())
            .into(),
        Value::Time64(unit, v) => {
            let micros = unit.to_micros(v);
            let text = timestamp_text(micros.rem_euclid(86_400_000_000));
            text.split_once(' ')
                .map_or(text.clone(), |(_, t)| t.to_string())
                .into()
        }
        Value::Interval {
            months,
            days,
            nanos,
        } => format!("{months} months {days} days {} us", nanos / 1000).into(),
        Value::Text(v) | Value::Enum(v) => v.into(),
        Value::Blob(v) | Value::Geometry(v) => v
            .iter()
            .fold(String::new(), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
            .into(),
        Value::List(v) | Value::Array(v) => v.into_iter().map(duckdb_json).collect(),
        Value::Struct(fields) => Json::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), duckdb_json(v.clone())))
                .collect(),
        ),
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| Json::Array(vec![duckdb_json(k.clone()), duckdb_json(v.clone())]))
            .collect(),
        Value::Union(v) => duckdb_json(*v),
        other => format!("{other:?}").into(),
    }
}

/// A double as a JSON number, or a string when it is not finite.
pub(crate) fn float_json(v: f64) -> Json {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        v.into()
    }
}

/// Microseconds since 1970-01-01 00:00 (UTC) as canonical timestamp text.
pub(crate) fn timestamp_text(micros: i64) -> String {
    let Ok(ts) = jiff::Timestamp::from_microsecond(micros) else {
        return micros.to_string();
    };
    let dt = ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).datetime();
    let mut text = dt.strftime("%Y-%m-%d %H:%M:%S").to_string();
    let micros = dt.subsec_nanosecond() / 1000;
    if micros != 0 {
        let _ = write!(text, ".{micros:06}");
    }
    text
}

/// The Python of the engine venv, from `SCOREC_PYTHON`.
pub(crate) fn python() -> Result<PathBuf, String> {
    match std::env::var_os("SCOREC_PYTHON") {
        Some(python) if !python.is_empty() => Ok(PathBuf::from(python)),
        _ => Err(format!(
            "SCOREC_PYTHON is not set, so ClickHouse (chdb), Spark (pyspark) and \
             sqlglot cannot run: {SETUP_HINT}"
        )),
    }
}

/// A script of `tests/engines/`.
fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/engines")
        .join(name)
}

/// Runs a Python script of `tests/engines/` with `args`.
fn run_python(name: &str, args: &[&Path], what: &str) -> Result<Output, String> {
    let python = python()?;
    Command::new(&python)
        .arg(script(name))
        .args(args)
        .output()
        .map_err(|e| {
            format!(
                "{what}: cannot run SCOREC_PYTHON={} ({e}): {SETUP_HINT}",
                python.display()
            )
        })
}

/// The end of a child's stderr, for error messages.
fn stderr_tail(output: &Output) -> String {
    let text = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// Runs SQL files through `run.py ENGINE DATA_DIR SQL_FILE...`.
fn run_py(engine: &str, data_dir: &Path, sqls: &[&str]) -> Result<Vec<Rows>, String> {
    let dir = TempDir::new(engine)?;
    let mut paths = Vec::new();
    for (index, sql) in sqls.iter().enumerate() {
        let path = dir.path().join(format!("{index}.sql"));
        std::fs::write(&path, sql).map_err(|e| format!("{}: {e}", path.display()))?;
        paths.push(path);
    }
    let mut args: Vec<&Path> = vec![Path::new(engine), data_dir];
    args.extend(paths.iter().map(PathBuf::as_path));
    let output = run_python("run.py", &args, engine)?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    match output.status.code() {
        Some(0 | 1) => {}
        Some(3) => return Err(format!("{engine}: {}", stderr_tail(&output))),
        _ => {
            return Err(format!(
                "{engine}: run.py failed ({}):\n{}",
                output.status,
                stderr_tail(&output)
            ));
        }
    }
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in stdout.lines().enumerate() {
        let doc: Json = serde_json::from_str(line)
            .map_err(|e| format!("{engine}: bad run.py output ({e}): {line}"))?;
        if let Some(error) = doc.get("error").and_then(Json::as_str) {
            errors.push(format!("statement file {index} ({engine}): {error}"));
            continue;
        }
        results.push(
            serde_json::from_value(doc).map_err(|e| format!("{engine}: bad run.py output: {e}"))?,
        );
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    if results.len() != sqls.len() {
        return Err(format!(
            "{engine}: run.py printed {} results for {} files:\n{}",
            results.len(),
            sqls.len(),
            stderr_tail(&output)
        ));
    }
    Ok(results)
}

/// Runs `sql` on ClickHouse (chdb, one session, session time zone
/// America/New_York) over the Parquet tables of `data_dir`.
pub(crate) fn clickhouse(data_dir: &Path, sql: &str) -> Result<Rows, String> {
    let mut results = run_py("clickhouse", data_dir, &[sql])?;
    Ok(results.remove(0))
}

/// Runs each SQL text on Spark SQL (one local session for all of them,
/// session time zone America/New_York) over the Parquet tables of
/// `data_dir`: one result per text, or an error listing every text that
/// failed. A session takes several seconds to start: batch the queries.
pub(crate) fn spark(data_dir: &Path, sqls: &[&str]) -> Result<Vec<Rows>, String> {
    run_py("spark", data_dir, sqls)
}

/// Parses `sql` with sqlglot in `dialect` (`snowflake`, `bigquery`,
/// `redshift`, `trino`): an error if a statement does not parse or parses
/// to an opaque `Command` anywhere in its tree.
pub(crate) fn sqlglot_check(dialect: &str, sql: &str) -> Result<(), String> {
    let dir = TempDir::new("sqlglot")?;
    let path = dir.path().join("query.sql");
    std::fs::write(&path, sql).map_err(|e| format!("{}: {e}", path.display()))?;
    let output = run_python("sqlglot_check.py", &[Path::new(dialect), &path], "sqlglot")?;
    if output.status.success() {
        return Ok(());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    Err(format!(
        "sqlglot ({dialect}): {}{}",
        stdout.trim_end(),
        stderr_tail(&output)
    ))
}

/// Translates `sql` from one sqlglot dialect to another (for running the
/// SQL of a warehouse that cannot run here on an engine that can).
pub(crate) fn sqlglot_transpile(from: &str, to: &str, sql: &str) -> Result<String, String> {
    let dir = TempDir::new("sqlglot")?;
    let path = dir.path().join("query.sql");
    std::fs::write(&path, sql).map_err(|e| format!("{}: {e}", path.display()))?;
    let output = run_python(
        "sqlglot_transpile.py",
        &[Path::new(from), Path::new(to), &path],
        "sqlglot",
    )?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    Err(format!(
        "sqlglot ({from} -> {to}): {}{}",
        String::from_utf8_lossy(&output.stdout).trim_end(),
        stderr_tail(&output)
    ))
}

/// The `Rows` of a result as a compact string, for assertion messages.
pub(crate) fn show(rows: &Rows) -> String {
    serde_json::json!({ "columns": rows.columns, "rows": rows.rows }).to_string()
}

#[test]
fn csv_parses_quotes_and_nulls() {
    let records = parse_csv("a,b,c\r\n\"x,\"\"y\",,\"\"\n1,\"2\n3\",4");
    assert_eq!(
        records,
        vec![
            vec![Some("a".into()), Some("b".into()), Some("c".into())],
            vec![Some("x,\"y".into()), None, Some(String::new())],
            vec![Some("1".into()), Some("2\n3".into()), Some("4".into())],
        ]
    );
}

#[test]
fn timestamps_print_canonically() {
    assert_eq!(timestamp_text(0), "1970-01-01 00:00:00");
    assert_eq!(timestamp_text(1_500_000), "1970-01-01 00:00:01.500000");
    assert_eq!(timestamp_text(-1), "1969-12-31 23:59:59.999999");
}
