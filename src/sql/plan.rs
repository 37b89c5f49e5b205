//! The plan: what each generated statement must compute, before any SQL is
//! written. Metrics are grouped into *streams*: the rows of one source
//! (with cohorts taken from another source when a metric attributes them).
//! All metrics over one stream share one scan and one conditional
//! aggregation; cross-source rates and derived metrics are combined after
//! aggregation.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use indexmap::IndexMap;
use sqlparser::ast::Expr;

use crate::model::{
    Attribution, Event, FollowedBy, Frequency, Metric, MetricKind, Scorecard, Sequence, Source,
    Unit,
};
use crate::syntax::ast::{Arith, CmpOp};

/// What one statement computes.
#[derive(Debug)]
pub struct Plan<'m> {
    /// The scorecard.
    pub model: &'m Scorecard,
    /// Sources read, with what each read needs.
    pub sources: IndexMap<String, SourceRead<'m>>,
    /// Streams, in first-use order.
    pub streams: IndexMap<String, Stream<'m>>,
    /// Metrics computed (outputs and the inputs of derived outputs), inputs
    /// before the metrics that use them.
    pub metrics: IndexMap<String, MetricPlan<'m>>,
    /// Metrics whose rows the statement returns, in declaration order.
    pub outputs: Vec<String>,
    /// Cohort dimension columns of the output, in first-seen order.
    pub dims: Vec<String>,
    /// The column of every counter, by stream and counter: metrics that
    /// count the same thing share one aggregate.
    shared: HashMap<(String, Counter<'m>), String>,
    /// The header lines that list the outputs, made once: they are the
    /// same in every dialect.
    pub listing: std::sync::OnceLock<String>,
}

/// One read of a source.
#[derive(Debug)]
pub struct SourceRead<'m> {
    /// The source.
    pub source: &'m Source,
    /// Extra look-back before the range start for cohort attribution,
    /// in seconds (0 when none).
    pub attribution_lookback: u64,
}

/// The rows of one source, grouped by the cohorts of the metrics counted
/// over them.
#[derive(Debug)]
pub struct Stream<'m> {
    /// CTE name stem.
    pub name: String,
    /// The source counted.
    pub source: &'m Source,
    /// Cohort attribution, when the cohorts come from another source.
    pub attribution: Option<&'m Attribution>,
    /// Dimensions grouped by (union of the metrics' cohorts).
    pub dims: Vec<String>,
    /// Grouping sets besides the bucket (the empty set is `overall`).
    pub groupings: Vec<Vec<String>>,
    /// Aggregated columns.
    pub counters: IndexMap<String, Counter<'m>>,
    /// Next-B window columns.
    pub sequences: Vec<SequencePlan<'m>>,
    /// Entity-frequency window columns.
    pub frequencies: Vec<FrequencyPlan<'m>>,
}

/// A predicate over a stream's rows.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Pred<'m> {
    /// A user fragment (event or unit filter).
    Sql(&'m Expr),
    /// Entity-frequency qualification `frequencies[i]`.
    Frequent(usize),
    /// `sequences[i]` matched within its window.
    Matched(usize),
}

/// An aggregated column of a stream.
#[derive(Clone, Debug, PartialEq)]
pub enum Counter<'m> {
    /// Rows (or distinct non-NULL values of a column) where all hold.
    Count {
        /// Conditions.
        when: Vec<Pred<'m>>,
        /// Column counted distinct.
        distinct: Option<String>,
    },
    /// Exact sum of a fragment where all hold.
    Sum {
        /// Conditions.
        when: Vec<Pred<'m>>,
        /// Summed expression.
        value: &'m Expr,
    },
    /// Percentile of minutes to the next B of `sequences[seq]`, over
    /// matched A's.
    Percentile {
        /// Conditions (A's, matched).
        when: Vec<Pred<'m>>,
        /// Sequence.
        seq: usize,
        /// Fraction, 0 to 1.
        fraction: f64,
        /// Approximation allowed.
        approximate: bool,
    },
}

/// Which aggregation of its stream a counter is computed in. Each reads
/// only the rows it needs: window columns are computed over the rows of
/// the events that use them, and distinct counts (a hash table per counter
/// and grouping set) over the rows of their events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Plain conditional counts and sums over every row of the stream.
    Plain,
    /// Counters that read a window column (followed-by, frequency,
    /// conversion, duration).
    Windowed,
    /// Distinct counts without window columns.
    Distinct,
}

impl Group {
    /// All groups, in the order their aggregations are written.
    pub const ALL: [Group; 3] = [Group::Plain, Group::Windowed, Group::Distinct];

    /// The suffix of the group's CTEs.
    pub fn suffix(self) -> &'static str {
        match self {
            Group::Plain => "counts",
            Group::Windowed => "window_counts",
            Group::Distinct => "distinct_counts",
        }
    }
}

// Fractions are finite (the checker reads them from `p50`..`p99`), so
// equality is an equivalence and bits are a faithful hash.
impl Eq for Counter<'_> {}

impl Hash for Counter<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Counter::Count { when, distinct } => (when, distinct).hash(state),
            Counter::Sum { when, value } => (when, value).hash(state),
            Counter::Percentile {
                when,
                seq,
                fraction,
                approximate,
            } => (when, seq, fraction.to_bits(), approximate).hash(state),
        }
    }
}

impl Counter<'_> {
    /// The counter's conditions.
    pub fn when(&self) -> &[Pred<'_>] {
        match self {
            Counter::Count { when, .. }
            | Counter::Sum { when, .. }
            | Counter::Percentile { when, .. } => when,
        }
    }

    /// The aggregation the counter is computed in.
    pub fn group(&self) -> Group {
        let windowed = matches!(self, Counter::Percentile { .. })
            || self
                .when()
                .iter()
                .any(|p| matches!(p, Pred::Frequent(_) | Pred::Matched(_)));
        match self {
            _ if windowed => Group::Windowed,
            Counter::Count {
                distinct: Some(_), ..
            } => Group::Distinct,
            _ => Group::Plain,
        }
    }
}

/// A next-B window column: for each row, the first B of the same key at or
/// after it.
#[derive(Clone, Debug)]
pub struct SequencePlan<'m> {
    /// Key column in the stream's source.
    pub key: String,
    /// B.
    pub to: &'m Event,
    /// Key column in B's source.
    pub other_key: String,
    /// B's source, when it is not the stream's.
    pub foreign: Option<&'m Source>,
    /// Window in seconds, both ends inclusive; `None` is unbounded.
    pub within: Option<u64>,
}

/// An entity-frequency window column.
#[derive(Clone, Debug)]
pub struct FrequencyPlan<'m> {
    /// Key column.
    pub key: String,
    /// The A rows counted.
    pub when: Vec<Pred<'m>>,
    /// Comparison.
    pub op: CmpOp,
    /// Bound.
    pub count: u64,
}

/// How a metric's value is computed from counters.
#[derive(Debug)]
pub struct MetricPlan<'m> {
    /// The metric.
    pub metric: &'m Metric,
    /// Grouping sets of its rows.
    pub groupings: Vec<Vec<String>>,
    /// The value's inputs.
    pub value: ValuePlan<'m>,
    /// Its longest window in seconds (incomplete buckets).
    pub window: u64,
    /// Sources whose newest timestamp is its watermark.
    pub sources: Vec<String>,
}

/// A counter: stream and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Col {
    /// Stream name.
    pub stream: String,
    /// Counter column.
    pub column: String,
}

/// A metric's value.
#[derive(Debug)]
pub enum ValuePlan<'m> {
    /// A count.
    Count(Col),
    /// An exact sum and the number of rows summed.
    Sum {
        /// Sum.
        sum: Col,
        /// Rows.
        rows: Col,
    },
    /// A ratio.
    Ratio {
        /// Numerator.
        numerator: Col,
        /// Denominator.
        denominator: Col,
    },
    /// A percentile, with matched and all A's.
    Percentile {
        /// Percentile value.
        value: Col,
        /// Matched A's.
        matched: Col,
        /// All A's.
        all: Col,
    },
    /// Arithmetic over other metrics.
    Derived(&'m Arith),
}

impl ValuePlan<'_> {
    /// The counters the value reads (none for derived metrics).
    pub fn cols(&self) -> Vec<&Col> {
        match self {
            ValuePlan::Count(c) => vec![c],
            ValuePlan::Sum { sum, rows } => vec![sum, rows],
            ValuePlan::Ratio {
                numerator,
                denominator,
            } => vec![numerator, denominator],
            ValuePlan::Percentile {
                value,
                matched,
                all,
            } => vec![value, matched, all],
            ValuePlan::Derived(_) => Vec::new(),
        }
    }
}

/// What to compute: every metric, a journey's, or one metric's.
#[derive(Clone, Copy, Debug)]
pub enum Selection<'a> {
    /// Every metric.
    All,
    /// One journey's metrics.
    Journey(&'a str),
    /// One metric.
    Metric(&'a str),
    /// The metrics counted over one source (not derived ones).
    Source(&'a str),
}

impl<'m> Plan<'m> {
    /// A plan that reads every source and counts nothing (signal integrity).
    pub fn sources_only(model: &'m Scorecard) -> Plan<'m> {
        Plan::empty(model).reading_every_source()
    }

    /// The plan, reading the sources it does not count too (for their
    /// signal integrity).
    pub fn reading_every_source(mut self) -> Plan<'m> {
        for name in self.model.sources.keys() {
            self.read(name, 0);
        }
        self
    }

    /// A plan that computes nothing (headers of statements without metrics).
    pub fn empty(model: &'m Scorecard) -> Plan<'m> {
        Plan {
            model,
            sources: IndexMap::new(),
            streams: IndexMap::new(),
            metrics: IndexMap::new(),
            outputs: Vec::new(),
            dims: Vec::new(),
            shared: HashMap::new(),
            listing: std::sync::OnceLock::new(),
        }
    }

    /// Plans the metrics of a selection.
    pub fn new(model: &'m Scorecard, selection: Selection<'_>) -> Plan<'m> {
        let outputs: Vec<String> = model
            .metrics
            .values()
            .filter(|m| match selection {
                Selection::All => true,
                Selection::Journey(j) => m.journey == j,
                Selection::Metric(name) => m.name == name,
                Selection::Source(source) => counted_sources(&m.kind).iter().any(|s| s == source),
            })
            .map(|m| m.name.clone())
            .collect();
        let mut plan = Plan {
            model,
            sources: IndexMap::new(),
            streams: IndexMap::new(),
            metrics: IndexMap::new(),
            outputs: outputs.clone(),
            dims: Vec::new(),
            shared: HashMap::new(),
            listing: std::sync::OnceLock::new(),
        };
        for name in &outputs {
            plan.add_metric(name);
        }
        for m in model.metrics.values() {
            if plan.metrics.contains_key(&m.name) {
                for c in &m.cohorts {
                    if !plan.dims.contains(c) {
                        plan.dims.push(c.clone());
                    }
                }
            }
        }
        plan
    }

    fn add_metric(&mut self, name: &str) {
        if self.metrics.contains_key(name) {
            return;
        }
        let Some(metric) = self.model.metrics.get(name) else {
            return;
        };
        let groupings = groupings(&metric.cohorts, self.model.settings.rollups);
        let (value, window) = match &metric.kind {
            MetricKind::Count(unit) => {
                let (col, window) = self.unit(metric, unit, &groupings, "count");
                (ValuePlan::Count(col), window)
            }
            MetricKind::Sum { value, unit } => {
                let (rows, window) = self.unit(metric, unit, &groupings, "rows");
                let when = self.unit_preds(metric, unit, &rows.stream);
                let sum = self.counter(metric, &rows.stream, "sum", Counter::Sum { when, value });
                (ValuePlan::Sum { sum, rows }, window)
            }
            MetricKind::Rate {
                numerator,
                denominator,
            } => {
                let (n, wn) = self.unit(metric, numerator, &groupings, "numerator");
                let (d, wd) = self.unit(metric, denominator, &groupings, "denominator");
                (
                    ValuePlan::Ratio {
                        numerator: n,
                        denominator: d,
                    },
                    wn.max(wd),
                )
            }
            MetricKind::Conversion(seq) => {
                let stream = self.stream(metric, &seq.from_source, &groupings);
                let (from, s) = self.sequence(&stream, seq);
                let all = Counter::Count {
                    when: from.clone(),
                    distinct: Some(seq.key.clone()),
                };
                let mut matched = from;
                matched.push(Pred::Matched(s));
                let converted = Counter::Count {
                    when: matched,
                    distinct: Some(seq.key.clone()),
                };
                let n = self.counter(metric, &stream, "converted", converted);
                let d = self.counter(metric, &stream, "started", all);
                let window = seq.within.map_or(0, |w| w.seconds);
                (
                    ValuePlan::Ratio {
                        numerator: n,
                        denominator: d,
                    },
                    window,
                )
            }
            MetricKind::Duration {
                percentile,
                approximate,
                sequence: seq,
            } => {
                let stream = self.stream(metric, &seq.from_source, &groupings);
                let (from, s) = self.sequence(&stream, seq);
                let mut matched = from.clone();
                matched.push(Pred::Matched(s));
                let all = self.counter(
                    metric,
                    &stream,
                    "started",
                    Counter::Count {
                        when: from,
                        distinct: None,
                    },
                );
                let m = self.counter(
                    metric,
                    &stream,
                    "matched",
                    Counter::Count {
                        when: matched.clone(),
                        distinct: None,
                    },
                );
                let value = self.counter(
                    metric,
                    &stream,
                    "minutes",
                    Counter::Percentile {
                        when: matched,
                        seq: s,
                        fraction: percentile / 100.0,
                        approximate: *approximate,
                    },
                );
                let window = seq.within.map_or(0, |w| w.seconds);
                (
                    ValuePlan::Percentile {
                        value,
                        matched: m,
                        all,
                    },
                    window,
                )
            }
            MetricKind::Derived(arith) => {
                let mut inputs = Vec::new();
                arith_metrics(arith, &mut inputs);
                let mut window = 0;
                for input in &inputs {
                    self.add_metric(input);
                    if let Some(p) = self.metrics.get(*input) {
                        window = window.max(p.window);
                    }
                }
                (ValuePlan::Derived(arith), window)
            }
        };
        let mut sources = Vec::new();
        match &metric.kind {
            MetricKind::Derived(arith) => {
                let mut inputs = Vec::new();
                arith_metrics(arith, &mut inputs);
                for input in inputs {
                    for s in self
                        .metrics
                        .get(input)
                        .map(|p| p.sources.clone())
                        .unwrap_or_default()
                    {
                        if !sources.contains(&s) {
                            sources.push(s);
                        }
                    }
                }
            }
            kind => {
                for s in counted_sources(kind) {
                    if !sources.contains(&s) {
                        sources.push(s);
                    }
                }
            }
        }
        self.metrics.insert(
            metric.name.clone(),
            MetricPlan {
                metric,
                groupings,
                value,
                window,
                sources,
            },
        );
    }

    /// The stream a metric counts `source` in, created on first use, with
    /// the metric's groupings added.
    fn stream(&mut self, metric: &'m Metric, source: &str, groupings: &[Vec<String>]) -> String {
        let model = self.model;
        let attribution = metric
            .attribution
            .as_ref()
            .filter(|_| metric_source(&metric.kind) == Some(source));
        let name = match attribution {
            Some(a) => format!("{source}__by_{}", a.event),
            None => source.to_string(),
        };
        self.read(source, 0);
        if let Some(a) = attribution {
            self.read(&a.source, a.lookback.seconds);
        }
        let stream = self.streams.entry(name.clone()).or_insert_with(|| Stream {
            name: name.clone(),
            source: &model.sources[source],
            attribution,
            dims: Vec::new(),
            groupings: vec![Vec::new()],
            counters: IndexMap::new(),
            sequences: Vec::new(),
            frequencies: Vec::new(),
        });
        for g in groupings {
            for d in g {
                if !stream.dims.contains(d) {
                    stream.dims.push(d.clone());
                }
            }
            if !stream.groupings.contains(g) {
                stream.groupings.push(g.clone());
            }
        }
        name
    }

    fn read(&mut self, source: &str, lookback: u64) {
        let model = self.model;
        let read = self
            .sources
            .entry(source.to_string())
            .or_insert_with(|| SourceRead {
                source: &model.sources[source],
                attribution_lookback: 0,
            });
        read.attribution_lookback = read.attribution_lookback.max(lookback);
    }

    /// Plans one unit as a count (or distinct count) and returns its column
    /// and window.
    fn unit(
        &mut self,
        metric: &'m Metric,
        unit: &'m Unit,
        groupings: &[Vec<String>],
        role: &str,
    ) -> (Col, u64) {
        let stream = self.stream(metric, &unit.source, groupings);
        let when = self.unit_preds(metric, unit, &stream);
        let col = self.counter(
            metric,
            &stream,
            role,
            Counter::Count {
                when,
                distinct: unit.distinct.clone(),
            },
        );
        let window = unit
            .followed_by
            .as_ref()
            .and_then(|f| f.within)
            .map_or(0, |w| w.seconds);
        (col, window)
    }

    /// The predicates of a unit's rows, adding its window columns.
    fn unit_preds(&mut self, _metric: &'m Metric, unit: &'m Unit, stream: &str) -> Vec<Pred<'m>> {
        let model = self.model;
        let event = &model.events[&unit.event];
        let mut when: Vec<Pred<'m>> = event.filter.iter().map(Pred::Sql).collect();
        when.extend(unit.filter.iter().map(Pred::Sql));
        if let Some(Frequency { key, op, count }) = &unit.frequency {
            let s = &mut self.streams[stream];
            let plan = FrequencyPlan {
                key: key.clone(),
                when: when.clone(),
                op: *op,
                count: *count,
            };
            let i = position_or_push(&mut s.frequencies, plan, |a, b| {
                a.key == b.key && a.op == b.op && a.count == b.count && same_preds(&a.when, &b.when)
            });
            when.push(Pred::Frequent(i));
        }
        if let Some(FollowedBy {
            event: to,
            source,
            within,
            key,
            other_key,
        }) = &unit.followed_by
        {
            let foreign = (source != &unit.source).then(|| &model.sources[source]);
            if let Some(f) = foreign {
                self.read(&f.name, 0);
            }
            let plan = SequencePlan {
                key: key.clone(),
                to: &model.events[to],
                other_key: other_key.clone(),
                foreign,
                within: within.map(|w| w.seconds),
            };
            let i = self.push_sequence(stream, plan);
            when.push(Pred::Matched(i));
        }
        when
    }

    fn sequence(&mut self, stream: &str, seq: &'m Sequence) -> (Vec<Pred<'m>>, usize) {
        let model = self.model;
        let from = &model.events[&seq.from];
        let foreign = (seq.to_source != seq.from_source).then(|| &model.sources[&seq.to_source]);
        if let Some(f) = foreign {
            self.read(&f.name, 0);
        }
        let plan = SequencePlan {
            key: seq.key.clone(),
            to: &model.events[&seq.to],
            other_key: seq.other_key.clone(),
            foreign,
            within: seq.within.map(|w| w.seconds),
        };
        let i = self.push_sequence(stream, plan);
        (from.filter.iter().map(Pred::Sql).collect(), i)
    }

    fn push_sequence(&mut self, stream: &str, plan: SequencePlan<'m>) -> usize {
        let s = &mut self.streams[stream];
        position_or_push(&mut s.sequences, plan, |a, b| {
            a.key == b.key
                && a.to.name == b.to.name
                && a.other_key == b.other_key
                && a.within == b.within
        })
    }

    /// Adds a counter named after the metric and its role, or finds the
    /// same counter that an earlier metric added to the stream.
    fn counter(&mut self, metric: &Metric, stream: &str, role: &str, counter: Counter<'m>) -> Col {
        let key = (stream.to_string(), counter);
        let column = match self.shared.get(&key) {
            Some(column) => column.clone(),
            None => {
                let column = format!("{}__{role}", metric.name);
                self.streams[stream]
                    .counters
                    .insert(column.clone(), key.1.clone());
                self.shared.insert(key, column.clone());
                column
            }
        };
        Col {
            stream: stream.to_string(),
            column,
        }
    }
}

/// The grouping sets of a metric: overall, all cohorts together, and with
/// rollups each cohort alone.
pub fn groupings(cohorts: &[String], rollups: bool) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    if !cohorts.is_empty() {
        out.push(cohorts.to_vec());
    }
    if rollups && cohorts.len() > 1 {
        out.extend(cohorts.iter().map(|c| vec![c.clone()]));
    }
    out
}

/// The label of a grouping set in the `grouping` column.
pub fn grouping_label(set: &[String]) -> String {
    if set.is_empty() {
        "overall".to_string()
    } else {
        set.join(",")
    }
}

/// The metrics an arithmetic expression reads.
pub fn arith_metrics<'a>(a: &'a Arith, out: &mut Vec<&'a str>) {
    match a {
        Arith::Number(_) => {}
        Arith::Metric(m) => {
            if !out.contains(&m.node.as_str()) {
                out.push(&m.node);
            }
        }
        Arith::Neg(inner) => arith_metrics(inner, out),
        Arith::Binary(l, _, r) => {
            arith_metrics(l, out);
            arith_metrics(r, out);
        }
    }
}

/// The single source whose rows a metric counts, if it has one (the
/// source cohort attribution applies to).
fn metric_source(kind: &MetricKind) -> Option<&str> {
    match kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => Some(&u.source),
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            Some(&s.from_source)
        }
        MetricKind::Rate {
            numerator,
            denominator,
        } if numerator.source == denominator.source => Some(&numerator.source),
        MetricKind::Rate { .. } | MetricKind::Derived(_) => None,
    }
}

fn counted_sources(kind: &MetricKind) -> Vec<String> {
    match kind {
        MetricKind::Count(u) | MetricKind::Sum { unit: u, .. } => vec![u.source.clone()],
        MetricKind::Rate {
            numerator,
            denominator,
        } => vec![numerator.source.clone(), denominator.source.clone()],
        MetricKind::Conversion(s) | MetricKind::Duration { sequence: s, .. } => {
            vec![s.from_source.clone()]
        }
        MetricKind::Derived(_) => Vec::new(),
    }
}

fn position_or_push<T>(items: &mut Vec<T>, item: T, same: impl Fn(&T, &T) -> bool) -> usize {
    if let Some(i) = items.iter().position(|x| same(x, &item)) {
        return i;
    }
    items.push(item);
    items.len() - 1
}

fn same_preds(a: &[Pred<'_>], b: &[Pred<'_>]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Pred::Sql(p), Pred::Sql(q)) => std::ptr::eq(*p, *q) || p == q,
            (Pred::Frequent(i), Pred::Frequent(j)) | (Pred::Matched(i), Pred::Matched(j)) => i == j,
            _ => false,
        })
}
