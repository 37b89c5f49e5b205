//! The checked model: what a scorecard means, with every name resolved and
//! every SQL fragment parsed. Only `check` builds it; every backend reads it.
//!
//! Declaration order is kept everywhere (`IndexMap`), so artifacts built
//! from the model are deterministic.

use indexmap::IndexMap;
use sqlparser::ast::Expr;

use crate::span::Span;
use crate::syntax::ast::{Arith, CmpOp, Duration, Key, Threshold, Tradeoff};

/// A checked scorecard.
#[derive(Clone, Debug, PartialEq)]
pub struct Scorecard {
    /// Scorecard name.
    pub name: String,
    /// Human title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Effective defaults.
    pub settings: Settings,
    /// Tier policies, for all four tiers (defaults where none is declared).
    pub tiers: IndexMap<Tier, TierPolicy>,
    /// Sources by name.
    pub sources: IndexMap<String, Source>,
    /// Events by name.
    pub events: IndexMap<String, Event>,
    /// Journeys by name.
    pub journeys: IndexMap<String, Journey>,
    /// Metrics by name, across journeys.
    pub metrics: IndexMap<String, Metric>,
    /// Pairs by name, across journeys.
    pub pairs: IndexMap<String, Pair>,
    /// Control changes by name, across journeys.
    pub changes: IndexMap<String, ControlChange>,
}

/// Scorecard-wide settings with defaults applied.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Default SQL dialect.
    pub dialect: String,
    /// Time bucket.
    pub grain: Grain,
    /// IANA time zone of the buckets.
    pub timezone: String,
    /// Scorecard-wide min_sample.
    pub min_sample: u64,
    /// First day of week buckets.
    pub week_start: WeekStart,
    /// De-duplication look-back.
    pub dedupe_lookback: Duration,
    /// Cohort attribution look-back.
    pub attribution_lookback: Duration,
    /// Whether single-dimension rollups are computed.
    pub rollups: bool,
}

/// A time bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    /// One hour.
    Hour,
    /// One calendar day.
    Day,
    /// One calendar week.
    Week,
    /// One calendar month.
    Month,
}

/// First day of a week bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeekStart {
    /// ISO weeks.
    Monday,
    /// US weeks.
    Sunday,
}

/// A risk tier; ordered from low to critical.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
    /// Critical risk.
    Critical,
}

impl Tier {
    /// All tiers, lowest first.
    pub const ALL: [Tier; 4] = [Tier::Low, Tier::Medium, Tier::High, Tier::Critical];

    /// The tier's word.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Low => "low",
            Tier::Medium => "medium",
            Tier::High => "high",
            Tier::Critical => "critical",
        }
    }

    /// The tier for a word.
    pub fn parse(word: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == word)
    }
}

/// Severity of a breach.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Warn.
    Warn,
    /// Critical.
    Critical,
}

/// Owner roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Owns the signal.
    Security,
    /// Owns interpretation and thresholds.
    Product,
}

/// A tier policy.
#[derive(Clone, Debug, PartialEq)]
pub struct TierPolicy {
    /// Floor for min_sample.
    pub min_sample: Option<u64>,
    /// Required cohort dimensions.
    pub required_cohorts: Vec<String>,
    /// Default severity.
    pub severity: Option<Severity>,
    /// Roles that must sign off changes.
    pub sign_off: Vec<Role>,
    /// Where it was declared, if it was.
    pub span: Option<Span>,
}

/// A source.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Name.
    pub name: String,
    /// Table, as written (possibly qualified).
    pub table: String,
    /// Timestamp column.
    pub timestamp: String,
    /// Entity column.
    pub entity: Option<String>,
    /// Session column.
    pub session: Option<String>,
    /// De-duplication key.
    pub dedupe_by: Option<String>,
    /// Tie-break column for de-duplication.
    pub dedupe_order: Option<String>,
    /// Dimensions, in order.
    pub dimensions: IndexMap<String, Dimension>,
    /// Declared columns and types, if a schema is declared.
    pub columns: IndexMap<String, String>,
    /// Row filter.
    pub filter: Option<Expr>,
    /// Integrity checks.
    pub integrity: Integrity,
    /// Where it was declared.
    pub span: Span,
}

impl Source {
    /// The declared entity, session, dedupe and dedupe-order columns.
    pub fn key_columns(&self) -> impl Iterator<Item = &str> {
        [
            &self.entity,
            &self.session,
            &self.dedupe_by,
            &self.dedupe_order,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
    }

    /// The column a key means in this source, if the source has it.
    pub fn key_column<'a>(&'a self, key: &'a Key) -> Option<&'a str> {
        match key {
            Key::Entity => self.entity.as_deref(),
            Key::Session => self.session.as_deref(),
            Key::Column(c) => {
                if self.columns.is_empty() || self.columns.contains_key(c) {
                    Some(c)
                } else {
                    None
                }
            }
        }
    }
}

/// A dimension of a source.
#[derive(Clone, Debug, PartialEq)]
pub struct Dimension {
    /// Name.
    pub name: String,
    /// Expression; `None` is the column of the same name.
    pub expr: Option<Expr>,
}

/// Integrity checks of one source.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Integrity {
    /// Freshness bounds (durations).
    pub freshness: Bounds,
    /// Volume bounds (relative to baseline).
    pub volume: Bounds,
    /// Duplicate-ratio bounds.
    pub duplicates: Bounds,
}

/// Warn and critical bounds.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bounds {
    /// Warn.
    pub warn: Option<Threshold>,
    /// Critical.
    pub critical: Option<Threshold>,
}

/// An event.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Name.
    pub name: String,
    /// Source name.
    pub source: String,
    /// Predicate, if any.
    pub filter: Option<Expr>,
    /// Description.
    pub description: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// A journey.
#[derive(Clone, Debug, PartialEq)]
pub struct Journey {
    /// Name.
    pub name: String,
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Tier.
    pub tier: Tier,
    /// Steps (event names).
    pub steps: Vec<String>,
    /// Security owner.
    pub security_owner: Option<String>,
    /// Product owner.
    pub product_owner: Option<String>,
    /// Cohort dimensions.
    pub cohorts: Vec<String>,
    /// Journey min_sample.
    pub min_sample: Option<u64>,
    /// Metric names, in order.
    pub metrics: Vec<String>,
    /// Pair names, in order.
    pub pairs: Vec<String>,
    /// Control change names, in order.
    pub changes: Vec<String>,
    /// Where it was declared.
    pub span: Span,
}

/// Which side a metric is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// Security.
    Security,
    /// Experience.
    Experience,
    /// Business outcome.
    Outcome,
}

/// Which direction is good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Good {
    /// Higher is better.
    High,
    /// Lower is better.
    Low,
}

/// A metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Name.
    pub name: String,
    /// Journey name.
    pub journey: String,
    /// Side.
    pub side: Side,
    /// Good direction.
    pub good: Good,
    /// What is measured.
    pub kind: MetricKind,
    /// Display unit.
    pub unit: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Metric min_sample.
    pub min_sample: Option<u64>,
    /// Cohort attribution.
    pub attribution: Option<Attribution>,
    /// The journey cohorts this metric is broken down by (those all its sources provide).
    pub cohorts: Vec<String>,
    /// Where it was declared.
    pub span: Span,
}

/// What a metric measures.
#[derive(Clone, Debug, PartialEq)]
#[allow(
    clippy::large_enum_variant,
    reason = "one per metric, built once; boxing would only add noise"
)]
pub enum MetricKind {
    /// Number of events or distinct keys.
    Count(Unit),
    /// Exact sum.
    Sum {
        /// The summed expression.
        value: Expr,
        /// Which rows.
        unit: Unit,
    },
    /// Numerator over denominator.
    Rate {
        /// Numerator.
        numerator: Unit,
        /// Denominator.
        denominator: Unit,
    },
    /// Distinct keys with A reaching B within a window, over keys with A.
    Conversion(Sequence),
    /// Percentile of minutes from each A to the key's next B.
    Duration {
        /// Percentile, 0 to 100.
        percentile: f64,
        /// Whether an approximation is acceptable.
        approximate: bool,
        /// Events and window.
        sequence: Sequence,
    },
    /// Arithmetic over other metrics of the journey.
    Derived(Arith),
}

impl MetricKind {
    /// The kind's keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            MetricKind::Count(_) => "count",
            MetricKind::Sum { .. } => "sum",
            MetricKind::Rate { .. } => "rate",
            MetricKind::Conversion(_) => "conversion",
            MetricKind::Duration { .. } => "duration",
            MetricKind::Derived(_) => "derived",
        }
    }

    /// Whether values are fractions between 0 and 1.
    pub fn is_fraction(&self) -> bool {
        matches!(self, MetricKind::Rate { .. } | MetricKind::Conversion(_))
    }
}

/// The rows one side of a count, sum or rate counts.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    /// Event name.
    pub event: String,
    /// Source of the event.
    pub source: String,
    /// Count distinct values of this key column instead of events.
    pub distinct: Option<String>,
    /// Extra predicate.
    pub filter: Option<Expr>,
    /// Entity-frequency condition.
    pub frequency: Option<Frequency>,
    /// Followed-by condition.
    pub followed_by: Option<FollowedBy>,
}

/// Events whose key has `op count` such events in the bucket, across cohorts.
#[derive(Clone, Debug, PartialEq)]
pub struct Frequency {
    /// Key column.
    pub key: String,
    /// Comparison.
    pub op: CmpOp,
    /// Bound.
    pub count: u64,
}

/// Followed by the same key's B at or after A, within an optional window.
#[derive(Clone, Debug, PartialEq)]
pub struct FollowedBy {
    /// B.
    pub event: String,
    /// B's source.
    pub source: String,
    /// Window (inclusive).
    pub within: Option<Duration>,
    /// Key column in A's source.
    pub key: String,
    /// Key column in B's source.
    pub other_key: String,
}

/// Two events related by a key.
#[derive(Clone, Debug, PartialEq)]
pub struct Sequence {
    /// A.
    pub from: String,
    /// A's source.
    pub from_source: String,
    /// B.
    pub to: String,
    /// B's source.
    pub to_source: String,
    /// Window (inclusive); `None` is unbounded.
    pub within: Option<Duration>,
    /// Key column in A's source.
    pub key: String,
    /// Key column in B's source.
    pub other_key: String,
}

/// Cohort attribution of a metric.
#[derive(Clone, Debug, PartialEq)]
pub struct Attribution {
    /// Event whose cohort is taken.
    pub event: String,
    /// Its source.
    pub source: String,
    /// Look-back.
    pub lookback: Duration,
    /// Tie-break column.
    pub tie_break: Option<String>,
}

/// A pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// Name.
    pub name: String,
    /// Journey name.
    pub journey: String,
    /// Security side.
    pub security: PairSide,
    /// Experience or outcome side.
    pub experience: PairSide,
    /// Trade-off rule.
    pub tradeoff: Option<Tradeoff>,
    /// Action text.
    pub action: Option<String>,
    /// Resolved mappings.
    pub maps: Vec<Mapping>,
    /// Pair min_sample.
    pub min_sample: Option<u64>,
    /// Where it was declared.
    pub span: Span,
}

/// One side of a pair.
#[derive(Clone, Debug, PartialEq)]
pub struct PairSide {
    /// Metric name.
    pub metric: String,
    /// Warn bound.
    pub warn: Option<Threshold>,
    /// Critical bound.
    pub critical: Option<Threshold>,
    /// Effective min_sample: the most specific setting, floored by the tier.
    pub min_sample: u64,
    /// Per-cohort overrides.
    pub overrides: Vec<CohortOverride>,
}

/// Bounds for one cohort value.
#[derive(Clone, Debug, PartialEq)]
pub struct CohortOverride {
    /// Dimension.
    pub dimension: String,
    /// Value.
    pub value: String,
    /// Warn bound (falls back to the side's).
    pub warn: Option<Threshold>,
    /// Critical bound (falls back to the side's).
    pub critical: Option<Threshold>,
    /// Effective min_sample.
    pub min_sample: u64,
}

/// A resolved framework mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    /// As written.
    pub reference: String,
    /// Catalog framework name.
    pub framework: String,
    /// Canonical control ID.
    pub id: String,
    /// Control title.
    pub title: String,
}

/// A control change.
#[derive(Clone, Debug, PartialEq)]
pub struct ControlChange {
    /// Name.
    pub name: String,
    /// Title.
    pub title: Option<String>,
    /// Date (`YYYY-MM-DD`).
    pub date: jiff::civil::Date,
    /// Journeys touched (the declaring journey first).
    pub journeys: Vec<String>,
    /// Outcome metrics.
    pub outcomes: Vec<String>,
    /// Window on each side.
    pub window: Duration,
    /// Washout after the change.
    pub washout: Option<Duration>,
    /// Comparison.
    pub compare: Option<Comparison>,
    /// Where it was declared.
    pub span: Span,
}

/// What a control change is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// An untouched cohort.
    Cohort {
        /// Dimension.
        dimension: String,
        /// Value.
        value: String,
    },
    /// An untouched journey.
    Journey(String),
}
