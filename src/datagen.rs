//! Deterministic example event data for the bundled example scorecard
//! (`examples/ciam`): `scorec example-data` writes it as Parquet and CSV so
//! the compiled SQL has something realistic, and treacherous, to run on.
//!
//! # Tables
//!
//! The four sources of `examples/ciam/sources.yaml`, with their columns and
//! types: `analytics.auth_events`, `analytics.checkout_events`,
//! `support.tickets` and `risk.fraud_cases`. Every timestamp is UTC and lies
//! in [`START`, `END`): 2026-03-20 00:00 UTC to 2026-04-06 00:00 UTC, which
//! crosses the Europe/Berlin change to summer time (2026-03-29 01:00 UTC) and
//! the March month end. `Config::events` is the exact number of rows of
//! `auth_events` and `checkout_events` together (duplicates included); the
//! tickets and fraud cases scale with it. The same seed and `events` give the
//! same rows, and a larger `events` keeps the rows of a smaller one as its
//! prefix.
//!
//! # The story
//!
//! Users `u000000`, `u000001`... have a region (`emea` 45%, `na` 35%,
//! `apac` 19%, `latam` 1%) and a device (`mobile` 55%, `desktop` 35%,
//! `tablet` 10%; 30% also use a second one). In sessions at local daytime
//! they register (8% of users), sign in, check out (step-up over 250 EUR),
//! reset passwords, enrol MFA, answer the consent screen and recover
//! accounts; some open support tickets and a few orders turn into fraud
//! cases days later. Events after `END` have not happened yet.
//!
//! # Traps
//!
//! The planted traps come first (users `u000000` to `u000088`, each doing
//! only its trap; times are Europe/Berlin local time) and take 283 auth and
//! checkout rows; with fewer `events` the list is cut short. Background
//! users then add the random ones at the rates given.
//!
//! 1. **Re-delivered duplicates** (same key, later `ingested_at`):
//!    4 `login_success` re-delivered with the identical row 3 h later;
//!    2 re-delivered with the identical `event_time` but `device_type`
//!    `desktop` instead of `mobile` (only `ingested_at` decides which copy
//!    stays); 3 re-delivered with `event_time` 45 s later and 1 whose copy
//!    moves from 23:59:40 on 2026-03-30 to 00:00:20 on 2026-03-31 local
//!    (dedupe keeps the earliest). Background: 0.4% of auth events
//!    re-delivered 1-6 h later, 0.3% of checkout events and 1% of tickets
//!    duplicated. Planted: 3 duplicated `order_placed`, 2 duplicated
//!    `account_recovery` tickets, 1 duplicated fraud case (0.20).
//! 2. **NULL cohorts**: background auth and checkout events have a NULL
//!    `device_type` (0.5%), a NULL `region` (0.3%) or both (0.1%); one
//!    planted user has NULL region on every event and ticket, one NULL
//!    device, one both.
//! 3. **Tiny and sporadic cohorts**: `latam` is 1% of users (plus 3 planted
//!    ones) and never uses a tablet, except one planted latam user whose
//!    tablet sign-ins make the cohort (`tablet`, `latam`) appear on exactly
//!    3 local days: 2026-03-22, 2026-03-29 and 2026-04-01.
//! 4. **Local midnight**: at 4 local midnights (2026-03-24, the DST day
//!    2026-03-29, 2026-03-30 and the month end 2026-04-01) one user's
//!    `login_attempt` at 23:59:59.999999 is followed by `login_success` at
//!    00:00:00.000000, another's at 23:59:58 by 00:00:01. At the month end a
//!    checkout starts at 23:59:30 and its order is placed at 00:00:05, and a
//!    reset requested at 23:59:50 completes at 00:01:00.
//! 5. **Window edges**: `password_reset_completed` exactly 24 h after the
//!    request (3 users; one across the DST change, 25 h by the wall clock)
//!    and 24 h + 1 µs (2); `mfa_enrolled` exactly 30 min after the start (2)
//!    and 30 min + 1 s (2); `order_placed` exactly 1 h after
//!    `checkout_started` in the same session (2), 1 h + 1 µs (2), and once
//!    exactly 1 h later in another session of the same user (must not count
//!    `by session`); `registration_completed` exactly 86,400 s after the
//!    start (2 users, and 1 across the DST change) and 86,400 s + 1 µs (1).
//! 6. **Abusers**: 3 users with 4 `password_reset_requested` on one local
//!    day, 2 on mobile and 2 on desktop; 1 with 6 (3 tablet, 3 mobile);
//!    3 users with exactly 3 (must not count for `> 3`); 1 user with 4 on
//!    one UTC day that are 2 + 2 on two local days (must not count).
//! 7. **B before A**: 2 users complete a reset 10 min before requesting one
//!    and never complete again, 1 user is `mfa_enrolled` 5 min before
//!    `mfa_enrolment_started` (none may count); 2 users request 3 resets
//!    (t, t+2 min, t+5 min) that share one completion at t+12 min; 3 users
//!    request a reset and never complete it.
//! 8. **DST day** (2026-03-29 local, 02:00-03:00 does not exist): 1 user
//!    signs in at 00:30 and 01:30 (+01:00) and 03:00 and 03:30 (+02:00);
//!    1 user requests a reset at 01:45 and completes at 03:15 (30 min, not
//!    90); 1 user starts MFA at 01:50 and enrols at 03:10 (20 min: inside
//!    30 min although the wall clock says 80).
//! 9. **Values**: 6 planted `login_attempt`s with `risk_score` exactly 0.8
//!    and 4 with NULL (background: 0.5% NULL; only `login_attempt` and
//!    `registration_completed` carry a score); 2 `registration_completed`
//!    with exactly 0.9; 3 planted `consent_given`
//!    with NULL `policy_version` (background 0.3%); ticket categories
//!    `account_recovery`, `billing`, `delivery`, `login`, `other`. Fraud
//!    cases: 2 users signed in on mobile, then desktop, then (after the case)
//!    tablet, so the case takes desktop; 1 signed in on mobile earlier and on
//!    tablet at exactly the case's `reported_at` (at or before: tablet);
//!    1 whose only sign-in is after the case (NULL cohort); 1 with two
//!    `login_success` at the identical time on different devices and regions
//!    (tie broken by `event_id`). Losses 0.10, 0.20, 0.10 on one day and
//!    0.20, 0.10 (sums a float gets wrong); background cases lose the order
//!    value.

use std::io::Write as _;
use std::path::{Path, PathBuf};

mod story;
#[cfg(test)]
mod tests;
mod traps;

// A second, a minute, an hour and a day in microseconds.
const SEC: i64 = 1_000_000;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

/// First instant of the data: 2026-03-20 00:00 UTC, microseconds since the
/// Unix epoch.
pub const START: i64 = days_from_civil(2026, 3, 20) * DAY;
/// End of the data, exclusive: 2026-04-06 00:00 UTC.
pub const END: i64 = days_from_civil(2026, 4, 6) * DAY;
/// Europe/Berlin changes from +01:00 to +02:00 at 2026-03-29 01:00 UTC.
pub const DST_START: i64 = days_from_civil(2026, 3, 29) * DAY + HOUR;

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Rows of `auth_events` and `checkout_events` together, duplicates
    /// included.
    pub events: u64,
    /// Seed of the pseudo-random generator.
    pub seed: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            events: 20_000,
            seed: 7,
        }
    }
}

/// The type of a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// `VARCHAR`.
    Text,
    /// `TIMESTAMP`, naive, holding UTC.
    Timestamp,
    /// `DOUBLE`.
    Double,
    /// `DECIMAL(12,2)`.
    Decimal,
}

impl ColumnType {
    /// The DuckDB type name.
    pub fn sql(self) -> &'static str {
        match self {
            Self::Text => "VARCHAR",
            Self::Timestamp => "TIMESTAMP",
            Self::Double => "DOUBLE",
            Self::Decimal => "DECIMAL(12,2)",
        }
    }
}

/// One non-NULL value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Text, never empty.
    Text(String),
    /// Microseconds since the Unix epoch, UTC.
    Timestamp(i64),
    /// A double.
    Double(f64),
    /// Cents: a decimal with scale 2.
    Decimal(i64),
}

/// A row: one value per column, `None` for NULL.
pub type Row = Vec<Option<Value>>;

/// One table of the example data.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Schema (`analytics`).
    pub schema: String,
    /// Table name (`auth_events`).
    pub name: String,
    /// Column names and types, in order.
    pub columns: Vec<(String, ColumnType)>,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// `schema.name`, the file name without its extension.
    pub fn file_stem(&self) -> String {
        format!("{}.{}", self.schema, self.name)
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|(n, _)| n == name)
    }

    /// The table as CSV (see [`to_csv`]).
    pub fn to_csv(&self) -> String {
        to_csv(self)
    }
}

/// The four tables, in the order of `examples/ciam/sources.yaml`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// `analytics.auth_events`, `analytics.checkout_events`,
    /// `support.tickets`, `risk.fraud_cases`.
    pub tables: Vec<Table>,
}

impl Dataset {
    /// A table by `schema.name` or by name alone.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables
            .iter()
            .find(|t| t.name == name || t.file_stem() == name)
    }
}

/// Which files `write` produces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// `schema.table.parquet` only.
    Parquet,
    /// `schema.table.csv` only.
    Csv,
    /// Both.
    Both,
}

impl FileFormat {
    fn parquet(self) -> bool {
        matches!(self, Self::Parquet | Self::Both)
    }

    fn csv(self) -> bool {
        matches!(self, Self::Csv | Self::Both)
    }
}

use ColumnType::{Decimal as D, Double as F, Text as S, Timestamp as T};

type Spec = (
    &'static str,
    &'static str,
    &'static [(&'static str, ColumnType)],
);

const AUTH: usize = 0;
const CHECKOUT: usize = 1;
const TICKETS: usize = 2;
const FRAUD: usize = 3;

/// Schema, name and columns of each table, as in `sources.yaml`.
const TABLES: [Spec; 4] = [
    (
        "analytics",
        "auth_events",
        &[
            ("event_id", S),
            ("event_time", T),
            ("ingested_at", T),
            ("user_id", S),
            ("session_id", S),
            ("event_name", S),
            ("device_type", S),
            ("region", S),
            ("risk_score", F),
            ("policy_version", S),
        ],
    ),
    (
        "analytics",
        "checkout_events",
        &[
            ("event_id", S),
            ("event_time", T),
            ("user_id", S),
            ("session_id", S),
            ("event_name", S),
            ("device_type", S),
            ("region", S),
            ("order_value", D),
        ],
    ),
    (
        "support",
        "tickets",
        &[
            ("ticket_id", S),
            ("created_at", T),
            ("user_id", S),
            ("category", S),
            ("device_type", S),
            ("region", S),
        ],
    ),
    (
        "risk",
        "fraud_cases",
        &[
            ("case_id", S),
            ("reported_at", T),
            ("user_id", S),
            ("loss_amount", D),
        ],
    ),
];

fn empty_tables() -> Vec<Table> {
    TABLES
        .iter()
        .map(|(schema, name, columns)| Table {
            schema: (*schema).to_string(),
            name: (*name).to_string(),
            columns: columns
                .iter()
                .map(|(c, t)| ((*c).to_string(), *t))
                .collect(),
            rows: Vec::new(),
        })
        .collect()
}

/// Generates the whole data set in memory (for small `events`; [`write`]
/// streams).
pub fn generate(config: &Config) -> Dataset {
    let mut tables = empty_tables();
    let mut sink = |table: usize, row: Row| tables[table].rows.push(row);
    story::run(config, &mut sink);
    Dataset { tables }
}

/// Writes `DIR/<schema>.<table>.parquet` and/or `.csv` for the four tables,
/// each atomically (a temporary file in `dir`, then renamed), generating in
/// bounded memory: rows stream to CSV, and DuckDB copies the CSV to Parquet.
/// Returns the files written.
pub fn write(config: &Config, dir: &Path, format: FileFormat) -> Result<Vec<PathBuf>, String> {
    if dir.as_os_str().is_empty() {
        return Err("the output folder is empty; give a folder".to_string());
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    let mut temps = Temps(Vec::new());
    let csv_temps: Vec<PathBuf> = TABLES
        .iter()
        .map(|(schema, name, _)| temp_path(dir, &format!("{schema}.{name}.csv")))
        .collect();
    let mut writers = Vec::new();
    for ((schema, name, columns), path) in TABLES.iter().zip(&csv_temps) {
        let file = std::fs::File::create(path)
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
        temps.0.push(path.clone());
        let mut writer = std::io::BufWriter::with_capacity(1 << 20, file);
        let mut header = String::new();
        csv_header(&mut header, columns.iter().map(|(c, _)| *c));
        writer
            .write_all(header.as_bytes())
            .map_err(|e| format!("cannot write `{schema}.{name}.csv`: {e}"))?;
        writers.push(writer);
    }
    let mut line = String::new();
    let mut failed: Option<std::io::Error> = None;
    let mut sink = |table: usize, row: Row| {
        line.clear();
        csv_line(&mut line, &row);
        if failed.is_none()
            && let Err(e) = writers[table].write_all(line.as_bytes())
        {
            failed = Some(e);
        }
    };
    story::run(config, &mut sink);
    if let Some(e) = failed {
        return Err(format!("cannot write CSV into `{}`: {e}", dir.display()));
    }
    for (writer, path) in writers.into_iter().zip(&csv_temps) {
        let file = writer
            .into_inner()
            .map_err(|e| format!("cannot write `{}`: {}", path.display(), e.error()))?;
        file.sync_all()
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }

    let mut done = Vec::new();
    let mut renames = Vec::new();
    if format.parquet() {
        let conn = duckdb::Connection::open_in_memory()
            .and_then(|c| c.execute_batch("SET memory_limit = '256MB'").map(|()| c))
            .map_err(|e| format!("cannot start DuckDB: {e}"))?;
        for ((schema, name, columns), csv) in TABLES.iter().zip(&csv_temps) {
            let parquet = temp_path(dir, &format!("{schema}.{name}.parquet"));
            temps.0.push(parquet.clone());
            let sql = copy_sql(csv, &parquet, columns)?;
            conn.execute_batch(&sql)
                .map_err(|e| format!("cannot write `{schema}.{name}.parquet`: {e}"))?;
            renames.push((parquet, dir.join(format!("{schema}.{name}.parquet"))));
        }
    }
    if format.csv() {
        for ((schema, name, _), csv) in TABLES.iter().zip(&csv_temps) {
            renames.push((csv.clone(), dir.join(format!("{schema}.{name}.csv"))));
        }
    }
    for (from, to) in renames {
        std::fs::rename(&from, &to).map_err(|e| format!("cannot write `{}`: {e}", to.display()))?;
        done.push(to);
    }
    done.sort();
    Ok(done)
}

/// Temporary files that are removed unless renamed.
struct Temps(Vec<PathBuf>);

impl Drop for Temps {
    fn drop(&mut self) {
        for path in &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn temp_path(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!(".{name}.scorec-{}.tmp", std::process::id()))
}

/// `COPY (read_csv(csv) with the exact types) TO parquet`.
fn copy_sql(csv: &Path, parquet: &Path, columns: &[(&str, ColumnType)]) -> Result<String, String> {
    let literal = |p: &Path| {
        p.to_str()
            .map(|s| format!("'{}'", s.replace('\'', "''")))
            .ok_or_else(|| format!("`{}` is not valid UTF-8, which DuckDB needs", p.display()))
    };
    let types: Vec<String> = columns
        .iter()
        .map(|(c, t)| format!("'{c}': '{}'", t.sql()))
        .collect();
    Ok(format!(
        "COPY (SELECT * FROM read_csv({}, header = true, delim = ',', quote = '\"', \
         escape = '\"', nullstr = '', auto_detect = false, columns = {{{}}})) \
         TO {} (FORMAT parquet)",
        literal(csv)?,
        types.join(", "),
        literal(parquet)?
    ))
}

/// The table as CSV: a header line of the column names, then one line per
/// row, `\n` ended, comma separated. A field is quoted (RFC 4180, `"`
/// doubled) only when it holds a comma, a quote or a line break; an empty
/// field is NULL (an empty text, which the generator never makes, is
/// written `""`). Timestamps are `YYYY-MM-DD HH:MM:SS.ffffff` UTC without a
/// zone, doubles Rust's shortest round-trip form, decimals two decimals.
pub fn to_csv(table: &Table) -> String {
    let mut out = String::new();
    csv_header(&mut out, table.columns.iter().map(|(c, _)| c.as_str()));
    for row in &table.rows {
        csv_line(&mut out, row);
    }
    out
}

fn csv_header<'a>(out: &mut String, names: impl Iterator<Item = &'a str>) {
    for (i, name) in names.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, name);
    }
    out.push('\n');
}

fn csv_line(out: &mut String, row: &[Option<Value>]) {
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match value {
            None => {}
            Some(Value::Text(s)) => push_field(out, s),
            Some(Value::Timestamp(us)) => push_timestamp(out, *us),
            Some(Value::Double(x)) => {
                use std::fmt::Write as _;
                let _ = write!(out, "{x}");
            }
            Some(Value::Decimal(cents)) => push_decimal(out, *cents),
        }
    }
    out.push('\n');
}

fn push_field(out: &mut String, s: &str) {
    if s.is_empty() || s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn push_decimal(out: &mut String, cents: i64) {
    if cents < 0 {
        out.push('-');
    }
    let abs = cents.unsigned_abs();
    push_digits(out, abs / 100, 1);
    out.push('.');
    push_digits(out, abs % 100, 2);
}

/// `YYYY-MM-DD HH:MM:SS.ffffff`.
fn push_timestamp(out: &mut String, us: i64) {
    let (y, m, d) = civil_from_days(us.div_euclid(DAY));
    let in_day = us.rem_euclid(DAY);
    if y < 0 {
        out.push('-');
    }
    push_digits(out, y.unsigned_abs(), 4);
    out.push('-');
    push_digits(out, m, 2);
    out.push('-');
    push_digits(out, d, 2);
    out.push(' ');
    push_digits(out, (in_day / HOUR).unsigned_abs(), 2);
    out.push(':');
    push_digits(out, (in_day % HOUR / MIN).unsigned_abs(), 2);
    out.push(':');
    push_digits(out, (in_day % MIN / SEC).unsigned_abs(), 2);
    out.push('.');
    push_digits(out, (in_day % SEC).unsigned_abs(), 6);
}

/// `n` in decimal, zero-padded to `width`.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while n > 0 || buf.len() - i < width {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
const fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u64, u64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1).unsigned_abs();
    let m = if mp < 10 { mp + 3 } else { mp - 9 }.unsigned_abs();
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A Europe/Berlin wall-clock time in 2026 (before 25 October) as UTC
/// microseconds. Times in the skipped hour 02:00-03:00 of 29 March are never
/// asked for.
fn local(month: i64, day: i64, h: i64, m: i64, s: i64) -> i64 {
    let wall = days_from_civil(2026, month, day) * DAY + h * HOUR + m * MIN + s * SEC;
    if wall - HOUR < DST_START {
        wall - HOUR
    } else {
        wall - 2 * HOUR
    }
}

fn in_span(time: i64) -> bool {
    (START..END).contains(&time)
}
