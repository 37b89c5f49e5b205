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
pub use pairs::{PairRows, pairs_sql, pairs_statement};
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
/// dialect: the whole scorecard, the metrics of each source (whose
/// streams the `counts_<stream>` views compute) and the pairs' rows.
pub struct Plans<'m> {
    /// Every metric.
    pub all: Plan<'m>,
    by_source: IndexMap<String, Plan<'m>>,
    /// The rows of `scorecard_pairs`.
    pub pairs: PairRows,
    /// Each journey's [`listing`], in the model's order: the same in every
    /// dialect, so made once.
    journey_listings: std::sync::OnceLock<Vec<String>>,
}

impl<'m> Plans<'m> {
    /// Plans every statement of a build.
    pub fn new(model: &'m Scorecard) -> Plans<'m> {
        // The plan of every metric takes about as long as the rest
        // together: make them on two cores.
        let (all, (mut by_source, pairs)) = std::thread::scope(|scope| {
            let rest = scope.spawn(|| {
                let by_source = model
                    .sources
                    .keys()
                    .map(|s| (s.clone(), Plan::new(model, Selection::Source(s))))
                    .collect::<IndexMap<_, _>>();
                (by_source, PairRows::new(model))
            });
            let all = Plan::new(model, Selection::All);
            let rest = rest.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            (all, rest)
        });
        by_source.retain(|source, _| all.streams.values().any(|s| &s.source.name == source));
        Plans {
            all,
            by_source,
            pairs,
            journey_listings: std::sync::OnceLock::new(),
        }
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
    ScorecardSql::new(plan, dialect, options).statement(bounds, view)
}

/// The `scorecard` view and its ad-hoc form, as [`query_sql`] writes
/// them; the metric values that end both are rendered once. Each form is
/// written when asked for, so that a build holds one at a time.
pub struct ScorecardSql<'a, 'm> {
    plan: &'a Plan<'m>,
    dialect: Dialect,
    options: &'a Options,
    values: render::Values,
}

impl<'a, 'm> ScorecardSql<'a, 'm> {
    /// Renders the values shared by both forms.
    pub fn new(plan: &'a Plan<'m>, dialect: Dialect, options: &'a Options) -> Self {
        let values = Renderer::new(plan, dialect, Bounds::View, &options.schema).values();
        ScorecardSql {
            plan,
            dialect,
            options,
            values,
        }
    }

    /// The view `scorecard`.
    pub fn view(&self) -> String {
        self.statement(Bounds::View, Some("scorecard"))
    }

    /// The plain `SELECT` with `start`, `end` and `as_of` parameters.
    pub fn adhoc(&self) -> String {
        self.statement(Bounds::Parameters, None)
    }

    /// The statement with `bounds`, as the view `view` or, without one,
    /// ordered for ad-hoc use.
    fn statement(&self, bounds: Bounds, view: Option<&str>) -> String {
        let (plan, dialect, options) = (self.plan, self.dialect, self.options);
        let header = header(plan.model, dialect, listed(plan, options), &bounds, options);
        let head = statement_head(dialect, header, view, &bounds, &options.schema);
        // The body is written after the head: a large scorecard's statement
        // runs to megabytes.
        let mut out = Renderer::new(plan, dialect, bounds, &options.schema).query(
            &self.values,
            view.is_none(),
            head,
        );
        out.push_str(";\n");
        out
    }
}

/// The view `journey_<journey>`: the journey's rows of the `scorecard`
/// view, with the cohort columns of its metrics (`scorec sql JOURNEY`).
pub fn journey_view_sql(
    plans: &Plans<'_>,
    dialect: Dialect,
    journey: &str,
    options: &Options,
) -> String {
    let model = plans.all.model;
    let mut out = header(model, dialect, "", &Bounds::View, options);
    let metrics = model
        .journeys
        .get(journey)
        .map_or(&[][..], |j| &j.metrics[..]);
    let listing = listing(model, metrics, options);
    out.push_str(&journey_view(plans, dialect, journey, listing, options));
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
    let listings = plans.journey_listings.get_or_init(|| {
        model
            .journeys
            .values()
            .map(|j| listing(model, &j.metrics, options))
            .collect()
    });
    for (journey, listing) in model.journeys.keys().zip(listings) {
        out.push('\n');
        out.push_str(&journey_view(
            plans,
            dialect,
            journey,
            listing.clone(),
            options,
        ));
    }
    out
}

/// One journey's metrics (`listing`, its header lines) and its `CREATE
/// VIEW`.
fn journey_view(
    plans: &Plans<'_>,
    dialect: Dialect,
    journey: &str,
    listing: String,
    options: &Options,
) -> String {
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
    let mut comments = listing;
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
        &Bounds::View,
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
        &bounds,
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
    Ok(statement(
        dialect,
        header,
        body,
        view,
        &bounds,
        &options.schema,
    ))
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
    header: String,
    body: String,
    view: Option<&str>,
    bounds: &Bounds,
    schema: &str,
) -> String {
    let mut out = statement_head(dialect, header, view, bounds, schema);
    out.push_str(&body);
    out.push_str(";\n");
    out
}

/// The header and what precedes the body: `CREATE VIEW … AS` for a view;
/// for the ad-hoc form with parameters, how to set them.
pub(crate) fn statement_head(
    dialect: Dialect,
    mut header: String,
    view: Option<&str>,
    bounds: &Bounds,
    schema: &str,
) -> String {
    let d = dialect.sql();
    match view {
        Some(name) => {
            header.push_str(&d.create_view(&format!("{}.{}", d.ident(schema), d.ident(name))));
        }
        None if *bounds == Bounds::Parameters => {
            let _ = writeln!(header, "-- Parameters: {}", d.parameter_help());
        }
        None => {}
    }
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
