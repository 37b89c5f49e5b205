//! Binding sources to data: which file or table each source reads, and the
//! checks that run before any query (the file exists, every column the
//! scorecard reads is there, declared types fit).
//!
//! A source whose table is `analytics.auth_events` binds, in a data folder,
//! to the first of `analytics.auth_events.<ext>`, `auth_events.<ext>`
//! (`<ext>` one of [`EXTENSIONS`]) and a folder of that name holding
//! `*.parquet` files; in a `.duckdb` file, to the table of the same name.
//! `--bind SOURCE=FILE` overrides one source.

use std::path::{Path, PathBuf};

use duckdb::Connection;
use indexmap::IndexMap;

use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::model::{Scorecard, Source};
use crate::sql::render::expr;

/// File extensions a source binds to, in the order they are tried.
pub const EXTENSIONS: [&str; 5] = ["parquet", "csv", "json", "jsonl", "ndjson"];

/// Where the data is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Data {
    /// A folder of files named after the sources' tables.
    Folder(PathBuf),
    /// A DuckDB database file holding the sources' tables.
    Database(PathBuf),
}

/// How a bound source is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Parquet file, or a folder of them.
    Parquet,
    /// A CSV file with a header row.
    Csv,
    /// A JSON or newline-delimited JSON file.
    Json,
    /// A table of the `.duckdb` file.
    Table,
}

impl Format {
    /// The format's word, as reports print it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Parquet => "parquet",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Table => "duckdb",
        }
    }

    fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "parquet" => Some(Format::Parquet),
            "csv" => Some(Format::Csv),
            "json" | "jsonl" | "ndjson" => Some(Format::Json),
            _ => None,
        }
    }
}

/// A source and the data it reads.
#[derive(Clone, Debug)]
pub struct Binding<'m> {
    /// The source.
    pub source: &'m Source,
    /// The file or folder (for a table: the database file).
    pub path: PathBuf,
    /// How it is read.
    pub format: Format,
    /// The relation the source's view selects from, once bound.
    pub relation: String,
}

/// The catalog the `.duckdb` file is attached as.
pub const DATABASE_ALIAS: &str = "scorec_data";

/// Finds every source's data. `overrides` maps source names to files; `show`
/// prints a path for messages. Errors name the source and point at its
/// declaration.
pub fn locate<'m>(
    model: &'m Scorecard,
    data: &Data,
    overrides: &IndexMap<String, PathBuf>,
    show: &dyn Fn(&Path) -> String,
) -> Result<Vec<Binding<'m>>, Vec<Diagnostic>> {
    let mut bindings = Vec::new();
    let mut problems = Vec::new();
    for (name, path) in overrides {
        if !model.sources.contains_key(name) {
            let hint =
                crate::diagnostic::did_you_mean(name, model.sources.keys().map(String::as_str))
                    .unwrap_or_default();
            problems.push(
                Diagnostic::new(
                    codes::NO_DATA,
                    format!(
                        "--bind names `{name}`, which is not a source of the scorecard ({})",
                        show(path)
                    ),
                )
                .with_help(hint),
            );
        }
    }
    for source in model.sources.values() {
        let found = match overrides.get(&source.name) {
            Some(path) => bind_file(source, path, show),
            None => match data {
                Data::Folder(dir) => find_in_folder(source, dir, show),
                Data::Database(file) => Ok(Binding {
                    source,
                    path: file.clone(),
                    format: Format::Table,
                    relation: database_relation(&source.table),
                }),
            },
        };
        match found {
            Ok(b) => bindings.push(b),
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() {
        Ok(bindings)
    } else {
        Err(problems)
    }
}

fn no_data(source: &Source, where_: String) -> Diagnostic {
    Diagnostic::new(
        codes::NO_DATA,
        format!(
            "no data for source `{}` (table `{}`) {where_}",
            source.name, source.table
        ),
    )
    .at_labelled(source.span, "declared here")
}

fn bind_file<'m>(
    source: &'m Source,
    path: &Path,
    show: &dyn Fn(&Path) -> String,
) -> Result<Binding<'m>, Diagnostic> {
    if path.is_dir() {
        return Ok(Binding {
            source,
            path: path.to_path_buf(),
            format: Format::Parquet,
            relation: String::new(),
        });
    }
    if !path.is_file() {
        return Err(
            no_data(source, format!("at `{}`: no such file", show(path)))
                .with_help("--bind takes SOURCE=FILE, a Parquet, CSV or JSON file"),
        );
    }
    let Some(format) = Format::of(path) else {
        return Err(no_data(
            source,
            format!(
                "at `{}`: not a .parquet, .csv, .json, .jsonl or .ndjson file",
                show(path)
            ),
        ));
    };
    Ok(Binding {
        source,
        path: path.to_path_buf(),
        format,
        relation: String::new(),
    })
}

/// The file names a source's table may have, without extension.
fn stems(table: &str) -> Vec<String> {
    let mut out = vec![table.to_string()];
    if let Some((_, last)) = table.rsplit_once('.') {
        out.push(last.to_string());
    }
    out
}

fn find_in_folder<'m>(
    source: &'m Source,
    dir: &Path,
    show: &dyn Fn(&Path) -> String,
) -> Result<Binding<'m>, Diagnostic> {
    for stem in stems(&source.table) {
        for ext in EXTENSIONS {
            let path = dir.join(format!("{stem}.{ext}"));
            if path.is_file() {
                return bind_file(source, &path, show);
            }
        }
        let folder = dir.join(&stem);
        if folder.is_dir() {
            return bind_file(source, &folder, show);
        }
    }
    Err(
        no_data(source, format!("in `{}`", show(dir))).with_help(format!(
            "add `{}.parquet` (or .csv, .json) to `{}`, or pass --bind {}=FILE",
            source.table,
            show(dir),
            source.name
        )),
    )
}

/// The table of the attached database that a source reads.
fn database_relation(table: &str) -> String {
    let parts: Vec<String> = table.split('.').map(quote_ident).collect();
    let qualified = match parts.len() {
        1 => format!("\"main\".{}", parts[0]),
        _ => parts[parts.len() - 2..].join("."),
    };
    format!("{}.{qualified}", quote_ident(DATABASE_ALIAS))
}

/// A DuckDB identifier, quoted.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// A DuckDB string literal.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The DuckDB type a declared column type reads as.
fn duckdb_type(declared: &str) -> String {
    let lower = declared.to_ascii_lowercase();
    match lower.as_str() {
        "string" => "VARCHAR".into(),
        "integer" => "BIGINT".into(),
        "decimal" => "DECIMAL(38,6)".into(),
        "double" => "DOUBLE".into(),
        "boolean" => "BOOLEAN".into(),
        "timestamp" => "TIMESTAMP".into(),
        "timestamptz" => "TIMESTAMPTZ".into(),
        "date" => "DATE".into(),
        other => other.to_ascii_uppercase(),
    }
}

/// Whether a column of DuckDB type `actual` can be read as `declared`.
fn fits(declared: &str, actual: &str) -> bool {
    let actual = actual.to_ascii_uppercase();
    let integer = [
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "HUGEINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
        "UHUGEINT",
    ]
    .contains(&actual.as_str());
    let decimal = actual.starts_with("DECIMAL");
    let declared = declared.to_ascii_lowercase();
    match declared.as_str() {
        "string" => actual == "VARCHAR" || actual == "UUID" || actual.starts_with("ENUM"),
        "integer" => integer,
        "double" => integer || decimal || actual == "DOUBLE" || actual == "FLOAT",
        "boolean" => actual == "BOOLEAN",
        "timestamp" | "timestamptz" => actual.starts_with("TIMESTAMP"),
        "date" => actual == "DATE",
        d if d.starts_with("decimal") => integer || decimal,
        _ => true,
    }
}

/// Every column the scorecard reads from a source, with its declared type
/// when the source declares one: the declared columns, the timestamp and
/// keys, plain dimensions, and the columns of its filter and events.
pub fn needed_columns(model: &Scorecard, source: &Source) -> Vec<(String, Option<String>)> {
    let mut names: Vec<String> = source.columns.keys().cloned().collect();
    let push = |c: &str, names: &mut Vec<String>| {
        if !names.iter().any(|n| n == c) {
            names.push(c.to_string());
        }
    };
    push(&source.timestamp, &mut names);
    for c in source.key_columns() {
        push(c, &mut names);
    }
    for (name, dim) in &source.dimensions {
        match &dim.expr {
            None => push(name, &mut names),
            Some(e) => expr::columns(e, &mut names),
        }
    }
    if let Some(f) = &source.filter {
        expr::columns(f, &mut names);
    }
    for event in model.events.values() {
        if event.source == source.name
            && let Some(f) = &event.filter
        {
            expr::columns(f, &mut names);
        }
    }
    names
        .into_iter()
        .map(|n| {
            let ty = source.columns.get(&n).cloned();
            (n, ty)
        })
        .collect()
}

/// The columns and types of a relation.
fn describe(conn: &Connection, relation: &str) -> Result<Vec<(String, String)>, String> {
    let mut statement = conn
        .prepare(&format!("DESCRIBE SELECT * FROM {relation}"))
        .map_err(|e| e.to_string())?;
    let rows = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })
        .map_err(|e| e.to_string())?;
    rows.collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())
}

/// Checks every binding against the data and sets its relation: a missing
/// column, a type that does not fit, or an unreadable file is a
/// diagnostic. CSV columns are read with their declared types, and JSON
/// text cast to them; a value that does not convert is reported here,
/// before the scorecard's queries run.
pub fn check(
    conn: &Connection,
    model: &Scorecard,
    bindings: &mut [Binding<'_>],
    show: &dyn Fn(&Path) -> String,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    for b in bindings.iter_mut() {
        if let Err(d) = check_one(conn, model, b, show) {
            problems.extend(d);
        }
    }
    problems
}

fn reader(b: &Binding<'_>) -> String {
    let path = b.path.to_string_lossy();
    match b.format {
        Format::Parquet if b.path.is_dir() => {
            format!(
                "read_parquet({})",
                quote_literal(&format!("{path}/**/*.parquet"))
            )
        }
        Format::Parquet => format!("read_parquet({})", quote_literal(&path)),
        Format::Csv => format!("read_csv({}, header = true)", quote_literal(&path)),
        Format::Json => format!("read_json({})", quote_literal(&path)),
        Format::Table => b.relation.clone(),
    }
}

fn check_one(
    conn: &Connection,
    model: &Scorecard,
    b: &mut Binding<'_>,
    show: &dyn Fn(&Path) -> String,
) -> Result<(), Vec<Diagnostic>> {
    let source = b.source;
    let file = show(&b.path);
    let unreadable = |e: String| {
        vec![
            Diagnostic::new(
                codes::DATA_UNREADABLE,
                format!(
                    "cannot read `{file}` for source `{}`: {}",
                    source.name,
                    first_line(&e)
                ),
            )
            .at_labelled(source.span, "declared here"),
        ]
    };
    let base = reader(b);
    let columns = describe(conn, &base).map_err(unreadable)?;
    let mut problems = Vec::new();
    let mut casts = Vec::new();
    for (name, declared) in needed_columns(model, source) {
        let Some((_, actual)) = columns.iter().find(|(c, _)| *c == name) else {
            let listed: Vec<&str> = columns.iter().map(|(c, _)| c.as_str()).collect();
            problems.push(
                Diagnostic::new(
                    codes::DATA_MISSING_COLUMN,
                    format!(
                        "`{file}` has no column `{name}`, which source `{}` reads",
                        source.name
                    ),
                )
                .at_labelled(source.span, "declared here")
                .with_help(format!("the file's columns: {}", listed.join(", "))),
            );
            continue;
        };
        let Some(declared) = declared else { continue };
        if fits(&declared, actual) {
            continue;
        }
        match b.format {
            Format::Csv | Format::Json => casts.push((name, declared)),
            Format::Parquet | Format::Table => problems.push(
                Diagnostic::new(
                    codes::DATA_COLUMN_TYPE,
                    format!(
                        "column `{name}` of `{file}` is {actual}, but source `{}` declares it `{declared}`",
                        source.name
                    ),
                )
                .at_labelled(source.span, "declared here")
                .with_help("export the column with its real type, or correct the declaration in `columns`"),
            ),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    b.relation = if casts.is_empty() {
        base
    } else {
        let replaced: Vec<String> = casts
            .iter()
            .map(|(c, t)| {
                format!(
                    "CAST({} AS {}) AS {}",
                    quote_ident(c),
                    duckdb_type(t),
                    quote_ident(c)
                )
            })
            .collect();
        format!("(SELECT * REPLACE ({}) FROM {base})", replaced.join(", "))
    };
    if !casts.is_empty() {
        // Text read as the declared types: every value must convert.
        let probe: Vec<String> = casts
            .iter()
            .map(|(c, _)| format!("count({})", quote_ident(c)))
            .collect();
        let sql = format!("SELECT {} FROM {}", probe.join(", "), b.relation);
        if let Err(e) = conn.execute_batch(&sql) {
            let (c, t) = &casts[0];
            return Err(vec![
                Diagnostic::new(
                    codes::DATA_COLUMN_TYPE,
                    format!(
                        "`{file}` does not read as the types source `{}` declares (`{c}` as `{t}`{}): {}",
                        source.name,
                        if casts.len() > 1 { " and others" } else { "" },
                        first_line(&e.to_string())
                    ),
                )
                .at_labelled(source.span, "declared here"),
            ]);
        }
    }
    Ok(())
}

/// The first line of an engine message.
pub fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_fit_their_families() {
        assert!(fits("string", "VARCHAR"));
        assert!(!fits("string", "BIGINT"));
        assert!(fits("timestamp", "TIMESTAMP WITH TIME ZONE"));
        assert!(fits("timestamp", "TIMESTAMP_NS"));
        assert!(!fits("timestamp", "VARCHAR"));
        assert!(fits("decimal(12,2)", "DECIMAL(18,3)"));
        assert!(!fits("decimal(12,2)", "DOUBLE"), "money is summed exactly");
        assert!(fits("double", "DECIMAL(12,2)"));
        assert!(fits("integer", "UBIGINT"));
        assert!(!fits("boolean", "VARCHAR"));
    }

    #[test]
    fn tables_bind_to_their_name_and_last_part() {
        assert_eq!(
            stems("analytics.auth_events"),
            ["analytics.auth_events", "auth_events"]
        );
        assert_eq!(stems("events"), ["events"]);
        assert_eq!(
            database_relation("analytics.auth_events"),
            "\"scorec_data\".\"analytics\".\"auth_events\""
        );
        assert_eq!(
            database_relation("events"),
            "\"scorec_data\".\"main\".\"events\""
        );
    }
}
