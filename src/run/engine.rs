//! The embedded DuckDB of `scorec run`: an in-memory database whose
//! sources are views over the bound files, on which the statements of
//! `scorec build --dialect duckdb` and `scorec alerts --target sql` run.
//! Extensions never install or load on their own: nothing is downloaded.

use std::collections::BTreeSet;

use duckdb::Connection;
use duckdb::types::Value;

use super::bind::{self, Binding, DATABASE_ALIAS, Data, quote_ident, quote_literal};

/// One value of a result, in the few shapes the report reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// NULL.
    Null,
    /// Text, timestamps as `YYYY-MM-DD HH:MM:SS`, decimals exactly.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A double.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl Cell {
    /// The text, if any.
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Text(s) => Some(s.clone()),
            Cell::Int(v) => Some(v.to_string()),
            Cell::Float(v) => Some(v.to_string()),
            Cell::Bool(v) => Some(v.to_string()),
            Cell::Null => None,
        }
    }

    /// The number, if any (decimal text parses).
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(v) => Some(*v as f64),
            Cell::Float(v) => Some(*v),
            Cell::Text(s) => s.parse().ok(),
            Cell::Bool(_) | Cell::Null => None,
        }
    }

    /// The whole number, if any.
    pub fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(v) => Some(*v),
            Cell::Float(v) => Some(v.round() as i64),
            Cell::Text(s) => s.parse().ok(),
            Cell::Bool(_) | Cell::Null => None,
        }
    }

    /// The boolean, if any.
    pub fn bool(&self) -> Option<bool> {
        match self {
            Cell::Bool(v) => Some(*v),
            _ => None,
        }
    }
}

/// The rows of a query, with their column names.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// The index of a column.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// An in-memory DuckDB.
pub struct Engine {
    conn: Connection,
}

impl Engine {
    /// Opens the database; a `.duckdb` data file is attached read-only.
    pub fn open(data: &Data) -> Result<Engine, String> {
        let conn = Connection::open_in_memory().map_err(|e| e.to_string())?;
        conn.execute_batch(
            "SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;",
        )
        .map_err(|e| e.to_string())?;
        if let Data::Database(path) = data {
            conn.execute_batch(&format!(
                "ATTACH {} AS {} (READ_ONLY)",
                quote_literal(&path.to_string_lossy()),
                quote_ident(DATABASE_ALIAS)
            ))
            .map_err(|e| e.to_string())?;
        }
        Ok(Engine { conn })
    }

    /// The connection (binding checks read through it).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Creates, for every bound source, a view with the source's table name
    /// over its data, so the generated SQL reads it as in a warehouse.
    pub fn install(&self, bindings: &[Binding<'_>]) -> Result<(), String> {
        let mut sql = String::new();
        let mut catalogs = BTreeSet::new();
        let mut schemas = BTreeSet::new();
        for b in bindings {
            let parts: Vec<&str> = b.source.table.split('.').collect();
            if parts.len() == 3 {
                catalogs.insert(parts[0].to_string());
            }
            if parts.len() >= 2 {
                let schema: Vec<String> = parts[..parts.len() - 1]
                    .iter()
                    .map(|p| quote_ident(p))
                    .collect();
                schemas.insert(schema.join("."));
            }
        }
        for catalog in catalogs {
            sql.push_str(&format!(
                "ATTACH ':memory:' AS {};\n",
                quote_ident(&catalog)
            ));
        }
        for schema in schemas {
            sql.push_str(&format!("CREATE SCHEMA IF NOT EXISTS {schema};\n"));
        }
        for b in bindings {
            let name: Vec<String> = b.source.table.split('.').map(quote_ident).collect();
            sql.push_str(&format!(
                "CREATE OR REPLACE VIEW {} AS SELECT * FROM {};\n",
                name.join("."),
                b.relation
            ));
        }
        self.batch(&sql)
    }

    /// Runs statements.
    pub fn batch(&self, sql: &str) -> Result<(), String> {
        self.conn.execute_batch(sql).map_err(|e| e.to_string())
    }

    /// Runs one query and returns its rows.
    pub fn query(&self, sql: &str) -> Result<Table, String> {
        let mut statement = self.conn.prepare(sql).map_err(|e| e.to_string())?;
        let mut rows = statement.query([]).map_err(|e| e.to_string())?;
        let columns = rows.as_ref().map(|s| s.column_names()).unwrap_or_default();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| e.to_string())? {
            let mut values = Vec::with_capacity(columns.len());
            for index in 0..columns.len() {
                let value: Value = row.get(index).map_err(|e| e.to_string())?;
                values.push(cell(value));
            }
            out.push(values);
        }
        Ok(Table { columns, rows: out })
    }

    /// A handle that reads the running query's progress from another thread.
    pub fn progress(&self) -> Option<duckdb::ProgressHandle> {
        self.conn.set_query_progress_tracking(true).ok()?;
        Some(self.conn.progress_handle())
    }
}

fn cell(value: Value) -> Cell {
    match value {
        Value::Null => Cell::Null,
        Value::Boolean(v) => Cell::Bool(v),
        Value::TinyInt(v) => Cell::Int(v.into()),
        Value::SmallInt(v) => Cell::Int(v.into()),
        Value::Int(v) => Cell::Int(v.into()),
        Value::BigInt(v) => Cell::Int(v),
        Value::UTinyInt(v) => Cell::Int(v.into()),
        Value::USmallInt(v) => Cell::Int(v.into()),
        Value::UInt(v) => Cell::Int(v.into()),
        Value::UBigInt(v) => i64::try_from(v).map_or_else(|_| Cell::Text(v.to_string()), Cell::Int),
        Value::HugeInt(v) => i64::try_from(v).map_or_else(|_| Cell::Text(v.to_string()), Cell::Int),
        Value::Float(v) => Cell::Float(v.into()),
        Value::Double(v) => Cell::Float(v),
        Value::Decimal(v) => Cell::Text(v.to_string()),
        Value::Timestamp(unit, v) => Cell::Text(timestamp_text(unit.to_micros(v))),
        Value::Text(v) | Value::Enum(v) => Cell::Text(v),
        other => Cell::Text(format!("{other:?}")),
    }
}

/// Microseconds since the epoch as `YYYY-MM-DD HH:MM:SS` (wall-clock, as
/// the views return buckets).
fn timestamp_text(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros).map_or_else(
        |_| micros.to_string(),
        |ts| {
            ts.to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .datetime()
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string()
        },
    )
}

/// Re-exported for the binding checks.
pub use bind::first_line;
