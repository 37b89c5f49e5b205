//! The renderer: one statement per plan, for one dialect.
//!
//! A statement is a chain of CTEs named after what they compute:
//!
//! | CTE | computes |
//! |---|---|
//! | `bounds` | the ad-hoc form's parameters (each used once) |
//! | `<source>__read` | the one scan of a source: the columns used, the UTC timestamp, from the range start less the look-backs |
//! | `<source>__ranked`, `<source>__deduped` | the bucket in the scorecard's zone; one row per dedupe key |
//! | `<source>__newest` | the source's newest timestamp (the watermark) |
//! | `<source>__received` | rows received per bucket, for signal integrity (unread, so not computed, in statements of metrics alone) |
//! | `<stream>__attributed` | cohorts taken from another source's earlier event |
//! | `<stream>__rows` | window columns: next B per key, events per key and bucket |
//! | `<stream>__counts` | the plain counts and sums of the stream's metrics, by conditional aggregation over `GROUPING SETS` |
//! | `<stream>__window_input`, `__window_counts` | the rows of the events that need window columns, and their counters |
//! | `<stream>__distinct_input`, `__distinct_counts` | the rows of the events counted distinct, and their counters |
//! | `buckets`, `<stream>__dense` | every bucket × every cohort seen, zeros where nothing happened |
//! | `<metric>__values` | a derived metric's rows in the output shape |
//!
//! The final select writes every counted metric in the output shape at once:
//! one compact branch per metric, the casts and `incomplete` once
//! (`values.rs`).
//!
//! The pieces are identifiers and literals quoted by the dialect, and user
//! fragments re-emitted from their parsed form; no text a user wrote is
//! pasted. The text is written as assembled (parsing every statement of a
//! large scorecard again would cost more than rendering it); the tests
//! parse every statement of every dialect with sqlparser and sqlglot, and
//! run them on real engines.

mod dense;
pub(crate) mod expr;
mod metrics;
mod streams;
mod values;
mod windows;

pub(crate) use metrics::MEASURES;

use jiff::civil::DateTime;
use sqlparser::parser::{Parser, ParserOptions};

use crate::model::{Grain, WeekStart};
use crate::sql::dialect::{Clock, Dialect, SqlDialect};
use crate::sql::plan::Plan;
use crate::sql::tz::{self, Zone};

/// The time range a statement covers.
#[derive(Clone, Debug, PartialEq)]
pub enum Bounds {
    /// All the data (views): from the first bucket with data to the bucket
    /// of the newest row, watermark from the data.
    View,
    /// The ad-hoc form: `start`, `end` and `as_of` are parameters.
    Parameters,
    /// A known range, half-open, in the scorecard's wall-clock time; the
    /// watermark is `as_of` (wall-clock) when given.
    Literal {
        /// First bucket.
        start: DateTime,
        /// End, exclusive.
        end: DateTime,
        /// Watermark override.
        as_of: Option<DateTime>,
    },
}

/// Renders plans for one dialect.
pub(crate) struct Renderer<'p, 'm> {
    pub(crate) plan: &'p Plan<'m>,
    pub(crate) d: &'static dyn SqlDialect,
    pub(crate) zone: Zone,
    pub(crate) bounds: Bounds,
    /// Plain counters are summed by UTC hour before the bucket is
    /// computed: the zone's offsets are whole hours over the statement's
    /// span ([`tz::whole_hours`]).
    hourly: bool,
    ctes: Vec<Cte>,
}

/// The end of a `scorecard` statement: each derived metric's CTE and
/// the final select in the output shape. It reads the CTEs before it by
/// name only (dense counts, watermarks) and does not depend on the
/// bounds, so the view and the ad-hoc form end in the same text, which a
/// build renders once for both.
pub(crate) struct Values {
    ctes: Vec<Cte>,
    select: String,
}

/// One CTE of a statement.
struct Cte {
    name: String,
    body: String,
    /// Read by many parts of the statement: `AS MATERIALIZED` where the
    /// dialect wants it ([`SqlDialect::materializes_shared_ctes`]).
    shared: bool,
}

/// A scorecard that cannot be written in a dialect (a name the dialect
/// would read differently).
#[derive(Debug)]
pub struct RenderError {
    /// What went wrong.
    pub message: String,
}

impl<'p, 'm> Renderer<'p, 'm> {
    /// A renderer for a plan.
    pub(crate) fn new(
        plan: &'p Plan<'m>,
        dialect: Dialect,
        bounds: Bounds,
        macro_schema: &str,
    ) -> Renderer<'p, 'm> {
        let settings = &plan.model.settings;
        let span = match &bounds {
            Bounds::Literal { start, end, as_of } => {
                literal_span(plan, &settings.timezone, *start, *end, *as_of)
            }
            _ => None,
        };
        Renderer {
            plan,
            d: dialect.sql(),
            zone: Zone {
                name: settings.timezone.clone(),
                span,
                macro_schema: macro_schema.to_string(),
            },
            bounds,
            hourly: tz::whole_hours(&settings.timezone, span),
            ctes: Vec::new(),
        }
    }

    /// The CTEs up to every stream's dense counts.
    fn counted_ctes(&mut self) {
        self.ctes.clear();
        self.parameters();
        self.sources();
        self.streams();
        self.buckets();
        self.dense();
    }

    /// The CTEs up to every metric's values.
    fn metric_ctes(&mut self) {
        self.counted_ctes();
        self.watermarks();
        self.metric_values();
    }

    /// The end of a `scorecard` statement (see [`Values`]).
    pub(crate) fn values(mut self) -> Values {
        self.ctes.clear();
        self.metric_values();
        let outputs: Vec<String> = self.plan.outputs.clone();
        Values {
            select: self.output_select(&outputs),
            ctes: self.ctes,
        }
    }

    /// The statement's body, written after `head`: a query in the output
    /// shape, ending in `values` (rendered from the same plan and
    /// dialect), ordered in the ad-hoc form.
    pub(crate) fn query(mut self, values: &Values, order: bool, head: String) -> String {
        self.counted_ctes();
        self.watermarks();
        let order = order.then(|| self.order_by());
        self.with_after(head, &values.ctes, &values.select, order.as_deref())
    }

    /// `scorec run`'s statement, for DuckDB: the rows of `query` and of
    /// `integrity_query` over one chain of CTEs, so that each source is
    /// read and de-duplicated once. A row holds a struct of one or the
    /// other (`sc_scorecard`, `sc_integrity`), named by `sc_part`; structs
    /// keep the two shapes apart whatever the cohort columns are called.
    pub(crate) fn run_query(mut self) -> String {
        self.metric_ctes();
        let outputs: Vec<String> = self.plan.outputs.clone();
        let scorecard = self.output_select(&outputs);
        let integrity = self.integrity_select();
        let (part, s, i) = (self.id("sc_part"), self.id("s"), self.id("i"));
        let select = format!(
            "SELECT {} AS {part}, {s} AS {}, NULL AS {}\nFROM ({scorecard}) AS {s}\nUNION ALL\nSELECT {}, NULL, {i}\nFROM ({integrity}) AS {i}",
            self.lit("scorecard"),
            self.id("sc_scorecard"),
            self.id("sc_integrity"),
            self.lit("signal_integrity"),
        );
        self.with(&select)
    }

    /// One stream's dense counts.
    pub(crate) fn stream_query(mut self, stream: &str) -> String {
        self.counted_ctes();
        let mut columns = vec![
            format!("{} AS {}", self.id("sc_bucket"), self.id("bucket")),
            format!("{} AS {}", self.id("sc_grouping"), self.id("grouping")),
        ];
        if let Some(s) = self.plan.streams.get(stream) {
            columns.extend(s.dims.iter().map(|d| self.id(d)));
            columns.extend(s.counters.keys().map(|c| self.id(c)));
        }
        let select = format!(
            "SELECT {}\nFROM {}",
            columns.join(", "),
            self.id(&format!("{stream}__dense"))
        );
        self.with(&select)
    }

    fn parameters(&mut self) {
        if self.bounds == Bounds::Parameters {
            let d = self.d;
            let body = format!(
                "SELECT {} AS {}, {} AS {}, {} AS {}",
                d.parameter("start"),
                self.id("sc_start"),
                d.parameter("end"),
                self.id("sc_end"),
                d.parameter("as_of"),
                self.id("sc_as_of")
            );
            self.cte("bounds", body);
        }
    }

    /// The signal-integrity query: per source and bucket, rows received and
    /// kept, the duplicate ratio, the newest timestamp and its lag behind
    /// the watermark.
    pub(crate) fn integrity_query(mut self) -> String {
        self.ctes.clear();
        self.parameters();
        self.sources();
        let select = self.integrity_select();
        self.with(&select)
    }

    /// `WITH` the renderer's CTEs, then `select`.
    fn with(&self, select: &str) -> String {
        self.with_after(String::new(), &[], select, None)
    }

    /// Writes after `head`: `WITH` the renderer's CTEs and then `more`,
    /// `select` and `ORDER BY order`, in one string (a large scorecard's
    /// statement runs to megabytes).
    fn with_after(&self, head: String, more: &[Cte], select: &str, order: Option<&str>) -> String {
        let ctes = || self.ctes.iter().chain(more);
        let size = ctes()
            .map(|c| c.name.len() + c.body.len() + 32)
            .sum::<usize>()
            + select.len()
            + order.map_or(0, str::len)
            + 16;
        let mut out = head;
        out.reserve(size);
        let empty = out.len();
        let materialize = self.d.materializes_shared_ctes();
        for (i, c) in ctes().enumerate() {
            out.push_str(if i == 0 { "WITH\n" } else { ",\n" });
            out.push_str(&self.id(&c.name));
            out.push_str(if c.shared && materialize {
                " AS MATERIALIZED (\n"
            } else {
                " AS (\n"
            });
            out.push_str(&c.body);
            out.push_str("\n)");
        }
        if out.len() > empty {
            out.push('\n');
        }
        out.push_str(select);
        if let Some(order) = order {
            out.push_str("\nORDER BY ");
            out.push_str(order);
        }
        out
    }

    pub(crate) fn cte(&mut self, name: &str, body: String) {
        self.push_cte(name, body, false);
    }

    /// A CTE that many parts of the statement read.
    pub(crate) fn shared_cte(&mut self, name: &str, body: String) {
        self.push_cte(name, body, true);
    }

    fn push_cte(&mut self, name: &str, body: String, shared: bool) {
        self.ctes.push(Cte {
            name: name.to_string(),
            body,
            shared,
        });
    }

    /// A quoted identifier.
    pub(crate) fn id(&self, name: &str) -> String {
        self.d.ident(name)
    }

    /// `alias.column`, both quoted.
    pub(crate) fn col(&self, alias: &str, name: &str) -> String {
        format!("{}.{}", self.id(alias), self.id(name))
    }

    /// A string literal.
    pub(crate) fn lit(&self, value: &str) -> String {
        self.d.string(value)
    }

    /// The range start, wall-clock; `None` for views.
    pub(crate) fn start(&self) -> Option<String> {
        match &self.bounds {
            Bounds::Literal { start, .. } => Some(self.local_literal(*start)),
            _ => self.parameter("sc_start"),
        }
    }

    /// The range end, wall-clock; `None` for views.
    pub(crate) fn end(&self) -> Option<String> {
        match &self.bounds {
            Bounds::Literal { end, .. } => Some(self.local_literal(*end)),
            _ => self.parameter("sc_end"),
        }
    }

    fn local_literal(&self, t: DateTime) -> String {
        self.d.timestamp(&tz::civil_text(t), Clock::Local)
    }

    /// A column of the `bounds` CTE in the ad-hoc form; `None` otherwise.
    fn parameter(&self, column: &str) -> Option<String> {
        (self.bounds == Bounds::Parameters).then(|| self.bound(column))
    }

    /// The watermark override, wall-clock.
    pub(crate) fn as_of(&self) -> Option<String> {
        match &self.bounds {
            Bounds::Literal { as_of, .. } => as_of.map(|a| self.local_literal(a)),
            _ => self.parameter("sc_as_of"),
        }
    }

    fn bound(&self, column: &str) -> String {
        format!("(SELECT {} FROM {})", self.id(column), self.id("bounds"))
    }

    /// The UTC instant `seconds` before the range start; `None` for views.
    pub(crate) fn floor(&self, seconds: u64) -> Option<String> {
        let seconds = i64::try_from(seconds).unwrap_or(i64::MAX / 2);
        match &self.bounds {
            Bounds::View => None,
            Bounds::Parameters => {
                let start = self.d.to_utc(&self.bound("sc_start"), &self.zone);
                Some(self.d.add_seconds(&start, -seconds, Clock::Utc))
            }
            Bounds::Literal { start, .. } => {
                let utc = jiff::tz::TimeZone::get(&self.zone.name)
                    .ok()
                    .and_then(|tz| start.to_zoned_datetime(tz).ok())
                    .map(|z| z.timestamp())
                    .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
                let floor = utc
                    .checked_sub(jiff::SignedDuration::from_secs(seconds))
                    .unwrap_or(utc);
                Some(self.d.timestamp(&tz::timestamp_text(floor), Clock::Utc))
            }
        }
    }

    /// The bucket of a UTC instant.
    pub(crate) fn bucket_of(&self, utc: &str) -> String {
        let local = self.d.to_local(utc, &self.zone);
        let settings = &self.plan.model.settings;
        if settings.grain == Grain::Week && settings.week_start == WeekStart::Sunday {
            // Weeks from Sunday: the Monday week of the next day, less a day.
            let next = self.d.add_seconds(&local, 86_400, Clock::Local);
            let monday = self.d.truncate(Grain::Week, &next);
            self.d.add_seconds(&monday, -86_400, Clock::Local)
        } else {
            self.d.truncate(settings.grain, &local)
        }
    }

    /// A typed NULL of the text type.
    pub(crate) fn null_text(&self) -> String {
        self.d.null_of(self.d.text())
    }
}

/// The instants a literal range's SQL must convert right: from the earliest
/// look-back before the start to a day past the end plus the longest
/// window. Anything later only needs to be later.
fn literal_span(
    plan: &Plan<'_>,
    zone: &str,
    start: DateTime,
    end: DateTime,
    as_of: Option<DateTime>,
) -> Option<(jiff::Timestamp, jiff::Timestamp)> {
    let tz = jiff::tz::TimeZone::get(zone).ok()?;
    let lookback = plan
        .sources
        .values()
        .map(|s| s.attribution_lookback)
        .chain([plan.model.settings.dedupe_lookback.seconds])
        .max()
        .unwrap_or(0);
    let window = plan.metrics.values().map(|m| m.window).max().unwrap_or(0);
    let day = 86_400_i64;
    let from = start.to_zoned_datetime(tz.clone()).ok()?.timestamp();
    let mut to = end.to_zoned_datetime(tz.clone()).ok()?.timestamp();
    if let Some(a) = as_of {
        to = to.max(a.to_zoned_datetime(tz).ok()?.timestamp());
    }
    let from = from
        .checked_sub(jiff::SignedDuration::from_secs(
            i64::try_from(lookback).ok()? + 2 * day,
        ))
        .ok()?;
    let to = to
        .checked_add(jiff::SignedDuration::from_secs(
            i64::try_from(window).ok()? + 2 * day,
        ))
        .ok()?;
    Some((from, to))
}

/// Parses `sql` in the dialect (it must be exactly one statement) and
/// prints it from the AST, for the small statements of `scorec alerts`
/// (the build writes its large ones as rendered). Literals are kept as
/// written (no unescaping): sqlparser prints a string by doubling quotes
/// only, which would undo the backslash escapes of BigQuery, Snowflake,
/// Databricks, Redshift and ClickHouse.
pub fn finish(dialect: Dialect, sql: &str) -> Result<String, RenderError> {
    let parser = dialect.parser();
    let error = |e: sqlparser::parser::ParserError| RenderError {
        message: format!(
            "generated {} SQL does not parse: {e}\n{sql}",
            dialect.name()
        ),
    };
    let statements = Parser::new(&*parser)
        .with_options(
            ParserOptions::new()
                .with_trailing_commas(parser.supports_trailing_commas())
                .with_unescape(false),
        )
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
        .map_err(error)?;
    match statements.as_slice() {
        [one] => Ok(format!("{one:#}")),
        _ => Err(RenderError {
            message: format!(
                "generated {} SQL holds {} statements, not one",
                dialect.name(),
                statements.len()
            ),
        }),
    }
}
