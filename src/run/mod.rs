//! `scorec run`: a scorecard evaluated on local data with the embedded
//! DuckDB, and the report people read.
//!
//! The stages, in order:
//!
//! | stage | file | does |
//! |---|---|---|
//! | bind | `bind.rs` | finds each source's file (or `.duckdb` table) and checks its columns and types before any query |
//! | engine | `engine.rs` | an in-memory DuckDB with a view per source over its data |
//! | evaluate | this file | runs the statements `scorec build --dialect duckdb` and `scorec alerts --target sql` write: the time-zone macros, `scorecard` and `signal_integrity` (materialized as tables), `scorecard_status`, the breach query and the gauges |
//! | report | `report.rs` | the result per journey, pair and side, with series, worst cohorts, alerts and mappings |
//! | formats | `format/` | text, JSON, CSV, Markdown, HTML and OpenMetrics |
//!
//! `run` is the one place besides `datagen` where the library reads files:
//! DuckDB reads the bound data.

pub mod bind;
pub mod engine;
pub mod format;
pub mod report;

use jiff::civil::DateTime;

use crate::alerts::gauges::{self, GaugeRow};
use crate::alerts::rules::Rules;
use crate::alerts::status;
use crate::model::{Grain, Scorecard, WeekStart};
use crate::sql::{self, Bounds, Dialect, Options};
use engine::{Cell, Engine, Table};

/// The range a run covers; all `None` is all the data (the views).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    /// First bucket (wall-clock).
    pub from: Option<DateTime>,
    /// End, exclusive.
    pub to: Option<DateTime>,
    /// Watermark instead of the data's newest row.
    pub as_of: Option<DateTime>,
}

/// A status, worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The bucket is not complete yet: never judged.
    Incomplete,
    /// Too little evidence to judge.
    Insufficient,
    /// Judged, nothing breached.
    Ok,
    /// The warn bound is breached.
    Warn,
    /// The critical bound is breached.
    Critical,
}

impl Level {
    /// The status word of the `status` column.
    pub fn parse(word: &str) -> Option<Level> {
        Some(match word {
            "incomplete" => Level::Incomplete,
            "insufficient" => Level::Insufficient,
            "ok" => Level::Ok,
            "warn" => Level::Warn,
            "critical" => Level::Critical,
            _ => return None,
        })
    }

    /// The status word.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Incomplete => "incomplete",
            Level::Insufficient => "insufficient",
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Critical => "critical",
        }
    }

    /// Whether the status is a breach.
    pub fn breached(self) -> bool {
        self >= Level::Warn
    }
}

/// One row of the `scorecard_status` view.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Status {
    /// `threshold`, `tradeoff`, `freshness`, `volume` or `duplicates`.
    pub rule: String,
    /// Journey of a pair side.
    pub journey: Option<String>,
    /// Pair.
    pub pair: Option<String>,
    /// `security` or `experience`.
    pub side: Option<String>,
    /// Metric.
    pub metric: Option<String>,
    /// Source of an integrity check.
    pub source: Option<String>,
    /// Bucket start, wall-clock `YYYY-MM-DD HH:MM:SS`.
    pub bucket: String,
    /// `overall` or the grouped dimensions.
    pub grouping: String,
    /// `overall` or `device_type=mobile,region=eu`.
    pub cohort: String,
    /// The value judged (fractions for rates, minutes for durations).
    pub value: Option<f64>,
    /// Baseline of a relative bound.
    pub baseline: Option<f64>,
    /// The bound that fired, as written.
    pub bound: Option<String>,
    /// Evidence.
    pub sample: Option<i64>,
    /// Evidence needed.
    pub min_sample: Option<i64>,
    /// Status.
    pub status: Level,
    /// Security owner.
    pub security_owner: Option<String>,
    /// Product owner.
    pub product_owner: Option<String>,
    /// Who must act.
    pub acting_owner: Option<String>,
    /// What to do.
    pub action: Option<String>,
}

/// One row of the `scorecard` view.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Value {
    /// Metric.
    pub metric: String,
    /// Journey.
    pub journey: String,
    /// Bucket start, wall-clock.
    pub bucket: String,
    /// Grouping.
    pub grouping: String,
    /// Cohort, as in the status view.
    pub cohort: String,
    /// The value.
    pub value: Option<f64>,
    /// Numerator, exact decimal text.
    pub numerator: Option<String>,
    /// Denominator, exact decimal text.
    pub denominator: Option<String>,
    /// Sample.
    pub sample: Option<i64>,
    /// Whether the bucket is incomplete.
    pub incomplete: bool,
}

/// What a run computed.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// Every status row, in the view's order.
    pub statuses: Vec<Status>,
    /// Every metric row.
    pub values: Vec<Value>,
    /// The breach query's rows.
    pub breaches: Vec<Status>,
    /// Every gauge of every bucket.
    pub gauges: Vec<GaugeRow>,
    /// The first bucket reported (rows before it were read for baselines
    /// only and are left out).
    pub first_bucket: Option<String>,
}

/// A stage of a run, for progress reporting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Computing the `scorecard` and `signal_integrity` tables (the scans).
    Scan,
    /// Judging statuses.
    Judge,
    /// Reading the results.
    Read,
}

/// Runs the scorecard's SQL on the engine, whose sources are installed.
/// `stage` is called as each stage starts. Errors are the engine's
/// messages.
pub fn evaluate(
    engine: &Engine,
    model: &Scorecard,
    options: &Options,
    range: Range,
    stage: &dyn Fn(Stage),
) -> Result<Evaluation, String> {
    let d = Dialect::DuckDb;
    let render = |r: Result<String, sql::RenderError>| r.map_err(|e| e.message);
    let ident = |name: &str| bind::quote_ident(name);
    let schema = ident(&options.schema);
    engine.batch(&format!("CREATE SCHEMA IF NOT EXISTS {schema};"))?;
    if let Some(prelude) = sql::prelude_sql(model, d, options) {
        engine.batch(&render(prelude)?)?;
    }
    stage(Stage::Scan);
    let table = |name: &str| format!("{schema}.{}", ident(name));
    let (bounds, first_bucket) = match span(engine, model, range) {
        Ok(span) => {
            // The range written in, as `scorec sql --start --end` writes
            // it. The statement starts early enough that the first bucket
            // has its baselines and streaks, but not before the data.
            let grain = model.settings.grain;
            let history = Rules::of(model).history_buckets(grain);
            let mut start = step_back(span.from, grain, model.settings.week_start, history);
            if let Some(oldest) = span.oldest {
                start = start.max(oldest.min(span.from));
            }
            let bounds = Bounds::Literal {
                start,
                end: span.to,
                as_of: range.as_of,
            };
            let first = span.from.strftime("%Y-%m-%d %H:%M:%S").to_string();
            (bounds, Some(first))
        }
        // No flags and no rows: the views' form, which has no rows either.
        Err(_) if range == Range::default() => (Bounds::View, None),
        Err(e) => return Err(e),
    };
    // The `scorecard` and `signal_integrity` rows from one statement that
    // reads each source once, split into the two tables the status view
    // reads.
    let rows = table("sc_run");
    engine.batch(&format!(
        "CREATE OR REPLACE TABLE {rows} AS\n{};\n\
         CREATE OR REPLACE TABLE {} AS SELECT unnest(sc_scorecard) FROM {rows} WHERE sc_part = 'scorecard';\n\
         CREATE OR REPLACE TABLE {} AS SELECT unnest(sc_integrity) FROM {rows} WHERE sc_part = 'signal_integrity';\n\
         DROP TABLE {rows};",
        render(sql::run_sql(model, bounds, options))?,
        table("scorecard"),
        table("signal_integrity"),
    ))?;
    stage(Stage::Judge);
    let alert_options = crate::alerts::Options {
        schema: options.schema.clone(),
        snowflake: Default::default(),
        grafana: Default::default(),
    };
    engine.batch(&render(status::status_sql(model, d, &alert_options))?)?;
    materialize(
        engine,
        &table("scorecard_status"),
        &table("scorecard_status__rows"),
    )?;
    stage(Stage::Read);
    let keep = |bucket: &str| first_bucket.as_deref().is_none_or(|f| bucket >= f);
    // Tables have no order of their own: every column, left to right.
    let statuses = statuses_of(&engine.query(&format!(
        "SELECT * FROM {} ORDER BY ALL",
        table("scorecard_status")
    ))?);
    let breaches =
        statuses_of(&engine.query(&status::breach_query(model, d.sql(), &options.schema))?);
    let values = values(&engine.query(&format!(
        "SELECT * FROM {} ORDER BY ALL",
        table("scorecard")
    ))?);
    let gauges = match gauges::gauges_sql(model, d, &alert_options) {
        Ok(q) => gauge_rows(&engine.query(&q)?),
        // A scorecard without pairs or integrity checks has no gauges.
        Err(_) => Vec::new(),
    };
    Ok(Evaluation {
        statuses: statuses.into_iter().filter(|s| keep(&s.bucket)).collect(),
        values: values.into_iter().filter(|v| keep(&v.bucket)).collect(),
        breaches,
        gauges: gauges.into_iter().filter(|g| keep(&g.bucket)).collect(),
        first_bucket,
    })
}

/// Replaces the view `name` by a table of its rows, so the statements
/// over it read the rows instead of computing the view again.
fn materialize(engine: &Engine, name: &str, staging: &str) -> Result<(), String> {
    let bare = name.rsplit('.').next().unwrap_or(name);
    engine.batch(&format!(
        "CREATE OR REPLACE TABLE {staging} AS SELECT * FROM {name};\nDROP VIEW {name};\nALTER TABLE {staging} RENAME TO {bare};",
    ))
}

/// The range of a run with flags.
struct Span {
    /// First bucket shown.
    from: DateTime,
    /// End, exclusive.
    to: DateTime,
    /// The bucket of the oldest row, when known.
    oldest: Option<DateTime>,
}

/// The range of a run with flags: the flags, with what is missing taken
/// from the data (the bucket of the oldest row; the bucket after the
/// newest row, or after the watermark).
fn span(engine: &Engine, model: &Scorecard, range: Range) -> Result<Span, String> {
    let grain = model.settings.grain;
    let week = model.settings.week_start;
    let (oldest, newest) = data_extent(engine, model)?;
    let zone = jiff::tz::TimeZone::get(&model.settings.timezone).map_err(|e| e.to_string())?;
    let bucket = |micros: Option<i64>| -> Option<DateTime> {
        let ts = jiff::Timestamp::from_microsecond(micros?).ok()?;
        Some(bucket_of(
            ts.to_zoned_datetime(zone.clone()).datetime(),
            grain,
            week,
        ))
    };
    let (oldest, newest) = (bucket(oldest), bucket(newest));
    let no_rows = || "the data has no rows: give --from and --to".to_string();
    let from = match range.from {
        Some(f) => f,
        None => oldest.ok_or_else(no_rows)?,
    };
    let to = match (range.to, range.as_of) {
        (Some(t), _) => t,
        // The bucket of the watermark (or of the newest row) is the last.
        (None, Some(a)) => next_bucket(bucket_of(a, grain, week), grain),
        (None, None) => next_bucket(newest.ok_or_else(no_rows)?, grain),
    };
    if from >= to {
        return Err(format!(
            "the range [{}, {}) is empty: the data ends before it starts",
            sql::tz::civil_text(from),
            sql::tz::civil_text(to)
        ));
    }
    Ok(Span { from, to, oldest })
}

/// The oldest and newest timestamp over every source, in microseconds UTC.
fn data_extent(engine: &Engine, model: &Scorecard) -> Result<(Option<i64>, Option<i64>), String> {
    let mut parts = Vec::new();
    for source in model.sources.values() {
        let name: Vec<String> = source.table.split('.').map(bind::quote_ident).collect();
        let ts = bind::quote_ident(&source.timestamp);
        parts.push(format!(
            "SELECT epoch_us(min(CAST({ts} AS TIMESTAMP))) AS lo, epoch_us(max(CAST({ts} AS TIMESTAMP))) AS hi FROM {}",
            name.join(".")
        ));
    }
    let t = engine.query(&format!(
        "SELECT min(lo), max(hi) FROM ({})",
        parts.join(" UNION ALL ")
    ))?;
    let row = t.rows.first().cloned().unwrap_or_default();
    Ok((
        row.first().and_then(Cell::int),
        row.get(1).and_then(Cell::int),
    ))
}

/// The start of the bucket holding a wall-clock time.
pub fn bucket_of(t: DateTime, grain: Grain, week: WeekStart) -> DateTime {
    use jiff::civil::{Time, Weekday};
    let midnight = t.date().to_datetime(Time::midnight());
    match grain {
        Grain::Hour => t
            .date()
            .to_datetime(Time::new(t.hour(), 0, 0, 0).unwrap_or_default()),
        Grain::Day => midnight,
        Grain::Week => {
            let first = match week {
                WeekStart::Monday => Weekday::Monday,
                WeekStart::Sunday => Weekday::Sunday,
            };
            let back = i64::from(t.weekday().since(first));
            midnight
                .checked_sub(jiff::Span::new().days(back))
                .unwrap_or(midnight)
        }
        Grain::Month => t.date().first_of_month().to_datetime(Time::midnight()),
    }
}

fn grain_span(grain: Grain, n: i64) -> jiff::Span {
    match grain {
        Grain::Hour => jiff::Span::new().hours(n),
        Grain::Day => jiff::Span::new().days(n),
        Grain::Week => jiff::Span::new().weeks(n),
        Grain::Month => jiff::Span::new().months(n),
    }
}

/// The bucket after a bucket start.
pub fn next_bucket(t: DateTime, grain: Grain) -> DateTime {
    t.checked_add(grain_span(grain, 1)).unwrap_or(t)
}

/// `n` buckets before a bucket start.
fn step_back(t: DateTime, grain: Grain, week: WeekStart, n: u64) -> DateTime {
    let n = i64::try_from(n).unwrap_or(i64::MAX / 2).min(100_000);
    bucket_of(
        t.checked_sub(grain_span(grain, n)).unwrap_or(t),
        grain,
        week,
    )
}

fn text_at(t: &Table, row: &[Cell], name: &str) -> Option<String> {
    t.index(name).and_then(|i| row[i].text())
}

fn num_at(t: &Table, row: &[Cell], name: &str) -> Option<f64> {
    t.index(name).and_then(|i| row[i].number())
}

fn int_at(t: &Table, row: &[Cell], name: &str) -> Option<i64> {
    t.index(name).and_then(|i| row[i].int())
}

fn statuses_of(t: &Table) -> Vec<Status> {
    t.rows
        .iter()
        .map(|r| {
            let text = |n: &str| text_at(t, r, n);
            Status {
                rule: text("rule").unwrap_or_default(),
                journey: text("journey"),
                pair: text("pair"),
                side: text("side"),
                metric: text("metric"),
                source: text("source"),
                bucket: text("bucket").unwrap_or_default(),
                grouping: text("grouping").unwrap_or_default(),
                cohort: text("cohort").unwrap_or_default(),
                value: num_at(t, r, "value"),
                baseline: num_at(t, r, "baseline"),
                bound: text("bound"),
                sample: int_at(t, r, "sample"),
                min_sample: int_at(t, r, "min_sample"),
                status: text("status")
                    .and_then(|s| Level::parse(&s))
                    .unwrap_or(Level::Insufficient),
                security_owner: text("security_owner"),
                product_owner: text("product_owner"),
                acting_owner: text("acting_owner"),
                action: text("action"),
            }
        })
        .collect()
}

/// The measure columns and the leading key columns of the `scorecard`
/// view; the columns between them are cohort dimensions.
const VALUE_KEYS: [&str; 4] = ["metric", "journey", "bucket", "grouping"];

fn values(t: &Table) -> Vec<Value> {
    let dims: Vec<(usize, &String)> = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            !VALUE_KEYS.contains(&c.as_str()) && !crate::sql::render::MEASURES.contains(&c.as_str())
        })
        .collect();
    t.rows
        .iter()
        .map(|r| {
            let text = |n: &str| text_at(t, r, n);
            let grouping = text("grouping").unwrap_or_default();
            Value {
                metric: text("metric").unwrap_or_default(),
                journey: text("journey").unwrap_or_default(),
                bucket: text("bucket").unwrap_or_default(),
                cohort: cohort(&grouping, &dims, r),
                grouping,
                value: num_at(t, r, "value"),
                numerator: text("numerator"),
                denominator: text("denominator"),
                sample: int_at(t, r, "sample"),
                incomplete: t
                    .index("incomplete")
                    .and_then(|i| r[i].bool())
                    .unwrap_or(false),
            }
        })
        .collect()
}

/// The cohort text the status view writes: `overall`, or each grouped
/// dimension as `dim=value` (NULL as `unknown`) joined by `,`.
fn cohort(grouping: &str, dims: &[(usize, &String)], row: &[Cell]) -> String {
    if grouping == "overall" {
        return "overall".to_string();
    }
    let grouped: Vec<&str> = grouping.split(',').collect();
    dims.iter()
        .filter(|(_, d)| grouped.contains(&d.as_str()))
        .map(|(i, d)| format!("{d}={}", row[*i].text().unwrap_or_else(|| "unknown".into())))
        .collect::<Vec<_>>()
        .join(",")
}

fn gauge_rows(t: &Table) -> Vec<GaugeRow> {
    let labels: Vec<(usize, &String)> = t
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| !["gauge", "bucket", "incomplete", "value"].contains(&c.as_str()))
        .collect();
    t.rows
        .iter()
        .map(|r| GaugeRow {
            gauge: text_at(t, r, "gauge").unwrap_or_default(),
            labels: labels
                .iter()
                .filter_map(|(i, l)| r[*i].text().map(|v| ((*l).clone(), v)))
                .collect(),
            bucket: text_at(t, r, "bucket").unwrap_or_default(),
            incomplete: t
                .index("incomplete")
                .and_then(|i| r[i].bool().or_else(|| r[i].int().map(|v| v != 0)))
                .unwrap_or(false),
            value: num_at(t, r, "value"),
        })
        .collect()
}
