//! A throwaway PostgreSQL server for the SQL test suites: a fresh cluster in
//! a temp dir on a free loopback port, stopped and removed on drop. The
//! session time zone is America/New_York on purpose (generated SQL must not
//! depend on it); the locale is C, so text sorts bytewise as in DuckDB.
//!
//! The server binaries come from `SCOREC_PG_BIN`, else the newest
//! `/usr/lib/postgresql/*/bin`, else `PATH`. As root the server runs as the
//! `postgres` user (`runuser -u postgres --`).

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::TcpListener;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jiff::civil::DateTime;
use jiff::tz::Offset;
use serde_json::Value as Json;

use super::engines::{
    Rows, TableTypes, TempDir, csv_header, data_files, decimal_type, ident, literal, parse_csv,
    table_types, timestamp_text,
};

const INSTALL_HINT: &str = "PostgreSQL server binaries (initdb, pg_ctl, psql) were not \
     found under /usr/lib/postgresql/*/bin or on PATH: install them with \
     `apt-get install -y postgresql` (`.ci/run` does), or set SCOREC_PG_BIN to the \
     directory holding initdb";

const DESC_MARK: &str = "@@scorec-desc@@";
const ROWS_MARK: &str = "@@scorec-rows@@";

/// A running throwaway server; [`Drop`] stops it and removes its files.
#[derive(Debug)]
pub(crate) struct Postgres {
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
    dir: TempDir,
}

impl Postgres {
    /// Creates a cluster (`initdb -A trust -U postgres`) and starts it on a
    /// free 127.0.0.1 port, with its socket in the temp dir.
    pub(crate) fn start() -> Result<Postgres, String> {
        let bin = bin_dir()?;
        let as_postgres = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
        let dir = TempDir::new("pg")?;
        let mut server = Postgres {
            bin,
            port: 0,
            as_postgres,
            dir,
        };
        if as_postgres {
            run(Command::new("chown").arg("postgres").arg(server.dir.path()))?;
        }
        let data = server.data();
        run(server
            .server_command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"])
            .args(["--no-sync", "--no-instructions"]))
        .map_err(|e| format!("initdb: {e}"))?;
        let log = server.dir.path().join("log");
        for _attempt in 0..3 {
            server.port = free_port()?;
            let options = format!(
                "-p {} -k '{}' -c listen_addresses=127.0.0.1 -c timezone=America/New_York \
                 -c datestyle='ISO, MDY' -c fsync=off -c synchronous_commit=off \
                 -c full_page_writes=off",
                server.port,
                server.dir.path().display()
            );
            let started = run(server
                .server_command("pg_ctl")
                .arg("-D")
                .arg(&data)
                .arg("-l")
                .arg(&log)
                .args(["-w", "-t", "60", "-o", &options, "start"]));
            let Err(error) = started else {
                return Ok(server);
            };
            let log_text = std::fs::read_to_string(&log).unwrap_or_default();
            if !log_text.contains("could not bind") && !log_text.contains("already in use") {
                return Err(format!("pg_ctl start: {error}\n{log_text}"));
            }
        }
        Err("pg_ctl start: no free port after 3 attempts".to_string())
    }

    /// Creates the schemas and a table per `<schema>.<table>.csv` of
    /// `data_dir` (columns from the header row, types from `tables`) and
    /// copies the rows in (CSV: an empty unquoted field is NULL).
    pub(crate) fn load(&self, data_dir: &Path, tables: &TableTypes<'_>) -> Result<(), String> {
        let files = data_files(data_dir, "csv")?;
        let mut script = String::new();
        let mut schemas: Vec<&str> = files.iter().map(|(s, _, _)| s.as_str()).collect();
        schemas.dedup();
        for schema in schemas {
            let _ = writeln!(script, "CREATE SCHEMA IF NOT EXISTS {};", ident(schema));
        }
        for (schema, table, path) in &files {
            let types = table_types(tables, schema, table)?;
            let mut columns = Vec::new();
            for name in csv_header(path)? {
                let (_, ty) = types
                    .iter()
                    .find(|(c, _)| *c == name)
                    .ok_or_else(|| format!("{schema}.{table}: no type given for column {name}"))?;
                let ty = postgres_type(ty)
                    .ok_or_else(|| format!("{schema}.{table}.{name}: unknown type {ty}"))?;
                columns.push(format!("{} {ty}", ident(&name)));
            }
            let name = format!("{}.{}", ident(schema), ident(table));
            let _ = writeln!(script, "CREATE TABLE {name} ({});", columns.join(", "));
            let _ = writeln!(
                script,
                "\\copy {name} FROM {} WITH (FORMAT csv, HEADER true)",
                literal(&path.to_string_lossy())
            );
        }
        self.psql(&script)
            .map(drop)
            .map_err(|e| format!("loading {}: {e}", data_dir.display()))
    }

    /// Runs `sql` (statements run in order; the last one must return rows)
    /// and returns the last one's rows: text values (the caller parses
    /// numbers) or null, timestamps in the canonical form of
    /// [`super::engines`] (a `timestamptz` as its UTC wall clock).
    pub(crate) fn query(&self, sql: &str) -> Result<Rows, String> {
        let statements = split_statements(sql);
        let Some((last, before)) = statements.split_last() else {
            return Err("postgres: no statements".to_string());
        };
        let mut script = String::new();
        for statement in before {
            let _ = writeln!(script, "{statement}\n;");
        }
        let _ = writeln!(script, "\\echo {DESC_MARK}\n{last}\n\\gdesc");
        let _ = writeln!(
            script,
            "\\echo {ROWS_MARK}\nCOPY (\n{last}\n) TO STDOUT WITH (FORMAT csv, HEADER true, FORCE_QUOTE *);"
        );
        let out = self.psql(&script)?;
        let desc_at = out
            .find(&format!("{DESC_MARK}\n"))
            .ok_or_else(|| format!("postgres: unexpected psql output:\n{out}"))?;
        let out = &out[desc_at + DESC_MARK.len() + 1..];
        let rows_at = out
            .find(&format!("{ROWS_MARK}\n"))
            .ok_or_else(|| format!("postgres: unexpected psql output:\n{out}"))?;
        let types: Vec<String> = parse_csv(&out[..rows_at])
            .into_iter()
            .skip(1)
            .map(|r| r.get(1).cloned().flatten().unwrap_or_default())
            .collect();
        let mut records = parse_csv(&out[rows_at + ROWS_MARK.len() + 1..]).into_iter();
        let columns = records
            .next()
            .unwrap_or_default()
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        let rows = records
            .map(|record| {
                record
                    .into_iter()
                    .enumerate()
                    .map(
                        |(i, value)| match (value, types.get(i).map(String::as_str)) {
                            (None, _) => Json::Null,
                            (Some(v), Some("timestamp with time zone")) => {
                                pg_timestamp(&v, true).unwrap_or(v).into()
                            }
                            (Some(v), Some("timestamp without time zone")) => {
                                pg_timestamp(&v, false).unwrap_or(v).into()
                            }
                            (Some(v), _) => v.into(),
                        },
                    )
                    .collect()
            })
            .collect();
        Ok(Rows { columns, rows })
    }

    /// Runs a psql script (`ON_ERROR_STOP`), returning its stdout.
    fn psql(&self, script: &str) -> Result<String, String> {
        let mut child = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "--csv",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
            ])
            .args([
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
                "-d",
                "postgres",
            ])
            .args(["-f", "-"])
            .env("PGCLIENTENCODING", "UTF8")
            .env_remove("PGTZ")
            .env_remove("PGOPTIONS")
            .env_remove("PGDATESTYLE")
            .env_remove("PGPASSWORD")
            .env_remove("PGSERVICE")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("psql: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("psql: no stdin")?;
        let script = script.to_string();
        let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
        let output = child.wait_with_output().map_err(|e| format!("psql: {e}"))?;
        let _ = writer.join();
        if !output.status.success() {
            return Err(format!(
                "psql ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim_end()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// The cluster's data directory.
    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A server tool, run as `postgres` when we are root, in the temp dir.
    fn server_command(&self, tool: &str) -> Command {
        let tool = self.bin.join(tool);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(tool);
            c
        } else {
            Command::new(tool)
        };
        command.current_dir(self.dir.path());
        command
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.port != 0 {
            let data = self.data();
            let _ = run(self
                .server_command("pg_ctl")
                .arg("-D")
                .arg(data)
                .args(["-m", "fast", "-w", "stop"]));
        }
    }
}

/// Runs a command to completion, its output kept out of the test's: an
/// error with the output when it fails. (`pg_ctl start` sends the server's
/// output to its log file, so the pipes close when pg_ctl exits.)
fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{}: {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr).trim_end()
    ))
}

/// The directory of initdb, pg_ctl and psql.
fn bin_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("SCOREC_PG_BIN") {
        let dir = PathBuf::from(dir);
        return if dir.join("initdb").exists() {
            Ok(dir)
        } else {
            Err(format!("SCOREC_PG_BIN={}: no initdb there", dir.display()))
        };
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Ok(bin);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .find(|dir| dir.join("initdb").exists() && dir.join("psql").exists());
    on_path.ok_or_else(|| INSTALL_HINT.to_string())
}

/// A loopback port nobody listens on (bind port 0 and read it back).
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("free port: {e}"))
}

/// A column type of [`TableTypes`] in PostgreSQL.
fn postgres_type(ty: &str) -> Option<String> {
    Some(match ty {
        "string" => "text".to_string(),
        "timestamp" => "timestamp".to_string(),
        "double" => "double precision".to_string(),
        "bigint" => "bigint".to_string(),
        "boolean" => "boolean".to_string(),
        "date" => "date".to_string(),
        _ => decimal_type(ty)?
            .to_lowercase()
            .replace("decimal", "numeric"),
    })
}

/// A PostgreSQL timestamp's text (DateStyle ISO) in the canonical form; a
/// `timestamptz` (`... 07:00:00-05`) as its UTC wall clock. `None` for text
/// it does not know (`infinity`, BC dates).
fn pg_timestamp(text: &str, with_offset: bool) -> Option<String> {
    let (datetime, offset) = if with_offset {
        let at = text.rfind(['+', '-']).filter(|&at| at > 10)?;
        (&text[..at], parse_offset(&text[at..])?)
    } else {
        (text, 0)
    };
    let datetime: DateTime = datetime.replacen(' ', "T", 1).parse().ok()?;
    let offset = Offset::from_seconds(offset).ok()?;
    let micros = offset.to_timestamp(datetime).ok()?.as_microsecond();
    Some(timestamp_text(micros))
}

/// `±HH[:MM[:SS]]` in seconds.
fn parse_offset(text: &str) -> Option<i32> {
    let (sign, rest) = text.split_at(1);
    let mut seconds = 0;
    let mut unit = 3600;
    for part in rest.split(':') {
        seconds += part.parse::<i32>().ok()? * unit;
        unit /= 60;
    }
    Some(if sign == "-" { -seconds } else { seconds })
}

/// The statements of a PostgreSQL script, split at top-level `;` (not in
/// quotes, `E''` strings, quoted identifiers, dollar quotes or comments),
/// trimmed, without the ones that hold only comments.
pub(crate) fn split_statements(sql: &str) -> Vec<&str> {
    let b = sql.as_bytes();
    let ident_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut statements = Vec::new();
    let (mut start, mut i, mut code) = (0, 0, false);
    while i < b.len() {
        match b[i] {
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            quote @ (b'\'' | b'"') => {
                let escapes = quote == b'\''
                    && i > 0
                    && matches!(b[i - 1], b'E' | b'e')
                    && (i < 2 || !ident_byte(b[i - 2]));
                i += 1;
                while i < b.len() {
                    if escapes && b[i] == b'\\' {
                        i += 2;
                    } else if b[i] == quote {
                        i += 1;
                        if b.get(i) != Some(&quote) {
                            break;
                        }
                        i += 1;
                    } else {
                        i += 1;
                    }
                }
                code = true;
                continue;
            }
            b'$' if i == 0 || !ident_byte(b[i - 1]) => {
                let tag_len = b[i + 1..]
                    .iter()
                    .position(|&c| !ident_byte(c))
                    .unwrap_or(b.len() - i - 1);
                let tag_ok = b.get(i + 1 + tag_len) == Some(&b'$')
                    && b.get(i + 1).is_none_or(|c| !c.is_ascii_digit());
                if tag_ok {
                    let tag = &sql[i..i + tag_len + 2];
                    let body = i + tag.len();
                    i = sql[body..]
                        .find(tag)
                        .map_or(b.len(), |at| body + at + tag.len());
                    code = true;
                    continue;
                }
            }
            b';' => {
                if code {
                    statements.push(sql[start..i].trim());
                }
                (start, code) = (i + 1, false);
            }
            c if !c.is_ascii_whitespace() => code = true,
            _ => {}
        }
        i += 1;
    }
    if code {
        statements.push(sql[start..].trim());
    }
    statements
}

#[test]
fn statements_split_at_top_level_semicolons() {
    let sql = "-- a; comment\nCREATE VIEW v AS SELECT 'x;''y' AS \"a;b\";\n\
               /* c; /* nested; */ */ SELECT E'\\';', $f$;$f$, $1 FROM v; -- end;\n";
    assert_eq!(
        split_statements(sql),
        vec![
            "-- a; comment\nCREATE VIEW v AS SELECT 'x;''y' AS \"a;b\"",
            "/* c; /* nested; */ */ SELECT E'\\';', $f$;$f$, $1 FROM v",
        ]
    );
}

#[test]
fn timestamps_convert_to_utc() {
    assert_eq!(
        pg_timestamp("2024-03-10 01:30:00-05", true).as_deref(),
        Some("2024-03-10 06:30:00")
    );
    assert_eq!(
        pg_timestamp("2024-03-10 03:30:00.25+05:30", true).as_deref(),
        Some("2024-03-09 22:00:00.250000")
    );
    assert_eq!(
        pg_timestamp("2024-03-10 03:30:00.5", false).as_deref(),
        Some("2024-03-10 03:30:00.500000")
    );
    assert_eq!(pg_timestamp("infinity", true), None);
}
