//! Warehouse SQL from a checked scorecard.
//!
//! `plan` decides what each statement computes (streams, counters, window
//! columns); `render` writes it for one dialect; `dialect` holds what
//! differs between warehouses; `tz` computes time-zone offsets for DuckDB.
//! `build` (in `crate::build`) lays the statements out as files.

pub mod dialect;
mod pairs;
pub mod plan;
pub mod render;
pub mod tz;

use std::fmt::Write as _;

use indexmap::IndexMap;

pub use dialect::Dialect;
pub use pairs::pairs_sql;
pub use render::{Bounds, RenderError};

use crate::model::{Grain, Scorecard, WeekStart};
use plan::{Plan, Selection};
use render::Renderer;

/// Refuses identifiers that the dialect would read differently from
/// sqlparser: on BigQuery and ClickHouse a backslash in a quoted name is an
/// escape, which sqlparser does not know, so a name holding a backslash or
/// the quote character could end the name early in the warehouse.
pub fn check_identifiers(
    model: &Scorecard,
    dialect: Dialect,
    schema: &str,
) -> Result<(), RenderError> {
    let d = dialect.sql();
    if !d.ident_backslash_escapes() {
        return Ok(());
    }
    let mut names: Vec<String> = vec![schema.to_string()];
    for source in model.sources.values() {
        names.extend(source.table.split('.').map(str::to_string));
        names.extend(source.columns.keys().cloned());
        names.extend(source.dimensions.keys().cloned());
        names.extend(source.key_columns().map(str::to_string));
        names.push(source.timestamp.clone());
        for e in source
            .filter
            .iter()
            .chain(source.dimensions.values().filter_map(|x| x.expr.as_ref()))
        {
            render::expr::columns(e, &mut names);
        }
    }
    for event in model.events.values() {
        if let Some(f) = &event.filter {
            render::expr::columns(f, &mut names);
        }
    }
    let q = d.quote();
    match names.iter().find(|n| n.contains('\\') || n.contains(q)) {
        None => Ok(()),
        Some(bad) => Err(RenderError {
            message: format!(
                "the name {bad:?} holds a backslash or `{q}`, which {} reads as an escape inside a quoted name; rename it to build for {}",
                dialect.name(),
                dialect.name()
            ),
        }),
    }
}

/// Whether a wall-clock time starts a bucket of `grain`.
pub fn is_bucket_start(t: jiff::civil::DateTime, grain: Grain, week_start: WeekStart) -> bool {
    let midnight = t.time() == jiff::civil::Time::midnight();
    match grain {
        Grain::Hour => t.minute() == 0 && t.second() == 0 && t.subsec_nanosecond() == 0,
        Grain::Day => midnight,
        Grain::Week => {
            let first = match week_start {
                WeekStart::Monday => jiff::civil::Weekday::Monday,
                WeekStart::Sunday => jiff::civil::Weekday::Sunday,
            };
            midnight && t.weekday() == first
        }
        Grain::Month => midnight && t.day() == 1,
    }
}

/// What a statement is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `CREATE OR REPLACE VIEW <schema>.<name> AS ...` over all the data.
    View,
    /// A plain `SELECT` with `start`, `end` and `as_of` parameters.
    AdHoc,
}

/// Options shared by every statement of a build.
#[derive(Clone, Debug)]
pub struct Options {
    /// Schema the views are created in.
    pub schema: String,
    /// The file each metric is declared in, for headers.
    pub metric_files: indexmap::IndexMap<String, String>,
}

/// The plans of a scorecard, made once per build and rendered for every
/// dialect: the whole scorecard, and the metrics of each source (whose
/// streams the `counts_<stream>` views compute).
pub struct Plans<'m> {
    /// Every metric.
    pub all: Plan<'m>,
    by_source: IndexMap<String, Plan<'m>>,
}

impl<'m> Plans<'m> {
    /// Plans every statement of a build.
    pub fn new(model: &'m Scorecard) -> Plans<'m> {
        let all = Plan::new(model, Selection::All);
        let mut by_source = IndexMap::new();
        for stream in all.streams.values() {
            let source = &stream.source.name;
            if !by_source.contains_key(source) {
                by_source.insert(source.clone(), Plan::new(model, Selection::Source(source)));
            }
        }
        Plans { all, by_source }
    }

    /// The plan of the source a stream reads.
    fn of_stream(&self, stream: &str) -> Option<&Plan<'m>> {
        let source = &self.all.streams.get(stream)?.source.name;
        self.by_source.get(source)
    }
}

/// The `scorecard` statement for a selection of metrics.
pub fn metrics_sql(
    model: &Scorecard,
    dialect: Dialect,
    selection: Selection<'_>,
    bounds: Bounds,
    view: Option<&str>,
    options: &Options,
) -> Result<String, RenderError> {
    check_identifiers(model, dialect, &options.schema)?;
    Ok(query_sql(
        &Plan::new(model, selection),
        dialect,
        bounds,
        view,
        options,
    ))
}

/// The statement of a plan's metrics in the output shape: a view, or the
/// ad-hoc query (ordered) when `view` is `None`. The caller has checked the
/// identifiers for the dialect.
pub fn query_sql(
    plan: &Plan<'_>,
    dialect: Dialect,
    bounds: Bounds,
    view: Option<&str>,
    options: &Options,
) -> String {
    let ordered = view.is_none();
    let body = Renderer::new(plan, dialect, bounds.clone(), &options.schema).query(ordered);
    let header = header(plan.model, dialect, listed(plan, options), &bounds, options);
    statement(dialect, header, body, view, &options.schema)
}

/// The view `journey_<journey>`: the journey's rows of the `scorecard`
/// view, with the cohort columns of its metrics (`scorec sql JOURNEY`).
pub fn journey_view_sql(
    plans: &Plans<'_>,
    dialect: Dialect,
    journey: &str,
    options: &Options,
) -> String {
    let mut out = header(plans.all.model, dialect, "", &Bounds::View, options);
    out.push_str(&journey_view(plans, dialect, journey, options));
    out
}

/// Every journey's view in one file of `scorec build` (`journeys.sql`):
/// the header once, then per journey its metrics and its view.
pub fn journeys_sql(plans: &Plans<'_>, dialect: Dialect, options: &Options) -> String {
    let model = plans.all.model;
    let mut out = header(model, dialect, "", &Bounds::View, options);
    out.push_str(
        "-- One view per journey: its rows of the `scorecard` view (create them after it).\n",
    );
    for journey in model.journeys.keys() {
        out.push('\n');
        out.push_str(&journey_view(plans, dialect, journey, options));
    }
    out
}

/// One journey's metrics (as header lines) and its `CREATE VIEW`.
fn journey_view(plans: &Plans<'_>, dialect: Dialect, journey: &str, options: &Options) -> String {
    let model = plans.all.model;
    let d = dialect.sql();
    let metrics = model
        .journeys
        .get(journey)
        .map_or(&[][..], |j| &j.metrics[..]);
    let dims: Vec<&String> = plans
        .all
        .dims
        .iter()
        .filter(|dim| {
            metrics
                .iter()
                .any(|m| model.metrics[m].cohorts.contains(dim))
        })
        .collect();
    let columns: Vec<String> = ["metric", "journey", "bucket", "grouping"]
        .into_iter()
        .map(|c| d.ident(c))
        .chain(dims.iter().map(|c| d.ident(c)))
        .chain(render::MEASURES.iter().map(|c| d.ident(c)))
        .collect();
    let body = format!(
        "SELECT {}\nFROM {}.{}\nWHERE {} = {}",
        columns.join(", "),
        d.ident(&options.schema),
        d.ident("scorecard"),
        d.ident("journey"),
        d.string(journey)
    );
    let mut comments = listing(model, metrics, options);
    let _ = writeln!(
        comments,
        "-- The rows of journey `{}` in the `scorecard` view.",
        one_line(journey)
    );
    statement(
        dialect,
        comments,
        body,
        Some(&format!("journey_{journey}")),
        &options.schema,
    )
}

/// The fused aggregation of one stream (a source, or a source with
/// attributed cohorts): every counter by bucket and grouping, dense.
pub fn stream_sql(
    model: &Scorecard,
    dialect: Dialect,
    stream: &str,
    bounds: Bounds,
    options: &Options,
) -> Result<String, RenderError> {
    check_identifiers(model, dialect, &options.schema)?;
    Ok(stream_statement(
        &Plans::new(model),
        dialect,
        stream,
        bounds,
        options,
    ))
}

/// [`stream_sql`] from a build's plans, identifiers checked.
pub fn stream_statement(
    plans: &Plans<'_>,
    dialect: Dialect,
    stream: &str,
    bounds: Bounds,
    options: &Options,
) -> String {
    let plan = plans.of_stream(stream).unwrap_or(&plans.all);
    let body = Renderer::new(plan, dialect, bounds.clone(), &options.schema).stream_query(stream);
    let mut header = header(plan.model, dialect, listed(plan, options), &bounds, options);
    let _ = writeln!(
        header,
        "-- The fused aggregation of `{}`: one scan, every counter by bucket and cohort.",
        one_line(stream)
    );
    statement(
        dialect,
        header,
        body,
        Some(&format!("counts_{stream}")),
        &options.schema,
    )
}

/// The signal-integrity statement: every source the selection reads.
pub fn integrity_sql(
    model: &Scorecard,
    dialect: Dialect,
    bounds: Bounds,
    view: Option<&str>,
    options: &Options,
) -> Result<String, RenderError> {
    check_identifiers(model, dialect, &options.schema)?;
    let plan = Plan::sources_only(model);
    let body = Renderer::new(&plan, dialect, bounds.clone(), &options.schema).integrity_query();
    let mut header = header(model, dialect, "", &bounds, options);
    header.push_str(
        "-- Signal integrity per source and bucket: rows received and kept after\n\
         -- de-duplication, the duplicate ratio, the newest timestamp, and how many\n\
         -- minutes it lags behind the newest timestamp of all sources.\n",
    );
    Ok(statement(dialect, header, body, view, &options.schema))
}

/// `scorec run`'s statement on the embedded DuckDB: the `scorecard` rows
/// and every source's signal-integrity rows, computed over one read and
/// de-duplication of each source (see `Renderer::run_query` for the
/// shape). Built from the pieces of [`query_sql`] and [`integrity_sql`];
/// integrity counts its rows from the CTEs the metrics read.
pub fn run_sql(
    model: &Scorecard,
    bounds: Bounds,
    options: &Options,
) -> Result<String, RenderError> {
    check_identifiers(model, Dialect::DuckDb, &options.schema)?;
    let plan = Plan::new(model, Selection::All).reading_every_source();
    Ok(Renderer::new(&plan, Dialect::DuckDb, bounds, &options.schema).run_query())
}

/// The DuckDB time-zone macros the views call, if the dialect needs them.
pub fn prelude_sql(
    model: &Scorecard,
    dialect: Dialect,
    options: &Options,
) -> Option<Result<String, RenderError>> {
    let sql = dialect
        .sql()
        .prelude(&options.schema, &model.settings.timezone)?;
    let mut out = header(model, dialect, "", &Bounds::View, options);
    out.push_str(&format!(
        "-- Time-zone conversion for {}, from scorec's tz database\n-- (transitions {} to {}); the views call these macros.\n",
        model.settings.timezone,
        tz::HORIZON.0,
        tz::HORIZON.1
    ));
    out.push_str(&sql);
    out.push_str(";\n");
    Some(Ok(out))
}

/// The header, then the statement: a view of `body`, or `body` itself.
/// The text is written as rendered: the tests parse every statement of
/// every dialect with sqlparser (and sqlglot) and run them on engines.
pub(crate) fn statement(
    dialect: Dialect,
    mut header: String,
    body: String,
    view: Option<&str>,
    schema: &str,
) -> String {
    let d = dialect.sql();
    let sql = match view {
        Some(name) => d.create_view(&format!("{}.{}", d.ident(schema), d.ident(name)), &body),
        None => {
            // At a line start: the scorecard's name is on the first line.
            if body.contains(&d.ident("bounds")) && !header.contains("\n-- Range [") {
                header.push_str(&format!("-- Parameters: {}\n", d.parameter_help()));
            }
            body
        }
    };
    header.push_str(&sql);
    header.push_str(";\n");
    header
}

/// Text safe inside a `--` comment: one line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The comment lines of a statement: what generated it, the dialect and
/// buckets, the range, and `listing` (the metrics it returns with their
/// files, from [`listing`]).
pub(crate) fn header(
    model: &Scorecard,
    dialect: Dialect,
    listing: &str,
    bounds: &Bounds,
    _options: &Options,
) -> String {
    let settings = &model.settings;
    let mut out = String::with_capacity(listing.len() + 256);
    let _ = write!(
        out,
        "-- Generated by scorec {} from scorecard `{}`. Do not edit; change the scorecard.\n-- Dialect {}; buckets of one {} in {}.\n",
        env!("CARGO_PKG_VERSION"),
        one_line(&model.name),
        dialect.name(),
        dialect::grain_word(settings.grain),
        settings.timezone
    );
    if let Bounds::Literal { start, end, as_of } = bounds {
        let _ = writeln!(
            out,
            "-- Range [{}, {}){}.",
            tz::civil_text(*start),
            tz::civil_text(*end),
            as_of.map_or_else(String::new, |a| format!(
                ", watermark {}",
                tz::civil_text(a)
            ))
        );
    }
    out.push_str(listing);
    out
}

/// A plan's [`listing`], made once.
fn listed<'p>(plan: &'p Plan<'_>, options: &Options) -> &'p str {
    plan.listing
        .get_or_init(|| listing(plan.model, &plan.outputs, options))
}

/// The header lines that list metrics with their journey, kind and file;
/// empty for none. The same in every dialect.
fn listing(model: &Scorecard, outputs: &[String], options: &Options) -> String {
    let mut out = String::new();
    if !outputs.is_empty() {
        out.push_str("-- Metrics:\n");
        for name in outputs {
            let m = &model.metrics[name];
            let file = options.metric_files.get(name).map_or("", String::as_str);
            let _ = writeln!(
                out,
                "--   {} ({}, {}) from {}",
                one_line(name),
                one_line(&m.journey),
                m.kind.keyword(),
                one_line(file)
            );
        }
    }
    out
}
