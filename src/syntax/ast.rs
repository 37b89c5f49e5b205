//! The spanned syntax tree that both front-ends (YAML and DSL) build.
//!
//! It holds what the user wrote, unresolved: names are strings, SQL
//! fragments are text. Every node keeps the span it was written at, and
//! declarations keep the comments written above them so `fmt` and
//! `convert` lose nothing. Only `check` turns this into a model.

pub use super::duration::{Duration, TimeUnit};
use crate::span::{Span, Spanned};

/// A name as written (`login_attempt`).
pub type Name = Spanned<String>;

/// Comments written directly above a declaration, without the `#`.
pub type Comments = Vec<String>;

/// One parsed file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// The `scorecard` header; only the root file has one.
    pub header: Option<Header>,
    /// Tier policies.
    pub tiers: Vec<TierPolicy>,
    /// Warehouse tables and views.
    pub sources: Vec<Source>,
    /// Named predicates over one source.
    pub events: Vec<Event>,
    /// Customer journeys.
    pub journeys: Vec<Journey>,
    /// Comments after the last declaration.
    pub trailing_comments: Comments,
}

/// The root declaration: name, defaults, includes and user catalogs.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// Scorecard name.
    pub name: Name,
    /// Optional human title.
    pub title: Option<Spanned<String>>,
    /// Optional description.
    pub description: Option<Spanned<String>>,
    /// Defaults for every journey and metric.
    pub defaults: Defaults,
    /// Included files or glob patterns, relative to the root file.
    pub includes: Vec<Spanned<String>>,
    /// User catalog files, relative to the root file.
    pub catalogs: Vec<Spanned<String>>,
    /// Comments above the header.
    pub comments: Comments,
    /// Span of the whole header (or its name).
    pub span: Span,
}

/// Scorecard-wide defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Defaults {
    /// Target SQL dialect.
    pub dialect: Option<Name>,
    /// Time bucket: hour, day, week or month.
    pub grain: Option<Name>,
    /// IANA time zone of the buckets.
    pub timezone: Option<Spanned<String>>,
    /// Smallest sample that thresholds are evaluated on.
    pub min_sample: Option<Spanned<u64>>,
    /// First day of a week bucket (`monday` or `sunday`).
    pub week_start: Option<Name>,
    /// How far before the range start de-duplication looks.
    pub dedupe_lookback: Option<Spanned<Duration>>,
    /// How far back cohort attribution looks.
    pub attribution_lookback: Option<Spanned<Duration>>,
    /// Single-dimension rollups to add beside the grouped cohorts.
    pub rollups: Option<Spanned<bool>>,
}

/// A tier policy: defaults and requirements for journeys of one risk tier.
#[derive(Clone, Debug, PartialEq)]
pub struct TierPolicy {
    /// `low`, `medium`, `high` or `critical`.
    pub tier: Name,
    /// The floor for every min_sample of journeys of this tier.
    pub min_sample: Option<Spanned<u64>>,
    /// Cohort dimensions every journey of this tier must be broken down by.
    pub required_cohorts: Vec<Name>,
    /// Severity of a breach when a pair does not say (`warn` or `critical`).
    pub severity: Option<Name>,
    /// Owner roles that must sign off changes (`security`, `product`).
    pub sign_off: Vec<Name>,
    /// Comments above the declaration.
    pub comments: Comments,
    /// Span of the declaration.
    pub span: Span,
}

/// A warehouse table or view.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Source name.
    pub name: Name,
    /// Table or view, possibly qualified (`analytics.auth_events`).
    pub table: Option<Spanned<String>>,
    /// Timestamp column.
    pub timestamp: Option<Name>,
    /// Entity (user) key column.
    pub entity: Option<Name>,
    /// Session key column.
    pub session: Option<Name>,
    /// De-duplication key column.
    pub dedupe_by: Option<Name>,
    /// Tie-break column when two rows share a dedupe key and timestamp.
    pub dedupe_order: Option<Name>,
    /// Cohort dimensions the source carries.
    pub dimensions: Vec<Dimension>,
    /// Optional typed column schema, in declaration order.
    pub columns: Vec<Column>,
    /// Optional row filter applied before anything else.
    pub filter: Option<SqlText>,
    /// Signal-integrity checks, owned by security.
    pub integrity: Integrity,
    /// Lints allowed on this source.
    pub allow: Vec<Allow>,
    /// Comments above the declaration.
    pub comments: Comments,
    /// Span of the declaration.
    pub span: Span,
}

/// A cohort dimension: a column, or a named SQL expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Dimension {
    /// Dimension name.
    pub name: Name,
    /// Expression computing it; `None` means the column of the same name.
    pub expr: Option<SqlText>,
}

/// A declared column and its type.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// Column name.
    pub name: Name,
    /// Type: string, integer, decimal, double, boolean, timestamp, date.
    pub ty: Name,
}

/// Signal-integrity checks of one source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Integrity {
    /// Newest timestamp versus the watermark (`> 2h`).
    pub freshness: Option<Bounds>,
    /// Row volume versus its own baseline (`drops 30% vs 28d`).
    pub volume: Option<Bounds>,
    /// Share of rows that de-duplication removed (`> 1%`).
    pub duplicates: Option<Bounds>,
}

/// Warn and critical bounds, as used by integrity checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bounds {
    /// Warn bound.
    pub warn: Option<Threshold>,
    /// Critical bound.
    pub critical: Option<Threshold>,
    /// Span of the declaration.
    pub span: Span,
}

/// A named predicate over one source.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Event name.
    pub name: Name,
    /// The source it reads.
    pub source: Option<Name>,
    /// SQL predicate; `None` means every row of the source.
    pub filter: Option<SqlText>,
    /// Description for people.
    pub description: Option<Spanned<String>>,
    /// Comments above the declaration.
    pub comments: Comments,
    /// Span of the declaration.
    pub span: Span,
}

/// A customer journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    /// Journey name.
    pub name: Name,
    /// Human title.
    pub title: Option<Spanned<String>>,
    /// Description.
    pub description: Option<Spanned<String>>,
    /// Risk tier.
    pub tier: Option<Name>,
    /// Ordered steps (event names).
    pub steps: Vec<Name>,
    /// Owner of the signal.
    pub security_owner: Option<Spanned<String>>,
    /// Owner of the interpretation and thresholds.
    pub product_owner: Option<Spanned<String>>,
    /// Cohort dimensions, grouped together.
    pub cohorts: Vec<Name>,
    /// Journey-wide min_sample.
    pub min_sample: Option<Spanned<u64>>,
    /// Metrics.
    pub metrics: Vec<Metric>,
    /// Pairs.
    pub pairs: Vec<Pair>,
    /// Control changes.
    pub changes: Vec<ControlChange>,
    /// Lints allowed on this journey.
    pub allow: Vec<Allow>,
    /// Comments above the declaration.
    pub comments: Comments,
    /// Span of the declaration.
    pub span: Span,
}

/// A measured quantity of one journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Metric name, unique in the scorecard.
    pub name: Name,
    /// `security`, `experience` or `outcome`.
    pub side: Option<Name>,
    /// `high` or `low`.
    pub good: Option<Name>,
    /// What is measured.
    pub formula: Option<Spanned<Formula>>,
    /// Display unit (`fraction`, `count`, `minutes`, `currency:EUR`...).
    pub unit: Option<Spanned<String>>,
    /// Description for people.
    pub description: Option<Spanned<String>>,
    /// Metric-level min_sample.
    pub min_sample: Option<Spanned<u64>>,
    /// Where outcomes without cohort columns take their cohort from.
    pub attribution: Option<Attribution>,
    /// Lints allowed on this metric.
    pub allow: Vec<Allow>,
    /// Comments above the declaration.
    pub comments: Comments,
    /// Span of the declaration.
    pub span: Span,
}

/// What a metric measures, in the expression language.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per metric, built once; boxing would only add noise"
)]
pub enum Formula {
    /// `count(unit)`: events, or distinct keys.
    Count(Unit),
    /// `sum(value of unit)`: exact sum of a numeric expression.
    Sum {
        /// The summed expression (a column or SQL).
        value: SqlText,
        /// Which rows.
        unit: Unit,
    },
    /// `rate(numerator / denominator)`.
    Rate {
        /// Numerator.
        numerator: Unit,
        /// Denominator.
        denominator: Unit,
    },
    /// `conversion(a -> b within 7d)`: distinct entities with A reaching B.
    Conversion(Sequence),
    /// `duration(p95 of a -> b within 24h)`: minutes from each A to the next B.
    Duration {
        /// Percentile, 0 to 100.
        percentile: Spanned<f64>,
        /// Whether an approximate percentile is acceptable.
        approximate: bool,
        /// The two events and the window.
        sequence: Sequence,
    },
    /// Arithmetic over other metrics of the same journey.
    Derived(Arith),
}

impl Formula {
    /// The kind's keyword (`count`, `rate`...).
    pub fn keyword(&self) -> &'static str {
        match self {
            Formula::Count(_) => "count",
            Formula::Sum { .. } => "sum",
            Formula::Rate { .. } => "rate",
            Formula::Conversion(_) => "conversion",
            Formula::Duration { .. } => "duration",
            Formula::Derived(_) => "derived",
        }
    }
}

/// The rows a count, sum or rate side counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// Count distinct values of this key instead of events.
    pub distinct: Option<Spanned<Key>>,
    /// The event.
    pub event: Name,
    /// Extra SQL predicate (`login_attempt[risk_score > 0.8]`).
    pub filter: Option<SqlText>,
    /// Entity-frequency condition (`having count per entity > 3`).
    pub frequency: Option<Frequency>,
    /// Followed-by condition (`followed by b within 10m by session`).
    pub followed_by: Option<FollowedBy>,
    /// Span of the whole unit.
    pub span: Span,
}

/// A key that relates events: the source's entity, its session, or a column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    /// The source's declared entity column.
    Entity,
    /// The source's declared session column.
    Session,
    /// Another declared column.
    Column(String),
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Entity => f.write_str("entity"),
            Key::Session => f.write_str("session"),
            Key::Column(c) => f.write_str(c),
        }
    }
}

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// `having count per KEY > N`: events whose key has more than N events of
/// the same event in the bucket, counted across all cohorts.
#[derive(Clone, Debug, PartialEq)]
pub struct Frequency {
    /// The key events are counted per.
    pub key: Spanned<Key>,
    /// Comparison.
    pub op: CmpOp,
    /// Bound.
    pub count: Spanned<u64>,
    /// Span of the clause.
    pub span: Span,
}

/// `followed by B within D by KEY`.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowedBy {
    /// The event that must follow.
    pub event: Name,
    /// Optional window, both ends inclusive.
    pub within: Option<Spanned<Duration>>,
    /// The key that relates A and B (default: entity).
    pub by: Option<Spanned<Key>>,
    /// Span of the clause.
    pub span: Span,
}

/// `A -> B within D by KEY`, for conversion and duration.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// Start event.
    pub from: Name,
    /// End event.
    pub to: Name,
    /// Window, both ends inclusive.
    pub within: Option<Spanned<Duration>>,
    /// The key that relates A and B (default: entity).
    pub by: Option<Spanned<Key>>,
}

/// Arithmetic over metrics and numbers.
#[derive(Clone, Debug, PartialEq)]
pub enum Arith {
    /// A number literal, kept as written so it stays exact.
    Number(Spanned<String>),
    /// Another metric.
    Metric(Name),
    /// Unary minus.
    Neg(Box<Arith>),
    /// Binary operation.
    Binary(Box<Arith>, ArithOp, Box<Arith>),
}

/// Arithmetic operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A SQL fragment as written, and where: parsed by `check`, never pasted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlText {
    /// The fragment's text (after YAML unescaping).
    pub text: String,
    /// Span of the fragment in its file.
    pub span: Span,
    /// Byte offset in the file of each byte of `text`, when it could be
    /// aligned with the source (so errors point inside the fragment);
    /// empty when only `span` is known.
    pub offsets: Vec<u32>,
}

impl SqlText {
    /// The span of `range` of the text, as precisely as known.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        if self.offsets.is_empty() || range.start >= self.offsets.len() {
            return self.span;
        }
        let start = self.offsets[range.start] as usize;
        let last = range
            .end
            .saturating_sub(1)
            .clamp(range.start, self.offsets.len() - 1);
        let end = self.offsets[last] as usize + 1;
        Span::new(self.span.file, start..end.max(start + 1))
    }
}

/// Where a metric over a source without cohort columns takes its cohort:
/// the same entity's latest `event` at or before the outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// The event whose cohort is taken.
    pub event: Name,
    /// How far back to look (default: the scorecard's attribution_lookback).
    pub lookback: Option<Spanned<Duration>>,
    /// Column that breaks ties between events at the same time.
    pub tie_break: Option<Name>,
    /// Span of the clause.
    pub span: Span,
}

/// A pair: a security metric and an experience or outcome metric, judged together.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// Pair name.
    pub name: Name,
    /// Security side.
    pub security: Option<PairSide>,
    /// Experience (or outcome) side.
    pub experience: Option<PairSide>,
    /// Trade-off rule.
    pub tradeoff: Option<Spanned<Tradeoff>>,
    /// What the owners do on a breach.
    pub action: Option<Spanned<String>>,
    /// Framework controls the pair evidences (`csf:DE.AE-02`).
    pub maps: Vec<Spanned<String>>,
    /// Pair-level min_sample.
    pub min_sample: Option<Spanned<u64>>,
    /// Lints allowed on this pair.
    pub allow: Vec<Allow>,
    /// Comments above the declaration.
    pub comments: Comments,
    /// Span of the declaration.
    pub span: Span,
}

/// One side of a pair.
#[derive(Clone, Debug, PartialEq)]
pub struct PairSide {
    /// The metric.
    pub metric: Name,
    /// Warn bound.
    pub warn: Option<Threshold>,
    /// Critical bound.
    pub critical: Option<Threshold>,
    /// Side-level min_sample.
    pub min_sample: Option<Spanned<u64>>,
    /// Per-cohort overrides.
    pub overrides: Vec<CohortOverride>,
    /// Span of the side.
    pub span: Span,
}

/// Bounds and min_sample for one cohort value.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortOverride {
    /// Dimension.
    pub dimension: Name,
    /// Value of the dimension.
    pub value: Spanned<String>,
    /// Warn bound.
    pub warn: Option<Threshold>,
    /// Critical bound.
    pub critical: Option<Threshold>,
    /// min_sample for this cohort.
    pub min_sample: Option<Spanned<u64>>,
    /// Span of the override.
    pub span: Span,
}

/// A threshold: absolute, sustained, relative, or two-sided.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    /// The condition that breaches.
    pub bound: Bound,
    /// Breach only after this many consecutive breaching buckets.
    pub windows: Option<Spanned<u32>>,
    /// Span of the threshold text.
    pub span: Span,
}

/// The condition of a threshold.
#[derive(Clone, Debug, PartialEq)]
pub enum Bound {
    /// `< 95%`, `> 30m`.
    Absolute {
        /// Comparison.
        op: CmpOp,
        /// Bound.
        value: Quantity,
    },
    /// `< 0.1% or > 5%`: breached outside the two bounds.
    Outside {
        /// Breached below this.
        low: Quantity,
        /// Breached above this.
        high: Quantity,
        /// Whether the low bound is inclusive (`<=`).
        low_inclusive: bool,
        /// Whether the high bound is inclusive (`>=`).
        high_inclusive: bool,
    },
    /// `drops 20% vs 28d`, `rises 2pp vs 28d`.
    Relative {
        /// Direction of the change that breaches.
        direction: Direction,
        /// Size of the change: relative (`%`) or in points (`pp`).
        amount: Quantity,
        /// Baseline window before the bucket.
        baseline: Spanned<Duration>,
        /// Sample the baseline needs.
        baseline_min_sample: Option<Spanned<u64>>,
    },
}

/// Direction of a relative change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// The value falls.
    Drops,
    /// The value rises.
    Rises,
}

/// A number with the unit it was written in.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// Number as written, without the unit (`95`, `0.5`).
    pub number: String,
    /// The unit.
    pub unit: QuantityUnit,
    /// Span of the quantity.
    pub span: Span,
}

/// The unit a quantity was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuantityUnit {
    /// No unit: a fraction, count or amount.
    Plain,
    /// `%`.
    Percent,
    /// `pp`: percentage points.
    Points,
    /// A duration; the number is in seconds after normalisation.
    Seconds,
}

impl Quantity {
    /// The value in the metric's own terms: percent as a fraction, durations in seconds.
    pub fn value(&self) -> f64 {
        let n: f64 = self.number.parse().unwrap_or(f64::NAN);
        match self.unit {
            QuantityUnit::Percent | QuantityUnit::Points => n / 100.0,
            QuantityUnit::Plain | QuantityUnit::Seconds => n,
        }
    }
}

/// `experience worsens 3pp while security improves vs 28d`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tradeoff {
    /// The side that must degrade for the rule to fire.
    pub degrading: Spanned<SideName>,
    /// By how much it degrades (`%` relative or `pp`).
    pub amount: Quantity,
    /// The side that improves.
    pub improving: Spanned<SideName>,
    /// Baseline window both sides compare against.
    pub baseline: Spanned<Duration>,
    /// Severity of the resulting alert.
    pub severity: Option<Name>,
}

/// Which side of a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SideName {
    /// The security side.
    Security,
    /// The experience (or outcome) side.
    Experience,
}

/// A dated change of a control whose effect is traced before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlChange {
    /// Change name.
    pub name: Name,
    /// What changed, for people.
    pub title: Option<Spanned<String>>,
    /// Date the change took effect (`2026-03-15`).
    pub date: Option<Spanned<String>>,
    /// Other journeys the change touches, beside the one it is declared in.
    pub journeys: Vec<Name>,
    /// Outcome metrics expected to move.
    pub outcomes: Vec<Name>,
    /// Length of the before and after windows (default 14d).
    pub window: Option<Spanned<Duration>>,
    /// Gap after the change before the after window starts.
    pub washout: Option<Spanned<Duration>>,
    /// An untouched comparison cohort or journey (difference-in-differences).
    pub compare: Option<Comparison>,
    /// Lints allowed on this change.
    pub allow: Vec<Allow>,
    /// Comments above the declaration.
    pub comments: Comments,
    /// Span of the declaration.
    pub span: Span,
}

/// What a control change is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Comparison {
    /// A cohort the change did not touch (`region = "EU"`).
    Cohort {
        /// Dimension.
        dimension: Name,
        /// Value.
        value: Spanned<String>,
    },
    /// A journey the change did not touch.
    Journey(Name),
}

/// `allow W0102 "reason"`: silences one lint on one item.
#[derive(Clone, Debug, PartialEq)]
pub struct Allow {
    /// Lint code or name.
    pub lint: Spanned<String>,
    /// Why the lint does not apply.
    pub reason: Spanned<String>,
}
